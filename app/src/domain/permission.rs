//! Permissions and the rule for who may act on whom.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Something an actor may do in an organisation: Roster's own catalogue.
/// Roles are sets of these; checks always name the permission they need,
/// never a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// See the team table and member details.
    ViewTeam,
    /// Invite people.
    InviteMembers,
    /// Enable, disable, delete members and change their role or department.
    ManageMembers,
    /// Create and edit roles.
    ManageRoles,
    /// Change the organisation's settings.
    ManageOrganisation,
    /// Read the audit log.
    ViewAuditLog,
    /// Own the organisation: every other permission, present and future,
    /// and acting on other owners. Only the built-in Owner role holds it,
    /// and nobody can grant it.
    OwnOrganisation,
}

impl Permission {
    pub const ALL: [Permission; 7] = [
        Self::ViewTeam,
        Self::InviteMembers,
        Self::ManageMembers,
        Self::ManageRoles,
        Self::ManageOrganisation,
        Self::ViewAuditLog,
        Self::OwnOrganisation,
    ];

    /// The stable key stored in `roles.permissions`.
    pub fn key(self) -> &'static str {
        match self {
            Self::ViewTeam => "team.view",
            Self::InviteMembers => "members.invite",
            Self::ManageMembers => "members.manage",
            Self::ManageRoles => "roles.manage",
            Self::ManageOrganisation => "organisation.manage",
            Self::ViewAuditLog => "audit.view",
            Self::OwnOrganisation => "organisation.own",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Whether holding it lets someone change who has access (or read what
    /// everyone did): an actor must hold every sensitive permission of a
    /// person to act on them, and the two-factor policy can require a
    /// second factor of whoever holds one.
    pub fn is_sensitive(self) -> bool {
        !matches!(self, Self::ViewTeam)
    }

    /// What the roles page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ViewTeam => "See the team",
            Self::InviteMembers => "Invite people",
            Self::ManageMembers => "Manage members",
            Self::ManageRoles => "Manage roles",
            Self::ManageOrganisation => "Organisation settings",
            Self::ViewAuditLog => "Audit log",
            Self::OwnOrganisation => "Own the organisation",
        }
    }

    /// One line on what it lets the holder do.
    pub fn description(self) -> &'static str {
        match self {
            Self::ViewTeam => "See the team table and each member's page.",
            Self::InviteMembers => "Invite people with a role they could grant.",
            Self::ManageMembers => {
                "Enable, disable and delete members, change their role and department, send password resets and reset two-factor sign-in."
            }
            Self::ManageRoles => "Create, edit and delete roles, within the permissions they hold.",
            Self::ManageOrganisation => {
                "Change the organisation's settings and its two-factor policy."
            }
            Self::ViewAuditLog => "Read the audit log: who did what, and when.",
            Self::OwnOrganisation => "Everything, and acting on other owners. Only the Owner role holds it.",
        }
    }

    /// Whether a role of an organisation may contain it.
    pub fn is_grantable(self) -> bool {
        self != Self::OwnOrganisation
    }
}

/// A set of Roster's permissions: a role's, or what an actor holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    /// Reads stored keys. Owning the organisation brings every permission
    /// with it. Unknown keys (from a newer version, say) grant nothing
    /// rather than failing the request.
    pub fn from_keys<S: AsRef<str>>(keys: &[S]) -> Self {
        let held: BTreeSet<Permission> = keys
            .iter()
            .filter_map(|k| Permission::from_key(k.as_ref()))
            .collect();
        if held.contains(&Permission::OwnOrganisation) {
            Self(Permission::ALL.into_iter().collect())
        } else {
            Self(held)
        }
    }

    pub fn contains(&self, permission: Permission) -> bool {
        self.0.contains(&permission)
    }

    pub fn is_subset_of(&self, other: &PermissionSet) -> bool {
        self.0.is_subset(&other.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = Permission> + '_ {
        self.0.iter().copied()
    }

    /// The sensitive ones among them.
    pub fn sensitive(&self) -> PermissionSet {
        self.iter().filter(|p| p.is_sensitive()).collect()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<T: IntoIterator<Item = Permission>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// May an actor holding `actor` grant `granted` (a role, or permissions)?
/// Only when they hold all of it themselves: nobody hands out more than
/// they have, and so nobody but an Owner makes an Owner.
pub fn may_grant(actor: &PermissionSet, granted: &PermissionSet) -> bool {
    granted.is_subset_of(actor)
}

/// May an actor holding `actor` act on a person holding `target` (disable,
/// delete, change their role, reset their password or factor)?
///
/// Only when the actor holds every *sensitive* permission the person
/// holds: an admin can manage a Supervisor who may see the team without
/// seeing it themselves, but never someone with more power over access than
/// they have. Owning the organisation is sensitive and nobody can grant
/// it, so only Owners act on Owners, however an Admin role is edited.
pub fn may_act_on(actor: &PermissionSet, target: &PermissionSet) -> bool {
    target.sensitive().is_subset_of(actor)
}

/// The built-in roles' permissions, for tests of rules that take them.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Permission, PermissionSet};

    pub fn owner() -> PermissionSet {
        Permission::ALL.into_iter().collect()
    }
    pub fn admin() -> PermissionSet {
        [
            Permission::ViewTeam,
            Permission::InviteMembers,
            Permission::ManageMembers,
        ]
        .into_iter()
        .collect()
    }
    pub fn member() -> PermissionSet {
        PermissionSet::default()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{admin, member, owner};
    use super::*;
    use Permission::*;

    #[test]
    fn keys_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_key(p.key()), Some(p));
        }
        assert_eq!(Permission::from_key("nope"), None);
        let set = PermissionSet::from_keys(&["team.view", "unknown.future"]);
        assert!(set.contains(ViewTeam));
        assert_eq!(set.iter().count(), 1);
    }

    #[test]
    fn ownership_brings_every_permission_and_is_never_granted() {
        let owner = PermissionSet::from_keys(&["organisation.own"]);
        for p in Permission::ALL {
            assert!(owner.contains(p), "{p:?}");
        }
        assert!(!Permission::OwnOrganisation.is_grantable());
        assert!(Permission::ALL
            .into_iter()
            .filter(|p| *p != Permission::OwnOrganisation)
            .all(Permission::is_grantable));
    }

    #[test]
    fn only_owners_act_on_owners() {
        assert!(may_act_on(&owner(), &owner()));
        assert!(!may_act_on(&admin(), &owner()));
        assert!(!may_act_on(&member(), &owner()));
        // An Admin role given every permission anyone can grant still
        // lacks ownership.
        let widest: PermissionSet = Permission::ALL
            .into_iter()
            .filter(|p| p.is_grantable())
            .collect();
        assert!(!may_act_on(&widest, &owner()));
        assert!(!may_grant(&widest, &owner()));
    }

    #[test]
    fn acting_on_someone_needs_only_their_sensitive_permissions() {
        // A manager without the team view acts on someone who has only it.
        let manager: PermissionSet = [InviteMembers, ManageMembers].into_iter().collect();
        let viewer: PermissionSet = [ViewTeam].into_iter().collect();
        assert!(may_act_on(&manager, &viewer));
        assert!(!may_grant(&manager, &viewer), "granting needs all of it");
        // Not on someone who may read the audit log.
        let auditor: PermissionSet = [ViewTeam, ViewAuditLog].into_iter().collect();
        assert!(!may_act_on(&admin(), &auditor));
        assert!(may_act_on(&admin(), &admin()));
        assert!(may_act_on(&admin(), &member()));
        assert!(!may_act_on(&member(), &admin()));
    }

    #[test]
    fn actors_grant_at_most_what_they_hold() {
        assert!(may_grant(&owner(), &admin()));
        assert!(may_grant(&admin(), &admin()));
        assert!(may_grant(&admin(), &member()));
        assert!(!may_grant(&member(), &admin()));
        let custom: PermissionSet = [ViewTeam, ViewAuditLog].into_iter().collect();
        assert!(!may_grant(&admin(), &custom), "admin lacks audit.view");
    }
}
