//! The invitation dialogs' "Customize permissions" step (what the inviter
//! may grant on top of the role), their groups, and a warning, before
//! anything is sent, when the role, the choice or a group holds a
//! sensitive permission.

use crate::ui::roles::permission_choices;
use crate::wire::invitations::InviteOptions;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The names of the sensitive permissions that `role` (an id, as the
/// role picker's value), `chosen` and the `groups` chosen (ids) grant
/// together.
fn sensitive_names(
    options: &InviteOptions,
    role: &str,
    chosen: &BTreeSet<String>,
    groups: &BTreeSet<String>,
    sites: &BTreeSet<String>,
) -> Vec<String> {
    let role_keys = |role: &str| {
        options
            .role_permissions
            .iter()
            .find(|(id, _)| id.to_string() == role)
            .map(|(_, keys)| keys.as_slice())
            .unwrap_or_default()
    };
    let from_role = role_keys(role);
    // Each site's role: "{site}:{role}".
    let site_roles: Vec<&[String]> = sites
        .iter()
        .filter_map(|choice| choice.split_once(':'))
        .map(|(_, role)| role_keys(role))
        .collect();
    let from_groups = || {
        options
            .groups
            .iter()
            .filter(|g| groups.contains(&g.id.to_string()))
            .flat_map(|g| g.grants.iter())
    };
    options
        .permissions
        .iter()
        .filter(|p| {
            p.sensitive
                && (from_role.contains(&p.key)
                    || chosen.contains(&p.key)
                    || from_groups().any(|k| *k == p.key)
                    || site_roles.iter().any(|keys| keys.contains(&p.key)))
        })
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

/// A checkbox per group the inviter may offer, named `groups[i]` so that
/// a plain form post carries the ticked ones, adding to or taking from
/// `chosen` (ids). `id` prefixes the inputs' ids.
fn group_choices(
    options: &InviteOptions,
    chosen: RwSignal<BTreeSet<String>>,
    id: &'static str,
) -> impl IntoView {
    options
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let value = g.id.to_string();
            let key = value.clone();
            let checked = move || chosen.with(|c| c.contains(&key));
            let key = value.clone();
            let input_id = format!("{id}-group-{i}");
            view! {
                <div class="choice">
                    <input type="checkbox" id=input_id.clone() name=format!("groups[{i}]") value=value
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                if on { c.insert(key.clone()); } else { c.remove(&key); }
                            });
                        } />
                    <label for=input_id>{g.name.clone()}</label>
                </div>
            }
        })
        .collect_view()
}

/// A site role picker per site the inviter may offer, named `sites[i]`
/// with values "{site id}:{role id}" ("" for not at this site), so that a
/// plain form post carries them; `chosen` holds the non-empty ones.
fn site_choices(
    options: &InviteOptions,
    chosen: RwSignal<BTreeSet<String>>,
    id: &'static str,
) -> impl IntoView {
    let roles = options.site_roles.clone();
    options
        .sites
        .iter()
        .enumerate()
        .map(|(i, site)| {
            let prefix = format!("{}:", site.id);
            let current = {
                let prefix = prefix.clone();
                move || {
                    chosen.with(|c| {
                        c.iter()
                            .find(|v| v.starts_with(&prefix))
                            .cloned()
                            .unwrap_or_default()
                    })
                }
            };
            let options = roles
                .iter()
                .map(|r| {
                    let value = format!("{prefix}{}", r.id);
                    view! { <option value=value>{r.name.clone()}</option> }
                })
                .collect_view();
            let select_id = format!("{id}-site-{i}");
            view! {
                <div class="field">
                    <label for=select_id.clone()>{format!("Site role at {}", site.name)}</label>
                    <select id=select_id name=format!("sites[{i}]") prop:value=current
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            chosen.update(|c| {
                                c.retain(|v| !v.starts_with(&prefix));
                                if !value.is_empty() { c.insert(value); }
                            });
                        }>
                        <option value="">"Not at this site"</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view()
}

/// The checkboxes (`permission_choices`) inside a "Customize permissions"
/// step, the groups and sites (when the inviter may offer any), and the
/// warning. `role` follows the role picker.
#[component]
pub(super) fn ExtraPermissions(
    options: InviteOptions,
    role: RwSignal<String>,
    chosen: RwSignal<BTreeSet<String>>,
    /// The groups chosen, by id.
    groups: RwSignal<BTreeSet<String>>,
    /// Element ids differ between the dialogs.
    id: &'static str,
    /// The message beside the groups, if they were refused.
    groups_error: Signal<Option<String>>,
    /// The sites chosen, each "{site id}:{role id}".
    sites: RwSignal<BTreeSet<String>>,
    /// The message beside the sites, if they were refused.
    sites_error: Signal<Option<String>>,
) -> impl IntoView {
    let open = !chosen.get_untracked().is_empty();
    // Nothing to offer on top (a site manager holds nothing across the
    // organisation): no step to open.
    let customize = (!options.permissions.is_empty()).then(|| {
        let boxes = permission_choices(options.permissions.clone(), chosen, id);
        view! {
            <details class="customize" open=open>
                <summary>"Customize permissions"</summary>
                <fieldset class="choices">
                    <legend>"On top of the role"</legend>
                    {boxes}
                </fieldset>
            </details>
        }
    });
    let group_boxes = (!options.groups.is_empty()).then(|| {
        let error_id = format!("{id}-groups-error");
        let described_by = error_id.clone();
        view! {
            <fieldset class="choices" aria-describedby=described_by
                aria-invalid=move || groups_error.get().is_some().to_string()>
                <legend>"Groups"</legend>
                {group_choices(&options, groups, id)}
                <p id=error_id class="field-error">{move || groups_error.get()}</p>
            </fieldset>
        }
    });
    let site_boxes = (!options.sites.is_empty() && !options.site_roles.is_empty()).then(|| {
        let error_id = format!("{id}-sites-error");
        let described_by = error_id.clone();
        view! {
            <fieldset class="choices" aria-describedby=described_by
                aria-invalid=move || sites_error.get().is_some().to_string()>
                <legend>"Sites"</legend>
                {site_choices(&options, sites, id)}
                <p id=error_id class="field-error">{move || sites_error.get()}</p>
            </fieldset>
        }
    });
    let options = StoredValue::new(options);
    let warning = move || {
        let names = options.with_value(|o| {
            role.with(|r| {
                chosen.with(|c| groups.with(|g| sites.with(|s| sensitive_names(o, r, c, g, s))))
            })
        });
        warning(&names)
    };
    let note_id = format!("{id}-sensitive");
    view! {
        {customize}
        {group_boxes}
        {site_boxes}
        <p id=note_id class="callout" role="note" hidden=move || warning().is_none()>{warning}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GroupId, RoleId};
    use crate::wire::invitations::GroupOffer;
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
        let night = GroupId(Uuid::from_u128(2));
        let options = InviteOptions {
            roles: vec![],
            role_permissions: vec![(admin, vec!["members.manage".into()])],
            permissions: vec![
                permission("team.view", "See the team", false),
                permission("members.manage", "Manage members", true),
                permission("orders.approve", "Approve orders", true),
            ],
            departments: vec![],
            groups: vec![GroupOffer {
                id: night,
                name: "Night shift".into(),
                grants: vec!["orders.approve".into()],
            }],
            sites: vec![],
            site_roles: vec![],
            default_expiry_hours: 48,
        };
        let none = BTreeSet::new();
        assert!(sensitive_names(&options, "", &none, &none, &none).is_empty());
        let chosen: BTreeSet<String> = ["team.view".to_string()].into();
        assert!(sensitive_names(&options, "", &chosen, &none, &none).is_empty());
        assert_eq!(
            sensitive_names(&options, &admin.to_string(), &none, &none, &none),
            ["Manage members"]
        );
        // A group's grants, and a site role's, count as the role's do.
        let in_night: BTreeSet<String> = [night.to_string()].into();
        assert_eq!(
            sensitive_names(&options, "", &none, &in_night, &none),
            ["Approve orders"]
        );
        let at_berlin: BTreeSet<String> = [format!("{}:{admin}", Uuid::from_u128(3))].into();
        assert_eq!(
            sensitive_names(&options, "", &none, &none, &at_berlin),
            ["Manage members"]
        );
        let chosen: BTreeSet<String> = ["orders.approve".to_string()].into();
        let names = sensitive_names(&options, &admin.to_string(), &chosen, &none, &none);
        assert_eq!(
            warning(&names).as_deref(),
            Some("Manage members and Approve orders are sensitive: with them this person can change who has access, or do what your organisation marked as weighty. Send only if they need it.")
        );
        assert_eq!(warning(&[]), None);
    }
}
