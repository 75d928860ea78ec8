//! Reading typed fields out of a JSON object body, strictly (`"true"` is not a boolean), with Django
//! REST framework's codes and messages, collecting every problem into [`FieldErrors`]; and the DRF
//! messages that name a JSON type, which more than one reader writes.

use serde_json::{Map, Value};
use webhook_api::{ErrorCode, validate::messages};

use crate::error::FieldErrors;

/// A string field; `None` when it is absent or wrong (wrongness is recorded). `required` makes absence
/// an error; `allow_blank` accepts `""`.
pub fn string(
    body: &Map<String, Value>,
    name: &str,
    required: bool,
    allow_blank: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    match body.get(name) {
        None => {
            if required {
                errors.add(name, ErrorCode::Required, messages::REQUIRED);
            }
            None
        }
        Some(Value::Null) => {
            errors.add(name, ErrorCode::Null, messages::NULL);
            None
        }
        Some(Value::String(text)) if !allow_blank && text.trim().is_empty() => {
            errors.add(name, ErrorCode::Blank, messages::BLANK);
            None
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            errors.add(name, ErrorCode::Invalid, messages::INVALID_STRING);
            None
        }
    }
}

/// An optional boolean field.
pub fn boolean(body: &Map<String, Value>, name: &str, errors: &mut FieldErrors) -> Option<bool> {
    match body.get(name) {
        None => None,
        Some(Value::Bool(value)) => Some(*value),
        Some(Value::Null) => {
            errors.add(name, ErrorCode::Null, messages::NULL);
            None
        }
        Some(_) => {
            errors.add(name, ErrorCode::Invalid, messages::INVALID_BOOLEAN);
            None
        }
    }
}

/// A field that must be there and not null; `None` (recorded) otherwise.
pub fn required<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<&'a Value> {
    match body.get(name) {
        None => {
            errors.add(name, ErrorCode::Required, messages::REQUIRED);
            None
        }
        Some(Value::Null) => {
            errors.add(name, ErrorCode::Null, messages::NULL);
            None
        }
        // "An empty string where a value is required is code `blank`" (contract section 3).
        Some(Value::String(text)) if text.is_empty() => {
            errors.add(name, ErrorCode::Blank, messages::BLANK);
            None
        }
        Some(value) => Some(value),
    }
}

/// The signed-in user's password, required for reveal, expire and resend.
pub fn password(body: &Map<String, Value>, errors: &mut FieldErrors) -> Option<String> {
    string(body, "password", true, false, errors)
}

/// A JSON integer that fits an id (no fraction, no string), or `None`.
pub fn id_value(value: &Value) -> Option<i64> {
    integer_value(value).filter(|id| *id >= 0)
}

/// A JSON number without a fraction (`5` or `5.0`, as JSON Schema and DRF take it; not `"5"`) that
/// fits an i64, or `None`.
pub fn integer_value(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= i64::MIN as f64 && *n < i64::MAX as f64)
            .map(|n| n as i64)
    })
}

/// Python's name for a JSON value's type, as DRF's messages use it.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// DRF's message for a value that should have been an object.
pub fn not_a_dict(value: &Value) -> String {
    format!(
        "Invalid data. Expected a dictionary, but got {}.",
        json_type_name(value)
    )
}

/// DRF's message for a value that should have been a list.
pub fn not_a_list(value: &Value) -> String {
    format!(
        "Expected a list of items but got type \"{}\".",
        json_type_name(value)
    )
}

/// DRF's message for a list longer than `max`.
pub fn too_many_items(max: usize) -> String {
    format!("Ensure this field has no more than {max} elements.")
}
