//! Every endpoint in memory, in each single-field order the list offers, so that a list page costs the
//! page and not the offset: SQLite's `OFFSET` walks every skipped row, which at 10,000 endpoints costs
//! more than the rest of the request. The delivery worker looks up where and how to send here too.
//! SQLite stays the truth: the model is loaded from it on open, and after every commit that changes
//! endpoints the writer hands it the rows that commit wrote, before it answers anyone, so it changes
//! in commit order and before the request that made the change is answered.

use std::{collections::HashMap, sync::Arc};

use rusqlite::Connection;
use serde_json::value::RawValue;
use webhook_api::{Endpoint, EndpointSortField, Ordering};

use super::rows::{self, EndpointRow};
use crate::clock::Micros;

/// One order: (key, id) ascending; read backwards for descending (ties then go by id descending too).
type Order = Vec<(i64, i64)>;

#[derive(Default)]
pub struct ReadModel {
    endpoints: HashMap<i64, Cached>,
    by_created_at: Order,
    by_updated_at: Order,
    by_is_active: Order,
}

struct Cached {
    endpoint: Arc<Endpoint>,
    /// Its JSON, written once per change: a page is then a concatenation.
    json: Arc<RawValue>,
    created_at: Micros,
    updated_at: Micros,
    signing_secret: String,
}

/// Where and how an endpoint's deliveries go.
#[derive(Clone, Debug)]
pub struct DeliveryTarget {
    pub target: String,
    pub signing_secret: String,
    pub ssl_cert_verification: bool,
}

/// What a commit did to the endpoints.
pub enum Change {
    /// Created or changed: the row as the commit left it.
    Saved(EndpointRow),
    Deleted(i64),
    /// Every endpoint is gone (a reset).
    Cleared,
}

impl ReadModel {
    pub fn load(connection: &Connection) -> anyhow::Result<Self> {
        let mut model = Self::default();
        for row in rows::all_endpoints(connection)? {
            model.insert(row);
        }
        Ok(model)
    }

    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Saved(row) => {
                self.remove(row.endpoint.id as i64);
                self.insert(row);
            }
            Change::Deleted(id) => self.remove(id),
            Change::Cleared => *self = Self::default(),
        }
    }

    fn insert(&mut self, row: EndpointRow) {
        let EndpointRow {
            endpoint,
            created_at,
            updated_at,
            signing_secret,
        } = row;
        let id = endpoint.id as i64;
        insert_sorted(&mut self.by_created_at, (created_at, id));
        insert_sorted(&mut self.by_updated_at, (updated_at, id));
        insert_sorted(&mut self.by_is_active, (i64::from(endpoint.is_active), id));
        let json = serde_json::value::to_raw_value(&endpoint)
            .expect("an endpoint serializes")
            .into();
        self.endpoints.insert(
            id,
            Cached {
                endpoint: Arc::new(endpoint),
                json,
                created_at,
                updated_at,
                signing_secret,
            },
        );
    }

    fn remove(&mut self, id: i64) {
        let Some(cached) = self.endpoints.remove(&id) else {
            return;
        };
        remove_sorted(&mut self.by_created_at, (cached.created_at, id));
        remove_sorted(&mut self.by_updated_at, (cached.updated_at, id));
        remove_sorted(
            &mut self.by_is_active,
            (i64::from(cached.endpoint.is_active), id),
        );
    }

    pub fn endpoint(&self, id: i64) -> Option<Arc<Endpoint>> {
        self.endpoints
            .get(&id)
            .map(|cached| Arc::clone(&cached.endpoint))
    }

    /// Where an endpoint's deliveries go (active or not: a resend goes to an inactive endpoint too);
    /// `None` when it is gone.
    pub fn delivery_target(&self, id: i64) -> Option<DeliveryTarget> {
        let cached = self.endpoints.get(&id)?;
        Some(DeliveryTarget {
            target: cached.endpoint.target.clone(),
            signing_secret: cached.signing_secret.clone(),
            ssl_cert_verification: cached.endpoint.ssl_cert_verification,
        })
    }

    pub fn count(&self) -> u64 {
        self.endpoints.len() as u64
    }

    /// A page in a one-field order, as JSON.
    pub fn page(
        &self,
        ordering: Ordering<EndpointSortField>,
        offset: u64,
        limit: u64,
    ) -> Vec<Arc<RawValue>> {
        let order = match ordering.field {
            EndpointSortField::CreatedAt => &self.by_created_at,
            EndpointSortField::UpdatedAt => &self.by_updated_at,
            EndpointSortField::IsActive => &self.by_is_active,
        };
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let ids: Box<dyn Iterator<Item = &(i64, i64)>> = if ordering.descending {
            Box::new(order.iter().rev())
        } else {
            Box::new(order.iter())
        };
        ids.skip(offset)
            .take(limit)
            .filter_map(|(_, id)| self.endpoints.get(id))
            .map(|cached| Arc::clone(&cached.json))
            .collect()
    }
}

fn insert_sorted(order: &mut Order, key: (i64, i64)) {
    let at = order.binary_search(&key).unwrap_or_else(|at| at);
    order.insert(at, key);
}

fn remove_sorted(order: &mut Order, key: (i64, i64)) {
    if let Ok(at) = order.binary_search(&key) {
        order.remove(at);
    }
}
