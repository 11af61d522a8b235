//! Organisations and their departments.

use crate::domain::{AccountId, DepartmentId, OrganisationId};
use sqlx::PgExecutor;

pub async fn insert(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<OrganisationId> {
    sqlx::query_scalar!(
        r#"INSERT INTO organisations (name) VALUES ($1) RETURNING id AS "id: OrganisationId""#,
        name
    )
    .fetch_one(db)
    .await
}

pub async fn set_primary_contact(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    account: AccountId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET primary_contact_id = $2 WHERE id = $1",
        org as OrganisationId,
        account as AccountId
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn insert_department(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
) -> sqlx::Result<DepartmentId> {
    sqlx::query_scalar!(
        r#"INSERT INTO departments (organisation_id, name) VALUES ($1, $2) RETURNING id AS "id: DepartmentId""#,
        org as OrganisationId,
        name
    )
    .fetch_one(db)
    .await
}

pub async fn any_exists(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM organisations) AS "exists!""#)
        .fetch_one(db)
        .await
}
