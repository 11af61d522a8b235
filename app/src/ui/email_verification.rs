//! The page an email verification link opens (phone first, like the other
//! link pages).

use super::accept::{LinkError, LinkNotice};
use super::field::FormErrors;
use super::location::{reload, use_page_query};
use super::page_data::page_data;
use super::post::{Post, PostForm};
use crate::api::email_verification::ConfirmVerification;
use crate::domain::next_path::is_link_token;
use crate::domain::refusal::{VERIFICATION_LINK_EXPIRED, VERIFICATION_LINK_INVALID};
use crate::wire::email_verification::VerifyEmailPage;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sign in, then come back to this link; with anything but a token in the
/// query, just sign in.
fn sign_in_then_back(token: &str) -> String {
    if is_link_token(token) {
        format!("/login?next=%2Fverify-email%3Ftoken%3D{token}")
    } else {
        "/login".to_string()
    }
}

#[component]
pub fn VerifyEmail() -> impl IntoView {
    let query = use_page_query();
    let token = untrack(|| query.get("token")).unwrap_or_default();
    // Looking only: the link is used by the button, never here. Once it
    // is, the page loads again and says so.
    let post = Post::<ConfirmVerification>::new();
    Effect::new(move |_| {
        if post.succeeded() {
            reload();
        }
    });
    let page = page_data::<VerifyEmailPage>().map(|page| match page {
        Ok(VerifyEmailPage::Open { email, signed_in: true }) => {
            view! { <Confirm email token=token.clone() post /> }.into_any()
        }
        Ok(VerifyEmailPage::Open { email, signed_in: false }) => LinkNotice {
            title: "Sign in to verify your address",
            text: format!(
                "Sign in to the Roster account of {email}, and this link verifies its address. Didn't create that account? Someone else used your address: choose a new password with \"Forgot password?\" on the sign-in page to take it over."
            ),
            action: Some((sign_in_then_back(&token), "Sign in")),
        }
        .view(),
        Ok(VerifyEmailPage::Used) => LinkNotice {
            title: "Your email address is verified",
            text: "Thank you: there is nothing else to do.".to_string(),
            action: Some(("/welcome".to_string(), "Continue")),
        }
        .view(),
        Ok(dead @ (VerifyEmailPage::Expired | VerifyEmailPage::Invalid)) => {
            let (title, why) = if dead == VerifyEmailPage::Expired {
                ("This link has expired", VERIFICATION_LINK_EXPIRED)
            } else {
                ("This link is no longer valid", VERIFICATION_LINK_INVALID)
            };
            LinkNotice {
                title,
                text: why.to_string(),
                action: Some(("/forgot-password".to_string(), "Choose a new password")),
            }
            .view()
        }
        Err(error) => view! { <LinkError error /> }.into_any(),
    });
    view! { <main class="centered invite">{page}</main> }
}

#[component]
fn Confirm(email: String, token: String, post: Post<ConfirmVerification>) -> impl IntoView {
    let errors = FormErrors::shown(post.error(), &[]);
    view! {
        <Title text="Verify your email address" />
        <section class="card invite-card" aria-labelledby="verify-title">
            <h1 id="verify-title">"Verify your email address"</h1>
            <p>"Confirm that you read the email sent to"</p>
            <p class="break"><strong>{email}</strong></p>
            <PostForm post>
                <input type="hidden" name="token" value=token />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <button type="submit" class="button primary wide" disabled=move || post.pending()>
                    "Verify my email address"
                </button>
            </PostForm>
        </section>
    }
}
