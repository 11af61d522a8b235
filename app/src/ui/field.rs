//! Form fields: a label, an input, and the message that belongs beside it.

use leptos::prelude::*;

/// A labelled input whose error message (if any) sits right below it and
/// is announced with it (`aria-describedby`, `aria-invalid`).
#[component]
pub fn Field(
    /// The input's `name` and `id`; server errors name the field the same way.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The message shown beside the field.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    // Email-like fields must not be auto-capitalised or corrected on phones.
    let literal = matches!(input_type, "email" | "password");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autocapitalize=literal.then_some("none")
                spellcheck=literal.then_some("false")
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}
