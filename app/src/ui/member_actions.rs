//! Changing a member from any page (the team table's row menu, the
//! member's own page): which changes their status allows, and the dialog
//! that explains and confirms each.

use super::dialog::{close, open};
use super::field::{FormErrors, SelectField};
use super::format::LocalTime;
use crate::api::invitations::load_invite_options;
use crate::domain::member::MemberChange;
use crate::domain::MembershipStatus;
use crate::wire::invitations::InviteOptions;
use crate::wire::members::PasswordResetSent;
use crate::wire::team::TeamMember;
use crate::wire::AppError;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What a page provides so that its members can be changed: the dialog,
/// the change it is about, the role and department choices (loaded once),
/// where a failure to load them is reported, and what to do after a change
/// (reload the page's data).
#[derive(Clone, Copy)]
pub struct MemberActions {
    pub pending: RwSignal<Option<(TeamMember, MemberChange)>>,
    pub dialog: NodeRef<Dialog>,
    pub options: RwSignal<Option<InviteOptions>>,
    pub notice: RwSignal<Option<String>>,
    pub changed: Callback<()>,
}

impl MemberActions {
    pub fn new(changed: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            pending: RwSignal::new(None),
            dialog: NodeRef::new(),
            options: RwSignal::new(None),
            notice: RwSignal::new(None),
            changed: Callback::new(move |()| changed()),
        }
    }

    /// Opens the dialog for `change` on `member` (with the role and
    /// department choices loaded when it needs them).
    pub fn start(self, member: TeamMember, change: MemberChange) {
        let show = move || {
            self.pending.set(Some((member, change)));
            open(self.dialog);
        };
        if matches!(
            change,
            MemberChange::ChangeRole | MemberChange::ChangeDepartment
        ) {
            self.with_options(show);
        } else {
            show();
        }
    }

    /// Loads the picker choices once, then runs `then`.
    pub fn with_options(self, then: impl FnOnce() + 'static) {
        if self.options.get_untracked().is_some() {
            then();
            return;
        }
        spawn_local(async move {
            match load_invite_options().await {
                Ok(options) => {
                    self.options.set(Some(options));
                    then();
                }
                Err(e) => self.notice.set(Some(e.to_string())),
            }
        });
    }
}

/// The changes `member`'s status allows, as (label, destructive, change).
/// On one's own row only role and department: the server explains the rest
/// (a sole Owner stepping down, say).
pub fn changes_for(member: &TeamMember) -> Vec<(&'static str, bool, MemberChange)> {
    let role = ("Change role", false, MemberChange::ChangeRole);
    let department = ("Change department", false, MemberChange::ChangeDepartment);
    let delete = ("Delete", true, MemberChange::Delete);
    let reset_factor = ("Reset two-factor", true, MemberChange::ResetTwoFactor);
    let mut changes = match member.status {
        _ if member.is_you => return vec![role, department],
        MembershipStatus::Enabled => vec![
            role,
            department,
            (
                "Send password reset",
                false,
                MemberChange::SendPasswordReset,
            ),
            ("Disable", true, MemberChange::Disable),
        ],
        MembershipStatus::Disabled => vec![("Enable", false, MemberChange::Enable)],
    };
    if member.two_factor {
        changes.push(reset_factor);
    }
    changes.push(delete);
    changes
}

pub fn role_choices(options: &InviteOptions) -> Vec<(String, String)> {
    options
        .roles
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect()
}

pub fn department_choices(options: &InviteOptions) -> Vec<(String, String)> {
    std::iter::once((String::new(), "No department".to_string()))
        .chain(
            options
                .departments
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone())),
        )
        .collect()
}

/// What the member dialog says and asks for each change.
fn member_dialog_title(member: &TeamMember, action: MemberChange) -> String {
    match action {
        MemberChange::Disable => format!("Disable {}?", member.name),
        MemberChange::Enable => format!("Enable {}?", member.name),
        MemberChange::Delete => format!("Delete {}?", member.name),
        MemberChange::ChangeRole => format!("Change role for {}", member.name),
        MemberChange::ChangeDepartment => format!("Change department for {}", member.name),
        MemberChange::SendPasswordReset => format!("Send a password reset to {}?", member.name),
        MemberChange::ResetTwoFactor => format!("Reset two-factor sign-in for {}?", member.name),
        MemberChange::ChangePermissions => format!("Permissions of {}", member.name),
        MemberChange::ChangePosition => format!("Position of {}", member.name),
        MemberChange::ChangeGroups => format!("Groups of {}", member.name),
        MemberChange::ChangeSites => format!("Sites of {}", member.name),
    }
}

const MEMBER_FIELDS: [&str; 3] = ["role", "department", "confirm_email"];

#[component]
pub fn MemberDialog() -> impl IntoView {
    let actions = expect_context::<MemberActions>();
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let reset_sent = RwSignal::new(None::<PasswordResetSent>);
    let errors = FormErrors::new(error, &MEMBER_FIELDS);
    let step_up = expect_context::<super::step_up::StepUp>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((member, action)) = actions.pending.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::form_value;
            use super::dialog::submitted_form;
            use crate::api::members::{
                change_member_department, change_member_role, delete_member, disable_member,
                enable_member, reset_member_two_factor, send_password_reset,
            };
            let form = submitted_form(&ev);
            let value = |name: &str| form_value(form.as_ref(), name);
            let (role, department, confirm) = (
                value("role_id"),
                value("department_id"),
                value("confirm_email"),
            );
            pending.set(true);
            spawn_local(async move {
                let id = member.id;
                // Only a password reset has something to show afterwards:
                // where the email went and until when its link works.
                // Deleting, changing a role and resetting a factor may ask
                // for a step-up first.
                let run = || {
                    let (confirm, role, department) =
                        (confirm.clone(), role.clone(), department.clone());
                    async move {
                        match action {
                            MemberChange::Disable => disable_member(id).await.map(|()| None),
                            MemberChange::Enable => enable_member(id).await.map(|()| None),
                            MemberChange::Delete => delete_member(id, confirm).await.map(|()| None),
                            MemberChange::ChangeRole => {
                                change_member_role(id, role).await.map(|()| None)
                            }
                            MemberChange::ChangeDepartment => {
                                change_member_department(id, department)
                                    .await
                                    .map(|()| None)
                            }
                            MemberChange::SendPasswordReset => {
                                send_password_reset(id).await.map(Some)
                            }
                            MemberChange::ResetTwoFactor => {
                                reset_member_two_factor(id).await.map(|()| None)
                            }
                            // Nothing to send: the dialog only points to
                            // the member's page.
                            MemberChange::ChangePermissions
                            | MemberChange::ChangePosition
                            | MemberChange::ChangeGroups
                            | MemberChange::ChangeSites => Ok(None),
                        }
                    }
                };
                let result = step_up.run(run).await;
                pending.set(false);
                match result {
                    Ok(sent) => {
                        if sent.is_some() {
                            reset_sent.set(sent);
                        } else {
                            close(actions.dialog);
                        }
                        actions.changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (
            member,
            action,
            pending,
            reset_sent,
            actions.changed,
            step_up,
        );
    };
    let title = move || {
        if reset_sent.get().is_some() {
            return Some("Password reset sent".to_string());
        }
        actions
            .pending
            .get()
            .map(|(member, action)| member_dialog_title(&member, action))
    };
    view! {
        <dialog node_ref=actions.dialog class="dialog" aria-labelledby="member-title"
            on:close=move |_| { error.set(None); reset_sent.set(None); actions.pending.set(None); }>
            <h2 id="member-title">{title}</h2>
            {move || match reset_sent.get() {
                Some(sent) => view! {
                    <p>
                        "We emailed a link to " <strong class="break">{sent.email}</strong>
                        ". It works once, until " <LocalTime at=sent.expires_at /> "."
                    </p>
                    <p>"Only they can use it: you won't see the link or their new password."</p>
                    <div class="dialog-actions">
                        <button type="button" class="button primary" on:click=move |_| close(actions.dialog)>"Done"</button>
                    </div>
                }
                .into_any(),
                None => actions.pending.get().map(|(member, action)| {
                    let (body, button, danger) = member_dialog_body(&member, action, actions.options.get(), errors);
                    let class = if danger { "button danger-solid" } else { "button primary" };
                    view! {
                        <form on:submit=on_submit>
                            {body}
                            <p class="form-error" role="alert">
                                {move || errors.general()}
                            </p>
                            <div class="dialog-actions">
                                <button type="button" class="button secondary" on:click=move |_| close(actions.dialog)>"Cancel"</button>
                                <button type="submit" class=class disabled=move || pending.get()>{button}</button>
                            </div>
                        </form>
                    }
                })
                .into_any(),
            }}
        </dialog>
    }
}

/// The dialog's explanation and fields for `action`, its confirm button's
/// text, and whether that button is destructive.
fn member_dialog_body(
    member: &TeamMember,
    action: MemberChange,
    options: Option<InviteOptions>,
    errors: FormErrors,
) -> (AnyView, &'static str, bool) {
    let name = member.name.clone();
    match action {
        MemberChange::Disable => (
            view! {
                <p>
                    <strong>{name}</strong>
                    " loses access at once: their open sessions end and they can't sign in until someone enables them again. Nothing is deleted."
                </p>
            }
            .into_any(),
            "Disable",
            true,
        ),
        MemberChange::Enable => (
            view! { <p><strong>{name}</strong>" can sign in again with their current password."</p> }.into_any(),
            "Enable",
            false,
        ),
        MemberChange::Delete => {
            let email = member.email.clone();
            let label = format!("Type {email} to confirm");
            let confirm_error = errors.field("confirm_email");
            (
                view! {
                    <p>"Deleting " <strong>{name}</strong> " from your organisation:"</p>
                    <ul class="consequences">
                        <li>"ends their sessions here at once;"</li>
                        <li>"revokes the open invitations they sent;"</li>
                        <li>"removes their account if they belong to no other organisation;"</li>
                        <li>"keeps the audit history of what they did."</li>
                    </ul>
                    <p><strong>"This cannot be undone."</strong></p>
                    <div class="field">
                        <label for="confirm-email">{label}</label>
                        <input id="confirm-email" name="confirm_email" type="email" autocomplete="off"
                            autocapitalize="none" spellcheck="false" required
                            aria-invalid=move || confirm_error.get().is_some().to_string()
                            aria-describedby="confirm-email-error" />
                        <p id="confirm-email-error" class="field-error">{move || confirm_error.get()}</p>
                    </div>
                }
                .into_any(),
                "Delete permanently",
                true,
            )
        }
        MemberChange::ChangeRole => (
            options
                .map(|options| view! {
                    <SelectField name="role_id" id="member-role" label="Role" options=role_choices(&options)
                        selected=member.role_id.to_string() error=errors.field("role") />
                }
                .into_any())
                .unwrap_or_else(|| ().into_any()),
            "Save role",
            false,
        ),
        MemberChange::SendPasswordReset => {
            let email = member.email.clone();
            (
                view! {
                    <p>
                        "Roster emails " <strong>{name}</strong> " at " <strong class="break">{email}</strong>
                        " a link to choose a new password:"
                    </p>
                    <ul class="consequences">
                        <li>"it works once, for one hour;"</li>
                        <li>"any earlier reset link stops working;"</li>
                        <li>"their current password keeps working until they choose a new one, and then every session of theirs ends;"</li>
                        <li>"you won't see the link or the new password."</li>
                    </ul>
                }
                .into_any(),
                "Send reset email",
                false,
            )
        }
        MemberChange::ResetTwoFactor => (
            view! {
                <p>"For someone who lost their authenticator app and their recovery codes. Resetting " <strong>{name}</strong>"'s two-factor sign-in:"</p>
                <ul class="consequences">
                    <li>"removes their authenticator app and recovery codes;"</li>
                    <li>"ends every session of theirs at once;"</li>
                    <li>"emails them that it happened;"</li>
                    <li>"lets them sign in with their password alone until they set up an authenticator again."</li>
                </ul>
                <p>"Make sure it is really them asking: whoever has their password gets in."</p>
            }
            .into_any(),
            "Reset two-factor",
            true,
        ),
        // Changed on the member's page (`ui::member_access`, the position
        // beside it), never from this dialog.
        MemberChange::ChangePermissions
        | MemberChange::ChangePosition
        | MemberChange::ChangeGroups
        | MemberChange::ChangeSites => (
            view! { <p>"Change " <strong>{name}</strong>"'s permissions, groups, sites and position on their page."</p> }.into_any(),
            "Close",
            false,
        ),
        MemberChange::ChangeDepartment => (
            options
                .map(|options| view! {
                    <SelectField name="department_id" id="member-department" label="Department" options=department_choices(&options)
                        selected=member.department_id.map(|d| d.to_string()).unwrap_or_default() error=errors.field("department") />
                }
                .into_any())
                .unwrap_or_else(|| ().into_any()),
            "Save department",
            false,
        ),
    }
}
