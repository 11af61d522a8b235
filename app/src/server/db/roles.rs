//! Roles: built-in ones (no organisation) and, later, an organisation's own.

use crate::domain::{OrganisationId, RoleId};
use sqlx::PgExecutor;

pub struct RoleRow {
    pub id: RoleId,
    pub name: String,
    pub permissions: Vec<String>,
    /// The built-in Owner role, which the organisation must always have
    /// one enabled holder of.
    pub is_owner: bool,
}

/// The roles members of `org` can hold, in picker order.
pub async fn available(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<RoleRow>> {
    sqlx::query_as!(
        RoleRow,
        r#"SELECT id AS "id: RoleId", name, permissions,
                  (key = 'owner' AND organisation_id IS NULL) AS "is_owner!"
           FROM roles
           WHERE organisation_id IS NULL OR organisation_id = $1
           ORDER BY rank, name"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// One role members of `org` can hold; `None` for another organisation's.
pub async fn find(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: RoleId,
) -> sqlx::Result<Option<RoleRow>> {
    sqlx::query_as!(
        RoleRow,
        r#"SELECT id AS "id: RoleId", name, permissions,
                  (key = 'owner' AND organisation_id IS NULL) AS "is_owner!"
           FROM roles
           WHERE id = $2 AND (organisation_id IS NULL OR organisation_id = $1)"#,
        org as OrganisationId,
        id as RoleId
    )
    .fetch_optional(db)
    .await
}
