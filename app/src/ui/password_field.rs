//! The new-password field: its rules up front, and a strength hint from
//! the server while the person types (the dictionaries stay on the server).

use super::post::call;
use crate::api::accept::CheckPassword;
use crate::api::password_reset::CheckResetPassword;
use crate::api::profile::CheckOwnPassword;
use crate::wire::password::PasswordHint;
use crate::wire::ShownError;
use leptos::prelude::*;

/// Which link's server function rates the password: each answers only for
/// a live link, and knows what the person's password must not contain.
#[derive(Debug, Clone)]
pub enum PasswordHints {
    /// An invitation's token.
    Invitation(String),
    /// A password reset's token.
    PasswordReset(String),
    /// The signed-in person's own, on their profile page.
    OwnAccount,
}

impl PasswordHints {
    async fn rate(self, password: String) -> Result<PasswordHint, ShownError> {
        match self {
            Self::Invitation(token) => call(CheckPassword { token, password }).await,
            Self::PasswordReset(token) => call(CheckResetPassword { token, password }).await,
            Self::OwnAccount => call(CheckOwnPassword { password }).await,
        }
    }
}

/// The `password` input (new-password autocomplete) with its rules, the
/// strength hint and its error message.
#[component]
pub fn NewPasswordField(
    label: &'static str,
    hints: PasswordHints,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let hint = RwSignal::new(None::<PasswordHint>);
    let typed = RwSignal::new(0u32);
    // Asks once typing pauses, and keeps only the answer for the latest
    // text.
    let on_password = move |ev: leptos::ev::Event| {
        let password = event_target_value(&ev);
        typed.update(|n| *n += 1);
        let generation = typed.get_untracked();
        let hints = hints.clone();
        set_timeout(
            move || {
                if typed.get_untracked() != generation {
                    return;
                }
                if password.is_empty() {
                    hint.set(None);
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(result) = hints.rate(password).await {
                        if typed.get_untracked() == generation {
                            hint.set(Some(result));
                        }
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    };
    view! {
        <div class="field">
            <label for="password">{label}</label>
            <p id="password-help" class="field-help">
                "At least 15 characters. A few unrelated words work well."
            </p>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                autocapitalize="none"
                spellcheck="false"
                minlength="15"
                maxlength="256"
                required
                on:input=on_password
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby="password-help password-hint password-error"
            />
            <p id="password-hint" class="password-hint" aria-live="polite">
                {move || {
                    hint.get()
                        .map(|h| {
                            let class = if h.acceptable { "hint-ok" } else { "hint-weak" };
                            view! {
                                <span class=class>
                                    <meter min="0" max="4" low="2" high="3" optimum="4" value=h.score.to_string()></meter>
                                    " "
                                    {h.message}
                                </span>
                            }
                        })
                }}
            </p>
            <p id="password-error" class="field-error">{move || error.get()}</p>
        </div>
    }
}
