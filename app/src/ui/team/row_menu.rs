//! A row's action menu, and the actions members and invitations offer.

use super::state::TeamState;
use crate::domain::invitation::InvitationStatus;
use crate::ui::dialog::open;
use crate::ui::member_actions::changes_for;
use crate::wire::invitations::InvitationRow;
use crate::wire::team::TeamMember;
use leptos::prelude::*;

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
pub(super) fn member_menu(state: TeamState, member: &TeamMember) -> impl IntoView {
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
pub(super) fn invitation_menu(
    state: TeamState,
    invitation: &InvitationRow,
    prefix: &str,
) -> impl IntoView {
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
