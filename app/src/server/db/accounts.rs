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

/// Creates an account: seeded people (no phone) and people accepting an
/// invitation alike.
pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
    phone: Option<&str>,
) -> sqlx::Result<AccountId> {
    sqlx::query_scalar!(
        r#"INSERT INTO accounts (email, display_name, password_hash, phone)
           VALUES ($1, $2, $3, $4) RETURNING id AS "id: AccountId""#,
        email,
        display_name,
        password_hash,
        phone
    )
    .fetch_one(db)
    .await
}

/// Whether `email` belongs to an enabled or disabled member of `org`.
pub async fn is_member(
    db: impl PgExecutor<'_>,
    org: crate::domain::OrganisationId,
    email: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id
               WHERE m.organisation_id = $1 AND lower(a.email) = lower($2)) AS "exists!""#,
        org as crate::domain::OrganisationId,
        email
    )
    .fetch_one(db)
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
