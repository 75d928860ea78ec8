//! From SQLite rows to the API's types: the layer under the store's queries ([`super::endpoints`],
//! [`super::attempts`]) and the read model ([`super::read_model`]), which all read endpoints the same way.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};
use webhook_api::{Attempt, AttemptEvent, DeliveryError, Endpoint, Subscription, catalog};

use crate::clock::{self, Micros};

/// The columns [`endpoint_from_row`] reads, in its order.
pub const ENDPOINT_COLUMNS: &str = "id, created_at, updated_at, is_active, target, description,
     ssl_cert_verification, signing_secret";

/// An endpoint as the API shows it, with its times as stored (the read model orders by them) and
/// the secret its deliveries are signed with.
pub struct EndpointRow {
    pub endpoint: Endpoint,
    pub created_at: Micros,
    pub updated_at: Micros,
    pub signing_secret: String,
}

/// One row of [`ENDPOINT_COLUMNS`]; its subscriptions come from [`attach_subscriptions`].
pub fn endpoint_from_row(row: &Row<'_>) -> rusqlite::Result<EndpointRow> {
    let created_at = row.get(1)?;
    let updated_at = row.get(2)?;
    Ok(EndpointRow {
        endpoint: Endpoint {
            id: to_u64(row.get(0)?),
            created_at: clock::iso(created_at),
            updated_at: clock::iso(updated_at),
            is_active: row.get(3)?,
            target: row.get(4)?,
            description: row.get(5)?,
            events: Vec::new(),
            ssl_cert_verification: row.get(6)?,
        },
        created_at,
        updated_at,
        signing_secret: row.get(7)?,
    })
}

/// Fills in each endpoint's subscriptions, in catalog order.
pub fn attach_subscriptions(
    connection: &Connection,
    endpoints: &mut [EndpointRow],
) -> anyhow::Result<()> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT endpoint_id, event_type, added_at FROM subscriptions WHERE endpoint_id IN ({})",
        placeholders(endpoints.len())
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let ids = endpoints.iter().map(|row| row.endpoint.id as i64);
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
    for row in endpoints {
        let mut subscriptions = by_endpoint.remove(&row.endpoint.id).unwrap_or_default();
        subscriptions.sort_by_key(|s| catalog_position(&s.event_type));
        row.endpoint.events = subscriptions;
    }
    Ok(())
}

/// One endpoint with its subscriptions.
pub fn endpoint_by_id(connection: &Connection, id: i64) -> anyhow::Result<Option<EndpointRow>> {
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

/// Every endpoint with its subscriptions.
pub fn all_endpoints(connection: &Connection) -> anyhow::Result<Vec<EndpointRow>> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM endpoints");
    let mut endpoints = connection
        .prepare_cached(&sql)?
        .query_map([], endpoint_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in endpoints.chunks_mut(500) {
        attach_subscriptions(connection, chunk)?;
    }
    Ok(endpoints)
}

/// The columns [`attempt_from_row`] reads, in its order, from `attempts a JOIN events e` and the
/// subscription `s` of the attempt's endpoint to the event's type.
pub const ATTEMPT_COLUMNS: &str =
    "a.id, a.created_at, e.id, e.type, coalesce(s.added_at, e.created_at),
     a.sent_at, e.payload, a.signature_header, a.response_code, a.response_body, a.next_retry,
     a.error, a.duration_ms";

/// One row of [`ATTEMPT_COLUMNS`].
pub fn attempt_from_row(row: &Row<'_>) -> rusqlite::Result<Attempt> {
    let error: Option<String> = row.get(11)?;
    Ok(Attempt {
        id: to_u64(row.get(0)?),
        created_at: clock::iso(row.get(1)?),
        event: AttemptEvent {
            id: Some(to_u64(row.get(2)?)),
            event_type: row.get(3)?,
            added_at: clock::iso(row.get(4)?),
        },
        sent_at: Some(clock::iso(row.get(5)?)),
        http_request_body: String::from_utf8_lossy(&row.get::<_, Vec<u8>>(6)?).into_owned(),
        http_request_signature_header: row.get(7)?,
        http_response_code: row.get(8)?,
        http_response_body: row.get(9)?,
        next_retry: row.get::<_, Option<Micros>>(10)?.map(clock::iso),
        error: error.map(|text| {
            serde_json::from_value(serde_json::Value::String(text)).unwrap_or(DeliveryError::Other)
        }),
        duration_ms: Some(to_u64(row.get(12)?)),
    })
}

/// `?, ?, ?` for `n` values.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

pub fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}
