//! The organisation's product permissions: the catalogue, its limits, and
//! retirement, which takes a key out of every role and grant in one
//! transaction while the key itself stays, never to be reused.

use crate::domain::permission::ProductCatalogue;
use crate::domain::{MembershipId, OrganisationId, ProductPermissionId, RoleId};
use sqlx::PgExecutor;

/// A live product permission as the catalogue page lists it.
pub struct Listed {
    pub id: ProductPermissionId,
    pub key: String,
    pub name: String,
    pub description: String,
    pub sensitive: bool,
    pub version: i32,
    /// Roles that hold it.
    pub roles: i64,
    /// Groups that grant it as an extra.
    pub groups: i64,
    /// People who were granted it directly.
    pub people: i64,
}

pub async fn live(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT p.id AS "id: ProductPermissionId", p.key, p.name, p.description, p.sensitive,
                  p.version,
                  (SELECT count(*) FROM roles r
                   WHERE r.organisation_id = $1 AND p.key = ANY (r.permissions)) AS "roles!",
                  (SELECT count(*) FROM groups gr
                   WHERE gr.organisation_id = $1 AND p.key = ANY (gr.permissions)) AS "groups!",
                  (SELECT count(*) FROM member_permissions g
                   JOIN memberships m ON m.id = g.membership_id
                   WHERE m.organisation_id = $1 AND g.permission = p.key) AS "people!"
           FROM product_permissions p
           WHERE p.organisation_id = $1 AND p.retired_at IS NULL
           ORDER BY p.key"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// A retired key: listed so that people see why it can't come back.
pub struct Retired {
    pub key: String,
    pub name: String,
    pub retired_at: chrono::DateTime<chrono::Utc>,
}

pub async fn retired(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Retired>> {
    sqlx::query_as!(
        Retired,
        r#"SELECT key, name, retired_at AS "retired_at!"
           FROM product_permissions
           WHERE organisation_id = $1 AND retired_at IS NOT NULL
           ORDER BY key"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// The live keys with their sensitive marks: what a chosen key may be
/// besides Roster's own.
pub async fn catalogue(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<ProductCatalogue> {
    let rows = sqlx::query!(
        "SELECT key, sensitive FROM product_permissions
         WHERE organisation_id = $1 AND retired_at IS NULL",
        org as OrganisationId
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.sensitive)).collect())
}

pub async fn count_live(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM product_permissions
           WHERE organisation_id = $1 AND retired_at IS NULL"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Whether `org` has, or ever had, a permission with `key`.
pub async fn key_used(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    key: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM product_permissions
                          WHERE organisation_id = $1 AND key = $2) AS "used!""#,
        org as OrganisationId,
        key
    )
    .fetch_one(db)
    .await
}

/// Whether a live permission of `org` other than `except` is called
/// `name`, ignoring case.
pub async fn name_taken(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
    except: Option<ProductPermissionId>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM product_permissions
                          WHERE organisation_id = $1 AND retired_at IS NULL
                            AND lower(name) = lower($2)
                            AND ($3::uuid IS NULL OR id <> $3)) AS "taken!""#,
        org as OrganisationId,
        name,
        except.map(|id| id.0)
    )
    .fetch_one(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    key: &str,
    name: &str,
    description: &str,
    sensitive: bool,
) -> sqlx::Result<ProductPermissionId> {
    sqlx::query_scalar!(
        r#"INSERT INTO product_permissions (organisation_id, key, name, description, sensitive)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING id AS "id: ProductPermissionId""#,
        org as OrganisationId,
        key,
        name,
        description,
        sensitive
    )
    .fetch_one(db)
    .await
}

/// A live permission of `org`, locked until the end of the transaction.
pub struct Locked {
    pub id: ProductPermissionId,
    pub key: String,
    pub name: String,
    pub description: String,
    pub sensitive: bool,
    pub version: i32,
}

pub async fn lock_live(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: ProductPermissionId,
) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        r#"SELECT id AS "id: ProductPermissionId", key, name, description, sensitive, version
           FROM product_permissions
           WHERE id = $2 AND organisation_id = $1 AND retired_at IS NULL
           FOR UPDATE"#,
        org as OrganisationId,
        id as ProductPermissionId
    )
    .fetch_optional(db)
    .await
}

/// Saves a locked permission's name, description and mark, one version on.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: ProductPermissionId,
    name: &str,
    description: &str,
    sensitive: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE product_permissions
         SET name = $2, description = $3, sensitive = $4, version = version + 1
         WHERE id = $1",
        id as ProductPermissionId,
        name,
        description,
        sensitive
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Who holds a permission: what retiring it asks about.
pub struct Usage {
    /// Names of the roles holding it.
    pub roles: Vec<String>,
    /// Names of the groups granting it as an extra.
    pub groups: Vec<String>,
    /// Names of the people granted it directly.
    pub people: Vec<String>,
}

pub async fn usage(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    org: OrganisationId,
    key: &str,
) -> sqlx::Result<Usage> {
    let roles = sqlx::query_scalar!(
        "SELECT name FROM roles WHERE organisation_id = $1 AND $2 = ANY (permissions)
         ORDER BY rank, lower(name)",
        org as OrganisationId,
        key
    )
    .fetch_all(&mut **tx)
    .await?;
    let groups = sqlx::query_scalar!(
        "SELECT name FROM groups WHERE organisation_id = $1 AND $2 = ANY (permissions)
         ORDER BY lower(name)",
        org as OrganisationId,
        key
    )
    .fetch_all(&mut **tx)
    .await?;
    let people = sqlx::query_scalar!(
        "SELECT a.display_name FROM member_permissions g
         JOIN memberships m ON m.id = g.membership_id
         JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 AND g.permission = $2
         ORDER BY lower(a.display_name)",
        org as OrganisationId,
        key
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Usage {
        roles,
        groups,
        people,
    })
}

/// What retiring a permission changed.
pub struct Retirement {
    /// Roles it was taken out of (each one version on).
    pub roles: Vec<RoleId>,
    /// People who lost it, through a role or a direct grant.
    pub members: Vec<MembershipId>,
}

/// Takes `key` out of every role, group, direct grant and invitation of `org`,
/// then marks
/// the permission retired: its key stays, so it is never reused.
pub async fn retire(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    org: OrganisationId,
    id: ProductPermissionId,
    key: &str,
) -> sqlx::Result<Retirement> {
    let roles = sqlx::query_scalar!(
        r#"UPDATE roles SET permissions = array_remove(permissions, $2), version = version + 1
           WHERE organisation_id = $1 AND $2 = ANY (permissions)
           RETURNING id AS "id: RoleId""#,
        org as OrganisationId,
        key
    )
    .fetch_all(&mut **tx)
    .await?;
    let groups = sqlx::query_scalar!(
        r#"UPDATE groups SET permissions = array_remove(permissions, $2), version = version + 1
           WHERE organisation_id = $1 AND $2 = ANY (permissions)
           RETURNING id"#,
        org as OrganisationId,
        key
    )
    .fetch_all(&mut **tx)
    .await?;
    let role_ids: Vec<uuid::Uuid> = roles.iter().map(|r| r.0).collect();
    // Whoever held it through a role, or a group granting it or such a
    // role.
    let mut members = sqlx::query_scalar!(
        r#"SELECT id AS "id!: MembershipId" FROM memberships
           WHERE organisation_id = $1 AND role_id = ANY ($2)
           UNION
           SELECT gm.membership_id FROM group_members gm JOIN groups g ON g.id = gm.group_id
           WHERE g.organisation_id = $1 AND (g.role_id = ANY ($2) OR g.id = ANY ($3))"#,
        org as OrganisationId,
        &role_ids,
        &groups
    )
    .fetch_all(&mut **tx)
    .await?;
    members.extend(
        sqlx::query_scalar!(
            r#"DELETE FROM member_permissions g USING memberships m
               WHERE m.id = g.membership_id AND m.organisation_id = $1 AND g.permission = $2
               RETURNING g.membership_id AS "id: MembershipId""#,
            org as OrganisationId,
            key
        )
        .fetch_all(&mut **tx)
        .await?,
    );
    members.sort();
    members.dedup();
    sqlx::query!(
        "UPDATE invitations SET permissions = array_remove(permissions, $2)
         WHERE organisation_id = $1 AND $2 = ANY (permissions)",
        org as OrganisationId,
        key
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE product_permissions SET retired_at = now() WHERE id = $1",
        id as ProductPermissionId
    )
    .execute(&mut **tx)
    .await?;
    Ok(Retirement { roles, members })
}
