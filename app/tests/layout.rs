#![cfg(target_arch = "wasm32")]

use app::components::layout::Layout;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn layout_renders_header_navigation_and_content() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let _mounted = leptos::mount::mount_to(host.clone(), || {
        view! {
            <leptos_router::components::Router>
                <Layout><p class="probe">"content"</p></Layout>
            </leptos_router::components::Router>
        }
    });
    leptos::task::tick().await;

    let nav_links = host.query_selector_all("header nav a").unwrap();
    assert_eq!(nav_links.length(), 1);
    assert_eq!(
        nav_links.item(0).unwrap().text_content().unwrap(),
        "Endpoints"
    );
    let probe = host.query_selector("main .probe").unwrap().unwrap();
    assert_eq!(probe.text_content().unwrap(), "content");
}
