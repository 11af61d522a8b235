//! The organisation's groups: listed, created, changed (carrying the
//! version read) and deleted by those who may manage groups, and their
//! people added and taken out, always within what the actor holds: a
//! group grants each of its people its role's permissions and its extras,
//! so managing one, or anyone's place in one, is granting all of that.
//! Every change is one transaction, audited and announced.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{groups, invitations, memberships, organisations, product_permissions, roles};
use super::error::ServerError;
use super::invitations::{revoke_unentitled, InviterChange};
use super::members::{acting_on, lock_and_judge};
use super::product_permissions::offered;
use super::request::RequestScope;
use super::roles::{announce, refresh_requirement};
use crate::domain::audit::AuditAction;
use crate::domain::group::{self, MAX_ADDED_AT_ONCE, MAX_GROUPS};
use crate::domain::invitation::InviterStanding;
use crate::domain::member::MemberChange;
use crate::domain::permission::{may_grant, ProductCatalogue};
use crate::domain::scope::{may_act_on, Standing};
use crate::domain::team_view::like_substring;
use crate::domain::{
    GroupId, InvitationId, MembershipId, OrganisationId, Permission, PermissionSet, Refusal, RoleId,
};
use crate::wire::choice::Choice;
use crate::wire::groups::{
    GroupCandidate, GroupDetail, GroupMemberView, GroupView, GroupsPage, MemberGroupView,
    MemberGroups,
};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};

/// How many people the group page's search offers at once.
const CANDIDATES: i64 = 20;

/// How many of its people a group's page lists; the team table, filtered
/// by the group, pages through all of them.
const GROUP_PAGE_PEOPLE: i64 = 200;

async fn manager(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    actor.require(Permission::ManageGroups)?;
    Ok(actor)
}

/// Everything a group grants: its role's permissions and its extras.
pub(super) fn grants_of(role_permissions: &[String], extras: &[String]) -> PermissionSet {
    let keys: Vec<&String> = role_permissions.iter().chain(extras).collect();
    PermissionSet::from_keys(&keys)
}

fn view(g: groups::Listed, actor: &Actor) -> GroupView {
    let grants = grants_of(&g.role_permissions, &g.permissions);
    GroupView {
        editable: may_grant(&actor.permissions, &grants),
        grants: grants.keys(),
        id: g.id,
        name: g.name,
        description: g.description,
        role: g
            .role_id
            .zip(g.role_name)
            .map(|(id, name)| Choice { id, name }),
        permissions: g.permissions,
        version: g.version,
        members: g.members,
    }
}

pub async fn page(scope: RequestScope) -> Result<GroupsPage, ServerError> {
    let actor = manager(&scope).await?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let groups = groups::listing(pool, org)
        .await?
        .into_iter()
        .map(|g| view(g, &actor))
        .collect();
    let grantable: Vec<_> = roles::listing(pool, org)
        .await?
        .into_iter()
        .filter(|r| {
            !r.is_owner
                && may_grant(
                    &actor.permissions,
                    &PermissionSet::from_keys(&r.permissions),
                )
        })
        .collect();
    let role_permissions = grantable
        .iter()
        .map(|r| (r.id, r.permissions.clone()))
        .collect();
    let roles = grantable
        .into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    let catalogue = offered(pool, org).await?;
    Ok(GroupsPage {
        groups,
        roles,
        role_permissions,
        catalogue,
    })
}

/// A group as typed in the editor.
pub struct GroupForm {
    pub name: String,
    pub description: String,
    /// A role's id, or empty for none.
    pub role: String,
    pub permissions: Vec<String>,
}

/// The checked form, with what the group would grant.
struct Checked {
    name: String,
    description: String,
    role: Option<(RoleId, String)>,
    permissions: PermissionSet,
    grants: PermissionSet,
}

impl GroupForm {
    /// Checks each field, in the form's order, and that the actor holds
    /// everything the group would grant.
    async fn check(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        actor: &Actor,
        products: &ProductCatalogue,
    ) -> Result<Checked, ServerError> {
        let org = actor.organisation_id;
        let name = group::parse_name(&self.name).map_err(|e| AppError::invalid("name", e))?;
        let description = group::parse_description(&self.description)
            .map_err(|e| AppError::invalid("description", e))?;
        let role = match self.role.trim() {
            "" => None,
            id => {
                let unknown =
                    || AppError::invalid("role", "Choose one of your organisation's roles.");
                let id: RoleId = id.parse().map_err(|_| unknown())?;
                let role = roles::find(&mut **tx, org, id).await?.ok_or_else(unknown)?;
                if role.is_owner {
                    return Err(AppError::invalid(
                        "role",
                        "A group can't make its people owners. Make each owner on their own page.",
                    )
                    .into());
                }
                if !may_grant(
                    &actor.permissions,
                    &PermissionSet::from_keys(&role.permissions),
                ) {
                    return Err(AppError::invalid(
                        "role",
                        format!(
                            "You can't grant the {} role: it has permissions you don't have.",
                            role.name
                        ),
                    )
                    .into());
                }
                Some((role.id, role.name, role.permissions))
            }
        };
        let permissions = PermissionSet::choose(&self.permissions, products)
            .map_err(|e| AppError::invalid("permissions", e))?;
        if !may_grant(&actor.permissions, &permissions) {
            return Err(Refusal::PermissionsBeyondYours.into());
        }
        let role_permissions = role.as_ref().map(|r| r.2.clone()).unwrap_or_default();
        let grants = grants_of(&role_permissions, &permissions.keys());
        Ok(Checked {
            name,
            description,
            role: role.map(|(id, name, _)| (id, name)),
            permissions,
            grants,
        })
    }
}

/// What the audit log keeps of a group.
fn described(
    name: &str,
    description: &str,
    role: Option<&str>,
    permissions: &[String],
) -> serde_json::Value {
    json!({
        "name": name,
        "description": description,
        "role": role,
        "permissions": permissions,
    })
}

pub async fn create(scope: RequestScope, form: GroupForm) -> Result<GroupId, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    // One change at a time per organisation, so that the limit and the
    // name check hold under concurrent requests, and a permission retired
    // or a role deleted meanwhile is not chosen.
    organisations::lock(&mut *tx, org).await?;
    let products = product_permissions::catalogue(&mut *tx, org).await?;
    let group = form.check(&mut tx, &actor, &products).await?;
    if groups::count(&mut *tx, org).await? >= MAX_GROUPS {
        return Err(Refusal::TooManyGroups.into());
    }
    if groups::name_taken(&mut *tx, org, &group.name, None).await? {
        return Err(Refusal::GroupNameTaken.into());
    }
    let permissions = group.permissions.keys();
    let id = groups::insert(
        &mut *tx,
        org,
        &groups::GroupFields {
            name: &group.name,
            description: &group.description,
            role: group.role.as_ref().map(|r| r.0),
            permissions: &permissions,
        },
    )
    .await?;
    let event = AuditEvent::new(AuditAction::GroupCreated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_group(id, &group.name)
        .with_change(
            None,
            Some(described(
                &group.name,
                &group.description,
                group.role.as_ref().map(|r| r.1.as_str()),
                &permissions,
            )),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks `id` as one of the actor's organisation's groups that grants
/// nothing the actor lacks, the organisation first (as creating one does).
async fn lock_held(
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    id: &str,
) -> Result<(groups::Listed, PermissionSet), ServerError> {
    let id: GroupId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    organisations::lock(&mut **tx, actor.organisation_id).await?;
    let locked = groups::lock(&mut **tx, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grants = grants_of(&locked.role_permissions, &locked.permissions);
    if !may_grant(&actor.permissions, &grants) {
        return Err(Refusal::GroupGrantsMore { group: locked.name }.into());
    }
    Ok((locked, grants))
}

/// After what some people hold narrowed: the open invitations they sent
/// that they could no longer send are revoked now.
async fn revoke_what_they_no_longer_could_send(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    people: &[MembershipId],
) -> Result<(), ServerError> {
    for person in memberships::standing_of(&mut **tx, people).await? {
        let holds = person.holds();
        let standing = InviterStanding::of(person.enabled, &holds);
        revoke_unentitled(
            tx,
            scope,
            actor,
            person.account_id,
            Some(standing),
            InviterChange::GroupChanged,
        )
        .await?;
    }
    Ok(())
}

/// After what a group grants changed for `people`: those who lost
/// something lose the invitations they could no longer send, everyone is
/// brought in line with the two-factor policy, and open pages hear of it.
async fn settle(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    people: Vec<MembershipId>,
    narrowed: bool,
    grants_changed: bool,
) -> Result<(), ServerError> {
    if narrowed {
        revoke_what_they_no_longer_could_send(tx, scope, actor, &people).await?;
    }
    let org = actor.organisation_id;
    let mut changed = people;
    if grants_changed {
        // A few people (those just added or taken out) one by one; a whole
        // group's worth in one pass over the organisation.
        if changed.len() <= MAX_ADDED_AT_ONCE {
            let now = scope.state.clock.now();
            for person in changed.clone() {
                changed.extend(
                    super::organisations::refresh_two_factor_requirement(
                        tx,
                        org,
                        Some(person),
                        now,
                    )
                    .await?,
                );
            }
        } else {
            changed.extend(refresh_requirement(tx, scope, org).await?);
        }
    }
    announce(tx, org, changed).await
}

pub async fn update(
    scope: RequestScope,
    id: String,
    version: i32,
    form: GroupForm,
) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let (locked, before) = lock_held(&mut tx, &actor, &id).await?;
    let products = product_permissions::catalogue(&mut *tx, org).await?;
    let group = form.check(&mut tx, &actor, &products).await?;
    if locked.version != version {
        return Err(Refusal::GroupChangedElsewhere.into());
    }
    let permissions = group.permissions.keys();
    let role = group.role.as_ref().map(|r| r.0);
    if locked.name == group.name
        && locked.description == group.description
        && locked.role_id == role
        && locked.permissions == permissions
    {
        return Ok(());
    }
    let grants_changed = before != group.grants;
    if grants_changed {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    if groups::name_taken(&mut *tx, org, &group.name, Some(locked.id)).await? {
        return Err(Refusal::GroupNameTaken.into());
    }
    groups::update(
        &mut *tx,
        locked.id,
        &groups::GroupFields {
            name: &group.name,
            description: &group.description,
            role,
            permissions: &permissions,
        },
    )
    .await?;
    let event = AuditEvent::new(AuditAction::GroupUpdated)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_group(locked.id, &group.name)
        .with_change(
            Some(described(
                &locked.name,
                &locked.description,
                locked.role_name.as_deref(),
                &locked.permissions,
            )),
            Some(described(
                &group.name,
                &group.description,
                group.role.as_ref().map(|r| r.1.as_str()),
                &permissions,
            )),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    let people = groups::member_ids(&mut *tx, locked.id).await?;
    let narrowed = !before.is_subset_of(&group.grants);
    settle(&mut tx, &scope, &actor, people, narrowed, grants_changed).await?;
    let invited = invitations::open_with_group(&mut *tx, locked.id).await?;
    announce_invitations(&mut tx, org, &invited).await?;
    tx.commit().await?;
    Ok(())
}

/// Tells open team pages that these invitations' groups changed (a
/// group renamed, regranted or deleted).
async fn announce_invitations(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    invited: &[InvitationId],
) -> Result<(), ServerError> {
    let notices: Vec<TeamNotice> = invited
        .iter()
        .map(|&id| TeamNotice::invitation(org, id))
        .collect();
    team_events::notify(&mut **tx, &notices).await?;
    Ok(())
}

/// Deletes a group: its people lose what it granted, at once.
pub async fn delete(scope: RequestScope, id: String) -> Result<(), ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    let mut tx = scope.state.pool.begin().await?;
    let (locked, grants) = lock_held(&mut tx, &actor, &id).await?;
    if !grants.is_empty() {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    let people = groups::member_ids(&mut *tx, locked.id).await?;
    // Their invitations lose it with it (the rows cascade).
    let invited = invitations::open_with_group(&mut *tx, locked.id).await?;
    groups::delete(&mut *tx, locked.id).await?;
    announce_invitations(&mut tx, org, &invited).await?;
    let mut before = described(
        &locked.name,
        &locked.description,
        locked.role_name.as_deref(),
        &locked.permissions,
    );
    before["members"] = json!(people.len());
    before["open_invitations"] = json!(invited.len());
    let event = AuditEvent::new(AuditAction::GroupDeleted)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name)
        .on_group(locked.id, &locked.name)
        .with_change(Some(before), None);
    audit::record(&mut *tx, &scope.meta, event).await?;
    let granted = !grants.is_empty();
    settle(&mut tx, &scope, &actor, people, granted, granted).await?;
    tx.commit().await?;
    Ok(())
}

/// One group's page: what it grants and who is in it.
pub async fn detail(scope: RequestScope, id: String) -> Result<GroupDetail, ServerError> {
    let actor = manager(&scope).await?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let id: GroupId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let found = groups::find(pool, org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let group = view(found, &actor);
    let listed = groups::members(pool, id, GROUP_PAGE_PEOPLE).await?;
    let ids: Vec<MembershipId> = listed.iter().map(|m| m.id).collect();
    let standing = memberships::standing_of(pool, &ids).await?;
    let members = listed
        .into_iter()
        .map(|m| {
            let may_act = standing
                .iter()
                .find(|s| s.id == m.id)
                .is_some_and(|s| may_act_on(actor.holdings(), s.holds().holdings()));
            GroupMemberView {
                removable: group.editable && may_act,
                id: m.id,
                name: m.name,
                email: m.email,
                role_name: m.role_name,
                enabled: m.enabled,
                added_by: m.added_by,
                added_at: m.added_at.into(),
            }
        })
        .collect();
    Ok(GroupDetail {
        group,
        catalogue: offered(pool, org).await?,
        members,
    })
}

/// Members not in the group whose name or email holds `search`: whom the
/// group's page offers to add.
pub async fn candidates(
    scope: RequestScope,
    id: String,
    search: String,
) -> Result<Vec<GroupCandidate>, ServerError> {
    let actor = manager(&scope).await?;
    let id: GroupId = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let pool = &scope.state.pool;
    groups::find(pool, actor.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let search: String = search.trim().chars().take(100).collect();
    if search.is_empty() {
        return Ok(Vec::new());
    }
    Ok(groups::candidates(
        pool,
        actor.organisation_id,
        id,
        &like_substring(&search),
        CANDIDATES,
    )
    .await?
    .into_iter()
    .map(|(id, name, email)| GroupCandidate { id, name, email })
    .collect())
}

/// The names of the groups `id` is in: what the audit log keeps before
/// and after a change to them.
async fn names_of(
    tx: &mut Transaction<'_, Postgres>,
    id: MembershipId,
) -> Result<Vec<String>, ServerError> {
    Ok(groups::of_member(&mut **tx, id)
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect())
}

/// Whether people are put in a group or taken out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Add,
    Remove,
}

/// Adds people to a group, or takes them out of it, all or none: the
/// actor must hold everything the group grants and be able to act on
/// each of them. What they may do changes on their next request.
pub async fn change_members(
    scope: RequestScope,
    id: String,
    people: Vec<String>,
    direction: Direction,
) -> Result<usize, ServerError> {
    let actor = manager(&scope).await?;
    let org = actor.organisation_id;
    if people.is_empty() {
        return Err(AppError::invalid("members", "Choose at least one person.").into());
    }
    if people.len() > MAX_ADDED_AT_ONCE {
        return Err(AppError::invalid(
            "members",
            format!("Choose at most {MAX_ADDED_AT_ONCE} people at once."),
        )
        .into());
    }
    let people: Vec<MembershipId> = people
        .iter()
        .map(|p| p.trim().parse().map_err(|_| AppError::NotFound))
        .collect::<Result<_, _>>()?;
    let mut tx = scope.state.pool.begin().await?;
    let (locked, grants) = lock_held(&mut tx, &actor, &id).await?;
    if !grants.is_empty() {
        actor.require_recent_proof(scope.state.clock.now())?;
    }
    let mut changed = Vec::new();
    for person in people {
        let member = lock_and_judge(
            &mut tx,
            &actor,
            person,
            MemberChange::ChangeGroups,
            None,
            None,
            Some(&grants),
        )
        .await?;
        let before = names_of(&mut tx, member.id).await?;
        let done = match direction {
            Direction::Add => groups::add(&mut *tx, locked.id, member.id, actor.account_id).await?,
            Direction::Remove => groups::remove(&mut *tx, locked.id, member.id).await?,
        };
        if !done {
            // In it already, or out of it already (another admin was
            // quicker).
            continue;
        }
        let after = names_of(&mut tx, member.id).await?;
        let action = match direction {
            Direction::Add => AuditAction::MemberAddedToGroup,
            Direction::Remove => AuditAction::MemberRemovedFromGroup,
        };
        let event = AuditEvent::new(action)
            .in_organisation(org)
            .by(actor.account_id, &actor.display_name)
            .on_account(Some(member.account_id), &member.display_name)
            .with_change(
                Some(json!({ "groups": before })),
                Some(json!({ "groups": after })),
            );
        audit::record(&mut *tx, &scope.meta, event).await?;
        changed.push(member.id);
    }
    let count = changed.len();
    let granted = !grants.is_empty();
    let narrowed = granted && direction == Direction::Remove;
    settle(&mut tx, &scope, &actor, changed, narrowed, granted).await?;
    tx.commit().await?;
    Ok(count)
}

/// A member's groups on their page, and those `actor` could add them to.
pub(super) async fn of_member(
    scope: &RequestScope,
    actor: &Actor,
    id: MembershipId,
    them: &Standing,
) -> Result<(MemberGroups, Vec<groups::Membership>), ServerError> {
    let pool = &scope.state.pool;
    let theirs = groups::of_member(pool, id).await?;
    let may_change = acting_on(actor, MemberChange::ChangeGroups, None, them).is_some();
    let may_grant_group = |role_permissions: &[String], extras: &[String]| {
        may_change && may_grant(&actor.permissions, &grants_of(role_permissions, extras))
    };
    let in_groups = theirs
        .iter()
        .map(|g| MemberGroupView {
            id: g.id,
            name: g.name.clone(),
            removable: may_grant_group(&g.role_permissions, &g.permissions),
        })
        .collect();
    let addable = if may_change {
        groups::grants(pool, actor.organisation_id)
            .await?
            .into_iter()
            .filter(|g| {
                !theirs.iter().any(|t| t.id == g.id)
                    && may_grant_group(&g.role_permissions, &g.permissions)
            })
            .map(|g| Choice {
                id: g.id,
                name: g.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((
        MemberGroups {
            groups: in_groups,
            addable,
        },
        theirs,
    ))
}
