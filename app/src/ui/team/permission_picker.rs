//! The invitation dialogs' "Customize permissions" step: what the inviter
//! may grant on top of the role, and a warning, before anything is sent,
//! when the role or the choice holds a sensitive permission.

use crate::ui::roles::permission_choices;
use crate::wire::invitations::InviteOptions;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The names of the sensitive permissions that `role` (an id, as the
/// role picker's value) and `chosen` grant together.
fn sensitive_names(options: &InviteOptions, role: &str, chosen: &BTreeSet<String>) -> Vec<String> {
    let from_role = options
        .role_permissions
        .iter()
        .find(|(id, _)| id.to_string() == role)
        .map(|(_, keys)| keys.as_slice())
        .unwrap_or_default();
    options
        .permissions
        .iter()
        .filter(|p| p.sensitive && (from_role.contains(&p.key) || chosen.contains(&p.key)))
        .map(|p| p.name.clone())
        .collect()
}

/// "Manage members is sensitive…", or nothing.
fn warning(names: &[String]) -> Option<String> {
    let (last, rest) = names.split_last()?;
    let (listed, it) = if rest.is_empty() {
        (format!("{last} is"), "it")
    } else {
        (format!("{} and {last} are", rest.join(", ")), "them")
    };
    Some(format!(
        "{listed} sensitive: with {it} this person can change who has access, or do what your organisation marked as weighty. Send only if they need it."
    ))
}

/// The checkboxes (`permission_choices`) inside a "Customize permissions"
/// step, and the warning. `role` follows the role picker.
#[component]
pub(super) fn ExtraPermissions(
    options: InviteOptions,
    role: RwSignal<String>,
    chosen: RwSignal<BTreeSet<String>>,
    /// Element ids differ between the dialogs.
    id: &'static str,
) -> impl IntoView {
    let open = !chosen.get_untracked().is_empty();
    let boxes = permission_choices(options.permissions.clone(), chosen, id);
    let options = StoredValue::new(options);
    let warning = move || {
        let names =
            options.with_value(|o| role.with(|r| chosen.with(|c| sensitive_names(o, r, c))));
        warning(&names)
    };
    let note_id = format!("{id}-sensitive");
    view! {
        <details class="customize" open=open>
            <summary>"Customize permissions"</summary>
            <fieldset class="choices">
                <legend>"On top of the role"</legend>
                {boxes}
            </fieldset>
        </details>
        <p id=note_id class="callout" role="note" hidden=move || warning().is_none()>{warning}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RoleId;
    use crate::wire::roles::PermissionView;
    use uuid::Uuid;

    fn permission(key: &str, name: &str, sensitive: bool) -> PermissionView {
        PermissionView {
            key: key.into(),
            name: name.into(),
            description: String::new(),
            sensitive,
            product: false,
        }
    }

    #[test]
    fn the_warning_names_what_the_role_and_the_choice_make_sensitive() {
        let admin = RoleId(Uuid::from_u128(1));
        let options = InviteOptions {
            roles: vec![],
            role_permissions: vec![(admin, vec!["members.manage".into()])],
            permissions: vec![
                permission("team.view", "See the team", false),
                permission("members.manage", "Manage members", true),
                permission("orders.approve", "Approve orders", true),
            ],
            departments: vec![],
            default_expiry_hours: 48,
        };
        let none = BTreeSet::new();
        assert!(sensitive_names(&options, "", &none).is_empty());
        let chosen: BTreeSet<String> = ["team.view".to_string()].into();
        assert!(sensitive_names(&options, "", &chosen).is_empty());
        assert_eq!(
            sensitive_names(&options, &admin.to_string(), &none),
            ["Manage members"]
        );
        let chosen: BTreeSet<String> = ["orders.approve".to_string()].into();
        let names = sensitive_names(&options, &admin.to_string(), &chosen);
        assert_eq!(
            warning(&names).as_deref(),
            Some("Manage members and Approve orders are sensitive: with them this person can change who has access, or do what your organisation marked as weighty. Send only if they need it.")
        );
        assert_eq!(warning(&[]), None);
    }
}
