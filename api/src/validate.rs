//! Field rules of contract section 4, shared so that the app's forms say what the server would say.

use crate::types::{ErrorCode, ErrorMessage};

/// The longest `target` the API accepts.
pub const TARGET_MAX_LENGTH: usize = 200;
/// The longest `description` the API accepts.
pub const DESCRIPTION_MAX_LENGTH: usize = 255;
/// The most events a bulk resend takes.
pub const BULK_RESEND_MAX: usize = 100;
/// The largest bulk resend body mock-server reads (a hundred ids and a password take a few KiB; a
/// longer list is refused before it is read whole).
pub const BULK_RESEND_MAX_BODY_BYTES: usize = 64 * 1024;

/// Django REST framework's wording for each rule, so messages read the same from any server.
pub mod messages {
    pub const REQUIRED: &str = "This field is required.";
    pub const BLANK: &str = "This field may not be blank.";
    pub const NULL: &str = "This field may not be null.";
    pub const INVALID_URL: &str = "Enter a valid URL.";
    pub const INVALID_BOOLEAN: &str = "Must be a valid boolean.";
    pub const INVALID_STRING: &str = "Not a valid string.";
    pub const INVALID_INTEGER: &str = "A valid integer is required.";
    pub const EMPTY_LIST: &str = "This list may not be empty.";
    pub const NOT_A_LIST: &str = "Expected a list of items.";
    pub const INVALID_PASSWORD: &str = "Invalid password.";
}

pub fn max_length_message(max: usize) -> String {
    format!("Ensure this field has no more than {max} characters.")
}

pub fn invalid_choice_message(value: &str) -> String {
    format!("\"{value}\" is not a valid choice.")
}

/// Every message for a `target`: blank, too long, not an absolute http(s) URL with a host.
pub fn target(value: &str) -> Vec<ErrorMessage> {
    let mut errors = Vec::new();
    if value.trim().is_empty() {
        errors.push(ErrorMessage::new(ErrorCode::Blank, messages::BLANK));
        return errors;
    }
    if value.chars().count() > TARGET_MAX_LENGTH {
        errors.push(ErrorMessage::new(
            ErrorCode::MaxLength,
            max_length_message(TARGET_MAX_LENGTH),
        ));
    }
    if !is_http_url(value) {
        errors.push(ErrorMessage::new(ErrorCode::Invalid, messages::INVALID_URL));
    }
    errors
}

/// Every message for a `description`.
pub fn description(value: &str) -> Vec<ErrorMessage> {
    if value.chars().count() > DESCRIPTION_MAX_LENGTH {
        vec![ErrorMessage::new(
            ErrorCode::MaxLength,
            max_length_message(DESCRIPTION_MAX_LENGTH),
        )]
    } else {
        Vec::new()
    }
}

/// Whether `value` is an absolute `http`/`https` URL with a host: `scheme://host[:port][/path][?query][#fragment]`,
/// no whitespace or control characters, a host of letters, digits, `-`, `.` (or an IPv6 literal in brackets),
/// and a port, when present, of 1 to 5 digits up to 65535.
pub fn is_http_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    // Credentials before the host are allowed by URL syntax.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return false;
        };
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return false;
        }
        match after {
            "" => (addr, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (addr, Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() || !host_port.starts_with('[') && !is_hostname(host) {
        return false;
    }
    match port {
        None => true,
        Some(port) => {
            !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
        }
    }
}

fn is_hostname(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_urls_with_a_host() {
        for url in [
            "https://example.com",
            "http://127.0.0.1:8000/__mock/sink/orders/",
            "https://hooks.example.com/path?x=1#frag",
            "http://localhost",
            "http://[::1]:8080/x",
            "https://user:pw@example.com/",
            "https://bücher.example/",
        ] {
            assert!(is_http_url(url), "{url} should be accepted");
        }
    }

    #[test]
    fn rejects_other_schemes_relative_and_hostless_urls() {
        for url in [
            "ftp://example.com",
            "example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com:99999",
            "https://example.com:",
            "https://-bad-.com",
            "https://a..b",
            "javascript://alert(1)",
            "http://[zz]/",
        ] {
            assert!(!is_http_url(url), "{url} should be rejected");
        }
    }

    #[test]
    fn target_reports_every_message_at_once() {
        let long = format!("notaurl{}", "x".repeat(200));
        let codes: Vec<_> = target(&long).into_iter().map(|m| m.code).collect();
        assert_eq!(codes, vec![ErrorCode::MaxLength, ErrorCode::Invalid]);
        assert_eq!(target("  ")[0].code, ErrorCode::Blank);
        assert!(target("https://example.com/hook").is_empty());
    }

    #[test]
    fn description_allows_255_characters() {
        assert!(description(&"é".repeat(255)).is_empty());
        assert_eq!(description(&"a".repeat(256))[0].code, ErrorCode::MaxLength);
    }
}
