//! The organisation's departments: listed, created, renamed, archived and
//! restored by those who may manage them, audited and announced to open
//! team pages. Archiving keeps a department on its people (and in the
//! team table's filter) but takes it out of the pickers.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::{departments, organisations};
use super::error::ServerError;
use super::request::RequestScope;
use super::roles::announce;
use crate::domain::audit::AuditAction;
use crate::domain::department::{self, MAX_DEPARTMENTS};
use crate::domain::{DepartmentId, Permission, Refusal};
use crate::wire::departments::{DepartmentView, DepartmentsPage};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require(Permission::ManageDepartments)?;
    Ok(actor)
}

fn checked_name(input: &str) -> Result<String, AppError> {
    department::parse_name(input).map_err(|e| AppError::invalid("name", e))
}

pub async fn page(scope: RequestScope) -> Result<DepartmentsPage, ServerError> {
    let actor = manager(&scope).await?;
    let departments = departments::listing(&scope.state.pool, actor.organisation_id)
        .await?
        .into_iter()
        .map(|d| DepartmentView {
            id: d.id,
            name: d.name,
            archived_at: d.archived_at.map(Into::into),
            members: d.members,
            pending_invitations: d.pending_invitations,
        })
        .collect();
    Ok(DepartmentsPage { departments })
}

pub async fn create(scope: RequestScope, name: String) -> Result<DepartmentId, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let name = checked_name(&name)?;
    let mut tx = scope.state.pool.begin().await?;
    // One change at a time per organisation, so that the limit and the
    // name check hold under concurrent requests.
    organisations::lock(&mut *tx, org).await?;
    if departments::count(&mut *tx, org).await? >= MAX_DEPARTMENTS {
        return Err(Refusal::TooManyDepartments.into());
    }
    if departments::name_taken(&mut *tx, org, &name, None).await? {
        return Err(Refusal::DepartmentNameTaken.into());
    }
    let id = departments::insert(&mut *tx, org, &name).await?;
    let event = AuditEvent::new(AuditAction::DepartmentCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_department(id, &name)
        .with_change(None, Some(json!({ "name": name })));
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks `id` as one of the actor's organisation's departments, the
/// organisation first (as creating one does).
async fn lock(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: &str,
) -> Result<departments::Locked, ServerError> {
    let id: DepartmentId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    Ok(departments::lock(&mut **tx, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?)
}

pub async fn rename(scope: RequestScope, id: String, name: String) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let name = checked_name(&name)?;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock(&mut tx, &actor, &id).await?;
    if locked.name == name {
        return Ok(());
    }
    if departments::name_taken(&mut *tx, org, &name, Some(locked.id)).await? {
        return Err(Refusal::DepartmentNameTaken.into());
    }
    departments::rename(&mut *tx, locked.id, &name).await?;
    let event = AuditEvent::new(AuditAction::DepartmentRenamed)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_department(locked.id, &name)
        .with_change(
            Some(json!({ "name": locked.name })),
            Some(json!({ "name": name })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    // Its people's rows show its name.
    let members = departments::members(&mut *tx, locked.id).await?;
    announce(&mut tx, org, members).await?;
    tx.commit().await?;
    Ok(())
}

/// Archives a department (`archived`) or restores it.
pub async fn set_archived(
    scope: RequestScope,
    id: String,
    archived: bool,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock(&mut tx, &actor, &id).await?;
    if locked.archived == archived {
        return Ok(());
    }
    let now = scope.state.clock.now();
    departments::set_archived(&mut *tx, locked.id, archived.then_some(now)).await?;
    let (action, before, after) = if archived {
        (AuditAction::DepartmentArchived, "active", "archived")
    } else {
        (AuditAction::DepartmentRestored, "archived", "active")
    };
    let event = AuditEvent::new(action)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_department(locked.id, &locked.name)
        .with_change(
            Some(json!({ "status": before })),
            Some(json!({ "status": after })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}
