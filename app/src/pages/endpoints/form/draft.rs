//! What the endpoint form holds, apart from signals and rendering: what was typed, what the shared field
//! rules say about it, the body it becomes, and the JSON it is kept as while the admin signs in again.

use webhook_api::{Endpoint, EndpointWrite, EventRef, validate};

use crate::{
    json_tree,
    set::SortedSet,
    wire::{self, Fields, JsonObject},
};

/// What the create and edit forms hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointDraft {
    pub target: String,
    pub description: String,
    pub is_active: bool,
    pub ssl_cert_verification: bool,
    pub events: SortedSet<String>,
}

impl Default for EndpointDraft {
    /// A new endpoint: active, with certificate verification, nothing typed.
    fn default() -> Self {
        Self {
            target: String::new(),
            description: String::new(),
            is_active: true,
            ssl_cert_verification: true,
            events: SortedSet::new(),
        }
    }
}

/// The message when no event is chosen.
pub const NO_EVENTS: &str = "Choose at least one event.";

impl EndpointDraft {
    pub fn from_endpoint(endpoint: &Endpoint) -> Self {
        Self {
            target: endpoint.target.clone(),
            description: endpoint.description.clone(),
            is_active: endpoint.is_active,
            ssl_cert_verification: endpoint.ssl_cert_verification,
            events: endpoint
                .events
                .iter()
                .map(|s| s.event_type.clone())
                .collect(),
        }
    }

    /// The body of create and of a full update. Every field is sent, so a PUT leaves nothing to chance.
    pub fn to_write(&self) -> EndpointWrite {
        EndpointWrite {
            target: self.target.trim().to_owned(),
            events: self.events.iter().map(EventRef::new).collect(),
            description: Some(self.description.clone()),
            is_active: Some(self.is_active),
            ssl_cert_verification: Some(self.ssl_cert_verification),
        }
    }

    /// Messages for the target: the server's own rules (http or https, a host, at most 200 characters).
    pub fn target_errors(&self) -> Vec<String> {
        messages(validate::target(self.target.trim()))
    }

    pub fn description_errors(&self) -> Vec<String> {
        messages(validate::description(&self.description))
    }

    pub fn events_errors(&self) -> Vec<String> {
        if self.events.is_empty() {
            vec![NO_EVENTS.to_owned()]
        } else {
            Vec::new()
        }
    }

    pub fn is_valid(&self) -> bool {
        self.target_errors().is_empty()
            && self.description_errors().is_empty()
            && self.events_errors().is_empty()
    }
}

fn messages(errors: Vec<webhook_api::ErrorMessage>) -> Vec<String> {
    errors.into_iter().map(|m| m.message).collect()
}

/// The form's fields, to which the server's field errors are mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Target,
    Description,
    IsActive,
    SslCertVerification,
    Events,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Self::Target,
        Self::Description,
        Self::IsActive,
        Self::SslCertVerification,
        Self::Events,
    ];

    /// The name the API uses for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::Description => "description",
            Self::IsActive => "is_active",
            Self::SslCertVerification => "ssl_cert_verification",
            Self::Events => "events",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The `id` of its input, for labels and for moving focus to it.
    pub fn input_id(self) -> &'static str {
        match self {
            Self::Target => "endpoint-target",
            Self::Description => "endpoint-description",
            Self::IsActive => "endpoint-active",
            Self::SslCertVerification => "endpoint-ssl",
            Self::Events => "endpoint-events-filter",
        }
    }
}

/// The draft of the form at `path`, as JSON, to keep while the admin signs in again.
pub fn kept_draft_json(path: &str, draft: &EndpointDraft) -> String {
    JsonObject::default()
        .string("path", path)
        .string("target", &draft.target)
        .string("description", &draft.description)
        .bool("is_active", draft.is_active)
        .bool("ssl_cert_verification", draft.ssl_cert_verification)
        .raw(
            "events",
            &wire::array(draft.events.iter().map(|event| wire::string(event))),
        )
        .finish()
}

/// The draft in `text` (from [`kept_draft_json`]) if it was kept for the form at `path`.
pub fn read_kept_draft(text: &str, path: &str) -> Option<EndpointDraft> {
    let mut fields = Fields::of(json_tree::parse(text).ok()?).ok()?;
    if fields.required::<String>("path").ok()? != path {
        return None;
    }
    Some(EndpointDraft {
        target: fields.required("target").ok()?,
        description: fields.required("description").ok()?,
        is_active: fields.required("is_active").ok()?,
        ssl_cert_verification: fields.required("ssl_cert_verification").ok()?,
        events: fields
            .required::<Vec<String>>("events")
            .ok()?
            .into_iter()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use webhook_api::Subscription;

    use super::*;

    fn endpoint() -> Endpoint {
        Endpoint {
            id: 7,
            created_at: "2024-01-01T00:00:00Z".into(),
            updated_at: "2024-01-02T00:00:00Z".into(),
            is_active: false,
            target: "https://hooks.example/in".into(),
            description: "orders".into(),
            events: vec![Subscription {
                event_type: "comment.created".into(),
                added_at: "2024-01-01T00:00:00Z".into(),
            }],
            ssl_cert_verification: true,
        }
    }

    #[test]
    fn a_new_draft_is_active_and_verifies_certificates() {
        let draft = EndpointDraft::default();
        assert!(draft.is_active && draft.ssl_cert_verification);
        assert!(!draft.is_valid());
    }

    #[test]
    fn an_existing_endpoint_round_trips_into_a_full_update() {
        let draft = EndpointDraft::from_endpoint(&endpoint());
        let body = draft.to_write();
        assert_eq!(body.target, "https://hooks.example/in");
        assert_eq!(body.events, vec![EventRef::new("comment.created")]);
        assert_eq!(body.is_active, Some(false));
        assert_eq!(body.description.as_deref(), Some("orders"));
        assert!(draft.is_valid());
    }

    #[test]
    fn the_target_follows_the_servers_url_rule() {
        let mut draft = EndpointDraft::from_endpoint(&endpoint());
        draft.target = "ftp://files.example".into();
        assert_eq!(draft.target_errors(), vec!["Enter a valid URL."]);
        draft.target = format!("https://example.com/{}", "a".repeat(200));
        assert_eq!(
            draft.target_errors(),
            vec!["Ensure this field has no more than 200 characters."]
        );
        draft.target = "  https://example.com/hook  ".into();
        assert!(draft.target_errors().is_empty());
        assert_eq!(draft.to_write().target, "https://example.com/hook");
    }

    #[test]
    fn at_least_one_event_is_required() {
        let mut draft = EndpointDraft::from_endpoint(&endpoint());
        draft.events.clear();
        assert_eq!(draft.events_errors(), vec![NO_EVENTS]);
    }

    #[test]
    fn server_field_names_map_to_form_fields() {
        assert_eq!(
            Field::parse("ssl_cert_verification"),
            Some(Field::SslCertVerification)
        );
        assert_eq!(Field::parse("password"), None);
    }

    #[test]
    fn a_kept_draft_reads_back_for_its_own_form_only() {
        let draft = EndpointDraft {
            target: "https://hooks.example.com/\"quoted\"".into(),
            description: "Line one\nline two".into(),
            is_active: false,
            ssl_cert_verification: false,
            events: ["user.created", "comment.deleted"]
                .into_iter()
                .map(String::from)
                .collect(),
        };
        let text = kept_draft_json("/endpoints/7/edit", &draft);
        assert_eq!(read_kept_draft(&text, "/endpoints/7/edit"), Some(draft));
        assert_eq!(read_kept_draft(&text, "/endpoints/new"), None);
        assert_eq!(read_kept_draft("not json", "/endpoints/new"), None);
    }
}
