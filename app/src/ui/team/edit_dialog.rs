//! The dialog that changes an open invitation's role, permissions,
//! department or groups.

use super::permission_picker::ExtraPermissions;
use super::state::TeamState;
use crate::ui::dialog::close;
use crate::ui::field::{FormErrors, SelectField};
use crate::ui::member_actions::{department_choices, role_choices};
use crate::wire::AppError;
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;
use std::collections::BTreeSet;

const EDIT_FIELDS: [&str; 5] = ["role", "department", "permissions", "groups", "sites"];

#[component]
pub(super) fn EditDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let error = RwSignal::new(None::<AppError>);
    let errors = FormErrors::new(error, &EDIT_FIELDS);
    // What the customize step and its warning follow.
    let role = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let groups = RwSignal::new(BTreeSet::<String>::new());
    let sites = RwSignal::new(BTreeSet::<String>::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(row) = state.editing.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        {
            use crate::ui::dialog::submitted_form;
            let form = submitted_form(&ev);
            let value = |name: &str| crate::ui::dialog::form_value(form.as_ref(), name);
            let (role, department) = (value("role_id"), value("department_id"));
            let permissions: Vec<String> = chosen.get_untracked().into_iter().collect();
            let groups: Vec<String> = groups.get_untracked().into_iter().collect();
            let sites: Vec<String> = sites.get_untracked().into_iter().collect();
            let step_up = expect_context::<crate::ui::step_up::StepUp>();
            spawn_local(async move {
                // A sensitive invitation may ask for a step-up first.
                let update = || {
                    crate::api::invitations::update_invitation(
                        row.id,
                        role.clone(),
                        department.clone(),
                        permissions.clone(),
                        groups.clone(),
                        sites.clone(),
                    )
                };
                match step_up.run(update).await {
                    Ok(()) => {
                        close(state.edit_dialog);
                        state.refresh();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = row;
    };
    view! {
        <dialog node_ref=state.edit_dialog class="dialog" aria-labelledby="edit-title"
            on:close=move |_| { error.set(None); state.editing.set(None); }>
            <h2 id="edit-title">"Edit invitation"</h2>
            {move || state.editing.get().zip(state.actions.options.get()).map(|(row, options)| {
                role.set(row.role_id.to_string());
                chosen.set(row.permissions.iter().cloned().collect());
                groups.set(row.groups.iter().map(|g| g.id.to_string()).collect());
                sites.set(row.site_choices.iter().cloned().collect());
                let extras = options.clone();
                view! {
                <p>"For " <strong class="break">{row.email.clone()}</strong> "."</p>
                <form on:submit=on_submit>
                    <div on:change=move |ev| role.set(event_target_value(&ev))>
                        <SelectField name="role_id" id="edit-role" label="Role" options=role_choices(&options) selected=row.role_id.to_string() error=errors.field("role") />
                    </div>
                    <ExtraPermissions options=extras role chosen groups id="edit-permissions" groups_error=errors.field("groups") sites sites_error=errors.field("sites") />
                    <p class="field-error">{move || errors.field("permissions").get()}</p>
                    <SelectField name="department_id" id="edit-department" label="Department" options=department_choices(&options)
                        selected=row.department_id.map(|d| d.to_string()).unwrap_or_default() error=errors.field("department") />
                    <p class="form-error" role="alert">
                        {move || errors.general()}
                    </p>
                    <div class="dialog-actions">
                        <button type="button" class="button secondary" on:click=move |_| close(state.edit_dialog)>"Cancel"</button>
                        <button type="submit" class="button primary">"Save"</button>
                    </div>
                </form>
                }
            })}
        </dialog>
    }
}
