//! Permissions granted to a person directly, on top of their role, each
//! with a scope (this issue uses the organisation's) and who granted it
//! when: the member page names them as a source.

use crate::domain::{AccountId, MembershipId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// A permission granted directly, as the member page shows it.
pub struct Grant {
    pub permission: String,
    pub granted_by: Option<String>,
    pub granted_at: DateTime<Utc>,
}

/// What `membership` was granted directly at the organisation's scope.
pub async fn of(db: impl PgExecutor<'_>, membership: MembershipId) -> sqlx::Result<Vec<Grant>> {
    sqlx::query_as!(
        Grant,
        r#"SELECT g.permission, a.display_name AS "granted_by?", g.granted_at
           FROM member_permissions g
           LEFT JOIN accounts a ON a.id = g.granted_by
           WHERE g.membership_id = $1 AND g.scope_kind = 'organisation'
           ORDER BY g.permission"#,
        membership as MembershipId
    )
    .fetch_all(db)
    .await
}

/// The keys `membership` was granted directly at the organisation's scope.
pub async fn keys(db: impl PgExecutor<'_>, membership: MembershipId) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT permission FROM member_permissions
         WHERE membership_id = $1 AND scope_kind = 'organisation'
         ORDER BY permission",
        membership as MembershipId
    )
    .fetch_all(db)
    .await
}

/// Grants `permission` at the organisation's scope; `false` when it was
/// granted already.
pub async fn insert(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    permission: &str,
    by: AccountId,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO member_permissions (membership_id, permission, granted_by)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        membership as MembershipId,
        permission,
        by as AccountId
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Takes a permission granted directly at the organisation's scope away;
/// `false` when there was none.
pub async fn delete(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    permission: &str,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM member_permissions
         WHERE membership_id = $1 AND permission = $2 AND scope_kind = 'organisation'",
        membership as MembershipId,
        permission
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}
