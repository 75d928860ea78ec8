//! A delivery's response body as the platform stores it (a Python `b'...'` literal), made readable.

use webhook_api::bytes_literal;

use crate::json_tree;

/// What the stored response body turns out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseBody {
    /// No HTTP response came, so no body.
    Absent,
    /// An empty body.
    Empty,
    /// UTF-8 text that is JSON.
    Json(String),
    /// UTF-8 text that is not JSON.
    Text(String),
    /// Bytes that are not UTF-8, shown with replacement characters.
    Binary { lossy: String, len: usize },
    /// Not a `b'...'` literal (another server may store the text as is): shown as stored.
    Raw(String),
}

pub fn decode(stored: Option<&str>) -> ResponseBody {
    let Some(stored) = stored else {
        return ResponseBody::Absent;
    };
    let Ok(bytes) = bytes_literal::decode(stored) else {
        return if stored.is_empty() {
            ResponseBody::Empty
        } else {
            ResponseBody::Raw(stored.to_owned())
        };
    };
    if bytes.is_empty() {
        return ResponseBody::Empty;
    }
    match String::from_utf8(bytes) {
        Ok(text) if json_tree::parse(&text).is_ok() => ResponseBody::Json(text),
        Ok(text) => ResponseBody::Text(text),
        Err(error) => {
            let bytes = error.into_bytes();
            ResponseBody::Binary {
                lossy: String::from_utf8_lossy(&bytes).into_owned(),
                len: bytes.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_body_is_recognised() {
        assert_eq!(
            decode(Some(r#"b'{"success":true}'"#)),
            ResponseBody::Json(r#"{"success":true}"#.into())
        );
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            decode(Some(r"b'line one\nit\'s \x41\\'")),
            ResponseBody::Text("line one\nit's A\\".into())
        );
        assert_eq!(
            decode(Some(r"b'caf\xc3\xa9'")),
            ResponseBody::Text("café".into())
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_show_with_replacement_characters() {
        assert_eq!(
            decode(Some(r"b'ok \xff\xfe'")),
            ResponseBody::Binary {
                lossy: "ok \u{fffd}\u{fffd}".into(),
                len: 5
            }
        );
    }

    #[test]
    fn empty_and_absent_bodies_differ() {
        assert_eq!(decode(Some("b''")), ResponseBody::Empty);
        assert_eq!(decode(None), ResponseBody::Absent);
    }

    #[test]
    fn a_body_not_in_the_literal_form_is_shown_as_stored() {
        assert_eq!(
            decode(Some("plain text")),
            ResponseBody::Raw("plain text".into())
        );
    }
}
