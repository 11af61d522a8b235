//! Permissions and the rule for who may act on whom.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Create, rename and archive departments.
    ManageDepartments,
    /// Create, change and delete groups, and add and remove their people.
    ManageGroups,
    /// Create, change and archive sites.
    ManageSites,
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
    pub const ALL: [Permission; 10] = [
        Self::ViewTeam,
        Self::InviteMembers,
        Self::ManageMembers,
        Self::ManageRoles,
        Self::ManageDepartments,
        Self::ManageGroups,
        Self::ManageSites,
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
            Self::ManageDepartments => "departments.manage",
            Self::ManageGroups => "groups.manage",
            Self::ManageSites => "sites.manage",
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
            Self::ManageDepartments => "Manage departments",
            Self::ManageGroups => "Manage groups",
            Self::ManageSites => "Manage sites",
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
            Self::ManageDepartments => "Create, rename and archive the organisation's departments.",
            Self::ManageGroups => {
                "Create, change and delete groups and choose their people, within the permissions they hold."
            }
            Self::ManageSites => {
                "Create, change and archive the organisation's sites (locations)."
            }
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

/// What a person holds, or a role or grant carries: Roster's own
/// permissions, and the organisation's product permissions by key.
///
/// A product key's sensitive mark is known only when the set was read
/// with it: `membership_permissions` marks sensitive keys with a leading
/// `!`, and [`PermissionSet::choose`] takes it from the catalogue; keys
/// read from a role's row carry none. Only the *target* of an action
/// needs the marks ([`may_act_on`]); granting compares keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet {
    roster: BTreeSet<Permission>,
    /// Product keys, each with whether it is sensitive.
    product: BTreeMap<String, bool>,
}

/// The organisation's live product permissions, by key, with whether each
/// is sensitive: what a chosen key may be besides Roster's own.
pub type ProductCatalogue = BTreeMap<String, bool>;

impl PermissionSet {
    /// Reads stored keys. Owning the organisation brings every permission
    /// with it, present and future. Unknown or malformed keys (from a
    /// newer version, say) grant nothing rather than failing the request.
    pub fn from_keys<S: AsRef<str>>(keys: &[S]) -> Self {
        let mut set = Self::default();
        for key in keys {
            let (key, sensitive) = match key.as_ref().strip_prefix('!') {
                Some(marked) => (marked, true),
                None => (key.as_ref(), false),
            };
            if let Some(p) = Permission::from_key(key) {
                set.roster.insert(p);
            } else if is_product_key(key) {
                set.product.insert(key.to_string(), sensitive);
            }
        }
        if set.owns() {
            set.roster = Permission::ALL.into_iter().collect();
        }
        set
    }

    /// Permissions as chosen in a form (a role's, a direct grant's): each
    /// key must be one of Roster's grantable permissions or one of the
    /// organisation's live product permissions. The error names the first
    /// key that is neither.
    pub fn choose<S: AsRef<str>>(keys: &[S], products: &ProductCatalogue) -> Result<Self, String> {
        let mut set = Self::default();
        for key in keys {
            let key = key.as_ref().trim();
            match Permission::from_key(key) {
                Some(p) if p.is_grantable() => {
                    set.roster.insert(p);
                }
                Some(_) => return Err("Owning the organisation can't be given to anyone.".into()),
                None => match products.get(key) {
                    Some(sensitive) => {
                        set.product.insert(key.to_string(), *sensitive);
                    }
                    None => {
                        return Err(format!(
                            "\"{key}\" is not a permission of your organisation."
                        ))
                    }
                },
            }
        }
        Ok(set)
    }

    /// Whether they own the organisation, and so hold everything.
    pub fn owns(&self) -> bool {
        self.roster.contains(&Permission::OwnOrganisation)
    }

    pub fn contains(&self, permission: Permission) -> bool {
        self.roster.contains(&permission)
    }

    /// Whether they hold the permission with this key, Roster's or a
    /// product's. An owner holds every product key.
    pub fn holds_key(&self, key: &str) -> bool {
        match Permission::from_key(key) {
            Some(p) => self.contains(p),
            None => self.owns() || self.product.contains_key(key),
        }
    }

    pub fn is_subset_of(&self, other: &PermissionSet) -> bool {
        other.owns()
            || (self.roster.is_subset(&other.roster)
                && self.product.keys().all(|k| other.product.contains_key(k)))
    }

    /// Roster's permissions among them.
    pub fn iter(&self) -> impl Iterator<Item = Permission> + '_ {
        self.roster.iter().copied()
    }

    /// The product keys among them.
    pub fn product_keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.product.keys().map(String::as_str)
    }

    /// Every key, unmarked, Roster's first: what a role row or an audit
    /// event stores.
    pub fn keys(&self) -> Vec<String> {
        self.iter()
            .map(|p| p.key().to_string())
            .chain(self.product.keys().cloned())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.roster.is_empty() && self.product.is_empty()
    }

    /// The sensitive ones among them.
    pub fn sensitive(&self) -> PermissionSet {
        PermissionSet {
            roster: self.iter().filter(|p| p.is_sensitive()).collect(),
            product: self
                .product
                .iter()
                .filter(|(_, sensitive)| **sensitive)
                .map(|(k, s)| (k.clone(), *s))
                .collect(),
        }
    }

    /// What either holds (a product key sensitive when either marks it).
    pub fn union(&self, other: &PermissionSet) -> PermissionSet {
        let mut all = self.clone();
        all.roster.extend(other.roster.iter().copied());
        for (key, sensitive) in &other.product {
            *all.product.entry(key.clone()).or_insert(false) |= *sensitive;
        }
        all
    }

    /// What both hold. An owner holds every product key, so the other's
    /// are kept.
    pub fn intersection(&self, other: &PermissionSet) -> PermissionSet {
        let keep = |mine: &BTreeMap<String, bool>, owner: bool, theirs: &BTreeMap<String, bool>| {
            theirs
                .iter()
                .filter(|(k, _)| owner || mine.contains_key(*k))
                .map(|(k, s)| (k.clone(), *s || mine.get(k).copied().unwrap_or(false)))
                .collect::<BTreeMap<_, _>>()
        };
        let product = if self.owns() {
            keep(&self.product, true, &other.product)
        } else {
            keep(&other.product, other.owns(), &self.product)
        };
        PermissionSet {
            roster: self.roster.intersection(&other.roster).copied().collect(),
            product,
        }
    }

    /// The same set without `these` of Roster's.
    pub fn without(mut self, these: &[Permission]) -> PermissionSet {
        self.roster.retain(|p| !these.contains(p));
        self
    }

    /// The same set with one more product key (its sensitive mark as
    /// given).
    pub fn with_product(mut self, key: &str, sensitive: bool) -> Self {
        self.product.insert(key.to_string(), sensitive);
        self
    }
}

/// Whether `key` has a product permission key's shape: lower-case
/// segments joined by dots (`reports.view`), at most 64 characters. What
/// else a new key must be is `domain::product_permission::parse_key`'s.
pub fn is_product_key(key: &str) -> bool {
    key.len() <= 64
        && key.contains('.')
        && key.split('.').all(|segment| {
            let mut chars = segment.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<T: IntoIterator<Item = Permission>>(iter: T) -> Self {
        Self {
            roster: iter.into_iter().collect(),
            product: BTreeMap::new(),
        }
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
        let set = PermissionSet::from_keys(&["team.view", "Not A Key", "!reports.approve"]);
        assert!(set.contains(ViewTeam));
        assert_eq!(set.iter().count(), 1);
        assert_eq!(set.product_keys().collect::<Vec<_>>(), ["reports.approve"]);
        assert_eq!(set.keys(), ["team.view", "reports.approve"]);
        assert!(set.holds_key("reports.approve") && !set.holds_key("reports.view"));
    }

    #[test]
    fn ownership_brings_every_permission_and_is_never_granted() {
        let owner = PermissionSet::from_keys(&["organisation.own"]);
        for p in Permission::ALL {
            assert!(owner.contains(p), "{p:?}");
        }
        assert!(owner.holds_key("anything.the_product_defines"));
        let product = PermissionSet::default().with_product("reports.view", true);
        assert!(product.is_subset_of(&owner) && !owner.is_subset_of(&product));
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
    fn sensitive_product_permissions_count_when_acting_on_someone() {
        let viewer = PermissionSet::from_keys(&["reports.view"]);
        let approver = PermissionSet::from_keys(&["!orders.approve"]);
        assert!(may_act_on(&admin(), &viewer), "not sensitive");
        assert!(!may_grant(&admin(), &viewer), "granting needs it");
        assert!(!may_act_on(&admin(), &approver));
        let admin_approver = admin().with_product("orders.approve", true);
        assert!(may_act_on(&admin_approver, &approver));
        assert!(may_grant(&admin_approver, &approver));
        assert!(may_act_on(&owner(), &approver));
    }

    #[test]
    fn chosen_permissions_are_known_and_grantable() {
        let products: ProductCatalogue = [("reports.view".to_string(), false)].into();
        let set = PermissionSet::choose(&["team.view", " audit.view ", "reports.view"], &products)
            .unwrap();
        assert!(set.contains(ViewTeam) && set.contains(ViewAuditLog));
        assert!(set.holds_key("reports.view"));
        assert!(PermissionSet::choose(&["orders.approve"], &products)
            .unwrap_err()
            .contains("\"orders.approve\" is not a permission"));
        assert!(PermissionSet::choose(&["organisation.own"], &products).is_err());
    }

    #[test]
    fn product_keys_are_dotted_lower_case() {
        assert!(is_product_key("reports.view"));
        assert!(is_product_key("calls.make_outbound.v2"));
        assert!(!is_product_key("reports"));
        assert!(!is_product_key("Reports.view"));
        assert!(!is_product_key("reports..view"));
        assert!(!is_product_key("2fa.view"));
        assert!(!is_product_key(&format!("a.{}", "b".repeat(63))));
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
