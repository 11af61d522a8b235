//! The frame around signed-in pages.

use crate::api::auth::{SessionUser, SignOut};
use leptos::prelude::*;

#[component]
pub fn AppHeader(user: SessionUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="app-header">
            <a class="brand" href="/team">"Roster"</a>
            <span class="org-name">{user.organisation_name.clone()}</span>
            <nav aria-label="Main">
                <a href="/team">"Team"</a>
            </nav>
            <div class="account">
                <span class="who">
                    <span class="who-name">{user.name.clone()}</span>
                    <span class="who-role">{user.role.clone()}</span>
                </span>
                <ActionForm action=sign_out>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
    }
}
