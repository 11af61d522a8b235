//! The invitee pages' WASM entry point: hydrates `/login`, `/invite`,
//! `/welcome` and the password and email links with `app::ui::InviteeApp`,
//! which names none of the admin pages, so a phone opening an invitation
//! downloads a fraction of the whole application (`frontend`).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(message: &str);
}

#[wasm_bindgen]
pub fn hydrate() {
    // A panic's message and where it happened, in the console. What
    // `console_error_panic_hook` adds to that is a JavaScript stack, which
    // for this bundle (no name section) lists only function numbers; it
    // cost about 400 bytes of the phone's download.
    std::panic::set_hook(Box::new(|info| error(&info.to_string())));
    leptos::mount::hydrate_body(app::ui::InviteeApp);
}
