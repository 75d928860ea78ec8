//! One try of a delivery and its record: signed afresh at the moment it starts, carried by a
//! [`Transport`] (HTTP in the worker, a scripted answer in the seed), its outcome classified and
//! followed by the next retry the [`RetryRule`] gives a failure.

use std::future::Future;

use bytes::Bytes;
use webhook_api::{DeliveryError, bytes_literal, signature};

use super::retry::RetryRule;
use crate::clock::Micros;

/// One event on its way to one endpoint: everything a try needs.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub endpoint_id: i64,
    pub event_id: i64,
    /// 1 for the first try.
    pub try_number: u32,
    /// Whether a failure is tried again on the schedule (a resend's single try is not).
    pub retries: bool,
    pub target: String,
    pub signing_secret: String,
    pub ssl_cert_verification: bool,
    /// The event's bytes, sent unchanged by every try.
    pub payload: Bytes,
}

/// What one try did: an attempt as the store records it.
#[derive(Clone, Debug)]
pub struct TryRecord {
    pub endpoint_id: i64,
    pub event_id: i64,
    /// When the try started (its signature's `t`).
    pub sent_at: Micros,
    pub signature_header: String,
    pub response_code: Option<u16>,
    /// The response body as a `b'...'` literal.
    pub response_body: Option<String>,
    pub error: Option<DeliveryError>,
    pub duration_ms: u64,
    /// When the next try is due; `None` when this one succeeded or was the last.
    pub next_retry: Option<Micros>,
    /// The attempt's `created_at`: the try's end, until whoever records it says when that is.
    pub recorded_at: Micros,
}

/// What came back from the target.
#[derive(Clone, Debug)]
pub enum Exchange {
    Answered {
        status: u16,
        body: Vec<u8>,
        /// The body did not arrive whole in time.
        error: Option<DeliveryError>,
    },
    NoResponse(DeliveryError),
}

/// A try's exchange and how long it took.
#[derive(Clone, Debug)]
pub struct Posted {
    pub exchange: Exchange,
    pub duration_ms: u64,
}

/// Carries a signed try to a delivery's target.
pub trait Transport: Sync {
    fn post(
        &self,
        delivery: &Delivery,
        signature_header: &str,
    ) -> impl Future<Output = Posted> + Send;
}

impl Delivery {
    /// Makes this try at `sent_at` through `transport` and says what happened, with the retry that
    /// `rule` gives a failure.
    pub async fn try_once(
        &self,
        sent_at: Micros,
        transport: &impl Transport,
        rule: &RetryRule,
    ) -> TryRecord {
        let signature_header = signature::header_value(
            &self.signing_secret,
            sent_at.div_euclid(1_000_000),
            &self.payload,
        );
        let Posted {
            exchange,
            duration_ms,
        } = transport.post(self, &signature_header).await;
        let (response_code, response_body, error) = match exchange {
            Exchange::Answered {
                status,
                body,
                error,
            } => (Some(status), Some(bytes_literal::encode(&body)), error),
            Exchange::NoResponse(error) => (None, None, Some(error)),
        };
        let succeeded =
            error.is_none() && response_code.is_some_and(|code| (200..300).contains(&code));
        let next_retry = if succeeded || !self.retries {
            None
        } else {
            rule.next_retry(self.try_number, sent_at)
        };
        TryRecord {
            endpoint_id: self.endpoint_id,
            event_id: self.event_id,
            sent_at,
            signature_header,
            response_code,
            response_body,
            error,
            duration_ms,
            next_retry,
            recorded_at: sent_at.saturating_add(
                i64::try_from(duration_ms)
                    .unwrap_or(i64::MAX)
                    .saturating_mul(1000),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    struct Answers(Exchange);

    impl Transport for Answers {
        async fn post(&self, _: &Delivery, _: &str) -> Posted {
            Posted {
                exchange: self.0.clone(),
                duration_ms: 7,
            }
        }
    }

    fn delivery(retries: bool) -> Delivery {
        Delivery {
            endpoint_id: 1,
            event_id: 2,
            try_number: 2,
            retries,
            target: "http://127.0.0.1:9/".to_owned(),
            signing_secret: "secret".to_owned(),
            ssl_cert_verification: true,
            payload: Bytes::from_static(b"{}"),
        }
    }

    fn answered(status: u16, error: Option<DeliveryError>) -> Answers {
        Answers(Exchange::Answered {
            status,
            body: b"ok".to_vec(),
            error,
        })
    }

    const SENT_AT: Micros = 1_700_000_000_250_000;

    fn rule() -> RetryRule {
        RetryRule::new(&[Duration::from_secs(1), Duration::from_secs(10)])
    }

    #[tokio::test]
    async fn a_try_is_signed_for_the_second_it_starts() {
        let record = delivery(true)
            .try_once(SENT_AT, &answered(200, None), &rule())
            .await;
        assert_eq!(
            record.signature_header,
            signature::header_value("secret", 1_700_000_000, b"{}")
        );
        assert_eq!(record.response_body.as_deref(), Some("b'ok'"));
        assert_eq!(record.recorded_at, SENT_AT + 7_000);
    }

    #[tokio::test]
    async fn a_failed_try_is_retried_by_the_rule_and_a_success_is_not() {
        let failed = delivery(true)
            .try_once(SENT_AT, &answered(502, None), &rule())
            .await;
        assert_eq!(failed.next_retry, Some(SENT_AT + 10_000_000));
        let delivered = delivery(true)
            .try_once(SENT_AT, &answered(204, None), &rule())
            .await;
        assert_eq!(delivered.next_retry, None);
    }

    #[tokio::test]
    async fn a_2xx_whose_body_came_too_late_is_a_failure() {
        let late = delivery(true)
            .try_once(
                SENT_AT,
                &answered(200, Some(DeliveryError::Timeout)),
                &rule(),
            )
            .await;
        assert_eq!(late.next_retry, Some(SENT_AT + 10_000_000));
    }

    #[tokio::test]
    async fn a_resend_is_never_retried() {
        let record = delivery(false)
            .try_once(
                SENT_AT,
                &Answers(Exchange::NoResponse(DeliveryError::ConnectionRefused)),
                &rule(),
            )
            .await;
        assert_eq!(record.next_retry, None);
        assert_eq!(record.error, Some(DeliveryError::ConnectionRefused));
        assert_eq!(record.response_code, None);
    }
}
