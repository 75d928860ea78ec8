//! Any bytes as the body of an endpoint create, PUT or PATCH (`mock_server::endpoints::body::read_endpoint_body`):
//! reading never panics; an error is a 400 or 415 in the contract's `{"errors": [...]}` shape with the
//! contract's codes; a success holds only fields that pass the contract's rules.
//!
//! The first byte picks the write (create, PUT, PATCH), `--block-private-targets` on or off, and the
//! declared content type; the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mock_server::{
    endpoints::body::{EndpointInput, WriteKind, read_endpoint_body},
    targets,
};
use webhook_api::{ErrorBody, ErrorCode, ErrorEntry, catalog, validate};

const FIELDS: &[&str] = &[
    "target",
    "events",
    "description",
    "is_active",
    "ssl_cert_verification",
];

const FIELD_CODES: &[ErrorCode] = &[
    ErrorCode::Required,
    ErrorCode::Invalid,
    ErrorCode::InvalidChoice,
    ErrorCode::MaxLength,
    ErrorCode::Empty,
    ErrorCode::Blank,
    ErrorCode::Null,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let kind = match selector % 3 {
        0 => WriteKind::Create,
        1 => WriteKind::Update,
        _ => WriteKind::Patch,
    };
    let block_private = selector & 0x10 != 0;
    let content_type = match selector >> 5 {
        0 | 1 | 2 => Some("application/json"),
        3 => Some("application/merge-patch+json; charset=utf-8"),
        4 => Some("text/plain"),
        5 => Some(""),
        _ => None,
    };
    match read_endpoint_body(body, content_type, kind, block_private) {
        Ok(input) => check_accepted(&input, kind, block_private),
        Err(error) => {
            let (status, body) = error.status_and_body();
            check_error(status.as_u16(), &body);
        }
    }
});

fn check_accepted(input: &EndpointInput, kind: WriteKind, block_private: bool) {
    if kind != WriteKind::Patch {
        assert!(input.target.is_some() && input.event_types.is_some());
    }
    if let Some(target) = &input.target {
        assert!(validate::target(target).is_empty(), "accepted {target:?}");
        if block_private {
            assert_eq!(targets::refuse_without_lookup(target), None);
        }
    }
    if let Some(types) = &input.event_types {
        assert!(!types.is_empty());
        for (i, name) in types.iter().enumerate() {
            assert!(catalog::contains(name), "accepted event {name:?}");
            assert!(!types[..i].contains(name), "{name:?} twice");
        }
    }
    if let Some(description) = &input.description {
        assert!(validate::description(description).is_empty());
    }
}

fn check_error(status: u16, body: &ErrorBody) {
    let json = serde_json::to_string(body).expect("an error body serializes");
    let reread: ErrorBody = serde_json::from_str(&json).expect("an error body reads back");
    assert_eq!(&reread, body, "{json}");
    assert!(!body.errors.is_empty(), "{json}");
    match status {
        415 => assert!(
            matches!(&body.errors[..], [ErrorEntry::General(m)] if m.code == ErrorCode::UnsupportedMediaType),
            "{json}"
        ),
        400 => match &body.errors[..] {
            [ErrorEntry::General(message)] => {
                assert!(
                    matches!(message.code, ErrorCode::ParseError | ErrorCode::Invalid),
                    "{json}"
                );
                assert!(!message.message.is_empty(), "{json}");
            }
            entries => {
                let mut seen: Vec<&str> = Vec::new();
                for entry in entries {
                    let ErrorEntry::Field { field, messages } = entry else {
                        panic!("a general error among field errors: {json}");
                    };
                    assert!(FIELDS.contains(&field.as_str()), "{json}");
                    assert!(!seen.contains(&field.as_str()), "{field} twice: {json}");
                    seen.push(field);
                    assert!(!messages.is_empty(), "{json}");
                    for message in messages {
                        assert!(FIELD_CODES.contains(&message.code), "{json}");
                        assert!(!message.message.is_empty(), "{json}");
                    }
                }
            }
        },
        other => panic!("status {other} for a body: {json}"),
    }
}
