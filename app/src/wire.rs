//! The API's JSON bodies, read and written over [`crate::json_tree`] instead of serde: the structs by
//! `from_json_members!` from their field lists (as their serde attributes name them), the plain-name
//! enums, the untagged error entry and the writers by hand.
//!
//! serde_json's deserializer with the derived visitors of every wire type was the largest part of the
//! .wasm that was not the app itself (app/README.md has the figures); the macro writes the same code the
//! hand-written readers were (the release .wasm is byte for byte the same). Reading accepts what the serde
//! derives of `webhook_api` accept: unknown fields are ignored, an `Option` field may be missing or
//! null, unknown error codes and delivery errors read as `Unknown`/`Other`; a missing required field or
//! a value of the wrong type is an error naming the field.

use webhook_api::{
    Attempt, AttemptEvent, BulkResendRequest, DeliveryError, Endpoint, EndpointPatch,
    EndpointWrite, ErrorBody, ErrorCode, ErrorEntry, ErrorMessage, EventRef, OAuthError, Page,
    PasswordConfirmation, ResendRequest, Role, SigningSecret, Subscription, TokenResponse, User,
};

use crate::json_tree::{self, Json};

/// A value read from parsed JSON.
pub trait FromJson: Sized {
    fn from_json(json: Json) -> Result<Self, String>;
}

/// `FromJson` for structs read member by member: each struct as its name and its fields in order, as
/// its serde attributes say. A field reads the member of its own name, or the one named after `=`
/// (serde's `rename`); a missing member is an error that names it, except that `#[optional]` (an
/// `Option`, serde's `default` there) reads a missing or null member as `None`, and `#[default]` as the
/// type's default.
macro_rules! from_json_members {
    ($($ty:ident $(<$param:ident>)? {
        $($(#[$how:ident])? $field:ident $(= $name:literal)?),+ $(,)?
    })+) => {$(
        impl$(<$param: $crate::wire::FromJson>)? $crate::wire::FromJson for $ty$(<$param>)? {
            fn from_json(json: $crate::json_tree::Json) -> Result<Self, String> {
                let mut fields = $crate::wire::Fields::of(json)?;
                Ok(Self {
                    $($field: $crate::wire::from_json_members!(
                        @read fields $(#[$how])? ($crate::wire::from_json_members!(@name $field $($name)?))
                    ),)+
                })
            }
        }
    )+};
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $name:literal) => { $name };
    (@read $fields:ident ($name:expr)) => { $fields.required($name)? };
    (@read $fields:ident #[optional] ($name:expr)) => { $fields.optional($name)? };
    (@read $fields:ident #[default] ($name:expr)) => { $fields.optional($name)?.unwrap_or_default() };
}
pub(crate) use from_json_members;

/// A request body as JSON text.
pub trait ToJson {
    fn to_json(&self) -> String;
}

/// Reads `text` as a `T`.
pub fn decode<T: FromJson>(text: &str) -> Result<T, String> {
    let json = json_tree::parse(text)
        .map_err(|error| format!("not JSON: {} at byte {}", error.reason, error.at))?;
    T::from_json(json)
}

/// The members of an object, taken out one by one by name.
pub struct Fields(Vec<(String, Json)>);

impl Fields {
    pub fn of(json: Json) -> Result<Self, String> {
        match json {
            Json::Object(members) => Ok(Self(members)),
            other => Err(unexpected(&other, "an object")),
        }
    }

    fn take(&mut self, name: &str) -> Option<Json> {
        let at = self.0.iter().position(|(key, _)| key == name)?;
        Some(self.0.swap_remove(at).1)
    }

    /// A field that must be there.
    pub fn required<T: FromJson>(&mut self, name: &str) -> Result<T, String> {
        match self.take(name) {
            Some(json) => T::from_json(json).map_err(|error| format!("`{name}`: {error}")),
            None => Err(format!("missing field `{name}`")),
        }
    }

    /// A field that may be missing or null.
    pub fn optional<T: FromJson>(&mut self, name: &str) -> Result<Option<T>, String> {
        match self.take(name) {
            None | Some(Json::Null) => Ok(None),
            Some(json) => T::from_json(json)
                .map(Some)
                .map_err(|error| format!("`{name}`: {error}")),
        }
    }
}

fn unexpected(json: &Json, wanted: &str) -> String {
    let found = match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    };
    format!("expected {wanted}, found {found}")
}

impl FromJson for String {
    fn from_json(json: Json) -> Result<Self, String> {
        match json {
            Json::String(text) => Ok(text),
            other => Err(unexpected(&other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(json: Json) -> Result<Self, String> {
        match json {
            Json::Bool(value) => Ok(value),
            other => Err(unexpected(&other, "a boolean")),
        }
    }
}

impl FromJson for u64 {
    fn from_json(json: Json) -> Result<Self, String> {
        match &json {
            Json::Number(text) => text
                .parse()
                .map_err(|_| format!("expected a whole number, found {text}")),
            other => Err(unexpected(other, "a whole number")),
        }
    }
}

impl FromJson for u16 {
    fn from_json(json: Json) -> Result<Self, String> {
        let number = u64::from_json(json)?;
        u16::try_from(number).map_err(|_| format!("{number} is out of range"))
    }
}

/// A number's whole part: the session's times are milliseconds, and reading them this way needs no
/// float parser in the .wasm.
pub struct WholePart(pub f64);

impl FromJson for WholePart {
    fn from_json(json: Json) -> Result<Self, String> {
        match &json {
            Json::Number(text) => {
                let whole = text.split(['.', 'e', 'E']).next().unwrap_or_default();
                let exponent_free = !text.contains(['e', 'E']);
                whole
                    .parse::<i64>()
                    .ok()
                    .filter(|_| exponent_free)
                    .map(|n| Self(n as f64))
                    .ok_or_else(|| format!("expected milliseconds, found {text}"))
            }
            other => Err(unexpected(other, "a number")),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(json: Json) -> Result<Self, String> {
        match json {
            Json::Array(items) => items.into_iter().map(T::from_json).collect(),
            other => Err(unexpected(&other, "an array")),
        }
    }
}

from_json_members! {
    Page<T> { count, #[optional] next, #[optional] previous, results }
    Endpoint {
        id,
        created_at,
        updated_at,
        is_active,
        target,
        description,
        events,
        ssl_cert_verification,
    }
    Subscription { event_type = "type", added_at }
    Attempt {
        id,
        created_at,
        event,
        #[optional] sent_at,
        http_request_body,
        http_request_signature_header,
        #[optional] http_response_code,
        #[optional] http_response_body,
        #[optional] next_retry,
        #[optional] error,
        #[optional] duration_ms,
    }
    AttemptEvent { #[optional] id, event_type = "type", added_at }
    ErrorBody { errors }
    User { id, username, #[default] email, role }
    TokenResponse { access_token, expires_in, token_type, scope, #[optional] refresh_token }
    OAuthError { error, #[optional] error_description }
    SigningSecret { signing_secret }
}

impl FromJson for DeliveryError {
    fn from_json(json: Json) -> Result<Self, String> {
        String::from_json(json).map(|name| DeliveryError::parse(&name))
    }
}

impl FromJson for ErrorEntry {
    fn from_json(json: Json) -> Result<Self, String> {
        let mut fields = Fields::of(json)?;
        // As serde's untagged enum: a field entry if it reads as one, else a general message.
        if let (Some(field), Some(messages)) = (fields.take("field"), fields.take("messages"))
            && let (Ok(field), Ok(messages)) = (String::from_json(field), Vec::from_json(messages))
        {
            return Ok(Self::Field { field, messages });
        }
        error_message(&mut fields).map(Self::General)
    }
}

impl FromJson for ErrorMessage {
    fn from_json(json: Json) -> Result<Self, String> {
        error_message(&mut Fields::of(json)?)
    }
}

/// An error message, from its own object or from what is left of an entry that is not a field's.
fn error_message(fields: &mut Fields) -> Result<ErrorMessage, String> {
    Ok(ErrorMessage {
        code: fields.required("code")?,
        message: fields.required("message")?,
    })
}

impl FromJson for ErrorCode {
    fn from_json(json: Json) -> Result<Self, String> {
        String::from_json(json).map(|name| ErrorCode::parse(&name))
    }
}

impl FromJson for Role {
    fn from_json(json: Json) -> Result<Self, String> {
        let name = String::from_json(json)?;
        Role::parse(&name).ok_or_else(|| format!("unknown role `{name}`"))
    }
}

/// A JSON object written member by member, in order.
pub struct JsonObject(String);

impl Default for JsonObject {
    fn default() -> Self {
        Self("{".to_owned())
    }
}

impl JsonObject {
    fn key(mut self, name: &str) -> Self {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        json_tree::write_string(&mut self.0, name);
        self.0.push(':');
        self
    }

    pub fn string(self, name: &str, value: &str) -> Self {
        let mut this = self.key(name);
        json_tree::write_string(&mut this.0, value);
        this
    }

    pub fn bool(self, name: &str, value: bool) -> Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    pub fn number(self, name: &str, value: u64) -> Self {
        self.raw(name, &value.to_string())
    }

    /// A member whose value is already JSON text.
    pub fn raw(self, name: &str, json: &str) -> Self {
        let mut this = self.key(name);
        this.0.push_str(json);
        this
    }

    /// `raw`, left out when `None`.
    pub fn raw_if(self, name: &str, json: Option<&str>) -> Self {
        match json {
            Some(json) => self.raw(name, json),
            None => self,
        }
    }

    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON string literal.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    json_tree::write_string(&mut out, value);
    out
}

/// A JSON array of already written items.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

fn events(events: &[EventRef]) -> String {
    array(events.iter().map(|event| {
        JsonObject::default()
            .string("type", &event.event_type)
            .finish()
    }))
}

impl ToJson for EndpointWrite {
    fn to_json(&self) -> String {
        JsonObject::default()
            .string("target", &self.target)
            .raw("events", &events(&self.events))
            .raw_if(
                "description",
                self.description.as_deref().map(string).as_deref(),
            )
            .raw_if("is_active", self.is_active.map(bool_text))
            .raw_if(
                "ssl_cert_verification",
                self.ssl_cert_verification.map(bool_text),
            )
            .finish()
    }
}

impl ToJson for EndpointPatch {
    fn to_json(&self) -> String {
        JsonObject::default()
            .raw_if("target", self.target.as_deref().map(string).as_deref())
            .raw_if("events", self.events.as_deref().map(events).as_deref())
            .raw_if(
                "description",
                self.description.as_deref().map(string).as_deref(),
            )
            .raw_if("is_active", self.is_active.map(bool_text))
            .raw_if(
                "ssl_cert_verification",
                self.ssl_cert_verification.map(bool_text),
            )
            .finish()
    }
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

impl ToJson for PasswordConfirmation {
    fn to_json(&self) -> String {
        JsonObject::default()
            .string("password", &self.password)
            .finish()
    }
}

impl ToJson for ResendRequest {
    fn to_json(&self) -> String {
        JsonObject::default()
            .number("event", self.event)
            .string("password", &self.password)
            .finish()
    }
}

impl ToJson for BulkResendRequest {
    fn to_json(&self) -> String {
        JsonObject::default()
            .raw(
                "event",
                &array(self.event.iter().map(|event| event.to_string())),
            )
            .string("password", &self.password)
            .finish()
    }
}

impl ToJson for User {
    fn to_json(&self) -> String {
        JsonObject::default()
            .number("id", self.id)
            .string("username", &self.username)
            .string("email", &self.email)
            .string("role", self.role.as_str())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use serde::{Serialize, de::DeserializeOwned};
    use webhook_api::{AttemptEvent, EndpointPatch};

    use super::*;

    /// What serde writes, these readers read back to the same value.
    fn reads_back<T>(value: &T)
    where
        T: Serialize + DeserializeOwned + FromJson + PartialEq + std::fmt::Debug,
    {
        let text = serde_json::to_string(value).unwrap();
        assert_eq!(&decode::<T>(&text).unwrap(), value, "{text}");
    }

    /// What these writers write, serde reads back to the same value.
    fn written_as_serde_reads<T>(value: &T)
    where
        T: ToJson + DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let text = value.to_json();
        assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), value, "{text}");
    }

    fn endpoint() -> Endpoint {
        Endpoint {
            id: 7,
            created_at: "2026-11-27T08:08:21.704146+00:00".into(),
            updated_at: "2026-11-27T08:09:00.000001+00:00".into(),
            is_active: true,
            target: "https://hooks.example.com/\"quoted\"\\é".into(),
            description: "Order fulfilment\n😀".into(),
            events: vec![Subscription {
                event_type: "post.created".into(),
                added_at: "2026-11-27T08:08:21.704146+00:00".into(),
            }],
            ssl_cert_verification: false,
        }
    }

    fn attempt() -> Attempt {
        Attempt {
            id: 47,
            created_at: "2026-11-27T08:08:22.195830+00:00".into(),
            event: AttemptEvent {
                id: Some(33),
                event_type: "post.created".into(),
                added_at: "2026-11-27T08:08:22.187509+00:00".into(),
            },
            sent_at: Some("2026-11-27T08:08:22.192071+00:00".into()),
            http_request_body: r#"{"event_id": 33}"#.into(),
            http_request_signature_header: "t=1795766902,v0=33e6".into(),
            http_response_code: Some(502),
            http_response_body: Some("b'{}'".into()),
            next_retry: None,
            error: Some(DeliveryError::Timeout),
            duration_ms: Some(3),
        }
    }

    #[test]
    fn endpoints_and_pages_read_as_serde_wrote_them() {
        reads_back(&endpoint());
        reads_back(&Page {
            count: 12,
            next: Some("http://x/?offset=2".into()),
            previous: None,
            results: vec![endpoint(), endpoint()],
        });
    }

    #[test]
    fn attempts_read_as_serde_wrote_them() {
        reads_back(&attempt());
        let bare = Attempt {
            sent_at: None,
            http_response_code: None,
            http_response_body: None,
            error: None,
            duration_ms: None,
            event: AttemptEvent {
                id: None,
                ..attempt().event
            },
            ..attempt()
        };
        reads_back(&bare);
    }

    #[test]
    fn an_attempt_without_the_contract_additions_reads() {
        let text = r#"{"id":1,"created_at":"c","event":{"type":"vote.created","added_at":"a"},"sent_at":"s","http_request_body":"{}","http_request_signature_header":"t=1,v0=ab","http_response_code":200,"http_response_body":"b''","next_retry":null,"extra":[1,{"x":null}]}"#;
        let attempt: Attempt = decode(text).unwrap();
        assert_eq!(attempt.event.id, None);
        assert_eq!(attempt.error, None);
        assert_eq!(attempt.duration_ms, None);
        assert_eq!(attempt.http_response_code, Some(200));
    }

    #[test]
    fn unknown_delivery_errors_and_error_codes_read_as_other_and_unknown() {
        let attempt: Attempt = decode(
            &serde_json::to_string(&attempt())
                .unwrap()
                .replace("\"timeout\"", "\"quantum\""),
        )
        .unwrap();
        assert_eq!(attempt.error, Some(DeliveryError::Other));
        let body: ErrorBody =
            decode(r#"{"errors":[{"code":"brand_new","message":"Hm."}]}"#).unwrap();
        assert_eq!(body.general_error().unwrap().code, ErrorCode::Unknown);
    }

    #[test]
    fn every_error_code_and_delivery_error_reads_as_serde_reads_it() {
        for code in ErrorCode::ALL {
            reads_back(code);
        }
        for error in DeliveryError::ALL {
            reads_back(error);
        }
    }

    #[test]
    fn error_bodies_read_field_and_general_entries() {
        reads_back(&ErrorBody {
            errors: vec![
                ErrorEntry::Field {
                    field: "target".into(),
                    messages: vec![ErrorMessage::new(ErrorCode::Required, "Required.")],
                },
                ErrorEntry::General(ErrorMessage::new(ErrorCode::NotFound, "Not found.")),
            ],
        });
    }

    #[test]
    fn users_tokens_and_secrets_read_as_serde_wrote_them() {
        let user = User {
            id: 1,
            username: "admin".into(),
            email: "admin@example.com".into(),
            role: Role::Member,
        };
        reads_back(&user);
        let no_email: User = decode(r#"{"id":1,"username":"a","role":"admin"}"#).unwrap();
        assert_eq!(no_email.email, "");
        reads_back(&TokenResponse {
            access_token: "a".into(),
            expires_in: 36_000,
            token_type: "Bearer".into(),
            scope: "read write".into(),
            refresh_token: Some("r".into()),
        });
        reads_back(&OAuthError {
            error: "invalid_grant".into(),
            error_description: None,
        });
        reads_back(&SigningSecret {
            signing_secret: "00f7".into(),
        });
    }

    #[test]
    fn missing_fields_and_wrong_types_are_errors_naming_the_field() {
        assert_eq!(
            decode::<User>(r#"{"id":1,"role":"admin"}"#).unwrap_err(),
            "missing field `username`"
        );
        assert_eq!(
            decode::<Endpoint>(
                &serde_json::to_string(&endpoint())
                    .unwrap()
                    .replace("7,", "-7,")
            )
            .unwrap_err(),
            "`id`: expected a whole number, found -7"
        );
        assert!(decode::<User>(r#"{"id":1,"username":"a","role":"root"}"#).is_err());
        assert!(decode::<Page<Endpoint>>("[]").is_err());
        assert!(decode::<Page<Endpoint>>("{").is_err());
        assert!(decode::<Attempt>(r#"{"http_response_code": 70000}"#).is_err());
    }

    #[test]
    fn write_bodies_read_back_through_serde() {
        let write = EndpointWrite {
            target: "https://x.example/\"a\"".into(),
            events: vec![EventRef::new("post.created"), EventRef::new("user.deleted")],
            description: Some("line\nbreak".into()),
            is_active: Some(false),
            ssl_cert_verification: None,
        };
        written_as_serde_reads(&write);
        written_as_serde_reads(&EndpointWrite::default());
        written_as_serde_reads(&EndpointPatch {
            is_active: Some(true),
            ..Default::default()
        });
        written_as_serde_reads(&EndpointPatch {
            target: Some("t".into()),
            events: Some(vec![]),
            description: Some(String::new()),
            is_active: None,
            ssl_cert_verification: Some(true),
        });
        written_as_serde_reads(&PasswordConfirmation {
            password: "pa\"ss".into(),
        });
        written_as_serde_reads(&ResendRequest {
            event: 33,
            password: "p".into(),
        });
        written_as_serde_reads(&BulkResendRequest {
            event: vec![1, 2, 3],
            password: "p".into(),
        });
    }

    #[test]
    fn optional_members_are_left_out_as_serde_leaves_them_out() {
        let patch = EndpointPatch {
            is_active: Some(false),
            ..Default::default()
        };
        assert_eq!(patch.to_json(), serde_json::to_string(&patch).unwrap());
    }

    #[test]
    fn milliseconds_read_with_or_without_a_fraction() {
        assert_eq!(
            decode::<WholePart>("1795766902187.509").unwrap().0,
            1_795_766_902_187.0
        );
        assert_eq!(decode::<WholePart>("36000000").unwrap().0, 36_000_000.0);
        assert!(decode::<WholePart>("1.7e12").is_err());
    }
}
