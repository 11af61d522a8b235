//! The organisation settings page (owners): name, time zone, how long
//! invitations last by default, the primary contact and the product's
//! address.

use super::field::{Field, FormErrors, SelectField};
use super::layout::Notice;
use super::page::{check_access, GuardedPage};
use crate::api::organisation::{load_organisation_settings, SaveOrganisationSettings};
use crate::domain::invitation::{ExpiryHours, EXPIRY_CHOICES};
use crate::domain::Permission;
use crate::wire::organisation::OrganisationSettings;
use crate::wire::session::SessionUser;
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
    // A saved change shows in the header (the organisation's name) and in
    // the form, so reload both from the server.
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            data.refetch();
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
            ready=move |_: SessionUser, settings: OrganisationSettings| view! { <SettingsForm settings save /> }.into_any() />
    }
}

#[component]
fn SettingsForm(
    settings: OrganisationSettings,
    save: ServerAction<SaveOrganisationSettings>,
) -> impl IntoView {
    let errors = FormErrors::of(save, &FIELDS);
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
        <main class="page narrow">
            <h1>"Organisation settings"</h1>
            <section class="card">
                <ActionForm action=save>
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
        </main>
    }
}
