//! The confirmation before an invitation is revoked.

use super::state::TeamState;
use crate::api::invitations::revoke_invitation;
use crate::ui::dialog::close;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn RevokeDialog() -> impl IntoView {
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
