//! The signing-secret panel's state, apart from its view: which dialog is open, the reveal and expire
//! requests, and the password typed for an expire, kept only until the offer to reveal the new secret
//! closes.

use leptos::prelude::*;
use webhook_api::Endpoint;

use super::revealed::RevealedSecret;
use crate::{
    api,
    components::{
        password_dialog::{PasswordLockout, PasswordProblem},
        task::Task,
        toast::use_toasts,
    },
    session::use_session,
};

/// Which dialog of the panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Closed,
    Reveal,
    Expire,
    /// The secret was replaced: the offer to reveal the new one.
    Expired,
}

/// A password-confirmed request of the panel: its result is what the dialog shows.
type Confirmed = Task<String, Result<(), PasswordProblem>>;

#[derive(Clone, Copy)]
pub struct SecretPanelState {
    pub revealed: RevealedSecret,
    pub step: RwSignal<Step>,
    /// The revealed secret is shown, not dots (at once after a reveal).
    pub unmasked: RwSignal<bool>,
    /// The expire dialog's "I understand" box.
    pub understood: RwSignal<bool>,
    reveal: Confirmed,
    expire: Confirmed,
    /// The password typed for an expire, for "Reveal the new secret".
    expire_password: StoredValue<Option<String>>,
}

impl SecretPanelState {
    /// The panel of endpoint `id`; `on_expired` gets the endpoint as the server has it after an expire.
    pub fn new(id: u64, on_expired: Option<Callback<Endpoint>>) -> Self {
        let session = use_session();
        let lockout = PasswordLockout::use_lockout();
        let toasts = use_toasts();
        let revealed = expect_context::<RevealedSecret>();
        let step = RwSignal::new(Step::Closed);
        let unmasked = RwSignal::new(false);
        let expire_password = StoredValue::new(None::<String>);
        let reveal = Task::new(move |password: &String| {
            let password = password.clone();
            let client = session.client();
            async move {
                let secret = api::reveal_secret(&client, id, &password)
                    .await
                    .map_err(|error| lockout.problem(&error))?;
                revealed.show(secret.signing_secret);
                // The password was the deliberate step: the secret shows at once, "Hide" masks it.
                unmasked.set(true);
                step.set(Step::Closed);
                expire_password.set_value(None);
                Ok(())
            }
        });
        let expire = Task::new(move |password: &String| {
            let password = password.clone();
            let client = session.client();
            async move {
                let endpoint = api::expire_secret(&client, id, &password)
                    .await
                    .map_err(|error| lockout.problem(&error))?;
                revealed.hide();
                expire_password.set_value(Some(password));
                step.set(Step::Expired);
                toasts.success("Signing secret replaced");
                if let Some(on_expired) = on_expired {
                    on_expired.run(endpoint);
                }
                Ok(())
            }
        });
        Self {
            revealed,
            step,
            unmasked,
            understood: RwSignal::new(false),
            reveal,
            expire,
            expire_password,
        }
    }

    pub fn reveal(&self, password: String) {
        self.reveal.dispatch(password);
    }

    pub fn expire(&self, password: String) {
        self.expire.dispatch(password);
    }

    /// Reveals the new secret with the password the expire took.
    pub fn reveal_new(&self) {
        if let Some(password) = self.expire_password.get_value() {
            self.reveal.dispatch(password);
        }
    }

    pub fn reveal_pending(&self) -> Signal<bool> {
        self.reveal.pending()
    }

    pub fn expire_pending(&self) -> Signal<bool> {
        self.expire.pending()
    }

    /// Why the last reveal failed.
    pub fn reveal_problem(&self) -> Signal<Option<PasswordProblem>> {
        let result = self.reveal.value();
        Signal::derive(move || result.get().and_then(Result::err))
    }

    /// Why the last expire failed.
    pub fn expire_problem(&self) -> Signal<Option<PasswordProblem>> {
        let result = self.expire.value();
        Signal::derive(move || result.get().and_then(Result::err))
    }

    /// Closes the dialog, forgetting what it was told.
    pub fn close(&self) {
        self.step.set(Step::Closed);
        self.understood.set(false);
        self.expire_password.set_value(None);
        self.reveal.value().set(None);
        self.expire.value().set(None);
    }
}
