//! The table of the active and inactive tabs: members, and the people
//! invited who have not joined yet.

use super::row_menu::{invitation_menu, member_menu};
use super::selection::{select_box, Selection};
use super::state::TeamState;
use crate::domain::invitation::InvitationStatus;
use crate::domain::MembershipStatus;
use crate::ui::avatar::Avatar;
use crate::ui::format::RelativeTime;
use crate::wire::invitations::InvitationRow;
use crate::wire::team::{TeamEntry, TeamMember};
use leptos::prelude::*;

#[component]
pub(super) fn MembersTable(
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

/// The marker beside an address nothing has proven yet (see
/// `TeamMember::email_verified`).
pub(crate) fn unverified(email_verified: bool) -> Option<impl IntoView> {
    (!email_verified).then(|| view! { <span class="unverified">"Email not verified"</span> })
}

fn member_row(state: TeamState, m: TeamMember, may_manage: bool) -> impl IntoView {
    let status_class = match m.status {
        MembershipStatus::Enabled => "status status-enabled",
        MembershipStatus::Disabled => "status status-disabled",
    };
    let actions = may_manage.then(|| member_menu(state, &m));
    let select = use_context::<Option<Selection>>()
        .flatten()
        .map(|selection| select_box(selection, &m));
    view! {
        <tr>
            // On phones the email column is hidden and shown under the
            // name instead.
            <th scope="row">
                <div class="person">
                    {select}
                    <Avatar name=m.name.clone() url=m.avatar.clone() size="small" />
                    <div>
                        <a href=format!("/team/{}", m.id)>{m.name.clone()}</a>
                        {m.is_you.then(|| view! { <span class="you">" (you)"</span> })}
                        <span class="cell-sub">{m.email.clone()}{unverified(m.email_verified)}</span>
                    </div>
                </div>
            </th>
            <td class="col-wide">{m.email.clone()}{unverified(m.email_verified)}</td>
            <td>
                {m.role.clone()}
                // The primary department first, then the others.
                <span class="line-2">{m.department.iter().chain(&m.other_departments).cloned().collect::<Vec<_>>().join(", ")}</span>
            </td>
            <td>
                <span class=status_class>{m.status.label()}</span>
                {m.password_reset.map(|reset| view! { <span class="line-2">{reset.label()}</span> })}
            </td>
            <td class="col-xwide">
                {if m.two_factor { "Set up" } else { "Not set up" }}
                {m.two_factor_due.map(|at| if at <= super::super::format::now() {
                    view! { <span class="line-2 overdue">"Required: overdue"</span> }.into_any()
                } else {
                    view! { <span class="line-2">"Required, due " <RelativeTime at /></span> }.into_any()
                })}
            </td>
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
