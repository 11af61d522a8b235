//! What admins may do to a member, and the guards that keep an organisation
//! manageable: it never loses its last enabled Owner or its primary
//! contact, nobody locks themselves out, and nobody acts above their own
//! permissions.

use super::permission::{may_grant, Permission, PermissionSet};
use super::refusal::Refusal;
use super::scope::Act;
use super::SiteId;

/// A change to a member's place in an organisation (also what the team
/// page's member dialog is about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Disable,
    Enable,
    Delete,
    ChangeRole,
    ChangeDepartment,
    /// Their position in the organisation (their name and phone are their
    /// account's, which other organisations share: theirs to edit).
    ChangePosition,
    /// Emails the member a link to choose a new password. The admin never
    /// sees the link nor the password.
    SendPasswordReset,
    /// Grants them a permission directly, or takes one granted directly
    /// away: the actor must hold it ([`Situation::granted`]).
    ChangePermissions,
    /// Adds them to a group or takes them out of one: the actor must hold
    /// everything the group grants ([`Situation::granted`]).
    ChangeGroups,
    /// Adds them to a site with a site role, changes that role, or takes
    /// them off a site: the actor must hold everything the site role (old
    /// and new) grants ([`Situation::granted`]).
    ChangeSites,
    /// Removes the member's authenticator app and recovery codes, for
    /// someone who lost both: their sessions end and the password alone
    /// signs them in, until they set up a factor again.
    ResetTwoFactor,
}

impl MemberChange {
    /// The permission a change needs before anything else is judged.
    pub fn needs(self) -> Permission {
        match self {
            Self::ChangeGroups => Permission::ManageGroups,
            _ => Permission::ManageMembers,
        }
    }

    /// What the change touches, for those who manage some sites only:
    /// one site (`site`, their site role there), the whole person, or
    /// their place across the organisation.
    pub fn act(self, site: Option<SiteId>) -> Act {
        match (self, site) {
            (Self::ChangeSites, Some(site)) => Act::AtSite(site),
            (
                Self::Disable
                | Self::Enable
                | Self::Delete
                | Self::SendPasswordReset
                | Self::ResetTwoFactor,
                _,
            ) => Act::Person,
            _ => Act::Organisation,
        }
    }
}

/// The facts a change is judged on, read under the organisation's lock so
/// that two admins acting at once see each other's result.
#[derive(Debug, Clone)]
pub struct Situation<'a> {
    /// What the actor acts with: what they hold where the change is.
    pub actor_permissions: &'a PermissionSet,
    /// The target is the actor.
    pub is_self: bool,
    /// The target holds, at some scope, power over access that the actor
    /// lacks there (`domain::scope::may_act_on`).
    pub outranked: bool,
    /// The target's membership is enabled now.
    pub target_is_enabled: bool,
    /// The target is an enabled Owner now.
    pub target_is_enabled_owner: bool,
    /// Enabled Owners in the organisation, the target included.
    pub enabled_owners: i64,
    pub target_is_primary_contact: bool,
    /// The target's account has a second factor.
    pub target_has_factor: bool,
    /// The target's account also belongs to another organisation.
    pub target_in_other_organisations: bool,
    /// With [`MemberChange::ChangeRole`]: the new role's permissions and
    /// whether it is the Owner role.
    pub new_role: Option<(&'a PermissionSet, bool)>,
    /// With [`MemberChange::ChangePermissions`]: what is granted or taken.
    pub granted: Option<&'a PermissionSet>,
}

/// Judges `change` in `situation`.
pub fn judge(change: MemberChange, s: &Situation<'_>) -> Result<(), Refusal> {
    // Nobody acts on someone with power over access they lack themselves;
    // so only Owners act on Owners.
    if s.outranked {
        return Err(Refusal::Outranked);
    }
    let loses_owner = s.target_is_enabled_owner && s.enabled_owners <= 1;
    // The last-Owner reason comes first: for a sole Owner trying to step
    // down it says what to do (make someone else an owner), where "not
    // yourself" would only say no.
    match change {
        MemberChange::Disable | MemberChange::Delete => {
            if loses_owner {
                return Err(Refusal::LastOwner);
            }
            if s.is_self {
                return Err(if change == MemberChange::Disable {
                    Refusal::DisableSelf
                } else {
                    Refusal::DeleteSelf
                });
            }
            if s.target_is_primary_contact {
                return Err(Refusal::PrimaryContact);
            }
        }
        MemberChange::ChangeRole => {
            let Some((new_permissions, new_is_owner)) = s.new_role else {
                return Err(Refusal::RoleNotGrantable { role: None });
            };
            if !may_grant(s.actor_permissions, new_permissions) {
                return Err(Refusal::RoleNotGrantable { role: None });
            }
            if loses_owner && !new_is_owner {
                return Err(Refusal::LastOwner);
            }
            if s.is_self {
                return Err(Refusal::ChangeOwnRole);
            }
        }
        MemberChange::ChangePermissions
        | MemberChange::ChangeGroups
        | MemberChange::ChangeSites => {
            if !s
                .granted
                .is_some_and(|granted| may_grant(s.actor_permissions, granted))
            {
                return Err(Refusal::PermissionsBeyondYours);
            }
            // A group or site role grants the actor nothing they lack, so
            // joining or leaving one is theirs to do; a direct grant to oneself is
            // refused all the same, so that nobody's grants are their own.
            if s.is_self && change == MemberChange::ChangePermissions {
                return Err(Refusal::ChangeOwnPermissions);
            }
        }
        MemberChange::SendPasswordReset => {
            if !s.target_is_enabled {
                return Err(Refusal::ResetWhileDisabled);
            }
        }
        MemberChange::ResetTwoFactor => {
            if s.is_self {
                return Err(Refusal::ResetOwnTwoFactor);
            }
            if !s.target_has_factor {
                return Err(Refusal::NoFactorToReset);
            }
            // One organisation's admin does not decide for the others
            // whether the person is who they say: the operator does.
            if s.target_in_other_organisations {
                return Err(Refusal::FactorResetSharedAccount);
            }
        }
        MemberChange::Enable | MemberChange::ChangeDepartment | MemberChange::ChangePosition => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::fixtures::{admin, member, owner};
    use crate::domain::permission::may_act_on;

    fn situation<'a>(actor: &'a PermissionSet, target: &'a PermissionSet) -> Situation<'a> {
        Situation {
            actor_permissions: actor,
            is_self: false,
            outranked: !may_act_on(actor, target),
            target_is_enabled: true,
            target_is_enabled_owner: false,
            enabled_owners: 2,
            target_is_primary_contact: false,
            target_has_factor: true,
            target_in_other_organisations: false,
            new_role: None,
            granted: None,
        }
    }

    #[test]
    fn the_last_enabled_owner_stays() {
        let (o, m) = (owner(), member());
        let mut s = situation(&o, &o);
        s.target_is_enabled_owner = true;
        s.enabled_owners = 1;
        assert_eq!(judge(MemberChange::Disable, &s), Err(Refusal::LastOwner));
        assert_eq!(judge(MemberChange::Delete, &s), Err(Refusal::LastOwner));
        s.new_role = Some((&m, false));
        assert_eq!(judge(MemberChange::ChangeRole, &s), Err(Refusal::LastOwner));
        s.new_role = Some((&o, true));
        assert_eq!(judge(MemberChange::ChangeRole, &s), Ok(()));
        s.enabled_owners = 2;
        s.new_role = Some((&m, false));
        assert_eq!(judge(MemberChange::ChangeRole, &s), Ok(()));
        assert_eq!(judge(MemberChange::Disable, &s), Ok(()));
    }

    #[test]
    fn a_sole_owner_stepping_down_is_told_to_make_another_owner_first() {
        let (o, m) = (owner(), member());
        let mut s = situation(&o, &o);
        s.is_self = true;
        s.target_is_enabled_owner = true;
        s.enabled_owners = 1;
        s.new_role = Some((&m, false));
        assert_eq!(judge(MemberChange::ChangeRole, &s), Err(Refusal::LastOwner));
        assert_eq!(judge(MemberChange::Disable, &s), Err(Refusal::LastOwner));
    }

    #[test]
    fn nobody_locks_themselves_out() {
        let (o, m) = (owner(), member());
        let mut s = situation(&o, &o);
        s.is_self = true;
        assert_eq!(judge(MemberChange::Disable, &s), Err(Refusal::DisableSelf));
        assert_eq!(judge(MemberChange::Delete, &s), Err(Refusal::DeleteSelf));
        s.new_role = Some((&m, false));
        assert_eq!(
            judge(MemberChange::ChangeRole, &s),
            Err(Refusal::ChangeOwnRole)
        );
        assert_eq!(judge(MemberChange::ChangeDepartment, &s), Ok(()));
    }

    #[test]
    fn the_primary_contact_is_replaced_before_leaving() {
        let (o, a) = (owner(), admin());
        let mut s = situation(&o, &a);
        s.target_is_primary_contact = true;
        assert_eq!(
            judge(MemberChange::Disable, &s),
            Err(Refusal::PrimaryContact)
        );
        assert_eq!(
            judge(MemberChange::Delete, &s),
            Err(Refusal::PrimaryContact)
        );
        assert_eq!(judge(MemberChange::Enable, &s), Ok(()));
    }

    #[test]
    fn admins_act_only_within_their_own_permissions() {
        let (o, a, m) = (owner(), admin(), member());
        let s = situation(&a, &o);
        assert_eq!(judge(MemberChange::Disable, &s), Err(Refusal::Outranked));
        assert_eq!(
            judge(MemberChange::ChangeDepartment, &s),
            Err(Refusal::Outranked)
        );
        let mut s = situation(&a, &m);
        assert_eq!(judge(MemberChange::Disable, &s), Ok(()));
        s.new_role = Some((&o, true));
        assert_eq!(
            judge(MemberChange::ChangeRole, &s),
            Err(Refusal::RoleNotGrantable { role: None })
        );
        s.new_role = Some((&a, false));
        assert_eq!(judge(MemberChange::ChangeRole, &s), Ok(()));
    }

    #[test]
    fn password_resets_go_to_enabled_members_within_the_actors_permissions() {
        let (o, a, m) = (owner(), admin(), member());
        let mut s = situation(&a, &m);
        assert_eq!(judge(MemberChange::SendPasswordReset, &s), Ok(()));
        s.target_is_enabled = false;
        assert_eq!(
            judge(MemberChange::SendPasswordReset, &s),
            Err(Refusal::ResetWhileDisabled)
        );
        let s = situation(&a, &o);
        assert_eq!(
            judge(MemberChange::SendPasswordReset, &s),
            Err(Refusal::Outranked)
        );
    }

    #[test]
    fn permissions_are_granted_and_taken_only_within_the_actors_own() {
        let (admin, member) = (admin(), member());
        let reports = PermissionSet::default().with_product("reports.view", false);
        let team = PermissionSet::from_keys(&["team.view"]);
        let granting = |granted: &PermissionSet, is_self: bool| {
            let mut s = situation(&admin, &member);
            s.granted = Some(granted);
            s.is_self = is_self;
            judge(MemberChange::ChangePermissions, &s)
        };
        assert_eq!(granting(&team, false), Ok(()));
        assert_eq!(
            granting(&reports, false),
            Err(Refusal::PermissionsBeyondYours)
        );
        assert_eq!(granting(&team, true), Err(Refusal::ChangeOwnPermissions));
        let s = situation(&admin, &member);
        assert_eq!(
            judge(MemberChange::ChangePermissions, &s),
            Err(Refusal::PermissionsBeyondYours),
            "nothing named, nothing granted"
        );
    }

    #[test]
    fn factors_are_reset_for_others_only_in_one_organisation() {
        let (o, a, m) = (owner(), admin(), member());
        let mut s = situation(&a, &m);
        assert_eq!(judge(MemberChange::ResetTwoFactor, &s), Ok(()));
        s.target_in_other_organisations = true;
        assert_eq!(
            judge(MemberChange::ResetTwoFactor, &s),
            Err(Refusal::FactorResetSharedAccount)
        );
        s.target_has_factor = false;
        assert_eq!(
            judge(MemberChange::ResetTwoFactor, &s),
            Err(Refusal::NoFactorToReset)
        );
        let mut s = situation(&a, &a);
        s.is_self = true;
        assert_eq!(
            judge(MemberChange::ResetTwoFactor, &s),
            Err(Refusal::ResetOwnTwoFactor)
        );
        let s = situation(&a, &o);
        assert_eq!(
            judge(MemberChange::ResetTwoFactor, &s),
            Err(Refusal::Outranked)
        );
    }
}
