//! Invitations: who was invited to which organisation, by whom, and what
//! became of it. Pending and expired are computed from `expires_at` when
//! read. An address has at most one open invitation per inviting scope
//! (`invitations::create` decides, under the organisation's sends lock).

use crate::domain::invitation::{
    inviter_entitled, DeliveryState, InvitationStatus, Inviter, InviterStanding,
};
use crate::domain::scope::{SiteGrants, Standing};
use crate::domain::{
    AccountId, DepartmentId, GroupId, InvitationId, MembershipStatus, OrganisationId,
    PermissionSet, RoleId, SiteId,
};
use crate::wire::invitations::InvitationRow;
use crate::wire::Choice;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct NewInvitation<'a> {
    pub organisation: OrganisationId,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: RoleId,
    /// Granted on top of the role, by key.
    pub permissions: &'a [String],
    pub department: Option<DepartmentId>,
    /// The emailed link's token hash, and the copyable link's.
    pub email_token_hash: &'a [u8],
    pub copy_token_hash: &'a [u8],
    /// `None` only for the operator's `create-org` invitation.
    pub invited_by: Option<AccountId>,
    pub invited_by_name: &'a str,
    pub expires_at: DateTime<Utc>,
    /// The duration the inviter chose, kept for resends; `None` follows
    /// the organisation's setting.
    pub expiry_hours: Option<i32>,
}

/// Inserts an open invitation. Fails with a unique violation when the email
/// already has an open invitation in the organisation.
pub async fn insert(db: impl PgExecutor<'_>, new: NewInvitation<'_>) -> sqlx::Result<InvitationId> {
    sqlx::query_scalar!(
        r#"INSERT INTO invitations
               (organisation_id, email, display_name, role_id, department_id, token_hash,
                invited_by, invited_by_name, expires_at, from_operator, expiry_hours,
                copy_token_hash, permissions)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7::uuid IS NULL, $10, $11, $12)
           RETURNING id AS "id: InvitationId""#,
        new.organisation as OrganisationId,
        new.email,
        new.display_name,
        new.role as RoleId,
        new.department as Option<DepartmentId>,
        new.email_token_hash,
        new.invited_by as Option<AccountId>,
        new.invited_by_name,
        new.expires_at,
        new.expiry_hours,
        new.copy_token_hash,
        new.permissions
    )
    .fetch_one(db)
    .await
}

/// The oldest open (pending or expired) invitation for `email` that an
/// inviter reaching `sites` would see: any, when `sites` is `None` (they
/// reach the whole organisation), else one for some of those sites.
pub async fn find_open_by_email(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    email: &str,
    sites: Option<&[SiteId]>,
) -> sqlx::Result<Option<(InvitationId, DateTime<Utc>)>> {
    let sites: Option<Vec<Uuid>> = sites.map(|sites| sites.iter().map(|s| s.0).collect());
    let row = sqlx::query!(
        r#"SELECT i.id AS "id: InvitationId", i.expires_at FROM invitations i
           WHERE i.organisation_id = $1 AND lower(i.email) = lower($2)
             AND i.revoked_at IS NULL AND i.accepted_at IS NULL
             AND ($3::uuid[] IS NULL OR EXISTS (
                   SELECT 1 FROM invitation_sites isr
                   WHERE isr.invitation_id = i.id AND isr.site_id = ANY ($3)))
           ORDER BY i.created_at, i.id
           LIMIT 1"#,
        org as OrganisationId,
        email,
        sites.as_deref()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.expires_at)))
}

/// The team-table rows of `org`'s invitations `ids` (in no particular
/// order), each with the state of its latest email.
pub async fn team_rows(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    ids: &[InvitationId],
) -> sqlx::Result<Vec<InvitationRow>> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"SELECT i.id AS "id: InvitationId", i.email, i.display_name,
                  r.id AS "role_id: RoleId", r.name AS role_name, i.permissions,
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  i.invited_by_name, i.sent_at, i.expires_at, i.resend_count,
                  i.revoked_at, i.accepted_at,
                  o.state AS "delivery_state?", o.attempts AS "delivery_attempts?",
                  gs.ids AS "group_ids!", gs.names AS "group_names!",
                  coalesce((SELECT array_agg(s.name || ' (' || sr.name || ')' ORDER BY lower(s.name))
                            FROM invitation_sites isr JOIN sites s ON s.id = isr.site_id
                            JOIN roles sr ON sr.id = isr.role_id
                            WHERE isr.invitation_id = i.id), ARRAY[]::text[]) AS "sites!",
                  coalesce((SELECT array_agg(isr.site_id::text || ':' || isr.role_id::text)
                            FROM invitation_sites isr
                            WHERE isr.invitation_id = i.id), ARRAY[]::text[]) AS "site_choices!"
           FROM invitations i
           JOIN roles r ON r.id = i.role_id
           LEFT JOIN departments d ON d.id = i.department_id
           LEFT JOIN LATERAL (
               SELECT state, attempts FROM outbox_emails e
               WHERE e.invitation_id = i.id ORDER BY e.id DESC LIMIT 1
           ) o ON true
           CROSS JOIN LATERAL (
               SELECT coalesce(array_agg(g.id ORDER BY lower(g.name)), ARRAY[]::uuid[]) AS ids,
                      coalesce(array_agg(g.name ORDER BY lower(g.name)), ARRAY[]::text[]) AS names
               FROM invitation_groups ig JOIN groups g ON g.id = ig.group_id
               WHERE ig.invitation_id = i.id
           ) gs
           WHERE i.organisation_id = $1 AND i.id = ANY($2)"#,
        org as OrganisationId,
        &ids
    )
    .fetch_all(db)
    .await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| InvitationRow {
            id: r.id,
            email: r.email,
            name: r.display_name,
            role_id: r.role_id,
            role: r.role_name,
            permissions: r.permissions,
            department_id: r.department_id,
            department: r.department_name,
            groups: r
                .group_ids
                .into_iter()
                .zip(r.group_names)
                .map(|(id, name)| Choice {
                    id: GroupId(id),
                    name,
                })
                .collect(),
            sites: r.sites,
            site_choices: r.site_choices,
            invited_by: r.invited_by_name,
            sent_at: r.sent_at,
            expires_at: r.expires_at,
            resend_count: r.resend_count,
            status: InvitationStatus::at(now, r.expires_at, r.revoked_at, r.accepted_at),
            delivery: r
                .delivery_state
                .map(|s| DeliveryState::from_outbox(&s, r.delivery_attempts.unwrap_or(0))),
        })
        .collect())
}

/// An invitation as an admin acting on it needs it, locked for the rest of
/// the transaction so that concurrent actions on it take turns.
pub struct ManagedInvitation {
    pub id: InvitationId,
    pub email: String,
    pub display_name: String,
    /// What it grants: its role's permissions, those on top and its
    /// groups'.
    pub grants: Vec<String>,
    /// What it grants at each of its sites (`invitation_site_grants`).
    pub site_grants: Vec<String>,
    /// Its sites, by id.
    pub sites: Vec<Uuid>,
    /// The permissions on top of its role, for the audit log's "before".
    pub permissions: Vec<String>,
    /// The role's and department's names, for the audit log's "before".
    pub role_name: String,
    pub department_name: Option<String>,
    pub status: InvitationStatus,
    /// The duration chosen for it, if not the organisation's.
    pub expiry_hours: Option<i32>,
}

pub async fn lock_for_admin(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: InvitationId,
) -> sqlx::Result<Option<ManagedInvitation>> {
    let row = sqlx::query!(
        r#"SELECT i.id AS "id: InvitationId", i.email, i.display_name,
                  invitation_grants(i.id, r.permissions, i.permissions) AS "grants!", i.permissions,
                  invitation_site_grants(i.id) AS "site_grants!",
                  ARRAY(SELECT isr.site_id FROM invitation_sites isr WHERE isr.invitation_id = i.id)
                    AS "sites!",
                  r.name AS role_name, d.name AS "department_name?",
                  i.expires_at, i.revoked_at, i.accepted_at, i.expiry_hours
           FROM invitations i JOIN roles r ON r.id = i.role_id
           LEFT JOIN departments d ON d.id = i.department_id
           WHERE i.organisation_id = $1 AND i.id = $2
           FOR UPDATE OF i"#,
        org as OrganisationId,
        id as InvitationId
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ManagedInvitation {
        id: r.id,
        email: r.email,
        display_name: r.display_name,
        grants: r.grants,
        site_grants: r.site_grants,
        sites: r.sites,
        permissions: r.permissions,
        role_name: r.role_name,
        department_name: r.department_name,
        status: InvitationStatus::at(Utc::now(), r.expires_at, r.revoked_at, r.accepted_at),
        expiry_hours: r.expiry_hours,
    }))
}

/// Records whether the invitation's copyable link, as issued now, was
/// vouched for by a recent proof (see the migration
/// `invitation_copy_vouched`).
pub async fn set_copy_vouched(
    db: impl PgExecutor<'_>,
    id: InvitationId,
    vouched: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations SET copy_vouched = $2 WHERE id = $1",
        id as InvitationId,
        vouched
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives the invitation a new copyable token only: a link copied before
/// stops working, the emailed one goes on.
pub async fn rotate_copy_token(
    db: impl PgExecutor<'_>,
    id: InvitationId,
    copy_token_hash: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations SET copy_token_hash = $2 WHERE id = $1",
        id as InvitationId,
        copy_token_hash
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives the invitation new tokens (emailed and copyable) and expiry: both
/// old links stop working at once. `resent` counts it as a resend.
pub async fn rotate_tokens(
    db: impl PgExecutor<'_>,
    id: InvitationId,
    email_token_hash: &[u8],
    copy_token_hash: &[u8],
    expires_at: DateTime<Utc>,
    resent: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations
         SET token_hash = $2, copy_token_hash = $5, expires_at = $3, sent_at = now(),
             resend_count = resend_count + CASE WHEN $4 THEN 1 ELSE 0 END
         WHERE id = $1",
        id as InvitationId,
        email_token_hash,
        expires_at,
        resent,
        copy_token_hash
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn revoke(db: impl PgExecutor<'_>, id: InvitationId, by_name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations SET revoked_at = now(), revoked_by_name = $2
         WHERE id = $1 AND revoked_at IS NULL AND accepted_at IS NULL",
        id as InvitationId,
        by_name
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn update_assignment(
    db: impl PgExecutor<'_>,
    id: InvitationId,
    role: RoleId,
    permissions: &[String],
    department: Option<DepartmentId>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations SET role_id = $2, department_id = $3, permissions = $4 WHERE id = $1",
        id as InvitationId,
        role as RoleId,
        department as Option<DepartmentId>,
        permissions
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// What the invitation email needs, with the expiry already written in the
/// organisation's time zone.
pub struct EmailContext {
    pub email: String,
    pub display_name: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub time_zone: String,
    pub inviter_name: String,
    pub role_name: String,
    pub expires_at: DateTime<Utc>,
    pub expires_local: String,
}

pub async fn email_context(
    db: impl PgExecutor<'_>,
    id: InvitationId,
) -> sqlx::Result<EmailContext> {
    sqlx::query_as!(
        EmailContext,
        r#"SELECT i.email, i.display_name, o.id AS "organisation_id: OrganisationId",
                  o.name AS organisation_name, o.time_zone,
                  i.invited_by_name AS inviter_name, r.name AS role_name, i.expires_at,
                  to_char(i.expires_at AT TIME ZONE o.time_zone,
                          'FMDay FMDD FMMonth YYYY, HH24:MI') AS "expires_local!"
           FROM invitations i
           JOIN organisations o ON o.id = i.organisation_id
           JOIN roles r ON r.id = i.role_id
           WHERE i.id = $1"#,
        id as InvitationId
    )
    .fetch_one(db)
    .await
}

/// An invitation found by its link's token, for the accept pages.
pub struct ByToken {
    pub id: InvitationId,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub email: String,
    pub display_name: String,
    pub role_id: RoleId,
    pub role_name: String,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    pub inviter_name: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The account that already uses this email, in any organisation.
    /// Never shown to the link's holder (see `server::invitations::view`).
    pub account_id: Option<AccountId>,
    /// Found through the emailed link's token, not the copyable one's:
    /// accepting through it proves the person reads the address.
    pub emailed: bool,
    /// What it grants: its role's permissions, those on top and its
    /// groups'.
    pub grants: Vec<String>,
    /// What it grants at each of its sites (`invitation_site_grants`).
    pub site_grants: Vec<String>,
    /// Its sites, by id.
    pub sites: Vec<Uuid>,
    /// The permissions on top of its role: the new member's direct grants.
    pub permissions: Vec<String>,
    /// Who sent it: the direct grants are theirs.
    pub invited_by: Option<AccountId>,
    /// Made by `roster create-org`, with no member behind it.
    pub from_operator: bool,
    /// Whether a recent proof vouched for its copyable link when issued.
    pub copy_vouched: bool,
    /// The inviter's membership of the organisation now, if they still
    /// have one: its status and its role's permissions.
    pub inviter_status: Option<String>,
    pub inviter_permissions: Option<Vec<String>>,
    pub inviter_site_permissions: Option<Vec<String>>,
}

impl ByToken {
    pub fn status(&self) -> InvitationStatus {
        InvitationStatus::at(
            Utc::now(),
            self.expires_at,
            self.revoked_at,
            self.accepted_at,
        )
    }

    /// Whether its inviter could still make it (see [`inviter_entitled`]).
    pub fn inviter_entitled(&self) -> bool {
        let permissions = self
            .inviter_permissions
            .as_deref()
            .map(PermissionSet::from_keys);
        let sites =
            SiteGrants::from_entries(self.inviter_site_permissions.as_deref().unwrap_or(&[]));
        let inviter = if self.from_operator {
            Inviter::Operator
        } else {
            Inviter::Member(
                self.inviter_status
                    .as_deref()
                    .zip(permissions.as_ref())
                    .map(|(status, permissions)| InviterStanding {
                        enabled: status == MembershipStatus::Enabled.as_str(),
                        permissions,
                        sites: &sites,
                    }),
            )
        };
        inviter_entitled(
            inviter,
            &Standing::read(&self.grants, &self.site_grants, &self.sites),
        )
    }
}

/// Locks the invitation behind a token hash for the rest of the
/// transaction, so that two accepts of one link take turns.
pub async fn lock_by_token(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT id FROM invitations WHERE token_hash = $1 OR copy_token_hash = $1 FOR UPDATE",
        token_hash
    )
    .fetch_optional(db)
    .await
    .map(|_| ())
}

/// Finds the invitation behind a token hash, emailed or copyable.
pub async fn find_by_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<ByToken>> {
    sqlx::query_as!(
        ByToken,
        r#"SELECT i.id AS "id: InvitationId", o.id AS "organisation_id: OrganisationId",
                  o.name AS organisation_name, i.email, i.display_name,
                  r.id AS "role_id: RoleId", r.name AS role_name,
                  d.id AS "department_id?: DepartmentId", d.name AS "department_name?",
                  i.invited_by_name AS inviter_name, i.expires_at, i.revoked_at, i.accepted_at,
                  (SELECT a.id FROM accounts a WHERE lower(a.email) = lower(i.email))
                      AS "account_id?: AccountId",
                  invitation_grants(i.id, r.permissions, i.permissions) AS "grants!", i.permissions,
                  invitation_site_grants(i.id) AS "site_grants!",
                  ARRAY(SELECT isr.site_id FROM invitation_sites isr WHERE isr.invitation_id = i.id)
                    AS "sites!",
                  i.invited_by AS "invited_by?: AccountId", i.from_operator, i.copy_vouched,
                  im.status AS "inviter_status?",
                  membership_permissions(im.id, ir.permissions) AS "inviter_permissions?",
                  CASE WHEN im.id IS NOT NULL THEN membership_site_permissions(im.id) END
                    AS "inviter_site_permissions?",
                  (i.token_hash = $1) AS "emailed!"
           FROM invitations i
           JOIN organisations o ON o.id = i.organisation_id
           JOIN roles r ON r.id = i.role_id
           LEFT JOIN departments d ON d.id = i.department_id
           LEFT JOIN memberships im
                  ON im.account_id = i.invited_by AND im.organisation_id = i.organisation_id
           LEFT JOIN roles ir ON ir.id = im.role_id
           WHERE i.token_hash = $1 OR i.copy_token_hash = $1"#,
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_accepted(
    db: impl PgExecutor<'_>,
    id: InvitationId,
    account: AccountId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE invitations SET accepted_at = now(), accepted_account_id = $2 WHERE id = $1",
        id as InvitationId,
        account as AccountId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// An open invitation that one member sent, with what it grants.
pub struct SentInvitation {
    pub id: InvitationId,
    pub email: String,
    /// Its role's permissions, those on top and its groups'.
    pub grants: Vec<String>,
    /// What it grants at each of its sites, and its sites.
    pub site_grants: Vec<String>,
    pub sites: Vec<Uuid>,
}

/// What an invitation grants, at each scope.
impl SentInvitation {
    pub fn granted(&self) -> Standing {
        Standing::read(&self.grants, &self.site_grants, &self.sites)
    }
}

impl ManagedInvitation {
    pub fn granted(&self) -> Standing {
        Standing::read(&self.grants, &self.site_grants, &self.sites)
    }
}

/// Locks the open invitations `inviter` sent in `org`, for the rest of the
/// transaction, so that an accept of one of them waits for the change
/// that judges it.
pub async fn lock_open_sent_by(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    inviter: AccountId,
) -> sqlx::Result<Vec<SentInvitation>> {
    sqlx::query_as!(
        SentInvitation,
        r#"SELECT i.id AS "id: InvitationId", i.email, invitation_grants(i.id, r.permissions, i.permissions) AS "grants!",
                  invitation_site_grants(i.id) AS "site_grants!",
                  ARRAY(SELECT isr.site_id FROM invitation_sites isr WHERE isr.invitation_id = i.id)
                    AS "sites!"
           FROM invitations i JOIN roles r ON r.id = i.role_id
           WHERE i.organisation_id = $1 AND i.invited_by = $2
             AND i.revoked_at IS NULL AND i.accepted_at IS NULL
           ORDER BY i.created_at
           FOR UPDATE OF i"#,
        org as OrganisationId,
        inviter as AccountId
    )
    .fetch_all(db)
    .await
}

/// Revokes the invitations `ids` that are still open.
pub async fn revoke_many(
    db: impl PgExecutor<'_>,
    ids: &[InvitationId],
    by_name: &str,
) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query!(
        "UPDATE invitations SET revoked_at = now(), revoked_by_name = $2
         WHERE id = ANY($1) AND revoked_at IS NULL AND accepted_at IS NULL",
        &ids,
        by_name
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The sites (by id) of invitation `id`, when it belongs to `org`.
pub async fn sites_if_in(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    id: InvitationId,
) -> sqlx::Result<Option<Vec<Uuid>>> {
    sqlx::query_scalar!(
        r#"SELECT ARRAY(SELECT isr.site_id FROM invitation_sites isr WHERE isr.invitation_id = i.id)
                    AS "sites!"
           FROM invitations i WHERE i.organisation_id = $1 AND i.id = $2"#,
        org as OrganisationId,
        id as InvitationId
    )
    .fetch_optional(db)
    .await
}

/// A group an invitation puts its invitee in.
pub struct InvitationGroup {
    pub invitation_id: InvitationId,
    pub id: GroupId,
    pub name: String,
}

/// The groups of invitations `ids`, each invitation's by name.
pub async fn groups_of(
    db: impl PgExecutor<'_>,
    ids: &[InvitationId],
) -> sqlx::Result<Vec<InvitationGroup>> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        InvitationGroup,
        r#"SELECT ig.invitation_id AS "invitation_id: InvitationId", g.id AS "id: GroupId", g.name
           FROM invitation_groups ig JOIN groups g ON g.id = ig.group_id
           WHERE ig.invitation_id = ANY($1)
           ORDER BY lower(g.name)"#,
        &ids
    )
    .fetch_all(db)
    .await
}

/// Makes `groups` the invitation's groups, replacing any it had.
pub async fn set_groups(
    db: &mut sqlx::PgConnection,
    id: InvitationId,
    groups: &[GroupId],
) -> sqlx::Result<()> {
    let groups: Vec<Uuid> = groups.iter().map(|g| g.0).collect();
    sqlx::query!(
        "DELETE FROM invitation_groups WHERE invitation_id = $1 AND NOT (group_id = ANY($2))",
        id as InvitationId,
        &groups
    )
    .execute(&mut *db)
    .await?;
    // Only groups that still exist: one deleted since it was checked
    // drops out, as it would from a pending invitation.
    sqlx::query!(
        "INSERT INTO invitation_groups (invitation_id, group_id)
         SELECT $1, g.id FROM groups g WHERE g.id = ANY($2) ON CONFLICT DO NOTHING",
        id as InvitationId,
        &groups
    )
    .execute(&mut *db)
    .await
    .map(|_| ())
}

/// The open invitations that would put their invitee in `group`.
pub async fn open_with_group(
    db: impl PgExecutor<'_>,
    group: GroupId,
) -> sqlx::Result<Vec<InvitationId>> {
    sqlx::query_scalar!(
        r#"SELECT i.id AS "id: InvitationId"
           FROM invitation_groups ig JOIN invitations i ON i.id = ig.invitation_id
           WHERE ig.group_id = $1 AND i.revoked_at IS NULL AND i.accepted_at IS NULL"#,
        group as GroupId
    )
    .fetch_all(db)
    .await
}

/// A site an invitation puts its invitee on, with the site role there.
pub struct InvitationSite {
    pub site_id: SiteId,
    pub site: String,
    pub role_id: RoleId,
    pub role: String,
}

/// The sites of invitation `id`, by name.
pub async fn sites_of(
    db: impl PgExecutor<'_>,
    id: InvitationId,
) -> sqlx::Result<Vec<InvitationSite>> {
    sqlx::query_as!(
        InvitationSite,
        r#"SELECT s.id AS "site_id: SiteId", s.name AS site, r.id AS "role_id: RoleId", r.name AS role
           FROM invitation_sites isr
           JOIN sites s ON s.id = isr.site_id
           JOIN roles r ON r.id = isr.role_id
           WHERE isr.invitation_id = $1
           ORDER BY lower(s.name)"#,
        id as InvitationId
    )
    .fetch_all(db)
    .await
}

/// Makes `sites` (each with its site role) the invitation's sites,
/// replacing any it had.
pub async fn set_sites(
    db: &mut sqlx::PgConnection,
    id: InvitationId,
    sites: &[(SiteId, RoleId)],
) -> sqlx::Result<()> {
    let site_ids: Vec<Uuid> = sites.iter().map(|(s, _)| s.0).collect();
    let role_ids: Vec<Uuid> = sites.iter().map(|(_, r)| r.0).collect();
    sqlx::query!(
        "DELETE FROM invitation_sites WHERE invitation_id = $1",
        id as InvitationId
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "INSERT INTO invitation_sites (invitation_id, site_id, role_id)
         SELECT $1, chosen.site, chosen.role FROM unnest($2::uuid[], $3::uuid[]) AS chosen (site, role)",
        id as InvitationId,
        &site_ids,
        &role_ids
    )
    .execute(&mut *db)
    .await
    .map(|_| ())
}
