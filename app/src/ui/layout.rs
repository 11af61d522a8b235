//! The frame around signed-in pages.

use crate::api::auth::{SignOut, SwitchOrganisation};
use crate::domain::{OrganisationId, Permission};
use crate::wire::choice::Choice;
use crate::wire::session::SignedIn;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn AppHeader(signed_in: SignedIn) -> impl IntoView {
    let SignedIn {
        user,
        organisations,
        ..
    } = signed_in;
    let sign_out = ServerAction::<SignOut>::new();
    let owner = user.can(Permission::ManageOrganisation);
    let auditor = user.can(Permission::ViewAuditLog);
    let role_manager = user.can(Permission::ManageRoles);
    // Those who manage departments, groups or sites but not roles reach
    // them from here; role managers through the access tabs.
    let departments_only = !role_manager && user.can(Permission::ManageDepartments);
    let groups_only = !role_manager && user.can(Permission::ManageGroups);
    let sites_only = !role_manager && user.can(Permission::ManageSites);
    let here = user.organisation_id;
    // With several organisations, the name opens the others.
    let organisation = if organisations.len() > 1 {
        let others: Vec<_> = organisations.into_iter().filter(|o| o.id != here).collect();
        view! {
            <details class="org-switcher">
                <summary id="org-switcher" class="org-name" aria-label=format!("{}: switch organisation", user.organisation_name)>
                    {user.organisation_name.clone()}
                </summary>
                <SwitchButtons organisations=others class="menu" button="menu-item" labelled_by="org-switcher" />
            </details>
        }
        .into_any()
    } else {
        view! { <span class="org-name">{user.organisation_name.clone()}</span> }.into_any()
    };
    view! {
        <header class="app-header">
            <a class="brand" href="/team">"Roster"</a>
            {organisation}
            <nav aria-label="Main">
                // `A` marks the current page with aria-current.
                <A href="/team">"Team"</A>
                {owner.then(|| view! { <A href="/settings/organisation">"Settings"</A> })}
                {role_manager.then(|| view! { <A href="/settings/roles">"Roles"</A> })}
                {departments_only.then(|| view! { <A href="/settings/departments">"Departments"</A> })}
                {groups_only.then(|| view! { <A href="/settings/groups">"Groups"</A> })}
                {sites_only.then(|| view! { <A href="/settings/sites">"Sites"</A> })}
                {auditor.then(|| view! { <A href="/audit">"Audit log"</A> })}
            </nav>
            <div class="account">
                // Your own name leads to your profile.
                <A href="/profile" attr:class="who" attr:title="Your profile">
                    <span class="who-name">{user.name.clone()}</span>
                    <span class="who-role">{user.role.clone()}</span>
                </A>
                <ActionForm action=sign_out>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
    }
    // Erased here so that the deeply nested page types that contain the
    // header stay within the compiler's query depth in the WASM build.
    .into_any()
}

/// Buttons that switch the signed-in person to another of their
/// organisations (`api::auth::switch_organisation`), one for each, in one
/// plain form: the button pressed sends its organisation. No client code:
/// the switch loads the other organisation's pages anyway, and it works
/// before hydration, and without JavaScript.
#[component]
pub fn SwitchButtons(
    organisations: Vec<Choice<OrganisationId>>,
    /// The form's class, which lays the buttons out.
    class: &'static str,
    /// Each button's class.
    button: &'static str,
    /// The id of what names the list.
    labelled_by: &'static str,
) -> impl IntoView {
    const SWITCH: &str = <SwitchOrganisation as leptos::server_fn::ServerFn>::PATH;
    let buttons = organisations
        .into_iter()
        .map(|o| {
            view! {
                <button type="submit" name="organisation_id" value=o.id.to_string() class=button>
                    {format!("Switch to {}", o.name)}
                </button>
            }
        })
        .collect_view();
    view! { <form method="post" action=SWITCH class=class aria-labelledby=labelled_by>{buttons}</form> }
}

/// Markup the server renders and the browser keeps as it came: for parts
/// of an invitee page that need no client code (text, plain forms), so
/// that their view code stays out of the phone's download. Hydration
/// leaves an `inner_html` element's server-rendered children alone. The
/// browser's build never calls `render`, so its data need not be there.
#[component]
pub fn ServerRendered<F, V>(render: F) -> impl IntoView
where
    F: FnOnce() -> V,
    V: IntoView + 'static,
{
    #[cfg(feature = "ssr")]
    let html = render().into_view().to_html();
    #[cfg(not(feature = "ssr"))]
    let html = {
        let _ = render;
        String::new()
    };
    view! { <div inner_html=html></div> }
}

/// Sets the HTTP status of the page being rendered on the server (a real
/// 403 or 404 for a refusal page, not a 200 that says "no").
#[allow(unused_variables)]
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
}

/// A page whose data could not be loaded: the error's message, which
/// carries a reference for support when it was internal.
#[component]
pub fn PageError(#[prop(into)] error: crate::wire::ShownError) -> impl IntoView {
    view! {
        <main class="page">
            <p class="form-error" role="alert">{error.message}</p>
        </main>
    }
}

/// A page that only says something: what happened and what to do.
#[component]
pub fn Notice(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="page">
            <section class="card notice" aria-labelledby="notice-title">
                <h1 id="notice-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// What the browser keeps is the server's own rendering, escaped as
    /// every other view is: names in it cannot become markup.
    #[test]
    fn server_rendered_markup_is_escaped_and_kept_whole() {
        let owner = Owner::new();
        owner.set();
        let html = view! {
            <ServerRendered render=|| view! { <p class="who">{"Ann <b>& Co</b>"}</p> } />
        }
        .to_html();
        assert!(html.starts_with("<div>"), "{html}");
        // (Type-erased views, as every build renders them, mark where the
        // text ends with `<!>`.)
        assert!(
            html.contains(r#"<p class="who">Ann &lt;b&gt;&amp; Co&lt;/b&gt;"#),
            "{html}"
        );
        assert!(!html.contains("<b>"), "{html}");
    }
}
