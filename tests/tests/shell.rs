//! The shell end to end: the session gate, the not-found page, the Content-Security-Policy.

use e2e::browser_test;

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_without_a_session_is_asked_to_sign_in_and_the_page_is_remembered() {
    browser_test("sign-in-first", |ctx| async move {
        ctx.endpoint_list().open("?offset=20").await;
        ctx.sign_in_page().heading().await;
        ctx.sign_in_page().shown().await;
        assert_eq!(ctx.path().await, "/sign-in?next=%2Fendpoints%3Foffset%3D20");
        ctx.screenshot("sign-in").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_path_shows_the_not_found_page() {
    browser_test("not-found", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.shell().heading("Page not found").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_carries_a_strict_content_security_policy_and_runs_under_it() {
    browser_test("csp", |ctx| async move {
        ctx.goto("/").await;
        // The app rendered (asking to sign in), so its boot script and wasm ran under the policy.
        ctx.sign_in_page().heading().await;
        let policy = ctx.shell().content_security_policy().await;
        for directive in [
            "default-src 'none'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "connect-src 'self'",
        ] {
            assert!(
                policy.contains(directive),
                "`{directive}` missing from `{policy}`"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        // An inline script is refused by both policies, the page's and the server's header (the one
        // with frame-ancestors), and each refusal is recorded (the harness fails any test that leaves
        // one recorded, so this one takes its own back).
        let refused = ctx
            .client
            .execute_async(
                "const done = arguments[0]; const by = new Set();\
                 document.addEventListener('securitypolicyviolation', (e) => {\
                   by.add(e.originalPolicy.includes('frame-ancestors') ? 'header' : 'meta');\
                   if (by.size === 2) setTimeout(() => done([window.__ran === true, [...by].sort(),\
                     window.__cspViolations.splice(0).length]));\
                 });\
                 const s = document.createElement('script'); s.textContent = 'window.__ran = true';\
                 document.head.append(s);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(refused, serde_json::json!([false, ["header", "meta"], 2]));
    })
    .await;
}
