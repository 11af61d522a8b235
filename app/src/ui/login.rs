//! The sign-in page.

use super::field::{Field, FormErrors};
use super::location::use_page_query;
use super::post::{Post, PostForm};
use crate::api::auth::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;

/// The form's fields, as server errors name them.
const FIELDS: [&str; 2] = ["email", "password"];

#[component]
pub fn LoginPage() -> impl IntoView {
    let post = Post::<SignIn>::new();
    let query = use_page_query();
    let next = move || query.get("next").unwrap_or_default();
    let errors = FormErrors::shown(post.error(), &FIELDS);
    view! {
        <Title text="Sign in" />
        <main class="centered">
            <section class="card auth-card" aria-labelledby="sign-in-title">
                <h1 id="sign-in-title">"Sign in to Roster"</h1>
                <PostForm post>
                    <input type="hidden" name="next" value=next />
                    <Field
                        name="email"
                        label="Email"
                        input_type="email"
                        inputmode="email"
                        autocomplete="username"
                        required=true
                        error=errors.field("email")
                    />
                    <Field
                        name="password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        error=errors.field("password")
                    />
                    <p class="form-error" role="alert">{move || errors.general()}</p>
                    <button type="submit" class="button primary wide" disabled=move || post.pending()>
                        {move || if post.pending() { "Signing in…" } else { "Sign in" }}
                    </button>
                </PostForm>
                <p class="auth-links"><a href="/forgot-password">"Forgot password?"</a></p>
            </section>
        </main>
    }
}
