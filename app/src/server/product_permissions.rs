//! The organisation's product permissions: listed for those who may
//! manage roles, added by them, and changed or retired only by those who
//! hold the permission themselves. Retiring one takes it from every role
//! and person in the same transaction; the key stays, never reused.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::{organisations, product_permissions as catalogue};
use super::error::ServerError;
use super::request::RequestScope;
use super::roles::{announce, refresh_requirement};
use crate::domain::audit::AuditAction;
use crate::domain::naming;
use crate::domain::product_permission::{self, MAX_PRODUCT_PERMISSIONS};
use crate::domain::{OrganisationId, Permission, ProductPermissionId, Refusal};
use crate::wire::permissions::{
    PermissionUsage, PermissionsPage, ProductPermissionView, RetiredPermissionView,
};
use crate::wire::roles::PermissionView;
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

/// A product permission as typed. The key only counts when creating: it
/// never changes.
pub struct PermissionForm {
    pub key: String,
    pub name: String,
    pub description: String,
    pub sensitive: bool,
}

struct Checked {
    name: String,
    description: String,
}

impl PermissionForm {
    fn check(&self) -> Result<Checked, AppError> {
        Ok(Checked {
            name: naming::parse_name(&self.name, "permission")
                .map_err(|e| AppError::invalid("name", e))?,
            description: naming::parse_description(&self.description)
                .map_err(|e| AppError::invalid("description", e))?,
        })
    }
}

async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require(Permission::ManageRoles)?;
    Ok(actor)
}

/// Roster's grantable permissions as editors offer them.
pub(super) fn roster_catalogue() -> Vec<PermissionView> {
    Permission::ALL
        .into_iter()
        .filter(|p| p.is_grantable())
        .map(|p| PermissionView {
            key: p.key().to_string(),
            name: p.label().to_string(),
            description: p.description().to_string(),
            sensitive: p.is_sensitive(),
            product: false,
        })
        .collect()
}

/// Roster's grantable permissions, then `org`'s live product ones: what
/// the role editor and the invitation dialog offer.
pub(super) async fn offered(
    db: impl sqlx::PgExecutor<'_>,
    org: OrganisationId,
) -> Result<Vec<PermissionView>, ServerError> {
    let mut offered = roster_catalogue();
    offered.extend(
        catalogue::live(db, org)
            .await?
            .into_iter()
            .map(|p| PermissionView {
                key: p.key,
                name: p.name,
                description: p.description,
                sensitive: p.sensitive,
                product: true,
            }),
    );
    Ok(offered)
}

pub async fn page(scope: RequestScope) -> Result<PermissionsPage, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let product = catalogue::live(&scope.state.pool, org)
        .await?
        .into_iter()
        .map(|p| ProductPermissionView {
            editable: actor.permissions.holds_key(&p.key),
            id: p.id,
            key: p.key,
            name: p.name,
            description: p.description,
            sensitive: p.sensitive,
            version: p.version,
            roles: p.roles,
            groups: p.groups,
            people: p.people,
        })
        .collect();
    let retired = catalogue::retired(&scope.state.pool, org)
        .await?
        .into_iter()
        .map(|p| RetiredPermissionView {
            key: p.key,
            name: p.name,
            retired_at: p.retired_at.into(),
        })
        .collect();
    Ok(PermissionsPage {
        roster: roster_catalogue(),
        product,
        retired,
    })
}

pub async fn create(
    scope: RequestScope,
    form: PermissionForm,
) -> Result<ProductPermissionId, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let key = product_permission::parse_key(&form.key).map_err(|e| AppError::invalid("key", e))?;
    let checked = form.check()?;
    let mut tx = scope.state.pool.begin().await?;
    // One catalogue change at a time per organisation, so that the limit
    // and the uniqueness checks hold under concurrent requests.
    organisations::lock(&mut *tx, org).await?;
    if catalogue::key_used(&mut *tx, org, &key).await? {
        return Err(Refusal::PermissionKeyTaken.into());
    }
    if catalogue::count_live(&mut *tx, org).await? >= MAX_PRODUCT_PERMISSIONS {
        return Err(Refusal::TooManyPermissions.into());
    }
    if catalogue::name_taken(&mut *tx, org, &checked.name, None).await? {
        return Err(Refusal::PermissionNameTaken.into());
    }
    let id = catalogue::insert(
        &mut *tx,
        org,
        &key,
        &checked.name,
        &checked.description,
        form.sensitive,
    )
    .await?;
    let event = AuditEvent::new(AuditAction::PermissionCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_permission(id, &checked.name)
        .with_change(
            None,
            Some(json!({
                "key": key,
                "name": checked.name,
                "description": checked.description,
                "sensitive": form.sensitive,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks `id` as a live product permission of the actor's organisation
/// that they hold, the organisation first (as creating one does).
async fn lock_held(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: &str,
) -> Result<catalogue::Locked, ServerError> {
    let id: ProductPermissionId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    let locked = catalogue::lock_live(&mut **tx, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !actor.permissions.holds_key(&locked.key) {
        return Err(Refusal::PermissionNotHeld { name: locked.name }.into());
    }
    Ok(locked)
}

pub async fn update(
    scope: RequestScope,
    id: String,
    version: i32,
    form: PermissionForm,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let checked = form.check()?;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock_held(&mut tx, &actor, &id).await?;
    if locked.version != version {
        return Err(Refusal::PermissionChangedElsewhere.into());
    }
    if locked.name == checked.name
        && locked.description == checked.description
        && locked.sensitive == form.sensitive
    {
        return Ok(());
    }
    if catalogue::name_taken(&mut *tx, org, &checked.name, Some(locked.id)).await? {
        return Err(Refusal::PermissionNameTaken.into());
    }
    // Marking it sensitive or not decides who may grant it and act on its
    // holders, and whom the two-factor policy covers.
    if locked.sensitive != form.sensitive {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    catalogue::update(
        &mut *tx,
        locked.id,
        &checked.name,
        &checked.description,
        form.sensitive,
    )
    .await?;
    let event = AuditEvent::new(AuditAction::PermissionUpdated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_permission(locked.id, &checked.name)
        .with_change(
            Some(json!({
                "key": locked.key,
                "name": locked.name,
                "description": locked.description,
                "sensitive": locked.sensitive,
            })),
            Some(json!({
                "key": locked.key,
                "name": checked.name,
                "description": checked.description,
                "sensitive": form.sensitive,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    if locked.sensitive != form.sensitive {
        // Its holders may come under the two-factor policy or out of it.
        let changed = refresh_requirement(&mut tx, &scope, org).await?;
        announce(&mut tx, org, changed).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The roles and people holding a permission, named: what the page asks
/// about before retiring it.
pub async fn usage(scope: RequestScope, id: String) -> Result<PermissionUsage, ServerError> {
    let actor = manager(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock_held(&mut tx, &actor, &id).await?;
    let usage = catalogue::usage(&mut tx, actor.organisation_id, &locked.key).await?;
    tx.commit().await?;
    Ok(PermissionUsage {
        roles: usage.roles,
        groups: usage.groups,
        people: usage.people,
    })
}

pub async fn retire(scope: RequestScope, id: String) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock_held(&mut tx, &actor, &id).await?;
    actor.require_recent_proof(scope.state.clock.now())?;
    let usage = catalogue::usage(&mut tx, org, &locked.key).await?;
    let retirement = catalogue::retire(&mut tx, org, locked.id, &locked.key).await?;
    let event = AuditEvent::new(AuditAction::PermissionRetired)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_permission(locked.id, &locked.name)
        .with_change(
            Some(json!({
                "key": locked.key,
                "name": locked.name,
                "roles": usage.roles,
                "groups": usage.groups,
                "people": usage.people,
            })),
            None,
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    let mut changed = retirement.members;
    if locked.sensitive {
        changed.extend(refresh_requirement(&mut tx, &scope, org).await?);
    }
    announce(&mut tx, org, changed).await?;
    tx.commit().await?;
    Ok(())
}
