//! The team page: a view of the team (tab, search, filters, sort, page,
//! all in the URL), the row menus, and the invite, link, revoke and edit
//! dialogs.

use super::avatar::Avatar;
use super::dialog::{close, open};
use super::field::{Field, SelectField};
use super::format::RelativeTime;
use super::layout::{set_page_status, AppHeader, Notice, PageError};
use super::member_actions::{
    changes_for, department_choices, role_choices, MemberActions, MemberDialog,
};
#[cfg(feature = "hydrate")]
use super::url_view::sleep;
use super::url_view::{follow_url, use_url_view, UrlForm};
use crate::api::auth::current_user;
use crate::api::invitations::{
    new_invitation_link, resend_invitation, revoke_invitation, CreateInvitation,
};
use crate::api::team::{list_team, team_filters};
use crate::domain::invitation::{DeliveryState, ExpiryHours, InvitationStatus, EXPIRY_CHOICES};
use crate::domain::team_view::{Direction, PageAt, SignInFilter, SortKey, TeamQuery, TeamTab};
use crate::domain::{InvitationId, MembershipStatus, Permission};
use crate::wire::invitations::{InvitationRow, InviteOutcome, IssuedLink};
use crate::wire::session::SessionUser;
use crate::wire::team::{FilterChoices, TeamEntry, TeamListing, TeamMember};
use crate::wire::AppError;
use leptos::html::{Dialog, Form};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};

/// What the page around the table shows, decided once per load.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum TeamFrame {
    SignedOut,
    NoAccess(SessionUser),
    Team {
        user: SessionUser,
        filters: FilterChoices,
    },
}

async fn load_frame() -> Result<TeamFrame, AppError> {
    let Some(user) = current_user().await? else {
        return Ok(TeamFrame::SignedOut);
    };
    if !user.can(Permission::ViewTeam) {
        // The server refuses too; asking would only log a refusal.
        return Ok(TeamFrame::NoAccess(user));
    }
    match team_filters().await {
        Ok(filters) => Ok(TeamFrame::Team { user, filters }),
        Err(AppError::Forbidden) => Ok(TeamFrame::NoAccess(user)),
        Err(AppError::Unauthenticated) => Ok(TeamFrame::SignedOut),
        Err(e) => Err(e),
    }
}

/// A link just issued, shown once in the link dialog.
#[derive(Debug, Clone)]
struct Issued {
    heading: &'static str,
    note: &'static str,
    link: IssuedLink,
}

/// Everything the rows and dialogs share: signals are `Copy`, so this is too.
#[derive(Clone, Copy)]
struct TeamState {
    /// Bumped to read the current view again after a change.
    version: RwSignal<u32>,
    issued: RwSignal<Option<Issued>>,
    delivery: RwSignal<Option<DeliveryState>>,
    revoking: RwSignal<Option<(InvitationId, String)>>,
    editing: RwSignal<Option<InvitationRow>>,
    /// Member changes, their dialog, the role and department choices
    /// (shared with the invitation dialogs) and the page's notice.
    actions: MemberActions,
    invite_dialog: NodeRef<Dialog>,
    link_dialog: NodeRef<Dialog>,
    revoke_dialog: NodeRef<Dialog>,
    edit_dialog: NodeRef<Dialog>,
}

impl TeamState {
    fn refresh(self) {
        // Through the live refresh, which coalesces this with the stream's
        // announcement of the same change.
        self.actions.changed.run(());
    }

    /// Shows a freshly issued link and follows its email's delivery.
    fn show_link(self, heading: &'static str, note: &'static str, link: IssuedLink) {
        let id = link.invitation_id;
        self.delivery.set(link.delivery);
        self.issued.set(Some(Issued {
            heading,
            note,
            link,
        }));
        open(self.link_dialog);
        self.refresh();
        #[cfg(feature = "hydrate")]
        spawn_local(async move {
            // Until it is sent or fails for good, for at most ~30 s.
            for _ in 0..20 {
                if !matches!(
                    self.delivery.get_untracked(),
                    Some(DeliveryState::Queued | DeliveryState::Failing)
                ) {
                    break;
                }
                sleep(1500).await;
                let still_shown = self
                    .issued
                    .get_untracked()
                    .is_some_and(|i| i.link.invitation_id == id);
                if !still_shown {
                    break;
                }
                if let Ok(state) = crate::api::invitations::invitation_delivery(id).await {
                    self.delivery.set(state);
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    fn resend(self, id: InvitationId) {
        spawn_local(async move {
            match resend_invitation(id).await {
                Ok(link) => self.show_link(
                    "Invitation sent again",
                    "A new email is on its way. The previous link no longer works.",
                    link,
                ),
                Err(e) => self.actions.notice.set(Some(e.to_string())),
            }
        });
    }

    fn new_link(self, id: InvitationId) {
        spawn_local(async move {
            match new_invitation_link(id).await {
                Ok(link) => self.show_link(
                    "New link created",
                    "The previous link no longer works. No email was sent: share this link yourself.",
                    link,
                ),
                Err(e) => self.actions.notice.set(Some(e.to_string())),
            }
        });
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let frame = Resource::new(|| (), |()| load_frame());
    let version = RwSignal::new(0u32);
    let refresh = super::live::on_team_change(move || version.update(|v| *v = v.wrapping_add(1)));
    let state = TeamState {
        version,
        issued: RwSignal::new(None),
        delivery: RwSignal::new(None),
        revoking: RwSignal::new(None),
        editing: RwSignal::new(None),
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
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(TeamFrame::SignedOut) => view! { <Redirect path="/login?next=%2Fteam" /> }.into_any(),
                    Ok(TeamFrame::NoAccess(user)) => {
                        set_page_status(403);
                        view! { <AppHeader user /> <NoAccess /> }.into_any()
                    }
                    Ok(TeamFrame::Team { user, filters }) => {
                        view! { <AppHeader user=user.clone() /> <Team user filters /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
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
                    <a class="button" href=export_href download>"Export CSV"</a>
                    {may_invite.then(|| view! { <InviteButton /> })}
                </div>
            </div>
            <p class="form-error" role="alert">{move || state.actions.notice.get()}</p>
            <FilterForm query filters />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || listing.get().and_then(Result::err).map(|error| view! { <PageError error /> })}
                <Listing listing may_manage may_invite />
            </Transition>
        </main>
    }
    .into_any()
}

/// Search, filters and sort: a plain GET form to `/team` (it works before
/// the page is interactive), which after hydration applies each change at
/// once by changing the URL.
#[component]
fn FilterForm(query: Memo<TeamQuery>, filters: FilterChoices) -> impl IntoView {
    let form = UrlForm::new(query);
    let search = NodeRef::<leptos::html::Input>::new();
    follow_url(search, move || query.get().search);
    let tab = move || query.get().tab;
    // A view opened with filters on shows them.
    let folded_open = RwSignal::new(query.get_untracked().filter_count() > 0);
    let role_options = filters
        .roles
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect::<Vec<_>>();
    let department_options = filters
        .departments
        .iter()
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect::<Vec<_>>();
    view! {
        <form node_ref=form.node() class="filters" role="search" aria-label="Search and filter the team" method="get" action="/team" on:submit=move |ev| form.submitted(ev)>
            <input type="hidden" name="tab" value=query.get_untracked().tab.key() prop:value=move || tab().key() />
            <div class="field filter-search">
                <label for="team-search">"Search"</label>
                <input id="team-search" node_ref=search name="q" type="search" placeholder="Name or email"
                    autocomplete="off" value=query.get_untracked().search on:input=move |_| form.typed() />
            </div>
            // Phones fold the filters and the sort away behind this button,
            // so the table starts on the first screen; wider screens show
            // them in a row and no button.
            <button type="button" class="button filter-toggle" aria-controls="team-filter-fields"
                aria-expanded=move || folded_open.get().to_string()
                on:click=move |_| folded_open.update(|open| *open = !*open)>
                {move || match query.get().filter_count() {
                    0 => "Filters and sort".to_string(),
                    n => format!("Filters and sort ({n} on)"),
                }}
            </button>
            <div id="team-filter-fields" class="filter-fields" class:open=move || folded_open.get()>
            <FilterSelect id="filter-role" name="role" label="Role" any="All roles" options=role_options
                selected=Signal::derive(move || query.get().role.map(|r| r.to_string())) on_change=move || form.apply() />
            {(!department_options.is_empty()).then(|| view! {
                <FilterSelect id="filter-department" name="department" label="Department" any="All departments"
                    options=department_options
                    selected=Signal::derive(move || query.get().department.map(|d| d.to_string())) on_change=move || form.apply() />
            })}
            {move || {
                let statuses: Vec<(String, String)> = tab()
                    .statuses()
                    .iter()
                    .map(|s| (s.key().to_string(), s.label().to_string()))
                    .collect();
                (!statuses.is_empty()).then(|| view! {
                    <FilterSelect id="filter-status" name="status" label="Status"
                        any=if tab() == TeamTab::Invitations { "Open (pending and expired)" } else { "All statuses" }
                        options=statuses
                        selected=Signal::derive(move || query.get().status.map(|s| s.key().to_string())) on_change=move || form.apply() />
                })
            }}
            {move || tab().has_members().then(|| view! {
                <FilterSelect id="filter-two-factor" name="two_factor" label="Two-factor" any="Any"
                    options=vec![("yes".to_string(), "Set up".to_string()), ("no".to_string(), "Not set up".to_string())]
                    selected=Signal::derive(move || query.get().two_factor.map(|t| if t { "yes" } else { "no" }.to_string()))
                    on_change=move || form.apply() />
                <FilterSelect id="filter-sign-in" name="sign_in" label="Last sign-in" any="Any time"
                    options=[SignInFilter::Never, SignInFilter::Stale].iter().map(|s| (s.key().to_string(), s.label().to_string())).collect()
                    selected=Signal::derive(move || query.get().sign_in.map(|s| s.key().to_string()))
                    on_change=move || form.apply() />
            })}
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort" on:change=move |_| form.apply()>
                    {move || {
                        let current = query.get();
                        SortKey::ALL
                            .iter()
                            .flat_map(|key| [(*key, key.default_direction()), (*key, opposite(key.default_direction()))])
                            .map(|(key, direction)| {
                                let selected = current.sort_key() == key && current.sort_direction() == direction;
                                view! {
                                    <option value=format!("{}:{}", key.key(), direction.key()) selected=selected>
                                        {key.describe(direction)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            </div>
            <div class="filter-actions">
                // For before hydration; then hidden, as each change applies itself.
                <button type="submit" class="button apply-fallback">"Apply"</button>
                {move || query.get().is_filtered().then(|| view! {
                    <a class="button secondary" href=TeamQuery::for_tab(tab()).href()>"Clear filters"</a>
                })}
            </div>
        </form>
    }
    .into_any()
}

fn opposite(direction: Direction) -> Direction {
    match direction {
        Direction::Asc => Direction::Desc,
        Direction::Desc => Direction::Asc,
    }
}

/// A labelled filter select whose first choice means "any".
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    selected: Signal<Option<String>>,
    on_change: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name on:change=move |_| on_change()>
                // The attribute for the server's page, the property for
                // changes after a person has used the select (Back).
                <option value="" selected=selected.get_untracked().is_none()
                    prop:selected=move || selected.get().is_none()>{any}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let this = value.clone();
                        let initially = selected.get_untracked().as_deref() == Some(value.as_str());
                        view! {
                            <option value=value selected=initially
                                prop:selected=move || selected.get().as_deref() == Some(this.as_str())>{text}</option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

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
fn Listing(listing: ListingResource, may_manage: bool, may_invite: bool) -> impl IntoView {
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
        {move || page().map(|p| view! { <Pager listing=p /> })}
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

/// Links to the neighbouring pages, when there are any.
#[component]
fn Pager(listing: TeamListing) -> impl IntoView {
    let query = listing.query;
    let at = move |page: PageAt| {
        TeamQuery {
            page,
            ..query.clone()
        }
        .href()
    };
    (listing.previous.is_some() || listing.next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {listing.previous.map(|c| view! { <a class="button" href=at(PageAt::Before(c)) rel="prev">"Previous page"</a> })}
                {listing.next.map(|c| view! { <a class="button" href=at(PageAt::After(c)) rel="next">"Next page"</a> })}
            </nav>
        }
    })
}

#[component]
fn MembersTable(
    entries: Signal<Vec<TeamEntry>>,
    may_manage: bool,
    may_invite: bool,
) -> impl IntoView {
    let state = expect_context::<TeamState>();
    view! {
        <div class="table-wrap">
            <table class="team-table">
                <caption class="visually-hidden">"Members of your organisation"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="col-wide">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="col-xwide">"Two-factor"</th>
                        <th scope="col" class="col-wide">"Last sign-in"</th>
                        // Named for screen readers; the "⋯" buttons say it
                        // by sight, and the width goes to the data.
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || entries.get() key=TeamEntry::clone let:entry>
                        {match entry {
                            TeamEntry::Member(m) => member_row(state, m, may_manage).into_any(),
                            TeamEntry::Invitation(i) => invitation_row(state, i, may_invite).into_any(),
                        }}
                    </For>
                </tbody>
            </table>
        </div>
    }
}

fn member_row(state: TeamState, m: TeamMember, may_manage: bool) -> impl IntoView {
    let status_class = match m.status {
        MembershipStatus::Enabled => "status status-enabled",
        MembershipStatus::Disabled => "status status-disabled",
    };
    let actions = may_manage.then(|| member_menu(state, &m));
    view! {
        <tr>
            // On phones the email column is hidden and shown under the
            // name instead.
            <th scope="row">
                <div class="person">
                    <Avatar name=m.name.clone() url=m.avatar.clone() size="small" />
                    <div>
                        <a href=format!("/team/{}", m.id)>{m.name.clone()}</a>
                        {m.is_you.then(|| view! { <span class="you">" (you)"</span> })}
                        <span class="cell-sub">{m.email.clone()}</span>
                    </div>
                </div>
            </th>
            <td class="col-wide">{m.email.clone()}</td>
            <td>
                {m.role.clone()}
                <span class="line-2">{m.department.clone().unwrap_or_default()}</span>
            </td>
            <td>
                <span class=status_class>{m.status.label()}</span>
                {m.password_reset.map(|reset| view! { <span class="line-2">{reset.label()}</span> })}
            </td>
            <td class="col-xwide">{if m.two_factor { "Set up" } else { "Not set up" }}</td>
            <td class="col-wide">
                {match m.last_sign_in_at {
                    Some(at) => view! { <RelativeTime at /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td>{actions}</td>
        </tr>
    }
}

fn invitation_row(state: TeamState, i: InvitationRow, may_invite: bool) -> impl IntoView {
    let status_class = match i.status {
        InvitationStatus::Expired => "status status-expired",
        _ => "status status-pending",
    };
    let name = if i.name.is_empty() {
        i.email.clone()
    } else {
        i.name.clone()
    };
    let actions = may_invite.then(|| invitation_menu(state, &i, "member-invitation-menu"));
    view! {
        <tr>
            // A long email breaks anywhere rather than widen the table
            // past a phone's screen.
            <th scope="row" class="break">
                {name}
                <span class="cell-sub">{i.email.clone()}</span>
            </th>
            <td class="col-wide">{i.email.clone()}</td>
            <td>
                {i.role.clone()}
                <span class="line-2">{i.department.clone().unwrap_or_default()}</span>
            </td>
            <td><span class=status_class>{i.status.member_label()}</span></td>
            <td class="col-xwide"><span class="muted">"—"</span></td>
            <td class="col-wide"><span class="muted">"Invited"</span></td>
            <td>{actions}</td>
        </tr>
    }
}

/// One entry of a row's action menu.
struct MenuItem {
    label: &'static str,
    danger: bool,
    run: Callback<()>,
}

impl MenuItem {
    fn new(label: &'static str, run: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            label,
            danger: false,
            run: Callback::new(move |()| run()),
        }
    }

    fn danger(mut self) -> Self {
        self.danger = true;
        self
    }
}

/// The actions a member's status allows.
fn member_menu(state: TeamState, member: &TeamMember) -> impl IntoView {
    let items = changes_for(member)
        .into_iter()
        .map(|(label, danger, change)| {
            let member = member.clone();
            let item = MenuItem::new(label, move || state.actions.start(member.clone(), change));
            if danger {
                item.danger()
            } else {
                item
            }
        })
        .collect();
    view! { <RowMenu label=format!("Actions for {}", member.name) id=format!("member-menu-{}", member.id) items /> }
}

/// The actions an open invitation allows. `prefix` keeps the menu's id
/// unique where the same invitation is listed twice (members and
/// invitations tabs).
fn invitation_menu(state: TeamState, invitation: &InvitationRow, prefix: &str) -> impl IntoView {
    let id = invitation.id;
    let email = invitation.email.clone();
    let resend = if invitation.status == InvitationStatus::Expired {
        "Send new invitation"
    } else {
        "Resend invitation"
    };
    let edit_row = invitation.clone();
    let items = vec![
        MenuItem::new(resend, move || state.resend(id)),
        MenuItem::new("Create new link", move || state.new_link(id)),
        MenuItem::new("Edit role or department", move || {
            let row = edit_row.clone();
            state.actions.with_options(move || {
                state.editing.set(Some(row));
                open(state.edit_dialog);
            });
        }),
        MenuItem::new("Revoke invitation", move || {
            state.revoking.set(Some((id, email.clone())));
            open(state.revoke_dialog);
        })
        .danger(),
    ];
    view! {
        <RowMenu label=format!("Actions for {}", invitation.email) id=format!("{prefix}-{id}") items />
    }
}

/// A button that opens a short list of actions. The list is a native
/// popover: it sits in the browser's top layer (a scrolling table never
/// clips it), follows the button in the tab order, and closes on Escape or
/// a click elsewhere, with no script of ours; choosing an action closes it.
#[component]
fn RowMenu(label: String, id: String, items: Vec<MenuItem>) -> impl IntoView {
    let list = NodeRef::<leptos::html::Div>::new();
    let list_label = label.clone();
    view! {
        <div class="row-menu">
            <button type="button" class="button small menu-button" aria-label=label popovertarget=id.clone()>
                <span aria-hidden="true">"⋯"</span>
            </button>
            <div id=id node_ref=list popover="auto" class="row-menu-list" role="group" aria-label=list_label>
                {items
                    .into_iter()
                    .map(|item| {
                        let class = if item.danger { "button small danger" } else { "button small" };
                        // Closed before the action runs: an action that opens
                        // a modal dialog must find no popover above it.
                        view! {
                            <button type="button" class=class on:click=move |_| {
                                hide_popover(list);
                                item.run.run(());
                            }>
                                {item.label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

#[allow(unused_variables)]
fn hide_popover(list: NodeRef<leptos::html::Div>) {
    #[cfg(feature = "hydrate")]
    if let Some(list) = list.get_untracked() {
        let _ = list.hide_popover();
    }
}

#[component]
fn InvitationsTable(entries: Signal<Vec<TeamEntry>>) -> impl IntoView {
    let invitations = move || {
        entries
            .get()
            .into_iter()
            .filter_map(|entry| match entry {
                TeamEntry::Invitation(row) => Some(row),
                TeamEntry::Member(_) => None,
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="table-wrap">
            <table class="invitations-table">
                <caption class="visually-hidden">"Invitations"</caption>
                <thead>
                    <tr>
                        // Related facts share a column (a second line in
                        // each cell) so that the actions fit without
                        // scrolling sideways.
                        <th scope="col">"Invitee"</th>
                        <th scope="col" class="col-wide">"Role and department"</th>
                        <th scope="col" class="col-wide">"Invited"</th>
                        <th scope="col" class="col-wide">"Expires"</th>
                        <th scope="col">"Status and email"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=invitations key=InvitationRow::clone let:row>
                        <InvitationTableRow row />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

fn resends(count: i32) -> String {
    match count {
        1 => "Resent once".to_string(),
        n => format!("Resent {n} times"),
    }
}

#[component]
fn InvitationTableRow(row: InvitationRow) -> impl IntoView {
    let state = expect_context::<TeamState>();
    let status_class = match row.status {
        InvitationStatus::Pending => "status status-pending",
        InvitationStatus::Expired => "status status-expired",
        InvitationStatus::Accepted => "status status-enabled",
        InvitationStatus::Revoked => "status status-disabled",
    };
    let delivery_class = match row.delivery {
        Some(DeliveryState::Failing | DeliveryState::Failed) => "delivery-problem",
        _ => "",
    };
    let actions = row
        .status
        .is_open()
        .then(|| invitation_menu(state, &row, "invitation-menu"));
    view! {
        <tr>
            <th scope="row" class="break">
                {row.email.clone()}
                <span class="line-2">{row.name}</span>
                // Phones: role and expiry here, their columns hidden.
                <span class="cell-sub">{format!("{} · expires ", row.role)}<RelativeTime at=row.expires_at /></span>
            </th>
            <td class="col-wide">
                {row.role}
                <span class="line-2">{row.department.unwrap_or_else(|| "No department".to_string())}</span>
            </td>
            <td class="col-wide">
                {format!("By {}", row.invited_by)}
                <span class="line-2">"Sent " <RelativeTime at=row.sent_at /></span>
                {(row.resend_count > 0).then(|| view! {
                    <span class="line-2">{resends(row.resend_count)}</span>
                })}
            </td>
            <td class="col-wide"><RelativeTime at=row.expires_at /></td>
            <td>
                <span class=status_class>{row.status.label()}</span>
                <span class=format!("line-2 {delivery_class}")>
                    {format!("Email: {}", row.delivery.map(DeliveryState::label).unwrap_or("none"))}
                </span>
            </td>
            <td>{actions}</td>
        </tr>
    }
}

const INVITE_FIELDS: [&str; 5] = ["email", "name", "role", "department", "expiry_hours"];

#[component]
fn InviteDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let action = ServerAction::<CreateInvitation>::new();
    let form = NodeRef::<Form>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.for_field(name)));
    let already = move || match action.value().get() {
        Some(Ok(InviteOutcome::AlreadyInvited {
            invitation_id,
            status,
        })) => Some((invitation_id, status)),
        _ => None,
    };
    // A new invitation closes this dialog and shows its link.
    Effect::new(move |_| {
        if let Some(Ok(InviteOutcome::Created(link))) = action.value().get() {
            action.value().set(None);
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            close(state.invite_dialog);
            state.show_link(
                "Invitation created",
                "The invitation email is on its way. You can also share this link yourself.",
                link,
            );
        }
    });
    let cancel = move |_| {
        action.value().set(None);
        close(state.invite_dialog);
    };
    view! {
        <dialog node_ref=state.invite_dialog class="dialog" aria-labelledby="invite-title"
            on:close=move |_| action.value().set(None)>
            <h2 id="invite-title">"Invite user"</h2>
            {move || state.actions.options.get().map(|options| {
                let default_role = options.roles.last().map(|r| r.id.to_string()).unwrap_or_default();
                let expiry_default = options.default_expiry_hours.to_string();
                let expiry_choices: Vec<(String, String)> = EXPIRY_CHOICES
                    .iter()
                    .filter_map(|h| ExpiryHours::new(*h).ok())
                    .map(|h| (h.hours().to_string(), h.describe()))
                    .collect();
                view! {
                    <ActionForm action=action node_ref=form>
                        <Field name="email" id="invite-email" label="Email" input_type="email" inputmode="email" autocomplete="off" required=true error=field("email") />
                        <Field name="name" id="invite-name" label="Full name" autocomplete="off" error=field("name") />
                        <SelectField name="department_id" id="invite-department" label="Department" options=department_choices(&options) error=field("department") />
                        <SelectField name="role_id" id="invite-role" label="Role" options=role_choices(&options) selected=default_role error=field("role") />
                        <SelectField name="expiry_hours" id="invite-expiry" label="Invitation expires after" options=expiry_choices selected=expiry_default error=field("expiry_hours") />
                        {move || already().map(|(id, status)| {
                            let expired = status == InvitationStatus::Expired;
                            view! {
                                <div class="callout" role="status">
                                    <p>{if expired { "This email already has an expired invitation." } else { "This email already has an open invitation." }}</p>
                                    <button type="button" class="button" on:click=move |_| {
                                        action.value().set(None);
                                        close(state.invite_dialog);
                                        state.resend(id);
                                    }>
                                        {if expired { "Send new invitation" } else { "Resend invitation" }}
                                    </button>
                                </div>
                            }
                        })}
                        <p class="form-error" role="alert">
                            {move || error().filter(|e| INVITE_FIELDS.iter().all(|f| e.for_field(f).is_none())).map(|e| e.to_string())}
                        </p>
                        <div class="dialog-actions">
                            <button type="button" class="button secondary" on:click=cancel>"Cancel"</button>
                            <button type="submit" class="button primary" disabled=move || action.pending().get()>"Send invitation"</button>
                        </div>
                    </ActionForm>
                }
            })}
        </dialog>
    }
}

#[component]
fn LinkDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let copied = RwSignal::new(false);
    let heading = move || {
        state
            .issued
            .get()
            .map(|i| i.heading)
            .unwrap_or("Invitation link")
    };
    let copy = move |_| {
        let Some(issued) = state.issued.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        spawn_local(async move {
            if let Some(window) = web_sys::window() {
                let promise = window.navigator().clipboard().write_text(&issued.link.link);
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = issued;
    };
    let done = move |_| close(state.link_dialog);
    view! {
        <dialog node_ref=state.link_dialog class="dialog" aria-labelledby="link-title"
            on:close=move |_| { copied.set(false); state.issued.set(None); }>
            <h2 id="link-title">{heading}</h2>
            {move || state.issued.get().map(|issued| view! {
                <p>{issued.note}</p>
                <p>"For " <strong class="break">{issued.link.email.clone()}</strong> "."</p>
                {move || state.delivery.get().map(|d| view! {
                    <p role="status">"Email: " <strong>{d.label()}</strong></p>
                })}
                <div class="field">
                    <label for="issued-link">"Invitation link"</label>
                    <input id="issued-link" type="text" readonly value=issued.link.link.clone() />
                </div>
            })}
            <p class="copied" aria-live="polite">{move || copied.get().then_some("Copied")}</p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=copy>"Copy link"</button>
                <button type="button" class="button primary" on:click=done>"Done"</button>
            </div>
        </dialog>
    }
}

#[component]
fn RevokeDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let error = RwSignal::new(None::<String>);
    let revoke = move |_| {
        let Some((id, _)) = state.revoking.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match revoke_invitation(id).await {
                Ok(()) => {
                    close(state.revoke_dialog);
                    state.refresh();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <dialog node_ref=state.revoke_dialog class="dialog" aria-labelledby="revoke-title"
            on:close=move |_| { error.set(None); state.revoking.set(None); }>
            <h2 id="revoke-title">"Revoke invitation?"</h2>
            <p>
                "The invitation to "
                <strong class="break">{move || state.revoking.get().map(|(_, email)| email)}</strong>
                " stops working at once: its link will show that it is no longer valid. You can invite them again later."
            </p>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| close(state.revoke_dialog)>"Cancel"</button>
                <button type="button" class="button danger-solid" on:click=revoke>"Revoke"</button>
            </div>
        </dialog>
    }
}

#[component]
fn EditDialog() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let error = RwSignal::new(None::<AppError>);
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.for_field(name)))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(row) = state.editing.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast as _;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            let value = |name: &str| super::dialog::form_value(form.as_ref(), name);
            let (role, department) = (value("role_id"), value("department_id"));
            spawn_local(async move {
                match crate::api::invitations::update_invitation(row.id, role, department).await {
                    Ok(()) => {
                        close(state.edit_dialog);
                        state.refresh();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = row;
    };
    view! {
        <dialog node_ref=state.edit_dialog class="dialog" aria-labelledby="edit-title"
            on:close=move |_| { error.set(None); state.editing.set(None); }>
            <h2 id="edit-title">"Edit invitation"</h2>
            {move || state.editing.get().zip(state.actions.options.get()).map(|(row, options)| view! {
                <p>"For " <strong class="break">{row.email.clone()}</strong> "."</p>
                <form on:submit=on_submit>
                    <SelectField name="role_id" id="edit-role" label="Role" options=role_choices(&options) selected=row.role_id.to_string() error=field("role") />
                    <SelectField name="department_id" id="edit-department" label="Department" options=department_choices(&options)
                        selected=row.department_id.map(|d| d.to_string()).unwrap_or_default() error=field("department") />
                    <p class="form-error" role="alert">
                        {move || error.get().filter(|e| e.for_field("role").is_none() && e.for_field("department").is_none()).map(|e| e.to_string())}
                    </p>
                    <div class="dialog-actions">
                        <button type="button" class="button secondary" on:click=move |_| close(state.edit_dialog)>"Cancel"</button>
                        <button type="submit" class="button primary">"Save"</button>
                    </div>
                </form>
            })}
        </dialog>
    }
}
