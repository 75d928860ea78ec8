//! What came back from a delivery attempt, in words; outcome badges. (What an attempt's outcome was, and
//! its event's state, are derived in [`crate::deliveries`].)

use leptos::prelude::*;
use webhook_api::{Attempt, DeliveryError};

use crate::{
    components::datetime::Countdown,
    deliveries::{Retry, Try, TryResult},
};

/// An outcome or state as a badge: the symbol beside the words, so it does not rest on colour alone.
/// `name` is the class suffix (`outcome-failed`).
pub fn badge(name: &'static str, icon: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <span class=format!("outcome outcome-{name}")>
            <span aria-hidden="true">{icon}</span>
            " "
            {label}
        </span>
    }
}

/// A try's next retry: a countdown while one is due, "retried" once a later try answered it.
pub fn next_retry(tried: &Try) -> AnyView {
    match (tried.result, tried.attempt.next_retry.clone()) {
        (TryResult::Failed(Retry::Made), Some(iso)) => {
            view! { <time class="muted" datetime=iso>"Retried"</time> }.into_any()
        }
        (TryResult::Failed(Retry::Due(_) | Retry::Unseen(_)), Some(iso)) => {
            view! { <Countdown iso /> }.into_any()
        }
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// What came back: "200 OK", "Timed out", "200 OK · Timed out" (the body did not come in time),
/// "No response".
pub fn response_summary(attempt: &Attempt) -> String {
    match (attempt.http_response_code, attempt.error) {
        (Some(code), error) => {
            let status = match reason_phrase(code) {
                Some(phrase) => format!("{code} {phrase}"),
                None => code.to_string(),
            };
            match error {
                Some(error) => format!("{status} · {}", error_label(error)),
                None => status,
            }
        }
        (None, Some(error)) => error_label(error).to_owned(),
        (None, None) if attempt.sent_at.is_none() => "Not sent yet".to_owned(),
        (None, None) => "No response".to_owned(),
    }
}

/// Why no HTTP response came, for a person.
pub fn error_label(error: DeliveryError) -> &'static str {
    match error {
        DeliveryError::Timeout => "Timed out",
        DeliveryError::ConnectionRefused => "Connection refused",
        DeliveryError::Dns => "Host not found (DNS)",
        DeliveryError::Tls => "TLS/certificate error",
        DeliveryError::Other => "Network error",
    }
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Payload Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use webhook_api::AttemptEvent;

    use super::*;

    fn attempt(
        code: Option<u16>,
        next_retry: Option<&str>,
        error: Option<DeliveryError>,
    ) -> Attempt {
        Attempt {
            id: 1,
            created_at: "2024-01-01T00:00:00Z".into(),
            event: AttemptEvent {
                id: Some(3),
                event_type: "user.created".into(),
                added_at: "2024-01-01T00:00:00Z".into(),
            },
            sent_at: Some("2024-01-01T00:00:00Z".into()),
            http_request_body: "{}".into(),
            http_request_signature_header: "t=1,v0=00".into(),
            http_response_code: code,
            http_response_body: None,
            next_retry: next_retry.map(Into::into),
            error,
            duration_ms: Some(12),
        }
    }

    #[test]
    fn the_response_reads_as_code_and_phrase_or_the_error() {
        assert_eq!(
            response_summary(&attempt(Some(503), None, None)),
            "503 Service Unavailable"
        );
        assert_eq!(response_summary(&attempt(Some(299), None, None)), "299");
        assert_eq!(
            response_summary(&attempt(None, None, Some(DeliveryError::Tls))),
            "TLS/certificate error"
        );
    }

    #[test]
    fn a_timed_out_attempt_without_error_or_duration_reads_no_response() {
        // The platform's reference has neither `error` nor `duration_ms`.
        let mut a = attempt(None, Some("2024-01-01T00:00:05Z"), None);
        a.duration_ms = None;
        assert_eq!(response_summary(&a), "No response");
        a.sent_at = None;
        assert_eq!(response_summary(&a), "Not sent yet");
    }

    #[test]
    fn a_2xx_whose_body_did_not_come_in_time_says_both() {
        let a = attempt(
            Some(200),
            Some("2024-01-01T00:00:05Z"),
            Some(DeliveryError::Timeout),
        );
        assert_eq!(response_summary(&a), "200 OK · Timed out");
    }
}
