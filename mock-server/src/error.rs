//! Every error the API answers, always in the contract's `{"errors": [...]}` shape (section 3).

use axum::{
    Json,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use webhook_api::{ErrorBody, ErrorCode, ErrorEntry, ErrorMessage};

/// Why a request failed. Internal errors are logged here and shown only as a generic 500.
#[derive(Debug)]
pub enum ApiError {
    NotFound,
    NotAuthenticated,
    AuthenticationFailed(&'static str),
    PermissionDenied,
    /// The body is over this many bytes.
    PayloadTooLarge(usize),
    UnsupportedMediaType(String),
    ParseError(String),
    /// The body as a whole is wrong (e.g. not an object).
    Invalid(String),
    Validation(FieldErrors),
    Throttled {
        retry_after_seconds: u64,
    },
    /// Password checks are all busy and their queue is full (503).
    Busy {
        retry_after_seconds: u64,
    },
    /// The body did not arrive within `--body-read-timeout` (408).
    RequestTimeout {
        seconds: f64,
    },
    Internal(anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl<E: Into<anyhow::Error>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self::Internal(error.into())
    }
}

impl ApiError {
    /// A validation error about one field.
    pub fn field(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, code, message);
        Self::Validation(errors)
    }

    /// The status and the contract's body this error answers with.
    pub fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        use ErrorCode as C;
        let general = |status, code, message: &str| (status, ErrorBody::general(code, message));
        match self {
            Self::NotFound => general(StatusCode::NOT_FOUND, C::NotFound, "Not found."),
            Self::NotAuthenticated => general(
                StatusCode::UNAUTHORIZED,
                C::NotAuthenticated,
                "Authentication credentials were not provided.",
            ),
            Self::AuthenticationFailed(message) => {
                general(StatusCode::UNAUTHORIZED, C::AuthenticationFailed, message)
            }
            Self::PermissionDenied => general(
                StatusCode::FORBIDDEN,
                C::PermissionDenied,
                "You do not have permission to perform this action.",
            ),
            Self::PayloadTooLarge(limit) => general(
                StatusCode::PAYLOAD_TOO_LARGE,
                C::PayloadTooLarge,
                &format!("Request body is larger than {}.", size_text(*limit)),
            ),
            Self::UnsupportedMediaType(content_type) => general(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                C::UnsupportedMediaType,
                &format!("Unsupported media type \"{content_type}\" in request."),
            ),
            Self::ParseError(detail) => general(
                StatusCode::BAD_REQUEST,
                C::ParseError,
                &format!("JSON parse error - {detail}"),
            ),
            Self::Invalid(message) => general(StatusCode::BAD_REQUEST, C::Invalid, message),
            Self::Validation(errors) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    errors: errors
                        .0
                        .iter()
                        .map(|(field, messages)| ErrorEntry::Field {
                            field: field.clone(),
                            messages: messages.clone(),
                        })
                        .collect(),
                },
            ),
            Self::Throttled {
                retry_after_seconds,
            } => general(
                StatusCode::TOO_MANY_REQUESTS,
                C::Throttled,
                &format!(
                    "Request was throttled. Expected available in {retry_after_seconds} seconds."
                ),
            ),
            Self::Busy {
                retry_after_seconds,
            } => general(
                StatusCode::SERVICE_UNAVAILABLE,
                C::ServiceUnavailable,
                &format!(
                    "Too many password checks at once. Try again in {retry_after_seconds} seconds."
                ),
            ),
            Self::RequestTimeout { seconds } => general(
                StatusCode::REQUEST_TIMEOUT,
                C::RequestTimeout,
                &format!("The request body did not arrive within {seconds} seconds."),
            ),
            Self::Internal(_) => general(
                StatusCode::INTERNAL_SERVER_ERROR,
                C::ServerError,
                "A server error occurred.",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
        let (status, body) = self.status_and_body();
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::NotAuthenticated | Self::AuthenticationFailed(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::Throttled {
                retry_after_seconds,
            }
            | Self::Busy {
                retry_after_seconds,
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            _ => {}
        }
        response
    }
}

/// `1 MiB`, `64 KiB`, `100 bytes`.
fn size_text(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Field errors in the order the fields were checked, every message for each field.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, Vec<ErrorMessage>)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, code: ErrorCode, message: impl Into<String>) {
        self.extend(field, [ErrorMessage::new(code, message)]);
    }

    pub fn extend(&mut self, field: &str, messages: impl IntoIterator<Item = ErrorMessage>) {
        let mut messages = messages.into_iter().peekable();
        if messages.peek().is_none() {
            return;
        }
        match self.0.iter_mut().find(|(f, _)| f == field) {
            Some((_, existing)) => existing.extend(messages),
            None => self.0.push((field.to_owned(), messages.collect())),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err` with these errors unless there are none.
    pub fn into_result(self) -> ApiResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self))
        }
    }
}

/// The router's own 404 for a path no route matches.
pub async fn unknown_route() -> ApiError {
    ApiError::NotFound
}

/// axum answers a known path with a wrong method by an empty 405 with `Allow`: give it the contract's
/// body, keeping the header.
pub async fn method_not_allowed_body(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let body = ErrorBody::general(ErrorCode::MethodNotAllowed, "Method not allowed.");
    let mut response = (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}
