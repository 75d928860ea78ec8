//! Issued OAuth tokens, kept as SHA-256 hashes so the database holds nothing that authenticates.

use rusqlite::params;

use super::Store;
use crate::clock::Micros;

#[derive(Clone, Debug)]
pub struct StoredToken {
    pub token_hash: String,
    pub username: String,
    /// `access` or `refresh`.
    pub kind: String,
    pub expires_at: Micros,
}

impl Store {
    pub async fn save_tokens(&self, tokens: Vec<StoredToken>) -> anyhow::Result<()> {
        self.write(move |tx, _| {
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO tokens (token_hash, username, kind, expires_at)
                 VALUES (?, ?, ?, ?)",
            )?;
            for token in tokens {
                insert.execute(params![
                    token.token_hash,
                    token.username,
                    token.kind,
                    token.expires_at
                ])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn delete_token(&self, token_hash: String) -> anyhow::Result<()> {
        self.write(move |tx, _| {
            tx.prepare_cached("DELETE FROM tokens WHERE token_hash = ?")?
                .execute([token_hash])?;
            Ok(())
        })
        .await
    }

    /// Every token not yet expired at `now` (expired ones are dropped on the way).
    pub async fn live_tokens(&self, now: Micros) -> anyhow::Result<Vec<StoredToken>> {
        self.write(move |tx, _| {
            tx.prepare_cached("DELETE FROM tokens WHERE expires_at <= ?")?
                .execute([now])?;
            Ok(tx
                .prepare_cached("SELECT token_hash, username, kind, expires_at FROM tokens")?
                .query_map([], |row| {
                    Ok(StoredToken {
                        token_hash: row.get(0)?,
                        username: row.get(1)?,
                        kind: row.get(2)?,
                        expires_at: row.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }
}
