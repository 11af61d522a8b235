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

pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
) -> sqlx::Result<AccountId> {
    sqlx::query_scalar!(
        r#"INSERT INTO accounts (email, display_name, password_hash)
           VALUES ($1, $2, $3) RETURNING id AS "id: AccountId""#,
        email,
        display_name,
        password_hash
    )
    .fetch_one(db)
    .await
}
