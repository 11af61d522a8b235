//! Two-factor sign-in: the factor step after the password, and the
//! profile page's card that sets up an authenticator app.

use super::field::{Field, FormErrors};
use super::format::LocalTime;
use crate::api::two_factor::{
    ConfirmAuthenticator, RegenerateRecoveryCodes, RemoveAuthenticator, SignInWithCode,
    SignInWithRecoveryCode, StartAuthenticatorSetup,
};
use crate::domain::team_view::encode_component;
use crate::wire::two_factor::{AuthenticatorSetup, TwoFactorStatus};
use leptos::prelude::*;
use leptos_meta::Title;

/// The factor step (`/login/two-factor`). The server sends it with no
/// script at all: two plain forms, which work on the slowest phone, and
/// whose refusals come back beside their field.
#[component]
pub fn FactorStepPage() -> impl IntoView {
    let code = ServerAction::<SignInWithCode>::new();
    let recovery = ServerAction::<SignInWithRecoveryCode>::new();
    let code_errors = FormErrors::of(code, &["code"]);
    let recovery_errors = FormErrors::of(recovery, &["recovery_code"]);
    // A refused recovery code shows its section open, with the message.
    let recovery_refused = move || recovery.value().with(|v| matches!(v, Some(Err(_))));
    view! {
        <Title text="Two-factor sign-in" />
        <main class="centered">
            <section class="card auth-card" aria-labelledby="factor-title">
                <h1 id="factor-title">"Two-factor sign-in"</h1>
                <p>"Enter the 6-digit code your authenticator app shows for Roster."</p>
                <ActionForm action=code>
                    <Field
                        name="code"
                        label="Authenticator code"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        required=true
                        error=code_errors.field("code")
                    />
                    <p class="form-error" role="alert">{move || code_errors.general()}</p>
                    <button type="submit" class="button primary wide">"Verify"</button>
                </ActionForm>
                <details class="existing-account" open=recovery_refused>
                    <summary>"Use a recovery code"</summary>
                    <p>"Lost your phone? Enter one of the recovery codes you saved when you set up two-factor sign-in. Each works once."</p>
                    <ActionForm action=recovery>
                        <Field
                            name="recovery_code"
                            label="Recovery code"
                            autocomplete="off"
                            required=true
                            error=recovery_errors.field("recovery_code")
                        />
                        <p class="form-error" role="alert">{move || recovery_errors.general()}</p>
                        <button type="submit" class="button secondary wide">"Sign in with recovery code"</button>
                    </ActionForm>
                </details>
                <p class="auth-links"><a href="/login">"Start again"</a></p>
            </section>
        </main>
    }
}

/// The two-factor card's actions and the recovery codes on show. They
/// belong to the profile page, not the card: the page renders again when
/// its data is loaded again after a change, and what is on show (a new
/// secret, new codes) must outlive that.
#[derive(Clone, Copy)]
pub struct TwoFactorActions {
    start: ServerAction<StartAuthenticatorSetup>,
    confirm: ServerAction<ConfirmAuthenticator>,
    remove: ServerAction<RemoveAuthenticator>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    /// Recovery codes, shown once: kept only until the person says they
    /// saved them.
    codes: RwSignal<Option<Vec<String>>>,
}

impl TwoFactorActions {
    /// The actions, and what happens after each: `changed` runs when the
    /// page's data must be loaded again.
    pub fn new(changed: impl Fn() + Copy + Send + Sync + 'static) -> Self {
        let this = Self {
            start: ServerAction::new(),
            confirm: ServerAction::new(),
            remove: ServerAction::new(),
            regenerate: ServerAction::new(),
            codes: RwSignal::new(None),
        };
        let Self {
            start,
            confirm,
            remove,
            regenerate,
            codes,
        } = this;
        // The new secret leaves the page's state as soon as it is
        // confirmed: the action that fetched it forgets its answer.
        Effect::new(move |_| {
            if let Some(Ok(made)) = confirm.value().get() {
                codes.set(Some(made.codes));
                start.value().set(None);
                confirm.value().set(None);
                changed();
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(made)) = regenerate.value().get() {
                codes.set(Some(made.codes));
                regenerate.value().set(None);
                changed();
            }
        });
        Effect::new(move |_| {
            if matches!(remove.value().get(), Some(Ok(()))) {
                remove.value().set(None);
                changed();
            }
        });
        this
    }
}

/// The profile page's two-factor card: set up an authenticator app, see
/// when it was added and last used, make new recovery codes, remove it.
#[component]
pub fn TwoFactorCard(
    status: TwoFactorStatus,
    actions: TwoFactorActions,
    /// When the organisation's policy wants a factor by, while it does.
    due: Option<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let TwoFactorActions {
        start,
        confirm,
        remove,
        regenerate,
        codes,
    } = actions;
    // Which view shows changes only with these two facts: a refused
    // attempt re-renders nothing (and so keeps what was typed).
    let setting_up = Memo::new(move |_| start.value().with(|v| matches!(v, Some(Ok(_)))));
    let showing_codes = Memo::new(move |_| codes.with(Option::is_some));
    view! {
        // `two-factor`: where the policy sends whoever it shuts out.
        <section class="card" id="two-factor" aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">"Two-factor sign-in"</h2>
            {due.map(|at| {
                let text = if at <= super::format::now() {
                    view! { "Your organisation requires two-factor sign-in. Set it up to continue: until then you can only edit your profile or sign out." }
                        .into_any()
                } else {
                    view! { "Your organisation requires two-factor sign-in. Set it up by " <LocalTime at /> "." }
                        .into_any()
                };
                view! { <p class="callout" role="note">{text}</p> }
            })}
            {move || {
                if showing_codes.get() {
                    let list = codes.get_untracked().unwrap_or_default();
                    return view! { <RecoveryCodeList codes=list done=codes /> }.into_any();
                }
                if setting_up.get() {
                    if let Some(Ok(setup)) = start.value().get_untracked() {
                        return view! { <SetupSteps setup start confirm /> }.into_any();
                    }
                }
                view! { <TwoFactorState found=status.clone() start remove regenerate /> }.into_any()
            }}
        </section>
    }
}

/// Whether two-factor sign-in is on, and what can be done about it.
#[component]
fn TwoFactorState(
    found: TwoFactorStatus,
    start: ServerAction<StartAuthenticatorSetup>,
    remove: ServerAction<RemoveAuthenticator>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
) -> impl IntoView {
    let Some(app) = found.authenticator else {
        let errors = FormErrors::of(start, &["current_password"]);
        return view! {
            <p>"Off. With an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator or 1Password), signing in also takes a code from it, so your password alone is not enough."</p>
            <ActionForm action=start>
                <Field name="current_password" id="setup-password" label="Current password" input_type="password" autocomplete="current-password" required=true error=errors.field("current_password") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || start.pending().get()>"Set up authenticator app"</button>
                </div>
            </ActionForm>
        }
        .into_any();
    };
    let left = found.recovery_codes_left;
    let regenerate_errors = FormErrors::of(regenerate, &PROOF_FIELDS);
    let remove_errors = FormErrors::of(remove, &PROOF_FIELDS);
    view! {
        <p>
            <strong>"On."</strong>
            " Authenticator app added " <LocalTime at=app.added />
            {app.last_used.map(|at| view! { ", last used " <LocalTime at /> })}
            "."
        </p>
        <p>{match left {
            0 => "You have no recovery codes left: make new ones.".to_string(),
            1 => "You have 1 recovery code left.".to_string(),
            n => format!("You have {n} recovery codes left."),
        }}</p>
        <details class="existing-account">
            <summary>"Make new recovery codes"</summary>
            <ActionForm action=regenerate>
                <ProofFields errors=regenerate_errors ids=["codes-password", "codes-code", "codes-recovery-code"] />
                <div class="form-actions">
                    <button type="submit" class="button secondary" disabled=move || regenerate.pending().get()>"Make new recovery codes"</button>
                </div>
            </ActionForm>
        </details>
        <details class="existing-account">
            <summary>"Turn off two-factor sign-in"</summary>
            <ActionForm action=remove>
                <ProofFields errors=remove_errors ids=["remove-password", "remove-code", "remove-recovery-code"] />
                <div class="form-actions">
                    <button type="submit" class="button secondary" disabled=move || remove.pending().get()>"Turn off two-factor sign-in"</button>
                </div>
            </ActionForm>
        </details>
    }
    .into_any()
}

const PROOF_FIELDS: [&str; 3] = ["current_password", "code", "recovery_code"];

/// The password and a current code (or a recovery code), as removing the
/// app or making new codes ask. `ids` keep the two forms' inputs apart.
#[component]
fn ProofFields(errors: FormErrors, ids: [&'static str; 3]) -> impl IntoView {
    view! {
        <Field name="current_password" id=ids[0] label="Current password" input_type="password" autocomplete="current-password" required=true error=errors.field("current_password") />
        <Field name="code" id=ids[1] label="Authenticator code" inputmode="numeric" autocomplete="one-time-code" help="Or leave it empty and give a recovery code." error=errors.field("code") />
        <Field name="recovery_code" id=ids[2] label="Recovery code" autocomplete="off" error=errors.field("recovery_code") />
        <p class="form-error" role="alert">{move || errors.general()}</p>
    }
}

/// The new secret as a QR code and as text, and the first code.
#[component]
fn SetupSteps(
    setup: AuthenticatorSetup,
    start: ServerAction<StartAuthenticatorSetup>,
    confirm: ServerAction<ConfirmAuthenticator>,
) -> impl IntoView {
    let errors = FormErrors::of(confirm, &["code"]);
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this QR code with your authenticator app."</p>
                // Drawn on the server from the secret; no user text in it.
                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=setup.qr_svg></div>
                <p>"Or enter this key in the app:"</p>
                <p><code class="secret-key" aria-label="Setup key">{setup.secret_text}</code></p>
            </li>
            <li>
                <ActionForm action=confirm>
                    <Field name="code" id="setup-code" label="Code from the app" inputmode="numeric" autocomplete="one-time-code" required=true error=errors.field("code") />
                    <p class="form-error" role="alert">{move || errors.general()}</p>
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || confirm.pending().get()>"Turn on"</button>
                        <button type="button" class="button secondary" on:click=move |_| start.value().set(None)>"Cancel"</button>
                    </div>
                </ActionForm>
            </li>
        </ol>
    }
}

/// Recovery codes, this once, with a file to keep them in.
#[component]
fn RecoveryCodeList(codes: Vec<String>, done: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let text = format!(
        "Roster recovery codes\n\nEach code signs you in once, in place of a code from your authenticator app.\n\n{}\n",
        codes.join("\n")
    );
    let file = format!("data:text/plain;charset=utf-8,{}", encode_component(&text));
    view! {
        <p role="status">
            <strong>"Save your recovery codes now."</strong>
            " They are shown only this once. Each signs you in once if you lose your phone."
        </p>
        <ul class="recovery-codes" aria-label="Recovery codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <div class="form-actions">
            <a class="button secondary" href=file download="roster-recovery-codes.txt">"Download codes"</a>
            <button type="button" class="button primary" on:click=move |_| done.set(None)>"I saved them"</button>
        </div>
    }
}
