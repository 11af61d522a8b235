//! Second factors: an account's authenticator app, its recovery codes, and
//! sign-ins waiting for the factor. Times that judge codes and expiry come
//! from the caller's clock (`server::clock`), never from SQL's `now()`.

use crate::domain::{AccountId, OrganisationId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// An account's authenticator, sealed.
pub struct Factor {
    pub secret_sealed: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn find(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<Factor>> {
    sqlx::query_as!(
        Factor,
        "SELECT secret_sealed, created_at, confirmed_at, last_used_at
         FROM totp_factors WHERE account_id = $1",
        account as AccountId
    )
    .fetch_optional(db)
    .await
}

/// Whether the account signs in with a second factor.
pub async fn is_enabled(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM totp_factors
                          WHERE account_id = $1 AND confirmed_at IS NOT NULL) AS "enabled!""#,
        account as AccountId
    )
    .fetch_one(db)
    .await
}

/// Starts a setup: a new unconfirmed secret replaces an earlier
/// unconfirmed one. Returns false (and changes nothing) when the account
/// already has a confirmed authenticator.
pub async fn start_setup(
    db: impl PgExecutor<'_>,
    account: AccountId,
    secret_sealed: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let written = sqlx::query!(
        "INSERT INTO totp_factors (account_id, secret_sealed, created_at)
         VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE
             SET secret_sealed = EXCLUDED.secret_sealed, created_at = EXCLUDED.created_at,
                 last_step = 0, last_used_at = NULL
             WHERE totp_factors.confirmed_at IS NULL",
        account as AccountId,
        secret_sealed,
        now
    )
    .execute(db)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// Confirms the setup begun at or after `started_after` with a code of
/// `step`; the account's team rows show it from now on. False when there
/// is no such setup.
pub async fn confirm(
    db: impl PgExecutor<'_>,
    account: AccountId,
    step: i64,
    started_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let confirmed = sqlx::query_scalar!(
        r#"WITH confirmed AS (
               UPDATE totp_factors SET confirmed_at = $4, last_step = $2, last_used_at = $4
               WHERE account_id = $1 AND confirmed_at IS NULL AND created_at >= $3
               RETURNING account_id)
           UPDATE accounts SET two_factor_enabled_at = $4
           FROM confirmed WHERE accounts.id = confirmed.account_id
           RETURNING accounts.id"#,
        account as AccountId,
        step,
        started_after,
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(confirmed.is_some())
}

/// Records a code of `step` as used, only if no code of this step or a
/// later one was: of two requests with the same code, one gets `true`.
pub async fn use_step(
    db: impl PgExecutor<'_>,
    account: AccountId,
    step: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "UPDATE totp_factors SET last_step = $2, last_used_at = $3
         WHERE account_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
        account as AccountId,
        step,
        now
    )
    .execute(db)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Removes the account's authenticator and recovery codes. True when it
/// had a confirmed one.
pub async fn remove(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    let removed = sqlx::query_scalar!(
        r#"WITH factor AS (
               DELETE FROM totp_factors WHERE account_id = $1 RETURNING confirmed_at),
           codes AS (DELETE FROM recovery_codes WHERE account_id = $1),
           account AS (UPDATE accounts SET two_factor_enabled_at = NULL WHERE id = $1)
           SELECT EXISTS (SELECT 1 FROM factor WHERE confirmed_at IS NOT NULL) AS "removed!""#,
        account as AccountId
    )
    .fetch_one(db)
    .await?;
    Ok(removed)
}

/// Replaces every recovery code of the account with `hashes`.
pub async fn replace_recovery_codes(
    db: impl PgExecutor<'_>,
    account: AccountId,
    hashes: &[Vec<u8>],
) -> sqlx::Result<()> {
    sqlx::query!(
        "WITH gone AS (DELETE FROM recovery_codes WHERE account_id = $1)
         INSERT INTO recovery_codes (account_id, code_hash)
         SELECT $1, hash FROM unnest($2::bytea[]) AS hash",
        account as AccountId,
        hashes
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Uses the recovery code with `hash`, once: the number of unused codes
/// left, or `None` when it is not an unused code of the account.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    account: AccountId,
    hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"WITH used AS (
               UPDATE recovery_codes SET used_at = $3
               WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL
               RETURNING account_id)
           SELECT (SELECT count(*) FROM recovery_codes r
                   WHERE r.account_id = used.account_id AND r.used_at IS NULL) - 1 AS "left!"
           FROM used"#,
        account as AccountId,
        hash,
        now
    )
    .fetch_optional(db)
    .await
}

/// Unused recovery codes of the account.
pub async fn recovery_codes_left(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "left!" FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL"#,
        account as AccountId
    )
    .fetch_one(db)
    .await
}

pub struct NewPendingSignIn<'a> {
    pub token_hash: &'a [u8],
    pub account: AccountId,
    pub next_path: Option<&'a str>,
    /// The invitation the factor step accepts, by its token's hash.
    pub invitation_token_hash: Option<&'a [u8]>,
    /// The organisation a switch goes to; `None`: the one last used.
    pub organisation: Option<OrganisationId>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_pending(db: impl PgExecutor<'_>, p: NewPendingSignIn<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO pending_sign_ins
             (token_hash, account_id, next_path, invitation_token_hash, organisation_id,
              created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        p.token_hash,
        p.account as AccountId,
        p.next_path,
        p.invitation_token_hash,
        p.organisation as Option<OrganisationId>,
        p.now,
        p.expires_at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A sign-in waiting for its factor, with the account's name and email.
pub struct PendingSignIn {
    pub account_id: AccountId,
    pub next_path: Option<String>,
    pub invitation_token_hash: Option<Vec<u8>>,
    pub organisation_id: Option<OrganisationId>,
    pub email: String,
    pub display_name: String,
}

/// The live (unused, unexpired at `now`) pending sign-in with this token.
pub async fn find_pending(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<PendingSignIn>> {
    sqlx::query_as!(
        PendingSignIn,
        r#"SELECT p.account_id AS "account_id: AccountId", p.next_path, p.invitation_token_hash,
                  p.organisation_id AS "organisation_id: OrganisationId", a.email, a.display_name
           FROM pending_sign_ins p JOIN accounts a ON a.id = p.account_id
           WHERE p.token_hash = $1 AND p.used_at IS NULL AND p.expires_at > $2"#,
        token_hash,
        now
    )
    .fetch_optional(db)
    .await
}

/// Uses the pending sign-in, once: of two requests with its token, one
/// gets `true` (the other waits on the row, then finds it used).
pub async fn use_pending(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "UPDATE pending_sign_ins SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        token_hash,
        now
    )
    .execute(db)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Deletes pending sign-ins that ended before `before`.
pub async fn purge_pending(db: impl PgExecutor<'_>, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let purged = sqlx::query!("DELETE FROM pending_sign_ins WHERE expires_at < $1", before)
        .execute(db)
        .await?;
    Ok(purged.rows_affected())
}
