//! Any text as a `b'...'` response body: decoding never panics; any bytes encode to a literal that decodes
//! back to them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webhook_api::bytes_literal::{decode, encode};

fuzz_target!(|input: (&str, &[u8])| {
    let (text, bytes) = input;
    if let Ok(decoded) = decode(text) {
        assert_eq!(decode(&encode(&decoded)).as_deref(), Ok(&decoded[..]));
    }
    assert_eq!(decode(&encode(bytes)).as_deref(), Ok(bytes));
});
