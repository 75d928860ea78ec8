//! The event catalog: the 38 types of the reference, in its order, with when each fires and an example
//! of the `data` it carries (shaped like the platform's payloads).
//!
//! A server may return other types; the app groups whatever it gets with [`resource_of`] and shows a
//! description or an example only where this catalog knows one.

use serde_json::{Map, Value};

/// One event type this catalog knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventKind {
    pub name: &'static str,
    /// When it fires, in one line.
    pub description: &'static str,
}

const fn kind(name: &'static str, description: &'static str) -> EventKind {
    EventKind { name, description }
}

/// The catalog of `GET /api/v2/webhook/endpoint/event/`, in the reference's order.
pub const EVENT_KINDS: [EventKind; 38] = [
    kind(
        "comment.created",
        "A member publishes a comment on a post or discussion.",
    ),
    kind("comment.updated", "A comment's text is edited."),
    kind(
        "comment.deleted",
        "A comment is deleted by its author or a moderator.",
    ),
    kind("comment.restored", "A deleted comment is restored."),
    kind("category.follow", "A member starts following a category."),
    kind("category.unfollow", "A member stops following a category."),
    kind(
        "connection_request.created",
        "A member asks another to connect.",
    ),
    kind(
        "connection_request.rejected",
        "A connection request is rejected.",
    ),
    kind(
        "connection_request.restored",
        "A rejected connection request is restored.",
    ),
    kind(
        "connection_request.cancelled",
        "A connection request is withdrawn by its sender.",
    ),
    kind(
        "connection.created",
        "Two members become connected (a request was accepted).",
    ),
    kind("connection.deleted", "Two members are no longer connected."),
    kind(
        "connection.follow",
        "A member starts following another member.",
    ),
    kind(
        "connection.unfollow",
        "A member stops following another member.",
    ),
    kind("discussion.created", "A member opens a discussion."),
    kind(
        "discussion.updated",
        "A discussion's title, text or categories change.",
    ),
    kind("discussion.deleted", "A discussion is deleted."),
    kind(
        "discussion.follow",
        "A member starts following a discussion.",
    ),
    kind(
        "discussion.unfollow",
        "A member stops following a discussion.",
    ),
    kind("discussion.restored", "A deleted discussion is restored."),
    kind("poll_vote.created", "A member votes in a poll."),
    kind("poll_vote.deleted", "A member withdraws a poll vote."),
    kind("post.created", "A member publishes a post."),
    kind("post.updated", "A post's text or categories change."),
    kind("post.deleted", "A post is deleted."),
    kind("post.restored", "A deleted post is restored."),
    kind("user.created", "A new member signs up."),
    kind("user.updated", "A member's profile changes."),
    kind("user.deleted", "A member's account is deleted."),
    kind("user.settings_updated", "A member changes their settings."),
    kind(
        "vote.created",
        "A member upvotes a post, discussion or comment.",
    ),
    kind("vote.deleted", "A member removes an upvote."),
    kind("user.score_updated", "A member's reputation score changes."),
    kind(
        "user.loyalty_points_updated",
        "A member's loyalty points change.",
    ),
    kind(
        "loyalty.prize.created",
        "A loyalty prize is added to the catalogue.",
    ),
    kind("loyalty.prize.updated", "A loyalty prize changes."),
    kind(
        "loyalty.prize_request.created",
        "A member asks to redeem a loyalty prize.",
    ),
    kind(
        "loyalty.prize_request.updated",
        "A prize request is approved, rejected or fulfilled.",
    ),
];

/// The names of [`EVENT_KINDS`], in order.
pub fn event_types() -> impl ExactSizeIterator<Item = &'static str> {
    EVENT_KINDS.iter().map(|kind| kind.name)
}

/// The known event type named `name`.
pub fn find(name: &str) -> Option<&'static EventKind> {
    EVENT_KINDS.iter().find(|kind| kind.name == name)
}

/// Whether `name` is in the catalog.
pub fn contains(name: &str) -> bool {
    find(name).is_some()
}

/// The resource an event type is about: everything before its last dot
/// (`comment.created` → `comment`, `loyalty.prize_request.updated` → `loyalty.prize_request`).
pub fn resource_of(event_type: &str) -> &str {
    event_type
        .rsplit_once('.')
        .map_or(event_type, |(resource, _)| resource)
}

/// Groups event types by resource, keeping the order in which each resource first appears and the
/// order of types within it.
pub fn group_by_resource<'a>(
    event_types: impl IntoIterator<Item = &'a str>,
) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for event_type in event_types {
        let resource = resource_of(event_type);
        match groups.iter_mut().find(|(r, _)| *r == resource) {
            Some((_, types)) => types.push(event_type),
            None => groups.push((resource, vec![event_type])),
        }
    }
    groups
}

/// Realistic example payloads, as data: `fragments` (a user, a discussion, ...) and, per event type, its
/// `data` built from them. A string `"$name"` stands for fragment `name`; an object with a `"$": "name"`
/// key is that fragment with the object's other keys set over it.
pub const EXAMPLES: &str = include_str!("catalog/examples.json");

/// A realistic example of the `data` an event of type `name` carries; `None` for a type not in the catalog.
pub fn example_data(name: &str) -> Option<Value> {
    let examples: Value = serde_json::from_str(EXAMPLES).expect("examples.json is valid JSON");
    let template = examples.get("events")?.get(name)?;
    Some(resolve(template, &examples["fragments"]))
}

fn resolve(template: &Value, fragments: &Value) -> Value {
    let fragment = |name: &str| {
        let found = fragments
            .get(name)
            .unwrap_or_else(|| panic!("examples.json names an unknown fragment `{name}`"));
        resolve(found, fragments)
    };
    match template {
        Value::String(text) => match text.strip_prefix('$') {
            Some(name) => fragment(name),
            None => template.clone(),
        },
        Value::Array(items) => items.iter().map(|item| resolve(item, fragments)).collect(),
        Value::Object(fields) => {
            let mut object = match fields.get("$").and_then(Value::as_str) {
                Some(name) => match fragment(name) {
                    Value::Object(base) => base,
                    _ => panic!("examples.json: fragment `{name}` is not an object"),
                },
                None => Map::new(),
            };
            for (key, value) in fields.iter().filter(|(key, _)| *key != "$") {
                object.insert(key.clone(), resolve(value, fragments));
            }
            Value::Object(object)
        }
        _ => template.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_38_reference_types_without_duplicates() {
        let names: Vec<_> = event_types().collect();
        assert_eq!(names.len(), 38);
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 38);
        assert_eq!(names[0], "comment.created");
        assert_eq!(names[37], "loyalty.prize_request.updated");
    }

    #[test]
    fn every_type_has_an_example_object() {
        for name in event_types() {
            let data = example_data(name).unwrap_or_else(|| panic!("no example for {name}"));
            assert!(data.is_object(), "{name}");
            assert!(
                !data.to_string().contains("\"$"),
                "{name} has an unresolved reference"
            );
        }
        assert_eq!(example_data("unknown.type"), None);
    }

    #[test]
    fn examples_resolve_fragments_and_their_overrides() {
        let deleted = example_data("comment.deleted").unwrap();
        assert_eq!(deleted["comment"]["deleted"], true);
        assert_eq!(deleted["comment"]["author"]["username"], "stefano");
        assert_eq!(
            example_data("comment.created").unwrap()["comment"]["deleted"],
            false
        );
        let vote = example_data("vote.created").unwrap();
        assert_eq!(vote["discussion"]["categories"][0]["slug"], "animals");
        assert!(
            !vote.to_string().contains('$'),
            "an unresolved reference: {vote}"
        );
    }

    #[test]
    fn examples_name_only_catalog_types() {
        let examples: Value = serde_json::from_str(EXAMPLES).unwrap();
        for name in examples["events"].as_object().unwrap().keys() {
            assert!(contains(name), "{name} is not in the catalog");
        }
    }

    #[test]
    fn resources_are_everything_before_the_last_dot() {
        assert_eq!(resource_of("comment.created"), "comment");
        assert_eq!(resource_of("user.settings_updated"), "user");
        assert_eq!(
            resource_of("loyalty.prize_request.updated"),
            "loyalty.prize_request"
        );
        assert_eq!(resource_of("nodot"), "nodot");
    }

    #[test]
    fn grouping_keeps_first_appearance_order() {
        let groups = group_by_resource(["b.x", "a.y", "b.z", "c"]);
        assert_eq!(
            groups,
            vec![
                ("b", vec!["b.x", "b.z"]),
                ("a", vec!["a.y"]),
                ("c", vec!["c"])
            ]
        );
    }
}
