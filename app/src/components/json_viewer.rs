//! Pretty-printed, syntax-coloured, collapsible JSON with a copy button. Everything is rendered as text:
//! HTML in a string stays visible text.

use leptos::prelude::*;

use super::copy_button::CopyButton;
use crate::json_tree::{self, Json};

/// Containers deeper than this start collapsed.
const OPEN_DEPTH: usize = 3;

/// `text` as a JSON tree, or as plain text when it is not JSON.
#[component]
pub fn JsonViewer(
    #[prop(into)] text: String,
    /// Names the copy button ("Copy the request body").
    #[prop(into)]
    copy_label: String,
) -> impl IntoView {
    match json_tree::parse(&text) {
        Ok(json) => {
            let pretty = json.pretty();
            view! {
                <div class="json-viewer">
                    <div class="json-toolbar">
                        <CopyButton text=Signal::stored(pretty) label=copy_label />
                    </div>
                    <div class="json-root">{node(&json, None, 0, true)}</div>
                </div>
            }
            .into_any()
        }
        Err(_) => view! {
            <div class="json-viewer">
                <div class="json-toolbar">
                    <span class="muted">"Not JSON; shown as received."</span>
                    <CopyButton text=Signal::stored(text.clone()) label=copy_label />
                </div>
                <pre class="raw-body">{text}</pre>
            </div>
        }
        .into_any(),
    }
}

fn node(json: &Json, key: Option<&str>, depth: usize, last: bool) -> AnyView {
    let key_view = key.map(|key| {
        view! {
            <span class="json-key">{quoted(key)}</span>
            <span class="json-punct">": "</span>
        }
    });
    let comma = (!last).then_some(view! { <span class="json-punct">","</span> });
    let (open, close, count, children) = match json {
        Json::Object(members) if !members.is_empty() => (
            "{",
            "}",
            plural(members.len(), "key"),
            members
                .iter()
                .enumerate()
                .map(|(i, (k, v))| node(v, Some(k), depth + 1, i + 1 == members.len()))
                .collect::<Vec<_>>(),
        ),
        Json::Array(items) if !items.is_empty() => (
            "[",
            "]",
            plural(items.len(), "item"),
            items
                .iter()
                .enumerate()
                .map(|(i, v)| node(v, None, depth + 1, i + 1 == items.len()))
                .collect::<Vec<_>>(),
        ),
        scalar => {
            return view! {
                <div class="json-line">{key_view}{scalar_view(scalar)}{comma}</div>
            }
            .into_any();
        }
    };
    view! {
        <details class="json-node" open=depth < OPEN_DEPTH>
            <summary class="json-line">
                {key_view}
                <span class="json-punct">{open}</span>
                <span class="json-collapsed">
                    {format!("…{count}")}
                    <span class="json-punct">{close}</span>
                    {(!last).then_some(",")}
                </span>
            </summary>
            <div class="json-children">{children}</div>
            <div class="json-line json-close">
                <span class="json-punct">{close}</span>
                {comma}
            </div>
        </details>
    }
    .into_any()
}

fn scalar_view(json: &Json) -> AnyView {
    match json {
        Json::Null => view! { <span class="json-literal">"null"</span> }.into_any(),
        Json::Bool(b) => view! { <span class="json-literal">{b.to_string()}</span> }.into_any(),
        Json::Number(n) => view! { <span class="json-number">{n.clone()}</span> }.into_any(),
        Json::String(s) => view! { <span class="json-string">{quoted(s)}</span> }.into_any(),
        Json::Object(_) => view! { <span class="json-punct">"{}"</span> }.into_any(),
        Json::Array(_) => view! { <span class="json-punct">"[]"</span> }.into_any(),
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    json_tree::write_string(&mut out, s);
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
