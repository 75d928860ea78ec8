//! Mounting components in the test page and driving them like a person would.

#![allow(dead_code)]

use app::{
    components::toast::Toasts,
    router::Location,
    session::{Session, SessionCtx},
};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::*};
use webhook_api::{Endpoint, Role, Subscription, User};

#[wasm_bindgen(inline_js = r#"
export function wait_for(root, css, text, timeout) {
  const match = () => [...root.querySelectorAll(css)]
    .find((el) => text === null || text === undefined || el.textContent.includes(text)) || null;
  return new Promise((resolve) => {
    const now = match();
    if (now) { resolve(now); return; }
    const observer = new MutationObserver(() => {
      const el = match();
      if (el) { observer.disconnect(); clearTimeout(timer); resolve(el); }
    });
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, timeout);
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}
"#)]
extern "C" {
    fn wait_for(
        root: &web_sys::Element,
        css: &str,
        text: Option<String>,
        timeout: u32,
    ) -> js_sys::Promise;
}

/// A component mounted in its own element of the test page, with the app's contexts.
pub struct Mounted {
    pub host: web_sys::HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// A signed-in admin against `server` ("" for the test page's origin).
pub fn admin_session(server: &str) -> Session {
    let mut session = Session::from_token(server, "dev-admin-token");
    session.user = Some(User {
        id: 1,
        username: "admin".into(),
        email: "admin@example.com".into(),
        role: Role::Admin,
    });
    session
}

pub fn mount<F, V>(session: Option<Session>, view: F) -> Mounted
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        provide_context(SessionCtx::new(session));
        let location = Location::at("/");
        provide_context(Toasts::new(location));
        provide_context(location);
        view()
    });
    Mounted {
        host,
        _handle: Box::new(handle),
    }
}

impl Mounted {
    pub fn all(&self, css: &str) -> Vec<web_sys::HtmlElement> {
        let list = self.host.query_selector_all(css).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    pub fn one(&self, css: &str) -> web_sys::HtmlElement {
        self.host
            .query_selector(css)
            .unwrap()
            .unwrap_or_else(|| panic!("no `{css}` in {}", self.host.inner_html()))
            .unchecked_into()
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css)
            .iter()
            .map(|e| e.text_content().unwrap_or_default().trim().to_owned())
            .collect()
    }

    /// Clicks the element matching `css` whose text is `text`.
    pub fn click_text(&self, css: &str, text: &str) {
        self.all(css)
            .into_iter()
            .find(|e| e.text_content().unwrap_or_default().trim() == text)
            .unwrap_or_else(|| panic!("no `{css}` saying {text:?} in {}", self.host.inner_html()))
            .click();
    }

    pub fn text(&self, css: &str) -> String {
        self.one(css)
            .text_content()
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// Waits until an element matching `css` (and containing `text`) is in the component: a
    /// MutationObserver reports it, nothing polls. Panics after five seconds.
    pub async fn find(&self, css: &str, text: Option<&str>) -> web_sys::HtmlElement {
        let found = wasm_bindgen_futures::JsFuture::from(wait_for(
            &self.host,
            css,
            text.map(str::to_owned),
            5_000,
        ))
        .await
        .unwrap();
        if found.is_null() {
            panic!(
                "no `{css}` with {text:?} within 5 s in {}",
                self.host.inner_html()
            );
        }
        found.unchecked_into()
    }
}

/// Types `text` into an input as a person would: its value changes and it fires `input`.
pub fn type_into(input: &web_sys::HtmlElement, text: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

/// Presses a key on an element (a synthetic `keydown` that bubbles).
pub fn press(target: &web_sys::HtmlElement, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

pub fn active_element() -> Option<web_sys::Element> {
    document().active_element()
}

/// Lets Leptos apply pending updates to the DOM.
pub async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

pub fn endpoint(id: u64, target: &str, events: &[&str]) -> Endpoint {
    Endpoint {
        id,
        created_at: "2024-05-01T10:00:00.000000+00:00".into(),
        updated_at: "2024-05-02T10:00:00.000000+00:00".into(),
        is_active: true,
        target: target.into(),
        description: format!("endpoint {id}"),
        events: events
            .iter()
            .map(|t| Subscription {
                event_type: (*t).into(),
                added_at: "2024-05-01T10:00:00.000000+00:00".into(),
            })
            .collect(),
        ssl_cert_verification: true,
    }
}
