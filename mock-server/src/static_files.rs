//! The built app at `/`: files from `--static-dir`, and `index.html` for any other path, so that the
//! app's own routes (`/endpoints/7`) load on reload. API paths never fall back to the app: an unknown one
//! is the contract's 404.
//!
//! Every file goes out with the security headers: the `Content-Security-Policy` that `index.html` itself
//! carries in its `<meta http-equiv>` (read from the file on each request, so header and page never
//! disagree, whatever the build put in it) plus `frame-ancestors 'none'`, which a `<meta>` policy cannot
//! express; `X-Content-Type-Options: nosniff`; and `Referrer-Policy: no-referrer`, because the console's
//! URLs name endpoints and nothing the console loads or links to needs to know where it came from.

use std::path::Path;

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

/// Path prefixes that belong to the API, not the app.
const API_PREFIXES: &[&str] = &["/api/", "/oauth/", "/__mock/", "/openapi.json", "/health"];

/// What the policy adds to the page's own: no site may frame the console (clickjacking).
const FRAME_ANCESTORS: &str = "frame-ancestors 'none'";

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// Serves `request` from `dir`, or answers 404 for an unknown API path.
pub async fn serve(dir: &Path, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return ApiError::NotFound.into_response();
    }
    // `fallback`, not `not_found_service`: an app route is a page that exists, 200 like `/`.
    let service = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    let mut response = match service.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    let page = tokio::fs::read_to_string(dir.join("index.html"))
        .await
        .unwrap_or_default();
    add_security_headers(response.headers_mut(), meta_policy(&page).as_deref());
    response
}

/// The page's policy, if `dir/index.html` has one: checked once at start-up to warn about a build
/// without it (it is still served, with `frame-ancestors 'none'` alone).
pub fn page_policy(dir: &Path) -> Option<String> {
    meta_policy(&std::fs::read_to_string(dir.join("index.html")).ok()?)
}

fn add_security_headers(headers: &mut HeaderMap, page_policy: Option<&str>) {
    let policy = header_policy(page_policy.unwrap_or_default());
    let policy = HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static(FRAME_ANCESTORS));
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The page's directives with `frame-ancestors 'none'` in place of any `frame-ancestors` it names.
fn header_policy(page_policy: &str) -> String {
    page_policy
        .split(';')
        .map(|directive| directive.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|directive| {
            let name = directive.split(' ').next().unwrap_or_default();
            !directive.is_empty() && !name.eq_ignore_ascii_case("frame-ancestors")
        })
        .chain([FRAME_ANCESTORS.to_owned()])
        .collect::<Vec<_>>()
        .join("; ")
}

/// The `content` of the first `<meta http-equiv="Content-Security-Policy">` outside comments.
fn meta_policy(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let is_meta = rest.len() > 5
            && rest.as_bytes()[..5].eq_ignore_ascii_case(b"<meta")
            && matches!(
                rest.as_bytes()[5],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/'
            );
        if !is_meta {
            rest = &rest[1..];
            continue;
        }
        let (attributes, after) = attributes(&rest[5..]);
        let value = |name: &str| {
            attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        if value("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy"))
            && let Some(content) = value("content")
        {
            return Some(content.to_owned());
        }
        rest = after;
    }
    None
}

/// A tag's attributes (names lower-cased, values with character references decoded) up to its `>`,
/// and the text after it.
fn attributes(mut text: &str) -> (Vec<(String, String)>, &str) {
    let mut found = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if text.is_empty() {
            return (found, text);
        }
        if let Some(after) = text.strip_prefix('>') {
            return (found, after);
        }
        let name_end = text
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(text.len())
            .max(1);
        let name = text[..name_end].to_ascii_lowercase();
        text = text[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after_equals) = text.strip_prefix('=') {
            text = after_equals.trim_start();
            let (raw, after) = match text.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &text[1..];
                    match inner.find(quote) {
                        Some(end) => (&inner[..end], &inner[end + 1..]),
                        None => (inner, ""),
                    }
                }
                _ => {
                    let end = text
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(text.len());
                    (&text[..end], &text[end..])
                }
            };
            value = decode_references(raw);
            text = after;
        }
        found.push((name, value));
    }
}

/// The character references a policy may contain when an HTML writer escapes it.
fn decode_references(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_read_from_the_meta_tag_across_lines_and_quotes() {
        let html = "<!doctype html><head><meta charset=utf-8>\n<!-- <meta http-equiv=\"Content-Security-Policy\" content=\"commented\"> -->\n<META\n  HTTP-EQUIV='content-security-policy'\n  content=\"default-src 'none';\n   script-src 'self'\"\n/></head>";
        assert_eq!(
            meta_policy(html).as_deref(),
            Some("default-src 'none';\n   script-src 'self'")
        );
    }

    #[test]
    fn a_page_without_a_policy_has_none() {
        assert_eq!(
            meta_policy("<meta name=\"viewport\" content=\"width=device-width\"><metadata>"),
            None
        );
        assert_eq!(meta_policy("<meta http-equiv=refresh content=5"), None);
        assert_eq!(meta_policy(""), None);
    }

    #[test]
    fn escaped_quotes_in_the_policy_are_decoded() {
        assert_eq!(
            meta_policy(
                "<meta http-equiv=Content-Security-Policy content=\"script-src &#39;self&#39; &amp;\">"
            )
            .as_deref(),
            Some("script-src 'self' &")
        );
    }

    #[test]
    fn the_header_policy_is_one_line_and_forbids_framing() {
        assert_eq!(
            header_policy("default-src 'none';\n  connect-src 'self'  ;"),
            "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(
            header_policy("frame-ancestors *; img-src 'self'"),
            "img-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(header_policy(""), "frame-ancestors 'none'");
    }
}
