//! The shell: header, dialogs, toasts.

#![cfg(target_arch = "wasm32")]

mod support;

use app::{
    components::{
        dialog::Modal,
        layout::Layout,
        toast::{ToastRegion, use_toasts},
    },
    pages::sign_in::SignIn,
    session::use_session,
};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn signed_in_the_header_shows_navigation_and_the_user() {
    let mounted = mount(Some(admin_session("")), || {
        view! { <Layout><p class="probe">"content"</p></Layout> }
    });
    settle().await;
    assert_eq!(
        mounted.texts("header nav a"),
        ["Endpoints", "Events", "Signature tool"]
    );
    assert_eq!(mounted.text(".user-name"), "adminadmin");
    assert_eq!(mounted.text(".user-menu button"), "Sign out");
    assert_eq!(mounted.text("main .probe"), "content");
}

#[wasm_bindgen_test]
async fn with_the_role_unknown_the_header_names_who_signed_in_without_a_role_badge() {
    let mut session = app::session::Session::from_token("", "t");
    session.username = Some("admin".into());
    let mounted = mount(
        Some(session),
        || view! { <Layout><p>"content"</p></Layout> },
    );
    settle().await;
    assert_eq!(mounted.text(".user-name"), "adminrole unknown");
    assert!(mounted.all(".user-role").is_empty());
    assert_eq!(mounted.text(".user-role-unknown"), "role unknown");
    let pasted = mount(
        Some(app::session::Session::from_token("", "t")),
        || view! { <Layout><p>"content"</p></Layout> },
    );
    settle().await;
    assert_eq!(
        pasted.text(".user-name"),
        "Signed in with a tokenrole unknown"
    );
}

#[wasm_bindgen_test]
async fn signed_out_the_header_has_no_navigation() {
    let mounted = mount(None, || view! { <Layout><p>"sign in"</p></Layout> });
    settle().await;
    assert!(mounted.all("header nav").is_empty());
    assert!(mounted.all(".user-menu").is_empty());
}

/// A button that opens a dialog with two buttons.
fn dialog_page() -> (Mounted, RwSignal<bool>) {
    let open = RwSignal::new(false);
    let mounted = mount(None, move || {
        view! {
            <button id="opener" on:click=move |_| open.set(true)>"Open"</button>
            <Show when=move || open.get()>
                <Modal title="A question" on_close=Callback::new(move |()| open.set(false))>
                    <button id="first">"First"</button>
                    <button id="last">"Last"</button>
                </Modal>
            </Show>
        }
    });
    (mounted, open)
}

/// Focuses the page's opener and clicks it, as a person would, and waits for the dialog.
async fn open_from_opener(mounted: &Mounted) {
    settle().await;
    let opener = mounted.one("#opener");
    opener.focus().unwrap();
    opener.click();
    mounted.find("dialog[open]", None).await;
    settle().await;
}

#[wasm_bindgen_test]
async fn a_dialog_takes_focus_and_keeps_it_inside_on_tab() {
    let (mounted, _open) = dialog_page();
    open_from_opener(&mounted).await;
    assert_eq!(active_element().map(|e| e.id()).as_deref(), Some("first"));
    assert_eq!(
        mounted.one("dialog").get_attribute("aria-labelledby"),
        Some(mounted.one("dialog h2").id())
    );

    press(&mounted.one("#last"), "Tab", false);
    assert_eq!(
        active_element().map(|e| e.id()).as_deref(),
        Some("first"),
        "Tab wraps to the first"
    );
    press(&mounted.one("#first"), "Tab", true);
    assert_eq!(
        active_element().map(|e| e.id()).as_deref(),
        Some("last"),
        "Shift+Tab wraps to the last"
    );
}

#[wasm_bindgen_test]
async fn escape_closes_a_dialog_and_focus_returns_to_its_opener() {
    let (mounted, open) = dialog_page();
    open_from_opener(&mounted).await;
    press(&mounted.one("#first"), "Escape", false);
    settle().await;
    assert!(!open.get_untracked());
    assert!(mounted.all("dialog").is_empty());
    assert_eq!(active_element().map(|e| e.id()).as_deref(), Some("opener"));
}

#[wasm_bindgen_test]
async fn errors_and_successes_toast_in_separate_live_regions() {
    let mounted = mount(None, || {
        let toasts = use_toasts();
        toasts.success("Saved");
        toasts.error("Could not save");
        view! { <ToastRegion /> }
    });
    settle().await;
    assert_eq!(mounted.texts("[role=status] .toast-text"), ["Saved"]);
    assert_eq!(
        mounted.texts("[role=alert] .toast-text"),
        ["Could not save"]
    );
    mounted.one("[role=alert] .toast-close").click();
    settle().await;
    assert!(mounted.all("[role=alert] .toast").is_empty());
}

#[wasm_bindgen_test]
async fn after_a_session_on_another_server_ends_signing_in_again_goes_to_that_server() {
    let mut elsewhere = admin_session("https://community.example.org");
    elsewhere.client_id = Some("console".into());
    let mounted = mount(None, move || {
        let session = use_session();
        session.sign_in(elsewhere);
        session.expire();
        view! { <SignIn /> }
    });
    settle().await;
    let value = |css: &str| {
        mounted
            .one(css)
            .unchecked_into::<web_sys::HtmlInputElement>()
            .value()
    };
    let server = value("#sign-in-server");
    let client_id = value("#sign-in-client-id");
    let advanced_open = mounted
        .one("details.advanced")
        .unchecked_into::<web_sys::HtmlDetailsElement>()
        .open();
    // The choice outlives this test's session in the tab's storage: leave the tab as it was.
    clear_session_storage();
    assert_eq!(server, "https://community.example.org");
    assert_eq!(client_id, "console");
    assert!(
        advanced_open,
        "the server fields show, so the admin sees where they sign in"
    );
}

fn clear_session_storage() {
    let storage = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    storage.clear().unwrap();
}

/// Puts the test page's address back after a test that navigated.
fn restore_address(href: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
        .unwrap();
}

#[wasm_bindgen_test]
async fn toasts_go_with_the_screen_they_were_shown_on() {
    let address = web_sys::window().unwrap().location().href().unwrap();
    let handles = std::rc::Rc::new(std::cell::Cell::new(None));
    let handles_in = std::rc::Rc::clone(&handles);
    let mounted = mount(None, move || {
        handles_in.set(Some((
            use_toasts(),
            expect_context::<app::router::Location>(),
        )));
        view! { <ToastRegion /> }
    });
    let (toasts, location) = handles.take().unwrap();
    location.navigate("/endpoints", true);
    toasts.success("Saved on the list");
    toasts.error("Failed on the list");
    settle().await;
    assert_eq!(
        mounted.texts(".toast-text"),
        ["Saved on the list", "Failed on the list"]
    );

    // Another page of the same list is the same screen.
    location.navigate("/endpoints?offset=10", true);
    settle().await;
    assert_eq!(mounted.texts(".toast-text").len(), 2);

    location.navigate("/endpoints/1", true);
    settle().await;
    assert!(mounted.all(".toast").is_empty(), "gone with their screen");
    toasts.success("Shown on the endpoint");
    settle().await;
    assert_eq!(mounted.texts(".toast-text"), ["Shown on the endpoint"]);

    // Back on the list: a new visit, without the toasts of the last one.
    location.navigate("/endpoints", true);
    settle().await;
    let left = mounted.texts(".toast-text");
    restore_address(&address);
    assert!(left.is_empty(), "{left:?}");
}

#[wasm_bindgen_test]
async fn the_theme_switch_sets_the_page_theme_and_remembers_it() {
    use app::theme::STORAGE_KEY;
    let root = document().document_element().unwrap();
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mounted = mount(None, || view! { <Layout><p>"content"</p></Layout> });
    settle().await;
    let select = mounted.one(".theme-switch select");
    assert_eq!(
        select.unchecked_ref::<web_sys::HtmlSelectElement>().value(),
        "system"
    );
    let choose = |value: &str| {
        select
            .unchecked_ref::<web_sys::HtmlSelectElement>()
            .set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };

    choose("dark");
    let dark = (
        root.get_attribute("data-theme"),
        storage.get_item(STORAGE_KEY).unwrap(),
    );
    choose("light");
    let light = (
        root.get_attribute("data-theme"),
        storage.get_item(STORAGE_KEY).unwrap(),
    );
    // A switch mounted later (a reload) starts from what was stored.
    let again = mount(None, || view! { <Layout><p>"content"</p></Layout> });
    settle().await;
    let shown = again
        .one(".theme-switch select")
        .unchecked_into::<web_sys::HtmlSelectElement>()
        .value();
    choose("system");
    let system = (
        root.get_attribute("data-theme"),
        storage.get_item(STORAGE_KEY).unwrap(),
    );

    assert_eq!(dark, (Some("dark".into()), Some("dark".into())));
    assert_eq!(light, (Some("light".into()), Some("light".into())));
    assert_eq!(shown, "light");
    assert_eq!(
        system,
        (None, None),
        "the system's theme leaves nothing behind"
    );
}

#[wasm_bindgen_test]
async fn a_loading_skeleton_says_so_to_screen_readers() {
    use app::components::skeleton::TableSkeleton;
    let mounted = mount(None, || view! { <TableSkeleton rows=2 columns=3 /> });
    // Empty when it appears, then filled: a change a live region announces.
    assert_eq!(mounted.text("[role=status]"), "");
    mounted.find("[role=status]", Some("Loading…")).await;
    assert_eq!(
        mounted.one("table").get_attribute("aria-hidden").as_deref(),
        Some("true")
    );
}
