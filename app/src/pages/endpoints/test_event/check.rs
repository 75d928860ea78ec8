//! What a test event needs before it is sent: whether the server offers test events at all, and the
//! data the admin typed, checked as JSON.

use crate::json_tree::{self, Json};

/// The most data a test event sends (mock-server takes bodies up to 1 MiB; an example is well under 2 KiB).
pub const MAX_DATA_BYTES: usize = 64 * 1024;

/// Whether an OpenAPI document declares `endpoints` on `POST /__mock/events/`'s body
/// (`components.schemas.MockEventRequest.properties.endpoints`): mock-server with test events.
pub fn offers_test_events(openapi: &str) -> bool {
    json_tree::parse(openapi).is_ok_and(|document| {
        document
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get("MockEventRequest"))
            .and_then(|r| r.get("properties"))
            .and_then(|p| p.get("endpoints"))
            .is_some()
    })
}

/// The typed data as the event's `data`: a JSON object, else what is wrong and where (line and column,
/// counted in characters from 1).
pub fn check_data(text: &str) -> Result<Json, String> {
    if text.len() > MAX_DATA_BYTES {
        return Err("Too long: at most 64 KiB of JSON.".to_owned());
    }
    match json_tree::parse(text) {
        Ok(data @ Json::Object(_)) => Ok(data),
        Ok(_) => Err("The data must be a JSON object ({ … }).".to_owned()),
        Err(error) => {
            let (line, column) = line_and_column(text, error.at);
            Err(format!(
                "Not JSON: {} (line {line}, column {column}).",
                error.reason
            ))
        }
    }
}

/// Line and column (from 1, in characters) of byte `at` of `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_is_the_data_sent_in_its_key_order() {
        let data = check_data("{\n  \"b\": 1,\n  \"a\": [true, null, \"é\"]\n}").unwrap();
        assert_eq!(data.compact(), r#"{"b":1,"a":[true,null,"é"]}"#);
        assert_eq!(check_data(" {} ").unwrap().compact(), "{}");
    }

    #[test]
    fn anything_but_an_object_is_refused() {
        for text in ["[]", "1", "\"text\"", "null"] {
            assert_eq!(
                check_data(text),
                Err("The data must be a JSON object ({ … }).".to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn text_that_is_not_json_says_where() {
        let error = check_data("{\n  \"id\": 1,\n  \"name\": \"x\",\n}").unwrap_err();
        assert!(error.starts_with("Not JSON: "), "{error}");
        assert!(error.ends_with("(line 4, column 1)."), "{error}");
        let error = check_data("{\"é\": tru}").unwrap_err();
        assert!(error.ends_with("(line 1, column 7)."), "{error}");
        assert!(check_data("").unwrap_err().starts_with("Not JSON: "));
    }

    #[test]
    fn data_over_the_bound_is_refused_before_parsing() {
        let long = format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_DATA_BYTES));
        assert_eq!(
            check_data(&long),
            Err("Too long: at most 64 KiB of JSON.".to_owned())
        );
    }

    #[test]
    fn test_events_are_offered_only_where_the_document_declares_endpoints() {
        let with = r#"{"openapi":"3.1.0","components":{"schemas":{"MockEventRequest":{"properties":{"type":{},"endpoints":{"type":"array"}}}}}}"#;
        let without =
            r#"{"components":{"schemas":{"MockEventRequest":{"properties":{"type":{}}}}}}"#;
        assert!(offers_test_events(with));
        assert!(!offers_test_events(without));
        assert!(!offers_test_events(r#"{"paths":{}}"#));
        assert!(!offers_test_events("<html>Not found</html>"));
    }
}
