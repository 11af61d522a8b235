//! Member lifecycle: disable, enable, delete, change role or department.
//! The rules behind the `members/*` server functions.
//!
//! Every change takes the organisation's row lock first, then reads the
//! facts its guards need (how many enabled Owners, who is primary contact)
//! and writes, all in one transaction: two admins demoting the last two
//! Owners at the same moment take turns, and the second is refused.

use super::actor::{authenticate, Actor};
use super::assignment::{department_of, not_grantable, role_of};
use super::db::audit::{self, AuditEvent};
use super::db::password_resets::Sender;
use super::db::team_events::{self, TeamNotice};
use super::db::{accounts, memberships, organisations, sessions};
use super::error::ServerError;
use super::invitations::{revoke_unentitled, InviterChange};
use super::request::RequestScope;
use super::sites::keep_site_managers;
use crate::domain::audit::AuditAction;
use crate::domain::invitation::InviterStanding;
use crate::domain::member::{judge, MemberChange, Situation};
use crate::domain::person::Position;
use crate::domain::scope::{self, acting_with, OutOfReach, Reach, Standing};
use crate::domain::Refusal;
use crate::domain::{MembershipId, MembershipStatus, Permission, PermissionSet, SiteId};
use crate::wire::members::{MemberDetail, MemberEvent, PasswordResetSent};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

/// How many of a member's latest audit events their page shows.
const RECENT_EVENTS: i64 = 20;

/// A member's page. Needs [`Permission::ViewTeam`]; ids from another
/// organisation, and people outside the sites where the viewer may see
/// the team, are not found.
pub async fn detail(scope: RequestScope, id: MembershipId) -> Result<MemberDetail, ServerError> {
    let actor = authenticate(&scope).await?;
    let reach = actor.require_reach(Permission::ViewTeam)?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let profile = memberships::profile(pool, org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let them = Standing::read(
        &profile.permissions,
        &profile.site_permissions,
        &profile.sites,
    );
    if !reach.reaches(&them.places) {
        return Err(AppError::NotFound.into());
    }
    let member = memberships::team_rows(pool, org, actor.account_id, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    // Their history names whoever acted on them, anywhere in the
    // organisation: it is the audit log's, which stays with those who see
    // the whole team.
    let recent_events = if reach == Reach::Organisation {
        audit::recent_for_account(pool, org, profile.account_id, RECENT_EVENTS)
            .await?
            .into_iter()
            .map(|e| MemberEvent {
                at: e.occurred_at,
                action: e.action,
                actor: e.actor_name,
                target: e.target_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let access = super::member_access::access_of(&scope, &actor, id, &profile, &them).await?;
    let (other_departments, addable_departments, may_change_departments) =
        other_departments(&scope, &actor, id, &member, &them).await?;
    Ok(MemberDetail {
        access,
        other_departments,
        addable_departments,
        may_change_departments,
        member,
        position: profile.position,
        phone: profile.phone,
        joined_at: profile.joined_at,
        invited: profile.invited_by.zip(profile.invited_at),
        is_primary_contact: profile.is_primary_contact,
        authenticator: super::two_factor::status_of(pool, profile.account_id)
            .await?
            .authenticator,
        recent_events,
    })
}

type DepartmentChoices = Vec<crate::wire::choice::Choice<crate::domain::DepartmentId>>;

/// A member's departments besides their primary one, the live ones
/// `actor` could add them to, and whether `actor` may change them.
async fn other_departments(
    scope: &RequestScope,
    actor: &Actor,
    id: MembershipId,
    member: &crate::wire::team::TeamMember,
    them: &Standing,
) -> Result<(DepartmentChoices, DepartmentChoices, bool), ServerError> {
    use super::db::departments;
    use crate::wire::choice::Choice;
    let pool = &scope.state.pool;
    let theirs: DepartmentChoices = departments::others_of(pool, id)
        .await?
        .into_iter()
        .map(|d| Choice {
            id: d.id,
            name: d.name,
        })
        .collect();
    let may_change = acting_on(actor, MemberChange::ChangeDepartment, None, them).is_some();
    let addable = if may_change {
        departments::live(pool, actor.organisation_id)
            .await?
            .into_iter()
            .filter(|d| Some(d.id) != member.department_id && !theirs.iter().any(|t| t.id == d.id))
            .map(|d| Choice {
                id: d.id,
                name: d.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((theirs, addable, may_change))
}

/// The permissions `actor` would act on `them` with in `change` (at
/// `site`), when that is within their reach and nothing `them` holds
/// outranks it: what a member's page offers. The change itself is
/// judged again, under the lock, by [`lock_and_judge`].
pub(super) fn acting_on(
    actor: &Actor,
    change: MemberChange,
    site: Option<SiteId>,
    them: &Standing,
) -> Option<PermissionSet> {
    let with = acting_with(actor.holdings(), change.needs(), change.act(site), them).ok()?;
    scope::may_act_on(actor.holdings(), them.holdings()).then_some(with)
}

/// Someone who may manage members somewhere: whether this member is
/// theirs is judged under the lock (`lock_and_judge`).
async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require_reach(Permission::ManageMembers)?;
    Ok(actor)
}

/// A refusal as the client sees it: beside the role picker when it is
/// about the new role, otherwise as the dialog's message.
fn refused(refusal: Refusal, role_name: &str) -> ServerError {
    match refusal {
        Refusal::RoleNotGrantable { .. } => not_grantable(role_name).into(),
        other => other.into(),
    }
}

/// Locks the organisation, then the member; judges `change` (at `site`,
/// for a change of their site role there).
///
/// Someone whose permission holds at some sites only reaches those sites'
/// people and no one else: anyone else is not found, exactly like an id
/// that does not exist (`domain::scope::acting_with`).
pub(super) async fn lock_and_judge(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: MembershipId,
    change: MemberChange,
    site: Option<SiteId>,
    new_role: Option<(&PermissionSet, bool, &str)>,
    granted: Option<&PermissionSet>,
) -> Result<memberships::ManagedMember, ServerError> {
    let org = actor.organisation_id;
    organisations::lock(&mut **tx, org).await?;
    // The actor as they are now, under the lock: an Owner demoted by a
    // concurrent request must not act on the permissions they had when
    // this request began.
    let me = memberships::lock_for_change(&mut **tx, org, actor.membership_id)
        .await?
        .filter(|me| me.status == MembershipStatus::Enabled.as_str())
        .ok_or(AppError::Unauthenticated)?;
    let me = Standing::read(&me.permissions, &me.site_permissions, &me.sites);
    if me.holdings().reach(change.needs()).is_none() {
        return Err(AppError::Forbidden.into());
    }
    let member = memberships::lock_for_change(&mut **tx, org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let them = Standing::read(&member.permissions, &member.site_permissions, &member.sites);
    let outranked = !scope::may_act_on(me.holdings(), them.holdings());
    let actor_permissions =
        match acting_with(me.holdings(), change.needs(), change.act(site), &them) {
            Ok(with) => with,
            // Someone they see but who outranks them: that is the reason, before
            // what their scope allows.
            Err(OutOfReach::Refused(_)) if outranked => return Err(Refusal::Outranked.into()),
            Err(denial) => return Err(out_of_reach(denial)),
        };
    let enabled_owners = memberships::count_enabled_owners(&mut **tx, org).await?;
    let situation = Situation {
        actor_permissions: &actor_permissions,
        is_self: member.account_id == actor.account_id,
        outranked,
        target_is_enabled: member.status == MembershipStatus::Enabled.as_str(),
        target_is_enabled_owner: member.is_owner && member.status == "enabled",
        enabled_owners,
        target_is_primary_contact: member.is_primary_contact,
        target_has_factor: member.has_factor,
        target_in_other_organisations: member.in_other_organisations,
        new_role: new_role.map(|(permissions, is_owner, _)| (permissions, is_owner)),
        granted,
    };
    judge(change, &situation).map_err(|r| refused(r, new_role.map_or("", |(_, _, name)| name)))?;
    Ok(member)
}

/// What an actor's reach answers, as the client sees it: someone outside
/// it is not found, like an id that does not exist.
pub(super) fn out_of_reach(denial: OutOfReach) -> ServerError {
    match denial {
        OutOfReach::Lacking => AppError::Forbidden.into(),
        OutOfReach::Unseen => AppError::NotFound.into(),
        OutOfReach::Refused(refusal) => refusal.into(),
    }
}

/// After what `member` holds narrowed (in `tx`): revokes the open
/// invitations they sent that they could not send now, with their role
/// and what was granted to them directly as they stand in `tx`.
pub(super) async fn revoke_what_they_no_longer_could_send(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    member: &memberships::ManagedMember,
    change: InviterChange,
) -> Result<(), ServerError> {
    let now = memberships::standing_of(&mut **tx, &[member.id]).await?;
    let Some(now) = now.first() else {
        return Ok(());
    };
    let holds = now.holds();
    let standing = InviterStanding::of(now.enabled, &holds);
    revoke_unentitled(tx, scope, actor, member.account_id, Some(standing), change).await?;
    Ok(())
}

/// Whether `actor` manages people across the organisation, and so may
/// disable or delete a site's last manager: a compromised one must be
/// stoppable at once, and the site's people are then theirs to manage.
/// Changes that only move a manager (a site role, a role's permissions)
/// still keep each site one.
///
/// Read in `tx`, after `lock_and_judge` locked the actor's membership: a
/// demotion committed meanwhile counts, as it does for the judgement.
async fn stands_in_for_site_managers(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
) -> Result<bool, ServerError> {
    let now = memberships::standing_of(&mut **tx, &[actor.membership_id]).await?;
    Ok(now.first().is_some_and(|me| {
        me.enabled && PermissionSet::from_keys(&me.permissions).contains(Permission::ManageMembers)
    }))
}

/// Disables or enables a member. Disabling ends their sessions in this
/// organisation and revokes the open invitations they sent, at once.
pub async fn set_status(
    scope: RequestScope,
    id: MembershipId,
    status: MembershipStatus,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let (change, action) = match status {
        MembershipStatus::Disabled => (MemberChange::Disable, AuditAction::MemberDisabled),
        MembershipStatus::Enabled => (MemberChange::Enable, AuditAction::MemberEnabled),
    };
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(&mut tx, &actor, id, change, None, None, None).await?;
    if member.status == status.as_str() {
        // Already so (another admin was quicker): nothing to change.
        return Ok(());
    }
    // Who may sign in changes either way: disabling can shut the real
    // owners out, enabling lets someone back in.
    actor.require_recent_proof(scope.state.clock.now())?;
    let their_sites: Vec<SiteId> = member.sites.iter().copied().map(SiteId).collect();
    let managed = super::db::sites::managed(&mut *tx, org, Some(&their_sites), None).await?;
    memberships::set_status(&mut *tx, id, status).await?;
    if !stands_in_for_site_managers(&mut tx, &actor).await? {
        keep_site_managers(&mut tx, org, &managed).await?;
    }
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    if status == MembershipStatus::Disabled {
        sessions::revoke_all(&mut *tx, member.account_id, Some(org), None).await?;
        let holds = Standing::read(&member.permissions, &member.site_permissions, &member.sites);
        let standing = InviterStanding::of(false, &holds);
        revoke_unentitled(
            &mut tx,
            &scope,
            &actor,
            member.account_id,
            Some(standing),
            InviterChange::Disabled,
        )
        .await?;
    }
    let event = AuditEvent::new(action)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "status": member.status })),
            Some(json!({ "status": status.as_str() })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    tracing::info!(request_id = %scope.meta.request_id, membership = %id, status = status.as_str(), "member status changed");
    Ok(())
}

/// Removes a member for good. `confirm_email` must be their email, typed.
/// Their sessions here end, the open invitations they sent are revoked, and
/// their account goes too when it belongs to no other organisation. The
/// audit history stays.
pub async fn delete(
    scope: RequestScope,
    id: MembershipId,
    confirm_email: String,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let member =
        lock_and_judge(&mut tx, &actor, id, MemberChange::Delete, None, None, None).await?;
    if !confirm_email.trim().eq_ignore_ascii_case(&member.email) {
        return Err(AppError::invalid(
            "confirm_email",
            format!("Type {} exactly to confirm.", member.email),
        )
        .into());
    }
    actor.require_recent_proof(scope.state.clock.now())?;
    sessions::revoke_all(&mut *tx, member.account_id, Some(org), None).await?;
    let revoked = revoke_unentitled(
        &mut tx,
        &scope,
        &actor,
        member.account_id,
        None,
        InviterChange::Deleted,
    )
    .await?;
    // Announced while they still have their sites, for the streams of
    // those sites' managers.
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let their_sites: Vec<SiteId> = member.sites.iter().copied().map(SiteId).collect();
    let managed = super::db::sites::managed(&mut *tx, org, Some(&their_sites), None).await?;
    memberships::delete(&mut *tx, id).await?;
    if !stands_in_for_site_managers(&mut tx, &actor).await? {
        keep_site_managers(&mut tx, org, &managed).await?;
    }
    let account_deleted = memberships::count_for_account(&mut *tx, member.account_id).await? == 0;
    if account_deleted {
        accounts::delete(&mut *tx, member.account_id).await?;
    }
    let event = AuditEvent::new(AuditAction::MemberDeleted)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({
                "email": member.email,
                "role": member.role_name,
                "department": member.department_name,
                "status": member.status,
            })),
            Some(json!({
                "account_deleted": account_deleted,
                "invitations_revoked": revoked.len(),
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    tracing::info!(request_id = %scope.meta.request_id, membership = %id, account_deleted, "member deleted");
    Ok(())
}

/// Gives a member another role. The new role must be one the actor may
/// grant, and the organisation keeps at least one enabled Owner. The open
/// invitations the member sent that the new role could not make are
/// revoked.
pub async fn change_role(
    scope: RequestScope,
    id: MembershipId,
    role_id: String,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let role = role_of(&scope.state.pool, org, &role_id).await?;
    let role_permissions = PermissionSet::from_keys(&role.permissions);
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangeRole,
        None,
        Some((&role_permissions, role.is_owner, &role.name)),
        None,
    )
    .await?;
    if member.role_id == role.id {
        return Ok(());
    }
    // Owning asks proof of the mailbox, as an Owner invitation does: an
    // account made through a copied link may be someone else's, whose
    // reset would then find an organisation it cannot leave ownerless.
    if role.is_owner && !member.email_verified {
        return Err(Refusal::OwnerNeedsVerifiedEmail.into());
    }
    actor.require_recent_proof(scope.state.clock.now())?;
    memberships::set_role(&mut *tx, id, role.id).await?;
    // The new role may bring them under the two-factor policy (their grace
    // starts now) or out of it.
    super::organisations::refresh_two_factor_requirement(
        &mut tx,
        org,
        Some(id),
        scope.state.clock.now(),
    )
    .await?;
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    // A session's token never outlives a change of what it may do: the
    // member signs in again here, under a new token, with the new role.
    sessions::revoke_all(&mut *tx, member.account_id, Some(org), None).await?;
    // A promotion leaves their invitations standing; a demotion revokes
    // the ones they could not make now.
    revoke_what_they_no_longer_could_send(
        &mut tx,
        &scope,
        &actor,
        &member,
        InviterChange::RoleChanged,
    )
    .await?;
    let event = AuditEvent::new(AuditAction::MemberRoleChanged)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "role": member.role_name })),
            Some(json!({ "role": role.name })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a member's position in the organisation (an empty one clears it).
pub async fn change_position(
    scope: RequestScope,
    id: MembershipId,
    position: String,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let position = Position::parse_optional(&position)
        .map_err(|e| AppError::invalid("position", e.to_string()))?;
    let position = position.as_ref().map(Position::as_str);
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangePosition,
        None,
        None,
        None,
    )
    .await?;
    if member.position.as_deref() == position {
        return Ok(());
    }
    memberships::set_position(&mut *tx, id, position).await?;
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let event = AuditEvent::new(AuditAction::MemberPositionChanged)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "position": member.position })),
            Some(json!({ "position": position })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a member to another department, or to none.
pub async fn change_department(
    scope: RequestScope,
    id: MembershipId,
    department_id: String,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let department = department_of(&scope.state.pool, org, &department_id).await?;
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangeDepartment,
        None,
        None,
        None,
    )
    .await?;
    if member.department_id == department {
        return Ok(());
    }
    memberships::set_department(&mut *tx, id, department).await?;
    // A department is someone's primary one or another, never both.
    if let Some(primary) = department {
        super::db::departments::remove_other(&mut *tx, id, primary).await?;
    }
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let after = super::assignment::department_name(&mut *tx, org, department).await?;
    let event = AuditEvent::new(AuditAction::MemberDepartmentChanged)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "department": member.department_name })),
            Some(json!({ "department": after })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the member in another department besides their primary one
/// (`add`), or takes them out of one: the team table's department filter
/// and its CSV count these too.
pub async fn change_other_department(
    scope: RequestScope,
    id: MembershipId,
    department_id: String,
    add: bool,
) -> Result<(), ServerError> {
    use super::db::departments;
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let pool = &scope.state.pool;
    let unknown = || {
        AppError::invalid(
            "department",
            "Choose one of your organisation's departments.",
        )
    };
    // Only live departments are added; one archived since is still taken
    // out.
    let department = if add {
        department_of(pool, org, &department_id).await?
    } else {
        match department_id.trim().parse() {
            Ok(id) if departments::name_of(pool, org, id).await?.is_some() => Some(id),
            _ => None,
        }
    }
    .ok_or_else(unknown)?;
    let mut tx = pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangeDepartment,
        None,
        None,
        None,
    )
    .await?;
    if add && member.department_id == Some(department) {
        return Err(
            AppError::invalid("department", "That is their primary department already.").into(),
        );
    }
    let names = |rows: Vec<departments::DepartmentRow>| -> Vec<String> {
        rows.into_iter().map(|d| d.name).collect()
    };
    let before = names(departments::others_of(&mut *tx, id).await?);
    let changed = if add {
        departments::add_other(&mut *tx, id, department).await?
    } else {
        departments::remove_other(&mut *tx, id, department).await?
    };
    if !changed {
        // Another admin was quicker.
        return Ok(());
    }
    let after = names(departments::others_of(&mut *tx, id).await?);
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let event = AuditEvent::new(AuditAction::MemberDepartmentChanged)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "other_departments": before })),
            Some(json!({ "other_departments": after })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Emails an enabled member a link to choose a new password: single-use,
/// valid for an hour, and their older link stops working. The admin never
/// sees the link or the password; the answer says only where it went and
/// until when.
pub async fn send_password_reset(
    scope: RequestScope,
    id: MembershipId,
) -> Result<PasswordResetSent, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::SendPasswordReset,
        None,
        None,
        None,
    )
    .await?;
    let sender = Sender {
        organisation: org,
        account: actor.account_id,
        name: &actor.display_name,
    };
    let issued =
        super::password_resets::issue(&mut tx, &scope.state.links, member.account_id, Some(sender))
            .await?
            .ok_or(Refusal::TooManyResets)?;
    let event = AuditEvent::new(AuditAction::PasswordResetSent)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(None, Some(json!({ "expires_at": issued.expires_at })));
    audit::record(&mut *tx, &scope.meta, event).await?;
    // The member's row and page show the pending reset.
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    tracing::info!(request_id = %scope.meta.request_id, membership = %id, reset = %issued.id, "password reset sent");
    Ok(PasswordResetSent {
        email: member.email,
        expires_at: issued.expires_at,
    })
}

/// Removes a member's authenticator app and recovery codes, for someone
/// who lost both: their sessions end, they are told by email, and the
/// password alone signs them in until they set up a factor again. Never
/// one's own, only on someone the actor outranks, and only on an account
/// no other organisation shares (the operator resets those). Asks for a
/// recent proof of who is asking.
pub async fn reset_two_factor(scope: RequestScope, id: MembershipId) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ResetTwoFactor,
        None,
        None,
        None,
    )
    .await?;
    actor.require_recent_proof(scope.state.clock.now())?;
    let sessions_ended = super::two_factor::reset(
        &mut tx,
        &scope.meta,
        &scope.state.links,
        member.account_id,
        &member.display_name,
        Some(&actor),
    )
    .await?
    .ok_or(Refusal::NoFactorToReset)?;
    tx.commit().await?;
    scope.state.outbox.wake();
    tracing::info!(request_id = %scope.meta.request_id, membership = %id, organisation = %org, sessions_ended, "member's two-factor sign-in reset");
    Ok(())
}
