//! Signature verification for receivers, in four languages, as the signature tool shows them (one tab
//! each). The Python, Node.js and Rust ones are run against the shared test vectors by this module's
//! tests.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

/// A language and its snippet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub language: &'static str,
    /// For the tab's id.
    pub slug: &'static str,
    pub code: &'static str,
}

pub const SNIPPETS: [Snippet; 4] = [
    Snippet {
        language: "Python",
        slug: "python",
        code: include_str!("snippets/verify.py"),
    },
    Snippet {
        language: "Node.js",
        slug: "node",
        code: include_str!("snippets/verify.js"),
    },
    Snippet {
        language: "PHP",
        slug: "php",
        code: include_str!("snippets/verify.php"),
    },
    Snippet {
        language: "Rust",
        slug: "rust",
        code: include_str!("snippets/verify.rs"),
    },
];

/// Verification code for receivers, one tab per language.
#[component]
pub fn Snippets() -> impl IntoView {
    let current = RwSignal::new(0usize);
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let n = SNIPPETS.len();
        let next = match ev.key().as_str() {
            "ArrowRight" => (current.get_untracked() + 1) % n,
            "ArrowLeft" => (current.get_untracked() + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        current.set(next);
        if let Some(tab) =
            document().get_element_by_id(&format!("snippet-tab-{}", SNIPPETS[next].slug))
        {
            let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&tab).focus();
        }
    };
    view! {
        <section class="card snippets" aria-labelledby="snippets-title">
            <h2 id="snippets-title">"Verify deliveries in your receiver"</h2>
            <p class="muted">"Use the raw request body, before any JSON parsing, and compare in constant time."</p>
            <div role="tablist" aria-label="Language" class="tabs" on:keydown=on_keydown>
                {SNIPPETS
                    .iter()
                    .enumerate()
                    .map(|(i, snippet)| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                id=format!("snippet-tab-{}", snippet.slug)
                                aria-controls="snippet-panel"
                                aria-selected=move || (current.get() == i).to_string()
                                tabindex=move || if current.get() == i { "0" } else { "-1" }
                                on:click=move |_| current.set(i)
                            >
                                {snippet.language}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div
                id="snippet-panel"
                role="tabpanel"
                aria-labelledby=move || format!("snippet-tab-{}", SNIPPETS[current.get()].slug)
            >
                <div class="json-toolbar">
                    <CopyButton
                        text=Signal::derive(move || SNIPPETS[current.get()].code.to_owned())
                        label=Signal::derive(move || format!("Copy the {} snippet", SNIPPETS[current.get()].language)).get_untracked()
                    />
                </div>
                <pre class="code"><code>{move || SNIPPETS[current.get()].code}</code></pre>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use webhook_api::signature::test_vectors::VECTORS;

    mod rust_snippet {
        include!("snippets/verify.rs");
    }

    /// The vectors as a JSON list the scripts read on stdin.
    fn vectors_json() -> String {
        let items: Vec<String> = VECTORS
            .iter()
            .map(|v| {
                serde_json::json!({
                    "secret": v.secret, "timestamp": v.timestamp, "body": v.body, "header": v.header
                })
                .to_string()
            })
            .collect();
        format!("[{}]", items.join(","))
    }

    fn run(program: &str, args: &[&str]) -> String {
        use std::io::Write;
        let mut child = Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} is needed to check its snippet: {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(vectors_json().as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    // Each script prints, per vector, whether the right secret verifies and whether a wrong one and a
    // changed body do not. The clock is set to each vector's timestamp, so the tolerance holds.
    const EXPECTED: &str = "True False False\nTrue False False\nTrue False False\n";

    #[test]
    fn the_python_snippet_verifies_the_test_vectors() {
        let script = format!(
            "{}\nimport json, sys\nfor v in json.load(sys.stdin):\n    time.time = lambda: v['timestamp']\n    b = v['body'].encode()\n    print(verify(v['secret'], v['header'], b), verify('wrong', v['header'], b), verify(v['secret'], v['header'], b + b' '))\n",
            super::SNIPPETS[0].code
        );
        assert_eq!(run("python3", &["-c", &script]), EXPECTED);
    }

    #[test]
    fn the_node_snippet_verifies_the_test_vectors() {
        let script = format!(
            "{}\nconst vs = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nconst cap = (b) => b ? 'True' : 'False';\nfor (const v of vs) {{ Date.now = () => v.timestamp * 1000; const b = Buffer.from(v.body); console.log([verify(v.secret, v.header, b), verify('wrong', v.header, b), verify(v.secret, v.header, Buffer.concat([b, Buffer.from(' ')]))].map(cap).join(' ')); }}\n",
            super::SNIPPETS[1].code
        );
        assert_eq!(run("node", &["-e", &script]), EXPECTED);
    }

    #[test]
    fn the_rust_snippet_verifies_the_test_vectors() {
        for v in VECTORS {
            let body = v.body.as_bytes();
            assert!(rust_snippet::verify(
                v.secret,
                v.header,
                body,
                v.timestamp,
                300
            ));
            assert!(!rust_snippet::verify(
                "wrong",
                v.header,
                body,
                v.timestamp,
                300
            ));
            assert!(!rust_snippet::verify(
                v.secret,
                v.header,
                b"changed",
                v.timestamp,
                300
            ));
        }
    }

    #[test]
    fn the_rust_snippet_refuses_an_old_timestamp() {
        let v = &VECTORS[0];
        assert!(!rust_snippet::verify(
            v.secret,
            v.header,
            v.body.as_bytes(),
            v.timestamp + 301,
            300
        ));
    }
}
