//! Email verification links: sent to an account's address when nothing
//! proved that the person reads it. Open and expired are computed from
//! `expires_at` when read.

use crate::domain::email_verification::VerificationLinkStatus;
use crate::domain::AccountId;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    email: &str,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "INSERT INTO email_verifications (account_id, email, token_hash, expires_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
        account as AccountId,
        email,
        token_hash,
        expires_at
    )
    .fetch_one(db)
    .await
}

/// A verification found by its link's token.
pub struct ByToken {
    pub id: Uuid,
    pub account_id: AccountId,
    pub display_name: String,
    /// The address the link was sent to, and the account's address now:
    /// the link proves only the first, so it works only while they agree.
    pub email: String,
    pub account_email: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl ByToken {
    pub fn status(&self) -> VerificationLinkStatus {
        VerificationLinkStatus::at(Utc::now(), self.expires_at, self.used_at)
    }

    pub fn still_for_the_account(&self) -> bool {
        self.email.eq_ignore_ascii_case(&self.account_email)
    }
}

/// Locks the verification behind a token hash for the rest of the
/// transaction, so that two uses of one link take turns.
pub async fn lock_by_token(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT id FROM email_verifications WHERE token_hash = $1 FOR UPDATE",
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
        r#"SELECT v.id, a.id AS "account_id: AccountId", a.display_name, v.email,
                  a.email AS account_email, v.expires_at, v.used_at
           FROM email_verifications v JOIN accounts a ON a.id = v.account_id
           WHERE v.token_hash = $1"#,
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_used(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE email_verifications SET used_at = now() WHERE id = $1",
        id
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// What the verification email needs, with the expiry written in the
/// time zone of the organisation the account was made to join.
pub struct EmailContext {
    pub email: String,
    pub display_name: String,
    pub organisation_name: String,
    pub time_zone: String,
    pub expires_at: DateTime<Utc>,
    pub expires_local: String,
}

pub async fn email_context(
    db: impl PgExecutor<'_>,
    id: Uuid,
    organisation: crate::domain::OrganisationId,
) -> sqlx::Result<EmailContext> {
    sqlx::query_as!(
        EmailContext,
        r#"SELECT v.email, a.display_name, o.name AS organisation_name, o.time_zone,
                  v.expires_at,
                  to_char(v.expires_at AT TIME ZONE o.time_zone,
                          'FMDay FMDD FMMonth YYYY, HH24:MI') AS "expires_local!"
           FROM email_verifications v
           JOIN accounts a ON a.id = v.account_id
           JOIN organisations o ON o.id = $2
           WHERE v.id = $1"#,
        id,
        organisation as crate::domain::OrganisationId
    )
    .fetch_one(db)
    .await
}
