//! What a member may do and why, on their page; and the permissions an
//! admin grants them directly or takes away, within what the admin holds
//! and only for people the admin may act on.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{grants, memberships, organisations, product_permissions};
use super::error::ServerError;
use super::invitations::InviterChange;
use super::members::{acting_on, lock_and_judge, revoke_what_they_no_longer_could_send};
use super::product_permissions::offered;
use super::request::RequestScope;
use crate::domain::audit::AuditAction;
use crate::domain::member::MemberChange;
use crate::domain::scope::Standing;
use crate::domain::{MembershipId, Permission, PermissionSet};
use crate::wire::members::{HeldPermission, MemberAccess, PermissionSource};
use crate::wire::AppError;
use serde_json::json;

/// `profile`'s member's effective permissions with their sources, as
/// `actor` sees them.
pub(super) async fn access_of(
    scope: &RequestScope,
    actor: &Actor,
    id: MembershipId,
    profile: &memberships::Profile,
    them: &Standing,
) -> Result<MemberAccess, ServerError> {
    let pool = &scope.state.pool;
    let role = PermissionSet::from_keys(&profile.role_permissions);
    let held = &them.organisation;
    let direct = grants::of(pool, id).await?;
    let may_change = actor.account_id != profile.account_id
        && !held.owns()
        && acting_on(actor, MemberChange::ChangePermissions, None, them).is_some();
    let (groups, group_grants) = super::groups::of_member(scope, actor, id, them).await?;
    let group_grants: Vec<(String, PermissionSet)> = group_grants
        .into_iter()
        .map(|g| {
            let grants = super::groups::grants_of(&g.role_permissions, &g.permissions);
            (g.name, grants)
        })
        .collect();
    let (sites, site_roles) = super::sites::of_member(scope, actor, id, them).await?;
    let catalogue = offered(pool, actor.organisation_id).await?;
    let mut permissions = Vec::new();
    let mut grantable = Vec::new();
    for p in catalogue {
        let mut sources = Vec::new();
        if role.holds_key(&p.key) && !role.owns() {
            sources.push(PermissionSource::Role {
                name: profile.role_name.clone(),
            });
        }
        for (name, grants) in &group_grants {
            if grants.holds_key(&p.key) {
                sources.push(PermissionSource::Group { name: name.clone() });
            }
        }
        let granted = direct.iter().find(|g| g.permission == p.key);
        if let Some(g) = granted {
            sources.push(PermissionSource::Direct {
                by: g.granted_by.clone(),
                at: g.granted_at,
            });
        }
        let viewer_holds = actor.permissions.holds_key(&p.key);
        // Not held across the organisation: the viewer may grant it so.
        if sources.is_empty() && may_change && viewer_holds {
            grantable.push(p.clone());
        }
        // Held at a site, through the site role there: listed with the
        // site it is held at.
        for site in &site_roles {
            if site.role_permissions.contains(&p.key) {
                sources.push(PermissionSource::SiteRole {
                    site: site.site_name.clone(),
                    role: site.role_name.clone(),
                });
            }
        }
        if sources.is_empty() {
            continue;
        }
        permissions.push(HeldPermission {
            removable: may_change && viewer_holds && granted.is_some(),
            key: p.key,
            name: p.name,
            sensitive: p.sensitive,
            product: p.product,
            sources,
        });
    }
    Ok(MemberAccess {
        owns: held.owns(),
        permissions,
        grantable,
        groups,
        sites,
    })
}

/// Whether a permission is being given or taken.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Grant,
    Revoke,
}

/// Grants `key` to the member directly, or takes a direct grant of it
/// away. The actor must hold it and be able to act on the member; taking
/// one away also revokes the open invitations the member could no longer
/// send. What they may do changes on their next request.
pub async fn change(
    scope: RequestScope,
    id: MembershipId,
    key: String,
    direction: Direction,
) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    // Whether this member is theirs is judged under the lock.
    actor.require_reach(Permission::ManageMembers)?;
    let org = actor.organisation_id;
    let key = key.trim().to_string();
    let mut tx = scope.state.pool.begin().await?;
    // The organisation first (as `lock_and_judge` does again), so that a
    // permission retired meanwhile is not granted.
    organisations::lock(&mut *tx, org).await?;
    let products = product_permissions::catalogue(&mut *tx, org).await?;
    let chosen = PermissionSet::choose(std::slice::from_ref(&key), &products)
        .map_err(|e| AppError::invalid("permission", e))?;
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangePermissions,
        None,
        None,
        Some(&chosen),
    )
    .await?;
    if member.is_owner {
        return Err(
            AppError::invalid("permission", "Owners hold every permission already.").into(),
        );
    }
    actor.require_recent_proof(scope.state.clock.now())?;
    let before = grants::keys(&mut *tx, id).await?;
    let changed = match direction {
        Direction::Grant => grants::insert(&mut *tx, id, &key, actor.account_id).await?,
        Direction::Revoke => grants::delete(&mut *tx, id, &key).await?,
    };
    if !changed {
        // Granted or taken already (another admin was quicker).
        return Ok(());
    }
    let after = grants::keys(&mut *tx, id).await?;
    super::organisations::refresh_two_factor_requirement(
        &mut tx,
        org,
        Some(id),
        scope.state.clock.now(),
    )
    .await?;
    if direction == Direction::Revoke {
        revoke_what_they_no_longer_could_send(
            &mut tx,
            &scope,
            &actor,
            &member,
            InviterChange::PermissionTaken,
        )
        .await?;
    }
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let action = match direction {
        Direction::Grant => AuditAction::MemberPermissionGranted,
        Direction::Revoke => AuditAction::MemberPermissionRevoked,
    };
    let event = AuditEvent::new(action)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "permissions": before })),
            Some(json!({ "permissions": after })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}
