//! A member's permissions on their page: each with where it comes from,
//! and, for those who may change them, granting one directly or taking a
//! direct grant away.

use super::format::LocalTime;
use crate::domain::{DepartmentId, MembershipId};
use crate::wire::choice::Choice;
use crate::wire::groups::{MemberGroupView, MemberGroups};
use crate::wire::members::{HeldPermission, MemberAccess, PermissionSource};
use crate::wire::AppError;
use leptos::prelude::*;

/// "Role Supervisor", "Granted directly by Ana Lima on …".
fn source(source: PermissionSource) -> AnyView {
    match source {
        PermissionSource::Role { name } => {
            view! { <span>{format!("Role {name}")}</span> }.into_any()
        }
        PermissionSource::Group { name } => {
            view! { <span>{format!("Group {name}")}</span> }.into_any()
        }
        PermissionSource::SiteRole { site, role } => {
            view! { <span>{format!("At {site}, through site role {role}")}</span> }.into_any()
        }
        PermissionSource::Direct { by, at } => {
            let by = by.map(|by| format!(" by {by}")).unwrap_or_default();
            view! { <span>{format!("Granted directly{by} on ")} <LocalTime at /></span> }.into_any()
        }
    }
}

#[component]
pub fn MemberPermissions(
    membership: MembershipId,
    name: String,
    access: MemberAccess,
    /// What the last change did, announced.
    done: RwSignal<Option<String>>,
    /// Called after a change: the page reloads.
    changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    // Grants or takes `key` (named `label`) away.
    let run = move |key: String, label: String, grant: bool| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::members::{grant_member_permission, revoke_member_permission};
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = step_up
                    .run(|| {
                        let key = key.clone();
                        async move {
                            if grant {
                                grant_member_permission(membership, key).await
                            } else {
                                revoke_member_permission(membership, key).await
                            }
                        }
                    })
                    .await;
                pending.set(false);
                match result {
                    Ok(()) => {
                        done.set(Some(if grant {
                            format!("{label} granted.")
                        } else {
                            format!("{label} taken away.")
                        }));
                        changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, label, grant, step_up, membership, changed, done);
    };
    let MemberAccess {
        owns,
        permissions,
        grantable,
        groups: _,
        sites: _,
    } = access;
    let body = if owns {
        view! { <p>"Every permission, present and future: they own the organisation."</p> }
            .into_any()
    } else if permissions.is_empty() {
        view! { <p class="muted">"None."</p> }.into_any()
    } else {
        let rows = permissions
            .into_iter()
            .map(|p: HeldPermission| {
                let remove = p.removable.then(|| {
                    let (key, label) = (p.key.clone(), p.name.clone());
                    let aria = format!("Take away {}", p.name);
                    view! {
                        <button type="button" class="button secondary" aria-label=aria
                            disabled=move || pending.get()
                            on:click=move |_| run(key.clone(), label.clone(), false)>"Take away"</button>
                    }
                });
                let sources = p.sources.into_iter().map(source).collect::<Vec<_>>();
                view! {
                    <tr>
                        <th scope="row">
                            {p.name}
                            {p.sensitive.then(|| view! { " " <span class="status status-pending">"Sensitive"</span> })}
                            <div class="role-description"><code>{p.key}</code></div>
                        </th>
                        // The action sits under the sources, so phones see
                        // it without scrolling the table sideways.
                        <td class="wrap">
                            <ul class="sources">{sources.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                            {remove}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label="Permissions">
                <table class="roles-table">
                    <caption class="visually-hidden">{format!("Permissions of {name}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Permission"</th>
                            <th scope="col">"From"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let grant = (!grantable.is_empty()).then(|| {
        let first = grantable.first().map(|p| p.key.clone()).unwrap_or_default();
        let chosen = RwSignal::new(first);
        let options = grantable
            .iter()
            .map(|p| {
                let label = if p.sensitive {
                    format!("{} (sensitive)", p.name)
                } else {
                    p.name.clone()
                };
                view! { <option value=p.key.clone()>{label}</option> }
            })
            .collect_view();
        let warnings = StoredValue::new(grantable.clone());
        let warning = move || {
            chosen.with(|key| {
                warnings.with_value(|all| {
                    all.iter()
                        .find(|p| &p.key == key && p.sensitive)
                        .map(|p| format!("{} is sensitive: {}", p.name, p.description))
                })
            })
        };
        let names = grantable;
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let key = chosen.get_untracked();
            let label = names
                .iter()
                .find(|p| p.key == key)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| key.clone());
            run(key, label, true);
        };
        view! {
            <form class="grant-form" on:submit=on_submit>
                <div class="field">
                    <label for="grant-permission">"Grant a permission"</label>
                    <select id="grant-permission" name="permission"
                        aria-describedby="grant-permission-warning"
                        on:change=move |ev| chosen.set(event_target_value(&ev))>{options}</select>
                </div>
                <p id="grant-permission-warning" class="callout" role="note" hidden=move || warning().is_none()>
                    {move || warning()}
                </p>
                <button type="submit" class="button" disabled=move || pending.get()>"Grant"</button>
            </form>
        }
    });
    view! {
        <section class="card" aria-labelledby="permissions-title">
            <h2 id="permissions-title">"Permissions"</h2>
            <p class="form-success" role="status">{move || done.get()}</p>
            {body}
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            {grant}
        </section>
    }
}

/// The member's position, and for those who may manage members, a way to
/// change it (their name and phone are their account's, and stay theirs).
#[component]
pub fn MemberPosition(
    membership: MembershipId,
    position: Option<String>,
    may_manage: bool,
    done: RwSignal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = super::field::FormErrors::new(error, &["position"]);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::{form_value, submitted_form};
            use crate::api::members::change_member_position;
            let form = submitted_form(&ev);
            let position = form_value(form.as_ref(), "position");
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = change_member_position(membership, position).await;
                pending.set(false);
                match result {
                    Ok(()) => {
                        done.set(Some("Position saved.".to_string()));
                        changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (membership, pending, done, changed);
    };
    let shown = match position.clone() {
        Some(p) => view! { <span>{p}</span> }.into_any(),
        None => view! { <span class="muted">"None"</span> }.into_any(),
    };
    let editor = may_manage.then(|| {
        view! {
            <details class="customize">
                <summary>"Change position"</summary>
                <form on:submit=on_submit>
                    <super::field::Field name="position" id="member-position" label="Position"
                        autocomplete="off" value=position.unwrap_or_default()
                        help="Their role in the organisation, such as Support lead. Leave empty to clear."
                        error=errors.field("position") />
                    <p class="form-error" role="alert">{move || errors.general()}</p>
                    <button type="submit" class="button" disabled=move || pending.get()>"Save position"</button>
                </form>
            </details>
        }
    });
    view! {
        {shown}
        <p class="form-success" role="status">{move || done.get()}</p>
        {editor}
    }
}

/// A set a member belongs to (their groups, their other departments):
/// each by name with its "remove" button where the viewer may, and a
/// picker of those the viewer could add them to. `run` makes the change
/// (an id, its name, whether it is added) and reports how it went.
#[component]
fn MemberSet(
    /// What the list is called (its accessible name).
    label: &'static str,
    /// `(id, name, removable)`.
    items: Vec<(String, String, bool)>,
    /// `(id, name)`.
    addable: Vec<(String, String)>,
    /// The picker's label and id.
    add_label: &'static str,
    add_id: &'static str,
    /// The remove button's text, and its accessible name before the item's
    /// name ("Take out of").
    remove_text: &'static str,
    remove_label: &'static str,
    pending: RwSignal<bool>,
    run: Callback<(String, String, bool)>,
) -> impl IntoView {
    let list = if items.is_empty() {
        view! { <p class="muted">"None."</p> }.into_any()
    } else {
        let items = items
            .into_iter()
            .map(|(id, name, removable)| {
                let remove = removable.then(|| {
                    let aria = format!("{remove_label} {name}");
                    let (id, name) = (id.clone(), name.clone());
                    view! {
                        <button type="button" class="button secondary" aria-label=aria
                            disabled=move || pending.get()
                            on:click=move |_| run.run((id.clone(), name.clone(), false))>{remove_text}</button>
                    }
                });
                view! { <li><span>{name}</span>{remove}</li> }
            })
            .collect_view();
        view! { <ul class="member-groups" aria-label=label>{items}</ul> }.into_any()
    };
    let add = (!addable.is_empty()).then(|| {
        let chosen = RwSignal::new(addable.first().map(|(id, _)| id.clone()).unwrap_or_default());
        let names = StoredValue::new(addable.clone());
        let options = addable
            .into_iter()
            .map(|(id, name)| view! { <option value=id>{name}</option> })
            .collect_view();
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let id = chosen.get_untracked();
            let name = names.with_value(|all| {
                all.iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default()
            });
            run.run((id, name, true));
        };
        view! {
            <form class="grant-form" on:submit=on_submit>
                <div class="field">
                    <label for=add_id>{add_label}</label>
                    <select id=add_id on:change=move |ev| chosen.set(event_target_value(&ev))>{options}</select>
                </div>
                <button type="submit" class="button" disabled=move || pending.get()>"Add"</button>
            </form>
        }
    });
    view! { {list}{add} }
}

/// The groups a member is in; for those who may manage groups and act on
/// the member, taking them out of one, or adding them to one that grants
/// nothing the viewer lacks.
#[component]
pub fn MemberGroupsCard(
    membership: MembershipId,
    groups: MemberGroups,
    /// What the last change did: the page's, so that it outlives the
    /// reload the change causes.
    done: RwSignal<Option<String>>,
    /// Called after a change: the page reloads.
    changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    let run = Callback::new(move |(group, name, add): (String, String, bool)| {
        #[cfg(feature = "hydrate")]
        {
            let member = membership.to_string();
            let message = if add {
                format!("Added to {name}.")
            } else {
                format!("Taken out of {name}.")
            };
            step_up.spawn(
                move || super::groups::change_place(group.clone(), member.clone(), add),
                pending,
                error,
                move |()| {
                    done.set(Some(message));
                    changed.run(());
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (group, name, add, step_up, membership, changed, done);
    });
    let MemberGroups {
        groups: theirs,
        addable,
    } = groups;
    let items = theirs
        .into_iter()
        .map(|g: MemberGroupView| (g.id.to_string(), g.name, g.removable))
        .collect();
    let addable = addable
        .into_iter()
        .map(|g| (g.id.to_string(), g.name))
        .collect();
    view! {
        <section class="card" aria-labelledby="groups-title">
            <h2 id="groups-title">"Groups"</h2>
            <p class="form-success" role="status">{move || done.get()}</p>
            <MemberSet label="Groups" items addable add_label="Add to a group" add_id="add-to-group"
                remove_text="Take out" remove_label="Take out of" pending run />
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
        </section>
    }
}

/// A member's departments besides their primary one; for those who may
/// manage them, adding one or taking one away.
#[component]
pub fn OtherDepartments(
    membership: MembershipId,
    theirs: Vec<Choice<DepartmentId>>,
    addable: Vec<Choice<DepartmentId>>,
    may_manage: bool,
    /// What the last change did, outliving the reload it causes.
    done: RwSignal<Option<String>>,
    /// Called after a change: the page reloads.
    changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let run = Callback::new(move |(department, name, add): (String, String, bool)| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::members::{add_member_department, remove_member_department};
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = if add {
                    add_member_department(membership, department).await
                } else {
                    remove_member_department(membership, department).await
                };
                pending.set(false);
                match result {
                    Ok(()) => {
                        done.set(Some(if add {
                            format!("Added to {name}.")
                        } else {
                            format!("Taken out of {name}.")
                        }));
                        changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (department, name, add, membership, changed, done);
    });
    let items = theirs
        .into_iter()
        .map(|d| (d.id.to_string(), d.name, may_manage))
        .collect();
    let addable = addable
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    view! {
        <p class="form-success" role="status">{move || done.get()}</p>
        <MemberSet label="Other departments" items addable add_label="Add a department" add_id="add-department"
            remove_text="Remove" remove_label="Remove from" pending run />
        <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
    }
}
