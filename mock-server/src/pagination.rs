//! Lists as Django REST framework's `LimitOffsetPagination` and `OrderingFilter` answer them
//! (contract section 5), to the letter: clamping, defaults, and `next`/`previous` URLs.

use axum::http::{HeaderMap, Uri, header};
use webhook_api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Ordering, Page, SortField};

use crate::{extract::QueryParams, store::PageWindow};

/// What a list request asked for, read leniently (bad values fall back to defaults).
pub struct ListRequest {
    pub window: PageWindow,
    base: String,
    params: Vec<(String, String)>,
}

impl ListRequest {
    /// `host` is the `Host` header's value, or the server's own address without one.
    pub fn new(uri: &Uri, headers: &HeaderMap, fallback_host: &str, query: &QueryParams) -> Self {
        let limit = query
            .get("limit")
            .and_then(|text| positive_int(text, true))
            .map_or(DEFAULT_PAGE_SIZE, |limit| limit.min(MAX_PAGE_SIZE));
        let offset = query
            .get("offset")
            .and_then(|text| positive_int(text, false))
            .unwrap_or(0);
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| uri.authority().map(|authority| authority.as_str()))
            .unwrap_or(fallback_host);
        Self {
            window: PageWindow { limit, offset },
            base: format!("http://{host}{}", uri.path()),
            params: query.0.clone(),
        }
    }

    /// The page of `count` items holding `results`.
    pub fn page<T>(&self, count: u64, results: Vec<T>) -> Page<T> {
        let PageWindow { limit, offset } = self.window;
        let next = (offset.saturating_add(limit) < count)
            .then(|| self.url_with(&[("limit", Some(limit)), ("offset", Some(offset + limit))]));
        let previous = (offset > 0).then(|| {
            let previous_offset = (offset > limit).then(|| offset - limit);
            self.url_with(&[("limit", Some(limit)), ("offset", previous_offset)])
        });
        Page {
            count,
            next,
            previous,
            results,
        }
    }

    /// This request's URL with `changes` applied (`None` removes the parameter), parameters sorted by
    /// name and encoded as Python's `urlencode` does.
    fn url_with(&self, changes: &[(&str, Option<u64>)]) -> String {
        // parse_qs groups values by name, in order of appearance; replacing a name drops all its values.
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in &self.params {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        for (name, value) in changes {
            if value.is_some() && !names.contains(name) {
                names.push(name);
            }
        }
        names.sort_unstable();
        let mut pairs: Vec<String> = Vec::new();
        for name in names {
            match changes.iter().find(|(changed, _)| *changed == name) {
                Some((_, Some(value))) => pairs.push(format!("{}={value}", quote_plus(name))),
                Some((_, None)) => {}
                None => pairs.extend(
                    self.params
                        .iter()
                        .filter(|(key, _)| key == name)
                        .map(|(key, value)| format!("{}={}", quote_plus(key), quote_plus(value))),
                ),
            }
        }
        if pairs.is_empty() {
            self.base.clone()
        } else {
            format!("{}?{}", self.base, pairs.join("&"))
        }
    }
}

/// `?ordering=`, or the default `-created_at` when it names no known field.
pub fn ordering<F: SortField>(query: &QueryParams, default: F) -> Vec<Ordering<F>> {
    let keys = query
        .get("ordering")
        .map(Ordering::<F>::parse_list)
        .unwrap_or_default();
    if keys.is_empty() {
        vec![Ordering::desc(default)]
    } else {
        keys
    }
}

/// DRF's `_positive_int`: an integer, not negative (nor zero when `strict`).
fn positive_int(text: &str, strict: bool) -> Option<u64> {
    let text = text.trim();
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Python ints are unbounded: a huge limit is still a valid (clamped) limit.
    let value = digits.parse::<u64>().unwrap_or(u64::MAX);
    (value > 0 || !strict).then_some(value)
}

/// Python's `urllib.parse.quote_plus` with no safe characters.
fn quote_plus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> ListRequest {
        let uri: Uri = format!("/api/v2/webhook/endpoint/?{query}")
            .parse()
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "example.test:8000".parse().unwrap());
        let params = QueryParams(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        );
        ListRequest::new(&uri, &headers, "unused", &params)
    }

    #[test]
    fn next_keeps_every_parameter_sorted_and_encoded_like_python() {
        let page = request("ordering=-updated_at,created_at&q=a+b%2Fc&limit=2").page(5, vec![()]);
        assert_eq!(
            page.next.as_deref(),
            Some(
                "http://example.test:8000/api/v2/webhook/endpoint/?limit=2&offset=2&ordering=-updated_at%2Ccreated_at&q=a+b%2Fc"
            )
        );
        assert_eq!(page.previous, None);
    }

    #[test]
    fn previous_leaves_offset_out_when_it_would_be_zero() {
        let page = request("offset=3&limit=3").page(10, vec![()]);
        assert_eq!(
            page.previous.as_deref(),
            Some("http://example.test:8000/api/v2/webhook/endpoint/?limit=3")
        );
        let page = request("offset=7&limit=3").page(10, vec![()]);
        assert_eq!(
            page.previous.as_deref(),
            Some("http://example.test:8000/api/v2/webhook/endpoint/?limit=3&offset=4")
        );
    }

    #[test]
    fn limits_are_clamped_and_bad_values_fall_back() {
        assert_eq!(request("limit=1000").window.limit, 100);
        assert_eq!(request("limit=0").window.limit, 20);
        assert_eq!(request("limit=abc").window.limit, 20);
        assert_eq!(request("limit=-5").window.limit, 20);
        assert_eq!(request("offset=-5").window.offset, 0);
        assert_eq!(request("offset=x").window.offset, 0);
        assert_eq!(request("offset=0").window.offset, 0);
    }

    #[test]
    fn blank_and_valueless_parameters_are_kept_blank() {
        let page = request("flag&empty=").page(30, vec![()]);
        assert_eq!(
            page.next.as_deref(),
            Some(
                "http://example.test:8000/api/v2/webhook/endpoint/?empty=&flag=&limit=20&offset=20"
            )
        );
    }
}
