//! Sign-in attempts, for rate limits that hold across restarts and processes.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use std::time::Duration;

pub async fn record(
    db: impl PgExecutor<'_>,
    email_lower: &str,
    client_ip: &str,
    succeeded: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded) VALUES ($1, $2, $3)",
        email_lower,
        client_ip,
        succeeded
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The times of the latest `limit` failures for this email inside `window`,
/// not counting those before the account's last successful sign-in. Newest
/// first.
pub async fn recent_account_failures(
    db: impl PgExecutor<'_>,
    email_lower: &str,
    window: Duration,
    limit: i64,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT attempted_at FROM sign_in_attempts
           WHERE email_lower = $1 AND NOT succeeded
             AND attempted_at > now() - make_interval(secs => $2)
             AND attempted_at > COALESCE(
                 (SELECT max(attempted_at) FROM sign_in_attempts WHERE email_lower = $1 AND succeeded),
                 '-infinity')
           ORDER BY attempted_at DESC LIMIT $3"#,
        email_lower,
        window.as_secs_f64(),
        limit
    )
    .fetch_all(db)
    .await
}

/// The times of the latest `limit` failures from this client address inside
/// `window`. Newest first.
pub async fn recent_address_failures(
    db: impl PgExecutor<'_>,
    client_ip: &str,
    window: Duration,
    limit: i64,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT attempted_at FROM sign_in_attempts
           WHERE client_ip = $1 AND NOT succeeded AND attempted_at > now() - make_interval(secs => $2)
           ORDER BY attempted_at DESC LIMIT $3"#,
        client_ip,
        window.as_secs_f64(),
        limit
    )
    .fetch_all(db)
    .await
}
