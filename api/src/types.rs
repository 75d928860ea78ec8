//! Request and response bodies, exactly as they travel.
//!
//! Fields that the contract adds to the platform's reference (`event.id`, `error`, `duration_ms`) are
//! optional when reading, so that the app also works against the real platform, which lacks them.
//! Datetimes travel as ISO 8601 strings with microseconds and offset; each side parses them itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A webhook endpoint: a URL that receives the events it subscribes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Endpoint {
    pub id: u64,
    pub created_at: String,
    pub updated_at: String,
    pub is_active: bool,
    pub target: String,
    pub description: String,
    pub events: Vec<Subscription>,
    pub ssl_cert_verification: bool,
}

/// An endpoint's subscription to one event type, with when it began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    #[serde(rename = "type")]
    pub event_type: String,
    pub added_at: String,
}

/// An event type as a create, PUT or PATCH body names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRef {
    #[serde(rename = "type")]
    pub event_type: String,
}

impl EventRef {
    pub fn new(event_type: impl Into<String>) -> Self {
        Self {
            event_type: event_type.into(),
        }
    }
}

/// Body of create (`POST`) and full update (`PUT`): `target` and `events` are required; optional fields
/// left out take their defaults on create and keep their values on PUT.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointWrite {
    pub target: String,
    pub events: Vec<EventRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_cert_verification: Option<bool>,
}

/// Body of a partial update (`PATCH`): any subset; `events`, when present, replaces the set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_cert_verification: Option<bool>,
}

/// One try at delivering an event to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub id: u64,
    pub created_at: String,
    pub event: AttemptEvent,
    #[serde(default)]
    pub sent_at: Option<String>,
    pub http_request_body: String,
    pub http_request_signature_header: String,
    #[serde(default)]
    pub http_response_code: Option<u16>,
    /// The first 20,000 bytes of the response as a Python bytes literal (`b'...'`), see
    /// [`crate::bytes_literal`]; null when no HTTP response came.
    #[serde(default)]
    pub http_response_body: Option<String>,
    #[serde(default)]
    pub next_retry: Option<String>,
    /// Why no HTTP response came (contract addition).
    #[serde(default)]
    pub error: Option<DeliveryError>,
    /// How long the try took (contract addition).
    #[serde(default)]
    pub duration_ms: Option<u64>,
}

/// The event an attempt carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptEvent {
    /// The id that resend takes (contract addition).
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(rename = "type")]
    pub event_type: String,
    pub added_at: String,
}

/// Why a delivery try got no HTTP response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryError {
    Timeout,
    ConnectionRefused,
    Dns,
    Tls,
    #[serde(other)]
    Other,
}

impl DeliveryError {
    pub const ALL: &'static [Self] = &[
        Self::Timeout,
        Self::ConnectionRefused,
        Self::Dns,
        Self::Tls,
        Self::Other,
    ];

    /// The error named `name`, [`Self::Other`] for a name this version does not know (as serde reads it).
    pub fn parse(name: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|error| error.as_str() == name)
            .unwrap_or(Self::Other)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::ConnectionRefused => "connection_refused",
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::Other => "other",
        }
    }
}

/// A page of a list (Django REST framework's `LimitOffsetPagination`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// Every error the API answers (but `/oauth/token/`'s): `{"errors": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub errors: Vec<ErrorEntry>,
}

/// One entry of an [`ErrorBody`]: about one field, or about the request as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ErrorEntry {
    Field {
        field: String,
        messages: Vec<ErrorMessage>,
    },
    General(ErrorMessage),
}

/// A machine-readable code with a human-readable message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorMessage {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorMessage {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl ErrorBody {
    /// A body with one general error.
    pub fn general(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            errors: vec![ErrorEntry::General(ErrorMessage::new(code, message))],
        }
    }

    /// The messages about `field`, if any.
    pub fn field(&self, field: &str) -> Option<&[ErrorMessage]> {
        self.errors.iter().find_map(|entry| match entry {
            ErrorEntry::Field { field: f, messages } if f == field => Some(messages.as_slice()),
            _ => None,
        })
    }

    /// The first general (non-field) error, if any.
    pub fn general_error(&self) -> Option<&ErrorMessage> {
        self.errors.iter().find_map(|entry| match entry {
            ErrorEntry::General(message) => Some(message),
            ErrorEntry::Field { .. } => None,
        })
    }
}

/// The error codes of contract section 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // validation
    Required,
    Invalid,
    InvalidChoice,
    MaxLength,
    Empty,
    Blank,
    Null,
    ParseError,
    // request as a whole
    NotAuthenticated,
    AuthenticationFailed,
    PermissionDenied,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Throttled,
    /// The request's body did not arrive in time (408; mock-server's addition).
    RequestTimeout,
    /// The server is too busy to check a password now (503; mock-server's addition, DRF's name).
    ServiceUnavailable,
    ServerError,
    /// A code this version does not know (another server may send more).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub const ALL: &'static [Self] = &[
        Self::Required,
        Self::Invalid,
        Self::InvalidChoice,
        Self::MaxLength,
        Self::Empty,
        Self::Blank,
        Self::Null,
        Self::ParseError,
        Self::NotAuthenticated,
        Self::AuthenticationFailed,
        Self::PermissionDenied,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::Throttled,
        Self::RequestTimeout,
        Self::ServiceUnavailable,
        Self::ServerError,
        Self::Unknown,
    ];

    /// The code named `name`, [`Self::Unknown`] for a name this version does not know (as serde reads it).
    pub fn parse(name: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
            .unwrap_or(Self::Unknown)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Invalid => "invalid",
            Self::InvalidChoice => "invalid_choice",
            Self::MaxLength => "max_length",
            Self::Empty => "empty",
            Self::Blank => "blank",
            Self::Null => "null",
            Self::ParseError => "parse_error",
            Self::NotAuthenticated => "not_authenticated",
            Self::AuthenticationFailed => "authentication_failed",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Throttled => "throttled",
            Self::RequestTimeout => "request_timeout",
            Self::ServiceUnavailable => "service_unavailable",
            Self::ServerError => "server_error",
            Self::Unknown => "unknown",
        }
    }
}

/// Body of reveal and expire: the signed-in user's password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordConfirmation {
    pub password: String,
}

/// Answer of reveal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningSecret {
    pub signing_secret: String,
}

/// Body of resend: one event, one immediate attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResendRequest {
    pub event: u64,
    pub password: String,
}

/// Body of bulk resend: 1 to 100 distinct events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResendRequest {
    pub event: Vec<u64>,
    pub password: String,
}

/// The signed-in user (`GET /api/v2/user/me/`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: u64,
    pub username: String,
    #[serde(default)]
    pub email: String,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Admin, Self::Member]
            .into_iter()
            .find(|role| role.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }
}

/// Answer of `POST /oauth/token/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    pub token_type: String,
    pub scope: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Error answer of `POST /oauth/token/` (OAuth2's shape, not [`ErrorBody`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// `GET /health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
}

/// The payload every delivery of an event carries (serialized once per event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPayload {
    pub event_id: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// Unix seconds with 6 decimals.
    pub created: f64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// `POST /__mock/events/`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MockEventRequest {
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
    /// Only these endpoints get the event (a test event); each must exist, be active and be
    /// subscribed to its type. Left out, every active subscriber gets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub endpoints: Option<Vec<u64>>,
}

/// Answer of `POST /__mock/events/`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MockEventCreated {
    pub event_id: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created: f64,
    /// The endpoints it was fanned out to.
    pub endpoints: Vec<u64>,
}

/// `POST /__mock/reset/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MockReset {
    pub seed: bool,
}

/// A request the sink received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SinkRequest {
    pub id: u64,
    pub received_at: String,
    pub method: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    /// The body was longer than the sink keeps of a request (`--sink-max-request-bytes`): `body`
    /// holds its beginning. mock-server's addition; absent means false.
    #[serde(default)]
    pub body_truncated: bool,
    pub signature_valid: bool,
}

/// How a sink answers (`PUT /__mock/sink/{name}/behavior/`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SinkBehavior {
    pub status: u16,
    pub delay_ms: u64,
    pub body: String,
    /// Answer 500 to this many requests first.
    pub fail_first: u32,
}

impl Default for SinkBehavior {
    fn default() -> Self {
        Self {
            status: 200,
            delay_ms: 0,
            body: r#"{"success":true}"#.to_owned(),
            fail_first: 0,
        }
    }
}

/// A list's sort key: a field and a direction, written `field` or `-field` in `?ordering=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ordering<F> {
    pub field: F,
    pub descending: bool,
}

/// The fields a list can be ordered by.
pub trait SortField: Copy + Eq + 'static {
    /// Every field, in the order the reference lists them.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|field| field.as_str() == name)
    }
}

impl<F: SortField> Ordering<F> {
    pub fn asc(field: F) -> Self {
        Self {
            field,
            descending: false,
        }
    }

    pub fn desc(field: F) -> Self {
        Self {
            field,
            descending: true,
        }
    }

    /// Parses one key (`created_at`, `-created_at`); `None` for an unknown field.
    pub fn parse(key: &str) -> Option<Self> {
        let (descending, name) = match key.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, key),
        };
        F::parse(name).map(|field| Self { field, descending })
    }

    /// Parses a comma-separated `?ordering=` value, dropping unknown fields (as DRF's `OrderingFilter`).
    pub fn parse_list(value: &str) -> Vec<Self> {
        value
            .split(',')
            .filter_map(|key| Self::parse(key.trim()))
            .collect()
    }

    /// The same field, the other way round.
    pub fn reversed(self) -> Self {
        Self {
            descending: !self.descending,
            ..self
        }
    }

    /// The `?ordering=` form of this key.
    pub fn to_query(self) -> String {
        if self.descending {
            format!("-{}", self.field.as_str())
        } else {
            self.field.as_str().to_owned()
        }
    }
}

/// Sort fields of the endpoint list and search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndpointSortField {
    CreatedAt,
    IsActive,
    UpdatedAt,
}

impl SortField for EndpointSortField {
    const ALL: &'static [Self] = &[Self::CreatedAt, Self::IsActive, Self::UpdatedAt];

    fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::IsActive => "is_active",
            Self::UpdatedAt => "updated_at",
        }
    }
}

/// Sort fields of an endpoint's attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttemptSortField {
    CreatedAt,
    SentAt,
    NextRetry,
}

impl SortField for AttemptSortField {
    const ALL: &'static [Self] = &[Self::CreatedAt, Self::SentAt, Self::NextRetry];

    fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::SentAt => "sent_at",
            Self::NextRetry => "next_retry",
        }
    }
}

/// Both lists default to newest first.
pub const DEFAULT_ORDERING_FIELD: &str = "created_at";

/// Page sizes of contract section 5.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_entries_round_trip_in_the_contract_shape() {
        let text = r#"{"errors":[{"field":"target","messages":[{"code":"required","message":"This field is required."}]},{"code":"not_found","message":"Not found."}]}"#;
        let body: ErrorBody = serde_json::from_str(text).unwrap();
        assert_eq!(body.field("target").unwrap()[0].code, ErrorCode::Required);
        assert_eq!(body.general_error().unwrap().code, ErrorCode::NotFound);
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
    }

    #[test]
    fn an_unknown_error_code_still_decodes() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"errors":[{"code":"brand_new","message":"Hm."}]}"#).unwrap();
        assert_eq!(body.general_error().unwrap().code, ErrorCode::Unknown);
    }

    #[test]
    fn error_codes_and_delivery_errors_parse_as_serde_reads_them() {
        for name in [
            "required",
            "invalid",
            "invalid_choice",
            "max_length",
            "empty",
            "blank",
            "null",
            "parse_error",
            "not_authenticated",
            "authentication_failed",
            "permission_denied",
            "not_found",
            "method_not_allowed",
            "payload_too_large",
            "unsupported_media_type",
            "throttled",
            "request_timeout",
            "service_unavailable",
            "server_error",
            "unknown",
            "brand_new",
        ] {
            let serde: ErrorCode = serde_json::from_value(name.into()).unwrap();
            assert_eq!(ErrorCode::parse(name), serde, "{name}");
            assert!(ErrorCode::ALL.contains(&serde));
        }
        for name in [
            "timeout",
            "connection_refused",
            "dns",
            "tls",
            "other",
            "new",
        ] {
            let serde: DeliveryError = serde_json::from_value(name.into()).unwrap();
            assert_eq!(DeliveryError::parse(name), serde, "{name}");
            assert!(DeliveryError::ALL.contains(&serde));
        }
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("member"), Some(Role::Member));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn ordering_lists_drop_unknown_fields_and_keep_direction() {
        let keys = Ordering::<EndpointSortField>::parse_list("-updated_at,bogus,is_active");
        assert_eq!(
            keys,
            vec![
                Ordering::desc(EndpointSortField::UpdatedAt),
                Ordering::asc(EndpointSortField::IsActive)
            ]
        );
        assert_eq!(keys[0].to_query(), "-updated_at");
        assert_eq!(keys[0].reversed().to_query(), "updated_at");
    }

    #[test]
    fn an_attempt_from_the_real_platform_without_contract_additions_decodes() {
        let text = r#"{"id":1,"created_at":"2021-03-25T15:21:46.575398+01:00","event":{"type":"vote.created","added_at":"2021-03-25T15:21:01.594964+01:00"},"sent_at":"2021-03-25T15:21:46.574763+01:00","http_request_body":"{}","http_request_signature_header":"t=1,v0=ab","http_response_code":200,"http_response_body":"b'{\"success\":true}'","next_retry":null}"#;
        let attempt: Attempt = serde_json::from_str(text).unwrap();
        assert_eq!(attempt.event.id, None);
        assert_eq!(attempt.error, None);
        assert_eq!(attempt.http_response_code, Some(200));
    }
}
