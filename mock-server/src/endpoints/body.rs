//! The body of an endpoint create, PUT or PATCH, from bytes to validated fields: pure (no store, no
//! network), so the fuzz target `endpoint_body` drives it as the handlers do.

use serde_json::{Map, Value};
use webhook_api::{
    ErrorCode, ErrorMessage, catalog,
    validate::{self, messages},
};

use crate::{
    error::{ApiResult, FieldErrors},
    extract, fields, targets,
};

/// Which write a body is for: create (POST) and update (PUT) require `target` and `events`; patch
/// (PATCH) takes any subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    Create,
    Update,
    Patch,
}

/// The fields of a create, PUT or PATCH body, validated; `None` for a field the body left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointInput {
    pub target: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    pub ssl_cert_verification: Option<bool>,
    /// Catalog types, each once, in the body's order.
    pub event_types: Option<Vec<String>>,
}

/// A create, PUT or PATCH body from its bytes to its validated fields, or the error the API answers
/// (415, 400 `parse_error`, 400 `invalid`, field errors), as the routes do it minus what needs the
/// store or the network (an unknown id; a target name that resolves to a non-public address). Pure,
/// so the fuzz target `endpoint_body` drives it. `block_private` is `--block-private-targets`.
pub fn read_endpoint_body(
    bytes: &[u8],
    content_type: Option<&str>,
    kind: WriteKind,
    block_private: bool,
) -> ApiResult<EndpointInput> {
    let body = extract::parse_object(bytes, content_type)?;
    EndpointInput::read(&body, kind, block_private)
}

impl EndpointInput {
    /// Reads and checks every field, reporting every problem of every field at once.
    pub fn read(
        body: &Map<String, Value>,
        kind: WriteKind,
        block_private: bool,
    ) -> ApiResult<Self> {
        let required = kind != WriteKind::Patch;
        let mut errors = FieldErrors::default();
        let target =
            fields::string(body, "target", required, false, &mut errors).filter(|target| {
                let mut problems = validate::target(target);
                if problems.is_empty()
                    && block_private
                    && let Some(refusal) = targets::refuse_without_lookup(target)
                {
                    problems.push(ErrorMessage::new(ErrorCode::Invalid, refusal.message()));
                }
                let valid = problems.is_empty();
                errors.extend("target", problems);
                valid
            });
        let event_types = event_types(body, required, &mut errors);
        let description =
            fields::string(body, "description", false, true, &mut errors).filter(|description| {
                let problems = validate::description(description);
                let valid = problems.is_empty();
                errors.extend("description", problems);
                valid
            });
        let is_active = fields::boolean(body, "is_active", &mut errors);
        let ssl_cert_verification = fields::boolean(body, "ssl_cert_verification", &mut errors);
        errors.into_result()?;
        Ok(Self {
            target,
            description,
            is_active,
            ssl_cert_verification,
            event_types,
        })
    }
}

/// `events`: a non-empty list of `{"type": T}` with T in the catalog; duplicates collapse.
fn event_types(
    body: &Map<String, Value>,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<Vec<String>> {
    let items = match body.get("events") {
        None => {
            if required {
                errors.add("events", ErrorCode::Required, messages::REQUIRED);
            }
            return None;
        }
        Some(Value::Null) => {
            errors.add("events", ErrorCode::Null, messages::NULL);
            return None;
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errors.add("events", ErrorCode::Empty, messages::EMPTY_LIST);
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.add("events", ErrorCode::Invalid, fields::not_a_list(other));
            return None;
        }
    };
    let mut types: Vec<String> = Vec::new();
    let mut valid = true;
    for item in items {
        let mut fail = |code, message: String| {
            errors.add("events", code, message);
            valid = false;
        };
        let Value::Object(item) = item else {
            fail(ErrorCode::Invalid, fields::not_a_dict(item));
            continue;
        };
        match item.get("type") {
            None => fail(ErrorCode::Required, messages::REQUIRED.to_owned()),
            Some(Value::Null) => fail(ErrorCode::Null, messages::NULL.to_owned()),
            Some(Value::String(name)) if name.trim().is_empty() => {
                fail(ErrorCode::Blank, messages::BLANK.to_owned());
            }
            Some(Value::String(name)) if catalog::contains(name) => {
                if !types.contains(name) {
                    types.push(name.clone());
                }
            }
            Some(Value::String(name)) => fail(
                ErrorCode::InvalidChoice,
                validate::invalid_choice_message(name),
            ),
            Some(other) => fail(
                ErrorCode::InvalidChoice,
                validate::invalid_choice_message(&other.to_string()),
            ),
        }
    }
    valid.then_some(types)
}
