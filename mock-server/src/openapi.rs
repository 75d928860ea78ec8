//! `GET /openapi.json`: the OpenAPI 3.1 document, assembled from the same route declarations that build
//! the router (utoipa-axum), so the document cannot list a route the server lacks or miss one it has.

use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SelfCommunity Webhook API (mock server)",
        description = "The platform's webhook API plus the mock server's own routes for development and tests."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "webhook", description = "Webhook endpoints, attempts, signing secrets, resend (admin role)."),
        (name = "auth", description = "Tokens and the signed-in user."),
        (name = "mock", description = "Mock-only routes: events, reset, the sink."),
        (name = "health", description = "Liveness."),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
