//! Form fields: a label, an input, and the message that belongs beside it.

use leptos::prelude::*;

/// A labelled input whose error message (if any) sits right below it and
/// is announced with it (`aria-describedby`, `aria-invalid`).
#[component]
pub fn Field(
    /// The input's `name` and `id`; server errors name the field the same way.
    name: &'static str,
    /// The element id, when `name` is not unique on the page.
    #[prop(optional)]
    id: Option<&'static str>,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    /// A hint under the label, before any error.
    #[prop(optional)]
    help: Option<&'static str>,
    /// The message shown beside the field.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let (help_id, error_id, described) = ids(id, help.is_some());
    // Email-like fields must not be auto-capitalised or corrected on phones.
    let literal = matches!(input_type, "email" | "password");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {help.map(|h| view! { <p id=help_id class="field-help">{h}</p> })}
            <input
                id=id
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                autocapitalize=literal.then_some("none")
                spellcheck=literal.then_some("false")
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// The ids of a field's hint and error message, and its
/// `aria-describedby` (the hint first, then the error).
fn ids(id: &str, has_help: bool) -> (String, String, String) {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = if has_help {
        format!("{help_id} {error_id}")
    } else {
        error_id.clone()
    };
    (help_id, error_id, described)
}

/// A labelled `<select>` with its error message.
#[component]
pub fn SelectField(
    name: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    label: &'static str,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    /// The value selected at first.
    #[prop(optional, into)]
    selected: String,
    /// A hint under the label, before any error.
    #[prop(optional)]
    help: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let (help_id, error_id, described) = ids(id, help.is_some());
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {help.map(|h| view! { <p id=help_id class="field-help">{h}</p> })}
            <select
                id=id
                name=name
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}
