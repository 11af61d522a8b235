//! The frame around signed-in pages.

use crate::api::auth::{SignOut, SwitchOrganisation};
use crate::domain::Permission;
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
    let here = user.organisation_id;
    // With several organisations, the name opens the others: each a plain
    // form, since a switch loads the new organisation's pages anyway.
    let organisation = if organisations.len() > 1 {
        const SWITCH: &str = <SwitchOrganisation as leptos::server_fn::ServerFn>::PATH;
        let others = organisations
            .into_iter()
            .filter(|o| o.id != here)
            .map(|o| {
                let label = format!("Switch to {}", o.name);
                view! {
                    <li>
                        <form method="post" action=SWITCH>
                            <input type="hidden" name="organisation_id" value=o.id.to_string() />
                            <button type="submit" class="menu-item" aria-label=label>{o.name}</button>
                        </form>
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="org-switcher">
                <summary class="org-name" aria-label=format!("{}: switch organisation", user.organisation_name)>
                    {user.organisation_name.clone()}
                </summary>
                <ul class="menu">{others}</ul>
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
