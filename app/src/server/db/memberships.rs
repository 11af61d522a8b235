//! Memberships: an account's place, role and status in one organisation.

use crate::domain::avatar::avatar_path;
use crate::domain::password_reset::PasswordResetState;
use crate::domain::scope::Standing;
use crate::domain::{
    AccountId, DepartmentId, MembershipId, MembershipStatus, OrganisationId, RoleId,
};
use crate::wire::team::TeamMember;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// The id of a built-in role by its stable key (`owner`, `admin`, `member`).
pub async fn role_by_key(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    key: &str,
) -> sqlx::Result<RoleId> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: RoleId" FROM roles
           WHERE key = $2 AND (organisation_id IS NULL OR organisation_id = $1)"#,
        org as OrganisationId,
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

/// Marks `membership` as joined through a copied link, when its account's
/// address is unproven (see the migration `memberships_joined_unproven`).
pub async fn mark_joined_unproven(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships m SET joined_unproven = true
         FROM accounts a
         WHERE m.id = $1 AND a.id = m.account_id AND a.email_verified_at IS NULL",
        membership as MembershipId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A membership someone made with an account through a copied link before
/// its address was proven.
pub struct UnprovenMembership {
    pub id: MembershipId,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub display_name: String,
    pub email: String,
    pub role_name: String,
    /// Whether it holds the built-in Owner role (given after joining: a
    /// copied link never makes an owner).
    pub owner: bool,
}

pub async fn joined_unproven(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<UnprovenMembership>> {
    sqlx::query_as!(
        UnprovenMembership,
        r#"SELECT m.id AS "id: MembershipId", m.organisation_id AS "organisation_id: OrganisationId",
                  o.name AS organisation_name, a.display_name, a.email, r.name AS role_name,
                  (r.key = 'owner' AND r.organisation_id IS NULL) AS "owner!"
           FROM memberships m
           JOIN organisations o ON o.id = m.organisation_id
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           WHERE m.account_id = $1 AND m.joined_unproven
           ORDER BY o.name, m.id"#,
        account as AccountId
    )
    .fetch_all(db)
    .await
}

/// The account's address is proven by its owner's word (a verification
/// link): its memberships are theirs.
pub async fn clear_joined_unproven(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET joined_unproven = false WHERE account_id = $1 AND joined_unproven",
        account as AccountId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A holder of a role, as an inviter stands after a change to it.
pub struct Holder {
    pub id: MembershipId,
    pub account_id: AccountId,
    pub enabled: bool,
    /// What they may do now (`membership_permissions`).
    pub permissions: Vec<String>,
    /// And at sites only (`membership_site_permissions`).
    pub site_permissions: Vec<String>,
}

impl Holder {
    /// What they hold, at each scope.
    pub fn holds(&self) -> Standing {
        Standing::read(&self.permissions, &self.site_permissions, &[] as &[Uuid])
    }
}

/// The holders of `role` in `org`, read inside the transaction that
/// changed it: those whose role it is, those in a group granting it, and
/// those holding it at a site.
pub async fn holders(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    role: RoleId,
) -> sqlx::Result<Vec<Holder>> {
    sqlx::query_as!(
        Holder,
        r#"SELECT m.id AS "id: MembershipId", m.account_id AS "account_id: AccountId",
                  (m.status = 'enabled') AS "enabled!",
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!"
           FROM memberships m JOIN roles r ON r.id = m.role_id
           WHERE m.organisation_id = $1
             AND (m.role_id = $2
                  OR EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
                             WHERE gm.membership_id = m.id AND g.role_id = $2)
                  OR EXISTS (SELECT 1 FROM site_members sm
                             WHERE sm.membership_id = m.id AND sm.role_id = $2))"#,
        org as OrganisationId,
        role as RoleId
    )
    .fetch_all(db)
    .await
}

/// The people in `ids` as `holders` gives them, read inside the
/// transaction that changed what they hold.
pub async fn standing_of(
    db: impl PgExecutor<'_>,
    ids: &[MembershipId],
) -> sqlx::Result<Vec<Holder>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        Holder,
        r#"SELECT m.id AS "id: MembershipId", m.account_id AS "account_id: AccountId",
                  (m.status = 'enabled') AS "enabled!",
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!"
           FROM memberships m JOIN roles r ON r.id = m.role_id
           WHERE m.id = ANY ($1)"#,
        &ids
    )
    .fetch_all(db)
    .await
}

/// The organisation a person signs in to: the enabled membership they used
/// most recently.
pub struct SignInTarget {
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    /// The person's permission keys there (`membership_permissions`, and
    /// `membership_site_permissions`): where they land.
    pub permissions: Vec<String>,
    pub site_permissions: Vec<String>,
}

/// `only`: that organisation's membership, or none (a switch); `None`:
/// the enabled membership used most recently.
pub async fn sign_in_target(
    db: impl PgExecutor<'_>,
    account: AccountId,
    only: Option<OrganisationId>,
) -> sqlx::Result<Option<SignInTarget>> {
    sqlx::query_as!(
        SignInTarget,
        r#"SELECT m.organisation_id AS "organisation_id: OrganisationId", o.name AS organisation_name,
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!"
           FROM memberships m
           JOIN organisations o ON o.id = m.organisation_id
           JOIN roles r ON r.id = m.role_id
           WHERE m.account_id = $1 AND m.status = 'enabled'
             AND ($2::uuid IS NULL OR m.organisation_id = $2)
           ORDER BY m.last_sign_in_at DESC NULLS LAST, m.joined_at
           LIMIT 1"#,
        account as AccountId,
        only.map(|org| org.0)
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

/// The team-table rows of `org`'s memberships `ids` (in no particular
/// order: the caller knows the page's order), with `viewer`'s own row
/// marked. Ids of another organisation's memberships find nothing.
pub async fn team_rows(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    viewer: AccountId,
    ids: &[MembershipId],
) -> sqlx::Result<Vec<TeamMember>> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT m.id AS "id: MembershipId", a.display_name, a.email,
                  r.id AS "role_id: RoleId", r.name AS role_name,
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  coalesce((SELECT array_agg(od.name ORDER BY lower(od.name))
                            FROM member_departments md JOIN departments od ON od.id = md.department_id
                            WHERE md.membership_id = m.id), ARRAY[]::text[]) AS "other_departments!",
                  coalesce((SELECT array_agg(s.name || ' (' || sr.name || ')' ORDER BY lower(s.name))
                            FROM site_members sm JOIN sites s ON s.id = sm.site_id
                            JOIN roles sr ON sr.id = sm.role_id
                            WHERE sm.membership_id = m.id), ARRAY[]::text[]) AS "sites!",
                  m.status, m.last_sign_in_at, m.joined_at,
                  (a.two_factor_enabled_at IS NOT NULL) AS "two_factor!",
                  two_factor_due(a.two_factor_enabled_at, m.two_factor_required_since,
                                 o.two_factor_grace_days) AS "two_factor_due?",
                  (a.email_verified_at IS NOT NULL) AS "email_verified!",
                  (a.id = $2) AS "is_you!",
                  pr.expires_at AS "reset_expires_at?", pr.used_at AS "reset_used_at?",
                  pr.superseded_at AS "reset_superseded_at?",
                  (extract(epoch FROM av.updated_at) * 1000)::bigint AS "avatar_version?"
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
           JOIN organisations o ON o.id = m.organisation_id
           LEFT JOIN avatars av ON av.account_id = a.id
           LEFT JOIN departments d ON d.id = m.department_id
           -- The latest reset this organisation's admins sent: resets the
           -- person asked for, or another organisation sent, are not this
           -- organisation's business.
           LEFT JOIN LATERAL (
               SELECT expires_at, used_at, superseded_at FROM password_resets
               WHERE organisation_id = m.organisation_id AND account_id = m.account_id
               ORDER BY created_at DESC LIMIT 1
           ) pr ON true
           WHERE m.organisation_id = $1 AND m.id = ANY($3)"#,
        org as OrganisationId,
        viewer as AccountId,
        &ids
    )
    .fetch_all(db)
    .await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| TeamMember {
            password_reset: r.reset_expires_at.and_then(|expires_at| {
                PasswordResetState::at(now, expires_at, r.reset_used_at, r.reset_superseded_at)
            }),
            avatar: r.avatar_version.map(|v| avatar_path(r.id, v)),
            id: r.id,
            name: r.display_name,
            email: r.email,
            role_id: r.role_id,
            role: r.role_name,
            department_id: r.department_id,
            department: r.department_name,
            other_departments: r.other_departments,
            sites: r.sites,
            // The column's CHECK allows only the two values.
            status: MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Disabled),
            is_you: r.is_you,
            two_factor: r.two_factor,
            two_factor_due: r.two_factor_due,
            email_verified: r.email_verified,
            last_sign_in_at: r.last_sign_in_at,
            joined_at: r.joined_at,
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
    /// What the person may do (`membership_permissions`): their role's
    /// permissions and those granted to them directly.
    pub permissions: Vec<String>,
    /// What they hold at sites only (`membership_site_permissions`).
    pub site_permissions: Vec<String>,
    /// Every site they are on (by id), archived ones too.
    pub sites: Vec<Uuid>,
    /// Holds the built-in Owner role.
    pub is_owner: bool,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    /// Their position in this organisation.
    pub position: Option<String>,
    pub is_primary_contact: bool,
    /// The account has a second factor.
    pub has_factor: bool,
    /// The account also belongs to another organisation.
    pub in_other_organisations: bool,
    /// Someone proved the account's address (see `email_verification`).
    pub email_verified: bool,
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
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!",
                  ARRAY(SELECT sm.site_id FROM site_members sm WHERE sm.membership_id = m.id)
                    AS "sites!",
                  (r.key = 'owner' AND r.organisation_id IS NULL) AS "is_owner!",
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  m.position,
                  (o.primary_contact_id IS NOT DISTINCT FROM a.id) AS "is_primary_contact!",
                  (a.two_factor_enabled_at IS NOT NULL) AS "has_factor!",
                  EXISTS (SELECT 1 FROM memberships elsewhere
                          WHERE elsewhere.account_id = a.id
                            AND elsewhere.organisation_id <> m.organisation_id)
                    AS "in_other_organisations!",
                  (a.email_verified_at IS NOT NULL) AS "email_verified!"
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
    pub role_name: String,
    /// Their role's keys, as stored.
    pub role_permissions: Vec<String>,
    /// Everything they hold (`membership_permissions`, marked).
    pub permissions: Vec<String>,
    /// What they hold at sites only (`membership_site_permissions`).
    pub site_permissions: Vec<String>,
    /// Every site they are on (by id), archived ones too.
    pub sites: Vec<Uuid>,
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
                  i.invited_by_name AS "invited_by?", i.created_at AS "invited_at?",
                  r.name AS role_name, r.permissions AS role_permissions,
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!",
                  ARRAY(SELECT sm.site_id FROM site_members sm WHERE sm.membership_id = m.id)
                    AS "sites!"
           FROM memberships m
           JOIN accounts a ON a.id = m.account_id
           JOIN roles r ON r.id = m.role_id
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

/// Adds `count` made-up enabled or disabled members to `org` in one
/// statement, for benchmarks and paging tests: varied names, departments
/// (spread over the organisation's), sign-in times and join dates, every
/// account with the same `password_hash`. Emails are
/// `{tag}-{n}@bulk.roster.example`.
pub async fn bulk_insert(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    role: RoleId,
    tag: &str,
    count: i32,
    password_hash: &str,
) -> sqlx::Result<u64> {
    sqlx::query!(
        r#"WITH departments_of AS (
               SELECT coalesce(array_agg(id ORDER BY name), '{}') AS ids
               FROM departments WHERE organisation_id = $1
           ), new_accounts AS (
               INSERT INTO accounts (email, display_name, password_hash, email_verified_at)
               SELECT $3 || '-' || n || '@bulk.roster.example',
                      (ARRAY['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Ken',
                             'Margaret', 'Linus', 'Frances'])[1 + n % 10]
                      || ' ' ||
                      (ARRAY['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth',
                             'Thompson', 'Hamilton', 'Torvalds', 'Allen', 'Smith', 'Jones'])[1 + (n / 10) % 12]
                      || ' ' || n,
                      $5, now()
               FROM generate_series(1, $4::integer) AS n
               RETURNING id, email
           )
           INSERT INTO memberships (account_id, organisation_id, role_id, department_id, status,
                                    last_sign_in_at, joined_at)
           SELECT a.id, $1, $2,
                  d.ids[1 + abs(hashtext(a.email)) % greatest(cardinality(d.ids), 1)],
                  CASE WHEN abs(hashtext(a.email)) % 10 = 0 THEN 'disabled' ELSE 'enabled' END,
                  CASE WHEN abs(hashtext(a.email || 's')) % 5 = 0 THEN NULL
                       ELSE now() - (abs(hashtext(a.email || 's')) % 90) * interval '1 day' END,
                  now() - (abs(hashtext(a.email || 'j')) % 700) * interval '1 day'
           FROM new_accounts a, departments_of d"#,
        org as OrganisationId,
        role as RoleId,
        tag,
        count,
        password_hash
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Sets the person's position in one organisation.
pub async fn set_position(
    db: impl PgExecutor<'_>,
    membership: MembershipId,
    position: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE memberships SET position = $2 WHERE id = $1",
        membership as MembershipId,
        position
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Every membership of an account, in every organisation: a change to the
/// person (their name, their picture) shows in each one's team table.
pub async fn of_account(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<(OrganisationId, MembershipId)>> {
    let rows = sqlx::query!(
        r#"SELECT organisation_id AS "organisation_id: OrganisationId", id AS "id: MembershipId"
           FROM memberships WHERE account_id = $1"#,
        account as AccountId
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.organisation_id, r.id))
        .collect())
}

/// Brings `org`'s memberships (or only `only`) in line with its two-factor
/// policy: who became subject to it is marked from `now` (their grace
/// starts), who no longer is is cleared, and who already was keeps the
/// moment they became so. `sensitive` are Roster's permission keys the
/// `sensitive` policy covers, `sensitive_at_sites` those of them a site
/// role grants at its site; sensitive product permissions, which
/// `membership_permissions` marks, count too. Returns the memberships
/// that changed.
pub async fn refresh_two_factor_requirement(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    only: Option<MembershipId>,
    sensitive: &[String],
    sensitive_at_sites: &[String],
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<MembershipId>> {
    sqlx::query_scalar!(
        r#"WITH sensitive_site_roles AS (
               -- Roles that, held at a site, give power over access
               -- there: a sensitive permission held at one site counts
               -- all the same; one that holds at the organisation's scope
               -- only grants nothing there. Read once (an organisation
               -- has at most a hundred roles), then probed per person.
               SELECT r.id FROM roles r
               WHERE (r.organisation_id = $1 OR r.organisation_id IS NULL)
                 AND (r.permissions && $5::text[]
                      OR EXISTS (SELECT 1 FROM product_permissions p
                                 WHERE p.organisation_id = $1 AND p.sensitive
                                   AND p.key = ANY (r.permissions)))
           ), subject AS (
               SELECT m.id,
                      (o.two_factor_policy = 'everyone'
                       OR (o.two_factor_policy = 'sensitive'
                           AND (h.held && $3::text[]
                                OR EXISTS (SELECT 1 FROM unnest(h.held) k WHERE k LIKE '!%')
                                OR EXISTS (SELECT 1 FROM site_members sm
                                           JOIN sites s ON s.id = sm.site_id AND s.archived_at IS NULL
                                           WHERE sm.membership_id = m.id
                                             AND sm.role_id IN (SELECT id FROM sensitive_site_roles)))))
                        AS required
               FROM memberships m
               JOIN roles r ON r.id = m.role_id
               JOIN organisations o ON o.id = m.organisation_id
               CROSS JOIN LATERAL (SELECT membership_permissions(m.id, r.permissions) AS held) h
               WHERE m.organisation_id = $1 AND ($2::uuid IS NULL OR m.id = $2)
           )
           UPDATE memberships m
           SET two_factor_required_since =
                   CASE WHEN s.required THEN coalesce(m.two_factor_required_since, $4) END
           FROM subject s
           WHERE m.id = s.id
             AND s.required IS DISTINCT FROM (m.two_factor_required_since IS NOT NULL)
           RETURNING m.id AS "id: MembershipId""#,
        org as OrganisationId,
        only.map(|id| id.0),
        sensitive,
        now,
        sensitive_at_sites
    )
    .fetch_all(db)
    .await
}

/// `org`'s memberships its two-factor policy covers now.
pub async fn covered_by_two_factor_policy(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<MembershipId>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: MembershipId" FROM memberships
           WHERE organisation_id = $1 AND two_factor_required_since IS NOT NULL"#,
        org as OrganisationId
    )
    .fetch_all(db)
    .await
}

/// The organisations where `account` has an enabled membership, by name:
/// where it may switch to.
pub async fn enabled_organisations(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<(OrganisationId, String)>> {
    let rows = sqlx::query!(
        r#"SELECT o.id AS "id: OrganisationId", o.name
           FROM memberships m JOIN organisations o ON o.id = m.organisation_id
           WHERE m.account_id = $1 AND m.status = 'enabled'
           ORDER BY lower(o.name), o.id"#,
        account as AccountId
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
