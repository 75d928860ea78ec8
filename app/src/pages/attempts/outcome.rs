//! What became of a delivery attempt, in words and as a CSS class; and which event it delivered.

use webhook_api::{Attempt, DeliveryError};

use crate::json_tree::{self, Json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx came back.
    Delivered,
    /// It failed and another try is scheduled (`next_retry`).
    RetryScheduled,
    /// It failed and nothing more will be tried.
    Failed,
    /// Not sent yet.
    Pending,
}

impl Outcome {
    /// The class suffix and a stable name for tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::RetryScheduled => "retry-scheduled",
            Self::Failed => "failed",
            Self::Pending => "pending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::RetryScheduled => "Retry scheduled",
            Self::Failed => "Failed",
            Self::Pending => "Pending",
        }
    }

    /// A symbol beside the colour, so the outcome does not rest on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Self::Delivered => "✓",
            Self::RetryScheduled => "↻",
            Self::Failed => "✕",
            Self::Pending => "…",
        }
    }
}

pub fn classify(attempt: &Attempt) -> Outcome {
    let answered = attempt.http_response_code.is_some() || attempt.error.is_some();
    match attempt.http_response_code {
        // A 2xx with an error: the status came, the body did not (in time). Not a success.
        Some(code) if (200..300).contains(&code) && attempt.error.is_none() => Outcome::Delivered,
        _ if attempt.next_retry.is_some() => Outcome::RetryScheduled,
        _ if !answered && attempt.sent_at.is_none() => Outcome::Pending,
        _ => Outcome::Failed,
    }
}

/// The id of the event `attempt` delivered, which resend takes: the attempt's `event.id` (an addition of
/// the contract, which mock-server sends), else the `event_id` of the payload it sent (the platform's
/// payloads carry it), so that resend works against a server without the addition too.
pub fn event_id(attempt: &Attempt) -> Option<u64> {
    attempt.event.id.or_else(|| {
        match json_tree::parse(&attempt.http_request_body)
            .ok()?
            .get("event_id")?
        {
            Json::Number(text) => text.parse().ok(),
            _ => None,
        }
    })
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
    fn a_2xx_is_delivered() {
        assert_eq!(
            classify(&attempt(Some(204), None, None)),
            Outcome::Delivered
        );
    }

    #[test]
    fn a_failure_with_a_next_retry_has_a_retry_scheduled() {
        let a = attempt(Some(500), Some("2024-01-01T00:00:05Z"), None);
        assert_eq!(classify(&a), Outcome::RetryScheduled);
        let timeout = attempt(
            None,
            Some("2024-01-01T00:00:05Z"),
            Some(DeliveryError::Timeout),
        );
        assert_eq!(classify(&timeout), Outcome::RetryScheduled);
    }

    #[test]
    fn a_failure_without_a_next_retry_has_failed() {
        assert_eq!(classify(&attempt(Some(302), None, None)), Outcome::Failed);
        assert_eq!(
            classify(&attempt(None, None, Some(DeliveryError::ConnectionRefused))),
            Outcome::Failed
        );
    }

    #[test]
    fn an_attempt_not_yet_sent_is_pending() {
        let mut a = attempt(None, None, None);
        a.sent_at = None;
        assert_eq!(classify(&a), Outcome::Pending);
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
        assert_eq!(classify(&a), Outcome::RetryScheduled);
        a.next_retry = None;
        assert_eq!(response_summary(&a), "No response");
        assert_eq!(classify(&a), Outcome::Failed);
    }

    #[test]
    fn the_event_id_is_the_attempts_own_when_the_server_sends_it() {
        let mut a = attempt(Some(200), None, None);
        a.http_request_body = r#"{"event_id": 9, "type": "user.created"}"#.into();
        assert_eq!(event_id(&a), Some(3));
    }

    #[test]
    fn without_it_the_event_id_comes_from_the_payload() {
        let mut a = attempt(Some(200), None, None);
        a.event.id = None;
        a.http_request_body =
            r#"{"event_id": 1042, "type": "user.created", "created": 1716822000.123456, "data": {}}"#
                .into();
        assert_eq!(event_id(&a), Some(1042));
    }

    #[test]
    fn a_payload_without_a_whole_event_id_gives_none() {
        let mut a = attempt(Some(200), None, None);
        a.event.id = None;
        for body in [
            r#"{"type": "vote.created", "data": {}}"#,
            r#"{"event_id": "12"}"#,
            r#"{"event_id": 1.5}"#,
            r#"{"event_id": -3}"#,
            "not json",
        ] {
            a.http_request_body = body.into();
            assert_eq!(event_id(&a), None, "{body}");
        }
    }

    #[test]
    fn a_2xx_whose_body_did_not_come_in_time_is_not_delivered() {
        let a = attempt(
            Some(200),
            Some("2024-01-01T00:00:05Z"),
            Some(DeliveryError::Timeout),
        );
        assert_eq!(classify(&a), Outcome::RetryScheduled);
        assert_eq!(response_summary(&a), "200 OK · Timed out");
        let last = attempt(Some(204), None, Some(DeliveryError::Other));
        assert_eq!(classify(&last), Outcome::Failed);
    }
}
