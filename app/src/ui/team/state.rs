//! What the team page's rows and dialogs share, and the invitation
//! changes they start (resend, new link) with the link each one shows.

use crate::api::invitations::{new_invitation_link, resend_invitation};
use crate::domain::invitation::DeliveryState;
use crate::domain::InvitationId;
use crate::ui::dialog::open;
use crate::ui::member_actions::MemberActions;
#[cfg(feature = "hydrate")]
use crate::ui::url_view::sleep;
use crate::wire::invitations::{InvitationRow, IssuedLink};
use crate::wire::AppError;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A link just issued, shown once in the link dialog.
#[derive(Debug, Clone)]
pub(super) struct Issued {
    pub(super) heading: &'static str,
    pub(super) note: &'static str,
    pub(super) link: IssuedLink,
}

/// Everything the rows and dialogs share: signals are `Copy`, so this is too.
#[derive(Clone, Copy)]
pub(super) struct TeamState {
    /// Bumped to read the current view again after a change.
    pub(super) version: RwSignal<u32>,
    pub(super) issued: RwSignal<Option<Issued>>,
    pub(super) delivery: RwSignal<Option<DeliveryState>>,
    pub(super) revoking: RwSignal<Option<(InvitationId, String)>>,
    pub(super) editing: RwSignal<Option<InvitationRow>>,
    /// The id of the row menu that is open, if one is: a live change
    /// redraws the row it changed, and the redrawn menu opens again.
    pub(super) open_menu: RwSignal<Option<String>>,
    /// Member changes, their dialog, the role and department choices
    /// (shared with the invitation dialogs) and the page's notice.
    pub(super) actions: MemberActions,
    pub(super) invite_dialog: NodeRef<Dialog>,
    pub(super) link_dialog: NodeRef<Dialog>,
    pub(super) revoke_dialog: NodeRef<Dialog>,
    pub(super) edit_dialog: NodeRef<Dialog>,
    /// Resending a sensitive invitation, or making it a new link, may ask
    /// for a step-up first.
    pub(super) step_up: crate::ui::step_up::StepUp,
}

impl TeamState {
    pub(super) fn refresh(self) {
        // Through the live refresh, which coalesces this with the stream's
        // announcement of the same change.
        self.actions.changed.run(());
    }

    /// Shows a freshly issued link and follows its email's delivery.
    pub(super) fn show_link(self, heading: &'static str, note: &'static str, link: IssuedLink) {
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

    pub(super) fn resend(self, id: InvitationId) {
        self.reissue(
            move || resend_invitation(id),
            "Invitation sent again",
            "A new email is on its way. The previous link no longer works.",
        );
    }

    pub(super) fn new_link(self, id: InvitationId) {
        self.reissue(
            move || new_invitation_link(id),
            "New link created",
            "The previous link no longer works. No email was sent: share this link yourself.",
        );
    }

    /// Shows the link `issued` brings in the link dialog, or its error.
    fn reissue<Fut>(
        self,
        issued: impl Fn() -> Fut + 'static,
        title: &'static str,
        message: &'static str,
    ) where
        Fut: std::future::Future<Output = Result<IssuedLink, AppError>> + 'static,
    {
        spawn_local(async move {
            match self.step_up.run(issued).await {
                Ok(link) => self.show_link(title, message, link),
                Err(e) => self.actions.notice.set(Some(e.to_string())),
            }
        });
    }
}
