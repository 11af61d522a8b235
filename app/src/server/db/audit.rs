//! The audit log: append-only (the table refuses UPDATE, DELETE and
//! TRUNCATE), with name snapshots so history outlives what it names.

use super::super::request::RequestMeta;
use crate::domain::audit::AuditAction;
use crate::domain::{AccountId, OrganisationId};
use sqlx::PgExecutor;
use uuid::Uuid;

/// One event. `target_*` name what the action was done to.
pub struct AuditEvent<'a> {
    pub action: AuditAction,
    pub organisation: Option<OrganisationId>,
    pub actor: Option<(AccountId, &'a str)>,
    pub target_type: Option<&'a str>,
    pub target_id: Option<Uuid>,
    pub target_name: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> AuditEvent<'a> {
    pub fn new(action: AuditAction) -> Self {
        Self {
            action,
            organisation: None,
            actor: None,
            target_type: None,
            target_id: None,
            target_name: None,
            before: None,
            after: None,
        }
    }

    pub fn in_organisation(mut self, organisation: OrganisationId) -> Self {
        self.organisation = Some(organisation);
        self
    }

    pub fn by(mut self, actor: AccountId, name: &'a str) -> Self {
        self.actor = Some((actor, name));
        self
    }

    /// The action was done to (or by) this account.
    pub fn on_account(mut self, account: Option<AccountId>, name: &'a str) -> Self {
        self.target_type = Some("account");
        self.target_id = account.map(|a| a.0);
        self.target_name = Some(name);
        self
    }
}

impl<'a> AuditEvent<'a> {
    /// The action was done to this invitation (named by its email).
    pub fn on_invitation(
        mut self,
        invitation: crate::domain::InvitationId,
        email: &'a str,
    ) -> Self {
        self.target_type = Some("invitation");
        self.target_id = Some(invitation.0);
        self.target_name = Some(email);
        self
    }

    pub fn on_role(mut self, role: crate::domain::RoleId, name: &'a str) -> Self {
        self.target_type = Some("role");
        self.target_id = Some(role.0);
        self.target_name = Some(name);
        self
    }

    pub fn on_permission(
        mut self,
        permission: crate::domain::ProductPermissionId,
        name: &'a str,
    ) -> Self {
        self.target_type = Some("permission");
        self.target_id = Some(permission.0);
        self.target_name = Some(name);
        self
    }

    pub fn on_department(mut self, department: crate::domain::DepartmentId, name: &'a str) -> Self {
        self.target_type = Some("department");
        self.target_id = Some(department.0);
        self.target_name = Some(name);
        self
    }

    pub fn on_group(mut self, group: crate::domain::GroupId, name: &'a str) -> Self {
        self.target_type = Some("group");
        self.target_id = Some(group.0);
        self.target_name = Some(name);
        self
    }

    pub fn on_site(mut self, site: crate::domain::SiteId, name: &'a str) -> Self {
        self.target_type = Some("site");
        self.target_id = Some(site.0);
        self.target_name = Some(name);
        self
    }

    pub fn on_organisation(mut self, organisation: OrganisationId, name: &'a str) -> Self {
        self.target_type = Some("organisation");
        self.target_id = Some(organisation.0);
        self.target_name = Some(name);
        self
    }

    pub fn with_change(
        mut self,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

pub async fn record(
    db: impl PgExecutor<'_>,
    meta: &RequestMeta,
    event: AuditEvent<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_events
             (organisation_id, actor_id, actor_name, action, target_type, target_id, target_name,
              before, after, request_id, client_ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        event.organisation as Option<OrganisationId>,
        event.actor.map(|(id, _)| id) as Option<AccountId>,
        event.actor.map(|(_, name)| name),
        event.action.key(),
        event.target_type,
        event.target_id,
        event.target_name,
        event.before,
        event.after,
        meta.request_id,
        meta.client_ip
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records an event about `account` (a security event that happens
/// before anyone is in an organisation: a failed or refused sign-in, a
/// reset link asked for or used) in the log of every organisation the
/// account belongs to, so that each one's owners see it; in no
/// organisation's log when it belongs to none (or is unknown). The
/// event's own organisation, if set, is ignored.
pub async fn record_for_account(
    db: impl PgExecutor<'_>,
    meta: &RequestMeta,
    account: Option<AccountId>,
    event: AuditEvent<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_events
             (organisation_id, actor_id, actor_name, action, target_type, target_id, target_name,
              before, after, request_id, client_ip)
         SELECT o.organisation_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
         FROM (SELECT m.organisation_id FROM memberships m WHERE m.account_id = $1
               UNION ALL
               SELECT NULL::uuid WHERE NOT EXISTS
                   (SELECT 1 FROM memberships m WHERE m.account_id = $1)) o",
        account as Option<AccountId>,
        event.actor.map(|(id, _)| id) as Option<AccountId>,
        event.actor.map(|(_, name)| name),
        event.action.key(),
        event.target_type,
        event.target_id,
        event.target_name,
        event.before,
        event.after,
        meta.request_id,
        meta.client_ip
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// An event as a member's page lists it.
pub struct RecentEvent {
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub actor_name: Option<String>,
    pub target_name: Option<String>,
}

/// The latest `limit` events in `org` done by or to `account`.
pub async fn recent_for_account(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    account: AccountId,
    limit: i64,
) -> sqlx::Result<Vec<RecentEvent>> {
    sqlx::query_as!(
        RecentEvent,
        "SELECT occurred_at, action, actor_name, target_name FROM audit_events
         WHERE organisation_id = $1 AND (actor_id = $2 OR target_id = $2)
         ORDER BY occurred_at DESC, id DESC
         LIMIT $3",
        org as OrganisationId,
        account.0,
        limit
    )
    .fetch_all(db)
    .await
}

/// Serialises counting and recording invitation sends in `org` until the
/// transaction ends.
pub async fn lock_organisation_sends(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('roster.invitation_sends:' || $1::uuid::text, 0))",
        org.0
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// When the latest `limit` events with one of `actions` in `org` inside
/// `window` happened (by `actor`, if given). Newest first.
pub async fn recent_times(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    actor: Option<AccountId>,
    actions: &[&str],
    window: std::time::Duration,
    limit: i64,
) -> sqlx::Result<Vec<chrono::DateTime<chrono::Utc>>> {
    let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
    sqlx::query_scalar!(
        "SELECT occurred_at FROM audit_events
         WHERE organisation_id = $1 AND action = ANY($2)
           AND ($3::uuid IS NULL OR actor_id = $3)
           AND occurred_at > now() - make_interval(secs => $4)
         ORDER BY occurred_at DESC LIMIT $5",
        org as OrganisationId,
        &actions,
        actor.map(|a| a.0),
        window.as_secs_f64(),
        limit
    )
    .fetch_all(db)
    .await
}
