//! Python bytes literals (`b'...'`): the form in which the platform stores response bodies [platform].
//!
//! [`encode`] writes what Python's `repr(bytes)` writes; [`decode`] reads that back, and also the other
//! escapes a Python bytes literal may hold, so it accepts whatever a server could have stored.

use std::fmt;

/// `repr(bytes)`: single quotes unless the bytes hold `'` and no `"`; `\\`, the quote, `\t`, `\n`, `\r`
/// escaped; other bytes outside printable ASCII as `\xhh`.
pub fn encode(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote => {
                out.push('\\');
                out.push(byte as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// Why a text is not a bytes literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// It does not start with `b'` or `b"`, or does not end with the same quote.
    NotABytesLiteral,
    /// A `\x` not followed by two hex digits, or a backslash at the very end.
    BadEscape { at: usize },
    /// A character outside ASCII, which a bytes literal cannot hold.
    NonAscii { at: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotABytesLiteral => f.write_str("not a b'...' literal"),
            Self::BadEscape { at } => write!(f, "bad escape at character {at}"),
            Self::NonAscii { at } => write!(f, "non-ASCII character at {at}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Reads a Python bytes literal (`b'...'` or `b"..."`) back into its bytes.
pub fn decode(literal: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = literal.as_bytes();
    let quote = match bytes {
        [b'b' | b'B', q @ (b'\'' | b'"'), .., last] if bytes.len() >= 3 && last == q => *q,
        _ => return Err(DecodeError::NotABytesLiteral),
    };
    let inner = &bytes[2..bytes.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let at = i + 2;
        let byte = inner[i];
        if !byte.is_ascii() {
            return Err(DecodeError::NonAscii { at });
        }
        if byte == quote {
            // An unescaped closing quote inside: the text is not one literal.
            return Err(DecodeError::NotABytesLiteral);
        }
        if byte != b'\\' {
            out.push(byte);
            i += 1;
            continue;
        }
        let Some(&escape) = inner.get(i + 1) else {
            return Err(DecodeError::BadEscape { at });
        };
        i += 2;
        match escape {
            b'\\' | b'\'' | b'"' => out.push(escape),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            b'\n' => {} // a line continuation
            b'x' => {
                let hex = inner
                    .get(i..i + 2)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(DecodeError::BadEscape { at })?;
                out.push(hex);
                i += 2;
            }
            b'0'..=b'7' => {
                // Up to three octal digits, the first already read.
                let mut value = u32::from(escape - b'0');
                let mut digits = 1;
                while digits < 3 && matches!(inner.get(i), Some(b'0'..=b'7')) {
                    value = value * 8 + u32::from(inner[i] - b'0');
                    i += 1;
                    digits += 1;
                }
                out.push((value & 0xff) as u8);
            }
            // Python keeps an unknown escape as it is, backslash included.
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_python_repr() {
        // Expected values from CPython 3.11's repr().
        assert_eq!(encode(br#"{"success":true}"#), r#"b'{"success":true}'"#);
        assert_eq!(encode(b""), "b''");
        assert_eq!(encode(b"it's"), r#"b"it's""#);
        assert_eq!(encode(b"it's \"x\""), r#"b'it\'s "x"'"#);
        assert_eq!(encode(b"a\\b\tc\nd\re"), r"b'a\\b\tc\nd\re'");
        assert_eq!(
            encode(&[0, 0x1f, 0x7f, 0xc3, 0xa9]),
            r"b'\x00\x1f\x7f\xc3\xa9'"
        );
    }

    #[test]
    fn decode_reverses_encode_for_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
        for sample in [&b"it's"[..], b"it's \"x\"", b"", b"\\'\""] {
            assert_eq!(decode(&encode(sample)).unwrap(), sample);
        }
    }

    #[test]
    fn decode_reads_other_python_escapes() {
        assert_eq!(decode(r"b'\101\0\a\q'").unwrap(), b"A\0\x07\\q");
    }

    #[test]
    fn decode_rejects_what_is_not_a_literal() {
        assert_eq!(decode("plain"), Err(DecodeError::NotABytesLiteral));
        assert_eq!(decode("b'"), Err(DecodeError::NotABytesLiteral));
        assert_eq!(decode("b'abc\""), Err(DecodeError::NotABytesLiteral));
        assert_eq!(decode("b'a'b'"), Err(DecodeError::NotABytesLiteral));
        assert_eq!(decode(r"b'\x4'"), Err(DecodeError::BadEscape { at: 2 }));
        assert_eq!(decode("b'é'"), Err(DecodeError::NonAscii { at: 2 }));
    }
}
