//! An event's payload bytes, written once per event the way the platform (Python's `json.dumps`) writes
//! them: `", "` and `": "` separators, non-ASCII as `\uXXXX`, `created` with six decimals.

use std::io;

use serde::Serialize;
use serde_json::Value;

use crate::clock::{self, Micros};

/// `{"event_id": N, "type": T, "created": S.ffffff, "data": {...}}`.
pub fn serialize(event_id: i64, event_type: &str, created_at: Micros, data: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(format!("{{\"event_id\": {event_id}, \"type\": ").as_bytes());
    write_python_json(&mut out, &Value::String(event_type.to_owned()));
    out.extend_from_slice(b", \"created\": ");
    out.extend_from_slice(clock::unix_seconds_text(created_at).as_bytes());
    out.extend_from_slice(b", \"data\": ");
    write_python_json(&mut out, data);
    out.push(b'}');
    out
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
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
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
}
