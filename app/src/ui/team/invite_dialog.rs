//! The dialog that invites someone by email.

use super::permission_picker::ExtraPermissions;
use super::state::TeamState;
use crate::api::invitations::CreateInvitation;
use crate::domain::invitation::{ExpiryHours, InvitationStatus, EXPIRY_CHOICES};
use crate::ui::dialog::close;
use crate::ui::field::{Field, FormErrors, SelectField};
use crate::ui::member_actions::{department_choices, role_choices};
use crate::wire::invitations::InviteOutcome;
use leptos::html::Form;
use leptos::prelude::*;
use std::collections::BTreeSet;

const INVITE_FIELDS: [&str; 8] = [
    "sites",
    "email",
    "name",
    "role",
    "department",
    "expiry_hours",
    "permissions",
    "groups",
];

#[component]
pub(super) fn InviteDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let action = ServerAction::<CreateInvitation>::new();
    let form = NodeRef::<Form>::new();
    let errors = FormErrors::of(action, &INVITE_FIELDS);
    // Inviting into a sensitive role may ask for a step-up first.
    expect_context::<crate::ui::step_up::StepUp>().resubmit(action, form);
    // What the customize step and its warning follow.
    let role = RwSignal::new(String::new());
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let groups = RwSignal::new(BTreeSet::<String>::new());
    let sites = RwSignal::new(BTreeSet::<String>::new());
    let already = move || match action.value().get() {
        Some(Ok(InviteOutcome::AlreadyInvited {
            invitation_id,
            status,
        })) => Some((invitation_id, status)),
        _ => None,
    };
    // A new invitation closes this dialog and shows its link.
    Effect::new(move |_| {
        if let Some(Ok(InviteOutcome::Created(link))) = action.value().get() {
            action.value().set(None);
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            chosen.set(BTreeSet::new());
            groups.set(BTreeSet::new());
            sites.set(BTreeSet::new());
            close(state.invite_dialog);
            state.show_link(
                "Invitation created",
                "The invitation email is on its way. You can also share this link yourself.",
                link,
            );
        }
    });
    let cancel = move |_| {
        action.value().set(None);
        close(state.invite_dialog);
    };
    view! {
        <dialog node_ref=state.invite_dialog class="dialog" aria-labelledby="invite-title"
            on:close=move |_| action.value().set(None)>
            <h2 id="invite-title">"Invite user"</h2>
            {move || state.actions.options.get().map(|options| {
                let default_role = options.roles.last().map(|r| r.id.to_string()).unwrap_or_default();
                role.set(default_role.clone());
                let extras = options.clone();
                let expiry_default = options.default_expiry_hours.to_string();
                let expiry_choices: Vec<(String, String)> = EXPIRY_CHOICES
                    .iter()
                    .filter_map(|h| ExpiryHours::new(*h).ok())
                    .map(|h| (h.hours().to_string(), h.describe()))
                    .collect();
                view! {
                    <ActionForm action=action node_ref=form>
                        <Field name="email" id="invite-email" label="Email" input_type="email" inputmode="email" autocomplete="off" required=true error=errors.field("email") />
                        <Field name="name" id="invite-name" label="Full name" autocomplete="off" error=errors.field("name") />
                        <SelectField name="department_id" id="invite-department" label="Department" options=department_choices(&options) error=errors.field("department") />
                        <div on:change=move |ev| role.set(event_target_value(&ev))>
                            <SelectField name="role_id" id="invite-role" label="Role" options=role_choices(&options) selected=default_role error=errors.field("role") />
                        </div>
                        <ExtraPermissions options=extras role chosen groups id="invite-permissions" groups_error=errors.field("groups") sites sites_error=errors.field("sites") />
                        <p id="permissions-error" class="field-error">{move || errors.field("permissions").get()}</p>
                        <SelectField name="expiry_hours" id="invite-expiry" label="Invitation expires after" options=expiry_choices selected=expiry_default error=errors.field("expiry_hours") />
                        {move || already().map(|(id, status)| {
                            let expired = status == InvitationStatus::Expired;
                            view! {
                                <div class="callout" role="status">
                                    <p>{if expired { "This email already has an expired invitation." } else { "This email already has an open invitation." }}</p>
                                    <button type="button" class="button" on:click=move |_| {
                                        action.value().set(None);
                                        close(state.invite_dialog);
                                        state.resend(id);
                                    }>
                                        {if expired { "Send new invitation" } else { "Resend invitation" }}
                                    </button>
                                </div>
                            }
                        })}
                        <p class="form-error" role="alert">
                            {move || errors.general()}
                        </p>
                        <div class="dialog-actions">
                            <button type="button" class="button secondary" on:click=cancel>"Cancel"</button>
                            <button type="submit" class="button primary" disabled=move || action.pending().get()>"Send invitation"</button>
                        </div>
                    </ActionForm>
                }
            })}
        </dialog>
    }
}
