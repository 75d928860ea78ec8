//! Hooks for `cargo xtask bench render`, compiled only with the `bench` feature, never into the
//! shipped app. They render the app's own table components from JSON text into a given element, so
//! that the bench can time 1,000 endpoint rows (ten times what one API page holds) next to a
//! plain-JavaScript baseline that builds the same table from the same JSON.

use std::cell::RefCell;

use leptos::{
    mount::{UnmountHandle, mount_to},
    prelude::*,
    tachys::view::any_view::AnyViewState,
};
use wasm_bindgen::prelude::*;
use webhook_api::{Attempt, Endpoint, Page};

use crate::{
    clock,
    components::toast::Toasts,
    pages::{attempts::AttemptTable, endpoints::EndpointTable},
    query::ListQuery,
    router::Location,
    session::SessionCtx,
    set::SortedSet,
    wire,
};

thread_local! {
    /// What the hooks mounted, until [`bench_unmount`].
    static MOUNTED: RefCell<Vec<UnmountHandle<AnyViewState>>> = const { RefCell::new(Vec::new()) };
}

/// The providers the table components read, as the app provides them.
fn provide_app_context() {
    provide_context(SessionCtx::from_storage());
    let location = Location::at("/endpoints");
    provide_context(Toasts::new(location));
    provide_context(location);
    clock::provide_clock();
}

/// Decodes `json` (a page of endpoints) and renders every endpoint in it with the app's endpoint table.
#[wasm_bindgen]
pub fn bench_render_endpoints(parent: web_sys::HtmlElement, json: &str) -> Result<(), JsValue> {
    let page: Page<Endpoint> = wire::decode(json).map_err(|e| JsValue::from_str(&e))?;
    let handle = mount_to(parent, move || {
        provide_app_context();
        view! {
            <EndpointTable
                endpoints=page.results
                query=ListQuery::default()
                on_delete=Callback::new(|_| {})
            />
        }
        .into_any()
    });
    MOUNTED.with(|mounted| mounted.borrow_mut().push(handle));
    Ok(())
}

/// Decodes `json` (a page of attempts) and renders it with the app's attempts table.
#[wasm_bindgen]
pub fn bench_render_attempts(parent: web_sys::HtmlElement, json: &str) -> Result<(), JsValue> {
    let page: Page<Attempt> = wire::decode(json).map_err(|e| JsValue::from_str(&e))?;
    let handle = mount_to(parent, move || {
        provide_app_context();
        view! {
            <AttemptTable
                attempts=page.results
                query=ListQuery::default()
                base="/endpoints/1/attempts"
                selected=RwSignal::new(SortedSet::new())
                open=RwSignal::new(None)
            />
        }
        .into_any()
    });
    MOUNTED.with(|mounted| mounted.borrow_mut().push(handle));
    Ok(())
}

/// Removes everything the hooks rendered.
#[wasm_bindgen]
pub fn bench_unmount() {
    MOUNTED.with(|mounted| mounted.borrow_mut().clear());
}
