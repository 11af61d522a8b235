//! Password resets from the person's side: "Forgot password?" and the
//! page a reset link opens (phone first, like the invitation page).

use super::accept::{Closed, LinkError, LinkNotice};
use super::field::{Field, FormErrors};
use super::format::LocalTime;
use super::location::use_page_query;
use super::page_data::page_data;
use super::password_field::{NewPasswordField, PasswordHints};
use super::post::{Post, PostForm};
use crate::api::password_reset::{CompletePasswordReset, RequestPasswordReset};
use crate::wire::password_reset::PasswordResetPage;
use crate::wire::Moment;
use leptos::prelude::*;
use leptos_meta::Title;

/// What "Forgot password?" answers, whether or not the email has an
/// account.
pub const REQUEST_ANSWER: &str = "If an account exists for that address, we've sent a link to choose a new password. It works for one hour. If it isn't in your inbox in a few minutes, check your spam folder.";

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let post = Post::<RequestPasswordReset>::new();
    let errors = FormErrors::shown(post.error(), &["email"]);
    // After the request the server redirects to `?sent`, with or without
    // JavaScript.
    let query = use_page_query();
    let answered = move || query.get("sent").is_some();
    let form = move || {
        view! {
            <p>"Enter the email you sign in with, and we'll send you a link to choose a new password."</p>
            <PostForm post>
                <Field
                    name="email"
                    label="Email"
                    input_type="email"
                    inputmode="email"
                    autocomplete="email"
                    required=true
                    error=errors.field("email")
                />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <button type="submit" class="button primary wide" disabled=move || post.pending()>
                    {move || if post.pending() { "Sending…" } else { "Send reset link" }}
                </button>
            </PostForm>
            <p><a href="/login">"Back to sign in"</a></p>
        }
    };
    view! {
        <Title text="Forgot password" />
        <main class="centered invite">
            <section class="card invite-card" aria-labelledby="forgot-title">
                <h1 id="forgot-title">"Forgot your password?"</h1>
                <Show when=answered fallback=form>
                    <p role="status">{REQUEST_ANSWER}</p>
                    <a class="button primary wide" href="/login">"Back to sign in"</a>
                </Show>
            </section>
        </main>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_page_query();
    let (token, changed) = untrack(|| (query.get("token"), query.get("changed")));
    // A completed reset redirects here with `changed`
    // (server/password_resets.rs), with or without JavaScript.
    if changed.is_some() {
        return view! {
            <main class="centered invite">
                <Title text="Password changed" />
                <section class="card invite-card" aria-labelledby="reset-title">
                    <PasswordChanged />
                </section>
            </main>
        }
        .into_any();
    }
    let ask_again = || ("/forgot-password".to_string(), "Ask for a new link");
    // Looking only: the token is consumed by setting a password, never here.
    let page = page_data::<PasswordResetPage>().map(|page| match page {
        Ok(PasswordResetPage::Open { email, expires_at }) => {
            view! { <ResetForm email expires_at token=token.unwrap_or_default() /> }.into_any()
        }
        Ok(PasswordResetPage::Expired) => LinkNotice {
            title: "This link has expired",
            text: "Password reset links work for one hour. Ask for a new one, and use it within the hour.".to_string(),
            action: Some(ask_again()),
        }
        .view(),
        Ok(PasswordResetPage::Used) => {
            view! {
                <Closed title="This link has already been used">
                    <p>"Each link works once. If you chose a new password with it, sign in with that password; otherwise ask for a new link."</p>
                    <a class="button primary wide" href="/login">"Sign in"</a>
                    <p><a href="/forgot-password">"Ask for a new link"</a></p>
                </Closed>
            }
            .into_any()
        }
        Ok(PasswordResetPage::Invalid) => LinkNotice {
            title: "This link is no longer valid",
            text: "A newer link may have been sent and replaced this one, or the address is incomplete. Check your email for a newer link, or ask for a new one.".to_string(),
            action: Some(ask_again()),
        }
        .view(),
        Err(error) => view! { <LinkError error /> }.into_any(),
    });
    view! { <main class="centered invite">{page}</main> }.into_any()
}

/// What a completed reset shows, with or without JavaScript.
#[component]
fn PasswordChanged() -> impl IntoView {
    view! {
        <h1 id="reset-title">"Password changed"</h1>
        <p role="status">
            "Your password was changed, and you were signed out everywhere you were signed in. Sign in with your new password."
        </p>
        <a class="button primary wide" href="/login">"Sign in"</a>
    }
}

const RESET_FIELDS: [&str; 2] = ["password", "password_confirm"];

/// The new-password form; once the password is changed, where to sign in.
/// It never signs in by itself.
#[component]
fn ResetForm(email: String, expires_at: Moment, token: String) -> impl IntoView {
    let post = Post::<CompletePasswordReset>::new();
    let errors = FormErrors::shown(post.error(), &RESET_FIELDS);
    let changed = move || post.succeeded();
    let form = move || {
        let hints = PasswordHints::PasswordReset(token.clone());
        let token = token.clone();
        view! {
            <h1 id="reset-title">"Choose a new password"</h1>
            <dl class="facts">
                <dt>"Account"</dt>
                <dd class="break">{email.clone()}</dd>
                <dt>"Link expires"</dt>
                <dd><LocalTime at=expires_at.clone() /></dd>
            </dl>
            <PostForm post>
                <input type="hidden" name="token" value=token />
                <NewPasswordField
                    label="New password"
                    hints
                    error=errors.field("password")
                />
                <Field
                    name="password_confirm"
                    label="Confirm new password"
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                    error=errors.field("password_confirm")
                />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <button type="submit" class="button primary wide" disabled=move || post.pending()>
                    {move || if post.pending() { "Saving…" } else { "Save new password" }}
                </button>
            </PostForm>
        }
    };
    view! {
        <Title text="Choose a new password" />
        <section class="card invite-card" aria-labelledby="reset-title">
            <Show when=changed fallback=form>
                <PasswordChanged />
            </Show>
        </section>
    }
}
