//! [`ApiError`]: everything a call to the API can end in besides success, with the contract's error body
//! when the server sent one.

use std::fmt;

use webhook_api::{ErrorBody, ErrorCode, ErrorEntry, OAuthError};

/// Why an API call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No HTTP answer: offline, server down, CORS refused, DNS.
    Network(String),
    /// An HTTP error status. `body` is the contract's `{"errors": [...]}` when the server sent one;
    /// `retry_after` is the `Retry-After` header in seconds (429).
    Http {
        status: u16,
        body: Option<ErrorBody>,
        retry_after: Option<u64>,
    },
    /// `/oauth/token/` refused (OAuth2's error shape).
    OAuth { status: u16, error: OAuthError },
    /// A success status with a body this console cannot read.
    Decode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { status, .. } | Self::OAuth { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The session is missing, expired or revoked: sign in again.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Signed in, but without the admin role.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// A 401 or 403: the server refuses the session itself, not just this request. The session's
    /// client reports these to the session, which signs in again or shows "admin role required".
    pub fn is_refusal(&self) -> bool {
        self.is_unauthorized() || self.is_forbidden()
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Throttled: the seconds until trying again makes sense, when the server said.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Http {
                status: 429,
                retry_after,
                ..
            } => *retry_after,
            _ => None,
        }
    }

    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Self::Http { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    /// The server's messages about `field`.
    pub fn field_messages(&self, field: &str) -> Vec<String> {
        self.body()
            .and_then(|body| body.field(field))
            .map(|messages| messages.iter().map(|m| m.message.clone()).collect())
            .unwrap_or_default()
    }

    /// Whether the server named `field` with `code`.
    pub fn has_field_code(&self, field: &str, code: ErrorCode) -> bool {
        self.body()
            .and_then(|body| body.field(field))
            .is_some_and(|messages| messages.iter().any(|m| m.code == code))
    }

    /// Every field the server complained about, with its messages, in the server's order.
    pub fn field_errors(&self) -> Vec<(String, Vec<String>)> {
        let Some(body) = self.body() else {
            return Vec::new();
        };
        body.errors
            .iter()
            .filter_map(|entry| match entry {
                ErrorEntry::Field { field, messages } => Some((
                    field.clone(),
                    messages.iter().map(|m| m.message.clone()).collect(),
                )),
                ErrorEntry::General(_) => None,
            })
            .collect()
    }

    /// One sentence for a person.
    pub fn message(&self) -> String {
        match self {
            Self::Network(detail) => {
                format!(
                    "Could not reach the server ({detail}). Check the connection and try again."
                )
            }
            Self::Decode(detail) => {
                format!("The server sent an answer this console cannot read: {detail}")
            }
            Self::OAuth { error, .. } => match error.error.as_str() {
                "invalid_grant" => "Wrong username or password.".to_owned(),
                _ => error
                    .error_description
                    .clone()
                    .unwrap_or_else(|| format!("Sign-in refused ({}).", error.error)),
            },
            Self::Http {
                status,
                body,
                retry_after,
            } => {
                if *status == 429 {
                    return match retry_after {
                        Some(seconds) => format!(
                            "Too many attempts. Try again in {}.",
                            crate::time::wait(*seconds)
                        ),
                        None => "Too many attempts. Try again later.".to_owned(),
                    };
                }
                let from_body = body.as_ref().and_then(|body| {
                    body.general_error().map(|m| m.message.clone()).or_else(|| {
                        body.errors.first().and_then(|entry| match entry {
                            ErrorEntry::Field { field, messages } => {
                                messages.first().map(|m| format!("{field}: {}", m.message))
                            }
                            ErrorEntry::General(m) => Some(m.message.clone()),
                        })
                    })
                });
                from_body.unwrap_or_else(|| match status {
                    401 => "Your session has ended. Sign in again.".to_owned(),
                    403 => "This needs the admin role.".to_owned(),
                    404 => "Not found.".to_owned(),
                    500..=599 => format!("The server failed (HTTP {status}). Try again."),
                    _ => format!("The request failed (HTTP {status})."),
                })
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use webhook_api::ErrorMessage;

    use super::*;

    fn http(status: u16, body: ErrorBody) -> ApiError {
        ApiError::Http {
            status,
            body: Some(body),
            retry_after: None,
        }
    }

    #[test]
    fn field_messages_come_from_the_error_body() {
        let error = http(
            400,
            ErrorBody {
                errors: vec![ErrorEntry::Field {
                    field: "target".into(),
                    messages: vec![ErrorMessage::new(ErrorCode::Invalid, "Enter a valid URL.")],
                }],
            },
        );
        assert_eq!(error.field_messages("target"), vec!["Enter a valid URL."]);
        assert!(error.field_messages("events").is_empty());
        assert!(error.has_field_code("target", ErrorCode::Invalid));
        assert_eq!(error.message(), "target: Enter a valid URL.");
    }

    #[test]
    fn a_general_error_reads_as_the_servers_message() {
        let error = http(404, ErrorBody::general(ErrorCode::NotFound, "Not found."));
        assert!(error.is_not_found());
        assert_eq!(error.message(), "Not found.");
    }

    #[test]
    fn throttling_says_when_to_try_again() {
        let error = ApiError::Http {
            status: 429,
            body: None,
            retry_after: Some(125),
        };
        assert_eq!(error.retry_after(), Some(125));
        assert_eq!(
            error.message(),
            "Too many attempts. Try again in 2 min 5 s."
        );
    }

    #[test]
    fn a_wrong_password_grant_reads_plainly() {
        let error = ApiError::OAuth {
            status: 400,
            error: OAuthError {
                error: "invalid_grant".into(),
                error_description: Some("Invalid credentials given.".into()),
            },
        };
        assert_eq!(error.message(), "Wrong username or password.");
    }
}
