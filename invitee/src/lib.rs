//! The invitee pages' WASM entry point: hydrates `/login`, `/invite`,
//! `/welcome` and the password and email links with `app::ui::InviteeApp`,
//! which names none of the admin pages, so a phone opening an invitation
//! downloads a fraction of the whole application (`frontend`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::ui::InviteeApp);
}
