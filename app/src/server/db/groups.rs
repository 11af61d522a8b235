//! The organisation's groups: listed, created, changed (carrying the
//! version read) and deleted, and the people in each.

use crate::domain::{AccountId, GroupId, MembershipId, OrganisationId, RoleId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// A group with what it grants: its role's permissions as the role says
/// them now, and its extras.
pub struct Listed {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    pub role_id: Option<RoleId>,
    pub role_name: Option<String>,
    pub role_permissions: Vec<String>,
    pub permissions: Vec<String>,
    pub version: i32,
    pub members: i64,
}

pub async fn listing(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT g.id AS "id: GroupId", g.name, g.description,
                  g.role_id AS "role_id?: RoleId", r.name AS "role_name?",
                  coalesce(r.permissions, ARRAY[]::text[]) AS "role_permissions!",
                  g.permissions, g.version,
                  (SELECT count(*) FROM group_members gm WHERE gm.group_id = g.id) AS "members!"
           FROM groups g LEFT JOIN roles r ON r.id = g.role_id
           WHERE g.organisation_id = $1
           ORDER BY lower(g.name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// A group's name and what it grants, without its head count: what
/// pickers judge (counting every group's people costs 14 ms at 100,000
/// members in 100 groups; this read, under 2).
pub struct Grants {
    pub id: GroupId,
    pub name: String,
    pub role_permissions: Vec<String>,
    pub permissions: Vec<String>,
}

/// `org`'s groups with what each grants, by name.
pub async fn grants(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Vec<Grants>> {
    sqlx::query_as!(
        Grants,
        r#"SELECT g.id AS "id: GroupId", g.name,
                  coalesce(r.permissions, ARRAY[]::text[]) AS "role_permissions!",
                  g.permissions
           FROM groups g LEFT JOIN roles r ON r.id = g.role_id
           WHERE g.organisation_id = $1
           ORDER BY lower(g.name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// One of `org`'s groups, as `listing` gives it.
pub async fn find(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: GroupId,
) -> sqlx::Result<Option<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT g.id AS "id: GroupId", g.name, g.description,
                  g.role_id AS "role_id?: RoleId", r.name AS "role_name?",
                  coalesce(r.permissions, ARRAY[]::text[]) AS "role_permissions!",
                  g.permissions, g.version,
                  (SELECT count(*) FROM group_members gm WHERE gm.group_id = g.id) AS "members!"
           FROM groups g LEFT JOIN roles r ON r.id = g.role_id
           WHERE g.organisation_id = $1 AND g.id = $2"#,
        org as OrganisationId,
        id as GroupId
    )
    .fetch_optional(db)
    .await
}

/// The groups' names and ids, by name: the team table's filter and the
/// member page's picker.
pub async fn names(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<(GroupId, String)>> {
    Ok(sqlx::query!(
        r#"SELECT id AS "id: GroupId", name FROM groups
           WHERE organisation_id = $1 ORDER BY lower(name)"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect())
}

pub async fn count(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM groups WHERE organisation_id = $1"#,
        org as OrganisationId
    )
    .fetch_one(db)
    .await
}

/// Whether another group of `org` than `except` is called `name`,
/// ignoring case.
pub async fn name_taken(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    name: &str,
    except: Option<GroupId>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM groups
                          WHERE organisation_id = $1 AND lower(name) = lower($2)
                            AND ($3::uuid IS NULL OR id <> $3)) AS "taken!""#,
        org as OrganisationId,
        name,
        except.map(|id| id.0)
    )
    .fetch_one(db)
    .await
}

/// What a group is and grants.
pub struct GroupFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub role: Option<RoleId>,
    pub permissions: &'a [String],
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    group: &GroupFields<'_>,
) -> sqlx::Result<GroupId> {
    sqlx::query_scalar!(
        r#"INSERT INTO groups (organisation_id, name, description, role_id, permissions)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id: GroupId""#,
        org as OrganisationId,
        group.name,
        group.description,
        group.role.map(|r| r.0),
        group.permissions
    )
    .fetch_one(db)
    .await
}

/// A group of `org`, locked until the end of the transaction, with what
/// it grants now.
pub async fn lock(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: GroupId,
) -> sqlx::Result<Option<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT g.id AS "id: GroupId", g.name, g.description,
                  g.role_id AS "role_id?: RoleId", r.name AS "role_name?",
                  coalesce(r.permissions, ARRAY[]::text[]) AS "role_permissions!",
                  g.permissions, g.version,
                  (SELECT count(*) FROM group_members gm WHERE gm.group_id = g.id) AS "members!"
           FROM groups g LEFT JOIN roles r ON r.id = g.role_id
           WHERE g.organisation_id = $1 AND g.id = $2
           FOR UPDATE OF g"#,
        org as OrganisationId,
        id as GroupId
    )
    .fetch_optional(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: GroupId,
    group: &GroupFields<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE groups SET name = $2, description = $3, role_id = $4, permissions = $5,
                           version = version + 1
         WHERE id = $1",
        id as GroupId,
        group.name,
        group.description,
        group.role.map(|r| r.0),
        group.permissions
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn delete(db: impl PgExecutor<'_>, id: GroupId) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM groups WHERE id = $1", id as GroupId)
        .execute(db)
        .await
        .map(|_| ())
}

/// Who is in a group: whose permissions its changes change.
pub async fn member_ids(db: impl PgExecutor<'_>, id: GroupId) -> sqlx::Result<Vec<MembershipId>> {
    sqlx::query_scalar!(
        r#"SELECT membership_id AS "id: MembershipId" FROM group_members WHERE group_id = $1"#,
        id as GroupId
    )
    .fetch_all(db)
    .await
}

/// A person in a group, as the group's page lists them.
pub struct Member {
    pub id: MembershipId,
    pub name: String,
    pub email: String,
    pub role_name: String,
    pub enabled: bool,
    pub added_by: Option<String>,
    pub added_at: DateTime<Utc>,
}

/// The first `limit` people of a group, by name.
pub async fn members(
    db: impl PgExecutor<'_>,
    id: GroupId,
    limit: i64,
) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        r#"SELECT m.id AS "id: MembershipId", a.display_name AS name, a.email,
                  r.name AS role_name, (m.status = 'enabled') AS "enabled!",
                  adder.display_name AS "added_by?", gm.added_at
           FROM group_members gm
           JOIN memberships m ON m.id = gm.membership_id
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           LEFT JOIN accounts adder ON adder.id = gm.added_by
           WHERE gm.group_id = $1
           ORDER BY m.sort_name, m.account_id
           LIMIT $2"#,
        id as GroupId,
        limit
    )
    .fetch_all(db)
    .await
}

/// Members of `org` not in the group whose name or email holds
/// `pattern` (a `LIKE` pattern over lower-cased text), at most `limit`:
/// whom the group's page offers to add.
pub async fn candidates(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: GroupId,
    pattern: &str,
    limit: i64,
) -> sqlx::Result<Vec<(MembershipId, String, String)>> {
    Ok(sqlx::query!(
        r#"SELECT m.id AS "id: MembershipId", a.display_name AS name, a.email
           FROM memberships m JOIN accounts a ON a.id = m.account_id
           WHERE m.organisation_id = $1
             AND (m.sort_name LIKE $3 OR m.sort_email LIKE $3)
             AND NOT EXISTS (SELECT 1 FROM group_members gm
                             WHERE gm.group_id = $2 AND gm.membership_id = m.id)
           ORDER BY m.sort_name, m.account_id
           LIMIT $4"#,
        org as OrganisationId,
        id as GroupId,
        pattern,
        limit
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name, r.email))
    .collect())
}

/// Puts `membership` in the group; `false` when they were in it already.
pub async fn add(
    db: impl PgExecutor<'_>,
    id: GroupId,
    membership: MembershipId,
    by: AccountId,
) -> sqlx::Result<bool> {
    let added = sqlx::query!(
        "INSERT INTO group_members (group_id, membership_id, added_by)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        id as GroupId,
        membership as MembershipId,
        by as AccountId
    )
    .execute(db)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Takes `membership` out of the group; `false` when they were not in it.
pub async fn remove(
    db: impl PgExecutor<'_>,
    id: GroupId,
    membership: MembershipId,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM group_members WHERE group_id = $1 AND membership_id = $2",
        id as GroupId,
        membership as MembershipId
    )
    .execute(db)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// A group a person is in, with what it grants them.
pub struct Membership {
    pub id: GroupId,
    pub name: String,
    pub role_name: Option<String>,
    pub role_permissions: Vec<String>,
    pub permissions: Vec<String>,
    pub added_at: DateTime<Utc>,
}

/// The groups `membership` is in, by name.
pub async fn of_member(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
) -> sqlx::Result<Vec<Membership>> {
    sqlx::query_as!(
        Membership,
        r#"SELECT g.id AS "id: GroupId", g.name, r.name AS "role_name?",
                  coalesce(r.permissions, ARRAY[]::text[]) AS "role_permissions!",
                  g.permissions, gm.added_at
           FROM group_members gm
           JOIN groups g ON g.id = gm.group_id
           LEFT JOIN roles r ON r.id = g.role_id
           WHERE gm.membership_id = $1
           ORDER BY lower(g.name)"#,
        membership as MembershipId
    )
    .fetch_all(db)
    .await
}
