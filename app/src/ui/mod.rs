//! Pages and components.

mod accept;
mod assets;
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

pub use assets::AssetNames;

/// The HTML document around the app, rendered only on the server.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    // The server adds the Content-Security-Policy with this page's script
    // nonce (server/src/http/security.rs), and the build's file names.
    let assets = use_context::<AssetNames>().unwrap_or_default();
    let path = request_path();
    let bundle = assets.bundle_for(&path).to_string();
    // `inner_html`: the stylesheet is raw text; escaping would break `>`.
    let stylesheet = match assets.inline_stylesheet_for(&path) {
        Some(css) => {
            view! { <style nonce=leptos::nonce::use_nonce() inner_html=css.to_string()></style> }
                .into_any()
        }
        None => view! { <link rel="stylesheet" href=format!("/pkg/{}", assets.stylesheet) /> }
            .into_any(),
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {stylesheet}
                <assets::HydrationScript bundle />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The path of the page being rendered (the shell renders only on the server).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return parts.uri.path().to_string();
    }
    String::new()
}

/// Marks `<body>` once hydration has finished: effects run only in the
/// browser, after hydration, so tests wait for this marker before they click.
fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Every page's title reads "Page · Roster".
fn page_title(page: String) -> String {
    if page.is_empty() {
        "Roster".to_string()
    } else {
        format!("{page} · Roster")
    }
}

/// The whole application: the server renders every page with it, and the
/// admin pages hydrate with it (the `frontend` bundle).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Title formatter=page_title />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/team" /> } />
                // The invitee pages: the same lines as in `InviteeApp`.
                <Route path=path!("/login") view=login::LoginPage />
                <Route path=path!("/invite") view=accept::InvitePage ssr=SsrMode::Async />
                <Route path=path!("/welcome") view=accept::WelcomePage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=password_reset::ForgotPasswordPage />
                <Route path=path!("/reset-password") view=password_reset::ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view=email_verification::VerifyEmail ssr=SsrMode::Async />
                // Async: the whole page resolves before the status line is
                // sent, so a signed-out visitor gets a real redirect and a
                // Member a real 403.
                <Route path=path!("/team") view=team::TeamPage ssr=SsrMode::Async />
                <Route path=path!("/team/:id") view=member::MemberPage ssr=SsrMode::Async />
                <Route path=path!("/profile") view=profile::ProfilePage ssr=SsrMode::Async />
                <Route path=path!("/settings/organisation") view=settings::OrganisationSettingsPage ssr=SsrMode::Async />
                <Route path=path!("/audit") view=audit::AuditPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// The paths `InviteeApp` routes: pages an invitee or a signed-out person
/// opens, often first on a phone. The server sends them the small
/// `invitee` bundle instead of the whole application (see [`AssetNames`]).
pub const INVITEE_PATHS: [&str; 6] = [
    "/login",
    "/invite",
    "/welcome",
    "/forgot-password",
    "/reset-password",
    "/verify-email",
];

/// The invitee pages alone, hydrated by the `invitee` bundle. The server
/// renders them with `App`; hydration needs the same view for each path,
/// so these routes repeat `App`'s lines word for word (a server test
/// compares both route lists with [`INVITEE_PATHS`]). Nothing else of the
/// application is named here, so none of it is in this bundle.
#[component]
pub fn InviteeApp() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Title formatter=page_title />
        <Router>
            <Routes fallback=ElsewhereInApp>
                <Route path=path!("/login") view=login::LoginPage />
                <Route path=path!("/invite") view=accept::InvitePage ssr=SsrMode::Async />
                <Route path=path!("/welcome") view=accept::WelcomePage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=password_reset::ForgotPasswordPage />
                <Route path=path!("/reset-password") view=password_reset::ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view=email_verification::VerifyEmail ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// A path the invitee bundle does not know (after signing in, say): the
/// browser loads it from the server, which sends the page with the bundle
/// that has it. Only on a navigation: the server never sends this bundle
/// for such a path, so there is nothing to hydrate here.
#[component]
fn ElsewhereInApp() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            let target = format!("{}{}", location.pathname.get(), location.search.get());
            if let Some(window) = web_sys::window() {
                let _ = window.location().replace(&target);
            }
        });
    }
    view! { <main class="centered"><p class="loading">"Loading…"</p></main> }
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
