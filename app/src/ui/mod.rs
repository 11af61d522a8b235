//! Pages and components.

mod accept;
mod audit;
mod avatar;
mod dialog;
mod email_verification;
mod event_stream;
mod field;
mod format;
mod layout;
mod login;
mod member;
mod member_actions;
mod page;
mod pager;
mod password_field;
mod password_reset;
mod profile;
mod settings;
mod team;
mod url_view;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The server adds the Content-Security-Policy with this page's script
    // nonce (server/src/web.rs).
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/pkg/roster.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: tests wait for this
    // marker before they click.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Roster".to_string() } else { format!("{page} · Roster") } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/team" /> } />
                <Route path=path!("/login") view=login::LoginPage />
                // Async: the whole page resolves before the status line is
                // sent, so a signed-out visitor gets a real redirect and a
                // Member a real 403.
                <Route path=path!("/team") view=team::TeamPage ssr=SsrMode::Async />
                <Route path=path!("/team/:id") view=member::MemberPage ssr=SsrMode::Async />
                <Route path=path!("/profile") view=profile::ProfilePage ssr=SsrMode::Async />
                <Route path=path!("/settings/organisation") view=settings::OrganisationSettingsPage ssr=SsrMode::Async />
                <Route path=path!("/audit") view=audit::AuditPage ssr=SsrMode::Async />
                <Route path=path!("/invite") view=accept::InvitePage ssr=SsrMode::Async />
                <Route path=path!("/welcome") view=accept::WelcomePage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=password_reset::ForgotPasswordPage />
                <Route path=path!("/reset-password") view=password_reset::ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view=email_verification::VerifyEmail ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    layout::set_page_status(404);
    view! {
        <Title text="Page not found" />
        <main class="centered">
            <section class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a class="button" href="/team">"Go to your team"</a>
            </section>
        </main>
    }
}
