//! The person's own profile page (`/profile`): their picture, their
//! details, and their password.

use super::avatar::Avatar;
use super::field::{Field, FormErrors, SelectField};
use super::page::{check_own_access, GuardedPage};
use super::password_field::{NewPasswordField, PasswordHints};
use super::two_factor::{TwoFactorActions, TwoFactorCard};
use crate::api::profile::{load_profile, ChangePassword, RemoveAvatar, SaveProfile};
use crate::domain::avatar::{AvatarProblem, ACCEPT};
use crate::wire::profile::OwnProfile;
use crate::wire::session::SessionUser;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| check_own_access(load_profile()));
    let save = ServerAction::<SaveProfile>::new();
    let remove = ServerAction::<RemoveAvatar>::new();
    let two_factor = TwoFactorActions::new(move || data.refetch());
    // A saved name shows in the header too; a removed picture everywhere.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(())))
            || matches!(remove.value().get(), Some(Ok(())))
        {
            data.refetch();
        }
    });
    view! {
        <Title text="Your profile" />
        <GuardedPage access=data sign_in="/login?next=%2Fprofile"
            ready=move |_: SessionUser, profile: OwnProfile| {
                let status = profile.two_factor.clone();
                let due = profile.two_factor_due;
                view! {
                    <main class="page narrow">
                        <h1>"Your profile"</h1>
                        <PictureCard profile=profile.clone() remove />
                        <DetailsCard profile save />
                        <PasswordCard />
                        <TwoFactorCard status actions=two_factor due />
                    </main>
                }
                .into_any()
            } />
    }
}

/// The picture, and a plain form that uploads a new one (it works before
/// the page is interactive; the server redirects back here saying how it
/// went).
#[component]
fn PictureCard(profile: OwnProfile, remove: ServerAction<RemoveAvatar>) -> impl IntoView {
    let query = use_query_map();
    let problem = move || {
        query.with(|q| {
            q.get("avatar_error")
                .and_then(|c| AvatarProblem::from_code(&c))
        })
    };
    // Checked in the browser too, so a huge photo isn't sent only to be
    // refused.
    let too_large = RwSignal::new(false);
    let error = move || {
        if too_large.get() {
            Some(AvatarProblem::TooLarge.to_string())
        } else {
            problem().map(|p| p.to_string())
        }
    };
    let saved =
        move || !too_large.get() && query.with(|q| q.get("avatar").as_deref() == Some("saved"));
    // Removing has no fields: every error is the form's.
    let remove_errors = FormErrors::of(remove, &[]);
    let has_picture = profile.avatar.is_some();
    let on_file = move |ev: leptos::ev::Event| {
        let _ = &ev;
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let size = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
                .map(|file| file.size());
            too_large.set(size.is_some_and(|s| s > crate::domain::avatar::MAX_UPLOAD_BYTES as f64));
        }
    };
    view! {
        <section class="card" aria-labelledby="picture-title">
            <h2 id="picture-title">"Picture"</h2>
            <div class="picture-row">
                <Avatar name=profile.name.clone() url=profile.avatar.clone() size="large" />
                <form class="picture-form" method="post" action="/profile/avatar" enctype="multipart/form-data">
                    <div class="field">
                        <label for="avatar">"Choose a picture"</label>
                        <p id="avatar-help" class="field-help">"PNG, JPEG or WebP, up to 5 MB. It is cropped to a square; what else the file holds (such as where a photo was taken) is not kept."</p>
                        <input
                            id="avatar"
                            name="avatar"
                            type="file"
                            accept=ACCEPT
                            required
                            on:change=on_file
                            aria-invalid=move || error().is_some().to_string()
                            aria-describedby="avatar-help avatar-error"
                        />
                        <p id="avatar-error" class="field-error">{error}</p>
                    </div>
                    <p class="form-success" role="status">{move || saved().then_some("Picture saved.")}</p>
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || too_large.get()>"Upload picture"</button>
                    </div>
                </form>
            </div>
            {has_picture.then(|| view! {
                <ActionForm action=remove>
                    <p class="form-error" role="alert">{move || remove_errors.general()}</p>
                    <button type="submit" class="button secondary" disabled=move || remove.pending().get()>"Remove picture"</button>
                </ActionForm>
            })}
        </section>
    }
}

const DETAIL_FIELDS: [&str; 4] = ["name", "position", "phone", "time_zone"];

#[component]
fn DetailsCard(profile: OwnProfile, save: ServerAction<SaveProfile>) -> impl IntoView {
    let errors = FormErrors::of(save, &DETAIL_FIELDS);
    let zones: Vec<(String, String)> = profile
        .time_zones
        .iter()
        .map(|z| (z.clone(), z.replace('_', " ")))
        .collect();
    view! {
        <section class="card" aria-labelledby="details-title">
            <h2 id="details-title">"Your details"</h2>
            <p class="muted">
                "You sign in as " <strong class="break">{profile.email.clone()}</strong> "."
            </p>
            <ActionForm action=save>
                <Field name="name" label="Name" autocomplete="name" required=true value=profile.name.clone() error=errors.field("name") />
                <Field name="position" label="Position" autocomplete="organization-title" value=profile.position.clone().unwrap_or_default() help="Your job title in this organisation; each of your organisations keeps its own." error=errors.field("position") />
                <Field name="phone" label="Phone" input_type="tel" inputmode="tel" autocomplete="tel" value=profile.phone.clone().unwrap_or_default() help="Optional." error=errors.field("phone") />
                <SelectField name="time_zone" label="Time zone" options=zones selected=profile.time_zone.clone() help="Emails to you give times in this zone." error=errors.field("time_zone") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <p class="form-success" role="status">
                    {move || matches!(save.value().get(), Some(Ok(()))).then_some("Profile saved.")}
                </p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save details"</button>
                </div>
            </ActionForm>
        </section>
    }
}

const PASSWORD_FIELDS: [&str; 3] = ["current_password", "password", "password_confirm"];

#[component]
fn PasswordCard() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let errors = FormErrors::of(change, &PASSWORD_FIELDS);
    let form = NodeRef::<leptos::html::Form>::new();
    // A changed password must not linger in the fields.
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let done = move || {
        change.value().get().and_then(Result::ok).map(|changed| {
            match changed.other_sessions_ended {
                0 => "Password changed.".to_string(),
                1 => "Password changed. You were signed out of 1 other session.".to_string(),
                n => format!("Password changed. You were signed out of {n} other sessions."),
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <p class="muted">"Changing it signs you out everywhere else: other browsers, phones and organisations."</p>
            <ActionForm action=change node_ref=form>
                <Field name="current_password" label="Current password" input_type="password" autocomplete="current-password" required=true error=errors.field("current_password") />
                <NewPasswordField label="New password" hints=PasswordHints::OwnAccount error=errors.field("password") />
                <Field name="password_confirm" label="Confirm new password" input_type="password" autocomplete="new-password" required=true error=errors.field("password_confirm") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <p class="form-success" role="status">{done}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || change.pending().get()>
                        {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
