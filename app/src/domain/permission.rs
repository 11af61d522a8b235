//! Permissions and the rule for who may act on whom.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Something an actor may do in an organisation. Roles are sets of these;
/// checks always name the permission they need, never a role.
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
}

impl Permission {
    pub const ALL: [Permission; 6] = [
        Self::ViewTeam,
        Self::InviteMembers,
        Self::ManageMembers,
        Self::ManageRoles,
        Self::ManageOrganisation,
        Self::ViewAuditLog,
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
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// The permissions of one role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    /// Reads stored keys. Unknown keys (from a newer version, say) grant
    /// nothing rather than failing the request.
    pub fn from_keys<S: AsRef<str>>(keys: &[S]) -> Self {
        Self(
            keys.iter()
                .filter_map(|k| Permission::from_key(k.as_ref()))
                .collect(),
        )
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
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<T: IntoIterator<Item = Permission>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// May an actor with `actor` permissions grant a role with `role`
/// permissions, or act on a member who holds it?
///
/// Only when the role's permissions are a subset of the actor's own. This is
/// what keeps an Admin from promoting anyone (themselves included) to Owner
/// and from touching Owners at all: only Owners act on Owners.
pub fn may_act_on_role(actor: &PermissionSet, role: &PermissionSet) -> bool {
    role.is_subset_of(actor)
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
    fn only_owners_act_on_owners() {
        assert!(may_act_on_role(&owner(), &owner()));
        assert!(!may_act_on_role(&admin(), &owner()));
        assert!(!may_act_on_role(&member(), &owner()));
    }

    #[test]
    fn actors_grant_at_most_what_they_hold() {
        assert!(may_act_on_role(&owner(), &admin()));
        assert!(may_act_on_role(&admin(), &admin()));
        assert!(may_act_on_role(&admin(), &member()));
        assert!(!may_act_on_role(&member(), &admin()));
        let custom: PermissionSet = [ViewTeam, ViewAuditLog].into_iter().collect();
        assert!(
            !may_act_on_role(&admin(), &custom),
            "admin lacks audit.view"
        );
    }
}
