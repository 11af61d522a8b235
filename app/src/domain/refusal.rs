//! Why Roster refuses a change that a rule of the organisation forbids, or
//! that a link's state no longer allows. Each variant's message is written
//! here, once, and says what to do instead; it crosses the wire inside
//! [`AppError::Refused`](crate::wire::AppError::Refused) so that pages and
//! tests can tell refusals apart by variant, never by their text.

use serde::{Deserialize, Serialize};

/// What a dead verification link says, on its page too (which shows it
/// without the rest of [`Refusal`]'s messages in the invitee bundle).
pub const VERIFICATION_LINK_EXPIRED: &str = "This link has expired. To verify your address, choose a new password with \"Forgot password?\" on the sign-in page: that link goes to your email too.";
pub const VERIFICATION_LINK_INVALID: &str = "This link is no longer valid. To verify your address, choose a new password with \"Forgot password?\" on the sign-in page.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    // Member changes (see `domain::member::judge`).
    #[error(
        "You can't disable your own access. Ask another owner or admin if it needs to change."
    )]
    DisableSelf,
    #[error("You can't delete yourself. Ask another owner to do it if you are leaving.")]
    DeleteSelf,
    #[error("You can't change your own role. Ask another owner if it needs to change.")]
    ChangeOwnRole,
    #[error("You can't change your own permissions. Ask another owner if they need to change.")]
    ChangeOwnPermissions,
    #[error(
        "This is the organisation's only enabled owner. Make someone else an owner first, then try again."
    )]
    LastOwner,
    #[error(
        "This person is the organisation's primary contact. An owner can choose another primary contact in Settings first."
    )]
    PrimaryContact,
    #[error("Only someone with at least this person's permissions can change them. Ask an owner.")]
    Outranked,
    /// Granting a role (inviting with it, or giving it to a member) needs
    /// every permission it carries. `role` names it when known.
    #[error(
        "You can't grant {}: it has permissions your role doesn't have.",
        match role { Some(name) => format!("the {name} role"), None => "that role".to_string() }
    )]
    RoleNotGrantable { role: Option<String> },
    #[error(
        "This person's access is disabled, so a new password would not let them sign in. Enable them first."
    )]
    ResetWhileDisabled,
    #[error(
        "This person was already sent {max} password reset emails in the last hour, the most Roster sends. They can use the latest one, or you can try again later.",
        max = super::password_reset::MAX_EMAILS_PER_ACCOUNT_PER_HOUR
    )]
    TooManyResets,
    #[error(
        "You can't reset your own two-factor sign-in here. Remove or replace your authenticator app on your profile page."
    )]
    ResetOwnTwoFactor,
    #[error("This person has no two-factor sign-in to reset.")]
    NoFactorToReset,
    #[error(
        "This person's account also belongs to another organisation, so only your Roster operator can reset its two-factor sign-in (with `roster account reset-two-factor` and their email)."
    )]
    FactorResetSharedAccount,
    /// An owner requiring, with no grace, two-factor sign-in of people
    /// like themselves would be shut out at once without one.
    #[error(
        "With no grace period this would shut you out at once: set up two-factor sign-in for yourself first (on your profile page), or give a grace period."
    )]
    OwnFactorFirst,

    // Roles (see `domain::role`).
    #[error("The Owner role can't be changed or deleted.")]
    OwnerRoleFixed,
    /// Editing or deleting a role that holds more than the actor does.
    #[error("You can't change the {role} role: it has permissions you don't have.")]
    RoleHoldsMore { role: String },
    /// A role given permissions the actor does not hold.
    #[error("You can only give a role permissions you have yourself.")]
    PermissionsBeyondYours,
    #[error(
        "Someone else changed this role since you opened it. Reload to see their change, then make yours again."
    )]
    RoleChangedElsewhere,
    #[error("Another role is already called that. Choose another name.")]
    RoleNameTaken,
    #[error(
        "Your organisation has {max} custom roles, the most it can have. Delete one you no longer use first.",
        max = super::role::MAX_CUSTOM_ROLES
    )]
    TooManyRoles,

    // Product permissions (see `domain::product_permission`).
    #[error("Your organisation already has a permission with this key, now or in the past. Keys are never reused: choose another.")]
    PermissionKeyTaken,
    #[error("Another permission is already called that. Choose another name.")]
    PermissionNameTaken,
    #[error(
        "Your organisation has {max} product permissions, the most it can have. Retire one you no longer use first.",
        max = super::product_permission::MAX_PRODUCT_PERMISSIONS
    )]
    TooManyPermissions,
    /// Changing or retiring a product permission the actor does not hold.
    #[error("You can't change the {name} permission: you don't hold it yourself.")]
    PermissionNotHeld { name: String },
    #[error(
        "Someone else changed this permission since you opened it. Reload to see their change, then make yours again."
    )]
    PermissionChangedElsewhere,

    // Departments (see `domain::department`).
    #[error("Another department is already called that. Choose another name.")]
    DepartmentNameTaken,
    #[error(
        "Your organisation has {max} departments, the most it can have. Rename one you no longer use instead.",
        max = super::department::MAX_DEPARTMENTS
    )]
    TooManyDepartments,

    // Groups (see `domain::group`).
    #[error("Another group is already called that. Choose another name.")]
    GroupNameTaken,
    #[error(
        "Your organisation has {max} groups, the most it can have. Delete one you no longer use first.",
        max = super::group::MAX_GROUPS
    )]
    TooManyGroups,
    #[error(
        "Someone else changed this group since you opened it. Reload to see their change, then make yours again."
    )]
    GroupChangedElsewhere,
    /// Changing a group, or its people, when it grants something the
    /// actor does not hold.
    #[error("You can't change the {group} group: it grants permissions you don't have.")]
    GroupGrantsMore { group: String },
    /// Inviting someone into a group that grants something the inviter
    /// does not hold.
    #[error("You can't put people in the {group} group: it grants permissions you don't have.")]
    GroupNotGrantable { group: String },

    // Sites.
    #[error("Another site is already called that. Choose another name.")]
    SiteNameTaken,
    #[error(
        "Your organisation has {max} sites, the most it can have. Archived sites count too.",
        max = super::site::MAX_SITES
    )]
    TooManySites,
    /// Adding someone to an archived site.
    #[error("{site} is archived. Restore it on the sites page first, or choose another site.")]
    SiteArchived { site: String },
    /// A site role that is the Owner role.
    #[error("Owner is the organisation's own role and can't be a site role. Choose another.")]
    OwnerAsSiteRole,
    /// A change that would leave a site nobody manages members at.
    #[error(
        "This would leave {site} with nobody who manages its people. Give someone else a site role there that manages members first, then try again. To stop someone at once, ask an admin who manages people across the organisation: they can disable anyone."
    )]
    LastSiteManager { site: String },
    /// A site manager choosing a site they do not manage.
    #[error("You manage people at your own sites only. Choose one of them.")]
    SiteNotYours,
    /// A site manager disabling, deleting or resetting someone who is
    /// also elsewhere.
    #[error(
        "This person also belongs to a site you don't manage, or holds permissions across the organisation. You can take them off your sites instead, or ask someone who manages members across the organisation."
    )]
    BeyondYourSites,
    /// A site manager changing someone's place across the organisation.
    #[error(
        "Only someone who manages members across the organisation can change this. You can change their site roles at your sites."
    )]
    OrganisationWideChange,
    /// A site manager putting an invitee in a group.
    #[error("Only someone who invites across the organisation puts people in groups.")]
    GroupsAcrossOrganisation,
    /// A site manager inviting someone to no site.
    #[error("Choose at least one of your sites: you invite people into the sites you manage.")]
    InviteIntoYourSites,

    // Invitations, from the inviter's side.
    #[error("This invitation was revoked. Send a new invitation instead.")]
    InvitationRevoked,
    #[error("This invitation was already accepted.")]
    InvitationAccepted,

    // Invitation links, from the invitee's side.
    #[error("This invitation has expired. Ask the person who invited you for a new one.")]
    InvitationLinkExpired,
    /// Revoked, replaced by a newer link, or never issued: the holder is
    /// told the same for each.
    #[error(
        "This invitation link is no longer valid. Ask the person who invited you for a new one."
    )]
    InvitationLinkInvalid,
    #[error("This invitation was already accepted. Sign in to continue.")]
    InvitationLinkUsed,
    /// The inviter was disabled, removed, or no longer holds what the
    /// invitation grants (see `domain::invitation::inviter_entitled`).
    #[error(
        "This invitation can no longer be used: the person who sent it can no longer give this access. Ask someone at the organisation for a new invitation."
    )]
    InviterNoLongerEntitled,
    /// An invitation into the Owner role, opened through its copyable
    /// link: owning asks proof of the mailbox, which only the emailed link
    /// gives.
    #[error("An invitation to own an organisation works only from the link in its email. Open that email and use its link.")]
    OwnerInvitationNeedsEmailedLink,
    /// A copied link to an invitation that came to grant something
    /// sensitive after the link was issued, unvouched for.
    #[error("This link no longer works: the invitation now gives more access. Use the link in its email, or ask for a new link.")]
    CopiedLinkOutgrown,
    /// Making Owner someone whose address nobody proved.
    #[error("Only someone whose email is verified can be an owner. Ask them to follow the verification link Roster emailed them first.")]
    OwnerNeedsVerifiedEmail,
    /// The email got an account (in another organisation): the invitee
    /// accepts by signing in instead. Only said when they try to make a
    /// second one; the invitation page offers both ways to everyone.
    #[error("This email already has a Roster account. Choose \"I already have a Roster account\" and enter its password to accept.")]
    AccountExists,
    #[error("You are already a member of this organisation. Sign in to continue.")]
    AlreadyMember,

    // Email verification links.
    #[error("{}", VERIFICATION_LINK_EXPIRED)]
    VerificationLinkExpired,
    #[error("This address is already verified.")]
    VerificationLinkUsed,
    #[error("{}", VERIFICATION_LINK_INVALID)]
    VerificationLinkInvalid,
    /// Signed in as another account than the one the link was sent for.
    #[error("This link verifies another account's address. Sign out, then sign in with the address the email was sent to.")]
    VerificationForAnotherAccount,

    // Password reset links.
    #[error("This link has expired. Ask for a new one: links work for an hour.")]
    ResetLinkExpired,
    #[error("This link was already used. Sign in with your new password, or ask for a new link.")]
    ResetLinkUsed,
    /// Superseded by a newer link, or never issued.
    #[error(
        "This link is no longer valid: a newer one may have been sent. Check your email, or ask for a new link."
    )]
    ResetLinkInvalid,
}

impl Refusal {
    /// The form field the message belongs beside, when it is about one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::RoleNotGrantable { .. } => Some("role"),
            Self::AccountExists => Some("password"),
            Self::OwnFactorFirst => Some("two_factor_policy"),
            Self::PermissionsBeyondYours => Some("permissions"),
            Self::GroupNotGrantable { .. } | Self::GroupsAcrossOrganisation => Some("groups"),
            Self::RoleNameTaken
            | Self::TooManyRoles
            | Self::PermissionNameTaken
            | Self::DepartmentNameTaken
            | Self::TooManyDepartments
            | Self::GroupNameTaken
            | Self::TooManyGroups
            | Self::SiteNameTaken
            | Self::TooManySites => Some("name"),
            Self::SiteArchived { .. } | Self::SiteNotYours => Some("site"),
            Self::InviteIntoYourSites => Some("sites"),
            Self::OwnerAsSiteRole | Self::OwnerNeedsVerifiedEmail => Some("role"),
            Self::PermissionKeyTaken | Self::TooManyPermissions => Some("key"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_refusals_name_the_role_when_known() {
        let named = Refusal::RoleNotGrantable {
            role: Some("Owner".into()),
        };
        assert_eq!(
            named.to_string(),
            "You can't grant the Owner role: it has permissions your role doesn't have."
        );
        assert_eq!(named.field(), Some("role"));
        assert!(Refusal::RoleNotGrantable { role: None }
            .to_string()
            .starts_with("You can't grant that role:"));
    }

    #[test]
    fn refusals_cross_the_wire_as_variants() {
        let json = serde_json::to_string(&Refusal::LastOwner).unwrap();
        assert_eq!(json, "\"LastOwner\"");
        let back: Refusal = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Refusal::LastOwner);
    }
}
