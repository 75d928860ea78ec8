// Cargo.toml: hmac = "0.12", sha2 = "0.10"
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Checks a SelfCommunity-Signature header against the raw request body; `now` in Unix seconds.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut timestamps = Vec::new();
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamps.push(value),
            Some(("v0", value)) => signatures.push(value),
            _ => {}
        }
    }
    let [timestamp] = timestamps[..] else {
        return false;
    };
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return false;
    };
    if (now - seconds).abs() > tolerance {
        return false; // too old (or from the future): a replayed request
    }
    signatures.iter().any(|signature| {
        let received: Option<Vec<u8>> = (0..signature.len())
            .step_by(2)
            .map(|i| signature.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        let Some(received) = received else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&received).is_ok() // constant-time comparison
    })
}
