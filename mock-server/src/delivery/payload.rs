//! An event's payload bytes, written once per event the way the platform (Python's `json.dumps`) writes
//! them: `", "` and `": "` separators, non-ASCII as `\uXXXX`, `created` with six decimals.

use std::{
    collections::HashMap,
    io,
    sync::{Arc, LazyLock, Mutex},
};

use serde::Serialize;
use serde_json::Value;
use webhook_api::catalog;

use crate::clock::{self, Micros};

/// `{"event_id": N, "type": T, "created": S.ffffff, "data": {...}}`.
pub fn serialize(event_id: i64, event_type: &str, created_at: Micros, data: &Value) -> Vec<u8> {
    assemble(event_id, event_type, created_at, &data_json(data))
}

/// A payload around `data` already written by [`data_json`] (or [`example_data_json`]).
pub fn assemble(event_id: i64, event_type: &str, created_at: Micros, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 128);
    out.extend_from_slice(format!("{{\"event_id\": {event_id}, \"type\": ").as_bytes());
    write_python_json(&mut out, &Value::String(event_type.to_owned()));
    out.extend_from_slice(b", \"created\": ");
    out.extend_from_slice(clock::unix_seconds_text(created_at).as_bytes());
    out.extend_from_slice(b", \"data\": ");
    out.extend_from_slice(data);
    out.push(b'}');
    out
}

/// An event's `data` as the payload carries it.
pub fn data_json(data: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    write_python_json(&mut out, data);
    out
}

/// The catalog's example `data` of `event_type` (`{}` when it has none) as the payload carries it,
/// written once per type: reading the catalog's examples costs far more than the rest of an event.
pub fn example_data_json(event_type: &str) -> Arc<[u8]> {
    static WRITTEN: LazyLock<Mutex<HashMap<String, Arc<[u8]>>>> = LazyLock::new(Mutex::default);
    if let Some(written) = WRITTEN.lock().expect("examples lock").get(event_type) {
        return Arc::clone(written);
    }
    let data =
        catalog::example_data(event_type).unwrap_or_else(|| Value::Object(Default::default()));
    let written: Arc<[u8]> = data_json(&data).into();
    WRITTEN
        .lock()
        .expect("examples lock")
        .insert(event_type.to_owned(), Arc::clone(&written));
    written
}

fn write_python_json(out: &mut Vec<u8>, value: &Value) {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, PythonStyle);
    value
        .serialize(&mut serializer)
        .expect("a JSON value serializes into memory");
}

struct PythonStyle;

impl serde_json::ser::Formatter for PythonStyle {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| !c.is_ascii()) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().expect("a character at `at`");
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_written_as_python_writes_them() {
        let data = serde_json::json!({"user": {"name": "Zoë", "tags": [1, 2]}});
        let bytes = serialize(7, "user.updated", 1_616_682_106_480_000, &data);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"event_id": 7, "type": "user.updated", "created": 1616682106.480000, "data": {"user": {"name": "Zo\u00eb", "tags": [1, 2]}}}"#
        );
    }

    #[test]
    fn the_written_example_is_the_catalog_example() {
        let example = catalog::example_data("vote.created").unwrap();
        assert_eq!(
            serialize(3, "vote.created", 0, &example),
            assemble(3, "vote.created", 0, &example_data_json("vote.created"))
        );
        assert_eq!(&*example_data_json("no.such.type"), b"{}");
    }
}
