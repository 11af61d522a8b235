//! Organisations.

use crate::domain::{AccountId, OrganisationId};
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

/// Makes `account` the primary contact of an organisation that has none,
/// when `role` is the built-in Owner role: the first owner of an
/// organisation made by `roster create-org` becomes its primary contact.
pub async fn claim_primary_contact(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    account: AccountId,
    role: crate::domain::RoleId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET primary_contact_id = $2
         WHERE id = $1 AND primary_contact_id IS NULL
           AND EXISTS (SELECT 1 FROM roles r
                       WHERE r.id = $3 AND r.key = 'owner' AND r.organisation_id IS NULL)",
        org as OrganisationId,
        account as AccountId,
        role as crate::domain::RoleId
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn any_exists(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM organisations) AS "exists!""#)
        .fetch_one(db)
        .await
}

pub struct Settings {
    pub name: String,
    pub time_zone: String,
    pub invitation_expiry_hours: i32,
    pub primary_contact_id: Option<AccountId>,
    /// Checked by `domain::product_url` before it is stored.
    pub product_url: Option<String>,
}

pub async fn settings(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Settings> {
    sqlx::query_as!(
        Settings,
        r#"SELECT name, time_zone, invitation_expiry_hours,
                  primary_contact_id AS "primary_contact_id: AccountId", product_url
           FROM organisations WHERE id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Who may be primary contact: enabled members whose role lets them see
/// the team (owners and admins), by name.
/// A primary contact's name, for the audit log.
pub async fn contact_name(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT display_name FROM accounts WHERE id = $1",
        account as AccountId
    )
    .fetch_optional(db)
    .await
}

pub async fn contact_candidates(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<(AccountId, String)>> {
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.display_name, a.email
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           WHERE m.organisation_id = $1 AND m.status = 'enabled'
             AND r.permissions && ARRAY['team.view', 'organisation.own']
           ORDER BY m.sort_name, m.account_id
           LIMIT 500"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, format!("{} ({})", r.display_name, r.email)))
        .collect())
}

pub async fn update_settings(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    settings: &Settings,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET name = $2, time_zone = $3, invitation_expiry_hours = $4,
                                  primary_contact_id = $5, product_url = $6
         WHERE id = $1",
        org as OrganisationId,
        settings.name,
        settings.time_zone,
        settings.invitation_expiry_hours,
        settings.primary_contact_id as Option<AccountId>,
        settings.product_url
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The address of the organisation's product, if it set one.
pub async fn product_url(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT product_url FROM organisations WHERE id = $1",
        org as OrganisationId
    )
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}

/// Whether PostgreSQL knows `zone` as an IANA time zone name. The server
/// converts times with the database's zone data, so it is the authority.
pub async fn is_known_time_zone(db: impl PgExecutor<'_>, zone: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS "exists!""#,
        zone
    )
    .fetch_one(db)
    .await
}

/// Every time zone name, for the settings page's picker.
pub async fn time_zones(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT name AS "name!" FROM pg_timezone_names
           WHERE name !~ '^(posix|Etc/|SystemV)' AND name ~ '/|^UTC$' ORDER BY name"#
    )
    .fetch_all(db)
    .await
}

/// Locks the organisation's row for the rest of the transaction. Changes
/// that guard an organisation-wide rule (never zero enabled Owners) take it
/// first, so two admins acting at once take turns and the second sees the
/// first's result.
pub async fn lock(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT id FROM organisations WHERE id = $1 FOR UPDATE",
        org as OrganisationId
    )
    .fetch_one(db)
    .await
    .map(|_| ())
}

/// The organisation's two-factor policy, as stored.
pub struct TwoFactorPolicyRow {
    /// A `domain::two_factor_policy::TwoFactorPolicy` key.
    pub policy: String,
    pub grace_days: i32,
}

pub async fn two_factor_policy(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<TwoFactorPolicyRow> {
    sqlx::query_as!(
        TwoFactorPolicyRow,
        r#"SELECT two_factor_policy AS policy, two_factor_grace_days AS grace_days
           FROM organisations WHERE id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

pub async fn set_two_factor_policy(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    policy: &str,
    grace_days: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organisations SET two_factor_policy = $2, two_factor_grace_days = $3 WHERE id = $1",
        org as OrganisationId,
        policy,
        grace_days
    )
    .execute(db)
    .await
    .map(|_| ())
}
