//! The event catalog: the 38 types of the reference, in its order, with when each fires and an example
//! of the `data` it carries (shaped like the platform's payloads).
//!
//! A server may return other types; the app groups whatever it gets with [`resource_of`] and shows a
//! description or an example only where this catalog knows one.

use serde_json::{Value, json};

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

/// A realistic example of the `data` an event of type `name` carries; `None` for a type not in the catalog.
pub fn example_data(name: &str) -> Option<Value> {
    let author = user(1, "admin", "Community Admin");
    let member = user(8, "stefano", "Stefano Rossi");
    let other = user(12, "giulia", "Giulia Bianchi");
    let data = match name {
        "comment.created" | "comment.updated" | "comment.deleted" | "comment.restored" => {
            json!({ "comment": comment(&member, name == "comment.deleted") })
        }
        "category.follow" | "category.unfollow" => json!({
            "user": member,
            "category": category(),
            "followed": name == "category.follow",
        }),
        "connection_request.created"
        | "connection_request.rejected"
        | "connection_request.restored"
        | "connection_request.cancelled" => {
            let status = match name {
                "connection_request.rejected" => "rejected",
                "connection_request.cancelled" => "cancelled",
                _ => "pending",
            };
            json!({ "connection_request": {
                "id": 31,
                "from_user": member,
                "to_user": other,
                "status": status,
                "created_at": "2026-11-20T09:12:44.120931+00:00",
            }})
        }
        "connection.created" | "connection.deleted" => json!({
            "connection": { "id": 17, "user": member, "connected_user": other,
                            "created_at": "2026-11-20T09:30:02.551023+00:00" }
        }),
        "connection.follow" | "connection.unfollow" => json!({
            "user": member,
            "followed_user": other,
            "followed": name == "connection.follow",
        }),
        "discussion.created"
        | "discussion.updated"
        | "discussion.deleted"
        | "discussion.restored" => {
            json!({ "discussion": discussion(&author, name == "discussion.deleted") })
        }
        "discussion.follow" | "discussion.unfollow" => json!({
            "user": member,
            "discussion": discussion(&author, false),
            "followed": name == "discussion.follow",
        }),
        "poll_vote.created" | "poll_vote.deleted" => json!({
            "user": member,
            "voted_at": "2026-11-21T18:04:11.310562+00:00",
            "poll": {
                "id": 5, "title": "Which meetup city next?", "multiple_choices": false,
                "expiration_at": null, "closed": false,
                "choices": [
                    { "id": 11, "choice": "Milano", "order": 0, "vote_count": 14 },
                    { "id": 12, "choice": "Torino", "order": 1, "vote_count": 9 },
                ],
            },
            "choice": { "id": 11, "choice": "Milano", "order": 0, "vote_count": 14 },
            "discussion_id": 2,
        }),
        "post.created" | "post.updated" | "post.deleted" | "post.restored" => json!({
            "post": {
                "id": 44, "type": "post", "author": member, "categories": [category()],
                "html": "<p>Our first community meetup is on Saturday!</p>",
                "summary": "Our first community meetup is on Saturday!",
                "added_at": "2026-11-19T11:45:10.003518+00:00",
                "last_activity_at": "2026-11-21T08:00:41.880214+00:00",
                "medias": [], "location": null, "addressing": [],
                "deleted": name == "post.deleted", "collapsed": false,
                "comment_count": 3, "vote_count": 12, "view_count": 240, "flag_count": 0,
            }
        }),
        "user.created" | "user.updated" | "user.deleted" => json!({ "user": member }),
        "user.settings_updated" => json!({
            "user": member,
            "settings": {
                "qa_frequency": 1, "email_notification_frequency": "daily",
                "show_nsfw_content": false, "mail_notification_types": ["comment", "mention"],
            },
        }),
        "vote.created" | "vote.deleted" => json!({
            "user": member,
            "voted_at": "2026-11-21T15:21:46.468720+00:00",
            "object_type": "discussion",
            "discussion": discussion(&author, false),
        }),
        "user.score_updated" => json!({
            "user": member, "score": 72, "previous_score": 62, "reason": "discussion_voted",
        }),
        "user.loyalty_points_updated" => json!({
            "user": member, "points": 340, "previous_points": 300, "reason": "daily_visit",
        }),
        "loyalty.prize.created" | "loyalty.prize.updated" => json!({ "prize": prize() }),
        "loyalty.prize_request.created" | "loyalty.prize_request.updated" => json!({
            "prize_request": {
                "id": 9, "prize": prize(), "user": member,
                "status": if name.ends_with("created") { "pending" } else { "approved" },
                "created_at": "2026-11-22T10:10:10.101010+00:00",
            }
        }),
        _ => return None,
    };
    Some(data)
}

fn user(id: u64, username: &str, real_name: &str) -> Value {
    json!({
        "id": id,
        "username": username,
        "real_name": real_name,
        "email": format!("{username}@example.org"),
        "email_isvalid": true,
        "date_joined": "2026-03-23T12:34:01.637442+00:00",
        "bio": "Product designer, coffee enthusiast.",
        "location": "Milano (MI) - Italia",
        "location_lat_lng": "45.4612,9.1878",
        "position_lat_lng": null,
        "date_of_birth": null,
        "description": "",
        "gender": "Unspecified",
        "status": "a",
        "website": "",
        "avatar": format!("https://community.example.org/upfiles/avatars/{username}.jpg"),
        "cover": null,
        "ext_id": null,
        "tags": [],
        "reputation": 62,
    })
}

fn category() -> Value {
    json!({
        "id": 4, "order": 4, "name": "animali", "slug": "animali",
        "slogan": "For everyone who loves the wonderful world of animals.",
        "active": true, "deleted": false, "auto_follow": "None", "tags": [],
        "image_medium": "https://community.example.org/upfiles/categories/medium/animali.png",
        "lastmod_datetime": "2026-03-23T12:33:33.078971+00:00",
        "stream_order_by": "recent",
    })
}

fn discussion(author: &Value, deleted: bool) -> Value {
    json!({
        "id": 2, "type": "discussion", "author": author, "categories": [category()],
        "title": "Which breed is best for a small flat?",
        "slug": "which-breed-is-best-for-a-small-flat",
        "html": "<p>We are thinking about adopting a dog. Advice welcome!</p>",
        "summary": "We are thinking about adopting a dog. Advice welcome!",
        "added_at": "2026-11-18T12:35:00.575063+00:00",
        "last_activity_at": "2026-11-21T12:35:03.313074+00:00",
        "medias": [], "location": null, "poll": null, "addressing": [],
        "deleted": deleted, "collapsed": false,
        "comment_count": 11, "vote_count": 4, "view_count": 380, "follower_count": 6, "flag_count": 0,
    })
}

fn comment(author: &Value, deleted: bool) -> Value {
    json!({
        "id": 301, "author": author, "discussion": 2, "post": null, "parent": null,
        "html": "<p>A greyhound! They sleep 18 hours a day.</p>",
        "summary": "A greyhound! They sleep 18 hours a day.",
        "added_at": "2026-11-21T14:02:19.944107+00:00",
        "last_edited_at": null, "deleted": deleted, "collapsed": false,
        "vote_count": 2, "flag_count": 0, "comment_count": 0,
    })
}

fn prize() -> Value {
    json!({
        "id": 3, "name": "Community T-shirt", "description": "Organic cotton, every size.",
        "points": 300, "active": true, "link": null,
        "image": "https://community.example.org/upfiles/prizes/tshirt.png",
        "created_at": "2026-10-01T09:00:00.000000+00:00",
    })
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
        }
        assert_eq!(example_data("unknown.type"), None);
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
