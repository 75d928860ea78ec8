//! Issue 7, accessibility: the console with the keyboard only. Every step is a key press (Tab,
//! Shift+Tab, Enter, Space, Escape, typing) sent through WebDriver actions; no clicks.

use e2e::browser_test;
use fantoccini::key::Key;

#[tokio::test(flavor = "multi_thread")]
async fn create_reveal_and_resend_with_the_keyboard_only() {
    browser_test("keyboard-only", |ctx| async move {
        let api = ctx.api();
        api.reset(false).await;
        let target = api.sink_url("keyboard");
        ctx.goto("/sign-in").await;
        ctx.find("#sign-in-username").await;

        // Sign in. The first stop is the skip link, then the brand, the sign-in method, the username.
        assert_eq!(ctx.tab_to(".skip-link", 1).await, 1);
        assert_eq!(ctx.tab_to("#sign-in-username", 3).await, 3);
        ctx.type_keys("admin").await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on("#sign-in-password").await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_path("/endpoints").await;
        ctx.find_text(".empty-state h2", "No endpoints yet").await;
        // The submit button went with the sign-in screen: the new screen's start has focus.
        ctx.wait_for_focus("main").await;

        // Create an endpoint.
        assert_eq!(ctx.tab_to(".page-header a.button.primary", 1).await, 1);
        ctx.key(Key::Enter).await;
        ctx.wait_for_path("/endpoints/new").await;
        ctx.find(".picker-group").await;
        ctx.wait_for_focus("main").await;
        assert_eq!(ctx.tab_to("#endpoint-target", 1).await, 1);
        ctx.type_keys(&target).await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on("#endpoint-description").await;
        ctx.type_keys("Keyboard only").await;
        ctx.tab_to("input[value='user.created']", 60).await;
        ctx.key(Key::Space).await;
        ctx.find_text(".picker-count", "1 of 38 selected").await;
        ctx.tab_to("form button[type=submit]", 60).await;
        ctx.key(Key::Enter).await;
        ctx.find_text(".toast-text", &format!("Created {target}"))
            .await;
        let created = api.get("/api/v2/webhook/endpoint/").await;
        let id = created["results"][0]["id"]
            .as_u64()
            .expect("the new endpoint");
        assert_eq!(created["results"][0]["description"], "Keyboard only");
        ctx.wait_for_path(&format!("/endpoints/{id}")).await;
        ctx.wait_for_focus("main").await;

        // Reveal the signing secret: focus goes into the dialog and stays there.
        ctx.tab_to(".secret-panel button.primary", 20).await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus("dialog[open] input[type=password]")
            .await;
        ctx.assert_visible_focus_on("dialog[open] input[type=password]")
            .await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on("dialog[open] .modal-actions button[type=button]")
            .await;
        // The submit button is disabled until a password is typed: Tab wraps to the first control.
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on("dialog[open] input[type=password]")
            .await;
        ctx.shift_tab().await;
        ctx.assert_visible_focus_on("dialog[open] .modal-actions button[type=button]")
            .await;
        ctx.shift_tab().await;
        ctx.assert_visible_focus_on("dialog[open] input[type=password]")
            .await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_absence("dialog", None).await;
        // "Reveal…" is gone with the dialog: focus is on the secret's panel, next to what it shows.
        ctx.wait_for_focus(".secret-panel").await;
        assert_eq!(ctx.tab_to(".secret-row button[aria-pressed]", 1).await, 1);
        ctx.key(Key::Enter).await;
        ctx.find_text(".secret-row button[aria-pressed=true]", "Hide")
            .await;
        let secret = ctx
            .find(".secret-row .secret-value")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(secret.len(), 64, "the secret is shown: {secret}");

        // A delivery to resend: auto-refresh (Space on its switch) brings it in.
        let event = api.trigger("user.created").await;
        ctx.tab_to(".attempts input[role=switch]", 10).await;
        ctx.key(Key::Space).await;
        let row = format!("user.created · {}", event.event_id);
        ctx.find_texts(".attempts-table tbody tr", &[&row, "Delivered"])
            .await;
        ctx.tab_to(".event-open", 20).await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus(".attempt-detail").await;
        assert_eq!(
            ctx.tab_to(".attempt-detail .form-actions button", 2).await,
            2,
            "Close, then Resend this event"
        );

        // Escape closes the dialog and gives focus back to the button that opened it.
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus("dialog[open] input[type=password]")
            .await;
        ctx.key(Key::Escape).await;
        ctx.wait_for_absence("dialog", None).await;
        ctx.assert_visible_focus_on(".attempt-detail .form-actions button:first-child")
            .await;

        ctx.key(Key::Enter).await;
        ctx.wait_for_focus("dialog[open] input[type=password]")
            .await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.find_text(".toast-text", &format!("Resent event {}", event.event_id))
            .await;
        ctx.wait_for_absence("dialog", None).await;
        ctx.assert_visible_focus_on(".attempt-detail .form-actions button:first-child")
            .await;
        ctx.find_text(".pagination-summary", "of 2 attempts").await;
        assert_eq!(api.sink_requests("keyboard").await.len(), 2);
        ctx.screenshot("resent").await;
    })
    .await;
}
