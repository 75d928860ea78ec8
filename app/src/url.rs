//! URL text: percent-encoding what the app writes into a query or a form body, decoding what it reads
//! from the address bar, and splitting a link into its path and query. Nothing else in the app escapes
//! or unescapes URL text.

/// `?a=1&b=x%20y`, percent-encoding everything but unreserved characters; empty for no pairs.
pub fn encode_query(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    format!("?{}", form_body(&pairs))
}

/// `a=1&b=x%20y`: an `application/x-www-form-urlencoded` body (or a query without its `?`).
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes all but RFC 3986's unreserved characters.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The value of `name` in a query string (`a=1&b=x%20y`), `+` and percent escapes decoded.
pub fn query_value(search: &str, name: &str) -> Option<String> {
    search.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(key) == name).then(|| decode_component(value))
    })
}

/// `+` as a space and `%XX` as its byte; a `%` not followed by two hex digits stays as it is, and bytes
/// that are not UTF-8 read as `�`.
pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `path?query#fragment` into the path and the query without its `?` (the fragment is dropped).
pub fn split(to: &str) -> (String, String) {
    let without_fragment = to.split_once('#').map_or(to, |(before, _)| before);
    match without_fragment.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (without_fragment.to_owned(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_decoded() {
        let search = "search=orders%20%26%20co&page=2&flag&x=a+b&bad=%zz";
        assert_eq!(
            query_value(search, "search").as_deref(),
            Some("orders & co")
        );
        assert_eq!(query_value(search, "page").as_deref(), Some("2"));
        assert_eq!(query_value(search, "flag").as_deref(), Some(""));
        assert_eq!(query_value(search, "x").as_deref(), Some("a b"));
        assert_eq!(query_value(search, "bad").as_deref(), Some("%zz"));
        assert_eq!(query_value("q=%é%4", "q").as_deref(), Some("%é%4"));
        assert_eq!(query_value(search, "missing"), None);
        assert_eq!(query_value("", "page"), None);
    }

    #[test]
    fn utf8_escapes_decode_to_text() {
        assert_eq!(query_value("q=caf%C3%A9", "q").as_deref(), Some("café"));
    }

    #[test]
    fn what_is_encoded_decodes_back() {
        let text = "orders & co/ä?#+=%";
        assert_eq!(decode_component(&encode_component(text)), text);
        assert_eq!(
            encode_query(&[("search", "a b".into()), ("page", "2".into())]),
            "?search=a%20b&page=2"
        );
        assert_eq!(encode_query(&[]), "");
        assert_eq!(
            form_body(&[("grant_type", "password"), ("password", "p&ss=")]),
            "grant_type=password&password=p%26ss%3D"
        );
    }

    #[test]
    fn a_target_splits_into_path_and_query() {
        assert_eq!(
            split("/endpoints?page=2#top"),
            ("/endpoints".into(), "page=2".into())
        );
        assert_eq!(split("/events"), ("/events".into(), String::new()));
    }
}
