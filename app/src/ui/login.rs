//! The sign-in page.

use crate::api::auth::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let form_error = move || error().filter(|e| !matches!(e, crate::error::AppError::Invalid { .. })).map(|e| e.to_string());
    let email_error = field_error("email");
    let password_error = field_error("password");
    view! {
        <Title text="Sign in" />
        <main class="centered">
            <section class="card auth-card" aria-labelledby="sign-in-title">
                <h1 id="sign-in-title">"Sign in to Roster"</h1>
                <ActionForm action=action>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            inputmode="email"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            aria-invalid=move || email_error().is_some().to_string()
                            aria-describedby="email-error"
                        />
                        <p id="email-error" class="field-error">{email_error}</p>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            aria-invalid=move || password_error().is_some().to_string()
                            aria-describedby="password-error"
                        />
                        <p id="password-error" class="field-error">{password_error}</p>
                    </div>
                    <p class="form-error" role="alert">{form_error}</p>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
