//! Periodic clean-up: rows kept only for limits are deleted once no limit
//! looks back that far, so the tables (and the lookups on them) stay small.
//! Every process runs it; the deletes are idempotent. Emails still waiting
//! when their link stops working are given up on and scrubbed here too:
//! with no mail transport configured, no worker ever would.

use app::server::db::{outbox, sign_in_attempts, team_events, two_factor};
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Sign-in attempts and reset requests older than this are deleted.
pub const KEEP_ATTEMPTS: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often the clean-up runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Runs [`run_once`] now and then every hour until `stop` turns true.
pub fn spawn(pool: PgPool, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&pool).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "housekeeping: purged old rows"),
                Err(error) => tracing::warn!(%error, "housekeeping failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
        }
    })
}

/// Deletes attempts and reset requests older than [`KEEP_ATTEMPTS`], and
/// sign-ins that waited for their second factor and ended over a day ago
/// (kept that long only to explain a refusal in the logs); scrubs waiting
/// emails whose link expired. Returns how many rows went.
pub async fn run_once(pool: &PgPool) -> sqlx::Result<u64> {
    let attempts = sign_in_attempts::purge_older_than(pool, KEEP_ATTEMPTS).await?
        + app::server::db::credential_failures::purge_older_than(pool, KEEP_ATTEMPTS).await?;
    let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
    let pending = two_factor::purge_pending(pool, day_ago).await?;
    // An invitation's delivery shows in the team table: announced with it.
    let mut tx = pool.begin().await?;
    let scrubbed = outbox::scrub_expired(&mut *tx).await?;
    team_events::notify(&mut *tx, &scrubbed).await?;
    tx.commit().await?;
    Ok(attempts + pending + scrubbed.len() as u64)
}
