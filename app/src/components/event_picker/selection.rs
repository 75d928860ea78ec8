//! The event picker's logic: the server's catalog grouped by resource, filtered, and selected a group at
//! a time. It works for any catalog, not only the types the shared crate knows.

use webhook_api::catalog;

use crate::set::SortedSet;

/// One resource's event types (`comment` → `comment.created`, `comment.updated`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub resource: String,
    pub types: Vec<String>,
}

/// How much of a group is selected, for its select-all box (checked, mixed, unchecked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupCheck {
    None,
    Some,
    All,
}

/// The catalog grouped by resource in the server's order, filtered by `filter`. Selected types the
/// catalog lacks (a server that dropped one) are kept in their group so they can still be unselected.
pub fn groups(catalog: &[String], selected: &SortedSet<String>, filter: &str) -> Vec<Group> {
    let extra = selected.iter().filter(|t| !catalog.contains(t));
    let all: Vec<&str> = catalog
        .iter()
        .chain(extra)
        .map(String::as_str)
        .filter(|t| matches(t, filter))
        .collect();
    catalog::group_by_resource(all)
        .into_iter()
        .map(|(resource, types)| Group {
            resource: resource.to_owned(),
            types: types.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

/// Whether `event_type` matches the filter text: a case-insensitive substring of its name or of its
/// description; an empty filter matches everything. Case is folded for ASCII only: event type names and
/// the catalog's descriptions are ASCII, and Unicode's case tables would add kilobytes to the .wasm.
pub fn matches(event_type: &str, filter: &str) -> bool {
    let filter = filter.trim().to_ascii_lowercase();
    if filter.is_empty() {
        return true;
    }
    event_type.to_ascii_lowercase().contains(&filter)
        || catalog::find(event_type)
            .is_some_and(|kind| kind.description.to_ascii_lowercase().contains(&filter))
}

pub fn group_check(types: &[String], selected: &SortedSet<String>) -> GroupCheck {
    let chosen = types.iter().filter(|t| selected.contains(*t)).count();
    match chosen {
        0 => GroupCheck::None,
        n if n == types.len() => GroupCheck::All,
        _ => GroupCheck::Some,
    }
}

/// The group's select-all: selects every type of the group unless all are selected, then clears them.
pub fn toggle_group(types: &[String], selected: &mut SortedSet<String>) {
    if group_check(types, selected) == GroupCheck::All {
        for t in types {
            selected.remove(t);
        }
    } else {
        selected.extend(types.iter().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn set(list: &[&str]) -> SortedSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn groups_follow_the_servers_order_and_resources() {
        let catalog = names(&[
            "comment.created",
            "user.created",
            "comment.deleted",
            "loyalty.prize.created",
        ]);
        let groups = groups(&catalog, &SortedSet::new(), "");
        let resources: Vec<_> = groups.iter().map(|g| g.resource.as_str()).collect();
        assert_eq!(resources, ["comment", "user", "loyalty.prize"]);
        assert_eq!(
            groups[0].types,
            names(&["comment.created", "comment.deleted"])
        );
    }

    #[test]
    fn an_unknown_catalog_still_groups() {
        let catalog = names(&["invoice.paid", "invoice.voided", "ping"]);
        let groups = groups(&catalog, &SortedSet::new(), "");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[1].resource, "ping");
    }

    #[test]
    fn the_filter_matches_names_and_descriptions() {
        let catalog = names(&["comment.created", "user.created", "vote.deleted"]);
        let by_name = groups(&catalog, &SortedSet::new(), "USER");
        assert_eq!(by_name.len(), 1);
        let by_description = groups(&catalog, &SortedSet::new(), "upvote");
        assert_eq!(by_description[0].types, names(&["vote.deleted"]));
    }

    #[test]
    fn a_selected_type_missing_from_the_catalog_stays_visible() {
        let catalog = names(&["comment.created"]);
        let groups = groups(&catalog, &set(&["comment.archived"]), "");
        assert_eq!(
            groups[0].types,
            names(&["comment.created", "comment.archived"])
        );
    }

    #[test]
    fn select_all_selects_the_group_then_clears_it() {
        let types = names(&["post.created", "post.updated"]);
        let mut selected = set(&["post.created", "user.created"]);
        assert_eq!(group_check(&types, &selected), GroupCheck::Some);
        toggle_group(&types, &mut selected);
        assert_eq!(group_check(&types, &selected), GroupCheck::All);
        assert_eq!(selected.len(), 3);
        toggle_group(&types, &mut selected);
        assert_eq!(group_check(&types, &selected), GroupCheck::None);
        assert_eq!(selected, set(&["user.created"]));
    }

    #[test]
    fn the_catalog_is_ascii_so_ascii_case_folding_finds_everything() {
        for kind in &catalog::EVENT_KINDS {
            assert!(kind.name.is_ascii(), "{}", kind.name);
            assert!(kind.description.is_ascii(), "{}", kind.name);
        }
    }
}
