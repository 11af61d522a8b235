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

pub async fn record_sign_in(
    db: impl PgExecutor<'_>,
    account: AccountId,
    org: OrganisationId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET last_sign_in_at = now() WHERE account_id = $1 AND organisation_id = $2",
        account as AccountId,
        org as OrganisationId
    )
    .execute(db)
    .await
    .map(|_| ())
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

pub async fn list_team(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<TeamMember>> {
    struct Row {
        id: MembershipId,
        display_name: String,
        email: String,
        role_name: String,
        status: String,
        last_sign_in_at: Option<DateTime<Utc>>,
    }
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT m.id AS "id: MembershipId", a.display_name, a.email, r.name AS role_name,
                  m.status, m.last_sign_in_at
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           WHERE m.organisation_id = $1
           ORDER BY lower(a.display_name), a.id
           LIMIT $2"#,
        org as OrganisationId,
        TEAM_LIST_LIMIT
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamMember {
            id: r.id,
            name: r.display_name,
            email: r.email,
            role: r.role_name,
            // The column's CHECK allows only the two values.
            status: MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Disabled),
            last_sign_in_at: r.last_sign_in_at,
        })
        .collect())
}
