//! Issue 7, accessibility: the console with the keyboard only. Every step is a key press (Tab,
//! Shift+Tab, Enter, Space, Escape, typing) sent through WebDriver actions; no clicks.

use e2e::{
    browser_test,
    pages::{
        Attempts, Deliveries, Dialog, EndpointFormPage, EndpointListPage, SecretPanel, Shell,
        SignInPage,
    },
};
use fantoccini::key::Key;

#[tokio::test(flavor = "multi_thread")]
async fn create_reveal_and_resend_with_the_keyboard_only() {
    browser_test("keyboard-only", |ctx| async move {
        let api = ctx.api();
        api.reset(false).await;
        let target = api.sink_url("keyboard");
        let (form, panel, deliveries) = (ctx.endpoint_form(), ctx.secret_panel(), ctx.deliveries());
        ctx.sign_in_page().open().await;

        // Sign in. The first stop is the skip link, then the brand, the theme switch, the sign-in
        // method, the username.
        assert_eq!(ctx.tab_to(Shell::SKIP_LINK, 1).await, 1);
        assert_eq!(ctx.tab_to(SignInPage::USERNAME, 4).await, 4);
        ctx.type_keys("admin").await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on(SignInPage::PASSWORD).await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_path("/endpoints").await;
        ctx.endpoint_list().empty("No endpoints yet").await;
        // The submit button went with the sign-in screen: the new screen's start has focus.
        ctx.wait_for_focus(Shell::MAIN).await;

        // Create an endpoint.
        assert_eq!(ctx.tab_to(EndpointListPage::NEW_ENDPOINT, 1).await, 1);
        ctx.key(Key::Enter).await;
        ctx.wait_for_path("/endpoints/new").await;
        form.shown().await;
        ctx.wait_for_focus(Shell::MAIN).await;
        assert_eq!(ctx.tab_to(EndpointFormPage::TARGET, 1).await, 1);
        ctx.type_keys(&target).await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on(EndpointFormPage::DESCRIPTION)
            .await;
        ctx.type_keys("Keyboard only").await;
        ctx.tab_to(&EndpointFormPage::event_box("user.created"), 60)
            .await;
        ctx.key(Key::Space).await;
        form.selected("1 of 38 selected").await;
        ctx.tab_to(EndpointFormPage::SUBMIT, 60).await;
        ctx.key(Key::Enter).await;
        ctx.shell().toast(&format!("Created {target}")).await;
        let created = api.get("/api/v2/webhook/endpoint/").await;
        let id = created["results"][0]["id"]
            .as_u64()
            .expect("the new endpoint");
        assert_eq!(created["results"][0]["description"], "Keyboard only");
        ctx.wait_for_path(&format!("/endpoints/{id}")).await;
        ctx.wait_for_focus(Shell::MAIN).await;

        // Reveal the signing secret: focus goes into the dialog and stays there.
        ctx.tab_to(SecretPanel::REVEAL, 20).await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus(Dialog::PASSWORD).await;
        ctx.assert_visible_focus_on(Dialog::PASSWORD).await;
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on(Dialog::CANCEL).await;
        // The submit button is disabled until a password is typed: Tab wraps to the first control.
        ctx.key(Key::Tab).await;
        ctx.assert_visible_focus_on(Dialog::PASSWORD).await;
        ctx.shift_tab().await;
        ctx.assert_visible_focus_on(Dialog::CANCEL).await;
        ctx.shift_tab().await;
        ctx.assert_visible_focus_on(Dialog::PASSWORD).await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.dialog().closed().await;
        // "Reveal…" is gone with the dialog: focus is on the secret's panel, next to what it shows.
        ctx.wait_for_focus(SecretPanel::PANEL).await;
        panel.unmasked().await;
        let secret = panel.value().await;
        assert_eq!(secret.len(), 64, "the secret is shown at once: {secret}");
        // "Hide" is the next stop, and masks it.
        assert_eq!(ctx.tab_to(SecretPanel::SHOW, 1).await, 1);
        ctx.key(Key::Enter).await;
        panel.masked().await;

        // A delivery to resend: live updates (on from the start) bring its event in; Enter opens its
        // tries, and the try's button its panel.
        let event = api.trigger("user.created").await;
        deliveries.event(event.event_id, &["Delivered"]).await;
        ctx.tab_to(Deliveries::TOGGLE, 30).await;
        ctx.key(Key::Enter).await;
        ctx.tab_to(Deliveries::TRY_OPEN, 5).await;
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus(Attempts::PANEL).await;
        assert_eq!(
            ctx.tab_to(Attempts::PANEL_ACTIONS, 2).await,
            2,
            "Close, then Resend this event"
        );

        // Escape closes the dialog and gives focus back to the button that opened it.
        ctx.key(Key::Enter).await;
        ctx.wait_for_focus(Dialog::PASSWORD).await;
        ctx.key(Key::Escape).await;
        ctx.dialog().closed().await;
        ctx.assert_visible_focus_on(Attempts::RESEND).await;

        ctx.key(Key::Enter).await;
        ctx.wait_for_focus(Dialog::PASSWORD).await;
        ctx.type_keys("admin").await;
        ctx.key(Key::Enter).await;
        ctx.shell()
            .toast(&format!("Resent event {}", event.event_id))
            .await;
        ctx.dialog().closed().await;
        ctx.assert_visible_focus_on(Attempts::RESEND).await;
        deliveries
            .event(event.event_id, &["2 tries", "resent"])
            .await;
        assert_eq!(api.sink_requests("keyboard").await.len(), 2);
        ctx.screenshot("resent").await;
    })
    .await;
}
