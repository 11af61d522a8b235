//! The audit actions and how audit events read: every action the
//! application records, each with its stored key, its label, its group in
//! the action picker and its phrase on a member's page, all written once in
//! the table below; and an event's before and after values as readable
//! lines.

use super::invitation::ExpiryHours;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// What the action picker groups actions under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionGroup {
    SignIn,
    Invitations,
    Members,
    PasswordResets,
    Profiles,
    Organisation,
    Exports,
}

impl ActionGroup {
    pub const ALL: [ActionGroup; 7] = [
        Self::SignIn,
        Self::Invitations,
        Self::Members,
        Self::PasswordResets,
        Self::Profiles,
        Self::Organisation,
        Self::Exports,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "Sign-in",
            Self::Invitations => "Invitations",
            Self::Members => "Members",
            Self::PasswordResets => "Password resets",
            Self::Profiles => "Profiles",
            Self::Organisation => "Organisation",
            Self::Exports => "Exports",
        }
    }
}

/// How an action reads in a member's recent activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberPhrase {
    /// Reads alone: "Signed in".
    Alone(&'static str),
    /// Reads before the name of what it was done to, when the event kept
    /// one: "Disabled Mia Member".
    BeforeTarget(&'static str),
}

impl MemberPhrase {
    pub fn text(self) -> &'static str {
        match self {
            Self::Alone(text) | Self::BeforeTarget(text) => text,
        }
    }

    /// The line for an event that names `target` (if it named anything).
    pub fn read(self, target: Option<&str>) -> String {
        match (self, target) {
            (Self::BeforeTarget(text), Some(target)) => format!("{text} {target}"),
            _ => self.text().to_string(),
        }
    }
}

/// Everything known about one action; one row of the table below.
struct ActionFacts {
    key: &'static str,
    label: &'static str,
    group: ActionGroup,
    member_phrase: MemberPhrase,
}

/// Declares [`AuditAction`] from one table, so that an action cannot
/// exist without all of its facts and nothing lists the actions twice.
macro_rules! audit_actions {
    ($(
        $variant:ident {
            key: $key:literal,
            label: $label:literal,
            group: $group:ident,
            member_page: $phrase:ident($text:literal) $(,)?
        }
    )*) => {
        /// What happened. The key is what the audit log stores and filters
        /// on: never change one, since stored events keep it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            /// Every action, in the action picker's order.
            pub const ALL: &'static [AuditAction] = &[$(Self::$variant,)*];

            const fn facts(self) -> ActionFacts {
                match self {
                    $(Self::$variant => ActionFacts {
                        key: $key,
                        label: $label,
                        group: ActionGroup::$group,
                        member_phrase: MemberPhrase::$phrase($text),
                    },)*
                }
            }
        }
    };
}

audit_actions! {
    SignIn {
        key: "sign_in",
        label: "Signed in",
        group: SignIn,
        member_page: Alone("Signed in"),
    }
    SignInFailed {
        key: "sign_in.failed",
        label: "Sign-in failed",
        group: SignIn,
        member_page: Alone("Failed sign-in"),
    }
    SignInRefused {
        key: "sign_in.refused",
        label: "Sign-in refused (access disabled)",
        group: SignIn,
        member_page: Alone("Sign-in refused (access disabled)"),
    }
    SignOut {
        key: "sign_out",
        label: "Signed out",
        group: SignIn,
        member_page: Alone("Signed out"),
    }
    InvitationCreated {
        key: "invitation.created",
        label: "Invitation sent",
        group: Invitations,
        member_page: BeforeTarget("Invited"),
    }
    InvitationResent {
        key: "invitation.resent",
        label: "Invitation resent",
        group: Invitations,
        member_page: BeforeTarget("Resent an invitation to"),
    }
    InvitationLinkRotated {
        key: "invitation.link_rotated",
        label: "Invitation link replaced",
        group: Invitations,
        member_page: BeforeTarget("Created a new invitation link for"),
    }
    InvitationUpdated {
        key: "invitation.updated",
        label: "Invitation changed",
        group: Invitations,
        member_page: BeforeTarget("Changed the invitation of"),
    }
    InvitationRevoked {
        key: "invitation.revoked",
        label: "Invitation revoked",
        group: Invitations,
        member_page: BeforeTarget("Revoked the invitation of"),
    }
    // The target is the invitation, named by its email.
    InvitationAccepted {
        key: "invitation.accepted",
        label: "Invitation accepted",
        group: Invitations,
        member_page: BeforeTarget("Accepted the invitation"),
    }
    AccountCreated {
        key: "account.created",
        label: "Account created",
        group: Members,
        member_page: Alone("Created their account"),
    }
    EmailVerified {
        key: "account.email_verified",
        label: "Email verified",
        group: Members,
        member_page: Alone("Verified their email address"),
    }
    MembershipCreated {
        key: "membership.created",
        label: "Member joined",
        group: Members,
        member_page: Alone("Joined the organisation"),
    }
    MemberDisabled {
        key: "member.disabled",
        label: "Member disabled",
        group: Members,
        member_page: BeforeTarget("Disabled"),
    }
    MemberEnabled {
        key: "member.enabled",
        label: "Member enabled",
        group: Members,
        member_page: BeforeTarget("Enabled"),
    }
    MemberDeleted {
        key: "member.deleted",
        label: "Member deleted",
        group: Members,
        member_page: BeforeTarget("Deleted"),
    }
    MemberRoleChanged {
        key: "member.role_changed",
        label: "Role changed",
        group: Members,
        member_page: BeforeTarget("Changed the role of"),
    }
    MemberPositionChanged {
        key: "member.position_changed",
        label: "Position changed",
        group: Members,
        member_page: BeforeTarget("Changed the position of"),
    }
    MemberPermissionGranted {
        key: "member.permission_granted",
        label: "Permission granted",
        group: Members,
        member_page: BeforeTarget("Granted a permission to"),
    }
    MemberPermissionRevoked {
        key: "member.permission_revoked",
        label: "Permission taken away",
        group: Members,
        member_page: BeforeTarget("Took a permission from"),
    }
    MemberDepartmentChanged {
        key: "member.department_changed",
        label: "Department changed",
        group: Members,
        member_page: BeforeTarget("Changed the department of"),
    }
    PasswordResetSent {
        key: "password_reset.sent",
        label: "Password reset sent",
        group: PasswordResets,
        member_page: BeforeTarget("Sent a password reset to"),
    }
    PasswordResetRequested {
        key: "password_reset.requested",
        label: "Password reset requested",
        group: PasswordResets,
        member_page: Alone("Asked for a password reset"),
    }
    PasswordResetCompleted {
        key: "password_reset.completed",
        label: "Password reset completed",
        group: PasswordResets,
        member_page: Alone("Chose a new password with a reset link"),
    }
    ProfileUpdated {
        key: "profile.updated",
        label: "Profile changed",
        group: Profiles,
        member_page: Alone("Profile changed"),
    }
    AvatarUpdated {
        key: "avatar.updated",
        label: "Picture changed",
        group: Profiles,
        member_page: Alone("Picture changed"),
    }
    AvatarRemoved {
        key: "avatar.removed",
        label: "Picture removed",
        group: Profiles,
        member_page: Alone("Picture removed"),
    }
    PasswordChanged {
        key: "password.changed",
        label: "Password changed",
        group: Profiles,
        member_page: Alone("Password changed"),
    }
    TwoFactorAdded {
        key: "two_factor.added",
        label: "Authenticator app added",
        group: Profiles,
        member_page: Alone("Authenticator app added"),
    }
    TwoFactorRemoved {
        key: "two_factor.removed",
        label: "Authenticator app removed",
        group: Profiles,
        member_page: Alone("Authenticator app removed"),
    }
    RecoveryCodesRegenerated {
        key: "two_factor.recovery_codes_regenerated",
        label: "New recovery codes made",
        group: Profiles,
        member_page: Alone("New recovery codes made"),
    }
    TwoFactorReset {
        key: "two_factor.reset",
        label: "Two-factor sign-in reset",
        group: Profiles,
        member_page: Alone("Two-factor sign-in reset"),
    }
    RecoveryCodeUsed {
        key: "two_factor.recovery_code_used",
        label: "Recovery code used to sign in",
        group: SignIn,
        member_page: Alone("Signed in with a recovery code"),
    }
    OrganisationCreated {
        key: "organisation.created",
        label: "Organisation created",
        group: Organisation,
        member_page: Alone("Organisation created"),
    }
    OrganisationUpdated {
        key: "organisation.updated",
        label: "Settings changed",
        group: Organisation,
        member_page: Alone("Changed the organisation's settings"),
    }
    TwoFactorPolicyChanged {
        key: "organisation.two_factor_policy_changed",
        label: "Two-factor policy changed",
        group: Organisation,
        member_page: Alone("Changed the two-factor policy"),
    }
    RoleCreated {
        key: "role.created",
        label: "Role created",
        group: Organisation,
        member_page: BeforeTarget("Created the role"),
    }
    RoleUpdated {
        key: "role.updated",
        label: "Role changed",
        group: Organisation,
        member_page: BeforeTarget("Changed the role"),
    }
    RoleDeleted {
        key: "role.deleted",
        label: "Role deleted",
        group: Organisation,
        member_page: BeforeTarget("Deleted the role"),
    }
    PermissionCreated {
        key: "permission.created",
        label: "Permission created",
        group: Organisation,
        member_page: BeforeTarget("Created the permission"),
    }
    PermissionUpdated {
        key: "permission.updated",
        label: "Permission changed",
        group: Organisation,
        member_page: BeforeTarget("Changed the permission"),
    }
    PermissionRetired {
        key: "permission.retired",
        label: "Permission retired",
        group: Organisation,
        member_page: BeforeTarget("Retired the permission"),
    }
    DepartmentCreated {
        key: "department.created",
        label: "Department created",
        group: Organisation,
        member_page: BeforeTarget("Created the department"),
    }
    DepartmentRenamed {
        key: "department.renamed",
        label: "Department renamed",
        group: Organisation,
        member_page: BeforeTarget("Renamed the department"),
    }
    DepartmentArchived {
        key: "department.archived",
        label: "Department archived",
        group: Organisation,
        member_page: BeforeTarget("Archived the department"),
    }
    DepartmentRestored {
        key: "department.restored",
        label: "Department restored",
        group: Organisation,
        member_page: BeforeTarget("Restored the department"),
    }
    GroupCreated {
        key: "group.created",
        label: "Group created",
        group: Organisation,
        member_page: BeforeTarget("Created the group"),
    }
    GroupUpdated {
        key: "group.updated",
        label: "Group changed",
        group: Organisation,
        member_page: BeforeTarget("Changed the group"),
    }
    GroupDeleted {
        key: "group.deleted",
        label: "Group deleted",
        group: Organisation,
        member_page: BeforeTarget("Deleted the group"),
    }
    MemberAddedToGroup {
        key: "member.group_added",
        label: "Added to a group",
        group: Members,
        member_page: BeforeTarget("Added to a group:"),
    }
    MemberRemovedFromGroup {
        key: "member.group_removed",
        label: "Removed from a group",
        group: Members,
        member_page: BeforeTarget("Removed from a group:"),
    }
    SiteCreated {
        key: "site.created",
        label: "Site created",
        group: Organisation,
        member_page: BeforeTarget("Created the site"),
    }
    SiteUpdated {
        key: "site.updated",
        label: "Site changed",
        group: Organisation,
        member_page: BeforeTarget("Changed the site"),
    }
    SiteArchived {
        key: "site.archived",
        label: "Site archived",
        group: Organisation,
        member_page: BeforeTarget("Archived the site"),
    }
    SiteRestored {
        key: "site.restored",
        label: "Site restored",
        group: Organisation,
        member_page: BeforeTarget("Restored the site"),
    }
    MemberSiteAdded {
        key: "member.site_added",
        label: "Added to a site",
        group: Members,
        member_page: BeforeTarget("Added to a site:"),
    }
    MemberSiteRoleChanged {
        key: "member.site_role_changed",
        label: "Site role changed",
        group: Members,
        member_page: BeforeTarget("Site role changed:"),
    }
    MemberSiteRemoved {
        key: "member.site_removed",
        label: "Removed from a site",
        group: Members,
        member_page: BeforeTarget("Removed from a site:"),
    }
    TeamExported {
        key: "team.exported",
        label: "Team exported",
        group: Exports,
        member_page: Alone("Team exported"),
    }
    AuditExported {
        key: "audit.exported",
        label: "Audit log exported",
        group: Exports,
        member_page: Alone("Audit log exported"),
    }
}

impl AuditAction {
    /// The stored form.
    pub const fn key(self) -> &'static str {
        self.facts().key
    }

    /// What people read, in the log and the action picker.
    pub const fn label(self) -> &'static str {
        self.facts().label
    }

    pub const fn group(self) -> ActionGroup {
        self.facts().group
    }

    /// How the action reads on the page of a member it concerns.
    pub const fn member_phrase(self) -> MemberPhrase {
        self.facts().member_phrase
    }

    /// The action stored as `key`; `None` for a key this version does not
    /// know (one written by a newer version, or typed into a URL).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.key() == key)
    }
}

/// What people read for an action key; an unknown key (written by a newer
/// version) reads as itself.
pub fn action_label(key: &str) -> &str {
    AuditAction::from_key(key).map_or(key, |a| a.label())
}

/// The order details are listed in; other keys follow alphabetically.
const KEY_ORDER: [&str; 16] = [
    "role",
    "department",
    "status",
    "name",
    "email",
    "time_zone",
    "invitation_expiry_hours",
    "primary_contact",
    "expires_at",
    "sent_by_admin",
    "sessions_ended",
    "account_deleted",
    "invitations_revoked",
    "view",
    "rows",
    "position",
];

fn key_label(key: &str) -> String {
    let known = match key {
        "role" => "Role",
        "department" => "Department",
        "status" => "Status",
        "name" => "Name",
        "email" => "Email",
        "time_zone" => "Time zone",
        "invitation_expiry_hours" => "Invitations last",
        "primary_contact" => "Primary contact",
        "expires_at" => "Link expires",
        "sent_by_admin" => "Sent by an admin",
        "sessions_ended" => "Sessions ended",
        "account_deleted" => "Account deleted",
        "invitations_revoked" => "Invitations revoked",
        "view" => "Filters",
        "rows" => "Rows",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn format_value(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "none".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(n) if key == "invitation_expiry_hours" => n
            .as_i64()
            .and_then(|h| i32::try_from(h).ok())
            .and_then(|h| ExpiryHours::new(h).ok())
            .map_or_else(|| format!("{n} hours"), ExpiryHours::describe),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "none".to_string(),
        Value::String(s) if key == "status" => {
            let mut chars = s.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        Value::String(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(at) => at
                .with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

/// An event's `before` and `after` as lines a person reads: "Role: Member
/// → Admin" for a change, "Role: Admin" for a value only one side has.
/// Values that stayed the same are left out, and so are ids (they mean
/// nothing to a reader) unless an id is all that says something changed.
pub fn describe_change(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let as_map = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => map.clone(),
        _ => empty.clone(),
    };
    let (before, after) = (as_map(before), as_map(after));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort_by_key(|k| {
        (
            KEY_ORDER
                .iter()
                .position(|o| o == k)
                .unwrap_or(KEY_ORDER.len()),
            k.to_string(),
        )
    });
    keys.dedup();
    let mut lines = Vec::new();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        if let Some(named) = key.strip_suffix("_id") {
            // An id with a readable companion ("primary_contact") says
            // nothing more; alone, it can only say that it changed.
            let has_name = before.contains_key(named) || after.contains_key(named);
            if !has_name && b.is_some() && a.is_some() && b != a {
                lines.push(format!("{} changed", key_label(named)));
            }
            continue;
        }
        match (b, a) {
            (Some(b), Some(a)) if b == a => {}
            (Some(b), Some(a)) => lines.push(format!(
                "{}: {} → {}",
                key_label(key),
                format_value(key, b),
                format_value(key, a)
            )),
            (Some(v), None) | (None, Some(v)) => {
                lines.push(format!("{}: {}", key_label(key), format_value(key, v)))
            }
            (None, None) => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_action_has_a_key_of_its_own_and_reads_somehow() {
        let mut keys: Vec<&str> = AuditAction::ALL.iter().map(|a| a.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), AuditAction::ALL.len(), "no key twice");
        for &action in AuditAction::ALL {
            let key = action.key();
            assert!(
                !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.'),
                "{key} is a plain stored key"
            );
            assert!(!action.label().is_empty(), "{key} has a label");
            assert!(
                !action.member_phrase().text().is_empty(),
                "{key} has a phrase"
            );
            assert_eq!(AuditAction::from_key(key), Some(action));
        }
        for group in ActionGroup::ALL {
            assert!(
                AuditAction::ALL.iter().any(|a| a.group() == group),
                "{group:?} is used"
            );
        }
        assert_eq!(AuditAction::from_key("something.new"), None);
        assert_eq!(action_label("member.disabled"), "Member disabled");
        assert_eq!(action_label("something.new"), "something.new");
    }

    #[test]
    fn member_phrases_name_the_target_only_when_they_take_one() {
        let disabled = AuditAction::MemberDisabled.member_phrase();
        assert_eq!(disabled.read(Some("Mia Member")), "Disabled Mia Member");
        assert_eq!(disabled.read(None), "Disabled");
        let signed_in = AuditAction::SignIn.member_phrase();
        assert_eq!(signed_in.read(Some("Mia Member")), "Signed in");
    }

    #[test]
    fn changes_read_as_before_and_after() {
        assert_eq!(
            describe_change(
                Some(&json!({ "role": "Member" })),
                Some(&json!({ "role": "Admin" }))
            ),
            ["Role: Member → Admin"]
        );
        assert_eq!(
            describe_change(
                Some(&json!({ "department": null })),
                Some(&json!({ "department": "Sales" }))
            ),
            ["Department: none → Sales"]
        );
        assert_eq!(
            describe_change(
                Some(&json!({ "status": "enabled" })),
                Some(&json!({ "status": "disabled" }))
            ),
            ["Status: Enabled → Disabled"]
        );
    }

    #[test]
    fn settings_show_only_what_changed_and_names_over_ids() {
        let before = json!({
            "name": "Acme", "time_zone": "UTC", "invitation_expiry_hours": 48,
            "primary_contact_id": "6f0d3c2e-1b7a-4d5e-9f3a-2b1c0d9e8f7a",
            "primary_contact": "Olive Owner",
        });
        let after = json!({
            "name": "Acme", "time_zone": "Europe/Paris", "invitation_expiry_hours": 1,
            "primary_contact_id": "0b4c6a1e-2d3f-4a5b-8c7d-9e0f1a2b3c4d",
            "primary_contact": "Adam Admin",
        });
        assert_eq!(
            describe_change(Some(&before), Some(&after)),
            [
                "Time zone: UTC → Europe/Paris",
                "Invitations last: 2 days → 1 hour",
                "Primary contact: Olive Owner → Adam Admin",
            ]
        );
        // Older events named the contact by id only.
        let before = json!({ "primary_contact_id": "6f0d3c2e-1b7a-4d5e-9f3a-2b1c0d9e8f7a" });
        let after = json!({ "primary_contact_id": null });
        assert_eq!(
            describe_change(Some(&before), Some(&after)),
            ["Primary contact changed"]
        );
    }

    #[test]
    fn one_sided_values_times_and_flags_read_plainly() {
        assert_eq!(
            describe_change(
                None,
                Some(&json!({
                    "role": "Admin", "department_id": null, "department": "Sales",
                    "expires_at": "2026-11-25T10:00:00.123456Z",
                }))
            ),
            [
                "Role: Admin",
                "Department: Sales",
                "Link expires: 2026-11-25 10:00 UTC"
            ]
        );
        assert_eq!(
            describe_change(
                Some(&json!({ "email": "mia@example.com", "status": "enabled" })),
                Some(&json!({ "account_deleted": true, "invitations_revoked": 0 }))
            ),
            [
                "Status: Enabled",
                "Email: mia@example.com",
                "Account deleted: yes",
                "Invitations revoked: 0"
            ]
        );
        assert_eq!(
            describe_change(None, Some(&json!({ "view": "", "rows": 3 }))),
            ["Filters: none", "Rows: 3"]
        );
        assert!(describe_change(None, None).is_empty());
        assert_eq!(
            describe_change(None, Some(&json!({ "some_new_fact": [1, 2] }))),
            ["Some new fact: [1,2]"]
        );
    }
}
