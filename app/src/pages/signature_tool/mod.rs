//! `/tools/signature`: paste a body, a `SelfCommunity-Signature` header and a secret; see the signed
//! string, expected and received signatures, whether they match and how old the timestamp is; plus
//! verification snippets for receivers (`snippets`).

mod snippets;

use leptos::prelude::*;
use webhook_api::signature::{self, SignatureHeader};

use self::snippets::Snippets;
use crate::{clock::use_now, components::datetime::exact, time};

/// Receivers should refuse a timestamp older than this (replay protection).
const TOLERANCE_S: f64 = 300.0;

/// A body and header handed to the tool by "Open in the signature tool" (an app-wide context value;
/// never the secret).
#[derive(Clone, Copy)]
pub struct SignatureToolInput(RwSignal<Option<(String, String)>>);

impl SignatureToolInput {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    /// Hands `body` and `header` to the tool's next opening.
    pub fn open(body: String, header: String) {
        if let Some(input) = use_context::<Self>() {
            input.0.set(Some((body, header)));
        }
    }

    fn take() -> Option<(String, String)> {
        let input = use_context::<Self>()?;
        let taken = input.0.get_untracked();
        input.0.set(None);
        taken
    }
}

#[component]
pub fn SignatureTool() -> impl IntoView {
    let (body, header) = SignatureToolInput::take().unwrap_or_default();
    let body = RwSignal::new(body);
    let header = RwSignal::new(header);
    let secret = RwSignal::new(String::new());
    view! {
        <section class="page signature-tool" aria-labelledby="signature-tool-title">
            <header class="page-header">
                <h1 id="signature-tool-title">"Signature tool"</h1>
            </header>
            <p class="muted">
                "Check a delivery's " <code>"SelfCommunity-Signature"</code>
                " by hand: the signature is HMAC-SHA256 of " <code>"<t>.<body>"</code>
                " with the endpoint's signing secret, in lowercase hex. Everything is computed in this browser; nothing is sent."
            </p>
            <div class="tool-grid">
                <ToolInputs body header secret />
                <ToolResult body header secret />
            </div>
            <Snippets />
        </section>
    }
}

/// The body, the header and the secret.
#[component]
fn ToolInputs(
    body: RwSignal<String>,
    header: RwSignal<String>,
    secret: RwSignal<String>,
) -> impl IntoView {
    let show_secret = RwSignal::new(false);
    view! {
        <form class="form card" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="tool-body">"Request body (exactly as received)"</label>
                <textarea id="tool-body" rows="8" spellcheck="false" bind:value=body></textarea>
            </div>
            <div class="field">
                <label for="tool-header">"SelfCommunity-Signature header"</label>
                <input id="tool-header" type="text" spellcheck="false" autocomplete="off" placeholder="t=1700000000,v0=5f0c…" bind:value=header />
            </div>
            <div class="field">
                <label for="tool-secret">"Signing secret"</label>
                <div class="input-with-button">
                    <input
                        id="tool-secret"
                        type=move || if show_secret.get() { "text" } else { "password" }
                        spellcheck="false"
                        autocomplete="off"
                        bind:value=secret
                    />
                    <button type="button" class="button small" aria-pressed=move || show_secret.get().to_string() on:click=move |_| show_secret.update(|s| *s = !*s)>
                        {move || if show_secret.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <p class="hint">"Reveal it on the endpoint's page. It stays in this page only."</p>
            </div>
        </form>
    }
}

/// What the header says, the signature the secret gives, and whether they match.
#[component]
fn ToolResult(
    body: RwSignal<String>,
    header: RwSignal<String>,
    secret: RwSignal<String>,
) -> impl IntoView {
    let parsed = Memo::new(move |_| header.with(|h| h.trim().parse::<SignatureHeader>()));
    let no_header = move || header.with(|h| h.trim().is_empty());
    let announcement = Memo::new(move |_| match parsed.get() {
        Err(_) if no_header() => String::new(),
        Err(error) => format!("The header cannot be read: {error}."),
        Ok(parsed) => {
            let secret = secret.get();
            if secret.is_empty() {
                String::new()
            } else if body.with(|body| parsed.verify(&secret, body.as_bytes())) {
                "The signature matches.".to_owned()
            } else {
                "The signature does not match.".to_owned()
            }
        }
    });
    view! {
        <section class="card tool-result" aria-labelledby="tool-result-title">
            <h2 id="tool-result-title">"Result"</h2>
            // The live region holds only the verdict, always in the page: a screen reader hears it
            // once when it changes, not the whole panel on every keystroke or clock tick.
            <p class="visually-hidden" role="status">{move || announcement.get()}</p>
            {move || match parsed.get() {
                Err(_) if no_header() => {
                    view! { <p class="muted">"Paste a signature header to begin."</p> }.into_any()
                }
                Err(error) => view! { <p class="field-error">{format!("The header cannot be read: {error}.")}</p> }.into_any(),
                Ok(parsed) => view! { <Checked parsed body=body.get() secret=secret.get() /> }.into_any(),
            }}
        </section>
    }
}

/// A header that reads, checked against `body` with `secret` (none yet when empty).
#[component]
fn Checked(parsed: SignatureHeader, body: String, secret: String) -> impl IntoView {
    let now = use_now();
    let t = parsed.timestamp;
    // Read in its own reactive node: the clock ticks every second, and the rest of the result (an
    // HMAC, a verdict) must not be rebuilt for it.
    let age = move || {
        let age_s = (now() / 1000.0 - t as f64).round();
        view! {
            {format!("{} old", time::wait(age_s.abs() as u64))}
            {(age_s > TOLERANCE_S).then(|| view! { <span class="badge warn">"older than 5 min: receivers should reject it"</span> })}
            {(age_s < -TOLERANCE_S).then(|| view! { <span class="badge warn">"in the future"</span> })}
        }
    };
    let signed =
        String::from_utf8_lossy(&signature::signed_payload(t, body.as_bytes())).into_owned();
    let expected = (!secret.is_empty()).then(|| signature::compute(&secret, t, body.as_bytes()));
    let matches = (!secret.is_empty()).then(|| parsed.verify(&secret, body.as_bytes()));
    view! {
        <dl class="facts">
            <dt>"Timestamp"</dt>
            <dd>
                <span class="mono">{t}</span> " = " {exact(t as f64 * 1000.0)}
                <br />
                {age}
            </dd>
            <dt>"Signed string"</dt>
            <dd><code class="signed-string">{truncate(&signed, 400)}</code></dd>
            <dt>"Expected signature"</dt>
            <dd>
                {match expected {
                    Some(hex) => view! { <code class="signature-hex expected">{hex}</code> }.into_any(),
                    None => view! { <span class="muted">"Enter the secret to compute it."</span> }.into_any(),
                }}
            </dd>
            <dt>"Received"</dt>
            <dd>{parsed.signatures.iter().map(|s| view! { <code class="signature-hex received">{s.clone()}</code> }).collect_view()}</dd>
        </dl>
        {match matches {
            Some(true) => view! { <p class="verdict ok">"✓ The signature matches."</p> }.into_any(),
            Some(false) => view! { <p class="verdict bad">"✕ The signature does not match."</p> }.into_any(),
            None => view! { <p class="hint">"Enter the secret to check the signature."</p> }.into_any(),
        }}
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!(
            "{}… ({} characters in all)",
            &text[..at],
            text.chars().count()
        ),
        None => text.to_owned(),
    }
}
