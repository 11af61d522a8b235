//! The team page: a view of the team (tab, search, filters, sort, page,
//! all in the URL), the row menus, and the invite, link, revoke and edit
//! dialogs.

mod edit_dialog;
mod filters;
mod invitations_table;
mod invite_dialog;
mod link_dialog;
mod listing;
mod members_table;
mod permission_picker;
mod revoke_dialog;
mod row_menu;
mod selection;
mod state;

pub(crate) use members_table::unverified;

use self::edit_dialog::EditDialog;
use self::filters::FilterForm;
use self::invite_dialog::InviteDialog;
use self::link_dialog::LinkDialog;
use self::listing::Listing;
use self::revoke_dialog::RevokeDialog;
use self::state::TeamState;
use super::dialog::open;
use super::layout::{Notice, PageError};
use super::member_actions::{MemberActions, MemberDialog};
use super::page::{check_access, GuardedPage};
use super::url_view::use_url_view;
use crate::api::team::{list_team, team_filters};
use crate::domain::team_view::TeamQuery;
use crate::domain::Permission;
use crate::wire::session::SessionUser;
use crate::wire::team::FilterChoices;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamPage() -> impl IntoView {
    let access = Resource::new(
        || (),
        |()| check_access(Some(Permission::ViewTeam), team_filters()),
    );
    let version = RwSignal::new(0u32);
    let refresh =
        super::event_stream::on_team_change(move || version.update(|v| *v = v.wrapping_add(1)));
    let state = TeamState {
        step_up: expect_context::<crate::ui::step_up::StepUp>(),
        version,
        issued: RwSignal::new(None),
        delivery: RwSignal::new(None),
        revoking: RwSignal::new(None),
        editing: RwSignal::new(None),
        open_menu: RwSignal::new(None),
        actions: MemberActions::new(move || refresh.request()),
        invite_dialog: NodeRef::new(),
        link_dialog: NodeRef::new(),
        revoke_dialog: NodeRef::new(),
        edit_dialog: NodeRef::new(),
    };
    provide_context(state);
    provide_context(state.actions);
    view! {
        <Title text="Team" />
        <GuardedPage access sign_in="/login?next=%2Fteam" denied=NoAccess
            ready=|user: SessionUser, filters: FilterChoices| view! { <Team user filters /> }.into_any() />
        <InviteDialog />
        <LinkDialog />
        <RevokeDialog />
        <EditDialog />
        <MemberDialog />
    }
}

#[component]
fn NoAccess() -> impl IntoView {
    view! {
        <Notice title="You don't have access to the team page">
            <p>
                "Only owners and admins of your organisation can see and manage its members. "
                "If you need access, ask one of them to change your role."
            </p>
            <p><a href="/welcome">"Go to your home page"</a></p>
        </Notice>
    }
}

#[component]
fn InviteButton() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let on_click = move |_| {
        state
            .actions
            .with_options(move || open(state.invite_dialog));
    };
    view! {
        <button type="button" class="button primary" on:click=on_click>"Invite user"</button>
    }
}

/// The page's main part. The search and filter form stays in place while
/// views load (typing is never interrupted); the tabs, table and pager
/// below it follow the URL.
#[component]
fn Team(user: SessionUser, filters: FilterChoices) -> impl IntoView {
    let state = expect_context::<TeamState>();
    let may_invite = user.can(Permission::InviteMembers);
    let may_manage = user.can(Permission::ManageMembers);
    // Those who may manage groups choose people to put in one.
    let selection = (user.can(Permission::ManageGroups) && !filters.groups.is_empty())
        .then(|| selection::Selection::new(filters.groups.clone()));
    provide_context(selection);
    let organisation = user.organisation_id;
    let query = use_url_view::<TeamQuery>();
    let listing = Resource::new(
        move || (query.get(), state.version.get()),
        move |(query, _)| list_team(organisation, query),
    );
    let export_href = move || {
        format!(
            "/team/export.csv?{}",
            query.get().first_page().to_query_string()
        )
    };
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Team"</h1>
                <div class="page-actions">
                    <crate::ui::step_up::ExportLink href=Signal::derive(export_href) />
                    {may_invite.then(|| view! { <InviteButton /> })}
                </div>
            </div>
            <p class="form-error" role="alert">{move || state.actions.notice.get()}</p>
            <FilterForm query filters />
            {selection.map(|selection| view! { <selection::SelectionBar selection /> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || listing.get().and_then(Result::err).map(|error| view! { <PageError error /> })}
                <Listing listing may_manage may_invite />
            </Transition>
        </main>
    }
    .into_any()
}
