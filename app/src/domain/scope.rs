//! Where a permission holds. A person holds each permission across the
//! organisation (through their role, a direct grant or a group) or at some
//! sites only (through their site role there); the organisation's scope
//! covers every site. A permission about the organisation itself (its
//! roles, settings, audit log, sites, groups, departments) holds at the
//! organisation's scope only: a site role carrying it grants it nowhere.
//!
//! Delegated administration is read from here: someone who may manage
//! members at Berlin only reaches Berlin's people, and no one else.

use super::permission::{self, Permission, PermissionSet};
use super::refusal::Refusal;
use super::SiteId;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Permissions that hold at the organisation's scope only.
pub const ORGANISATION_ONLY: [Permission; 7] = [
    Permission::ManageRoles,
    Permission::ManageDepartments,
    Permission::ManageGroups,
    Permission::ManageSites,
    Permission::ManageOrganisation,
    Permission::ViewAuditLog,
    Permission::OwnOrganisation,
];

/// What someone holds at sites only, by site: what their site roles grant
/// there, without what holds at the organisation's scope only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteGrants(BTreeMap<SiteId, PermissionSet>);

impl SiteGrants {
    /// Reads `membership_site_permissions`' entries: "{site id} {key}",
    /// the key marked `!` when sensitive. Malformed entries grant nothing.
    pub fn from_entries<S: AsRef<str>>(entries: &[S]) -> Self {
        let mut keys: BTreeMap<SiteId, Vec<&str>> = BTreeMap::new();
        for entry in entries {
            let Some((site, key)) = entry.as_ref().split_once(' ') else {
                continue;
            };
            let Ok(site) = Uuid::parse_str(site) else {
                continue;
            };
            // Owning is never a site role's (it is refused as one); were it
            // stored, it must not bring every permission with it here.
            if key.trim_start_matches('!') != Permission::OwnOrganisation.key() {
                keys.entry(SiteId(site)).or_default().push(key);
            }
        }
        Self(
            keys.into_iter()
                .map(|(site, keys)| {
                    (
                        site,
                        PermissionSet::from_keys(&keys).without(&ORGANISATION_ONLY),
                    )
                })
                .filter(|(_, held)| !held.is_empty())
                .collect(),
        )
    }

    /// What they hold at `site` only.
    pub fn at(&self, site: SiteId) -> Option<&PermissionSet> {
        self.0.get(&site)
    }

    /// The sites where they hold `permission`.
    pub fn holding(&self, permission: Permission) -> BTreeSet<SiteId> {
        self.0
            .iter()
            .filter(|(_, held)| held.contains(permission))
            .map(|(site, _)| *site)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where someone may do what a permission allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Organisation,
    /// At these sites only (never empty).
    Sites(BTreeSet<SiteId>),
}

impl Reach {
    /// The sites it is limited to; `None` across the organisation.
    pub fn sites(&self) -> Option<Vec<SiteId>> {
        match self {
            Self::Organisation => None,
            Self::Sites(sites) => Some(sites.iter().copied().collect()),
        }
    }

    /// Whether it reaches someone who belongs to `their_sites`.
    pub fn reaches(&self, their_sites: &BTreeSet<SiteId>) -> bool {
        match self {
            Self::Organisation => true,
            Self::Sites(mine) => !mine.is_disjoint(their_sites),
        }
    }

    /// Whether it covers `site`.
    pub fn covers(&self, site: SiteId) -> bool {
        match self {
            Self::Organisation => true,
            Self::Sites(mine) => mine.contains(&site),
        }
    }
}

/// Everything someone holds, at each scope.
#[derive(Debug, Clone, Copy)]
pub struct Holdings<'a> {
    pub organisation: &'a PermissionSet,
    pub sites: &'a SiteGrants,
}

impl Holdings<'_> {
    /// Where they may do what `permission` allows; `None` nowhere.
    pub fn reach(&self, permission: Permission) -> Option<Reach> {
        if self.organisation.contains(permission) {
            return Some(Reach::Organisation);
        }
        let sites = self.sites.holding(permission);
        (!sites.is_empty()).then_some(Reach::Sites(sites))
    }

    /// What they hold at `site`: the organisation's scope covers it.
    pub fn at_site(&self, site: SiteId) -> PermissionSet {
        match self.sites.at(site) {
            Some(there) => self.organisation.union(there),
            None => self.organisation.clone(),
        }
    }

    /// What they hold at each of `sites` (and so wherever a person of
    /// those sites is): the organisation's scope, and what every one of
    /// those sites adds.
    pub fn at_each_of(&self, sites: &BTreeSet<SiteId>) -> PermissionSet {
        let mut common: Option<PermissionSet> = None;
        for site in sites {
            let there = self.sites.at(*site).cloned().unwrap_or_default();
            common = Some(match common {
                Some(so_far) => so_far.intersection(&there),
                None => there,
            });
        }
        match common {
            Some(common) => self.organisation.union(&common),
            None => self.organisation.clone(),
        }
    }

    /// What they hold at any scope: what outranking compares.
    pub fn anywhere(&self) -> PermissionSet {
        self.sites
            .0
            .values()
            .fold(self.organisation.clone(), |all, there| all.union(there))
    }
}

/// Someone as the rules weigh them: what they hold at each scope, and
/// every site they are on (archived ones too).
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub organisation: PermissionSet,
    pub sites: SiteGrants,
    pub places: BTreeSet<SiteId>,
}

impl Standing {
    /// From `membership_permissions`, `membership_site_permissions` and
    /// their site ids, as read.
    pub fn read<S: AsRef<str>, T: AsRef<str>>(
        permissions: &[S],
        site_permissions: &[T],
        sites: &[Uuid],
    ) -> Self {
        Self {
            organisation: PermissionSet::from_keys(permissions),
            sites: SiteGrants::from_entries(site_permissions),
            places: sites.iter().copied().map(SiteId).collect(),
        }
    }

    pub fn holdings(&self) -> Holdings<'_> {
        Holdings {
            organisation: &self.organisation,
            sites: &self.sites,
        }
    }
}

/// Why an actor may not act on someone through their reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfReach {
    /// They hold the permission nowhere.
    Lacking,
    /// The person is outside every scope of theirs: to them, nobody.
    Unseen,
    /// They see the person, but this is beyond what their scope allows.
    Refused(Refusal),
}

/// What may be done to a person at their place in the organisation, with
/// the actor's permission held at some sites only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// A change at one site: their site role there.
    AtSite(SiteId),
    /// A change to the whole person (disable, enable, delete, reset their
    /// password or factor): within reach only when every site of theirs is
    /// one of the actor's and they hold nothing across the organisation the
    /// actor does not.
    Person,
    /// A change to their place across the organisation (role, department,
    /// position, direct grants, groups): for those whose permission holds
    /// there.
    Organisation,
}

/// The permissions an actor holding `actor` acts with when `needs` is
/// what `act` takes, on someone who belongs to `their_sites` and holds
/// `theirs` across the organisation.
pub fn acting_with(
    actor: Holdings<'_>,
    needs: Permission,
    act: Act,
    them: &Standing,
) -> Result<PermissionSet, OutOfReach> {
    let (theirs, their_sites) = (&them.organisation, &them.places);
    let reach = actor.reach(needs).ok_or(OutOfReach::Lacking)?;
    let mine = match reach {
        Reach::Organisation => {
            return Ok(match act {
                Act::AtSite(site) => actor.at_site(site),
                Act::Person | Act::Organisation => actor.organisation.clone(),
            })
        }
        Reach::Sites(mine) => mine,
    };
    if mine.is_disjoint(their_sites) {
        return Err(OutOfReach::Unseen);
    }
    match act {
        Act::AtSite(site) if mine.contains(&site) => Ok(actor.at_site(site)),
        Act::AtSite(_) => Err(OutOfReach::Refused(Refusal::SiteNotYours)),
        Act::Person if !their_sites.is_subset(&mine) => {
            Err(OutOfReach::Refused(Refusal::BeyondYourSites))
        }
        // Holding something across the organisation, they are someone to
        // act on there: outranked when it is power over access.
        Act::Person if !theirs.is_subset_of(actor.organisation) => Err(OutOfReach::Refused(
            if theirs.sensitive().is_subset_of(actor.organisation) {
                Refusal::BeyondYourSites
            } else {
                Refusal::Outranked
            },
        )),
        Act::Person => Ok(actor.at_each_of(their_sites)),
        Act::Organisation => Err(OutOfReach::Refused(Refusal::OrganisationWideChange)),
    }
}

/// Outranking, scope by scope: may someone holding `actor` act on someone
/// holding `them`? Only when, at each scope, the actor holds every
/// sensitive permission the person holds there (what the actor holds
/// across the organisation counting at every site). So a site manager
/// never acts on someone with power over access across the organisation,
/// nor on a manager of another site, wherever they meet.
pub fn may_act_on(actor: Holdings<'_>, them: Holdings<'_>) -> bool {
    permission::may_act_on(actor.organisation, them.organisation)
        && them
            .sites
            .0
            .iter()
            .all(|(site, held)| permission::may_act_on(&actor.at_site(*site), held))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::fixtures::{admin, member, owner};

    fn site(n: u128) -> SiteId {
        SiteId(Uuid::from_u128(n))
    }

    fn entries(site: SiteId, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| format!("{} {k}", site.0)).collect()
    }

    fn sites(ids: &[SiteId]) -> BTreeSet<SiteId> {
        ids.iter().copied().collect()
    }

    #[test]
    fn a_site_role_grants_nothing_about_the_organisation_itself() {
        let berlin = site(1);
        let mut keys = entries(
            berlin,
            &[
                "members.manage",
                "roles.manage",
                "audit.view",
                "!reports.approve",
            ],
        );
        keys.extend(entries(site(2), &["organisation.own"]));
        keys.push("not-a-uuid team.view".into());
        let grants = SiteGrants::from_entries(&keys);
        let at_berlin = grants.at(berlin).unwrap();
        assert!(at_berlin.contains(Permission::ManageMembers));
        assert!(!at_berlin.contains(Permission::ManageRoles));
        assert!(!at_berlin.contains(Permission::ViewAuditLog));
        assert!(at_berlin.holds_key("reports.approve"));
        assert!(at_berlin.sensitive().holds_key("reports.approve"));
        assert_eq!(grants.at(site(2)), None, "owning is never held at a site");
    }

    #[test]
    fn reach_is_the_organisation_or_the_sites_holding_it() {
        let (berlin, lyon) = (site(1), site(2));
        let mut keys = entries(berlin, &["members.manage", "team.view"]);
        keys.extend(entries(lyon, &["team.view"]));
        let grants = SiteGrants::from_entries(&keys);
        let none = member();
        let manager = Holdings {
            organisation: &none,
            sites: &grants,
        };
        assert_eq!(
            manager.reach(Permission::ManageMembers),
            Some(Reach::Sites(sites(&[berlin])))
        );
        assert_eq!(
            manager.reach(Permission::ViewTeam),
            Some(Reach::Sites(sites(&[berlin, lyon])))
        );
        assert_eq!(manager.reach(Permission::InviteMembers), None);
        let a = admin();
        let admin = Holdings {
            organisation: &a,
            sites: &grants,
        };
        assert_eq!(
            admin.reach(Permission::ManageMembers),
            Some(Reach::Organisation)
        );
        assert!(Reach::Sites(sites(&[berlin])).reaches(&sites(&[lyon, berlin])));
        assert!(!Reach::Sites(sites(&[berlin])).reaches(&sites(&[lyon])));
        assert!(!Reach::Sites(sites(&[berlin])).reaches(&BTreeSet::new()));
        assert_eq!(manager.at_each_of(&sites(&[berlin, lyon])), {
            let team: PermissionSet = [Permission::ViewTeam].into_iter().collect();
            team
        });
        assert!(manager.anywhere().contains(Permission::ManageMembers));
    }

    #[test]
    fn outranking_is_weighed_at_each_scope() {
        let (berlin, lyon) = (site(1), site(2));
        let manage = ["members.manage", "members.invite", "team.view"];
        let none = member();
        let (berlin_manager, lyon_manager, technician) = (
            SiteGrants::from_entries(&entries(berlin, &manage)),
            SiteGrants::from_entries(&entries(lyon, &manage)),
            SiteGrants::from_entries(&entries(berlin, &["team.view"])),
        );
        let holding = |organisation, sites| Holdings {
            organisation,
            sites,
        };
        let sam = holding(&none, &berlin_manager);
        assert!(may_act_on(sam, holding(&none, &technician)));
        assert!(may_act_on(sam, holding(&none, &berlin_manager)), "a peer");
        assert!(
            !may_act_on(sam, holding(&none, &lyon_manager)),
            "Lyon's manager"
        );
        let a = admin();
        assert!(
            !may_act_on(sam, holding(&a, &technician)),
            "an admin across the organisation"
        );
        let nowhere = SiteGrants::default();
        assert!(may_act_on(
            holding(&a, &nowhere),
            holding(&none, &lyon_manager)
        ));
        let o = owner();
        assert!(!may_act_on(
            holding(&a, &berlin_manager),
            holding(&o, &nowhere)
        ));
    }

    #[test]
    fn a_site_manager_acts_within_their_sites_and_no_further() {
        let (berlin, lyon) = (site(1), site(2));
        let grants = SiteGrants::from_entries(&entries(berlin, &["members.manage", "team.view"]));
        let (none, a, o) = (member(), admin(), owner());
        let manager = Holdings {
            organisation: &none,
            sites: &grants,
        };
        let needs = Permission::ManageMembers;
        let them = |theirs: &PermissionSet, at: &[SiteId]| Standing {
            organisation: theirs.clone(),
            sites: SiteGrants::default(),
            places: sites(at),
        };
        let act = |act, theirs: &PermissionSet, at: &[SiteId]| {
            acting_with(manager, needs, act, &them(theirs, at))
        };
        // Lyon's people, and people at no site, are nobody to them.
        assert_eq!(act(Act::Person, &none, &[lyon]), Err(OutOfReach::Unseen));
        assert_eq!(act(Act::Person, &none, &[]), Err(OutOfReach::Unseen));
        assert_eq!(
            act(Act::AtSite(lyon), &none, &[lyon]),
            Err(OutOfReach::Unseen)
        );
        // Berlin's alone: theirs to manage, with what they hold at Berlin.
        let held = act(Act::Person, &none, &[berlin]).unwrap();
        assert!(held.contains(Permission::ManageMembers));
        assert!(act(Act::AtSite(berlin), &none, &[berlin, lyon]).is_ok());
        // Also at Lyon, or holding something across the organisation: only
        // their Berlin place is the manager's.
        assert_eq!(
            act(Act::Person, &none, &[berlin, lyon]),
            Err(OutOfReach::Refused(Refusal::BeyondYourSites))
        );
        assert_eq!(
            act(Act::Person, &a, &[berlin]),
            Err(OutOfReach::Refused(Refusal::Outranked)),
            "an admin across the organisation"
        );
        let team: PermissionSet = [Permission::ViewTeam].into_iter().collect();
        assert_eq!(
            act(Act::Person, &team, &[berlin]),
            Err(OutOfReach::Refused(Refusal::BeyondYourSites)),
            "seeing the team across the organisation"
        );
        assert_eq!(
            act(Act::AtSite(lyon), &none, &[berlin, lyon]),
            Err(OutOfReach::Refused(Refusal::SiteNotYours))
        );
        assert_eq!(
            act(Act::Organisation, &none, &[berlin]),
            Err(OutOfReach::Refused(Refusal::OrganisationWideChange))
        );
        assert_eq!(
            acting_with(
                manager,
                Permission::InviteMembers,
                Act::Person,
                &them(&none, &[berlin])
            ),
            Err(OutOfReach::Lacking)
        );
        // Across the organisation, everyone is in reach.
        let owner = Holdings {
            organisation: &o,
            sites: &grants,
        };
        assert_eq!(
            acting_with(owner, needs, Act::Person, &them(&none, &[lyon])),
            Ok(o.clone())
        );
    }
}
