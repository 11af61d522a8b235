//! Step-up in the browser. One helper, [`StepUp::run`], does a risky
//! action (an export, deleting a member, changing a role); when the server
//! answers `StepUpRequired`, it asks for the password (and a code) in a
//! dialog and tries the action once more. The server decides what needs a
//! step-up (`domain::step_up`); this only asks when told to.

use super::dialog::{close, open};
use super::field::{Field, FormErrors};
use crate::api::auth::{check_step_up, StepUp as StepUpCall};
use crate::wire::AppError;
use futures_channel::oneshot;
use leptos::html::Dialog;
use leptos::prelude::*;
use std::future::Future;

/// The page's step-up dialog, and the action waiting for it.
#[derive(Clone, Copy)]
pub struct StepUp {
    dialog: NodeRef<Dialog>,
    /// Whether the proof takes a code (the person has a second factor).
    factor: RwSignal<bool>,
    waiting: StoredValue<Option<oneshot::Sender<bool>>>,
}

impl StepUp {
    /// Provides the step-up for the pages inside; `StepUpDialog` renders
    /// its dialog.
    pub fn provide() -> Self {
        let step_up = Self {
            dialog: NodeRef::new(),
            factor: RwSignal::new(false),
            waiting: StoredValue::new(None),
        };
        provide_context(step_up);
        step_up
    }

    /// Runs `action`; asked for a step-up, asks the person, then runs it
    /// once more. Cancelling the dialog answers the first refusal.
    pub async fn run<T, F, Fut>(self, action: F) -> Result<T, AppError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        match action().await {
            Err(AppError::StepUpRequired { factor }) => {
                if self.ask(factor).await {
                    action().await
                } else {
                    Err(AppError::StepUpRequired { factor })
                }
            }
            other => other,
        }
    }

    /// [`run`](Self::run) in the background, as a page's buttons do:
    /// `pending` while it runs, the refusal in `error`, or `done` with the
    /// answer. Only the admin bundle's pages call it.
    #[cfg(feature = "hydrate")]
    pub fn spawn<T, F, Fut>(
        self,
        action: F,
        pending: RwSignal<bool>,
        error: RwSignal<Option<AppError>>,
        done: impl FnOnce(T) + 'static,
    ) where
        T: 'static,
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = self.run(action).await;
            pending.set(false);
            match result {
                Ok(answer) => done(answer),
                Err(e) => error.set(Some(e)),
            }
        });
    }

    /// Follows a download link once a risky action would go through.
    pub fn download(self, href: String) {
        leptos::task::spawn_local(async move {
            if self.run(check_step_up).await.is_ok() {
                #[cfg(feature = "hydrate")]
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(&href);
                }
            }
            let _ = &href;
        });
    }

    /// Opens the dialog; true once the person confirmed who they are.
    /// For a form sent by an `ActionForm`: when `action` answers
    /// `StepUpRequired`, asks for the proof, then sends `form` again (as
    /// the person filled it). Cancelling leaves the refusal shown.
    pub fn resubmit<A, T>(self, action: ServerAction<A>, form: NodeRef<leptos::html::Form>)
    where
        A: leptos::server_fn::ServerFn<Output = T, Error = AppError>
            + Clone
            + Send
            + Sync
            + 'static,
        T: Clone + Send + Sync + 'static,
    {
        Effect::new(move |_| {
            if let Some(Err(AppError::StepUpRequired { factor })) = action.value().get() {
                leptos::task::spawn_local(async move {
                    if self.ask(factor).await {
                        if let Some(form) = form.get_untracked() {
                            let _ = form.request_submit();
                        }
                    }
                });
            }
        });
    }

    async fn ask(self, factor: bool) -> bool {
        let (sender, receiver) = oneshot::channel();
        // An earlier question left open is answered "no".
        if let Some(earlier) = self
            .waiting
            .try_update_value(|w| w.replace(sender))
            .flatten()
        {
            let _ = earlier.send(false);
        }
        self.factor.set(factor);
        open(self.dialog);
        receiver.await.unwrap_or(false)
    }

    fn answer(self, confirmed: bool) {
        if let Some(waiting) = self.waiting.try_update_value(Option::take).flatten() {
            let _ = waiting.send(confirmed);
        }
    }
}

const FIELDS: [&str; 3] = ["current_password", "code", "recovery_code"];

/// The dialog [`StepUp::run`] opens: the password, and with a second
/// factor a code from the app (or a recovery code).
#[component]
pub fn StepUpDialog() -> impl IntoView {
    let step_up = expect_context::<StepUp>();
    let action = ServerAction::<StepUpCall>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    let errors = FormErrors::of(action, &FIELDS);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            step_up.answer(true);
            close(step_up.dialog);
        }
    });
    // Closed by Cancel, Escape or success: whoever still waits hears "no",
    // and the password does not stay in the page.
    let on_close = move |_| {
        step_up.answer(false);
        action.clear();
        #[cfg(feature = "hydrate")]
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
    };
    view! {
        <dialog node_ref=step_up.dialog class="dialog" aria-labelledby="step-up-title" on:close=on_close>
            <h2 id="step-up-title">"Confirm it's you"</h2>
            <p>"This changes who has access, or takes data out of Roster. Confirm it's you to go on; you won't be asked again for 15 minutes."</p>
            <ActionForm action=action node_ref=form>
                <Field
                    name="current_password"
                    id="step-up-password"
                    label="Your password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=errors.field("current_password")
                />
                <Show when=move || step_up.factor.get()>
                    <Field
                        name="code"
                        id="step-up-code"
                        label="Code from your authenticator app"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        error=errors.field("code")
                    />
                    <details>
                        <summary>"Lost your phone? Use a recovery code"</summary>
                        <Field
                            name="recovery_code"
                            id="step-up-recovery-code"
                            label="Recovery code"
                            autocomplete="off"
                            error=errors.field("recovery_code")
                        />
                    </details>
                </Show>
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="dialog-actions">
                    <button type="button" class="button secondary" on:click=move |_| close(step_up.dialog)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>"Confirm"</button>
                </div>
            </ActionForm>
        </dialog>
    }
}

/// The "Export CSV" link of a view: a plain download link, which once
/// hydrated first makes sure the export will not be refused for want of a
/// step-up (asking for it if needed), then downloads.
#[component]
pub fn ExportLink(#[prop(into)] href: Signal<String>) -> impl IntoView {
    let step_up = expect_context::<StepUp>();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        step_up.download(href.get_untracked());
    };
    view! { <a class="button" href=href download on:click=on_click>"Export CSV"</a> }
}
