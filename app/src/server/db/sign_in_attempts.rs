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

/// Serialises sign-in attempts on the same email and on the same client
/// address until the transaction ends, so that checking the limits and
/// counting an attempt is one step per key. Always the email's lock first,
/// then the address's: two attempts never wait on each other in a circle.
pub async fn lock_keys(
    conn: &mut sqlx::PgConnection,
    email_lower: &str,
    client_ip: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.sign_in.email:' || $1, 0))",
        email_lower
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.sign_in.address:' || $1, 0))",
        client_ip
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts an attempt as failed before its password is checked; returns its
/// id, so that [`forget`] can take it back when the password was right.
pub async fn count_failure(
    db: impl PgExecutor<'_>,
    email_lower: &str,
    client_ip: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded)
         VALUES ($1, $2, false) RETURNING id",
        email_lower,
        client_ip
    )
    .fetch_one(db)
    .await
}

/// Takes back an attempt counted by [`count_failure`].
pub async fn forget(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sign_in_attempts WHERE id = $1", id)
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
