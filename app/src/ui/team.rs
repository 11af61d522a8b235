//! The team page.

use super::format::Timestamp;
use super::layout::AppHeader;
use crate::api::auth::{current_user, SessionUser};
use crate::api::team::{list_team, TeamMember};
use crate::domain::{MembershipStatus, Permission};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};

/// What the team page shows, decided once per load.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum TeamView {
    SignedOut,
    NoAccess(SessionUser),
    Members(SessionUser, Vec<TeamMember>),
}

async fn load() -> Result<TeamView, AppError> {
    let Some(user) = current_user().await? else {
        return Ok(TeamView::SignedOut);
    };
    if !user.can(Permission::ViewTeam) {
        // The server refuses too; asking would only log a refusal.
        return Ok(TeamView::NoAccess(user));
    }
    match list_team(user.organisation_id).await {
        Ok(members) => Ok(TeamView::Members(user, members)),
        Err(AppError::Forbidden) => Ok(TeamView::NoAccess(user)),
        Err(AppError::Unauthenticated) => Ok(TeamView::SignedOut),
        Err(e) => Err(e),
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let view_data = Resource::new(|| (), |_| load());
    view! {
        <Title text="Team" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(TeamView::SignedOut) => view! { <Redirect path="/login?next=%2Fteam" /> }.into_any(),
                    Ok(TeamView::NoAccess(user)) => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::FORBIDDEN);
                        }
                        view! { <AppHeader user /> <NoAccess /> }.into_any()
                    }
                    Ok(TeamView::Members(user, members)) => {
                        view! { <AppHeader user /> <MembersTable members /> }.into_any()
                    }
                    Err(error) => view! {
                        <main class="page">
                            <p class="form-error" role="alert">{error.to_string()}</p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoAccess() -> impl IntoView {
    view! {
        <main class="page">
            <section class="card notice" aria-labelledby="no-access-title">
                <h1 id="no-access-title">"You don't have access to the team page"</h1>
                <p>
                    "Only owners and admins of your organisation can see and manage its members. "
                    "If you need access, ask one of them to change your role."
                </p>
            </section>
        </main>
    }
}

#[component]
fn MembersTable(members: Vec<TeamMember>) -> impl IntoView {
    let count = members.len();
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Team"</h1>
                <p class="muted">{format!("{count} {}", if count == 1 { "member" } else { "members" })}</p>
            </div>
            <div class="table-wrap">
                <table class="team-table">
                    <caption class="visually-hidden">"Members of your organisation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col" class="col-wide">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="col-wide">"Last sign-in"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {members
                            .into_iter()
                            .map(|m| {
                                let status_class = match m.status {
                                    MembershipStatus::Enabled => "status status-enabled",
                                    MembershipStatus::Disabled => "status status-disabled",
                                };
                                view! {
                                    <tr>
                                        // On phones the email column is hidden and
                                        // shown under the name instead.
                                        <th scope="row">
                                            {m.name}
                                            <span class="cell-sub">{m.email.clone()}</span>
                                        </th>
                                        <td class="col-wide">{m.email}</td>
                                        <td>{m.role}</td>
                                        <td><span class=status_class>{m.status.label()}</span></td>
                                        <td class="col-wide"><Timestamp at=m.last_sign_in_at never="Never" /></td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </main>
    }
}
