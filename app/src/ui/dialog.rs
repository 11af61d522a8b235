//! Native `<dialog>` helpers. A modal dialog traps focus and closes on
//! Escape by itself; these only open and close it after hydration.

use leptos::html::Dialog;
use leptos::prelude::*;

/// Opens `dialog` as a modal (once hydrated).
#[allow(unused_variables)]
pub fn open(dialog: NodeRef<Dialog>) {
    #[cfg(feature = "hydrate")]
    if let Some(dialog) = dialog.get_untracked() {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
}

#[allow(unused_variables)]
pub fn close(dialog: NodeRef<Dialog>) {
    #[cfg(feature = "hydrate")]
    if let Some(dialog) = dialog.get_untracked() {
        dialog.close();
    }
}

/// The form a submit event came from.
#[cfg(feature = "hydrate")]
pub fn submitted_form(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast as _;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
}

/// Reads a named control's value from a form (inputs and selects alike).
#[cfg(feature = "hydrate")]
pub fn form_value(form: Option<&web_sys::HtmlFormElement>, name: &str) -> String {
    form.and_then(|f| f.get_with_name(name))
        .and_then(|el| js_sys::Reflect::get(&el, &wasm_bindgen::JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
