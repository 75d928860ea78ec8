//! The signing-secret panel: reveal (password first), shown at once with hide/show and copy, hidden
//! again after 60 s or on leaving; expire (explained, password and confirmation), then an offer to reveal the new one.
//! The secret lives only in memory ([`RevealedSecret`]), never in storage or the URL; the panel's
//! requests and dialogs are [`SecretPanelState`].

mod revealed;
mod state;

use leptos::prelude::*;
use webhook_api::Endpoint;

pub use self::revealed::{REVEAL_FOR, RevealedSecret, provide_revealed_secret};
use self::state::{SecretPanelState, Step};
use crate::{
    clock::use_now,
    components::{
        copy_button::CopyButton,
        dialog::Modal,
        password_dialog::{PasswordDialog, PasswordProblem},
    },
};

#[component]
pub fn SigningSecretPanel(
    id: u64,
    /// After an expire, with the endpoint as the server now has it.
    #[prop(optional, into)]
    on_expired: Option<Callback<Endpoint>>,
) -> impl IntoView {
    let panel = SecretPanelState::new(id, on_expired);
    let (revealed, step) = (panel.revealed, panel.step);
    view! {
        // Takes focus when a dialog it opened closes without its opener ("Reveal…" goes once revealed).
        <section class="card secret-panel" aria-labelledby="secret-title" tabindex="-1">
            <h2 id="secret-title">"Signing secret"</h2>
            <p class="muted">
                "Each delivery carries a " <code>"SelfCommunity-Signature"</code>
                " header made with this secret, so receivers can tell it really came from your community."
            </p>
            {move || match revealed.get() {
                Some(secret) => view! { <ShownSecret secret panel /> }.into_any(),
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
                <RevealDialog panel />
            </Show>
            <Show when=move || step.get() == Step::Expire>
                <ExpireDialog panel />
            </Show>
            <Show when=move || step.get() == Step::Expired>
                <ExpiredDialog panel />
            </Show>
        </section>
    }
}

/// The revealed secret (shown until "Hide" masks it), its copy button and how long until it hides itself.
#[component]
fn ShownSecret(secret: String, panel: SecretPanelState) -> impl IntoView {
    let (revealed, unmasked) = (panel.revealed, panel.unmasked);
    let now = use_now();
    let secret_text = Signal::derive(move || revealed.get().unwrap_or_default());
    view! {
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
                let left = revealed.hide_at().map_or(0.0, |at| {
                    ((at - now()) / 1000.0).ceil().clamp(0.0, REVEAL_FOR.as_secs() as f64)
                });
                format!("Hides itself in {} s. ", left as u64)
            }}
            <button type="button" class="button link" on:click=move |_| revealed.hide()>
                "Hide now"
            </button>
        </p>
    }
}

#[component]
fn RevealDialog(panel: SecretPanelState) -> impl IntoView {
    view! {
        <PasswordDialog
            title="Reveal the signing secret"
            confirm_label="Reveal"
            pending=panel.reveal_pending()
            problem=panel.reveal_problem()
            on_submit=Callback::new(move |password| panel.reveal(password))
            on_close=Callback::new(move |()| panel.close())
        >
            <p>"The secret shows for 60 seconds, then hides itself. Anyone who has it can sign requests as your community."</p>
        </PasswordDialog>
    }
}

#[component]
fn ExpireDialog(panel: SecretPanelState) -> impl IntoView {
    let understood = panel.understood;
    view! {
        <PasswordDialog
            title="Expire the signing secret?"
            confirm_label="Expire secret"
            danger=true
            pending=panel.expire_pending()
            problem=panel.expire_problem()
            can_submit=Signal::derive(move || understood.get())
            on_submit=Callback::new(move |password| panel.expire(password))
            on_close=Callback::new(move |()| panel.close())
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
    }
}

/// After an expire: the offer to reveal the new secret (with the password just typed).
#[component]
fn ExpiredDialog(panel: SecretPanelState) -> impl IntoView {
    let problem = panel.reveal_problem();
    let pending = panel.reveal_pending();
    view! {
        <Modal title="Secret replaced" on_close=Callback::new(move |()| panel.close())>
            <p>"Deliveries are now signed with the new secret. Reveal it to hand it to the receivers."</p>
            {move || problem.get().map(|p| {
                let text = match p {
                    PasswordProblem::Wrong(m) | PasswordProblem::Other(m) => m,
                    PasswordProblem::Throttled { message, .. } => message,
                };
                view! { <p class="form-error" role="alert">{text}</p> }
            })}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| panel.close()>
                    "Close"
                </button>
                <button
                    type="button"
                    class="button primary"
                    autofocus
                    aria-disabled=move || pending.get().to_string()
                    on:click=move |_| panel.reveal_new()
                >
                    "Reveal the new secret"
                </button>
            </div>
        </Modal>
    }
}
