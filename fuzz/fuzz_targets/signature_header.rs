//! Any text as a `SelfCommunity-Signature` header: parsing never panics, a parsed header prints back to
//! text that parses to the same header, and verifying never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webhook_api::signature::{self, SignatureHeader};

fuzz_target!(|input: (&str, &[u8])| {
    let (header, body) = input;
    if let Ok(parsed) = header.parse::<SignatureHeader>() {
        let reparsed: SignatureHeader = parsed.to_string().parse().expect("printed header parses");
        assert_eq!(reparsed, parsed);
        let _ = parsed.verify("secret", body);
    }
    let _ = signature::verify("secret", header, body);
});
