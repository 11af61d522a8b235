//! How audit events read: the known actions with their labels and groups,
//! and an event's before and after values as readable lines.
//!
//! The server writes actions by key (`server::db::audit::AuditAction`); a
//! unit test there checks that every key it writes has a label here.

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

/// One kind of event: its stored key, what people read, and its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    pub key: &'static str,
    pub label: &'static str,
    pub group: ActionGroup,
}

const fn action(key: &'static str, label: &'static str, group: ActionGroup) -> ActionInfo {
    ActionInfo { key, label, group }
}

/// Every action the application records, in the picker's order.
pub const ACTIONS: &[ActionInfo] = &[
    action("sign_in", "Signed in", ActionGroup::SignIn),
    action("sign_in.failed", "Sign-in failed", ActionGroup::SignIn),
    action(
        "sign_in.refused",
        "Sign-in refused (access disabled)",
        ActionGroup::SignIn,
    ),
    action("sign_out", "Signed out", ActionGroup::SignIn),
    action(
        "invitation.created",
        "Invitation sent",
        ActionGroup::Invitations,
    ),
    action(
        "invitation.resent",
        "Invitation resent",
        ActionGroup::Invitations,
    ),
    action(
        "invitation.link_rotated",
        "Invitation link replaced",
        ActionGroup::Invitations,
    ),
    action(
        "invitation.updated",
        "Invitation changed",
        ActionGroup::Invitations,
    ),
    action(
        "invitation.revoked",
        "Invitation revoked",
        ActionGroup::Invitations,
    ),
    action(
        "invitation.accepted",
        "Invitation accepted",
        ActionGroup::Invitations,
    ),
    action("account.created", "Account created", ActionGroup::Members),
    action("membership.created", "Member joined", ActionGroup::Members),
    action("member.disabled", "Member disabled", ActionGroup::Members),
    action("member.enabled", "Member enabled", ActionGroup::Members),
    action("member.deleted", "Member deleted", ActionGroup::Members),
    action("member.role_changed", "Role changed", ActionGroup::Members),
    action(
        "member.department_changed",
        "Department changed",
        ActionGroup::Members,
    ),
    action(
        "password_reset.sent",
        "Password reset sent",
        ActionGroup::PasswordResets,
    ),
    action(
        "password_reset.requested",
        "Password reset requested",
        ActionGroup::PasswordResets,
    ),
    action(
        "password_reset.completed",
        "Password reset completed",
        ActionGroup::PasswordResets,
    ),
    action("profile.updated", "Profile changed", ActionGroup::Profiles),
    action("avatar.updated", "Picture changed", ActionGroup::Profiles),
    action("avatar.removed", "Picture removed", ActionGroup::Profiles),
    action(
        "password.changed",
        "Password changed",
        ActionGroup::Profiles,
    ),
    action(
        "organisation.created",
        "Organisation created",
        ActionGroup::Organisation,
    ),
    action(
        "organisation.updated",
        "Settings changed",
        ActionGroup::Organisation,
    ),
    action("team.exported", "Team exported", ActionGroup::Exports),
    action("audit.exported", "Audit log exported", ActionGroup::Exports),
];

/// The known action with this key.
pub fn find_action(key: &str) -> Option<&'static ActionInfo> {
    ACTIONS.iter().find(|a| a.key == key)
}

/// What people read for an action key; an unknown key (written by a newer
/// version) reads as itself.
pub fn action_label(key: &str) -> &str {
    find_action(key).map_or(key, |a| a.label)
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
    fn every_action_has_one_entry_and_a_label() {
        let mut keys: Vec<&str> = ACTIONS.iter().map(|a| a.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ACTIONS.len(), "no key twice");
        assert!(ACTIONS.iter().all(|a| !a.label.is_empty()));
        for group in ActionGroup::ALL {
            assert!(
                ACTIONS.iter().any(|a| a.group == group),
                "{group:?} is used"
            );
        }
        assert_eq!(action_label("member.disabled"), "Member disabled");
        assert_eq!(action_label("something.new"), "something.new");
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
