//! The filtered deliveries as a file, made and downloaded in the browser (no request beyond the scan):
//! CSV (RFC 4180) or NDJSON, one attempt per line with its event's id, type, state and tries.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::{
    deliveries::{EventDeliveries, Try, TryKind},
    time::{self, EpochMs},
    wire::JsonObject,
};

/// The columns, in order (the NDJSON members have the same names).
pub const COLUMNS: [&str; 16] = [
    "event_id",
    "event_type",
    "event_happened_at",
    "event_state",
    "event_tries",
    "event_tries_complete",
    "try",
    "try_kind",
    "outcome",
    "attempt_id",
    "created_at",
    "sent_at",
    "response_code",
    "error",
    "duration_ms",
    "next_retry",
];

/// One field of a line.
enum Value {
    Text(String),
    Number(u64),
    Bool(bool),
    Null,
}

fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.to_owned()))
}

fn number(value: Option<u64>) -> Value {
    value.map_or(Value::Null, Value::Number)
}

fn line(event: &EventDeliveries, tried: &Try, now: EpochMs) -> [Value; 16] {
    let attempt = &tried.attempt;
    let kind = match tried.kind {
        TryKind::First => "first",
        TryKind::Retry => "retry",
        TryKind::Resend => "resend",
        TryKind::Unknown => "unknown",
    };
    [
        number(event.event_id),
        Value::Text(event.event_type.clone()),
        event
            .happened
            .map_or(Value::Null, |at| Value::Text(time::iso8601(at))),
        Value::Text(event.state(now).as_str().to_owned()),
        Value::Number(event.tries.len() as u64),
        Value::Bool(event.complete),
        number(tried.number.map(|n| n as u64)),
        Value::Text(kind.to_owned()),
        Value::Text(tried.outcome(now).as_str().to_owned()),
        Value::Number(attempt.id),
        Value::Text(attempt.created_at.clone()),
        text(attempt.sent_at.as_deref()),
        number(attempt.http_response_code.map(u64::from)),
        text(attempt.error.map(|e| e.as_str())),
        number(attempt.duration_ms),
        text(attempt.next_retry.as_deref()),
    ]
}

fn lines<'a>(
    events: &'a [EventDeliveries],
    now: EpochMs,
) -> impl Iterator<Item = [Value; 16]> + 'a {
    events
        .iter()
        .flat_map(move |event| event.tries.iter().map(move |t| line(event, t, now)))
}

/// The events' attempts as CSV: a header line, then one line per attempt, CRLF line ends.
pub fn csv(events: &[EventDeliveries], now: EpochMs) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for values in lines(events, now) {
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match value {
                Value::Text(text) => csv_field(&mut out, text),
                Value::Number(n) => out.push_str(&n.to_string()),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Null => {}
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// The events' attempts as NDJSON: one JSON object per line.
pub fn ndjson(events: &[EventDeliveries], now: EpochMs) -> String {
    let mut out = String::new();
    for values in lines(events, now) {
        let mut object = JsonObject::default();
        for (name, value) in COLUMNS.iter().zip(values) {
            object = match value {
                Value::Text(text) => object.string(name, &text),
                Value::Number(n) => object.number(name, n),
                Value::Bool(b) => object.bool(name, b),
                Value::Null => object.raw(name, "null"),
            };
        }
        out.push_str(&object.finish());
        out.push('\n');
    }
    out
}

/// A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled); text a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
pub fn csv_field(out: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// Saves `contents` as a file named `name`: a Blob behind an object URL, followed by a link with
/// `download` (the Content-Security-Policy governs neither).
pub fn download(name: &str, mime: &str, contents: &str) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    document()
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?
        .append_child(&link)?;
    link.click();
    link.remove();
    // The download has started from the URL by the time the click returns; free the Blob a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use webhook_api::{Attempt, AttemptEvent, DeliveryError};

    use super::*;
    use crate::deliveries::{Coverage, LoadedAttempt, by_event};

    fn field(text: &str) -> String {
        let mut out = String::new();
        csv_field(&mut out, text);
        out
    }

    #[test]
    fn plain_fields_are_written_as_they_are() {
        assert_eq!(field("user.created"), "user.created");
        assert_eq!(field(""), "");
        assert_eq!(
            field("2024-05-01T10:00:00.000000+00:00"),
            "2024-05-01T10:00:00.000000+00:00"
        );
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("one\ntwo"), "\"one\ntwo\"");
        assert_eq!(field("one\r\ntwo"), "\"one\r\ntwo\"");
    }

    #[test]
    fn non_ascii_text_is_kept_as_it_is() {
        assert_eq!(field("prémio.créé"), "prémio.créé");
        assert_eq!(field("ユーザー,作成"), "\"ユーザー,作成\"");
        assert_eq!(field("🎉"), "🎉");
    }

    #[test]
    fn text_a_spreadsheet_would_run_is_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "\"'+1\"");
        assert_eq!(field("@sum"), "\"'@sum\"");
    }

    fn attempt(id: u64, code: Option<u16>, next_retry: Option<&str>) -> Attempt {
        Attempt {
            id,
            created_at: format!("2024-05-01T10:00:0{id}.500000+00:00"),
            event: AttemptEvent {
                id: Some(42),
                event_type: "user.created".into(),
                added_at: "2024-04-01T00:00:00Z".into(),
            },
            sent_at: Some(format!("2024-05-01T10:00:0{id}.000000+00:00")),
            http_request_body: r#"{"event_id": 42, "type": "user.created", "created": 1714557600.250000, "data": {}}"#.into(),
            http_request_signature_header: String::new(),
            http_response_code: code,
            http_response_body: None,
            next_retry: next_retry.map(Into::into),
            error: code.is_none().then_some(DeliveryError::Timeout),
            duration_ms: Some(87),
        }
    }

    fn events() -> Vec<EventDeliveries> {
        let loaded: Vec<LoadedAttempt> = [
            attempt(2, Some(200), None),
            attempt(1, None, Some("2024-05-01T10:00:02+00:00")),
        ]
        .into_iter()
        .map(|a| LoadedAttempt::new(Arc::new(a)))
        .collect();
        by_event(
            &loaded,
            Coverage {
                complete_after: Some(0.0),
                everything: true,
                later_loaded: true,
            },
        )
    }

    #[test]
    fn the_csv_has_a_header_and_one_line_per_attempt_oldest_try_first() {
        let text = csv(&events(), 1_714_557_700_000.0);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines.len(),
            4,
            "header, two attempts, and the final line end"
        );
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "42,user.created,2024-05-01T10:00:00.250Z,delivered,2,true,1,first,retried,1,\
             2024-05-01T10:00:01.500000+00:00,2024-05-01T10:00:01.000000+00:00,,timeout,87,\
             2024-05-01T10:00:02+00:00"
        );
        assert_eq!(
            lines[2],
            "42,user.created,2024-05-01T10:00:00.250Z,delivered,2,true,2,retry,delivered,2,\
             2024-05-01T10:00:02.500000+00:00,2024-05-01T10:00:02.000000+00:00,200,,87,"
        );
        assert_eq!(lines[3], "");
    }

    #[test]
    fn the_ndjson_has_one_object_per_attempt_with_nulls_for_what_is_missing() {
        let text = ndjson(&events(), 1_714_557_700_000.0);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["event_id"], 42);
        assert_eq!(first["event_state"], "delivered");
        assert_eq!(first["event_tries_complete"], true);
        assert_eq!(first["try_kind"], "first");
        assert_eq!(first["response_code"], serde_json::Value::Null);
        assert_eq!(first["error"], "timeout");
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["response_code"], 200);
        assert_eq!(second["next_retry"], serde_json::Value::Null);
        assert_eq!(second.as_object().unwrap().keys().count(), COLUMNS.len());
    }
}
