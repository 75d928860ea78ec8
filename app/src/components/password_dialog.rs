//! A dialog that asks for the admin's password before a sensitive action (reveal, expire, resend): the
//! server's message on a wrong password, and when to try again once throttled.

use leptos::prelude::*;

use super::{datetime::exact, dialog::Modal};
use crate::{api::ApiError, clock::use_now};

/// The state of a password-confirmed action, as the dialog shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum PasswordProblem {
    /// The server refused the password (400 on `password`).
    Wrong(String),
    /// Too many wrong passwords: try again at this time (epoch ms), if the server said.
    Throttled { message: String, until: Option<f64> },
    /// Anything else.
    Other(String),
}

impl PasswordProblem {
    /// Sorts an API error into what the dialog shows; `now` is epoch ms.
    pub fn from_error(error: &ApiError, now: f64) -> Self {
        if error.status() == Some(429) {
            return Self::Throttled {
                message: error.message(),
                until: error.retry_after().map(|s| now + s as f64 * 1000.0),
            };
        }
        let wrong = error.field_messages("password");
        if !wrong.is_empty() {
            return Self::Wrong(wrong.join(" "));
        }
        Self::Other(error.message())
    }
}

/// The server's lockout after too many wrong passwords. Its throttle counts wrong passwords across
/// reveal, expire, resend and bulk resend (contract §6), so a lockout met in one dialog holds in every
/// other, and after the dialog closes. A context value.
#[derive(Clone, Copy)]
pub struct PasswordLockout(RwSignal<Option<PasswordProblem>>);

impl PasswordLockout {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    /// The app's, or one of its own where none is provided (component tests).
    pub fn use_lockout() -> Self {
        use_context::<Self>().unwrap_or_else(|| Self(RwSignal::new(None)))
    }

    /// Sorts `error` as [`PasswordProblem::from_error`] does, and remembers a lockout that says until when.
    pub fn problem(&self, error: &ApiError) -> PasswordProblem {
        let problem = PasswordProblem::from_error(error, js_sys::Date::now());
        if matches!(problem, PasswordProblem::Throttled { until: Some(_), .. }) {
            self.0.set(Some(problem.clone()));
        }
        problem
    }

    /// The lockout, while it lasts at `now` (epoch ms).
    fn active(&self, now: f64) -> Option<PasswordProblem> {
        self.0.get().filter(|problem| {
            matches!(problem, PasswordProblem::Throttled { until: Some(until), .. } if *until > now)
        })
    }
}

/// Asks for the password; `on_submit` gets it. `problem` is the last refusal; a lockout another dialog
/// met ([`PasswordLockout`]) shows as well, while it lasts.
#[component]
pub fn PasswordDialog(
    #[prop(into)] title: String,
    #[prop(into)] confirm_label: String,
    #[prop(optional)] danger: bool,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] problem: Signal<Option<PasswordProblem>>,
    #[prop(into)] on_submit: Callback<String>,
    #[prop(into)] on_close: Callback<()>,
    /// Extra content under the explanation (e.g. a confirmation checkbox).
    #[prop(optional, into)]
    can_submit: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let now = use_now();
    let lockout = PasswordLockout::use_lockout();
    // A memo: the clock ticks every second, the problem shown (an alert) changes only when it ends.
    let problem = Memo::new(move |_| problem.get().or_else(|| lockout.active(now())));
    let input_id = super::unique_id("password");
    let problem_id = super::unique_id("password-problem");
    let throttled_until = move || match problem.get() {
        Some(PasswordProblem::Throttled { until, .. }) => until,
        _ => None,
    };
    let still_throttled = move || throttled_until().is_some_and(|until| until > now());
    let complete = move || {
        !password.with(String::is_empty) && !still_throttled() && can_submit.is_none_or(|c| c.get())
    };
    let ready = move || !pending.get() && complete();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ready() {
            on_submit.run(password.get_untracked());
        }
    };
    let button_class = if danger {
        "button danger"
    } else {
        "button primary"
    };
    let described_by = problem_id.clone();
    let label_for = input_id.clone();
    view! {
        <Modal title on_close>
            <form class="password-form" on:submit=submit>
                <div class="modal-body">{children()}</div>
                <div class="field">
                    <label for=label_for>"Your password"</label>
                    <input
                        id=input_id
                        type="password"
                        autocomplete="current-password"
                        autofocus
                        required
                        aria-describedby=described_by
                        aria-invalid=move || matches!(problem.get(), Some(PasswordProblem::Wrong(_))).to_string()
                        bind:value=password
                    />
                    <p class="hint">"Confirms it is you: this action is sensitive."</p>
                </div>
                <div id=problem_id role="alert">
                    {move || problem.get().map(|problem| view! { <ProblemMessage problem /> })}
                </div>
                <div class="modal-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    // Only `aria-disabled` while checking: a disabled button drops keyboard focus.
                    <button
                        type="submit"
                        class=button_class
                        disabled=move || !complete()
                        aria-disabled=move || pending.get().to_string()
                    >
                        {move || if pending.get() { "Checking…".to_owned() } else { confirm_label.clone() }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// What the dialog says about the last refusal.
#[component]
fn ProblemMessage(problem: PasswordProblem) -> impl IntoView {
    match problem {
        PasswordProblem::Wrong(message) => {
            view! { <p class="field-error">{message}</p> }.into_any()
        }
        PasswordProblem::Throttled { message, until } => view! {
            <p class="form-error throttled">
                {message}
                {until.map(|at| format!(" (at {})", exact(at)))}
            </p>
        }
        .into_any(),
        PasswordProblem::Other(message) => view! { <p class="form-error">{message}</p> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use webhook_api::{ErrorBody, ErrorCode, ErrorEntry, ErrorMessage};

    use super::*;

    #[test]
    fn a_refused_password_is_wrong_with_the_servers_message() {
        let error = ApiError::Http {
            status: 400,
            body: Some(ErrorBody {
                errors: vec![ErrorEntry::Field {
                    field: "password".into(),
                    messages: vec![ErrorMessage::new(ErrorCode::Invalid, "Invalid password.")],
                }],
            }),
            retry_after: None,
        };
        assert_eq!(
            PasswordProblem::from_error(&error, 0.0),
            PasswordProblem::Wrong("Invalid password.".into())
        );
    }

    #[test]
    fn a_throttle_says_until_when() {
        let error = ApiError::Http {
            status: 429,
            body: None,
            retry_after: Some(90),
        };
        assert_eq!(
            PasswordProblem::from_error(&error, 1_000.0),
            PasswordProblem::Throttled {
                message: "Too many attempts. Try again in 1 min 30 s.".into(),
                until: Some(91_000.0)
            }
        );
    }
}
