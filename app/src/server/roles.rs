//! The organisation's roles: listed for those who may manage them,
//! created, edited (carrying the version read) and deleted (moving their
//! holders), each within the permissions the actor holds
//! (`domain::role::judge_edit`), in one transaction, audited and
//! announced to open team pages.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{memberships, organisations, product_permissions, roles};
use super::error::ServerError;
use super::invitations::{revoke_unentitled, InviterChange};
use super::product_permissions::offered;
use super::request::RequestScope;
use super::sites::keep_site_managers;
use crate::domain::audit::AuditAction;
use crate::domain::invitation::InviterStanding;
use crate::domain::permission::{may_grant, ProductCatalogue};
use crate::domain::role::{self, MAX_CUSTOM_ROLES};
use crate::domain::{MembershipId, OrganisationId, Permission, PermissionSet, Refusal, RoleId};
use crate::wire::roles::{RoleView, RolesPage};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

/// A role as typed in the editor.
pub struct RoleForm {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// The checked form: a name, a description and permissions, or the first
/// field that is wrong.
struct CheckedRole {
    name: String,
    description: String,
    permissions: PermissionSet,
}

impl RoleForm {
    fn check(&self, products: &ProductCatalogue) -> Result<CheckedRole, AppError> {
        Ok(CheckedRole {
            name: role::parse_name(&self.name).map_err(|e| AppError::invalid("name", e))?,
            description: role::parse_description(&self.description)
                .map_err(|e| AppError::invalid("description", e))?,
            permissions: PermissionSet::choose(&self.permissions, products)
                .map_err(|e| AppError::invalid("permissions", e))?,
        })
    }
}

async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require(Permission::ManageRoles)?;
    Ok(actor)
}

pub async fn page(scope: RequestScope) -> Result<RolesPage, ServerError> {
    let actor = manager(&scope).await?;
    let roles = roles::listing(&scope.state.pool, actor.organisation_id)
        .await?
        .into_iter()
        .map(|r| {
            let held = PermissionSet::from_keys(&r.permissions);
            RoleView {
                id: r.id,
                editable: !r.is_owner && may_grant(&actor.permissions, &held),
                permissions: held.keys(),
                name: r.name,
                description: r.description,
                is_owner: r.is_owner,
                version: r.version,
                holders: r.holders,
                pending_invitations: r.pending_invitations,
            }
        })
        .collect();
    let catalogue = offered(&scope.state.pool, actor.organisation_id).await?;
    Ok(RolesPage { roles, catalogue })
}

pub async fn create(scope: RequestScope, form: RoleForm) -> Result<RoleId, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    // One creation at a time per organisation, so that the limit and the
    // name check hold under concurrent requests (and a permission retired
    // meanwhile is not chosen).
    organisations::lock(&mut *tx, org).await?;
    let role = form.check(&product_permissions::catalogue(&mut *tx, org).await?)?;
    role::judge_edit(&actor.permissions, &role.name, None, &role.permissions)?;
    if roles::count_own(&mut *tx, org).await? >= MAX_CUSTOM_ROLES {
        return Err(Refusal::TooManyRoles.into());
    }
    if roles::name_taken(&mut *tx, org, &role.name, None).await? {
        return Err(Refusal::RoleNameTaken.into());
    }
    let permissions = role.permissions.keys();
    let id = roles::insert(
        &mut *tx,
        org,
        &role::key_from_name(&role.name),
        &role.name,
        &role.description,
        &permissions,
    )
    .await?;
    let event = AuditEvent::new(AuditAction::RoleCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_role(id, &role.name)
        .with_change(
            None,
            Some(json!({
                "name": role.name,
                "description": role.description,
                "permissions": permissions,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks `id` as a role of the actor's organisation that they may touch:
/// not the Owner role, not another organisation's, and holding nothing
/// they lack. The organisation first, as creating a role does: role
/// changes of one organisation queue up, so a name checked free stays
/// free until the commit, and no two of them wait on each other.
async fn lock_editable(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: &str,
) -> Result<roles::LockedRole, ServerError> {
    let id: RoleId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    let Some(locked) = roles::lock_own(&mut **tx, actor.organisation_id, id).await? else {
        // The Owner role is everyone's and no one's to change.
        let is_owner = roles::find(&mut **tx, actor.organisation_id, id)
            .await?
            .is_some_and(|r| r.is_owner);
        return Err(if is_owner {
            Refusal::OwnerRoleFixed.into()
        } else {
            AppError::NotFound.into()
        });
    };
    let held = PermissionSet::from_keys(&locked.permissions);
    if !may_grant(&actor.permissions, &held) {
        return Err(Refusal::RoleHoldsMore { role: locked.name }.into());
    }
    Ok(locked)
}

pub async fn update(
    scope: RequestScope,
    id: String,
    version: i32,
    form: RoleForm,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock_editable(&mut tx, &actor, &id).await?;
    let role = form.check(&product_permissions::catalogue(&mut *tx, org).await?)?;
    let before = PermissionSet::from_keys(&locked.permissions);
    role::judge_edit(
        &actor.permissions,
        &locked.name,
        Some(&before),
        &role.permissions,
    )?;
    if locked.version != version {
        return Err(Refusal::RoleChangedElsewhere.into());
    }
    actor.require_recent_proof(scope.state.clock.now())?;
    if roles::name_taken(&mut *tx, org, &role.name, Some(locked.id)).await? {
        return Err(Refusal::RoleNameTaken.into());
    }
    let permissions = role.permissions.keys();
    if locked.name == role.name
        && locked.description == role.description
        && before == role.permissions
    {
        return Ok(());
    }
    let managed = super::db::sites::managed(&mut *tx, org, None, Some(locked.id)).await?;
    roles::update(
        &mut *tx,
        locked.id,
        &role.name,
        &role.description,
        &permissions,
    )
    .await?;
    keep_site_managers(&mut tx, org, &managed).await?;
    let event = AuditEvent::new(AuditAction::RoleUpdated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_role(locked.id, &role.name)
        .with_change(
            Some(json!({
                "name": locked.name,
                "description": locked.description,
                "permissions": before.keys(),
            })),
            Some(json!({
                "name": role.name,
                "description": role.description,
                "permissions": permissions,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    // Its holders' rows show its name, and may come under the two-factor
    // policy or out of it; what they may do changes on their next request
    // (`membership_permissions`), with nothing to revoke.
    let holders = memberships::holders(&mut *tx, org, locked.id).await?;
    if !before.is_subset_of(&role.permissions) {
        revoke_what_holders_no_longer_could_send(&mut tx, &scope, &actor, &holders).await?;
    }
    let mut changed: Vec<MembershipId> = holders.iter().map(|h| h.id).collect();
    if before != role.permissions {
        changed.extend(refresh_requirement(&mut tx, &scope, org).await?);
    }
    announce(&mut tx, org, changed).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(scope: RequestScope, id: String, move_to: String) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock_editable(&mut tx, &actor, &id).await?;
    let target = move_to
        .trim()
        .parse::<RoleId>()
        .ok()
        .filter(|to| *to != locked.id);
    let target = match target {
        Some(to) => roles::find(&mut *tx, org, to).await?,
        None => None,
    }
    .ok_or_else(|| AppError::invalid("move_to", "Choose the role its people move to."))?;
    if !may_grant(
        &actor.permissions,
        &PermissionSet::from_keys(&target.permissions),
    ) {
        return Err(AppError::invalid(
            "move_to",
            format!(
                "You can't grant the {} role: it has permissions you don't have.",
                target.name
            ),
        )
        .into());
    }
    actor.require_recent_proof(scope.state.clock.now())?;
    let managed = super::db::sites::managed(&mut *tx, org, None, Some(locked.id)).await?;
    let moved = roles::delete_moving(&mut tx, org, locked.id, target.id).await?;
    keep_site_managers(&mut tx, org, &managed).await?;
    let event = AuditEvent::new(AuditAction::RoleDeleted)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_role(locked.id, &locked.name)
        .with_change(
            Some(json!({
                "name": locked.name,
                "description": locked.description,
                "permissions": locked.permissions,
            })),
            Some(json!({
                "moved_to": target.name,
                "members_moved": moved.members.len(),
                "invitations_moved": moved.invitations,
                "site_memberships_moved": moved.site_members.len(),
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    let holders = memberships::holders(&mut *tx, org, target.id).await?;
    revoke_what_holders_no_longer_could_send(&mut tx, &scope, &actor, &holders).await?;
    let mut changed = moved.members;
    changed.extend(moved.site_members);
    changed.extend(refresh_requirement(&mut tx, &scope, org).await?);
    announce(&mut tx, org, changed).await?;
    tx.commit().await?;
    Ok(())
}

/// After a role lost permissions (or its people moved to another): the
/// open invitations its holders sent that they could no longer send are
/// revoked now, as when one person's role changes, rather than left to
/// fail at acceptance while the team table shows them open.
async fn revoke_what_holders_no_longer_could_send(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    holders: &[memberships::Holder],
) -> Result<(), ServerError> {
    for holder in holders {
        let holds = holder.holds();
        let standing = InviterStanding::of(holder.enabled, &holds);
        revoke_unentitled(
            tx,
            scope,
            actor,
            holder.account_id,
            Some(standing),
            InviterChange::RoleEdited,
        )
        .await?;
    }
    Ok(())
}

/// Brings everyone in `org` in line with the two-factor policy after a
/// change to what some of them hold.
pub(super) async fn refresh_requirement(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    org: OrganisationId,
) -> Result<Vec<MembershipId>, ServerError> {
    super::organisations::refresh_two_factor_requirement(tx, org, None, scope.state.clock.now())
        .await
}

/// Tells open team pages that these members changed, once each.
pub(super) async fn announce(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    mut members: Vec<MembershipId>,
) -> Result<(), ServerError> {
    members.sort();
    members.dedup();
    let notices: Vec<TeamNotice> = members
        .into_iter()
        .map(|id| TeamNotice::member(org, id))
        .collect();
    team_events::notify(&mut **tx, &notices).await?;
    Ok(())
}
