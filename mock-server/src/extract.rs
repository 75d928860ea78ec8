//! Extractors that fail with the contract's error body rather than axum's plain-text rejections.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts},
};
use serde_json::{Map, Value};

use crate::{
    error::{ApiError, ApiResult},
    fields,
};

/// The largest body a request may carry (contract section 3).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A write's JSON body as an object, of at most `LIMIT` bytes. Checks, in the contract's order: size
/// (413, before reading anything when the declared length is over, as soon as the bytes read are
/// otherwise), media type (415), JSON syntax (400 `parse_error`), object-ness (400 `invalid`). An
/// empty body is `{}` whatever its type.
pub struct JsonObject<const LIMIT: usize = MAX_BODY_BYTES>(pub Map<String, Value>);

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for JsonObject<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> ApiResult<Self> {
        let declared_length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared_length.is_some_and(|length| length > LIMIT as u64) {
            return Err(ApiError::PayloadTooLarge(LIMIT));
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(LIMIT))?;
        parse_object(&bytes, content_type.as_deref()).map(Self)
    }
}

/// A body's bytes as a JSON object, or the contract's error: 415 for a non-empty body that is not
/// declared JSON, 400 `parse_error`, 400 `invalid` for JSON that is not an object.
pub fn parse_object(bytes: &[u8], content_type: Option<&str>) -> ApiResult<Map<String, Value>> {
    // Only a body with no bytes at all: whitespace is a body (not JSON, or not declared JSON).
    if bytes.is_empty() {
        return Ok(Map::new());
    }
    match content_type {
        Some(content_type) if is_json(content_type) => {}
        other => {
            return Err(ApiError::UnsupportedMediaType(
                other.unwrap_or_default().to_owned(),
            ));
        }
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(ApiError::Invalid(fields::not_a_dict(&other))),
        Err(error) => Err(ApiError::ParseError(error.to_string())),
    }
}

/// `application/json`, `application/json; charset=utf-8`, `application/vnd.x+json`.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The query string's parameters, in order, decoded (`+` is a space). Never fails.
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    /// The last value of `name`, as Django's `QueryDict.get` takes it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<Self> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Self(
            form_urlencoded::parse(query.as_bytes())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        ))
    }
}

/// An `{id}` path segment as it came; [`PathId::parse`] turns it into an id or a 404 once the
/// errors that rank before an unknown id have been checked.
pub struct PathId(String);

impl PathId {
    /// The id of an endpoint that exists: 404 for a non-integer or unknown id.
    pub async fn existing_endpoint(&self, store: &crate::store::Store) -> ApiResult<i64> {
        let id = self.parse()?;
        if store.endpoint_exists(id).await? {
            Ok(id)
        } else {
            Err(ApiError::NotFound)
        }
    }

    pub fn parse(&self) -> ApiResult<i64> {
        let digits = &self.0;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::NotFound);
        }
        digits.parse().map_err(|_| ApiError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let raw = params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| value.to_owned())
            .unwrap_or_default();
        Ok(Self(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_with_parameters_or_suffixes_are_json() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
