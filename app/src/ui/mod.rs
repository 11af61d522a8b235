//! Pages and components.

mod accept;
mod assets;
mod audit;
mod avatar;
mod departments;
mod dialog;
mod email_verification;
mod event_stream;
mod field;
mod format;
mod groups;
mod layout;
mod location;
mod login;
mod member;
mod member_access;
mod member_actions;
mod member_sites;
mod page;
mod page_data;
mod pager;
mod password_field;
mod password_reset;
mod permissions;
mod post;
mod profile;
mod roles;
mod settings;
mod sites;
mod step_up;
mod team;
mod two_factor;
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
    let bundle = assets.bundle_for(&path).map(str::to_string);
    let data = page_data_script(&path);
    // The page is rendered by the app that will hydrate it.
    let app = if assets.invitee.is_some() && INVITEE_PATHS.contains(&path.as_str()) {
        view! { <InviteeApp /> }.into_any()
    } else {
        view! { <App /> }.into_any()
    };
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
                {bundle.map(|bundle| view! { <assets::HydrationScript bundle /> })}
                {data}
                <MetaTags />
            </head>
            <body>{app}</body>
        </html>
    }
}

/// The `<script type="application/json">` carrying the page's data to the
/// browser, for the pages rendered from data loaded first (see
/// `page_data`). Not run: a data block needs no nonce.
fn page_data_script(path: &str) -> Option<AnyView> {
    #[cfg(feature = "ssr")]
    {
        let json = page_data::carried()?;
        Some(
            view! {
                <script
                    type="application/json"
                    id=page_data::ELEMENT_ID
                    data-path=path.to_string()
                    inner_html=page_data::script_text(&json)
                ></script>
            }
            .into_any(),
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = path;
        None
    }
}

/// The path of the page being rendered on the server, or hydrated in the
/// browser.
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return parts.uri.path().to_string();
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(path) = web_sys::window().and_then(|w| w.location().pathname().ok()) {
        return path;
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
    step_up::StepUp::provide();
    view! {
        <Title formatter=page_title />
        <Router>
            <location::RouterQuery>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/team" /> } />
                // The invitee pages: the same lines as in `InviteeApp`.
                <Route path=path!("/login") view=login::LoginPage />
                <Route path=path!("/invite") view=accept::InvitePage ssr=SsrMode::Async />
                <Route path=path!("/welcome") view=accept::WelcomePage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=password_reset::ForgotPasswordPage />
                <Route path=path!("/reset-password") view=password_reset::ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view=email_verification::VerifyEmail ssr=SsrMode::Async />
                // Sent with no script (see `SCRIPTLESS_PATHS`).
                <Route path=path!("/login/two-factor") view=two_factor::FactorStepPage />
                // Async: the whole page resolves before the status line is
                // sent, so a signed-out visitor gets a real redirect and a
                // Member a real 403.
                <Route path=path!("/team") view=team::TeamPage ssr=SsrMode::Async />
                <Route path=path!("/team/:id") view=member::MemberPage ssr=SsrMode::Async />
                <Route path=path!("/profile") view=profile::ProfilePage ssr=SsrMode::Async />
                <Route path=path!("/settings/organisation") view=settings::OrganisationSettingsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/roles") view=roles::RolesPage ssr=SsrMode::Async />
                <Route path=path!("/settings/permissions") view=permissions::PermissionsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/departments") view=departments::DepartmentsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/groups") view=groups::GroupsPage ssr=SsrMode::Async />
                <Route path=path!("/settings/groups/:id") view=groups::GroupPage ssr=SsrMode::Async />
                <Route path=path!("/settings/sites") view=sites::SitesPage ssr=SsrMode::Async />
                <Route path=path!("/audit") view=audit::AuditPage ssr=SsrMode::Async />
            </Routes>
            <step_up::StepUpDialog />
            </location::RouterQuery>
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

/// Pages the server sends with no script at all: plain forms that need
/// nothing from a bundle, so a phone downloads none. The factor step of
/// signing in is one; it adds nothing to either bundle's download.
pub const SCRIPTLESS_PATHS: [&str; 1] = ["/login/two-factor"];

/// Renders one invitee page.
type InviteePage = fn() -> AnyView;

/// Each invitee path's page, as `InviteeApp` renders it: the same pages as
/// `App`'s routes for these paths.
static INVITEE_PAGES: [(&str, InviteePage); 6] = [
    ("/login", || view! { <login::LoginPage /> }.into_any()),
    ("/invite", || view! { <accept::InvitePage /> }.into_any()),
    ("/welcome", || view! { <accept::WelcomePage /> }.into_any()),
    ("/forgot-password", || {
        view! { <password_reset::ForgotPasswordPage /> }.into_any()
    }),
    ("/reset-password", || {
        view! { <password_reset::ResetPasswordPage /> }.into_any()
    }),
    ("/verify-email", || {
        view! { <email_verification::VerifyEmail /> }.into_any()
    }),
];

/// The invitee pages alone, hydrated by the `invitee` bundle, which is
/// why there is no router: a router was a tenth of that bundle, and these
/// pages need none (their links are page loads). The server renders
/// these paths with this app when it sends that bundle, and with `App`
/// otherwise (a build without it), whose routes name the same pages.
#[component]
pub fn InviteeApp() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    location::provide_page_query();
    let path = request_path();
    let page = INVITEE_PAGES
        .iter()
        .find(|(p, _)| *p == path)
        // Never sent this bundle (see `AssetNames::bundle_for`).
        .map_or_else(|| ().into_any(), |(_, page)| page());
    view! {
        <Title formatter=page_title />
        {page}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitee_app_renders_exactly_the_invitee_paths() {
        assert_eq!(INVITEE_PAGES.map(|(path, _)| path), INVITEE_PATHS);
    }
}
