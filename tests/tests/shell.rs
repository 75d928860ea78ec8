use e2e::browser_test;

#[tokio::test(flavor = "multi_thread")]
async fn the_app_loads_with_its_layout_and_lands_on_the_endpoints() {
    browser_test("shell", |ctx| async move {
        ctx.goto("/").await;
        let nav = ctx.find_text("header nav a", "Endpoints").await;
        assert_eq!(
            nav.attr("href").await.unwrap().as_deref(),
            Some("/endpoints")
        );
        ctx.find_text("main h1", "Endpoints").await;
        assert_eq!(ctx.path().await, "/endpoints");
        ctx.screenshot("layout").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_path_shows_the_not_found_page() {
    browser_test("not-found", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.find_text("main h1", "Page not found").await;
    })
    .await;
}
