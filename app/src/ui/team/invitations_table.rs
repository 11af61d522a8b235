//! The invitations tab's table: each invitation, its status and its
//! email's delivery.

use super::row_menu::invitation_menu;
use super::state::TeamState;
use crate::domain::invitation::{DeliveryState, InvitationStatus};
use crate::domain::GroupId;
use crate::ui::format::RelativeTime;
use crate::wire::invitations::InvitationRow;
use crate::wire::team::TeamEntry;
use crate::wire::Choice;
use leptos::prelude::*;

#[component]
pub(super) fn InvitationsTable(entries: Signal<Vec<TeamEntry>>) -> impl IntoView {
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

/// "Group Night shift", "Groups Night shift, Porters".
fn groups_line(groups: &[Choice<GroupId>]) -> String {
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    match names.as_slice() {
        [one] => format!("Group {one}"),
        many => format!("Groups {}", many.join(", ")),
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
    // "Member + 2 permissions": what it grants on top of the role.
    let role = match row.permissions.len() {
        0 => row.role.clone(),
        1 => format!("{} + 1 permission", row.role),
        n => format!("{} + {n} permissions", row.role),
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
                <span class="cell-sub">{format!("{role} · expires ")}<RelativeTime at=row.expires_at /></span>
            </th>
            <td class="col-wide">
                {role.clone()}
                <span class="line-2">{row.department.unwrap_or_else(|| "No department".to_string())}</span>
                {(!row.groups.is_empty()).then(|| view! {
                    <span class="line-2">{groups_line(&row.groups)}</span>
                })}
                {(!row.sites.is_empty()).then(|| view! {
                    <span class="line-2">{format!("At {}", row.sites.join(", "))}</span>
                })}
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
