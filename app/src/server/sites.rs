//! Sites: the sites page (listed, created, changed, archived and restored
//! by those who may manage sites), and a member's site memberships, each
//! with a site role, changed by those who may manage members, within
//! what they hold. Every change is audited and announced to open pages.

use super::actor::{authenticate, Actor};
use super::assignment::{role_of, site_role_choices};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{organisations, roles, sites};
use super::error::ServerError;
use super::invitations::InviterChange;
use super::members::{acting_on, lock_and_judge, revoke_what_they_no_longer_could_send};
use super::request::RequestScope;
use super::roles::announce;
use crate::domain::audit::AuditAction;
use crate::domain::member::MemberChange;
use crate::domain::permission::may_grant;
use crate::domain::scope::{Standing, ORGANISATION_ONLY};
use crate::domain::site::{self, MAX_SITES};
use crate::domain::step_up;
use crate::domain::{MembershipId, OrganisationId, Permission, PermissionSet, Refusal, SiteId};
use crate::wire::choice::Choice;
use crate::wire::sites::{MemberSiteView, MemberSites, SiteView, SitesPage};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require(Permission::ManageSites)?;
    Ok(actor)
}

pub async fn page(scope: RequestScope) -> Result<SitesPage, ServerError> {
    let actor = manager(&scope).await?;
    let pool = &scope.state.pool;
    let sites = sites::listing(pool, actor.organisation_id)
        .await?
        .into_iter()
        .map(|s| SiteView {
            id: s.id,
            name: s.name,
            address: s.address,
            time_zone: s.time_zone,
            archived_at: s.archived_at.map(Into::into),
            members: s.members,
        })
        .collect();
    let settings = organisations::settings(pool, actor.organisation_id).await?;
    Ok(SitesPage {
        sites,
        time_zones: organisations::time_zones(pool).await?,
        default_time_zone: settings.time_zone,
    })
}

/// The sites editor's fields, as typed.
pub struct SiteForm {
    pub name: String,
    pub address: String,
    pub time_zone: String,
}

/// A site's fields, checked: each mistake beside its field.
struct CheckedSite {
    name: String,
    address: String,
    time_zone: String,
}

impl CheckedSite {
    fn fields(&self) -> sites::SiteFields<'_> {
        sites::SiteFields {
            name: &self.name,
            address: &self.address,
            time_zone: &self.time_zone,
        }
    }

    fn described(&self) -> serde_json::Value {
        json!({ "name": self.name, "address": self.address, "time_zone": self.time_zone })
    }
}

async fn check(db: impl sqlx::PgExecutor<'_>, form: SiteForm) -> Result<CheckedSite, ServerError> {
    let name = site::parse_name(&form.name).map_err(|e| AppError::invalid("name", e))?;
    let address =
        site::parse_address(&form.address).map_err(|e| AppError::invalid("address", e))?;
    let time_zone = form.time_zone.trim().to_string();
    if !organisations::is_known_time_zone(db, &time_zone).await? {
        return Err(AppError::invalid("time_zone", "Choose a time zone from the list.").into());
    }
    Ok(CheckedSite {
        name,
        address,
        time_zone,
    })
}

pub async fn create(scope: RequestScope, form: SiteForm) -> Result<SiteId, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let site = check(&scope.state.pool, form).await?;
    let mut tx = scope.state.pool.begin().await?;
    // One change at a time per organisation, so that the limit and the
    // name check hold under concurrent requests.
    organisations::lock(&mut *tx, org).await?;
    if sites::count(&mut *tx, org).await? >= MAX_SITES {
        return Err(Refusal::TooManySites.into());
    }
    if sites::name_taken(&mut *tx, org, &site.name, None).await? {
        return Err(Refusal::SiteNameTaken.into());
    }
    let id = sites::insert(&mut *tx, org, &site.fields()).await?;
    let event = AuditEvent::new(AuditAction::SiteCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_site(id, &site.name)
        .with_change(None, Some(site.described()));
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks `id` as one of the actor's organisation's sites, the
/// organisation first (as creating one does).
async fn lock(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: &str,
) -> Result<sites::Locked, ServerError> {
    let id: SiteId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    Ok(sites::lock(&mut **tx, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?)
}

pub async fn update(scope: RequestScope, id: String, form: SiteForm) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let site = check(&scope.state.pool, form).await?;
    let mut tx = scope.state.pool.begin().await?;
    let locked = lock(&mut tx, &actor, &id).await?;
    if locked.name == site.name
        && locked.address == site.address
        && locked.time_zone == site.time_zone
    {
        return Ok(());
    }
    if sites::name_taken(&mut *tx, org, &site.name, Some(locked.id)).await? {
        return Err(Refusal::SiteNameTaken.into());
    }
    sites::update(&mut *tx, locked.id, &site.fields()).await?;
    let event = AuditEvent::new(AuditAction::SiteUpdated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_site(locked.id, &site.name)
        .with_change(
            Some(json!({
                "name": locked.name,
                "address": locked.address,
                "time_zone": locked.time_zone,
            })),
            Some(site.described()),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    // Its people's pages and rows show its name.
    let members = sites::member_ids(&mut *tx, locked.id).await?;
    announce(&mut tx, org, members).await?;
    tx.commit().await?;
    Ok(())
}

/// Archives a site (`archived`) or restores it.
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
    // An archived site grants nothing: archiving takes its roles' access
    // from everyone on it, restoring gives it back.
    actor.require_recent_proof(scope.state.clock.now())?;
    let now = scope.state.clock.now();
    sites::set_archived(&mut *tx, locked.id, archived.then_some(now)).await?;
    // An archived site grants nothing, so whom the two-factor policy
    // covers changes both ways: restoring covers its people again.
    let changed =
        super::organisations::refresh_two_factor_requirement(&mut tx, org, None, now).await?;
    announce(&mut tx, org, changed).await?;
    let (action, before, after) = if archived {
        (AuditAction::SiteArchived, "active", "archived")
    } else {
        (AuditAction::SiteRestored, "archived", "active")
    };
    let event = AuditEvent::new(action)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_site(locked.id, &locked.name)
        .with_change(
            Some(json!({ "status": before })),
            Some(json!({ "status": after })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// A member's sites.

/// The field a site choice's mistakes belong beside.
fn unknown_site() -> AppError {
    AppError::invalid("site", "Choose one of your organisation's sites.")
}

/// The site `input` names, of `actor`'s organisation (locked first, as
/// every member change does), and member `id`'s place on it if they have
/// one.
async fn site_and_place(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: MembershipId,
    input: &str,
) -> Result<(sites::SiteRow, Option<sites::Membership>), ServerError> {
    let site_id: SiteId = input.trim().parse().map_err(|_| unknown_site())?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    let site = sites::find(&mut **tx, actor.organisation_id, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    let place = sites::of_member(&mut **tx, id)
        .await?
        .into_iter()
        .find(|s| s.site_id == site_id);
    Ok((site, place))
}

/// Puts member `id` on a site with a site role, or changes their role
/// there. The actor needs "Manage members", must be able to act on the
/// member, and must hold everything the new role (and the one it
/// replaces) grants.
pub async fn set_member_site(
    scope: RequestScope,
    id: MembershipId,
    site: String,
    role: String,
) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    actor.require_reach(Permission::ManageMembers)?;
    let org = actor.organisation_id;
    let pool = &scope.state.pool;
    let role = role_of(pool, org, &role).await?;
    if role.is_owner {
        return Err(Refusal::OwnerAsSiteRole.into());
    }
    let mut tx = pool.begin().await?;
    let (site, current) = site_and_place(&mut tx, &actor, id, &site).await?;
    if site.archived && current.is_none() {
        return Err(Refusal::SiteArchived { site: site.name }.into());
    }
    // What changes hands: the new role, and the one it replaces.
    let mut granted: Vec<&String> = role.permissions.iter().collect();
    if let Some(current) = &current {
        granted.extend(current.role_permissions.iter());
    }
    let granted = PermissionSet::from_keys(&granted);
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangeSites,
        Some(site.id),
        None,
        Some(&granted),
    )
    .await
    .map_err(|e| match e {
        ServerError::App(AppError::Refused(Refusal::PermissionsBeyondYours)) => {
            super::assignment::not_grantable(&role.name).into()
        }
        other => other,
    })?;
    // Judged first: that it is theirs already is for those who may change it
    // to know.
    if current.as_ref().is_some_and(|c| c.role_id == role.id) {
        return Ok(());
    }
    if grants_at_site_need_proof(&mut tx, org, &granted).await? {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    let managed = sites::managed(&mut *tx, org, Some(&[site.id]), None).await?;
    sites::set(&mut *tx, site.id, id, role.id, actor.account_id).await?;
    keep_site_managers(&mut tx, org, &managed).await?;
    after_site_change(&mut tx, &scope, &actor, &member).await?;
    let (action, before) = match &current {
        None => (AuditAction::MemberSiteAdded, None),
        Some(c) => (
            AuditAction::MemberSiteRoleChanged,
            Some(json!({ "site": site.name, "site_role": c.role_name })),
        ),
    };
    let event = AuditEvent::new(action)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            before,
            Some(json!({ "site": site.name, "site_role": role.name })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether giving or taking what `granted` holds at a site asks a recent
/// proof: what holds there (the organisation-only permissions grant
/// nothing at a site), sensitive as the organisation's catalogue says, as
/// `membership_site_permissions` reads it.
async fn grants_at_site_need_proof(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    granted: &PermissionSet,
) -> Result<bool, ServerError> {
    let at_site = granted.clone().without(&ORGANISATION_ONLY);
    let catalogue = super::db::product_permissions::catalogue(&mut **tx, org).await?;
    Ok(step_up::grants_need_proof(
        &at_site.keys(),
        &[] as &[&str],
        &catalogue,
    ))
}

/// Takes member `id` off a site, within the same rules as giving them a
/// role there.
pub async fn remove_member_site(
    scope: RequestScope,
    id: MembershipId,
    site: String,
) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    actor.require_reach(Permission::ManageMembers)?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let (site, current) = site_and_place(&mut tx, &actor, id, &site).await?;
    let Some(current) = current else {
        // Taken off already (another admin was quicker), or never on it;
        // an id of another organisation's member is judged below.
        lock_and_judge(
            &mut tx,
            &actor,
            id,
            MemberChange::ChangeSites,
            Some(site.id),
            None,
            Some(&PermissionSet::default()),
        )
        .await?;
        return Ok(());
    };
    let granted = PermissionSet::from_keys(&current.role_permissions);
    let member = lock_and_judge(
        &mut tx,
        &actor,
        id,
        MemberChange::ChangeSites,
        Some(site.id),
        None,
        Some(&granted),
    )
    .await?;
    if grants_at_site_need_proof(&mut tx, org, &granted).await? {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    // Announced while they are still on it, for the streams of its
    // managers.
    team_events::notify(&mut *tx, &[TeamNotice::member(org, id)]).await?;
    let managed = sites::managed(&mut *tx, org, Some(&[site.id]), None).await?;
    sites::remove(&mut *tx, site.id, id).await?;
    keep_site_managers(&mut tx, org, &managed).await?;
    after_site_change(&mut tx, &scope, &actor, &member).await?;
    let event = AuditEvent::new(AuditAction::MemberSiteRemoved)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(member.account_id), &member.display_name)
        .with_change(
            Some(json!({ "site": site.name, "site_role": current.role_name })),
            None,
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A member's sites on their page, and what `actor` could add or change
/// (a site manager: at their own sites only); with the sites as read, for
/// what each site role grants.
pub(super) async fn of_member(
    scope: &RequestScope,
    actor: &Actor,
    id: MembershipId,
    them: &Standing,
) -> Result<(MemberSites, Vec<sites::Membership>), ServerError> {
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let theirs = sites::of_member(pool, id).await?;
    // What the actor acts with at a site, if they may change their place
    // there at all.
    let at = |site: SiteId| acting_on(actor, MemberChange::ChangeSites, Some(site), them);
    let views = theirs
        .iter()
        .map(|s| MemberSiteView {
            site_id: s.site_id,
            site: s.site_name.clone(),
            archived: s.archived,
            role_id: s.role_id,
            role: s.role_name.clone(),
            changeable: at(s.site_id).is_some_and(|with| {
                may_grant(&with, &PermissionSet::from_keys(&s.role_permissions))
            }),
        })
        .collect();
    let addable: Vec<_> = sites::all(pool, org)
        .await?
        .into_iter()
        .filter(|s| !s.archived && !theirs.iter().any(|t| t.site_id == s.id))
        .filter_map(|s| at(s.id).map(|with| (s, with)))
        .collect();
    if addable.is_empty() {
        let sites = MemberSites {
            sites: views,
            ..MemberSites::default()
        };
        return Ok((sites, theirs));
    }
    // One site role picker serves every site offered: the roles the actor
    // may grant at each of them.
    let grantable = |keys: &[String]| {
        let role = PermissionSet::from_keys(keys);
        addable.iter().all(|(_, with)| may_grant(with, &role))
    };
    let available = roles::available(pool, org).await?;
    let roles = site_role_choices(available.iter().filter(|r| grantable(&r.permissions)));
    let sites = MemberSites {
        sites: views,
        addable: addable
            .into_iter()
            .map(|(s, _)| Choice {
                id: s.id,
                name: s.name,
            })
            .collect(),
        roles,
    };
    Ok((sites, theirs))
}

/// Refuses the change made in `tx` (the caller returns before committing)
/// when one of the sites `before` is left with nobody who manages its
/// people at its scope. Those who manage members across the organisation
/// do not count: a site's own managers are who its people turn to.
///
/// `before` is `db::sites::managed` read in `tx` before the change, under
/// the organisation's lock, which every such change takes first: of two
/// concurrent changes that would each remove one of a site's last two
/// managers, the second sees the first's result and is refused.
pub(super) async fn keep_site_managers(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    before: &[SiteId],
) -> Result<(), ServerError> {
    if before.is_empty() {
        return Ok(());
    }
    let after = sites::managed(&mut **tx, org, Some(before), None).await?;
    let Some(lost) = before.iter().find(|s| !after.contains(s)) else {
        return Ok(());
    };
    let site = sites::find(&mut **tx, org, *lost)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Err(Refusal::LastSiteManager { site }.into())
}

/// After what `member` holds at a site changed (in `tx`): the open
/// invitations they sent that they could no longer send are revoked, and
/// the two-factor policy, which counts what they hold at sites, is
/// applied to them again.
async fn after_site_change(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    member: &super::db::memberships::ManagedMember,
) -> Result<(), ServerError> {
    revoke_what_they_no_longer_could_send(tx, scope, actor, member, InviterChange::SiteChanged)
        .await?;
    super::organisations::refresh_two_factor_requirement(
        tx,
        actor.organisation_id,
        Some(member.id),
        scope.state.clock.now(),
    )
    .await?;
    Ok(())
}
