//! The `SelfCommunity-Signature` header [platform]:
//! `t=<unix seconds>,v0=<lowercase hex HMAC-SHA256(secret, "<t>.<body>")>`.
//!
//! The key is the signing secret's text as UTF-8 bytes, as a receiver holding the revealed secret uses it.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header's name.
pub const HEADER: &str = "SelfCommunity-Signature";

/// The signature scheme this crate implements.
pub const SCHEME: &str = "v0";

type HmacSha256 = Hmac<Sha256>;

/// The string that is signed: `"<t>.<body>"`.
pub fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut payload = timestamp.to_string().into_bytes();
    payload.push(b'.');
    payload.extend_from_slice(body);
    payload
}

/// Lowercase hex HMAC-SHA256 of `"<t>.<body>"` under `secret`.
pub fn compute(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    hex(&digest)
}

/// The whole header value for one delivery try.
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    SignatureHeader {
        timestamp,
        signatures: vec![compute(secret, timestamp, body)],
    }
    .to_string()
}

/// A parsed header: its timestamp and every `v0` signature it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeader {
    pub timestamp: i64,
    pub signatures: Vec<String>,
}

impl fmt::Display for SignatureHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", self.timestamp)?;
        for signature in &self.signatures {
            write!(f, ",{SCHEME}={signature}")?;
        }
        Ok(())
    }
}

/// Why a header could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// No `t=` element.
    MissingTimestamp,
    /// A `t=` that is not an integer.
    InvalidTimestamp,
    /// More than one `t=` element.
    DuplicateTimestamp,
    /// No `v0=` element.
    MissingSignature,
    /// A `v0=` value that is not 64 hex digits.
    InvalidSignature,
    /// An element without `=`.
    Malformed,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingTimestamp => "the header has no t= timestamp",
            Self::InvalidTimestamp => "the t= timestamp is not a whole number of seconds",
            Self::DuplicateTimestamp => "the header has more than one t= timestamp",
            Self::MissingSignature => "the header has no v0= signature",
            Self::InvalidSignature => "a v0= signature is not 64 hexadecimal digits",
            Self::Malformed => "the header is not a comma-separated list of key=value",
        })
    }
}

impl std::error::Error for ParseError {}

impl std::str::FromStr for SignatureHeader {
    type Err = ParseError;

    /// Parses `t=..,v0=..[,v0=..]`; whitespace around elements is ignored, unknown schemes are skipped.
    fn from_str(value: &str) -> Result<Self, ParseError> {
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for element in value.split(',') {
            let (key, val) = element
                .trim()
                .split_once('=')
                .ok_or(ParseError::Malformed)?;
            match key.trim() {
                "t" => {
                    if timestamp.is_some() {
                        return Err(ParseError::DuplicateTimestamp);
                    }
                    let val = val.trim();
                    if val.is_empty() || !val.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(ParseError::InvalidTimestamp);
                    }
                    timestamp = Some(val.parse().map_err(|_| ParseError::InvalidTimestamp)?);
                }
                SCHEME => {
                    let val = val.trim();
                    if val.len() != 64 || !val.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(ParseError::InvalidSignature);
                    }
                    signatures.push(val.to_ascii_lowercase());
                }
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(ParseError::MissingTimestamp)?;
        if signatures.is_empty() {
            return Err(ParseError::MissingSignature);
        }
        Ok(Self {
            timestamp,
            signatures,
        })
    }
}

impl SignatureHeader {
    /// Whether any of the header's signatures is `secret`'s signature of `body` at the header's
    /// timestamp. Each comparison takes the same time whatever the bytes (no early exit).
    pub fn verify(&self, secret: &str, body: &[u8]) -> bool {
        let mut verifying = self.verifying(secret);
        verifying.update(body);
        verifying.verify()
    }

    /// [`SignatureHeader::verify`] for a body that arrives in pieces: [`Verifying::update`] with
    /// each, then [`Verifying::verify`].
    pub fn verifying(&self, secret: &str) -> Verifying<'_> {
        Verifying {
            header: self,
            mac: mac(secret, self.timestamp, b""),
        }
    }
}

/// A signature check of a body read in pieces (see [`SignatureHeader::verifying`]).
pub struct Verifying<'a> {
    header: &'a SignatureHeader,
    mac: HmacSha256,
}

impl Verifying<'_> {
    /// The next piece of the body.
    pub fn update(&mut self, piece: &[u8]) {
        self.mac.update(piece);
    }

    /// Whether any of the header's signatures signs the body given so far.
    pub fn verify(self) -> bool {
        let expected = self.mac.finalize().into_bytes();
        let mut matched = subtle::Choice::from(0);
        for signature in &self.header.signatures {
            let Some(received) = unhex(signature) else {
                continue;
            };
            matched |= received.as_slice().ct_eq(expected.as_slice());
        }
        matched.into()
    }
}

/// Parses `header` and verifies it; `false` for a header that does not parse.
pub fn verify(secret: &str, header: &str, body: &[u8]) -> bool {
    header
        .parse::<SignatureHeader>()
        .is_ok_and(|parsed| parsed.verify(secret, body))
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |b: u8| (b as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

/// Fixed inputs and the exact headers they sign to, computed independently with Python's `hmac`.
/// Both sides of the workspace test against them.
pub mod test_vectors {
    pub struct Vector {
        pub secret: &'static str,
        pub timestamp: i64,
        pub body: &'static str,
        pub header: &'static str,
    }

    pub const VECTORS: &[Vector] = &[
        Vector {
            secret: "whsec_test_secret",
            timestamp: 1_492_774_577,
            body: r#"{"event_id": 1, "type": "vote.created"}"#,
            header: "t=1492774577,v0=2a659c148113c223963616f2cce8ed3804b24bc349a54558a961698e9960729f",
        },
        Vector {
            secret: "0123456789abcdef0123456789abcdef",
            timestamp: 1_700_000_000,
            body: "",
            header: "t=1700000000,v0=6d033471ca61b72c721ec8c18ea70b31ea9ee2c7aab01ae0fa01bc68c1579648",
        },
        Vector {
            secret: "k",
            timestamp: 0,
            body: r#"{"name":"Zoë"}"#,
            header: "t=0,v0=283532f475163cadfc806343026cc455b15b371c896cb4c3200b8d3e55a93b78",
        },
    ];
}

#[cfg(test)]
mod tests {
    use super::test_vectors::VECTORS;
    use super::*;

    #[test]
    fn signing_the_test_vectors_gives_their_exact_headers() {
        for v in VECTORS {
            assert_eq!(
                header_value(v.secret, v.timestamp, v.body.as_bytes()),
                v.header
            );
        }
    }

    #[test]
    fn the_test_vectors_verify_with_their_secret_only() {
        for v in VECTORS {
            assert!(verify(v.secret, v.header, v.body.as_bytes()));
            assert!(!verify("another secret", v.header, v.body.as_bytes()));
        }
    }

    #[test]
    fn a_changed_body_or_timestamp_fails_verification() {
        let v = &VECTORS[0];
        assert!(!verify(v.secret, v.header, b"{}"));
        let shifted = v.header.replacen("t=1492774577", "t=1492774578", 1);
        assert!(!verify(v.secret, &shifted, v.body.as_bytes()));
    }

    #[test]
    fn any_of_several_signatures_may_match() {
        let v = &VECTORS[0];
        let real = compute(v.secret, v.timestamp, v.body.as_bytes());
        let header = format!("t={},v0={},v0={real}", v.timestamp, "0".repeat(64));
        assert!(verify(v.secret, &header, v.body.as_bytes()));
    }

    #[test]
    fn parsing_reports_what_is_wrong() {
        let sig = "a".repeat(64);
        assert_eq!(
            format!("v0={sig}").parse::<SignatureHeader>(),
            Err(ParseError::MissingTimestamp)
        );
        assert_eq!(
            "t=12".parse::<SignatureHeader>(),
            Err(ParseError::MissingSignature)
        );
        assert_eq!(
            format!("t=-5,v0={sig}").parse::<SignatureHeader>(),
            Err(ParseError::InvalidTimestamp)
        );
        assert_eq!(
            "t=1,v0=xyz".parse::<SignatureHeader>(),
            Err(ParseError::InvalidSignature)
        );
        assert_eq!(
            format!("t=1,t=2,v0={sig}").parse::<SignatureHeader>(),
            Err(ParseError::DuplicateTimestamp)
        );
        assert_eq!(
            "garbage".parse::<SignatureHeader>(),
            Err(ParseError::Malformed)
        );
        assert_eq!("".parse::<SignatureHeader>(), Err(ParseError::Malformed));
    }

    #[test]
    fn parsing_tolerates_spaces_case_and_unknown_schemes() {
        let sig = "AB".repeat(32);
        let parsed: SignatureHeader = format!(" t = 7 , v1=zz, v0={sig} ").parse().unwrap();
        assert_eq!(parsed.timestamp, 7);
        assert_eq!(parsed.signatures, vec!["ab".repeat(32)]);
    }

    #[test]
    fn the_signed_payload_is_timestamp_dot_body() {
        assert_eq!(signed_payload(42, b"{}"), b"42.{}");
    }
}
