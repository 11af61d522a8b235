//! One page of the team view: its tabs with their counts, what an empty
//! page says, the table and the pager.

use super::invitations_table::InvitationsTable;
use super::members_table::MembersTable;
use super::InviteButton;
use crate::domain::keyset::PageAt;
use crate::domain::team_view::{TeamQuery, TeamTab};
use crate::ui::pager::Pager;
use crate::wire::team::TeamListing;
use crate::wire::AppError;
use leptos::prelude::*;

/// One page of a view as the server last sent it; the page on screen
/// stays while the next one loads.
type ListingResource = Resource<Result<TeamListing, AppError>>;

/// The tabs with their counts, the table of one page and the pager.
///
/// Rows are keyed by their whole content: a refetch (a live change
/// anywhere in the organisation) leaves every row it did not change in
/// place, so a menu open on one of them stays open, and redraws only the
/// rows that changed.
#[component]
pub(super) fn Listing(
    listing: ListingResource,
    may_manage: bool,
    may_invite: bool,
) -> impl IntoView {
    let page = move || listing.get().and_then(Result::ok);
    let entries = Signal::derive(move || page().map(|p| p.entries).unwrap_or_default());
    // Which table shows: none for an empty page. Changes only with the
    // tab, so a refetch keeps the table and diffs its rows.
    let table = Memo::new(move |_| {
        page()
            .filter(|p| !p.entries.is_empty())
            .map(|p| p.query.tab)
    });
    view! {
        {move || page().map(|p| view! { <Tabs listing=p /> })}
        {move || page().map(|p| empty_state(&p, may_invite))}
        {move || table.get().map(|tab| match tab {
            TeamTab::Invitations => view! { <InvitationsTable entries /> }.into_any(),
            TeamTab::Active | TeamTab::Inactive => {
                view! { <MembersTable entries may_manage may_invite /> }.into_any()
            }
        })}
        {move || page().map(|p| {
            let query = p.query;
            let href = move |page| TeamQuery { page, ..query.clone() }.href();
            view! { <Pager previous=p.previous next=p.next href /> }
        })}
    }
}

/// The view's tabs, each with its count.
#[component]
fn Tabs(listing: TeamListing) -> impl IntoView {
    let query = listing.query;
    let counts = listing.counts;
    let tabs = TeamTab::ALL
        .into_iter()
        .filter(|t| *t != TeamTab::Invitations || listing.with_invitations)
        .map(|t| {
            let count = match t {
                TeamTab::Active => counts.active,
                TeamTab::Inactive => counts.inactive,
                TeamTab::Invitations => counts.invitations,
            };
            let current = (t == query.tab).then_some("page");
            // The search and the filters every tab has go along.
            let href = TeamQuery {
                tab: t,
                status: None,
                page: PageAt::First,
                ..query.clone()
            }
            .normalised()
            .href();
            view! {
                <a class="tab" href=href aria-current=current>
                    {format!("{} ({count})", t.label())}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label="Team views">{tabs}</nav> }
}

/// What an empty page says, and the invitation to invite when the
/// viewer is the only member.
fn empty_state(listing: &TeamListing, may_invite: bool) -> impl IntoView {
    let query = &listing.query;
    let only_me =
        query.tab == TeamTab::Active && !query.is_filtered() && listing.counts.active <= 1;
    let empty = listing.entries.is_empty();
    let filtered = query.is_filtered();
    view! {
        {(may_invite && only_me).then(|| view! {
            <section class="card empty-state" aria-labelledby="empty-title">
                <h2 id="empty-title">"Invite your team"</h2>
                <p>"You are the only member so far. Invite people by email: they choose a password on their phone and are in."</p>
                <InviteButton />
            </section>
        })}
        {empty.then(|| view! {
            <p class="muted" role="status">
                {if filtered { "No one matches this search and these filters." } else { "No one here yet." }}
            </p>
        })}
    }
}
