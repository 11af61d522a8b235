//! The permissions page (Settings, for those who may manage roles):
//! Roster's own permissions, and the organisation's product permissions,
//! which those who may manage roles add, and those who hold one rename,
//! describe, mark and retire. Retiring asks first, naming who holds it.

use super::field::{Field, FormErrors};
use super::format::{count, LocalTime};
use super::roles::{focus_on_open, AccessLinks, AccessNav, AccessPage, Loaded};
use crate::api::permissions::load_permissions;
use crate::domain::Permission;
use crate::wire::permissions::{PermissionsPage as Permissions, ProductPermissionView};
use crate::wire::roles::PermissionView;
use crate::wire::AppError;
use leptos::prelude::*;

const EDITOR_FIELDS: [&str; 3] = ["key", "name", "description"];

/// What the section below the table is doing.
#[derive(Clone, PartialEq)]
enum Editing {
    New,
    Edit(ProductPermissionView),
    Retire(ProductPermissionView),
}

#[component]
pub fn PermissionsPage() -> impl IntoView {
    view! {
        <AccessPage title="Permissions" needs=Permission::ManageRoles
            sign_in="/login?next=%2Fsettings%2Fpermissions"
            denied=("Only people who may manage roles see permissions", "Ask an owner of your organisation if a permission needs to change.")
            load=load_permissions
            page=Callback::new(|Loaded { data: page, nav, done, reload }: Loaded<Permissions>| {
                view! { <PermissionsView page nav done reload /> }.into_any()
            }) />
    }
}

/// "2 roles, 1 group, 1 person"; "Nobody".
fn held_by(p: &ProductPermissionView) -> String {
    let parts: Vec<String> = [
        (p.roles, "role", "roles"),
        (p.groups, "group", "groups"),
        (p.people, "person", "people"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| count(n, one, many))
    .collect();
    if parts.is_empty() {
        "Nobody".to_string()
    } else {
        parts.join(", ")
    }
}

#[component]
fn PermissionsView(
    page: Permissions,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    reload: Callback<String>,
) -> impl IntoView {
    let editing = RwSignal::new(None::<Editing>);
    let open = move |what: Editing| {
        done.set(None);
        editing.set(Some(what));
    };
    let Permissions {
        roster,
        product,
        retired,
    } = page;
    let product_rows = product
        .iter()
        .map(|p| {
            let actions = p.editable.then(|| {
                let (edit, retire) = (p.clone(), p.clone());
                let (edit_label, retire_label) =
                    (format!("Edit {}", p.name), format!("Retire {}", p.name));
                view! {
                    <button type="button" class="button secondary" aria-label=edit_label
                        on:click=move |_| open(Editing::Edit(edit.clone()))>"Edit"</button>
                    <button type="button" class="button secondary" aria-label=retire_label
                        on:click=move |_| open(Editing::Retire(retire.clone()))>"Retire"</button>
                }
            });
            view! {
                <tr>
                    <th scope="row">
                        <div>{p.name.clone()}</div>
                        <div class="role-description"><code>{p.key.clone()}</code></div>
                        <div class="role-description">{p.description.clone()}</div>
                        // Phones: the hidden columns here.
                        <span class="cell-sub">
                            {if p.sensitive { "Sensitive · " } else { "" }}
                            {format!("held by {}", held_by(p).to_lowercase())}
                        </span>
                    </th>
                    <td class="col-wide">{sensitive_mark(p.sensitive)}</td>
                    <td class="col-wide">{held_by(p)}</td>
                    <td><div class="row-actions">{actions}</div></td>
                </tr>
            }
        })
        .collect_view();
    let product_table = if product.is_empty() {
        view! {
            <p class="muted">"None yet. Add the first thing your product lets people do, such as reports.view."</p>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label="Your product's permissions">
                <table class="roles-table">
                    <caption class="visually-hidden">"Your product's permissions"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Permission"</th>
                            <th scope="col" class="col-wide">"Sensitive"</th>
                            <th scope="col" class="col-wide">"Held by"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{product_rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Permissions"</h1>
                <div class="page-actions">
                    <button type="button" class="button primary" on:click=move |_| open(Editing::New)>"New permission"</button>
                </div>
            </div>
            <AccessNav links=nav />
            <p class="muted">
                "Your product's permissions are what your own product lets people do. Roster grants them through roles "
                "and tells your product who holds them; they give nothing inside Roster."
            </p>
            <p class="form-success" role="status">{move || done.get()}</p>
            <h2>"Your product's permissions"</h2>
            {product_table}
            {move || editing.get().map(|what| match what {
                Editing::New => view! { <PermissionEditor permission=None editing reload /> }.into_any(),
                Editing::Edit(p) => view! { <PermissionEditor permission=Some(p) editing reload /> }.into_any(),
                Editing::Retire(p) => view! { <RetirePermission permission=p editing reload /> }.into_any(),
            })}
            <h2>"Roster's permissions"</h2>
            <RosterPermissions permissions=roster />
            {(!retired.is_empty()).then(|| {
                let items = retired
                    .into_iter()
                    .map(|r| view! {
                        <li><code>{r.key}</code> " " {r.name} ", retired " <LocalTime at=r.retired_at /></li>
                    })
                    .collect_view();
                view! {
                    <details class="retired">
                        <summary>"Retired permissions"</summary>
                        <p class="muted">"Their keys are never used again, so that no old grant comes to mean something new."</p>
                        <ul>{items}</ul>
                    </details>
                }
            })}
        </main>
    }
}

fn sensitive_mark(sensitive: bool) -> impl IntoView {
    if sensitive {
        view! { <span class="status status-pending">"Sensitive"</span> }.into_any()
    } else {
        view! { <span class="muted">"No"</span> }.into_any()
    }
}

#[component]
fn RosterPermissions(permissions: Vec<PermissionView>) -> impl IntoView {
    let rows = permissions
        .into_iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">
                        <div>{p.name}</div>
                        <div class="role-description"><code>{p.key}</code></div>
                        {p.sensitive.then(|| view! { <span class="cell-sub">"Sensitive"</span> })}
                    </th>
                    <td class="wrap">{p.description}</td>
                    <td class="col-wide">{sensitive_mark(p.sensitive)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Roster's permissions">
            <table class="roles-table">
                <caption class="visually-hidden">"Roster's permissions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Permission"</th>
                        <th scope="col">"What it allows"</th>
                        <th scope="col" class="col-wide">"Sensitive"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Adds a product permission (`permission` is `None`) or edits one,
/// carrying the version it was read at. The key is typed once.
#[component]
fn PermissionEditor(
    permission: Option<ProductPermissionView>,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &EDITOR_FIELDS);
    let sensitive = RwSignal::new(permission.as_ref().is_some_and(|p| p.sensitive));
    let title = match &permission {
        Some(p) => format!("Edit {}", p.name),
        None => "New permission".to_string(),
    };
    let button = if permission.is_some() {
        "Save permission"
    } else {
        "Add permission"
    };
    let target = permission.clone();
    let step_up = expect_context::<super::step_up::StepUp>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::{form_value, submitted_form};
            use crate::api::permissions::{create_permission, update_permission};
            let form = submitted_form(&ev);
            let key = form_value(form.as_ref(), "key");
            let name = form_value(form.as_ref(), "name");
            let description = form_value(form.as_ref(), "description");
            let sensitive = sensitive.get_untracked();
            let target = target.clone();
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = match &target {
                    None => create_permission(key, name.clone(), description, sensitive)
                        .await
                        .map(|_| ()),
                    // Switching its sensitivity may ask for a step-up.
                    Some(p) => {
                        step_up
                            .run(|| {
                                update_permission(
                                    p.id.to_string(),
                                    p.version,
                                    name.clone(),
                                    description.clone(),
                                    sensitive,
                                )
                            })
                            .await
                    }
                };
                pending.set(false);
                match result {
                    Ok(()) => reload.run(format!("Permission {name} saved.")),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, pending, sensitive, reload, step_up);
    };
    let key = match &permission {
        None => view! {
            <Field name="key" label="Key" required=true autocomplete="off"
                help="What your product reads, such as reports.view: lower-case words joined by dots. It can't be changed later."
                error=errors.field("key") />
        }
        .into_any(),
        Some(p) => view! {
            <p>"Key: " <code>{p.key.clone()}</code> " (keys never change)"</p>
        }
        .into_any(),
    };
    let (name, description) = permission
        .as_ref()
        .map(|p| (p.name.clone(), p.description.clone()))
        .unwrap_or_default();
    view! {
        <section class="card role-editor" aria-labelledby="permission-editor-title">
            <h2 id="permission-editor-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <form on:submit=on_submit>
                {key}
                <Field name="name" label="Name" required=true value=name error=errors.field("name") />
                <Field name="description" label="Description" value=description
                    help="Optional. One line on what it lets people do in your product."
                    error=errors.field("description") />
                <label class="choice">
                    <input type="checkbox" name="sensitive" checked=move || sensitive.get()
                        aria-describedby="sensitive-help"
                        on:change=move |ev| sensitive.set(event_target_checked(&ev)) />
                    <span>
                        <strong>"Sensitive"</strong>
                        <span id="sensitive-help" class="field-help">
                            "Mark what lets people change who has access, or anything as weighty: only people who hold it "
                            "can manage its holders, and your two-factor policy for sensitive permissions covers them."
                        </span>
                    </span>
                </label>
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>{button}</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

/// Retires a product permission after naming who holds it.
#[component]
fn RetirePermission(
    permission: ProductPermissionView,
    editing: RwSignal<Option<Editing>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    let id = permission.id.to_string();
    let usage = LocalResource::new(move || {
        let id = id.clone();
        async move { crate::api::permissions::load_permission_usage(id).await }
    });
    let names = |what: &str, names: &[String]| {
        (!names.is_empty()).then(|| view! { <li>{format!("{what}: {}", names.join(", "))}</li> })
    };
    let held = move || {
        usage.get().map(|result| match result {
            Ok(u) if u.roles.is_empty() && u.groups.is_empty() && u.people.is_empty() => {
                view! { <p>"Nobody holds it."</p> }.into_any()
            }
            Ok(u) => view! {
                <p>"These lose it at once:"</p>
                <ul>{names("Roles", &u.roles)}{names("Groups", &u.groups)}{names("People granted it directly", &u.people)}</ul>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let title = format!("Retire {}", permission.name);
    let target = permission.clone();
    let retire = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::permissions::retire_permission;
            let (id, message) = (
                target.id.to_string(),
                format!("Permission {} retired.", target.name),
            );
            step_up.spawn(
                move || retire_permission(id.clone()),
                pending,
                error,
                move |()| reload.run(message),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, step_up, pending, reload);
    };
    view! {
        <section class="card role-editor" aria-labelledby="permission-retire-title">
            <h2 id="permission-retire-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <Transition fallback=|| view! { <p>"Checking who holds it…"</p> }>{held}</Transition>
            <p>
                "Its key " <code>{permission.key.clone()}</code>
                " is never used again. This can't be undone."
            </p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            <div class="form-actions">
                <button type="button" class="button danger-solid" disabled=move || pending.get()
                    on:click=retire>"Retire permission"</button>
                <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </section>
    }
}
