//! Endpoints and their subscriptions.

use std::sync::{Arc, RwLockReadGuard};

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::value::RawValue;
use webhook_api::{Endpoint, EndpointSortField, Ordering, SortField};

use super::{
    DeliveryChange, PageWindow, Store,
    read_model::{Change, DeliveryTarget, ReadModel},
    rows::{
        ENDPOINT_COLUMNS, EndpointRow, attach_subscriptions, endpoint_by_id, endpoint_from_row,
        to_u64,
    },
    writer::Effects,
};
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

/// The endpoint for the caller and its row for the read model.
fn saved(row: EndpointRow) -> (Endpoint, Effects) {
    (row.endpoint.clone(), Effects::endpoints(Change::Saved(row)))
}

fn saved_if_found(row: Option<EndpointRow>) -> (Option<Endpoint>, Effects) {
    match row {
        Some(row) => {
            let (endpoint, effects) = saved(row);
            (Some(endpoint), effects)
        }
        None => (None, Effects::default()),
    }
}

impl Store {
    /// The endpoints in memory, for reading (writers hold the lock only to apply a commit's changes).
    fn read_model(&self) -> RwLockReadGuard<'_, ReadModel> {
        self.inner
            .shared
            .read_model
            .read()
            .expect("read model lock")
    }

    /// A page of endpoints (optionally only those whose target contains `search`, ignoring case),
    /// and how many there are in all.
    pub async fn list_endpoints(
        &self,
        search: Option<String>,
        ordering: Vec<Ordering<EndpointSortField>>,
        window: PageWindow,
    ) -> anyhow::Result<(u64, Vec<Arc<RawValue>>)> {
        if let (None, [ordering]) = (&search, ordering.as_slice()) {
            let model = self.read_model();
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
                .map(|row| serde_json::value::to_raw_value(&row.endpoint).map(Arc::from))
                .collect::<Result<_, _>>()?;
            Ok((to_u64(count), json))
        })
        .await
    }

    pub async fn endpoint(&self, id: i64) -> anyhow::Result<Option<Endpoint>> {
        let model = self.read_model();
        Ok(model
            .endpoint(id)
            .map(|endpoint| Endpoint::clone(&endpoint)))
    }

    /// Where and how the endpoint's deliveries go, from memory; `None` when it is gone.
    pub fn delivery_target(&self, id: i64) -> Option<DeliveryTarget> {
        let model = self.read_model();
        model.delivery_target(id)
    }

    pub async fn endpoint_exists(&self, id: i64) -> anyhow::Result<bool> {
        let model = self.read_model();
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
        self.write_with(move |tx, _| {
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
            let row =
                endpoint_by_id(tx, id)?.ok_or_else(|| anyhow::anyhow!("endpoint {id} vanished"))?;
            Ok(saved(row))
        })
        .await
    }

    /// Applies `changes`; `None` when there is no such endpoint.
    pub async fn update_endpoint(
        &self,
        id: i64,
        changes: EndpointChanges,
    ) -> anyhow::Result<Option<Endpoint>> {
        self.write_with(move |tx, _| {
            let was_active: Option<bool> = tx
                .prepare_cached("SELECT is_active FROM endpoints WHERE id = ?")?
                .query_row([id], |row| row.get(0))
                .optional()?;
            let Some(was_active) = was_active else {
                return Ok((None, Effects::default()));
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
            let cancelled = was_active && changes.is_active == Some(false);
            if cancelled {
                cancel_pending_deliveries(tx, id)?;
            }
            let (endpoint, mut effects) = saved_if_found(endpoint_by_id(tx, id)?);
            if cancelled {
                effects
                    .deliveries
                    .push(DeliveryChange::EndpointCancelled(id));
            }
            Ok((endpoint, effects))
        })
        .await
    }

    /// Deletes an endpoint with its subscriptions, attempts and pending deliveries.
    pub async fn delete_endpoint(&self, id: i64) -> anyhow::Result<bool> {
        self.write_with(move |tx, _| {
            let deleted = tx
                .prepare_cached("DELETE FROM endpoints WHERE id = ?")?
                .execute([id])?
                > 0;
            let effects = if deleted {
                Effects {
                    endpoints: vec![Change::Deleted(id)],
                    deliveries: vec![DeliveryChange::EndpointCancelled(id)],
                }
            } else {
                Effects::default()
            };
            Ok((deleted, effects))
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
        self.write_with(move |tx, _| {
            let changed = tx
                .prepare_cached(
                    "UPDATE endpoints SET signing_secret = ?2, updated_at = ?3 WHERE id = ?1",
                )?
                .execute(params![id, secret, clock::now()])?;
            if changed == 0 {
                return Ok((None, Effects::default()));
            }
            Ok(saved_if_found(endpoint_by_id(tx, id)?))
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
