//! Sign-in attempts, for delays that hold across restarts and processes.
//! `client_ip` holds the client's limit key (its address, or its IPv6 /64).

use crate::domain::AccountId;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use std::time::Duration;

pub async fn record(
    db: impl PgExecutor<'_>,
    email_lower: &str,
    client_key: &str,
    succeeded: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded) VALUES ($1, $2, $3)",
        email_lower,
        client_key,
        succeeded
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Serialises sign-in attempts on the same email and on the same client
/// until the transaction ends, so that checking the delays and counting an
/// attempt is one step per key. Always the email's lock first, then the
/// address's: two attempts never wait on each other in a circle.
pub async fn lock_keys(
    conn: &mut sqlx::PgConnection,
    email_lower: &str,
    client_key: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.sign_in.email:' || $1, 0))",
        email_lower
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.sign_in.address:' || $1, 0))",
        client_key
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
    client_key: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded)
         VALUES ($1, $2, false) RETURNING id",
        email_lower,
        client_key
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

/// Recent failures for one key: how many (up to the number that matters)
/// and when the latest was.
pub struct Failures {
    pub count: u32,
    pub latest: Option<DateTime<Utc>>,
}

impl Failures {
    pub(crate) fn from_row(count: Option<i64>, latest: Option<DateTime<Utc>>) -> Self {
        Self {
            count: u32::try_from(count.unwrap_or(0)).unwrap_or(u32::MAX),
            latest,
        }
    }
}

/// The failures for this email inside `lookback` since the account's
/// latest successful sign-in, counting at most `limit`.
pub async fn account_failures(
    db: impl PgExecutor<'_>,
    email_lower: &str,
    lookback: Duration,
    limit: u32,
) -> sqlx::Result<Failures> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count", max(attempted_at) AS "latest"
           FROM (SELECT attempted_at FROM sign_in_attempts
                  WHERE email_lower = $1 AND NOT succeeded
                    AND attempted_at > now() - make_interval(secs => $2)
                    AND attempted_at > COALESCE(
                        (SELECT max(attempted_at) FROM sign_in_attempts
                          WHERE email_lower = $1 AND succeeded),
                        '-infinity')
                  ORDER BY attempted_at DESC LIMIT $3) recent"#,
        email_lower,
        lookback.as_secs_f64(),
        i64::from(limit)
    )
    .fetch_one(db)
    .await?;
    Ok(Failures::from_row(row.count, row.latest))
}

/// The failures from this client inside `lookback`, counting at most
/// `limit`. A success from the address does not reset them: anyone can
/// sign in to an account of their own.
pub async fn address_failures(
    db: impl PgExecutor<'_>,
    client_key: &str,
    lookback: Duration,
    limit: u32,
) -> sqlx::Result<Failures> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count", max(attempted_at) AS "latest"
           FROM (SELECT attempted_at FROM sign_in_attempts
                  WHERE client_ip = $1 AND NOT succeeded
                    AND attempted_at > now() - make_interval(secs => $2)
                  ORDER BY attempted_at DESC LIMIT $3) recent"#,
        client_key,
        lookback.as_secs_f64(),
        i64::from(limit)
    )
    .fetch_one(db)
    .await?;
    Ok(Failures::from_row(row.count, row.latest))
}

/// Whether the browser holding the device token `token_hash` signed in to
/// the account with this email before.
pub async fn is_known_device(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    email_lower: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM known_devices d JOIN accounts a ON a.id = d.account_id
              WHERE d.token_hash = $1 AND lower(a.email) = $2) AS "known!""#,
        token_hash,
        email_lower
    )
    .fetch_one(db)
    .await
}

/// Remembers that the browser with `token_hash` signed in to `account`.
pub async fn remember_device(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    account: AccountId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO known_devices (token_hash, account_id) VALUES ($1, $2)
         ON CONFLICT (token_hash, account_id) DO UPDATE SET last_used_at = now()",
        token_hash,
        account as AccountId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Forgets the browsers known to `account`, but the one with `keep` (the
/// browser that changed the password): a new password is not known to
/// them, so they must not skip its delay either.
pub async fn forget_devices(
    db: impl PgExecutor<'_>,
    account: AccountId,
    keep: Option<&[u8]>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM known_devices WHERE account_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)",
        account as AccountId,
        keep
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Claims today's "your sign-ins are delayed" notice for `account`: its
/// email address, at most once in 24 hours.
pub async fn claim_delay_notice(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        r#"INSERT INTO sign_in_delay_notices (account_id, notified_at) VALUES ($1, now())
           ON CONFLICT (account_id) DO UPDATE SET notified_at = now()
            WHERE sign_in_delay_notices.notified_at < now() - interval '1 day'
           RETURNING (SELECT email FROM accounts WHERE id = $1) AS "email!""#,
        account as AccountId
    )
    .fetch_optional(db)
    .await
}

/// Deletes attempts (and reset requests) older than `age`: the delays
/// never look back that far. Returns how many rows went.
pub async fn purge_older_than(db: impl PgExecutor<'_> + Copy, age: Duration) -> sqlx::Result<u64> {
    let attempts = sqlx::query!(
        "DELETE FROM sign_in_attempts WHERE attempted_at < now() - make_interval(secs => $1)",
        age.as_secs_f64()
    )
    .execute(db)
    .await?
    .rows_affected();
    let resets = sqlx::query!(
        "DELETE FROM password_reset_requests WHERE requested_at < now() - make_interval(secs => $1)",
        age.as_secs_f64()
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(attempts + resets)
}
