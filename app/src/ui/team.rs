//! The team page: members (with open invitations among them), the
//! Invitations tab, and the invite, link, revoke and edit dialogs.

use super::field::{Field, SelectField};
use super::format::{RelativeTime, Timestamp};
use super::layout::{set_page_status, AppHeader, PageError};
use crate::api::auth::{current_user, SessionUser};
use crate::api::invitations::{
    list_invitations, load_invite_options, new_invitation_link, resend_invitation,
    revoke_invitation, CreateInvitation, InvitationRow, InviteOptions, InviteOutcome, IssuedLink,
};
use crate::api::team::{list_team, TeamMember};
use crate::domain::invitation::{DeliveryState, ExpiryHours, InvitationStatus, EXPIRY_CHOICES};
use crate::domain::{InvitationId, MembershipStatus, Permission};
use crate::error::AppError;
use leptos::html::{Dialog, Form};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};

/// What the team page shows, decided once per load.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum TeamView {
    SignedOut,
    NoAccess(SessionUser),
    Team {
        user: SessionUser,
        members: Vec<TeamMember>,
        /// Empty unless the user may invite.
        invitations: Vec<InvitationRow>,
    },
}

async fn load(include_closed: bool) -> Result<TeamView, AppError> {
    let Some(user) = current_user().await? else {
        return Ok(TeamView::SignedOut);
    };
    if !user.can(Permission::ViewTeam) {
        // The server refuses too; asking would only log a refusal.
        return Ok(TeamView::NoAccess(user));
    }
    let members = match list_team(user.organisation_id).await {
        Ok(members) => members,
        Err(AppError::Forbidden) => return Ok(TeamView::NoAccess(user)),
        Err(AppError::Unauthenticated) => return Ok(TeamView::SignedOut),
        Err(e) => return Err(e),
    };
    let invitations = if user.can(Permission::InviteMembers) {
        list_invitations(include_closed).await?
    } else {
        Vec::new()
    };
    Ok(TeamView::Team {
        user,
        members,
        invitations,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Members,
    Invitations,
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
    data: Resource<Result<TeamView, AppError>>,
    include_closed: RwSignal<bool>,
    tab: RwSignal<Tab>,
    options: RwSignal<Option<InviteOptions>>,
    issued: RwSignal<Option<Issued>>,
    delivery: RwSignal<Option<DeliveryState>>,
    revoking: RwSignal<Option<(InvitationId, String)>>,
    editing: RwSignal<Option<InvitationRow>>,
    notice: RwSignal<Option<String>>,
    invite_dialog: NodeRef<Dialog>,
    link_dialog: NodeRef<Dialog>,
    revoke_dialog: NodeRef<Dialog>,
    edit_dialog: NodeRef<Dialog>,
}

#[allow(unused_variables)]
fn open(dialog: NodeRef<Dialog>) {
    #[cfg(feature = "hydrate")]
    if let Some(dialog) = dialog.get_untracked() {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
}

#[allow(unused_variables)]
fn close(dialog: NodeRef<Dialog>) {
    #[cfg(feature = "hydrate")]
    if let Some(dialog) = dialog.get_untracked() {
        dialog.close();
    }
}

/// Waits `ms` milliseconds in the browser.
#[cfg(feature = "hydrate")]
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl TeamState {
    fn refresh(self) {
        self.data.refetch();
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
                Err(e) => self.notice.set(Some(e.to_string())),
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
                Err(e) => self.notice.set(Some(e.to_string())),
            }
        });
    }

    /// Loads the picker choices once, then runs `then`.
    fn with_options(self, then: impl FnOnce() + 'static) {
        if self.options.get_untracked().is_some() {
            then();
            return;
        }
        spawn_local(async move {
            match load_invite_options().await {
                Ok(options) => {
                    self.options.set(Some(options));
                    then();
                }
                Err(e) => self.notice.set(Some(e.to_string())),
            }
        });
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let include_closed = RwSignal::new(false);
    let state = TeamState {
        data: Resource::new(move || include_closed.get(), load),
        include_closed,
        tab: RwSignal::new(Tab::Members),
        options: RwSignal::new(None),
        issued: RwSignal::new(None),
        delivery: RwSignal::new(None),
        revoking: RwSignal::new(None),
        editing: RwSignal::new(None),
        notice: RwSignal::new(None),
        invite_dialog: NodeRef::new(),
        link_dialog: NodeRef::new(),
        revoke_dialog: NodeRef::new(),
        edit_dialog: NodeRef::new(),
    };
    provide_context(state);
    let data = state.data;
    view! {
        <Title text="Team" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(TeamView::SignedOut) => view! { <Redirect path="/login?next=%2Fteam" /> }.into_any(),
                    Ok(TeamView::NoAccess(user)) => {
                        set_page_status(403);
                        view! { <AppHeader user /> <NoAccess /> }.into_any()
                    }
                    Ok(TeamView::Team { user, members, invitations }) => {
                        view! { <AppHeader user=user.clone() /> <Team user members invitations /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
        <InviteDialog />
        <LinkDialog />
        <RevokeDialog />
        <EditDialog />
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
fn InviteButton() -> impl IntoView {
    let state = expect_context::<TeamState>();
    let on_click = move |_| {
        state.with_options(move || open(state.invite_dialog));
    };
    view! {
        <button type="button" class="button primary" on:click=on_click>"Invite user"</button>
    }
}

#[component]
fn Team(
    user: SessionUser,
    members: Vec<TeamMember>,
    invitations: Vec<InvitationRow>,
) -> impl IntoView {
    let state = expect_context::<TeamState>();
    let may_invite = user.can(Permission::InviteMembers);
    let open_invitations: Vec<InvitationRow> = invitations
        .iter()
        .filter(|i| i.status.is_open())
        .cloned()
        .collect();
    let only_me = members.len() <= 1 && open_invitations.is_empty();
    let member_count = members.len() + open_invitations.len();
    let invitation_count = open_invitations.len();
    let tab = state.tab;
    let tab_button = move |which: Tab, id: &'static str, panel: &'static str, label: String| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                class="tab"
                aria-selected=move || (tab.get() == which).to_string()
                aria-controls=panel
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
                        tab.update(|t| *t = if *t == Tab::Members { Tab::Invitations } else { Tab::Members });
                    }
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Team"</h1>
                {may_invite.then(|| view! { <InviteButton /> })}
            </div>
            <p class="form-error" role="alert">{move || state.notice.get()}</p>
            {(may_invite && only_me).then(|| view! {
                <section class="card empty-state" aria-labelledby="empty-title">
                    <h2 id="empty-title">"Invite your team"</h2>
                    <p>"You are the only member so far. Invite people by email: they choose a password on their phone and are in."</p>
                    <InviteButton />
                </section>
            })}
            {if may_invite {
                view! {
                    <div role="tablist" aria-label="Team views" class="tabs">
                        {tab_button(Tab::Members, "tab-members", "panel-members", format!("Members ({member_count})"))}
                        {tab_button(Tab::Invitations, "tab-invitations", "panel-invitations", format!("Invitations ({invitation_count})"))}
                    </div>
                }
                .into_any()
            } else {
                ().into_any()
            }}
            <div role="tabpanel" id="panel-members" aria-labelledby="tab-members" hidden=move || tab.get() != Tab::Members>
                <MembersTable members invitations=open_invitations />
            </div>
            {may_invite.then(|| view! {
                <div role="tabpanel" id="panel-invitations" aria-labelledby="tab-invitations" hidden=move || tab.get() != Tab::Invitations>
                    <InvitationsTable invitations />
                </div>
            })}
        </main>
    }
    .into_any()
}

#[component]
fn MembersTable(members: Vec<TeamMember>, invitations: Vec<InvitationRow>) -> impl IntoView {
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
                    {invitations
                        .into_iter()
                        .map(|i| {
                            let status_class = match i.status {
                                InvitationStatus::Expired => "status status-expired",
                                _ => "status status-pending",
                            };
                            let name = if i.name.is_empty() { i.email.clone() } else { i.name.clone() };
                            view! {
                                <tr>
                                    <th scope="row">
                                        {name}
                                        <span class="cell-sub">{i.email.clone()}</span>
                                    </th>
                                    <td class="col-wide">{i.email}</td>
                                    <td>{i.role}</td>
                                    <td><span class=status_class>{i.status.member_label()}</span></td>
                                    <td class="col-wide"><span class="muted">"Invited"</span></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn InvitationsTable(invitations: Vec<InvitationRow>) -> impl IntoView {
    let state = expect_context::<TeamState>();
    let empty = invitations.is_empty();
    view! {
        <div class="table-tools">
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || state.include_closed.get()
                    on:change=move |ev| state.include_closed.set(event_target_checked(&ev))
                />
                "Show revoked and accepted"
            </label>
        </div>
        {empty.then(|| view! { <p class="muted">"No open invitations."</p> })}
        <div class="table-wrap">
            <table class="invitations-table">
                <caption class="visually-hidden">"Invitations"</caption>
                <thead>
                    <tr>
                        // Related facts share a column (a second line in
                        // each cell) so that the actions fit without
                        // scrolling sideways.
                        <th scope="col">"Invitee"</th>
                        <th scope="col">"Role and department"</th>
                        <th scope="col">"Invited"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Status and email"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {invitations.into_iter().map(|row| view! { <InvitationTableRow row /> }).collect_view()}
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
    let id = row.id;
    let email = row.email.clone();
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
    let actions = row.status.is_open().then(|| {
        let expired = row.status == InvitationStatus::Expired;
        let resend_text = if expired { "Send new invitation" } else { "Resend" };
        let resend_label = if expired {
            format!("Send new invitation to {email}")
        } else {
            format!("Resend invitation to {email}")
        };
        let revoke_email = email.clone();
        let edit_row = row.clone();
        view! {
            <div class="row-actions">
                <button type="button" class="button small" aria-label=resend_label on:click=move |_| state.resend(id)>
                    {resend_text}
                </button>
                <button type="button" class="button small" aria-label=format!("Create new link for {email}") on:click=move |_| state.new_link(id)>
                    "Create new link"
                </button>
                <button type="button" class="button small" aria-label=format!("Edit invitation to {email}")
                    on:click=move |_| {
                        let row = edit_row.clone();
                        state.with_options(move || {
                            state.editing.set(Some(row));
                            open(state.edit_dialog);
                        });
                    }
                >
                    "Edit"
                </button>
                <button type="button" class="button small danger" aria-label=format!("Revoke invitation to {email}")
                    on:click=move |_| {
                        state.revoking.set(Some((id, revoke_email.clone())));
                        open(state.revoke_dialog);
                    }
                >
                    "Revoke"
                </button>
            </div>
        }
    });
    view! {
        <tr>
            <th scope="row" class="break">
                {row.email.clone()}
                <span class="line-2">{row.name}</span>
            </th>
            <td>
                {row.role}
                <span class="line-2">{row.department.unwrap_or_else(|| "No department".to_string())}</span>
            </td>
            <td>
                {format!("By {}", row.invited_by)}
                <span class="line-2">"Sent " <RelativeTime at=row.sent_at /></span>
                {(row.resend_count > 0).then(|| view! {
                    <span class="line-2">{resends(row.resend_count)}</span>
                })}
            </td>
            <td><RelativeTime at=row.expires_at /></td>
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

fn role_choices(options: &InviteOptions) -> Vec<(String, String)> {
    options
        .roles
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect()
}

fn department_choices(options: &InviteOptions) -> Vec<(String, String)> {
    std::iter::once((String::new(), "No department".to_string()))
        .chain(
            options
                .departments
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone())),
        )
        .collect()
}

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
            {move || state.options.get().map(|options| {
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
            let value = |name: &str| {
                form.as_ref()
                    .and_then(|f| f.get_with_name(name))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .map(|s| s.value())
                    .unwrap_or_default()
            };
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
            {move || state.editing.get().zip(state.options.get()).map(|(row, options)| view! {
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
