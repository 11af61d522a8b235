//! Roles and departments as admins assign them, to invitations and to
//! members alike: the choices an actor is offered, and the checks on what
//! they send back.

use super::actor::{authenticate, Actor};
use super::db::{departments, groups, organisations, roles, sites};
use super::error::ServerError;
use super::groups::grants_of;
use super::request::RequestScope;
use crate::domain::permission::may_grant;
use crate::domain::scope::Reach;
use crate::domain::{
    DepartmentId, GroupId, OrganisationId, Permission, PermissionSet, Refusal, RoleId, SiteId,
};
use crate::wire::choice::Choice;
use crate::wire::invitations::{GroupOffer, InviteOptions};
use crate::wire::AppError;
use sqlx::PgPool;

/// The roles this actor may grant and the organisation's departments, for
/// the invite dialog and the member dialogs. Either inviting or managing
/// members is enough to see them.
pub async fn options(scope: RequestScope) -> Result<InviteOptions, ServerError> {
    let actor = authenticate(&scope).await?;
    let holdings = actor.holdings();
    let reach = match holdings.reach(Permission::InviteMembers) {
        Some(reach) => reach,
        None => actor.require_reach(Permission::ManageMembers)?,
    };
    let pool = &scope.state.pool;
    let grantable: Vec<_> = roles::available(pool, actor.organisation_id)
        .await?
        .into_iter()
        .filter(|r| {
            may_grant(
                &actor.permissions,
                &PermissionSet::from_keys(&r.permissions),
            )
        })
        .collect();
    // Sites: those of the inviter's reach that take people now; site
    // roles: those the inviter may grant at every one of them.
    let sites: Vec<Choice<SiteId>> = sites::all(pool, actor.organisation_id)
        .await?
        .into_iter()
        .filter(|s| !s.archived && reach.covers(s.id))
        .map(|s| Choice {
            id: s.id,
            name: s.name,
        })
        .collect();
    let at_sites = holdings.at_each_of(&sites.iter().map(|s| s.id).collect());
    let site_roles = site_role_choices(
        roles::available(pool, actor.organisation_id)
            .await?
            .iter()
            .filter(|r| may_grant(&at_sites, &PermissionSet::from_keys(&r.permissions))),
    );
    let role_permissions = grantable
        .iter()
        .map(|r| (r.id, PermissionSet::from_keys(&r.permissions).keys()))
        .collect();
    let roles = grantable
        .into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    let permissions = super::product_permissions::offered(pool, actor.organisation_id)
        .await?
        .into_iter()
        .filter(|p| actor.permissions.holds_key(&p.key))
        .collect();
    let departments = department_choices(pool, actor.organisation_id).await?;
    let groups = groups::grants(pool, actor.organisation_id)
        .await?
        .into_iter()
        .filter(|_| reach == Reach::Organisation)
        .filter_map(|g| {
            let grants = grants_of(&g.role_permissions, &g.permissions);
            may_grant(&actor.permissions, &grants).then(|| GroupOffer {
                id: g.id,
                name: g.name,
                grants: grants.keys(),
            })
        })
        .collect();
    let settings = organisations::settings(pool, actor.organisation_id).await?;
    Ok(InviteOptions {
        roles,
        role_permissions,
        permissions,
        departments,
        groups,
        sites,
        site_roles,
        default_expiry_hours: settings.invitation_expiry_hours,
    })
}

/// The roles among `roles` that may be a site role (all but Owner), as
/// picker choices in their order.
pub fn site_role_choices<'a>(
    roles: impl IntoIterator<Item = &'a roles::RoleRow>,
) -> Vec<Choice<RoleId>> {
    roles
        .into_iter()
        .filter(|r| !r.is_owner)
        .map(|r| Choice {
            id: r.id,
            name: r.name.clone(),
        })
        .collect()
}

/// The organisation's departments as picker choices, by name.
pub async fn department_choices(
    db: impl sqlx::PgExecutor<'_>,
    org: OrganisationId,
) -> sqlx::Result<Vec<Choice<DepartmentId>>> {
    Ok(departments::live(db, org)
        .await?
        .into_iter()
        .map(|d| Choice {
            id: d.id,
            name: d.name,
        })
        .collect())
}

/// A role of the actor's organisation (or a built-in one), or a message for
/// the `role` field. Whether the actor may grant it is checked separately.
pub async fn role_of(
    db: &PgPool,
    organisation: OrganisationId,
    input: &str,
) -> Result<roles::RoleRow, ServerError> {
    let choose = || AppError::invalid("role", "Choose a role.");
    let id: RoleId = input.trim().parse().map_err(|_| choose())?;
    Ok(roles::find(db, organisation, id)
        .await?
        .ok_or_else(choose)?)
}

/// The message beside the `role` field for a role the actor may not grant.
pub fn not_grantable(role_name: &str) -> AppError {
    Refusal::RoleNotGrantable {
        role: Some(role_name.to_string()),
    }
    .into()
}

/// The permissions chosen to grant on top of `role`, checked against the
/// organisation's catalogue (a message for the `permissions` field) and
/// the actor's own (the role and these together must be theirs to
/// grant). Returns the keys the role does not already hold.
pub async fn grantable_extras(
    db: impl sqlx::PgExecutor<'_>,
    actor: &Actor,
    role: &roles::RoleRow,
    chosen: &[String],
) -> Result<Vec<String>, ServerError> {
    let products = super::db::product_permissions::catalogue(db, actor.organisation_id).await?;
    let extras = PermissionSet::choose(chosen, &products)
        .map_err(|e| AppError::invalid("permissions", e))?;
    if !may_grant(&actor.permissions, &extras) {
        return Err(Refusal::PermissionsBeyondYours.into());
    }
    let role_holds = PermissionSet::from_keys(&role.permissions);
    Ok(extras
        .keys()
        .into_iter()
        .filter(|k| !role_holds.holds_key(k))
        .collect())
}

/// A role this actor may grant in their organisation, or a message for the
/// `role` field.
pub async fn grantable_role(
    db: &PgPool,
    actor: &Actor,
    input: &str,
) -> Result<roles::RoleRow, ServerError> {
    let role = role_of(db, actor.organisation_id, input).await?;
    if !may_grant(
        &actor.permissions,
        &PermissionSet::from_keys(&role.permissions),
    ) {
        return Err(not_grantable(&role.name).into());
    }
    Ok(role)
}

/// The groups chosen for an invitation (ids, as the dialog sends them):
/// each one of the organisation's, granting nothing the actor lacks, or a
/// message for the `groups` field. Returns them with their names, each
/// once, by name.
pub async fn grantable_groups(
    db: impl sqlx::PgExecutor<'_>,
    actor: &Actor,
    chosen: &[String],
) -> Result<Vec<(GroupId, String)>, ServerError> {
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    // Groups are the organisation's: a site manager's invitations put
    // people on sites, not in them.
    if actor.holdings().reach(Permission::InviteMembers) != Some(Reach::Organisation) {
        return Err(Refusal::GroupsAcrossOrganisation.into());
    }
    let unknown = || AppError::invalid("groups", "Choose groups of your organisation.");
    let mut ids = Vec::with_capacity(chosen.len());
    for input in chosen {
        let id: GroupId = input.trim().parse().map_err(|_| unknown())?;
        ids.push(id);
    }
    let listed = groups::grants(db, actor.organisation_id).await?;
    let mut found = Vec::new();
    for g in listed.into_iter().filter(|g| ids.contains(&g.id)) {
        if !may_grant(
            &actor.permissions,
            &grants_of(&g.role_permissions, &g.permissions),
        ) {
            return Err(Refusal::GroupNotGrantable { group: g.name }.into());
        }
        found.push((g.id, g.name));
    }
    // An id that is no group of theirs (another organisation's, or one
    // deleted since the dialog opened) is refused as unknown.
    if ids.iter().any(|id| !found.iter().any(|(g, _)| g == id)) {
        return Err(unknown().into());
    }
    Ok(found)
}

/// A site chosen for an invitation, with the site role there.
pub struct ChosenSite {
    pub site: SiteId,
    pub site_name: String,
    pub role: RoleId,
    pub role_name: String,
}

impl ChosenSite {
    /// "Berlin (Technician)", for the audit log.
    pub fn described(&self) -> String {
        format!("{} ({})", self.site_name, self.role_name)
    }
}

/// The sites chosen for an invitation, as the dialog's pickers send them
/// ("{site id}:{role id}", empty for "not at this site"): each a live site
/// of the organisation, once, with a role the actor may grant that is not
/// Owner; or a message for the `sites` field.
pub async fn grantable_sites(
    db: &PgPool,
    actor: &Actor,
    chosen: &[String],
) -> Result<Vec<ChosenSite>, ServerError> {
    let org = actor.organisation_id;
    let invalid = || {
        AppError::invalid(
            "sites",
            "Choose your organisation's sites and a site role for each.",
        )
    };
    let reach = actor.require_reach(Permission::InviteMembers)?;
    let mut picked: Vec<(SiteId, RoleId)> = Vec::new();
    for input in chosen.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let (site, role) = input.split_once(':').ok_or_else(invalid)?;
        let site: SiteId = site.parse().map_err(|_| invalid())?;
        let role: RoleId = role.parse().map_err(|_| invalid())?;
        if picked.iter().any(|(s, _)| *s == site) {
            return Err(invalid().into());
        }
        picked.push((site, role));
    }
    if picked.is_empty() {
        return match reach {
            Reach::Organisation => Ok(Vec::new()),
            Reach::Sites(_) => {
                Err(AppError::invalid("sites", Refusal::InviteIntoYourSites.to_string()).into())
            }
        };
    }
    let live = sites::all(db, org).await?;
    let mut found = Vec::with_capacity(picked.len());
    for (site, role) in picked {
        let site = live.iter().find(|s| s.id == site).ok_or_else(invalid)?;
        if site.archived {
            return Err(AppError::invalid(
                "sites",
                Refusal::SiteArchived {
                    site: site.name.clone(),
                }
                .to_string(),
            )
            .into());
        }
        if !reach.covers(site.id) {
            return Err(AppError::invalid("sites", Refusal::SiteNotYours.to_string()).into());
        }
        let role = roles::find(db, org, role).await?.ok_or_else(invalid)?;
        if role.is_owner {
            return Err(AppError::invalid("sites", Refusal::OwnerAsSiteRole.to_string()).into());
        }
        // Granted at that site only: what they hold there is what counts.
        if !may_grant(
            &actor.holdings().at_site(site.id),
            &PermissionSet::from_keys(&role.permissions),
        ) {
            return Err(AppError::invalid(
                "sites",
                Refusal::RoleNotGrantable {
                    role: Some(role.name),
                }
                .to_string(),
            )
            .into());
        }
        found.push(ChosenSite {
            site: site.id,
            site_name: site.name.clone(),
            role: role.id,
            role_name: role.name,
        });
    }
    found.sort_by_key(|s| s.site_name.to_lowercase());
    Ok(found)
}

/// One of the organisation's departments, or none for an empty input.
pub async fn department_of(
    db: &PgPool,
    organisation: OrganisationId,
    input: &str,
) -> Result<Option<DepartmentId>, ServerError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let unknown = || {
        AppError::invalid(
            "department",
            "Choose one of your organisation's departments.",
        )
    };
    let id: DepartmentId = input.parse().map_err(|_| unknown())?;
    if departments::is_live(db, organisation, id).await? {
        Ok(Some(id))
    } else {
        Err(unknown().into())
    }
}

/// The name of `department` (one of `organisation`'s), for the audit log.
pub async fn department_name(
    db: impl sqlx::PgExecutor<'_>,
    organisation: OrganisationId,
    department: Option<DepartmentId>,
) -> sqlx::Result<Option<String>> {
    let Some(department) = department else {
        return Ok(None);
    };
    departments::name_of(db, organisation, department).await
}
