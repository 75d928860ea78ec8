//! Attempts: the recorded tries of delivering an event to an endpoint.

use rusqlite::params;
use webhook_api::{Attempt, AttemptSortField, Ordering, SortField};

use super::{
    PageWindow, Store,
    rows::{ATTEMPT_COLUMNS, attempt_from_row, to_u64},
};

/// The `ORDER BY` of an attempts page.
pub struct AttemptOrderingSql(String);

impl AttemptOrderingSql {
    pub fn new(ordering: &[Ordering<AttemptSortField>]) -> Self {
        let direction = |descending: bool| if descending { "DESC" } else { "ASC" };
        let mut keys: Vec<String> = ordering
            .iter()
            .map(|key| format!("a.{} {}", key.field.as_str(), direction(key.descending)))
            .collect();
        let tie_break_descending = ordering.first().is_none_or(|key| key.descending);
        keys.push(format!("a.id {}", direction(tie_break_descending)));
        Self(keys.join(", "))
    }
}

impl Store {
    /// A page of an endpoint's attempts and how many it has; `None` if there is no such endpoint.
    pub async fn list_attempts(
        &self,
        endpoint_id: i64,
        ordering: AttemptOrderingSql,
        window: PageWindow,
    ) -> anyhow::Result<Option<(u64, Vec<Attempt>)>> {
        self.read(move |connection| {
            if !connection
                .prepare_cached("SELECT 1 FROM endpoints WHERE id = ?")?
                .exists([endpoint_id])?
            {
                return Ok(None);
            }
            let count: i64 = connection
                .prepare_cached("SELECT count(*) FROM attempts WHERE endpoint_id = ?")?
                .query_row([endpoint_id], |row| row.get(0))?;
            let sql = format!(
                // The attempt's `event.added_at` is when the endpoint subscribed to the type, as on the
                // platform (its reference shows it before the payload's `created`); the event's own
                // time once the subscription is gone.
                "SELECT {ATTEMPT_COLUMNS}
                 FROM attempts a JOIN events e ON e.id = a.event_id
                 LEFT JOIN subscriptions s ON s.endpoint_id = a.endpoint_id AND s.event_type = e.type
                 WHERE a.endpoint_id = ? ORDER BY {ordering} LIMIT ? OFFSET ?",
                ordering = ordering.0
            );
            let attempts = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![
                        endpoint_id,
                        window.limit as i64,
                        i64::try_from(window.offset).unwrap_or(i64::MAX)
                    ],
                    attempt_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some((to_u64(count), attempts)))
        })
        .await
    }
}
