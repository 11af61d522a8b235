//! The organisation settings page (owners): name, time zone, how long
//! invitations last by default, the primary contact and the product's
//! address; and, apart because changing it asks for a step-up, the
//! two-factor policy.

use super::field::{Field, FormErrors, SelectField};
use super::layout::Notice;
use super::page::{check_access, GuardedPage};
use crate::api::organisation::{load_organisation_settings, SaveOrganisationSettings};
use crate::domain::invitation::{ExpiryHours, EXPIRY_CHOICES};
use crate::domain::two_factor_policy::TwoFactorPolicy;
use crate::domain::Permission;
use crate::wire::organisation::OrganisationSettings;
use crate::wire::session::SessionUser;
use crate::wire::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

const FIELDS: [&str; 5] = [
    "name",
    "time_zone",
    "invitation_expiry_hours",
    "primary_contact_id",
    "product_url",
];

#[component]
pub fn OrganisationSettingsPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| {
            check_access(
                Some(Permission::ManageOrganisation),
                load_organisation_settings(),
            )
        },
    );
    let save = ServerAction::<SaveOrganisationSettings>::new();
    // A new name shows in the header, so the page reloads from the server
    // when the name changed, and only then: reloading draws both forms
    // again, which would throw away what someone has begun choosing in the
    // two-factor form meanwhile. Every other field shows what was typed.
    let shown_name = StoredValue::new(None::<String>);
    let submitted_name = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if let Some(input) = save.input().get() {
            submitted_name.set_value(Some(input.name.trim().to_owned()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            if submitted_name.get_value() != shown_name.get_value() {
                data.refetch();
            }
        }
    });
    let denied = || {
        view! {
            <Notice title="Only owners can change organisation settings">
                <p>"Ask an owner of your organisation if something here needs to change."</p>
            </Notice>
        }
    };
    view! {
        <Title text="Organisation settings" />
        <GuardedPage access=data sign_in="/login?next=%2Fsettings%2Forganisation" denied
            ready=move |_: SessionUser, settings: OrganisationSettings| {
                let (policy, grace_days) = (settings.two_factor_policy, settings.two_factor_grace_days);
                shown_name.set_value(Some(settings.name.clone()));
                view! {
                    <main class="page narrow">
                        <h1>"Organisation settings"</h1>
                        <SettingsForm settings save />
                        <TwoFactorPolicyForm policy grace_days />
                    </main>
                }
                .into_any()
            } />
    }
}

#[component]
fn SettingsForm(
    settings: OrganisationSettings,
    save: ServerAction<SaveOrganisationSettings>,
) -> impl IntoView {
    let errors = FormErrors::of(save, &FIELDS);
    // A new primary contact or product address asks for a step-up first.
    let save_form = NodeRef::<leptos::html::Form>::new();
    expect_context::<super::step_up::StepUp>().resubmit(save, save_form);
    let zones: Vec<(String, String)> = settings
        .time_zones
        .iter()
        .map(|z| (z.clone(), z.replace('_', " ")))
        .collect();
    // The organisation's current value stays selectable even if it is not
    // one of the usual choices (it may have been set from the command line).
    let mut hours: Vec<i32> = EXPIRY_CHOICES.to_vec();
    if !hours.contains(&settings.invitation_expiry_hours) {
        hours.push(settings.invitation_expiry_hours);
        hours.sort_unstable();
    }
    let contacts: Vec<(String, String)> = settings
        .contact_choices
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let contact = settings
        .primary_contact
        .map(|id| id.to_string())
        .unwrap_or_default();
    let expiry_choices: Vec<(String, String)> = hours
        .into_iter()
        .filter_map(|h| ExpiryHours::new(h).ok())
        .map(|h| (h.hours().to_string(), h.describe()))
        .collect();
    view! {
            <section class="card">
                <ActionForm action=save node_ref=save_form>
                    <Field name="name" label="Organisation name" autocomplete="organization" required=true value=settings.name.clone() error=errors.field("name") />
                    <SelectField name="time_zone" label="Time zone" options=zones selected=settings.time_zone.clone() help="Invitation emails give expiry times in this zone and in UTC." error=errors.field("time_zone") />
                    <SelectField name="invitation_expiry_hours" label="Invitations expire after" options=expiry_choices selected=settings.invitation_expiry_hours.to_string() help="The default for new invitations. Whoever invites can choose another duration, from 1 hour to 30 days." error=errors.field("invitation_expiry_hours") />
                    <SelectField name="primary_contact_id" label="Primary contact" options=contacts selected=contact help="Who to contact about the organisation: an enabled owner or admin. They can't be disabled or deleted until someone else is chosen." error=errors.field("primary_contact_id") />
                    <Field name="product_url" label="Your product's address" input_type="url" inputmode="url" autocomplete="url"
                        value=settings.product_url.clone().unwrap_or_default()
                        help="Optional. Members without access to the team find a link to it on their home page, their way on after joining."
                        error=errors.field("product_url") />
                    <p class="form-error" role="alert">
                        {move || errors.general()}
                    </p>
                    <p class="form-success" role="status">
                        {move || matches!(save.value().get(), Some(Ok(()))).then_some("Settings saved.")}
                    </p>
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save settings"</button>
                    </div>
                </ActionForm>
            </section>
    }
}

const POLICY_FIELDS: [&str; 2] = ["two_factor_policy", "two_factor_grace_days"];

/// Whom the organisation requires two-factor sign-in of, and how long
/// each person has to set it up. Saving asks for a step-up when the last
/// proof is old (`ui::step_up`).
#[component]
fn TwoFactorPolicyForm(policy: TwoFactorPolicy, grace_days: i32) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &POLICY_FIELDS);
    let step_up = expect_context::<super::step_up::StepUp>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::form_value;
            use super::dialog::submitted_form;
            use crate::api::organisation::save_two_factor_policy;
            let form = submitted_form(&ev);
            let policy = form_value(form.as_ref(), "two_factor_policy");
            let grace = form_value(form.as_ref(), "two_factor_grace_days");
            pending.set(true);
            saved.set(false);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = step_up
                    .run(|| save_two_factor_policy(policy.clone(), grace.clone()))
                    .await;
                pending.set(false);
                match result {
                    Ok(()) => saved.set(true),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (step_up, pending, saved);
    };
    let policy_error = errors.field("two_factor_policy");
    let choices = TwoFactorPolicy::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <label class="choice">
                    <input type="radio" name="two_factor_policy" value=choice.key() checked=choice == policy />
                    {choice.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="two-factor-policy" aria-labelledby="two-factor-policy-title">
            <h2 id="two-factor-policy-title">"Two-factor sign-in"</h2>
            <p class="muted">
                "Sensitive permissions: inviting people, managing members, managing roles, organisation settings and the audit log. "
                "Whoever a requirement covers, from the moment it does, has the days below to set up an authenticator app; after that they can only set it up, edit their profile or sign out."
            </p>
            <form on:submit=on_submit>
                <fieldset class="choices" aria-invalid=move || policy_error.get().is_some().to_string()
                    aria-describedby="two-factor-policy-error">
                    <legend>"Require two-factor sign-in"</legend>
                    {choices}
                    <p id="two-factor-policy-error" class="field-error">{move || policy_error.get()}</p>
                </fieldset>
                <Field name="two_factor_grace_days" label="Days to set it up" input_type="number" inputmode="numeric"
                    value=grace_days.to_string()
                    help=GRACE_HELP
                    error=errors.field("two_factor_grace_days") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <p class="form-success" role="status">{move || saved.get().then_some("Two-factor policy saved.")}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>"Save two-factor policy"</button>
                </div>
            </form>
        </section>
    }
}

/// Names [`MAX_GRACE_DAYS`]; the test below holds them together.
const GRACE_HELP: &str = "From 0 (at their next sign-in) to 30 days.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::two_factor_policy::MAX_GRACE_DAYS;

    #[test]
    fn the_grace_help_names_the_bound() {
        assert!(GRACE_HELP.contains(&format!("to {MAX_GRACE_DAYS} days")));
    }
}
