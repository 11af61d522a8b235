//! The groups pages (Settings, for those who may manage groups): every
//! group with what it grants and how many are in it, with one editor below
//! the table; and one group's page, `/settings/groups/{id}`, with its
//! people, where they are added and taken out. The server decides what
//! the reader may touch (`server::groups`).

use super::event_stream::on_team_change;
use super::field::{Field, FormErrors};
use super::format::{count, LocalTime};
use super::layout::{set_page_status, Notice};
use super::page::{check_access, GuardedPage};
use super::roles::{focus_on_open, permission_choices, AccessLinks, AccessNav, AccessPage, Loaded};
use crate::api::groups::{load_group, load_groups};
use crate::domain::{GroupId, Permission, RoleId};
use crate::wire::groups::{GroupDetail, GroupMemberView, GroupView, GroupsPage as Groups};
use crate::wire::roles::PermissionView;
use crate::wire::session::SessionUser;
use crate::wire::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

const EDITOR_FIELDS: [&str; 4] = ["name", "description", "role", "permissions"];

/// What the editor below the table is doing.
#[derive(Clone, PartialEq)]
enum Editing {
    New,
    Edit(GroupView),
    Delete(GroupView),
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! {
        <AccessPage title="Groups" needs=Permission::ManageGroups
            sign_in="/login?next=%2Fsettings%2Fgroups"
            denied=("Only people who may manage groups see them", "Ask an owner of your organisation if a group needs to change.")
            load=load_groups
            page=Callback::new(|Loaded { data: page, nav, done, reload }: Loaded<Groups>| {
                view! { <GroupsView page nav done reload /> }.into_any()
            }) />
    }
}

/// "Role Supervisor + Approve orders", "Nothing".
fn grants_line(group: &GroupView, catalogue: &[PermissionView]) -> String {
    let mut parts: Vec<String> = group
        .role
        .iter()
        .map(|r| format!("Role {}", r.name))
        .collect();
    parts.extend(
        group
            .permissions
            .iter()
            .map(|key| PermissionView::name_of(catalogue, key).to_string()),
    );
    if parts.is_empty() {
        "Nothing".to_string()
    } else {
        parts.join(" + ")
    }
}

fn people(n: i64) -> String {
    count(n, "person", "people")
}

#[component]
fn GroupsView(
    page: Groups,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    reload: Callback<String>,
) -> impl IntoView {
    let editing = RwSignal::new(None::<Editing>);
    let open = move |what: Editing| {
        done.set(None);
        editing.set(Some(what));
    };
    let page = StoredValue::new(page);
    let rows = page.with_value(|page| {
        page.groups
            .iter()
            .map(|g| {
                let grants = grants_line(g, &page.catalogue);
                let href = format!("/settings/groups/{}", g.id);
                let actions = g.editable.then(|| {
                    let (edit, delete) = (g.clone(), g.clone());
                    let (edit_label, delete_label) =
                        (format!("Edit {}", g.name), format!("Delete {}", g.name));
                    view! {
                        <button type="button" class="button secondary" aria-label=edit_label
                            on:click=move |_| open(Editing::Edit(edit.clone()))>"Edit"</button>
                        <button type="button" class="button secondary" aria-label=delete_label
                            on:click=move |_| open(Editing::Delete(delete.clone()))>"Delete"</button>
                    }
                });
                view! {
                    <tr>
                        <th scope="row">
                            <a href=href>{g.name.clone()}</a>
                            <div class="role-description">{g.description.clone()}</div>
                            // Phones: the hidden column here.
                            <span class="cell-sub">{people(g.members)}</span>
                        </th>
                        <td class="wrap">{grants}</td>
                        <td class="col-wide">{people(g.members)}</td>
                        <td><div class="row-actions">{actions}</div></td>
                    </tr>
                }
            })
            .collect_view()
    });
    let empty = page.with_value(|p| p.groups.is_empty());
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Groups"</h1>
                <div class="page-actions">
                    <button type="button" class="button primary" on:click=move |_| open(Editing::New)>"New group"</button>
                </div>
            </div>
            <AccessNav links=nav />
            <p class="muted">
                "A group is a set of people, such as a shift or a team. It can give each of them a role's permissions "
                "and more, on top of their own role. You can only create and change groups within the permissions you hold."
            </p>
            <p class="form-success" role="status">{move || done.get()}</p>
            {empty.then(|| view! { <p>"No groups yet."</p> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label="Groups" hidden=empty>
                <table class="roles-table">
                    <caption class="visually-hidden">"Groups of your organisation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Group"</th>
                            <th scope="col">"Grants"</th>
                            <th scope="col" class="col-wide">"People"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {move || editing.get().map(|what| match what {
                Editing::New => view! { <GroupEditor group=None page=page.get_value() editing reload /> }.into_any(),
                Editing::Edit(g) => view! { <GroupEditor group=Some(g) page=page.get_value() editing reload /> }.into_any(),
                Editing::Delete(g) => view! { <DeleteGroup group=g editing reload /> }.into_any(),
            })}
        </main>
    }
}

/// Creates a group (`group` is `None`) or edits one, carrying the version
/// it was read at.
#[component]
fn GroupEditor(
    group: Option<GroupView>,
    page: Groups,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &EDITOR_FIELDS);
    let Groups {
        roles,
        role_permissions,
        catalogue,
        ..
    } = page;
    let chosen: RwSignal<BTreeSet<String>> = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.permissions.iter().cloned().collect())
            .unwrap_or_default(),
    );
    let role: RwSignal<Option<RoleId>> =
        RwSignal::new(group.as_ref().and_then(|g| g.role.as_ref().map(|r| r.id)));
    let title = match &group {
        Some(g) => format!("Edit {}", g.name),
        None => "New group".to_string(),
    };
    let button = if group.is_some() {
        "Save group"
    } else {
        "Create group"
    };
    let step_up = expect_context::<super::step_up::StepUp>();
    let target = group.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::{form_value, submitted_form};
            use crate::api::groups::{create_group, update_group};
            let form = submitted_form(&ev);
            let name = form_value(form.as_ref(), "name");
            let description = form_value(form.as_ref(), "description");
            let role_id = form_value(form.as_ref(), "role_id");
            let permissions: Vec<String> = chosen.get_untracked().into_iter().collect();
            let target = target.clone();
            let message = format!("Group {name} saved.");
            let save = move || {
                let (name, description, role_id, permissions) = (
                    name.clone(),
                    description.clone(),
                    role_id.clone(),
                    permissions.clone(),
                );
                let target = target.clone();
                async move {
                    match target {
                        None => create_group(name, description, role_id, permissions)
                            .await
                            .map(|_| ()),
                        Some(g) => {
                            let id = g.id.to_string();
                            update_group(id, g.version, name, description, role_id, permissions)
                                .await
                        }
                    }
                }
            };
            step_up.spawn(save, pending, error, move |()| reload.run(message));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, step_up, pending, chosen, reload);
    };
    let sensitive: BTreeSet<String> = catalogue
        .iter()
        .filter(|p| p.sensitive)
        .map(|p| p.key.clone())
        .collect();
    // The sensitive permissions the group would grant, named.
    let names = catalogue.clone();
    let warning = move || {
        let from_role: Vec<String> = role
            .get()
            .and_then(|id| role_permissions.iter().find(|(r, _)| *r == id))
            .map(|(_, keys)| keys.clone())
            .unwrap_or_default();
        let all: BTreeSet<String> = chosen.get().into_iter().chain(from_role).collect();
        let named: Vec<String> = all
            .iter()
            .filter(|k| sensitive.contains(*k))
            .map(|k| PermissionView::name_of(&names, k).to_string())
            .collect();
        (!named.is_empty()).then(|| {
            format!(
                "Everyone in this group will hold sensitive permissions: {}. They let them change who has access.",
                named.join(", ")
            )
        })
    };
    let (product, roster): (Vec<_>, Vec<_>) = catalogue.into_iter().partition(|p| p.product);
    let product = (!product.is_empty()).then(|| {
        view! {
            <fieldset class="choices">
                <legend>"Your product's permissions"</legend>
                {permission_choices(product, chosen, "group-product-permission")}
            </fieldset>
        }
    });
    let roster = permission_choices(roster, chosen, "group-roster-permission");
    let permissions_error = errors.field("permissions");
    let role_error = errors.field("role");
    let selected_role = role
        .get_untracked()
        .map(|r| r.to_string())
        .unwrap_or_default();
    let role_options = roles
        .into_iter()
        .map(|r| {
            let value = r.id.to_string();
            let selected = value == selected_role;
            view! { <option value=value selected=selected>{r.name}</option> }
        })
        .collect_view();
    let (name, description) = group
        .as_ref()
        .map(|g| (g.name.clone(), g.description.clone()))
        .unwrap_or_default();
    view! {
        <section class="card role-editor" aria-labelledby="group-editor-title">
            <h2 id="group-editor-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <form on:submit=on_submit>
                <Field name="name" label="Name" required=true value=name error=errors.field("name") />
                <Field name="description" label="Description" value=description
                    help="Optional. One line on who is in it."
                    error=errors.field("description") />
                <div class="field">
                    <label for="group-role">"Role it grants"</label>
                    <p id="group-role-help" class="field-help">"Its people get this role's permissions on top of their own role's."</p>
                    <select id="group-role" name="role_id"
                        aria-invalid=move || role_error.get().is_some().to_string()
                        aria-describedby="group-role-help group-role-error"
                        on:change=move |ev| role.set(event_target_value(&ev).parse().ok())>
                        <option value="">"No role"</option>
                        {role_options}
                    </select>
                    <p id="group-role-error" class="field-error">{move || role_error.get()}</p>
                </div>
                <fieldset class="choices" aria-invalid=move || permissions_error.get().is_some().to_string()
                    aria-describedby="group-permissions-error">
                    <legend>"More of Roster's permissions"</legend>
                    {roster}
                    <p id="group-permissions-error" class="field-error">{move || permissions_error.get()}</p>
                </fieldset>
                {product}
                <p class="callout" role="note" hidden=move || warning().is_none()>{warning.clone()}</p>
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>{button}</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

/// Deletes a group after saying what its people lose.
#[component]
fn DeleteGroup(
    group: GroupView,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    let title = format!("Delete {}", group.name);
    let what = if group.grants.is_empty() {
        format!(
            "Its {} stay in the organisation. This can't be undone.",
            people(group.members)
        )
    } else {
        format!(
            "Its {} lose what it grants at once, unless they hold it otherwise. This can't be undone.",
            people(group.members)
        )
    };
    let target = group.clone();
    let delete = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::groups::delete_group;
            let (id, message) = (
                target.id.to_string(),
                format!("Group {} deleted.", target.name),
            );
            step_up.spawn(
                move || delete_group(id.clone()),
                pending,
                error,
                move |()| reload.run(message),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, step_up, pending, reload);
    };
    view! {
        <section class="card role-editor" aria-labelledby="group-delete-title">
            <h2 id="group-delete-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <p>{what}</p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            <div class="form-actions">
                <button type="button" class="button danger-solid" disabled=move || pending.get() on:click=delete>"Delete group"</button>
                <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </section>
    }
}

/// The group `id` names, or `None` where the organisation has none so.
async fn load(id: String) -> Result<Option<GroupDetail>, AppError> {
    match load_group(id).await {
        Ok(detail) => Ok(Some(detail)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// One group's page: what it grants, its people, and adding more.
#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| {
        check_access(Some(Permission::ManageGroups), load(id))
    });
    // Someone added, taken out, disabled or deleted elsewhere shows here.
    let refresh = on_team_change(move || data.refetch());
    let done = RwSignal::new(None::<String>);
    // What the "Add people" search holds: the page renders again on every
    // change anywhere in the team, and a search half typed outlives that.
    let search = RwSignal::new(String::new());
    let changed = Callback::new(move |message: String| {
        done.set(Some(message));
        refresh.request();
    });
    let sign_in = Signal::derive(move || format!("/login?next=%2Fsettings%2Fgroups%2F{}", id()));
    let denied = || {
        view! {
            <Title text="No access" />
            <Notice title="Only people who may manage groups see them">
                <p>"Ask an owner of your organisation if a group needs to change."</p>
            </Notice>
        }
    };
    let ready = move |user: SessionUser, detail: Option<GroupDetail>| match detail {
        Some(detail) => {
            view! { <GroupView detail nav=AccessLinks::of(&user) done changed search /> }.into_any()
        }
        None => {
            set_page_status(404);
            view! {
                <Title text="Group not found" />
                <Notice title="Your organisation has no such group">
                    <p>"It may have been deleted, or the link is mistyped."</p>
                    <a class="button" href="/settings/groups">"All groups"</a>
                </Notice>
            }
            .into_any()
        }
    };
    view! { <GuardedPage access=data sign_in denied ready /> }
}

#[component]
fn GroupView(
    detail: GroupDetail,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    changed: Callback<String>,
    search: RwSignal<String>,
) -> impl IntoView {
    let GroupDetail {
        group,
        catalogue,
        members,
    } = detail;
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    let group_id = group.id;
    // Adds `member` (named `name`) to the group, or takes them out.
    let run = move |member: String, name: String, add: bool| {
        #[cfg(feature = "hydrate")]
        {
            let group = group_id.to_string();
            let message = if add {
                format!("{name} added.")
            } else {
                format!("{name} taken out.")
            };
            step_up.spawn(
                move || change_place(group.clone(), member.clone(), add),
                pending,
                error,
                move |()| changed.run(message),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (member, name, add, step_up, group_id, changed);
    };
    let grants = grants_line(&group, &catalogue);
    let title = group.name.clone();
    // The page lists the first 200 by name; the team table pages through
    // everyone.
    let count_line = if group.members > members.len() as i64 {
        format!(
            "{}; the first {} by name below.",
            people(group.members),
            members.len()
        )
    } else {
        people(group.members)
    };
    let in_team = format!("/team?group={}", group.id);
    let rows = members
        .into_iter()
        .map(|m: GroupMemberView| {
            let remove = m.removable.then(|| {
                let (id, name) = (m.id.to_string(), m.name.clone());
                let aria = format!("Take {} out", m.name);
                view! {
                    <button type="button" class="button secondary" aria-label=aria
                        disabled=move || pending.get()
                        on:click=move |_| run(id.clone(), name.clone(), false)>"Take out"</button>
                }
            });
            let href = format!("/team/{}", m.id);
            let added_by = m.added_by.map(|by| format!("by {by}, ")).unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">
                        <a href=href>{m.name}</a>
                        {(!m.enabled).then(|| view! { " " <span class="status status-disabled">"Disabled"</span> })}
                        <span class="cell-sub">{m.email.clone()}</span>
                    </th>
                    <td class="col-wide">{m.email}</td>
                    <td class="col-wide">{m.role_name}</td>
                    <td class="col-wide">{added_by}<LocalTime at=m.added_at /></td>
                    <td><div class="row-actions">{remove}</div></td>
                </tr>
            }
        })
        .collect_view();
    let add = group
        .editable
        .then(|| view! { <AddPeople group=group_id run pending search /> });
    view! {
        <Title text=title.clone() />
        <main class="page">
            <div class="page-title">
                <h1>{title}</h1>
                <div class="page-actions">
                    <a class="button secondary" href="/settings/groups">"All groups"</a>
                </div>
            </div>
            <AccessNav links=nav />
            {(!group.description.is_empty()).then(|| view! { <p>{group.description.clone()}</p> })}
            <p><strong>"Grants: "</strong>{grants}</p>
            <p class="form-success" role="status">{move || done.get()}</p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            <section class="card" aria-labelledby="group-people-title">
                <h2 id="group-people-title">"People"</h2>
                <p class="muted">{count_line}" "<a href=in_team>"See them in the team table"</a></p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="People in the group">
                    <table class="roles-table">
                        <caption class="visually-hidden">"People in the group"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col" class="col-wide">"Email"</th>
                                <th scope="col" class="col-wide">"Role"</th>
                                <th scope="col" class="col-wide">"Added"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {add}
            </section>
        </main>
    }
}

/// Finds members not in the group by name or email, each with a button
/// that adds them.
#[component]
fn AddPeople(
    group: GroupId,
    run: impl Fn(String, String, bool) + Copy + Send + Sync + 'static,
    pending: RwSignal<bool>,
    search: RwSignal<String>,
) -> impl IntoView {
    let found = LocalResource::new(move || {
        let search = search.get();
        async move {
            if search.trim().is_empty() {
                return Ok(Vec::new());
            }
            crate::api::groups::group_candidates(group.to_string(), search).await
        }
    });
    let results = move || {
        found.get().map(|result| match result {
            Ok(people) if people.is_empty() && !search.with(|s| s.trim().is_empty()) => {
                view! { <p class="muted">"Nobody found who is not in the group already."</p> }.into_any()
            }
            Ok(people) => view! {
                <ul class="candidates" aria-label="People found">
                    {people.into_iter().map(|p| {
                        let (id, name) = (p.id.to_string(), p.name.clone());
                        let aria = format!("Add {}", p.name);
                        view! {
                            <li>
                                <span>{p.name}" "<span class="muted">{p.email}</span></span>
                                <button type="button" class="button secondary" aria-label=aria
                                    disabled=move || pending.get()
                                    on:click=move |_| run(id.clone(), name.clone(), true)>"Add"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <div class="field">
            <label for="group-find">"Add people"</label>
            <input id="group-find" type="search" autocomplete="off" placeholder="Name or email"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev)) />
        </div>
        {results}
    }
}

/// Puts one person (a membership id) in a group (`add`) or takes them
/// out: the group's page and the member's page both do.
#[cfg(feature = "hydrate")]
pub(super) async fn change_place(group: String, member: String, add: bool) -> Result<(), AppError> {
    use crate::api::groups::{add_to_group, remove_from_group};
    if add {
        add_to_group(group, vec![member]).await.map(|_| ())
    } else {
        remove_from_group(group, member).await
    }
}
