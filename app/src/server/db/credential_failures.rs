//! Failed checks after a sign-in's password (see the migration
//! `credential_failures`): second-factor codes, and the password asked
//! again inside a session. Counted before the check and taken back when it
//! proves right, as `sign_in_attempts` does.

use super::sign_in_attempts::Failures;
use crate::domain::AccountId;
use sqlx::PgExecutor;
use std::time::Duration;

/// What failed: a second factor, or a password inside a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Factor,
    Password,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Factor => "factor",
            Self::Password => "password",
        }
    }
}

/// Serialises the checks of one account until the transaction ends, so
/// that reading its failures and counting one more is one step.
pub async fn lock(conn: &mut sqlx::PgConnection, account: AccountId) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.credential:' || $1::text, 0))",
        account as AccountId
    )
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Counts an attempt as failed before it is checked; returns its id for
/// [`forget`].
pub async fn count_failure(
    db: impl PgExecutor<'_>,
    account: AccountId,
    kind: Kind,
    attempt_key: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO credential_failures (account_id, kind, attempt_key)
         VALUES ($1, $2, $3) RETURNING id",
        account as AccountId,
        kind.as_str(),
        attempt_key
    )
    .fetch_one(db)
    .await
}

/// Takes back an attempt counted by [`count_failure`].
pub async fn forget(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM credential_failures WHERE id = $1", id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The failures of one attempter (a pending sign-in, a session) inside
/// `lookback`, counting at most `limit`.
pub async fn by_attempter(
    db: impl PgExecutor<'_>,
    attempt_key: &str,
    kind: Kind,
    lookback: Duration,
    limit: u32,
) -> sqlx::Result<Failures> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count", max(failed_at) AS "latest"
           FROM (SELECT failed_at FROM credential_failures
                  WHERE attempt_key = $1 AND kind = $2
                    AND failed_at > now() - make_interval(secs => $3)
                  ORDER BY failed_at DESC LIMIT $4) recent"#,
        attempt_key,
        kind.as_str(),
        lookback.as_secs_f64(),
        i64::from(limit)
    )
    .fetch_one(db)
    .await?;
    Ok(Failures::from_row(row.count, row.latest))
}

/// The account's failures of `kind` inside `lookback`, whoever made them,
/// counting at most `limit`.
pub async fn by_account(
    db: impl PgExecutor<'_>,
    account: AccountId,
    kind: Kind,
    lookback: Duration,
    limit: u32,
) -> sqlx::Result<Failures> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count", max(failed_at) AS "latest"
           FROM (SELECT failed_at FROM credential_failures
                  WHERE account_id = $1 AND kind = $2
                    AND failed_at > now() - make_interval(secs => $3)
                  ORDER BY failed_at DESC LIMIT $4) recent"#,
        account as AccountId,
        kind.as_str(),
        lookback.as_secs_f64(),
        i64::from(limit)
    )
    .fetch_one(db)
    .await?;
    Ok(Failures::from_row(row.count, row.latest))
}

/// Whether the account has a factor failure from a sign-in (not from an
/// open session) since the factor last proved right: the owner is told of
/// the first one only.
pub async fn any_from_sign_ins(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM credential_failures
                           WHERE account_id = $1 AND kind = 'factor'
                             AND attempt_key NOT LIKE 'session:%') AS "any!""#,
        account as AccountId
    )
    .fetch_one(db)
    .await
}

/// Forgets the account's failures of `kind`: for a factor after a right
/// one, a password reset, or a reset of the factor by an admin or the
/// operator; for a password after a right one, a reset or a change.
pub async fn clear(db: impl PgExecutor<'_>, account: AccountId, kind: Kind) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM credential_failures WHERE account_id = $1 AND kind = $2",
        account as AccountId,
        kind.as_str()
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Forgets the failures of `kind` that `attempt_key` made.
pub async fn clear_attempter(
    db: impl PgExecutor<'_>,
    attempt_key: &str,
    kind: Kind,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM credential_failures WHERE attempt_key = $1 AND kind = $2",
        attempt_key,
        kind.as_str()
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// [`clear`] for the factor.
pub async fn clear_factor_failures(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<u64> {
    clear(db, account, Kind::Factor).await
}

/// Deletes failures older than `age`. Returns how many rows went.
pub async fn purge_older_than(db: impl PgExecutor<'_>, age: Duration) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM credential_failures WHERE failed_at < now() - make_interval(secs => $1)",
        age.as_secs_f64()
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}
