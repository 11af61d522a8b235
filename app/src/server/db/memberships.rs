//! Memberships: an account's place, role and status in one organisation.

use crate::api::team::TeamMember;
use crate::domain::{
    AccountId, DepartmentId, MembershipId, MembershipStatus, OrganisationId, RoleId,
};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// The id of a built-in role by its stable key (`owner`, `admin`, `member`).
pub async fn builtin_role(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<RoleId> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: RoleId" FROM roles WHERE organisation_id IS NULL AND key = $1"#,
        key
    )
    .fetch_one(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    org: OrganisationId,
    role: RoleId,
    department: Option<DepartmentId>,
    position: Option<&str>,
) -> sqlx::Result<MembershipId> {
    sqlx::query_scalar!(
        r#"INSERT INTO memberships (account_id, organisation_id, role_id, department_id, position)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id: MembershipId""#,
        account as AccountId,
        org as OrganisationId,
        role as RoleId,
        department as Option<DepartmentId>,
        position
    )
    .fetch_one(db)
    .await
}

/// The organisation a person signs in to: the enabled membership they used
/// most recently.
pub struct SignInTarget {
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
}

pub async fn sign_in_target(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<SignInTarget>> {
    sqlx::query_as!(
        SignInTarget,
        r#"SELECT m.organisation_id AS "organisation_id: OrganisationId", o.name AS organisation_name
           FROM memberships m JOIN organisations o ON o.id = m.organisation_id
           WHERE m.account_id = $1 AND m.status = 'enabled'
           ORDER BY m.last_sign_in_at DESC NULLS LAST, m.joined_at
           LIMIT 1"#,
        account as AccountId
    )
    .fetch_optional(db)
    .await
}

/// Records a sign-in on the membership; returns its id, if there is one.
pub async fn record_sign_in(
    db: impl PgExecutor<'_>,
    account: AccountId,
    org: OrganisationId,
) -> sqlx::Result<Option<MembershipId>> {
    sqlx::query_scalar!(
        r#"UPDATE memberships SET last_sign_in_at = now() WHERE account_id = $1 AND organisation_id = $2
           RETURNING id AS "id: MembershipId""#,
        account as AccountId,
        org as OrganisationId
    )
    .fetch_optional(db)
    .await
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    status: MembershipStatus,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET status = $2 WHERE id = $1",
        membership as MembershipId,
        status.as_str()
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Most members an organisation's table shows until paging lands.
pub const TEAM_LIST_LIMIT: i64 = 500;

/// The members of `org` (only the one with id `only`, when given), with
/// `viewer`'s own row marked.
pub async fn list_team(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    viewer: AccountId,
    only: Option<MembershipId>,
) -> sqlx::Result<Vec<TeamMember>> {
    let rows = sqlx::query!(
        r#"SELECT m.id AS "id: MembershipId", a.display_name, a.email,
                  r.id AS "role_id: RoleId", r.name AS role_name,
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  m.status, m.last_sign_in_at, (a.id = $3) AS "is_you!"
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           LEFT JOIN departments d ON d.id = m.department_id
           WHERE m.organisation_id = $1 AND ($4::uuid IS NULL OR m.id = $4)
           ORDER BY lower(a.display_name), a.id
           LIMIT $2"#,
        org as OrganisationId,
        TEAM_LIST_LIMIT,
        viewer as AccountId,
        only as Option<MembershipId>
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamMember {
            id: r.id,
            name: r.display_name,
            email: r.email,
            role_id: r.role_id,
            role: r.role_name,
            department_id: r.department_id,
            department: r.department_name,
            // The column's CHECK allows only the two values.
            status: MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Disabled),
            is_you: r.is_you,
            last_sign_in_at: r.last_sign_in_at,
        })
        .collect())
}

/// A member as an admin changing them needs them, locked for the rest of
/// the transaction.
pub struct ManagedMember {
    pub id: MembershipId,
    pub account_id: AccountId,
    pub display_name: String,
    pub email: String,
    pub status: String,
    pub role_id: RoleId,
    pub role_name: String,
    pub role_permissions: Vec<String>,
    /// Holds the built-in Owner role.
    pub is_owner: bool,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    pub is_primary_contact: bool,
}

/// Finds and locks a membership of `org`; `None` for another
/// organisation's, so ids from elsewhere read as unknown.
pub async fn lock_for_change(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    membership: MembershipId,
) -> sqlx::Result<Option<ManagedMember>> {
    sqlx::query_as!(
        ManagedMember,
        r#"SELECT m.id AS "id: MembershipId", a.id AS "account_id: AccountId",
                  a.display_name, a.email, m.status,
                  r.id AS "role_id: RoleId", r.name AS role_name,
                  r.permissions AS role_permissions,
                  (r.key = 'owner' AND r.organisation_id IS NULL) AS "is_owner!",
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  (o.primary_contact_id IS NOT DISTINCT FROM a.id) AS "is_primary_contact!"
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           JOIN organisations o ON o.id = m.organisation_id
           LEFT JOIN departments d ON d.id = m.department_id
           WHERE m.organisation_id = $1 AND m.id = $2
           FOR UPDATE OF m"#,
        org as OrganisationId,
        membership as MembershipId
    )
    .fetch_optional(db)
    .await
}

/// Enabled members of `org` who hold the built-in Owner role.
pub async fn count_enabled_owners(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM memberships m JOIN roles r ON r.id = m.role_id
           WHERE m.organisation_id = $1 AND m.status = 'enabled'
             AND r.key = 'owner' AND r.organisation_id IS NULL"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

pub async fn set_role(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    role: RoleId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET role_id = $2 WHERE id = $1",
        membership as MembershipId,
        role as RoleId
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_department(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    department: Option<DepartmentId>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET department_id = $2 WHERE id = $1",
        membership as MembershipId,
        department as Option<DepartmentId>
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn delete(db: impl PgExecutor<'_>, membership: MembershipId) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM memberships WHERE id = $1",
        membership as MembershipId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// How many organisations the account still belongs to.
pub async fn count_for_account(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM memberships WHERE account_id = $1"#,
        account as AccountId
    )
    .fetch_one(db)
    .await
}

/// What a member's page shows beyond their table row.
pub struct Profile {
    pub account_id: AccountId,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub is_primary_contact: bool,
    /// From the invitation they accepted to join, if any.
    pub invited_by: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
}

pub async fn profile(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    membership: MembershipId,
) -> sqlx::Result<Option<Profile>> {
    sqlx::query_as!(
        Profile,
        r#"SELECT a.id AS "account_id: AccountId", m.position, a.phone, m.joined_at,
                  (o.primary_contact_id IS NOT DISTINCT FROM a.id) AS "is_primary_contact!",
                  i.invited_by_name AS "invited_by?", i.created_at AS "invited_at?"
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN organisations o ON o.id = m.organisation_id
           LEFT JOIN LATERAL (
               SELECT invited_by_name, created_at FROM invitations
               WHERE organisation_id = m.organisation_id AND accepted_account_id = a.id
               ORDER BY accepted_at DESC LIMIT 1
           ) i ON true
           WHERE m.organisation_id = $1 AND m.id = $2"#,
        org as OrganisationId,
        membership as MembershipId
    )
    .fetch_optional(db)
    .await
}
