//! The departments page (Settings, for those who may manage departments):
//! every department with how many people are in it; create, rename,
//! archive (it leaves the pickers, stays on people) and restore.

use super::field::{Field, FormErrors};
use super::format::{people_and_invitations, ArchivedStatus};
use super::roles::{focus_on_open, AccessLinks, AccessNav, AccessPage, Loaded};
use crate::api::departments::load_departments;
use crate::domain::Permission;
use crate::wire::departments::{DepartmentView, DepartmentsPage as Departments};
use crate::wire::AppError;
use leptos::prelude::*;

const EDITOR_FIELDS: [&str; 1] = ["name"];

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    view! {
        <AccessPage title="Departments" needs=Permission::ManageDepartments
            sign_in="/login?next=%2Fsettings%2Fdepartments"
            denied=("Only people who may manage departments see them", "Ask an owner of your organisation if a department needs to change.")
            load=load_departments
            page=Callback::new(|Loaded { data: page, nav, done, reload }: Loaded<Departments>| {
                view! { <DepartmentsView page nav done reload /> }.into_any()
            }) />
    }
}

/// "2 people, 1 pending invitation".
fn people(d: &DepartmentView) -> String {
    people_and_invitations(d.members, d.pending_invitations)
}

#[component]
fn DepartmentsView(
    page: Departments,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    reload: Callback<String>,
) -> impl IntoView {
    // `None`: closed; `Some(None)`: a new one; `Some(Some(d))`: renaming d.
    let editing = RwSignal::new(None::<Option<DepartmentView>>);
    let error = RwSignal::new(None::<AppError>);
    let open = move |what: Option<DepartmentView>| {
        done.set(None);
        error.set(None);
        editing.set(Some(what));
    };
    // Archives or restores `d`.
    let toggle = move |d: DepartmentView| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::departments::{archive_department, restore_department};
            error.set(None);
            leptos::task::spawn_local(async move {
                let id = d.id.to_string();
                let (result, message) = if d.archived_at.is_some() {
                    (
                        restore_department(id).await,
                        format!("Department {} restored.", d.name),
                    )
                } else {
                    (
                        archive_department(id).await,
                        format!("Department {} archived.", d.name),
                    )
                };
                match result {
                    Ok(()) => reload.run(message),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (d, reload);
    };
    let rows = page
        .departments
        .iter()
        .map(|d| {
            let (rename, archive) = (d.clone(), d.clone());
            let (rename_label, toggle_label, toggle_text) = if d.archived_at.is_some() {
                (
                    format!("Rename {}", d.name),
                    format!("Restore {}", d.name),
                    "Restore",
                )
            } else {
                (
                    format!("Rename {}", d.name),
                    format!("Archive {}", d.name),
                    "Archive",
                )
            };
            view! {
                <tr>
                    <th scope="row">
                        {d.name.clone()}
                        // Phones: the hidden columns here.
                        <span class="cell-sub">
                            {people(d)}
                            {d.archived_at.is_some().then_some(" · archived")}
                        </span>
                    </th>
                    <td class="col-wide">{people(d)}</td>
                    <td class="col-wide"><ArchivedStatus archived_at=d.archived_at.clone() /></td>
                    <td>
                        <div class="row-actions">
                            <button type="button" class="button secondary" aria-label=rename_label
                                on:click=move |_| open(Some(rename.clone()))>"Rename"</button>
                            <button type="button" class="button secondary" aria-label=toggle_label
                                on:click=move |_| toggle(archive.clone())>{toggle_text}</button>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let empty = page.departments.is_empty();
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Departments"</h1>
                <div class="page-actions">
                    <button type="button" class="button primary" on:click=move |_| open(None)>"New department"</button>
                </div>
            </div>
            <AccessNav links=nav />
            <p class="muted">
                "Each person has one department. Archived departments leave the invite dialog and the pickers, "
                "and stay on their people until someone changes them."
            </p>
            <p class="form-success" role="status">{move || done.get()}</p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            {if empty {
                view! { <p class="muted">"None yet. Add the first one, such as Customer Support."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Departments">
                        <table class="roles-table">
                            <caption class="visually-hidden">"Departments of your organisation"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Department"</th>
                                    <th scope="col" class="col-wide">"People"</th>
                                    <th scope="col" class="col-wide">"Status"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {move || editing.get().map(|department| view! { <DepartmentEditor department editing reload /> })}
        </main>
    }
}

/// Creates a department (`department` is `None`) or renames one.
#[component]
fn DepartmentEditor(
    department: Option<DepartmentView>,
    editing: RwSignal<Option<Option<DepartmentView>>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &EDITOR_FIELDS);
    let (title, button) = match &department {
        Some(d) => (format!("Rename {}", d.name), "Save name"),
        None => ("New department".to_string(), "Create department"),
    };
    let target = department.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::{form_value, submitted_form};
            use crate::api::departments::{create_department, rename_department};
            let form = submitted_form(&ev);
            let name = form_value(form.as_ref(), "name");
            let target = target.clone();
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = match &target {
                    None => create_department(name.clone()).await.map(|_| ()),
                    Some(d) => rename_department(d.id.to_string(), name.clone()).await,
                };
                pending.set(false);
                match result {
                    Ok(()) => reload.run(format!("Department {name} saved.")),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, pending, reload);
    };
    let name = department.map(|d| d.name).unwrap_or_default();
    view! {
        <section class="card role-editor" aria-labelledby="department-editor-title">
            <h2 id="department-editor-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <form on:submit=on_submit>
                <Field name="name" label="Name" required=true value=name error=errors.field("name") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>{button}</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
