//! The organisation's departments: the pickers' choices (archived ones
//! left out), the departments page's listing, and their changes.

use crate::domain::{DepartmentId, MembershipId, OrganisationId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

pub async fn insert(
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

pub struct DepartmentRow {
    pub id: DepartmentId,
    pub name: String,
}

/// The departments people can be put in now (not archived), by name.
pub async fn live(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<DepartmentRow>> {
    sqlx::query_as!(
        DepartmentRow,
        r#"SELECT id AS "id: DepartmentId", name FROM departments
           WHERE organisation_id = $1 AND archived_at IS NULL ORDER BY lower(name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// Every department, archived ones too: what the team table filters by,
/// since people stay in archived ones until changed.
pub async fn all(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<DepartmentRow>> {
    sqlx::query_as!(
        DepartmentRow,
        r#"SELECT id AS "id: DepartmentId", name FROM departments
           WHERE organisation_id = $1 ORDER BY lower(name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// The name of one of `org`'s departments, archived or not.
pub async fn name_of(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    department: DepartmentId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT name FROM departments WHERE organisation_id = $1 AND id = $2",
        org as OrganisationId,
        department as DepartmentId
    )
    .fetch_optional(db)
    .await
}

/// Whether `department` is one of `org`'s that people can be put in now.
pub async fn is_live(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    department: DepartmentId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM departments
                          WHERE organisation_id = $1 AND id = $2 AND archived_at IS NULL) AS "live!""#,
        org as OrganisationId,
        department as DepartmentId
    )
    .fetch_one(db)
    .await
}

/// A department as the departments page lists it.
pub struct Listed {
    pub id: DepartmentId,
    pub name: String,
    pub archived_at: Option<DateTime<Utc>>,
    /// Members in it, as their primary department or another.
    pub members: i64,
    /// Open invitations into it.
    pub pending_invitations: i64,
}

pub async fn listing(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT d.id AS "id: DepartmentId", d.name, d.archived_at,
                  (SELECT count(*) FROM memberships m WHERE m.department_id = d.id)
                  + (SELECT count(*) FROM member_departments md WHERE md.department_id = d.id)
                    AS "members!",
                  (SELECT count(*) FROM invitations i
                   WHERE i.department_id = d.id
                     AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now())
                    AS "pending_invitations!"
           FROM departments d
           WHERE d.organisation_id = $1
           ORDER BY d.archived_at IS NOT NULL, lower(d.name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM departments WHERE organisation_id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Whether another department of `org` than `except` is called `name`,
/// ignoring case.
pub async fn name_taken(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
    except: Option<DepartmentId>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM departments
                          WHERE organisation_id = $1 AND lower(name) = lower($2)
                            AND ($3::uuid IS NULL OR id <> $3)) AS "taken!""#,
        org as OrganisationId,
        name,
        except.map(|id| id.0)
    )
    .fetch_one(db)
    .await
}

/// A department of `org`, locked until the end of the transaction.
pub struct Locked {
    pub id: DepartmentId,
    pub name: String,
    pub archived: bool,
}

pub async fn lock(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: DepartmentId,
) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        r#"SELECT id AS "id: DepartmentId", name, (archived_at IS NOT NULL) AS "archived!"
           FROM departments WHERE organisation_id = $1 AND id = $2
           FOR UPDATE"#,
        org as OrganisationId,
        id as DepartmentId
    )
    .fetch_optional(db)
    .await
}

pub async fn rename(db: impl PgExecutor<'_>, id: DepartmentId, name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE departments SET name = $2 WHERE id = $1",
        id as DepartmentId,
        name
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Archives (`Some(now)`) or restores (`None`) a department.
pub async fn set_archived(
    db: impl PgExecutor<'_>,
    id: DepartmentId,
    at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE departments SET archived_at = $2 WHERE id = $1",
        id as DepartmentId,
        at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The members in a department, as their primary one or another: whose
/// rows show its name.
pub async fn members(db: impl PgExecutor<'_>, id: DepartmentId) -> sqlx::Result<Vec<MembershipId>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: MembershipId" FROM memberships WHERE department_id = $1
           UNION
           SELECT membership_id FROM member_departments WHERE department_id = $1"#,
        id as DepartmentId
    )
    .fetch_all(db)
    .await
}

/// The departments `membership` is in besides their primary one, by name.
pub async fn others_of(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
) -> sqlx::Result<Vec<DepartmentRow>> {
    sqlx::query_as!(
        DepartmentRow,
        r#"SELECT d.id AS "id: DepartmentId", d.name
           FROM member_departments md JOIN departments d ON d.id = md.department_id
           WHERE md.membership_id = $1
           ORDER BY lower(d.name)"#,
        membership as MembershipId
    )
    .fetch_all(db)
    .await
}

/// Puts `membership` in another department; `false` when they were in it.
pub async fn add_other(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    department: DepartmentId,
) -> sqlx::Result<bool> {
    let added = sqlx::query!(
        "INSERT INTO member_departments (membership_id, department_id)
         VALUES ($1, $2) ON CONFLICT DO NOTHING",
        membership as MembershipId,
        department as DepartmentId
    )
    .execute(db)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Takes `membership` out of one of their other departments; `false`
/// when they were not in it.
pub async fn remove_other(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    department: DepartmentId,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM member_departments WHERE membership_id = $1 AND department_id = $2",
        membership as MembershipId,
        department as DepartmentId
    )
    .execute(db)
    .await?;
    Ok(removed.rows_affected() == 1)
}
