//! The dialog that shows a link just issued, and its email's delivery.

use super::state::TeamState;
use crate::ui::dialog::close;
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;

#[component]
pub(super) fn LinkDialog() -> impl IntoView {
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
