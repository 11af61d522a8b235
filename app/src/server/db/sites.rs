//! The organisation's sites and who belongs to each with which site role:
//! the sites page's listing, the pickers' choices (archived ones left
//! out), and a person's site memberships.

use crate::domain::{AccountId, MembershipId, OrganisationId, RoleId, SiteId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// What the sites page's editor saves.
pub struct SiteFields<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub time_zone: &'a str,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    site: &SiteFields<'_>,
) -> sqlx::Result<SiteId> {
    sqlx::query_scalar!(
        r#"INSERT INTO sites (organisation_id, name, address, time_zone) VALUES ($1, $2, $3, $4)
           RETURNING id AS "id: SiteId""#,
        org as OrganisationId,
        site.name,
        site.address,
        site.time_zone
    )
    .fetch_one(db)
    .await
}

/// A site as the sites page lists it.
pub struct Listed {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub members: i64,
}

/// Every site, live ones by name, then archived ones.
pub async fn listing(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT s.id AS "id: SiteId", s.name, s.address, s.time_zone, s.archived_at,
                  (SELECT count(*) FROM site_members sm WHERE sm.site_id = s.id) AS "members!"
           FROM sites s
           WHERE s.organisation_id = $1
           ORDER BY s.archived_at IS NOT NULL, lower(s.name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

pub struct SiteRow {
    pub id: SiteId,
    pub name: String,
    pub archived: bool,
}

/// Every site, archived ones too (the team table's filter: people stay
/// on archived ones), by name.
pub async fn all(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<SiteRow>> {
    sqlx::query_as!(
        SiteRow,
        r#"SELECT id AS "id: SiteId", name, (archived_at IS NOT NULL) AS "archived!"
           FROM sites WHERE organisation_id = $1 ORDER BY lower(name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// One of `org`'s sites.
pub async fn find(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: SiteId,
) -> sqlx::Result<Option<SiteRow>> {
    sqlx::query_as!(
        SiteRow,
        r#"SELECT id AS "id: SiteId", name, (archived_at IS NOT NULL) AS "archived!"
           FROM sites WHERE organisation_id = $1 AND id = $2"#,
        org as OrganisationId,
        id as SiteId
    )
    .fetch_optional(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM sites WHERE organisation_id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Whether another site of `org` than `except` is called `name`, ignoring
/// case.
pub async fn name_taken(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
    except: Option<SiteId>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM sites
                          WHERE organisation_id = $1 AND lower(name) = lower($2)
                            AND ($3::uuid IS NULL OR id <> $3)) AS "taken!""#,
        org as OrganisationId,
        name,
        except.map(|id| id.0)
    )
    .fetch_one(db)
    .await
}

/// A site of `org`, locked until the end of the transaction.
pub struct Locked {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub archived: bool,
}

pub async fn lock(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: SiteId,
) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        r#"SELECT id AS "id: SiteId", name, address, time_zone,
                  (archived_at IS NOT NULL) AS "archived!"
           FROM sites WHERE organisation_id = $1 AND id = $2
           FOR UPDATE"#,
        org as OrganisationId,
        id as SiteId
    )
    .fetch_optional(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: SiteId,
    site: &SiteFields<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sites SET name = $2, address = $3, time_zone = $4 WHERE id = $1",
        id as SiteId,
        site.name,
        site.address,
        site.time_zone
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Archives (`Some(now)`) or restores (`None`) a site.
pub async fn set_archived(
    db: impl PgExecutor<'_>,
    id: SiteId,
    at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sites SET archived_at = $2 WHERE id = $1",
        id as SiteId,
        at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The people of a site: whose rows show its name.
pub async fn member_ids(db: impl PgExecutor<'_>, id: SiteId) -> sqlx::Result<Vec<MembershipId>> {
    sqlx::query_scalar!(
        r#"SELECT membership_id AS "id: MembershipId" FROM site_members WHERE site_id = $1"#,
        id as SiteId
    )
    .fetch_all(db)
    .await
}

/// The live sites of `org` (those among `among`, or with a holder of
/// `role` when given) where an enabled person manages members at the
/// site's own scope, through their site role there: what the
/// last-site-manager guard compares before and after a change.
pub async fn managed(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    among: Option<&[SiteId]>,
    role: Option<RoleId>,
) -> sqlx::Result<Vec<SiteId>> {
    let among: Option<Vec<uuid::Uuid>> = among.map(|sites| sites.iter().map(|s| s.0).collect());
    sqlx::query_scalar!(
        r#"SELECT DISTINCT sm.site_id AS "id: SiteId"
           FROM site_members sm
           JOIN sites s ON s.id = sm.site_id AND s.archived_at IS NULL
           JOIN memberships m ON m.id = sm.membership_id AND m.status = 'enabled'
           JOIN roles r ON r.id = sm.role_id
           WHERE s.organisation_id = $1 AND 'members.manage' = ANY (r.permissions)
             AND ($2::uuid[] IS NULL OR sm.site_id = ANY ($2))
             AND ($3::uuid IS NULL OR sm.site_id IN (SELECT h.site_id FROM site_members h
                                                     WHERE h.role_id = $3))"#,
        org as OrganisationId,
        among.as_deref(),
        role.map(|r| r.0)
    )
    .fetch_all(db)
    .await
}

/// Whether `membership` is on any of `sites`.
pub async fn member_at_any(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    sites: &[SiteId],
) -> sqlx::Result<bool> {
    let sites: Vec<uuid::Uuid> = sites.iter().map(|s| s.0).collect();
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM site_members
                          WHERE membership_id = $1 AND site_id = ANY ($2)) AS "found!""#,
        membership as MembershipId,
        &sites
    )
    .fetch_one(db)
    .await
}

/// A site a person belongs to, with their site role and what it grants.
pub struct Membership {
    pub site_id: SiteId,
    pub site_name: String,
    pub archived: bool,
    pub role_id: RoleId,
    pub role_name: String,
    pub role_permissions: Vec<String>,
}

/// The sites `membership` belongs to, by name.
pub async fn of_member(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
) -> sqlx::Result<Vec<Membership>> {
    sqlx::query_as!(
        Membership,
        r#"SELECT s.id AS "site_id: SiteId", s.name AS site_name,
                  (s.archived_at IS NOT NULL) AS "archived!",
                  r.id AS "role_id: RoleId", r.name AS role_name, r.permissions AS role_permissions
           FROM site_members sm
           JOIN sites s ON s.id = sm.site_id
           JOIN roles r ON r.id = sm.role_id
           WHERE sm.membership_id = $1
           ORDER BY lower(s.name)"#,
        membership as MembershipId
    )
    .fetch_all(db)
    .await
}

/// Puts `membership` on the site with `role`, or gives them `role` there
/// if they belong already.
pub async fn set(
    db: impl PgExecutor<'_>,
    site: SiteId,
    membership: MembershipId,
    role: RoleId,
    by: AccountId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO site_members (site_id, membership_id, role_id, added_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id, membership_id) DO UPDATE SET role_id = EXCLUDED.role_id",
        site as SiteId,
        membership as MembershipId,
        role as RoleId,
        by as AccountId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Puts `membership` on the site with `role` unless they are on it
/// already (with whatever role); `false` then.
pub async fn add(
    db: impl PgExecutor<'_>,
    site: SiteId,
    membership: MembershipId,
    role: RoleId,
    by: AccountId,
) -> sqlx::Result<bool> {
    let added = sqlx::query!(
        "INSERT INTO site_members (site_id, membership_id, role_id, added_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id, membership_id) DO NOTHING",
        site as SiteId,
        membership as MembershipId,
        role as RoleId,
        by as AccountId
    )
    .execute(db)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Takes `membership` off the site; `false` when they were not on it.
pub async fn remove(
    db: impl PgExecutor<'_>,
    site: SiteId,
    membership: MembershipId,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM site_members WHERE site_id = $1 AND membership_id = $2",
        site as SiteId,
        membership as MembershipId
    )
    .execute(db)
    .await?;
    Ok(removed.rows_affected() == 1)
}
