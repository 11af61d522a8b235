//! Accounts: people, across organisations.

use crate::domain::AccountId;
use sqlx::PgExecutor;

pub struct AccountCredentials {
    pub id: AccountId,
    pub display_name: String,
    pub password_hash: Option<String>,
}

/// Looks an account up by email, case-insensitively.
pub async fn find_credentials(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<AccountCredentials>> {
    sqlx::query_as!(
        AccountCredentials,
        r#"SELECT id AS "id: AccountId", display_name, password_hash
           FROM accounts WHERE lower(email) = lower($1)"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// The account behind `email`, for a password reset: any account, with or
/// without an enabled membership. A reset proves the mailbox, so the
/// address's real owner can always take back an account someone else made
/// with it (through a copied invitation link, say).
pub async fn find_resettable(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<(AccountId, String)>> {
    let row = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.display_name FROM accounts a
           WHERE lower(a.email) = lower($1)"#,
        email
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.display_name)))
}

/// Records that the person reads the account's address (they followed a
/// link sent to it). Returns whether that is news.
pub async fn mark_email_verified(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<bool> {
    let changed = sqlx::query!(
        "UPDATE accounts SET email_verified_at = now(), updated_at = now()
         WHERE id = $1 AND email_verified_at IS NULL",
        account as AccountId
    )
    .execute(db)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Locks the account's row for the rest of the transaction, so that
/// concurrent changes to it (several reset requests at once) take turns.
pub async fn lock(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT id FROM accounts WHERE id = $1 FOR UPDATE",
        account as AccountId
    )
    .fetch_optional(db)
    .await
    .map(|_| ())
}

/// Replaces the account's password hash (Argon2id, PHC string).
pub async fn set_password(
    db: impl PgExecutor<'_>,
    account: AccountId,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
        account as AccountId,
        password_hash
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Creates an account: seeded people (no phone) and people accepting an
/// invitation alike. `email_verified`: something proved that the person
/// reads the address (the emailed invitation link; seeding, where the
/// operator vouches for it).
pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
    phone: Option<&str>,
    email_verified: bool,
) -> sqlx::Result<AccountId> {
    sqlx::query_scalar!(
        r#"INSERT INTO accounts (email, display_name, password_hash, phone, email_verified_at)
           VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
           RETURNING id AS "id: AccountId""#,
        email,
        display_name,
        password_hash,
        phone,
        email_verified
    )
    .fetch_one(db)
    .await
}

/// The sites (by id) of the member of `org`, enabled or disabled, whose
/// address is `email`; `None` when it is no member's.
pub async fn member_sites(
    db: impl PgExecutor<'_>,
    org: crate::domain::OrganisationId,
    email: &str,
) -> sqlx::Result<Option<Vec<uuid::Uuid>>> {
    sqlx::query_scalar!(
        r#"SELECT ARRAY(SELECT sm.site_id FROM site_members sm WHERE sm.membership_id = m.id)
                    AS "sites!"
           FROM memberships m JOIN accounts a ON a.id = m.account_id
           WHERE m.organisation_id = $1 AND lower(a.email) = lower($2)"#,
        org as crate::domain::OrganisationId,
        email
    )
    .fetch_optional(db)
    .await
}

/// Deletes an account that belongs to no organisation any more. Its
/// sessions go with it; audit events keep their snapshot of its name.
pub async fn delete(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM accounts WHERE id = $1", account as AccountId)
        .execute(db)
        .await
        .map(|_| ())
}

/// What a person sees and edits on their own profile page, in the
/// organisation of their session.
pub struct OwnProfile {
    pub display_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub time_zone: String,
    /// Per organisation: it is the membership's.
    pub position: Option<String>,
    /// When their picture last changed, in milliseconds since the epoch.
    pub avatar_version: Option<i64>,
}

pub async fn own_profile(
    db: impl PgExecutor<'_>,
    account: AccountId,
    membership: crate::domain::MembershipId,
) -> sqlx::Result<OwnProfile> {
    sqlx::query_as!(
        OwnProfile,
        r#"SELECT a.display_name, a.email, a.phone, a.time_zone, m.position,
                  (extract(epoch FROM av.updated_at) * 1000)::bigint AS "avatar_version?"
           FROM accounts a
           JOIN memberships m ON m.account_id = a.id AND m.id = $2
           LEFT JOIN avatars av ON av.account_id = a.id
           WHERE a.id = $1"#,
        account as AccountId,
        membership as crate::domain::MembershipId
    )
    .fetch_one(db)
    .await
}

/// Saves what a person says about themselves across organisations.
pub async fn update_profile(
    db: impl PgExecutor<'_>,
    account: AccountId,
    display_name: &str,
    phone: Option<&str>,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE accounts SET display_name = $2, phone = $3, time_zone = $4, updated_at = now()
         WHERE id = $1",
        account as AccountId,
        display_name,
        phone,
        time_zone
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// What a notice to the account's own address needs: who, and now in their
/// time zone.
pub struct NoticeContext {
    pub email: String,
    pub display_name: String,
    pub time_zone: String,
    pub now: chrono::DateTime<chrono::Utc>,
    pub now_local: String,
}

pub async fn notice_context(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<NoticeContext> {
    sqlx::query_as!(
        NoticeContext,
        r#"SELECT email, display_name, time_zone, now() AS "now!",
                  to_char(now() AT TIME ZONE time_zone, 'FMDay FMDD FMMonth YYYY, HH24:MI')
                      AS "now_local!"
           FROM accounts WHERE id = $1"#,
        account as AccountId
    )
    .fetch_one(db)
    .await
}
