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
    let (label, id) = (
        format!("Actions for {}", member.name),
        format!("member-menu-{}", member.id),
    );
    view! { <RowMenu label id items open_menu=state.open_menu /> }
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
        MenuItem::new("Edit invitation", move || {
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
        <RowMenu label=format!("Actions for {}", invitation.email) id=format!("{prefix}-{id}") items open_menu=state.open_menu />
    }
}

/// A button that opens a short list of actions. The list is a native
/// popover: it sits in the browser's top layer (a scrolling table never
/// clips it), follows the button in the tab order, and closes on Escape or
/// a click elsewhere, with no script of ours; choosing an action closes it.
///
/// A live change to the row redraws it, menu and all, while the person may
/// be reaching for an action: `open_menu` remembers which menu is open, and
/// the redrawn one opens again (with focus on its first action if the old
/// one took the focus with it).
#[component]
fn RowMenu(
    label: String,
    id: String,
    items: Vec<MenuItem>,
    open_menu: RwSignal<Option<String>>,
) -> impl IntoView {
    let list = NodeRef::<leptos::html::Div>::new();
    let list_label = label.clone();
    reopen_if_open(list, id.clone(), open_menu);
    let menu_id = id.clone();
    let toggled = move |_| {
        if is_open(list) {
            open_menu.set(Some(menu_id.clone()));
        } else if open_menu.read_untracked().as_deref() == Some(menu_id.as_str()) {
            open_menu.set(None);
        }
    };
    view! {
        <div class="row-menu">
            <button type="button" class="button small menu-button" aria-label=label popovertarget=id.clone()>
                <span aria-hidden="true">"⋯"</span>
            </button>
            <div id=id node_ref=list popover="auto" class="row-menu-list" role="group" aria-label=list_label
                on:toggle=toggled>
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

#[allow(unused_variables)]
fn is_open(list: NodeRef<leptos::html::Div>) -> bool {
    #[cfg(feature = "hydrate")]
    if let Some(list) = list.get_untracked() {
        return list.matches(":popover-open").unwrap_or(false);
    }
    false
}

/// Opens the menu once it is in the page if it is the one that was open.
#[allow(unused_variables)]
fn reopen_if_open(
    list: NodeRef<leptos::html::Div>,
    id: String,
    open_menu: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(element) = list.get() else { return };
        if open_menu.read_untracked().as_deref() != Some(id.as_str()) || is_open(list) {
            return;
        }
        let _ = element.show_popover();
        let focus_lost = document()
            .active_element()
            .is_none_or(|active| active.tag_name().eq_ignore_ascii_case("body"));
        if focus_lost {
            use wasm_bindgen::JsCast as _;
            if let Some(first) = element
                .query_selector("button")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = first.focus();
            }
        }
    });
}
