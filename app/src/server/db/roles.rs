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

/// A role as the roles page lists it.
pub struct RoleListing {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub is_owner: bool,
    pub version: i32,
    /// Enabled and disabled members who hold it.
    pub holders: i64,
    /// Open invitations that would grant it.
    pub pending_invitations: i64,
}

/// Every role members of `org` can hold, with how many hold it.
pub async fn listing(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<RoleListing>> {
    sqlx::query_as!(
        RoleListing,
        r#"SELECT r.id AS "id: RoleId", r.name, r.description, r.permissions,
                  (r.key = 'owner' AND r.organisation_id IS NULL) AS "is_owner!",
                  r.version,
                  (SELECT count(*) FROM memberships m
                   WHERE m.role_id = r.id AND m.organisation_id = $1) AS "holders!",
                  (SELECT count(*) FROM invitations i
                   WHERE i.role_id = r.id AND i.organisation_id = $1
                     AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now())
                    AS "pending_invitations!"
           FROM roles r
           WHERE r.organisation_id IS NULL OR r.organisation_id = $1
           ORDER BY r.rank, lower(r.name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// A role of `org` (never the global Owner), locked until the end of the
/// transaction so that edits and deletions of it queue up.
pub struct LockedRole {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub version: i32,
}

pub async fn lock_own(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: RoleId,
) -> sqlx::Result<Option<LockedRole>> {
    sqlx::query_as!(
        LockedRole,
        r#"SELECT id AS "id: RoleId", name, description, permissions, version
           FROM roles WHERE id = $2 AND organisation_id = $1
           FOR UPDATE"#,
        org as OrganisationId,
        id as RoleId
    )
    .fetch_optional(db)
    .await
}

/// How many roles `org` has of its own.
pub async fn count_own(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM roles WHERE organisation_id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Whether `org` has a role called `name`, ignoring case (other than
/// `except`).
pub async fn name_taken(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
    except: Option<RoleId>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM roles
                          WHERE organisation_id = $1 AND lower(name) = lower($2)
                            AND ($3::uuid IS NULL OR id <> $3)) AS "taken!""#,
        org as OrganisationId,
        name,
        except.map(|id| id.0)
    )
    .fetch_one(db)
    .await
}

/// Adds a role to `org`, after its others in picker order. The key comes
/// from the name, with a suffix when the organisation has it already.
pub async fn insert(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    key: &str,
    name: &str,
    description: &str,
    permissions: &[String],
) -> sqlx::Result<RoleId> {
    sqlx::query_scalar!(
        r#"INSERT INTO roles (organisation_id, key, name, description, permissions, rank)
           SELECT $1,
                  CASE WHEN EXISTS (SELECT 1 FROM roles WHERE organisation_id = $1 AND key = $2)
                       THEN left($2, 50) || '-' || substr(md5(random()::text), 1, 6)
                       ELSE $2 END,
                  $3, $4, $5,
                  coalesce((SELECT max(rank) FROM roles WHERE organisation_id = $1), 20) + 10
           RETURNING id AS "id: RoleId""#,
        org as OrganisationId,
        key,
        name,
        description,
        permissions
    )
    .fetch_one(db)
    .await
}

/// Saves a locked role's new name, description and permissions, one
/// version on.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: RoleId,
    name: &str,
    description: &str,
    permissions: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE roles SET name = $2, description = $3, permissions = $4, version = version + 1
         WHERE id = $1",
        id as RoleId,
        name,
        description,
        permissions
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// What moving a deleted role's holders touched.
pub struct Moved {
    pub members: Vec<crate::domain::MembershipId>,
    pub invitations: i64,
    /// People who held it as a site role somewhere, now holding `to` there.
    pub site_members: Vec<crate::domain::MembershipId>,
}

/// Moves everyone and every invitation from role `from` to role `to`, then
/// deletes `from`: one transaction's steps, so nothing is left pointing at
/// a role that is gone.
pub async fn delete_moving(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    org: OrganisationId,
    from: RoleId,
    to: RoleId,
) -> sqlx::Result<Moved> {
    let members = sqlx::query_scalar!(
        r#"UPDATE memberships SET role_id = $3
           WHERE organisation_id = $1 AND role_id = $2
           RETURNING id AS "id: crate::domain::MembershipId""#,
        org as OrganisationId,
        from as RoleId,
        to as RoleId
    )
    .fetch_all(&mut **tx)
    .await?;
    let invitations = sqlx::query!(
        "UPDATE invitations SET role_id = $3 WHERE organisation_id = $1 AND role_id = $2",
        org as OrganisationId,
        from as RoleId,
        to as RoleId
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    // Groups granting it grant the new role instead; their people are among
    // the new role's holders the caller reads next.
    sqlx::query!(
        "UPDATE groups SET role_id = $3, version = version + 1
         WHERE organisation_id = $1 AND role_id = $2",
        org as OrganisationId,
        from as RoleId,
        to as RoleId
    )
    .execute(&mut **tx)
    .await?;
    // Invitations giving it as a site role give the new role there.
    sqlx::query!(
        "UPDATE invitation_sites isr SET role_id = $3
         FROM invitations i
         WHERE i.id = isr.invitation_id AND i.organisation_id = $1 AND isr.role_id = $2",
        org as OrganisationId,
        from as RoleId,
        to as RoleId
    )
    .execute(&mut **tx)
    .await?;
    let site_members = sqlx::query_scalar!(
        r#"UPDATE site_members sm SET role_id = $3
           FROM sites s
           WHERE s.id = sm.site_id AND s.organisation_id = $1 AND sm.role_id = $2
           RETURNING sm.membership_id AS "id: crate::domain::MembershipId""#,
        org as OrganisationId,
        from as RoleId,
        to as RoleId
    )
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query!("DELETE FROM roles WHERE id = $1", from as RoleId)
        .execute(&mut **tx)
        .await?;
    Ok(Moved {
        members,
        invitations: i64::try_from(invitations).unwrap_or(i64::MAX),
        site_members,
    })
}
