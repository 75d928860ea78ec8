//! Endpoints and their subscriptions.

use std::{collections::HashMap, sync::Arc};

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use serde_json::value::RawValue;
use webhook_api::{Endpoint, EndpointSortField, Ordering, SortField, Subscription, catalog};

use super::{PageWindow, Store, placeholders, read_model::Touched, to_u64};
use crate::clock::{self, Micros};

/// A new endpoint, validated.
pub struct NewEndpoint {
    pub target: String,
    pub description: String,
    pub is_active: bool,
    pub ssl_cert_verification: bool,
    /// Distinct catalog types.
    pub event_types: Vec<String>,
    pub signing_secret: String,
}

/// The fields an update sets; `None` keeps the current value.
#[derive(Default)]
pub struct EndpointChanges {
    pub target: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    pub ssl_cert_verification: Option<bool>,
    /// Replaces the set; types that stay keep their `added_at`.
    pub event_types: Option<Vec<String>>,
}

pub(super) const ENDPOINT_COLUMNS: &str =
    "id, created_at, updated_at, is_active, target, description, ssl_cert_verification";

pub(super) fn endpoint_from_row(row: &Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        id: to_u64(row.get(0)?),
        created_at: clock::iso(row.get(1)?),
        updated_at: clock::iso(row.get(2)?),
        is_active: row.get(3)?,
        target: row.get(4)?,
        description: row.get(5)?,
        events: Vec::new(),
        ssl_cert_verification: row.get(6)?,
    })
}

fn order_by(ordering: &[Ordering<EndpointSortField>]) -> String {
    let direction = |descending: bool| if descending { "DESC" } else { "ASC" };
    let mut keys: Vec<String> = ordering
        .iter()
        .map(|key| format!("{} {}", key.field.as_str(), direction(key.descending)))
        .collect();
    let tie_break_descending = ordering.first().is_none_or(|key| key.descending);
    keys.push(format!("id {}", direction(tie_break_descending)));
    keys.join(", ")
}

/// Fills in each endpoint's subscriptions, in catalog order.
pub(super) fn attach_subscriptions(
    connection: &Connection,
    endpoints: &mut [Endpoint],
) -> anyhow::Result<()> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT endpoint_id, event_type, added_at FROM subscriptions WHERE endpoint_id IN ({})",
        placeholders(endpoints.len())
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let ids = endpoints.iter().map(|endpoint| endpoint.id as i64);
    let mut by_endpoint: HashMap<u64, Vec<Subscription>> = HashMap::new();
    let rows = statement.query_map(params_from_iter(ids), |row| {
        Ok((
            to_u64(row.get(0)?),
            Subscription {
                event_type: row.get(1)?,
                added_at: clock::iso(row.get(2)?),
            },
        ))
    })?;
    for row in rows {
        let (endpoint_id, subscription) = row?;
        by_endpoint
            .entry(endpoint_id)
            .or_default()
            .push(subscription);
    }
    let catalog_position = |name: &str| {
        catalog::event_types()
            .position(|known| known == name)
            .unwrap_or(usize::MAX)
    };
    for endpoint in endpoints {
        let mut subscriptions = by_endpoint.remove(&endpoint.id).unwrap_or_default();
        subscriptions.sort_by_key(|s| catalog_position(&s.event_type));
        endpoint.events = subscriptions;
    }
    Ok(())
}

pub(super) fn endpoint_by_id(connection: &Connection, id: i64) -> anyhow::Result<Option<Endpoint>> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM endpoints WHERE id = ?");
    let endpoint = connection
        .prepare_cached(&sql)?
        .query_row([id], endpoint_from_row)
        .optional()?;
    let Some(endpoint) = endpoint else {
        return Ok(None);
    };
    let mut endpoints = [endpoint];
    attach_subscriptions(connection, &mut endpoints)?;
    let [endpoint] = endpoints;
    Ok(Some(endpoint))
}

fn set_subscriptions(
    connection: &Connection,
    id: i64,
    event_types: &[String],
    now: Micros,
) -> anyhow::Result<()> {
    let existing: Vec<String> = connection
        .prepare_cached("SELECT event_type FROM subscriptions WHERE endpoint_id = ?")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut remove = connection
        .prepare_cached("DELETE FROM subscriptions WHERE endpoint_id = ? AND event_type = ?")?;
    for event_type in existing.iter().filter(|t| !event_types.contains(t)) {
        remove.execute(params![id, event_type])?;
    }
    let mut add = connection.prepare_cached(
        "INSERT OR IGNORE INTO subscriptions (endpoint_id, event_type, added_at) VALUES (?, ?, ?)",
    )?;
    for event_type in event_types {
        add.execute(params![id, event_type, now])?;
    }
    Ok(())
}

/// Stops everything still to be sent to an endpoint that was deactivated (contract section 6).
fn cancel_pending_deliveries(connection: &Connection, id: i64) -> anyhow::Result<()> {
    connection
        .prepare_cached("DELETE FROM deliveries WHERE endpoint_id = ?")?
        .execute([id])?;
    connection
        .prepare_cached(
            "UPDATE attempts SET next_retry = NULL WHERE endpoint_id = ? AND next_retry IS NOT NULL",
        )?
        .execute([id])?;
    Ok(())
}

impl Store {
    /// A page of endpoints (optionally only those whose target contains `search`, ignoring case),
    /// and how many there are in all.
    pub async fn list_endpoints(
        &self,
        search: Option<String>,
        ordering: Vec<Ordering<EndpointSortField>>,
        window: PageWindow,
    ) -> anyhow::Result<(u64, Vec<Arc<RawValue>>)> {
        if let (None, [ordering]) = (&search, ordering.as_slice()) {
            let model = self.inner.read_model.read().expect("read model lock");
            let page = model.page(*ordering, window.offset, window.limit);
            return Ok((model.count(), page));
        }
        self.read(move |connection| {
            let folded = search.map(|text| text.to_lowercase());
            let filter = if folded.is_some() {
                "WHERE instr(target_folded, ?1) > 0"
            } else {
                ""
            };
            let count: i64 = connection
                .prepare_cached(&format!("SELECT count(*) FROM endpoints {filter}"))?
                .query_row(params_from_iter(folded.iter()), |row| row.get(0))?;
            let limit_params = if folded.is_some() { "?2 OFFSET ?3" } else { "?1 OFFSET ?2" };
            let sql = format!(
                "SELECT {ENDPOINT_COLUMNS} FROM endpoints {filter} ORDER BY {} LIMIT {limit_params}",
                order_by(&ordering)
            );
            let mut statement = connection.prepare_cached(&sql)?;
            let limit = window.limit as i64;
            let offset = i64::try_from(window.offset).unwrap_or(i64::MAX);
            let rows = match &folded {
                Some(text) => statement.query_map(params![text, limit, offset], endpoint_from_row)?,
                None => statement.query_map(params![limit, offset], endpoint_from_row)?,
            };
            let mut endpoints = rows.collect::<Result<Vec<_>, _>>()?;
            attach_subscriptions(connection, &mut endpoints)?;
            let json = endpoints
                .iter()
                .map(|endpoint| serde_json::value::to_raw_value(endpoint).map(Arc::from))
                .collect::<Result<_, _>>()?;
            Ok((to_u64(count), json))
        })
        .await
    }

    pub async fn endpoint(&self, id: i64) -> anyhow::Result<Option<Endpoint>> {
        let model = self.inner.read_model.read().expect("read model lock");
        Ok(model
            .endpoint(id)
            .map(|endpoint| Endpoint::clone(&endpoint)))
    }

    pub async fn endpoint_exists(&self, id: i64) -> anyhow::Result<bool> {
        let model = self.inner.read_model.read().expect("read model lock");
        Ok(model.endpoint(id).is_some())
    }

    pub async fn create_endpoint(&self, new: NewEndpoint) -> anyhow::Result<Endpoint> {
        self.create_endpoint_at(new, clock::now()).await
    }

    /// Creates an endpoint as if at `now` (the seed backdates its demo endpoints).
    pub async fn create_endpoint_at(
        &self,
        new: NewEndpoint,
        now: Micros,
    ) -> anyhow::Result<Endpoint> {
        self.write_endpoints(move |tx| {
            tx.prepare_cached(
                "INSERT INTO endpoints (created_at, updated_at, is_active, target, target_folded,
                 description, ssl_cert_verification, signing_secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                now,
                now,
                new.is_active,
                new.target,
                new.target.to_lowercase(),
                new.description,
                new.ssl_cert_verification,
                new.signing_secret
            ])?;
            let id = tx.last_insert_rowid();
            set_subscriptions(tx, id, &new.event_types, now)?;
            let endpoint =
                endpoint_by_id(tx, id)?.ok_or_else(|| anyhow::anyhow!("endpoint {id} vanished"))?;
            Ok((endpoint, Touched::One(id)))
        })
        .await
    }

    /// Applies `changes`; `None` when there is no such endpoint.
    pub async fn update_endpoint(
        &self,
        id: i64,
        changes: EndpointChanges,
    ) -> anyhow::Result<Option<Endpoint>> {
        self.write_endpoints(move |tx| {
            let was_active: Option<bool> = tx
                .prepare_cached("SELECT is_active FROM endpoints WHERE id = ?")?
                .query_row([id], |row| row.get(0))
                .optional()?;
            let Some(was_active) = was_active else {
                return Ok((None, Touched::One(id)));
            };
            let now = clock::now();
            tx.prepare_cached(
                "UPDATE endpoints SET updated_at = ?2,
                   target = coalesce(?3, target), target_folded = coalesce(?4, target_folded),
                   description = coalesce(?5, description), is_active = coalesce(?6, is_active),
                   ssl_cert_verification = coalesce(?7, ssl_cert_verification)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                now,
                changes.target,
                changes.target.as_ref().map(|t| t.to_lowercase()),
                changes.description,
                changes.is_active,
                changes.ssl_cert_verification
            ])?;
            if let Some(event_types) = &changes.event_types {
                set_subscriptions(tx, id, event_types, now)?;
            }
            if was_active && changes.is_active == Some(false) {
                cancel_pending_deliveries(tx, id)?;
            }
            Ok((endpoint_by_id(tx, id)?, Touched::One(id)))
        })
        .await
    }

    /// Deletes an endpoint with its subscriptions, attempts and pending deliveries.
    pub async fn delete_endpoint(&self, id: i64) -> anyhow::Result<bool> {
        self.write_endpoints(move |tx| {
            let deleted = tx
                .prepare_cached("DELETE FROM endpoints WHERE id = ?")?
                .execute([id])?
                > 0;
            Ok((deleted, Touched::One(id)))
        })
        .await
    }

    pub async fn signing_secret(&self, id: i64) -> anyhow::Result<Option<String>> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached("SELECT signing_secret FROM endpoints WHERE id = ?")?
                .query_row([id], |row| row.get(0))
                .optional()?)
        })
        .await
    }

    /// Sets a new signing secret; the old one signs nothing from now on.
    pub async fn set_signing_secret(
        &self,
        id: i64,
        secret: String,
    ) -> anyhow::Result<Option<Endpoint>> {
        self.write_endpoints(move |tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE endpoints SET signing_secret = ?2, updated_at = ?3 WHERE id = ?1",
                )?
                .execute(params![id, secret, clock::now()])?;
            if changed == 0 {
                return Ok((None, Touched::One(id)));
            }
            Ok((endpoint_by_id(tx, id)?, Touched::One(id)))
        })
        .await
    }

    /// The secrets of the endpoints whose target's path is `path` (for the sink's `signature_valid`).
    pub async fn secrets_for_target_path(&self, path: String) -> anyhow::Result<Vec<String>> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT target, signing_secret FROM endpoints WHERE instr(target, ?) > 0",
            )?;
            let rows = statement.query_map([&path], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut secrets = Vec::new();
            for row in rows {
                let (target, secret) = row?;
                if url_path(&target) == path {
                    secrets.push(secret);
                }
            }
            Ok(secrets)
        })
        .await
    }

    /// The types that at least one active endpoint subscribes to (for `--simulate`).
    pub async fn subscribed_event_types(&self) -> anyhow::Result<Vec<String>> {
        self.read(|connection| {
            Ok(connection
                .prepare_cached(
                    "SELECT DISTINCT s.event_type FROM subscriptions s
                     JOIN endpoints e ON e.id = s.endpoint_id WHERE e.is_active = 1",
                )?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?)
        })
        .await
    }
}

/// The path of an absolute URL (`http://host:1/a/b?q` → `/a/b`).
pub fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_more = after_scheme
        .find('/')
        .map_or("", |start| &after_scheme[start..]);
    let end = path_and_more
        .find(['?', '#'])
        .unwrap_or(path_and_more.len());
    &path_and_more[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_path_drops_scheme_host_query_and_fragment() {
        assert_eq!(
            url_path("http://127.0.0.1:9/__mock/sink/crm/?x=1#f"),
            "/__mock/sink/crm/"
        );
        assert_eq!(url_path("https://example.com"), "");
    }

    #[test]
    fn ties_break_by_id_in_the_first_keys_direction() {
        assert_eq!(
            order_by(&[
                Ordering::asc(EndpointSortField::IsActive),
                Ordering::desc(EndpointSortField::CreatedAt)
            ]),
            "is_active ASC, created_at DESC, id ASC"
        );
        assert_eq!(order_by(&[]), "id DESC");
    }
}
