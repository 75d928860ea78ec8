//! The signing-secret panel: reveal (password first), masked with show/hide and copy, hidden again after
//! 60 s or on leaving; expire (explained, password and confirmation), then an offer to reveal the new one.
//! The secret lives only in memory, never in storage or the URL.

use std::time::Duration;

use leptos::prelude::*;
use webhook_api::Endpoint;

use crate::{
    api,
    clock::use_now,
    components::task::Task,
    components::{
        copy_button::CopyButton,
        dialog::Modal,
        password_dialog::{PasswordDialog, PasswordLockout, PasswordProblem},
        toast::use_toasts,
    },
    session::use_session,
};

/// How long a revealed secret stays on screen.
pub const REVEAL_FOR: Duration = Duration::from_secs(60);

/// The revealed secret of the endpoint on screen, shared with the attempts' signature check (a context
/// value of the page; it goes when the page goes).
#[derive(Clone, Copy)]
pub struct RevealedSecret {
    secret: RwSignal<Option<String>>,
    /// When it hides itself (epoch ms).
    hide_at: RwSignal<Option<f64>>,
}

impl Default for RevealedSecret {
    fn default() -> Self {
        Self::new()
    }
}

impl RevealedSecret {
    pub fn new() -> Self {
        Self {
            secret: RwSignal::new(None),
            hide_at: RwSignal::new(None),
        }
    }

    /// The secret while it is revealed.
    pub fn get(&self) -> Option<String> {
        self.secret.get()
    }

    /// Shows `secret` for [`REVEAL_FOR`].
    pub fn show(&self, secret: String) {
        let hide_at = js_sys::Date::now() + REVEAL_FOR.as_millis() as f64;
        self.secret.set(Some(secret));
        self.hide_at.set(Some(hide_at));
        let this = *self;
        set_timeout(
            move || {
                // Only if no later reveal restarted the clock (and the page is still there).
                if this.hide_at.try_get_untracked().flatten() == Some(hide_at) {
                    this.hide();
                }
            },
            REVEAL_FOR,
        );
    }

    pub fn hide(&self) {
        self.secret.set(None);
        self.hide_at.set(None);
    }
}

/// Provides a [`RevealedSecret`] for the page being built.
pub fn provide_revealed_secret() -> RevealedSecret {
    let revealed = RevealedSecret::new();
    provide_context(revealed);
    revealed
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Closed,
    Reveal,
    Expire,
    Expired,
}

#[component]
pub fn SigningSecretPanel(
    id: u64,
    /// After an expire, with the endpoint as the server now has it.
    #[prop(optional, into)]
    on_expired: Option<Callback<Endpoint>>,
) -> impl IntoView {
    let session = use_session();
    let lockout = PasswordLockout::use_lockout();
    let toasts = use_toasts();
    let revealed = expect_context::<RevealedSecret>();
    let now = use_now();
    let step = RwSignal::new(Step::Closed);
    let unmasked = RwSignal::new(false);
    let understood = RwSignal::new(false);
    // The password typed for expire, kept only until the "reveal the new one" offer closes.
    let expire_password = StoredValue::new(None::<String>);

    let reveal = Task::new(move |password: &String| {
        let password = password.clone();
        let client = session.client();
        async move {
            match api::reveal_secret(&client, id, &password).await {
                Ok(secret) => {
                    revealed.show(secret.signing_secret);
                    unmasked.set(false);
                    step.set(Step::Closed);
                    expire_password.set_value(None);
                    Ok(())
                }
                Err(error) => Err(lockout.problem(&error)),
            }
        }
    });
    let expire = Task::new(move |password: &String| {
        let password = password.clone();
        let client = session.client();
        async move {
            match api::expire_secret(&client, id, &password).await {
                Ok(endpoint) => {
                    revealed.hide();
                    expire_password.set_value(Some(password));
                    step.set(Step::Expired);
                    toasts.success("Signing secret replaced");
                    if let Some(on_expired) = on_expired {
                        on_expired.run(endpoint);
                    }
                    Ok(())
                }
                Err(error) => Err(lockout.problem(&error)),
            }
        }
    });
    let (reveal_result, expire_result) = (reveal.value(), expire.value());
    let (reveal_pending, expire_pending) = (reveal.pending(), expire.pending());
    let reveal_problem = Signal::derive(move || reveal_result.get().and_then(Result::err));
    let expire_problem = Signal::derive(move || expire_result.get().and_then(Result::err));
    let close = move |()| {
        step.set(Step::Closed);
        understood.set(false);
        expire_password.set_value(None);
        reveal_result.set(None);
        expire_result.set(None);
    };
    let secret_text = Signal::derive(move || revealed.get().unwrap_or_default());

    view! {
        // Takes focus when a dialog it opened closes without its opener ("Reveal…" goes once revealed).
        <section class="card secret-panel" aria-labelledby="secret-title" tabindex="-1">
            <h2 id="secret-title">"Signing secret"</h2>
            <p class="muted">
                "Each delivery carries a " <code>"SelfCommunity-Signature"</code>
                " header made with this secret, so receivers can tell it really came from your community."
            </p>
            {move || match revealed.get() {
                Some(secret) => view! {
                    <div class="secret-row">
                        <span class="visually-hidden">
                            {move || if unmasked.get() { "Signing secret:" } else { "Signing secret, masked" }}
                        </span>
                        <code class="secret-value" aria-hidden=move || (!unmasked.get()).then_some("true")>
                            {move || if unmasked.get() { secret.clone() } else { "•".repeat(24) }}
                        </code>
                        <button
                            type="button"
                            class="button small"
                            aria-pressed=move || unmasked.get().to_string()
                            on:click=move |_| unmasked.update(|u| *u = !*u)
                        >
                            {move || if unmasked.get() { "Hide" } else { "Show" }}
                        </button>
                        <CopyButton text=secret_text label="Copy the signing secret" />
                    </div>
                    <p class="hint secret-timer">
                        {move || {
                            // The clock ticks once a second, so it can lag: never say more than the full time.
                            let left = revealed.hide_at.get().map_or(0.0, |at| {
                                ((at - now()) / 1000.0).ceil().clamp(0.0, REVEAL_FOR.as_secs() as f64)
                            });
                            format!("Hides itself in {} s. ", left as u64)
                        }}
                        <button type="button" class="button link" on:click=move |_| revealed.hide()>
                            "Hide now"
                        </button>
                    </p>
                }
                .into_any(),
                None => view! {
                    <p class="secret-hidden">
                        <span class="visually-hidden">"Signing secret hidden"</span>
                        <code class="secret-value masked" aria-hidden="true">{"•".repeat(24)}</code>
                    </p>
                }
                .into_any(),
            }}
            <div class="form-actions">
                <Show when=move || revealed.get().is_none()>
                    <button type="button" class="button primary" on:click=move |_| step.set(Step::Reveal)>
                        "Reveal…"
                    </button>
                </Show>
                <button type="button" class="button danger-text" on:click=move |_| step.set(Step::Expire)>
                    "Expire…"
                </button>
            </div>
            <Show when=move || step.get() == Step::Reveal>
                <PasswordDialog
                    title="Reveal the signing secret"
                    confirm_label="Reveal"
                    pending=reveal_pending
                    problem=reveal_problem
                    on_submit=Callback::new(move |password| {
                        reveal.dispatch(password);
                    })
                    on_close=Callback::new(close)
                >
                    <p>"The secret shows for 60 seconds, then hides itself. Anyone who has it can sign requests as your community."</p>
                </PasswordDialog>
            </Show>
            <Show when=move || step.get() == Step::Expire>
                <PasswordDialog
                    title="Expire the signing secret?"
                    confirm_label="Expire secret"
                    danger=true
                    pending=expire_pending
                    problem=expire_problem
                    can_submit=Signal::derive(move || understood.get())
                    on_submit=Callback::new(move |password| {
                        expire.dispatch(password);
                    })
                    on_close=Callback::new(close)
                >
                    <p>
                        "A new secret replaces the current one at once. Every delivery from then on is signed with the new secret, "
                        "so receivers still checking with the old one will reject them until they switch."
                    </p>
                    <label class="confirm-check">
                        <input type="checkbox" bind:checked=understood />
                        "I understand that receivers must switch to the new secret."
                    </label>
                </PasswordDialog>
            </Show>
            <Show when=move || step.get() == Step::Expired>
                <Modal title="Secret replaced" on_close=Callback::new(close)>
                    <p>"Deliveries are now signed with the new secret. Reveal it to hand it to the receivers."</p>
                    {move || reveal_problem.get().map(|p| {
                        let text = match p {
                            PasswordProblem::Wrong(m) | PasswordProblem::Other(m) => m,
                            PasswordProblem::Throttled { message, .. } => message,
                        };
                        view! { <p class="form-error" role="alert">{text}</p> }
                    })}
                    <div class="modal-actions">
                        <button type="button" class="button" on:click=move |_| close(())>
                            "Close"
                        </button>
                        <button
                            type="button"
                            class="button primary"
                            autofocus
                            aria-disabled=move || reveal_pending.get().to_string()
                            on:click=move |_| {
                                if let Some(password) = expire_password.get_value() {
                                    reveal.dispatch(password);
                                }
                            }
                        >
                            "Reveal the new secret"
                        </button>
                    </div>
                </Modal>
            </Show>
        </section>
    }
}
