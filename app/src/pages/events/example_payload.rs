//! The example payload the event catalog shows for each type, built from the shared crate's
//! `examples.json` in the order that file writes the keys (as mock-server's deliveries have them).
//!
//! `webhook_api::catalog::example_data` builds the same data as a `serde_json::Value`; this reads the
//! file with [`crate::json_tree`] instead, so that serde_json stays out of the .wasm (app/README.md).

use webhook_api::catalog::EXAMPLES;

use crate::json_tree::{self, Json};

/// A delivery's payload for event type `name` with the example data, as the platform sends it; `None`
/// for a type without an example.
pub fn example_payload(name: &str) -> Option<String> {
    let data = example_data(name)?;
    let mut quoted = String::new();
    json_tree::write_string(&mut quoted, name);
    Some(format!(
        r#"{{"event_id": 1042, "type": {quoted}, "created": 1716822000.123456, "data": {}}}"#,
        data.compact()
    ))
}

/// The example `data` of event type `name` (a test event starts from it); `None` for a type without
/// an example.
pub fn example_data(name: &str) -> Option<Json> {
    let examples = json_tree::parse(EXAMPLES).ok()?;
    let template = examples.get("events")?.get(name)?;
    resolve(template, examples.get("fragments")?)
}

/// `template` with its fragment references replaced; `None` if it names a fragment that is not there.
fn resolve(template: &Json, fragments: &Json) -> Option<Json> {
    let fragment = |name: &str| resolve(fragments.get(name)?, fragments);
    Some(match template {
        Json::String(text) => match text.strip_prefix('$') {
            Some(name) => fragment(name)?,
            None => template.clone(),
        },
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|item| resolve(item, fragments))
                .collect::<Option<_>>()?,
        ),
        Json::Object(fields) => {
            let mut members = match template.get("$") {
                Some(Json::String(name)) => match fragment(name)? {
                    Json::Object(base) => base,
                    _ => return None,
                },
                _ => Vec::new(),
            };
            for (key, value) in fields.iter().filter(|(key, _)| key != "$") {
                let value = resolve(value, fragments)?;
                match members.iter_mut().find(|(k, _)| k == key) {
                    Some(member) => member.1 = value,
                    None => members.push((key.clone(), value)),
                }
            }
            Json::Object(members)
        }
        _ => template.clone(),
    })
}

#[cfg(test)]
mod tests {
    use webhook_api::catalog;

    use super::*;

    #[test]
    fn every_type_has_the_shared_crates_example_data() {
        for name in catalog::event_types() {
            let payload: serde_json::Value =
                serde_json::from_str(&example_payload(name).unwrap()).unwrap();
            assert_eq!(payload["type"], name);
            assert_eq!(
                payload["data"],
                catalog::example_data(name).unwrap(),
                "{name}"
            );
        }
        assert_eq!(example_payload("unknown.type"), None);
    }

    #[test]
    fn keys_keep_the_order_of_the_examples_file() {
        let payload = example_payload("comment.deleted").unwrap();
        let data = &payload[payload.find("\"data\"").unwrap()..];
        let id = data.find("\"id\"").unwrap();
        let deleted = data.find("\"deleted\"").unwrap();
        let author = data.find("\"author\"").unwrap();
        assert!(id < author && author < deleted, "{data}");
    }
}
