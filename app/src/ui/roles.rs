//! The roles page (Settings, for those who may manage roles): every role
//! with what it holds and how many hold it; a new role, an edit or a
//! deletion opens one editor below the table. The server decides what the
//! reader may touch (`server::roles`); the page greys out nothing it could
//! not also refuse.

use super::field::{Field, FormErrors, SelectField};
use super::format::people_and_invitations;
use super::layout::Notice;
use super::page::{check_access, GuardedPage};
use crate::api::roles::load_roles;
use crate::domain::Permission;
use crate::wire::roles::{PermissionView, RoleView, RolesPage as Roles};
use crate::wire::session::SessionUser;
use crate::wire::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeSet;

const EDITOR_FIELDS: [&str; 3] = ["name", "description", "permissions"];
const DELETE_FIELDS: [&str; 1] = ["move_to"];

/// What the editor below the table is doing.
#[derive(Clone, PartialEq)]
enum Editing {
    New,
    /// A new role that starts as a copy of this one.
    Copy(RoleView),
    Edit(RoleView),
    Delete(RoleView),
}

#[component]
pub fn RolesPage() -> impl IntoView {
    view! {
        <AccessPage title="Roles" needs=Permission::ManageRoles
            sign_in="/login?next=%2Fsettings%2Froles"
            denied=("Only people who may manage roles see them", "Ask an owner of your organisation if a role needs to change.")
            load=load_roles
            page=Callback::new(|Loaded { data: roles, nav, done, reload }: Loaded<Roles>| {
                view! { <RolesView roles nav done reload /> }.into_any()
            }) />
    }
}

#[component]
fn RolesView(
    roles: Roles,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    reload: Callback<String>,
) -> impl IntoView {
    let editing = RwSignal::new(None::<Editing>);
    let open = move |what: Editing| {
        done.set(None);
        editing.set(Some(what));
    };
    let Roles { roles, catalogue } = roles;
    let names = catalogue.clone();
    let rows = roles
        .iter()
        .map(|role| {
            let held = if role.is_owner {
                "Everything".to_string()
            } else if role.permissions.is_empty() {
                "None".to_string()
            } else {
                role.permissions
                    .iter()
                    .map(|key| PermissionView::name_of(&names, key))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let people = people(role);
            let actions = role.editable.then(|| {
                let (edit, copy, delete) = (role.clone(), role.clone(), role.clone());
                let (edit_label, copy_label, delete_label) = (
                    format!("Edit {}", role.name),
                    format!("Copy {}", role.name),
                    format!("Delete {}", role.name),
                );
                view! {
                    <button type="button" class="button secondary" aria-label=edit_label
                        on:click=move |_| open(Editing::Edit(edit.clone()))>"Edit"</button>
                    <button type="button" class="button secondary" aria-label=copy_label
                        on:click=move |_| open(Editing::Copy(copy.clone()))>"Copy"</button>
                    <button type="button" class="button secondary" aria-label=delete_label
                        on:click=move |_| open(Editing::Delete(delete.clone()))>"Delete"</button>
                }
            });
            view! {
                <tr>
                    <th scope="row">
                        <div>{role.name.clone()}</div>
                        <div class="role-description">{role.description.clone()}</div>
                        // Phones: the hidden column here.
                        <span class="cell-sub">{people.clone()}</span>
                    </th>
                    <td class="wrap">{held}</td>
                    <td class="col-wide">{people}</td>
                    <td><div class="row-actions">{actions}</div></td>
                </tr>
            }
        })
        .collect_view();
    let others = roles;
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Roles"</h1>
                <div class="page-actions">
                    <button type="button" class="button primary" on:click=move |_| open(Editing::New)>"New role"</button>
                </div>
            </div>
            <AccessNav links=nav />
            <p class="muted">
                "A role is a set of permissions. Everyone who holds it gets a change on their next request. "
                "You can only create and change roles within the permissions you hold yourself."
            </p>
            <p class="form-success" role="status">{move || done.get()}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Roles">
                <table class="roles-table">
                    <caption class="visually-hidden">"Roles of your organisation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Permissions"</th>
                            <th scope="col" class="col-wide">"People"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {move || editing.get().map(|what| match what {
                Editing::New => view! {
                    <RoleEditor role=None catalogue=catalogue.clone() editing reload />
                }.into_any(),
                Editing::Copy(source) => view! {
                    <RoleEditor role=None copy_of=source catalogue=catalogue.clone() editing reload />
                }.into_any(),
                Editing::Edit(role) => view! {
                    <RoleEditor role=Some(role) catalogue=catalogue.clone() editing reload />
                }.into_any(),
                Editing::Delete(role) => view! {
                    <DeleteRole role others=others.clone() editing reload />
                }.into_any(),
            })}
        </main>
    }
}

/// Which of the pages that define who may do what the reader may open.
#[derive(Clone, Copy)]
pub(super) struct AccessLinks {
    roles: bool,
    departments: bool,
    groups: bool,
    sites: bool,
}

impl AccessLinks {
    pub(super) fn of(user: &SessionUser) -> Self {
        Self {
            roles: user.can(Permission::ManageRoles),
            departments: user.can(Permission::ManageDepartments),
            groups: user.can(Permission::ManageGroups),
            sites: user.can(Permission::ManageSites),
        }
    }
}

/// Links between the pages that define who may do what: the current one
/// is marked by `A` (aria-current).
#[component]
pub(super) fn AccessNav(links: AccessLinks) -> impl IntoView {
    use leptos_router::components::A;
    view! {
        <nav class="tabs" aria-label="Access">
            {links.roles.then(|| view! {
                <A href="/settings/roles" attr:class="tab">"Roles"</A>
                <A href="/settings/permissions" attr:class="tab">"Permissions"</A>
            })}
            {links.departments.then(|| view! {
                <A href="/settings/departments" attr:class="tab">"Departments"</A>
            })}
            {links.groups.then(|| view! {
                <A href="/settings/groups" attr:class="tab">"Groups"</A>
            })}
            {links.sites.then(|| view! {
                <A href="/settings/sites" attr:class="tab">"Sites"</A>
            })}
        </nav>
    }
}

/// What a Settings page of the access model draws once its data is in:
/// the data, which tabs to link, what the last change did (outliving the
/// reload it causes), and the reload with its message.
pub(super) struct Loaded<T> {
    pub data: T,
    pub nav: AccessLinks,
    pub done: RwSignal<Option<String>>,
    pub reload: Callback<String>,
}

/// A Settings page of the access model: loads with `load` for those who
/// hold `needs`, tells others `denied`, and reloads after each change.
#[component]
pub(super) fn AccessPage<T, F, Fut>(
    title: &'static str,
    needs: Permission,
    /// Where a signed-out visitor goes, with the way back.
    sign_in: &'static str,
    /// The notice's title for someone without `needs`, and its line.
    denied: (&'static str, &'static str),
    load: F,
    page: Callback<Loaded<T>, AnyView>,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let data = Resource::new(|| (), move |_| check_access(Some(needs), load()));
    let done = RwSignal::new(None::<String>);
    // A change's message waits for the data it changed: shown earlier, it
    // invites a click that the reload's redraw then undoes (an editor
    // opened meanwhile would close under the person).
    let queued = StoredValue::new(None::<String>);
    let denied = move || {
        view! {
            <Notice title=denied.0>
                <p>{denied.1}</p>
            </Notice>
        }
    };
    view! {
        <Title text=title />
        <GuardedPage access=data sign_in denied
            ready=move |user: SessionUser, loaded: T| {
                if let Some(message) = queued.try_update_value(Option::take).flatten() {
                    done.set(Some(message));
                }
                let reload = Callback::new(move |message: String| {
                    queued.set_value(Some(message));
                    data.refetch();
                });
                page.run(Loaded { data: loaded, nav: AccessLinks::of(&user), done, reload })
            } />
    }
}

/// A heading that takes the focus when its editor opens below the table,
/// so that keyboard and screen reader users land where the work is.
pub(super) fn focus_on_open() -> NodeRef<leptos::html::H2> {
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    heading
}

/// "2 people, 1 pending invitation".
fn people(role: &RoleView) -> String {
    people_and_invitations(role.holders, role.pending_invitations)
}

/// Creates a role (`role` is `None`) or edits one, carrying the version it
/// was read at.
#[component]
fn RoleEditor(
    role: Option<RoleView>,
    /// For a new role: the one it starts as a copy of.
    #[prop(optional)]
    copy_of: Option<RoleView>,
    catalogue: Vec<PermissionView>,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &EDITOR_FIELDS);
    let chosen: RwSignal<BTreeSet<String>> = RwSignal::new(
        role.as_ref()
            .or(copy_of.as_ref())
            .map(|r| r.permissions.iter().cloned().collect())
            .unwrap_or_default(),
    );
    let title = match &role {
        Some(r) => format!("Edit {}", r.name),
        None => "New role".to_string(),
    };
    let button = if role.is_some() {
        "Save role"
    } else {
        "Create role"
    };
    let step_up = expect_context::<super::step_up::StepUp>();
    let target = role.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::form_value;
            use super::dialog::submitted_form;
            use crate::api::roles::{create_role, update_role};
            let form = submitted_form(&ev);
            let name = form_value(form.as_ref(), "name");
            let description = form_value(form.as_ref(), "description");
            let permissions: Vec<String> = chosen.get_untracked().into_iter().collect();
            let target = target.clone();
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = match &target {
                    None => create_role(name.clone(), description.clone(), permissions.clone())
                        .await
                        .map(|_| ()),
                    Some(role) => {
                        step_up
                            .run(|| {
                                update_role(
                                    role.id.to_string(),
                                    role.version,
                                    name.clone(),
                                    description.clone(),
                                    permissions.clone(),
                                )
                            })
                            .await
                    }
                };
                pending.set(false);
                match result {
                    Ok(()) => reload.run(format!("Role {name} saved.")),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, step_up, pending, chosen, reload);
    };
    let permissions_error = errors.field("permissions");
    let sensitive: BTreeSet<String> = catalogue
        .iter()
        .filter(|p| p.sensitive)
        .map(|p| p.key.clone())
        .collect();
    let (product, roster): (Vec<_>, Vec<_>) = catalogue.into_iter().partition(|p| p.product);
    let product = (!product.is_empty()).then(|| {
        view! {
            <fieldset class="choices">
                <legend>"Your product's permissions"</legend>
                {permission_choices(product, chosen, "product-permission")}
            </fieldset>
        }
    });
    let roster = permission_choices(roster, chosen, "roster-permission");
    let sensitive_chosen = move || chosen.with(|c| c.iter().any(|k| sensitive.contains(k)));
    let (name, description) = match (&role, &copy_of) {
        (Some(r), _) => (r.name.clone(), r.description.clone()),
        // "Copy of Supervisor", within the 80 characters a name may have.
        (None, Some(source)) => (
            format!("Copy of {}", source.name)
                .chars()
                .take(80)
                .collect(),
            source.description.clone(),
        ),
        (None, None) => Default::default(),
    };
    view! {
        <section class="card role-editor" aria-labelledby="role-editor-title">
            <h2 id="role-editor-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <form on:submit=on_submit>
                <Field name="name" label="Name" required=true value=name error=errors.field("name") />
                <Field name="description" label="Description" value=description
                    help="Optional. One line on what people with this role do."
                    error=errors.field("description") />
                <fieldset class="choices" aria-invalid=move || permissions_error.get().is_some().to_string()
                    aria-describedby="permissions-error">
                    <legend>"Roster's permissions"</legend>
                    {roster}
                    <p id="permissions-error" class="field-error">{move || permissions_error.get()}</p>
                </fieldset>
                {product}
                <p class="callout" role="note" hidden=move || !sensitive_chosen()>
                    "Sensitive permissions let the people who hold them change who has access. "
                    "Only people who hold every sensitive permission of someone can manage them."
                </p>
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>{button}</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

/// A checkbox per permission, with its description and sensitive mark,
/// adding to or taking from `chosen`; also the invitation dialogs'
/// "Customize permissions" step. Named `permissions[i]`, so that a plain
/// form post carries the ticked ones; `id` prefixes the descriptions' ids,
/// which must differ between forms on one page.
pub(crate) fn permission_choices(
    permissions: Vec<PermissionView>,
    chosen: RwSignal<BTreeSet<String>>,
    id: &'static str,
) -> impl IntoView {
    permissions
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let key = p.key.clone();
            let checked = move || chosen.with(|c| c.contains(&key));
            let (input_id, description_id) = (format!("{id}-{i}"), format!("{id}-{i}-help"));
            let key = p.key.clone();
            // The label holds the name only, so that the description is
            // read once, as the description.
            view! {
                <div class="choice permission-choice">
                    <input type="checkbox" id=input_id.clone() name=format!("permissions[{i}]") value=p.key
                        prop:checked=checked aria-describedby=description_id.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                if on { c.insert(key.clone()); } else { c.remove(&key); }
                            });
                        } />
                    <div>
                        <label for=input_id>
                            <strong>{p.name}</strong>
                            {p.sensitive.then(|| view! { " " <span class="status status-pending">"Sensitive"</span> })}
                        </label>
                        <span id=description_id class="field-help">{p.description}</span>
                    </div>
                </div>
            }
        })
        .collect_view()
}

/// Deletes a role after asking where its people and invitations move.
#[component]
fn DeleteRole(
    role: RoleView,
    others: Vec<RoleView>,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &DELETE_FIELDS);
    let step_up = expect_context::<super::step_up::StepUp>();
    let options: Vec<(String, String)> = others
        .iter()
        .filter(|r| r.id != role.id && r.editable)
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let selected = options
        .first()
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let title = format!("Delete {}", role.name);
    let what = format!(
        "Its {} move to the role you choose, in the same step. This can't be undone.",
        people(&role)
    );
    let target = role.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::form_value;
            use super::dialog::submitted_form;
            use crate::api::roles::delete_role;
            let form = submitted_form(&ev);
            let move_to = form_value(form.as_ref(), "move_to");
            let target = target.clone();
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let id = target.id.to_string();
                let result = step_up
                    .run(|| delete_role(id.clone(), move_to.clone()))
                    .await;
                pending.set(false);
                match result {
                    Ok(()) => reload.run(format!("Role {} deleted.", target.name)),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, step_up, pending, reload);
    };
    view! {
        <section class="card role-editor" aria-labelledby="role-delete-title">
            <h2 id="role-delete-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <p>{what}</p>
            <form on:submit=on_submit>
                <SelectField name="move_to" label="Move its people to" options selected
                    error=errors.field("move_to") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button danger-solid" disabled=move || pending.get()>"Delete role"</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
