//! The sign-in page.

use super::field::Field;
use crate::api::auth::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The form's fields, as server errors name them.
const FIELDS: [&str; 2] = ["email", "password"];

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let form_error = move || {
        error()
            // Messages that belong beside a field are shown there.
            .filter(|e| FIELDS.iter().all(|f| e.for_field(f).is_none()))
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Sign in" />
        <main class="centered">
            <section class="card auth-card" aria-labelledby="sign-in-title">
                <h1 id="sign-in-title">"Sign in to Roster"</h1>
                <ActionForm action=action>
                    <input type="hidden" name="next" value=next />
                    <Field
                        name="email"
                        label="Email"
                        input_type="email"
                        inputmode="email"
                        autocomplete="username"
                        required=true
                        error=Signal::derive(field_error("email"))
                    />
                    <Field
                        name="password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        error=Signal::derive(field_error("password"))
                    />
                    <p class="form-error" role="alert">{form_error}</p>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="auth-links"><a href="/forgot-password">"Forgot password?"</a></p>
            </section>
        </main>
    }
}
