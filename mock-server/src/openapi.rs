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

/// The document as JSON, with every constraint the server enforces that the Rust types cannot say:
/// URL and catalog rules, lengths and ranges, non-blank strings, which fields refuse `null`, which
/// bodies may be empty (an empty body is `{}`), the token grant's shape. Checked by schemathesis in
/// `cargo xtask test`: a request the document allows must be taken, one it forbids refused.
pub fn to_json(document: &utoipa::openapi::OpenApi) -> String {
    let mut document = serde_json::to_value(document).unwrap_or_default();
    constrain(&mut document);
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_owned())
}

/// `^http(s)://[user@]host[:port][/path|?query|#fragment]$` as `validate::is_http_url` reads it:
/// a hostname of ASCII letters, digits, `_` and `-` labels (or an IPv6 literal), a port up to
/// 65535, no whitespace or control characters. (The server also takes non-ASCII hostnames.)
const TARGET_PATTERN: &str = concat!(
    r"^[Hh][Tt][Tt][Pp][Ss]?://",
    r"([^\s\x00-\x1f\x7f-\x9f/?#]*@)?",
    r"(\[[0-9A-Fa-f:.]+\]|",
    r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?)",
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|0[0-9]{4}|[0-9]{1,4}))?",
    r"([/?#][^\s\x00-\x1f\x7f-\x9f]*)?$"
);
/// A string with something besides whitespace (the server trims before it calls a value blank).
const NOT_BLANK: &str = r"\S";

fn constrain(document: &mut serde_json::Value) {
    use serde_json::json;
    use webhook_api::validate;

    let catalog: Vec<&str> = webhook_api::catalog::event_types().collect();
    let target = json!({
        "type": "string",
        "minLength": 1,
        "maxLength": validate::TARGET_MAX_LENGTH,
        "pattern": TARGET_PATTERN,
        "description": "An absolute http or https URL with a host; with --block-private-targets, \
            not on a loopback, private or other non-public address.",
    });
    let description = json!({"type": "string", "maxLength": validate::DESCRIPTION_MAX_LENGTH});
    let event_type = json!({"type": "string", "enum": catalog});
    let events = json!({
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/components/schemas/EventRef"},
        "description": "Event types of the catalog; duplicates collapse into one.",
    });
    let boolean = json!({"type": "boolean"});
    let password = json!({"type": "string", "pattern": NOT_BLANK,
        "description": "The signed-in user's password."});
    let event_id = json!({"type": "integer", "minimum": 0, "maximum": i64::MAX});

    let schemas = &mut document["components"]["schemas"];
    schemas["EventRef"]["properties"]["type"] = event_type.clone();
    for name in ["EndpointWrite", "EndpointPatch"] {
        let properties = &mut schemas[name]["properties"];
        properties["target"] = target.clone();
        properties["description"] = description.clone();
        properties["events"] = events.clone();
        properties["is_active"] = boolean.clone();
        properties["ssl_cert_verification"] = boolean.clone();
    }
    schemas["PasswordConfirmation"]["properties"]["password"] = password.clone();
    schemas["ResendRequest"]["properties"]["password"] = password.clone();
    schemas["ResendRequest"]["properties"]["event"] = event_id.clone();
    let bulk = &mut schemas["BulkResendRequest"];
    bulk["properties"]["password"] = password;
    bulk["properties"]["event"] = json!({
        "type": "array",
        "minItems": 1,
        "items": event_id,
        "description": format!(
            "Ids of events sent to this endpoint: 1 to {} once duplicates collapse. The whole body \
             may hold {} bytes.",
            validate::BULK_RESEND_MAX,
            validate::BULK_RESEND_MAX_BODY_BYTES
        ),
    });
    schemas["MockEventRequest"]["properties"]["type"] = event_type;
    // `seed` may be left out (false).
    schemas["MockReset"]["required"] = json!([]);
    let behavior = &mut schemas["SinkBehavior"]["properties"];
    behavior["status"] = json!({"type": "integer", "minimum": 100, "maximum": 599});
    behavior["delay_ms"] = json!({"type": "integer", "minimum": 0, "maximum": 600_000});
    behavior["fail_first"] = json!({"type": "integer", "minimum": 0, "maximum": 1_000_000});
    behavior["body"] = json!({"type": "string"});
    // The password grant with a username and a password, or the refresh grant with a refresh
    // token; an empty value counts as missing.
    let some_text = json!({"type": "string", "minLength": 1});
    schemas["TokenRequest"] = json!({
        "description": "A token request: the password grant or the refresh grant; `client_id` is accepted and ignored.",
        "oneOf": [
            {
                "type": "object",
                "required": ["grant_type", "username", "password"],
                "properties": {
                    "grant_type": {"const": "password"},
                    "username": some_text,
                    "password": some_text,
                    "client_id": {"type": "string"},
                },
            },
            {
                "type": "object",
                "required": ["grant_type", "refresh_token"],
                "properties": {
                    "grant_type": {"const": "refresh_token"},
                    "refresh_token": some_text,
                    "client_id": {"type": "string"},
                },
            },
        ],
    });

    for (path, method) in [
        ("/api/v2/webhook/endpoint/{id}/", "patch"),
        ("/__mock/reset/", "post"),
        ("/__mock/sink/{name}/behavior/", "put"),
    ] {
        document["paths"][path][method]["requestBody"]["required"] = json!(false);
    }
    // limit and offset: any value is taken (contract section 5: an invalid, zero or negative one
    // means the default; Django's last value of a repeated one), so no schema bounds them.
    if let Some(paths) = document["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(|p| p.as_object_mut()) {
            for operation in operation.values_mut() {
                let parameters = operation
                    .get_mut("parameters")
                    .and_then(|parameters| parameters.as_array_mut());
                for parameter in parameters.into_iter().flatten() {
                    if parameter["in"] == "query"
                        && matches!(parameter["name"].as_str(), Some("limit" | "offset"))
                    {
                        parameter["schema"] = json!({});
                        parameter["description"] = json!(format!(
                            "{} A non-negative integer; any other value (or none) means the \
                             default, and of a repeated parameter the last counts.",
                            parameter["description"].as_str().unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
}
