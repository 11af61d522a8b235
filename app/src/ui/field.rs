//! Form fields: a label, an input, and the message that belongs beside it.

use crate::wire::{AppError, ShownError};
use leptos::prelude::*;
use server_fn::ServerFn;

/// A form's error, split where it shows: the message that belongs beside
/// one of the form's fields goes there, any other above its button.
#[derive(Clone, Copy)]
pub struct FormErrors {
    error: Signal<Option<ShownError>>,
    /// The fields that show their own messages, as server errors name them.
    fields: &'static [&'static str],
}

impl FormErrors {
    /// The errors an [`AppError`] signal holds.
    pub fn new(
        error: impl Into<Signal<Option<AppError>>>,
        fields: &'static [&'static str],
    ) -> Self {
        let error = error.into();
        Self::shown(
            Signal::derive(move || error.with(|e| e.as_ref().map(ShownError::from))),
            fields,
        )
    }

    /// The errors as read from the server's answer (see `ui::post`).
    pub fn shown(error: Signal<Option<ShownError>>, fields: &'static [&'static str]) -> Self {
        Self { error, fields }
    }

    /// The error of `action`'s latest submission.
    pub fn of<S>(action: ServerAction<S>, fields: &'static [&'static str]) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        let error = Signal::derive(move || {
            action.value().with(|value| {
                value
                    .as_ref()
                    .and_then(|result| result.as_ref().err().map(ShownError::from))
            })
        });
        Self::shown(error, fields)
    }

    /// The message beside the field `name`.
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error
                .with(|error| error.as_ref().and_then(|e| e.for_field(name)))
        })
    }

    /// The message that belongs to none of the fields, for the whole form.
    pub fn general(self) -> Option<String> {
        self.error.with(|error| {
            error
                .as_ref()
                .filter(|e| self.fields.iter().all(|f| e.for_field(f).is_none()))
                .map(|e| e.message.clone())
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::FormErrors;
    use crate::wire::AppError;
    use leptos::prelude::*;

    #[test]
    fn a_message_shows_beside_its_field_and_any_other_error_for_the_form() {
        let owner = Owner::new();
        owner.set();
        let error = RwSignal::new(None);
        let errors = FormErrors::new(error, &["email", "password"]);
        assert_eq!(errors.general(), None);

        error.set(Some(AppError::invalid("email", "Enter your email.")));
        assert_eq!(
            errors.field("email").get().as_deref(),
            Some("Enter your email.")
        );
        assert_eq!(errors.field("password").get(), None);
        assert_eq!(errors.general(), None);

        // A field the form does not show cannot hold its message.
        error.set(Some(AppError::invalid("role", "Choose a role.")));
        assert_eq!(errors.general().as_deref(), Some("Choose a role."));

        error.set(Some(AppError::Forbidden));
        assert_eq!(errors.field("email").get(), None);
        assert_eq!(errors.general(), Some(AppError::Forbidden.to_string()));
    }
}
