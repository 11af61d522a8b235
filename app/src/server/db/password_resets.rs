//! Password resets: links that let a person choose a new password, and
//! the "Forgot password?" requests counted for the per-address limit.
//! Open and expired are computed from `expires_at` when read; the
//! open-reset unique index keeps one working link per account.

use crate::domain::password_reset::ResetLinkStatus;
use crate::domain::{AccountId, OrganisationId, PasswordResetId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use std::time::Duration;

/// How many resets the account was sent inside `window`, whoever asked.
pub async fn count_recent(
    db: impl PgExecutor<'_>,
    account: AccountId,
    window: Duration,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM password_resets
           WHERE account_id = $1 AND created_at > now() - make_interval(secs => $2)"#,
        account as AccountId,
        window.as_secs_f64()
    )
    .fetch_one(db)
    .await
}

/// Makes the account's open reset (if any) stop working; returns its id.
pub async fn supersede_open(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<PasswordResetId>> {
    sqlx::query_scalar!(
        r#"UPDATE password_resets SET superseded_at = now()
           WHERE account_id = $1 AND used_at IS NULL AND superseded_at IS NULL
           RETURNING id AS "id: PasswordResetId""#,
        account as AccountId
    )
    .fetch_all(db)
    .await
}

/// Who sent a reset: an admin of one organisation.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub organisation: OrganisationId,
    pub account: AccountId,
    pub name: &'a str,
}

/// Inserts an open reset. Fails with a unique violation if the account
/// still has one open: supersede it first.
pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    token_hash: &[u8],
    sender: Option<Sender<'_>>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<PasswordResetId> {
    sqlx::query_scalar!(
        r#"INSERT INTO password_resets
               (account_id, token_hash, organisation_id, requested_by, requested_by_name, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING id AS "id: PasswordResetId""#,
        account as AccountId,
        token_hash,
        sender.map(|s| s.organisation) as Option<OrganisationId>,
        sender.map(|s| s.account) as Option<AccountId>,
        sender.map(|s| s.name),
        expires_at
    )
    .fetch_one(db)
    .await
}

/// What the reset email and the password-changed notice need, with times
/// already written in the recipient's zone: the sending organisation's
/// for an admin's reset, the account's own otherwise.
pub struct EmailContext {
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub sent_by: Option<String>,
    pub time_zone: String,
    pub expires_at: DateTime<Utc>,
    pub expires_local: String,
    pub now: DateTime<Utc>,
    pub now_local: String,
}

pub async fn email_context(
    db: impl PgExecutor<'_>,
    id: PasswordResetId,
) -> sqlx::Result<EmailContext> {
    sqlx::query_as!(
        EmailContext,
        r#"SELECT a.email, a.display_name,
                  o.id AS "organisation_id?: OrganisationId", o.name AS "organisation_name?",
                  r.requested_by_name AS sent_by,
                  z.tz AS "time_zone!", r.expires_at,
                  to_char(r.expires_at AT TIME ZONE z.tz, 'FMDay FMDD FMMonth YYYY, HH24:MI')
                      AS "expires_local!",
                  now() AS "now!",
                  to_char(now() AT TIME ZONE z.tz, 'FMDay FMDD FMMonth YYYY, HH24:MI')
                      AS "now_local!"
           FROM password_resets r
           JOIN accounts a ON a.id = r.account_id
           LEFT JOIN organisations o ON o.id = r.organisation_id
           CROSS JOIN LATERAL (SELECT COALESCE(o.time_zone, a.time_zone) AS tz) z
           WHERE r.id = $1"#,
        id as PasswordResetId
    )
    .fetch_one(db)
    .await
}

/// A reset found by its link's token, for the reset page.
pub struct ByToken {
    pub id: PasswordResetId,
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

impl ByToken {
    pub fn status(&self) -> ResetLinkStatus {
        ResetLinkStatus::at(
            Utc::now(),
            self.expires_at,
            self.used_at,
            self.superseded_at,
        )
    }
}

/// Locks the reset behind a token hash for the rest of the transaction,
/// so that two completions of one link take turns.
pub async fn lock_by_token(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT id FROM password_resets WHERE token_hash = $1 FOR UPDATE",
        token_hash
    )
    .fetch_optional(db)
    .await
    .map(|_| ())
}

pub async fn find_by_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<ByToken>> {
    sqlx::query_as!(
        ByToken,
        r#"SELECT r.id AS "id: PasswordResetId", a.id AS "account_id: AccountId",
                  a.email, a.display_name,
                  o.id AS "organisation_id?: OrganisationId", o.name AS "organisation_name?",
                  r.expires_at, r.used_at, r.superseded_at
           FROM password_resets r
           JOIN accounts a ON a.id = r.account_id
           LEFT JOIN organisations o ON o.id = r.organisation_id
           WHERE r.token_hash = $1"#,
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_used(db: impl PgExecutor<'_>, id: PasswordResetId) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE id = $1",
        id as PasswordResetId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Counts a "Forgot password?" request from `client_ip`.
pub async fn record_request(db: impl PgExecutor<'_>, client_ip: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO password_reset_requests (client_ip) VALUES ($1)",
        client_ip
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The times of the latest `limit` requests from `client_ip` inside
/// `window`. Newest first.
pub async fn recent_requests_from(
    db: impl PgExecutor<'_>,
    client_ip: &str,
    window: Duration,
    limit: i64,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT requested_at FROM password_reset_requests
           WHERE client_ip = $1 AND requested_at > now() - make_interval(secs => $2)
           ORDER BY requested_at DESC LIMIT $3"#,
        client_ip,
        window.as_secs_f64(),
        limit
    )
    .fetch_all(db)
    .await
}
