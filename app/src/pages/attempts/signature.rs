//! An attempt's signature header, parsed, and checked in the browser against the revealed secret.

use leptos::prelude::*;
use webhook_api::signature::SignatureHeader;

use crate::components::datetime::{RelativeTime, exact};

/// The header split into its timestamp and signatures; with `secret`, whether it matches `body`.
#[component]
pub fn SignatureCheck(
    #[prop(into)] header: String,
    #[prop(into)] body: String,
    /// The revealed signing secret, if any.
    #[prop(into)]
    secret: Signal<Option<String>>,
) -> impl IntoView {
    let parsed = header.parse::<SignatureHeader>();
    let raw = view! { <code class="signature-raw">{header.clone()}</code> };
    let parsed = match parsed {
        Err(error) => {
            return view! {
                {raw}
                <p class="field-error">{format!("Cannot read this header: {error}.")}</p>
            }
            .into_any();
        }
        Ok(parsed) => parsed,
    };
    let at_ms = parsed.timestamp as f64 * 1000.0;
    let iso = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms))
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let signatures = parsed.signatures.clone();
    let timestamp = parsed.timestamp;
    let verdict = move || {
        secret.get().map(|secret| {
            if parsed.verify(&secret, body.as_bytes()) {
                view! {
                    <p class="verdict ok" role="status">
                        "✓ Matches: recomputed in this browser with the revealed secret."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p class="verdict bad" role="status">
                        "✕ Does not match the revealed secret. It was signed with another secret (expired since?) or the body differs."
                    </p>
                }
                .into_any()
            }
        })
    };
    view! {
        {raw}
        <dl class="facts signature-facts">
            <dt>"Timestamp"</dt>
            <dd>
                <span class="mono">{timestamp}</span> " = " {exact(at_ms)} " ("
                <RelativeTime iso /> ")"
            </dd>
            <dt>{if signatures.len() == 1 { "Signature (v0)" } else { "Signatures (v0)" }}</dt>
            <dd>
                {signatures.into_iter().map(|s| view! { <code class="signature-hex">{s}</code> }).collect_view()}
            </dd>
        </dl>
        {move || {
            verdict()
                .unwrap_or_else(|| {
                    view! { <p class="hint">"Reveal the signing secret to check this signature here."</p> }
                        .into_any()
                })
        }}
    }
    .into_any()
}
