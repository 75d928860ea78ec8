//! The built app at `/`: files from `--static-dir`, and `index.html` for any other path, so that the
//! app's own routes (`/endpoints/7`) load on reload. API paths never fall back to the app: an unknown one
//! is the contract's 404, and neither does a path that names a file (its last segment has an extension,
//! like `/favicon.ico` or an old build's `/app-<hash>.js`): that is a plain 404, not a page.
//!
//! Served like production (issue 15):
//! - **Compression**: never done here. The release build writes `<file>.br` and `<file>.gz` beside each
//!   compressible file (`tools/precompress.mjs`, a trunk hook); the one the request's `Accept-Encoding`
//!   prefers is sent as it is, or the file itself when the client takes neither or the build has no
//!   variant (a variant older than its file is ignored). `Vary: Accept-Encoding` on every file.
//! - **Caching**: a file whose name carries trunk's content hash (`app-<hash>_bg.wasm`) never changes
//!   under that name: `Cache-Control: public, max-age=31536000, immutable`. Everything else
//!   (`index.html`, so every app route, and `robots.txt`) is `no-cache` with an `ETag`, and a
//!   request whose `If-None-Match` still matches gets 304 without a body.
//!
//! Every file goes out with the security headers: the `Content-Security-Policy` that `index.html` itself
//! carries in its `<meta http-equiv>` (read from the file on each request, so header and page never
//! disagree, whatever the build put in it) plus `frame-ancestors 'none'`, which a `<meta>` policy cannot
//! express; `X-Content-Type-Options: nosniff`; and `Referrer-Policy: no-referrer`, because the console's
//! URLs name endpoints and nothing the console loads or links to needs to know where it came from.

use std::{
    fs::Metadata,
    path::{Path, PathBuf},
    time::UNIX_EPOCH,
};

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use percent_encoding::percent_decode_str;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::ApiError;

/// Path prefixes that belong to the API, not the app.
const API_PREFIXES: &[&str] = &["/api/", "/oauth/", "/__mock/", "/openapi.json", "/health"];

/// What the policy adds to the page's own: no site may frame the console (clickjacking).
const FRAME_ANCESTORS: &str = "frame-ancestors 'none'";

/// A file named by its content: cached for a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Any other file: cached, but revalidated (by its `ETag`) before each use.
const REVALIDATE: &str = "no-cache";

/// The fewest hex digits taken for trunk's hash in a file name: a 64-bit hash written without leading
/// zeros, so 16 digits, rarely fewer. One in 65,536 builds has fewer than 12 and is then revalidated
/// like an unhashed file: slower, never stale.
const MIN_HASH_DIGITS: usize = 12;

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// What a request's path names in the static directory.
#[derive(Debug, PartialEq)]
enum Target {
    /// A file of the build.
    File(PathBuf),
    /// No file, and no extension: an app route, answered with `index.html`.
    Page,
    /// A file that is not there (or a path that tries to leave the directory).
    Missing,
}

/// Serves `request` from `dir`, or answers 404 for an unknown API path.
pub async fn serve(dir: &Path, request: Request) -> Response {
    let path = request.uri().path();
    if is_api_path(path) {
        return ApiError::NotFound.into_response();
    }
    let index = dir.join("index.html");
    let mut response = if !matches!(*request.method(), Method::GET | Method::HEAD) {
        // ServeFile's own answer: 405 with `Allow: GET,HEAD`.
        send(ServeFile::new(&index), request).await
    } else {
        match resolve(dir, path).await {
            Target::File(file) => serve_file(&file, request).await,
            Target::Page => serve_file(&index, request).await,
            Target::Missing => missing(),
        }
    };
    let page = tokio::fs::read_to_string(&index).await.unwrap_or_default();
    add_security_headers(response.headers_mut(), meta_policy(&page).as_deref());
    response
}

/// Which file (or page) `path` names under `dir`.
async fn resolve(dir: &Path, path: &str) -> Target {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Target::Missing;
    };
    let mut file = dir.to_path_buf();
    let mut last = "";
    for segment in decoded.split('/').filter(|segment| !segment.is_empty()) {
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) {
            return Target::Missing;
        }
        file.push(segment);
        last = segment;
    }
    match tokio::fs::metadata(&file).await {
        Ok(metadata) if metadata.is_file() => Target::File(file),
        _ if last.contains('.') => Target::Missing,
        _ => Target::Page,
    }
}

/// `file`, in the encoding the request prefers among those the build wrote, with its caching headers.
async fn serve_file(file: &Path, mut request: Request) -> Response {
    let Ok(metadata) = tokio::fs::metadata(file).await else {
        return missing();
    };
    let tag = entity_tag(&metadata);
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let cache_control = if is_content_hashed(&name) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = match request.headers().get(header::IF_NONE_MATCH) {
        Some(condition) if matches_tag(condition, &tag) => StatusCode::NOT_MODIFIED.into_response(),
        condition => {
            // The entity tag decides alone when there is one (RFC 9110, 13.2.2): the date has only
            // whole seconds, and a rebuild within the same second would pass it.
            if condition.is_some() {
                request.headers_mut().remove(header::IF_MODIFIED_SINCE);
            }
            let mut service = ServeFile::new(file);
            if is_fresh_variant(file, "br", &metadata).await {
                service = service.precompressed_br();
            }
            if is_fresh_variant(file, "gz", &metadata).await {
                service = service.precompressed_gzip();
            }
            send(service, request).await
        }
    };
    let served = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if served {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        if let Ok(tag) = HeaderValue::from_str(&tag) {
            headers.insert(header::ETAG, tag);
        }
    }
    response
}

async fn send(service: ServeFile, request: Request) -> Response {
    match service.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// A plain 404 for a file that is not there.
fn missing() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        Body::from("Not found\n"),
    )
        .into_response()
}

/// A weak tag from the file's size and modification time (nanoseconds): it changes whenever a build
/// rewrites the file, and stands for every encoding of it (hence weak).
fn entity_tag(metadata: &Metadata) -> String {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    format!("W/\"{:x}-{modified:x}\"", metadata.len())
}

/// Whether `If-None-Match` names `tag` (weak comparison, as the header asks), or is `*`.
fn matches_tag(condition: &HeaderValue, tag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(tag);
    condition.to_str().is_ok_and(|list| {
        list.split(',')
            .any(|candidate| candidate.trim() == "*" || opaque(candidate) == wanted)
    })
}

/// Whether `<file>.<extension>` exists and was written no earlier than `file` (a variant left over
/// from an older build would send old content).
async fn is_fresh_variant(file: &Path, extension: &str, original: &Metadata) -> bool {
    let mut variant = file.as_os_str().to_owned();
    variant.push(".");
    variant.push(extension);
    let Ok(metadata) = tokio::fs::metadata(&variant).await else {
        return false;
    };
    match (metadata.modified(), original.modified()) {
        (Ok(variant), Ok(original)) => metadata.is_file() && variant >= original,
        _ => false,
    }
}

/// Whether trunk named the file by its content: `<name>-<hex hash>` before the extension, optionally
/// with wasm-bindgen's `_bg` (`app-1a2b…_bg.wasm`, `main-1a2b….css`, `icon-1a2b….svg`).
fn is_content_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && hash.len() >= MIN_HASH_DIGITS
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
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
    fn trunks_hashed_names_are_recognised_and_nothing_else() {
        for hashed in [
            "app-57ea410becec55c4_bg.wasm",
            "app-57ea410becec55c4.js",
            "main-fa19f81fb1aa5a5f.css",
            "icon-0a19f81fb1aa5a5.svg",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for plain in [
            "index.html",
            "boot.js",
            "robots.txt",
            "app.wasm",
            "-57ea410becec55c4.js",
            "app-57ea410bece.js",
            "app-57ea410becec55cg.js",
            "sign-in",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_any() {
        let tag = "W/\"5d6-17a\"";
        let matches =
            |condition: &str| matches_tag(&HeaderValue::from_str(condition).unwrap(), tag);
        assert!(matches(tag));
        assert!(matches("\"5d6-17a\""));
        assert!(matches("\"other\", W/\"5d6-17a\""));
        assert!(matches("*"));
        assert!(!matches("W/\"5d6-17b\""));
        assert!(!matches(""));
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
