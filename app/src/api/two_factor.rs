//! Two-factor sign-in: the profile page's authenticator and recovery
//! codes (the session's own account only: no id is taken), and the factor
//! step of signing in (the pending sign-in's cookie only).

use crate::wire::two_factor::{AuthenticatorSetup, RecoveryCodes, TwoFactorStatus};
use crate::wire::AppError;
use leptos::prelude::*;

#[server(endpoint = "two_factor")]
pub async fn load_two_factor() -> Result<TwoFactorStatus, AppError> {
    use crate::server::request::serve;
    serve(crate::server::two_factor::status).await
}

/// After the password: a new authenticator secret, as a QR code and text.
#[server(endpoint = "two_factor/start")]
pub async fn start_authenticator_setup(
    current_password: String,
) -> Result<AuthenticatorSetup, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::two_factor::start_setup(scope, current_password)).await
}

/// Turns two-factor sign-in on with a code from the new app; answers with
/// the recovery codes, this once.
#[server(endpoint = "two_factor/confirm")]
pub async fn confirm_authenticator(code: String) -> Result<RecoveryCodes, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::two_factor::confirm_setup(scope, code)).await
}

/// Turns two-factor sign-in off, given the password and a current code
/// (or a recovery code).
#[server(endpoint = "two_factor/remove")]
pub async fn remove_authenticator(
    current_password: String,
    code: Option<String>,
    recovery_code: Option<String>,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::two_factor::{remove, FactorProof};
    let proof = FactorProof::new(current_password, code, recovery_code);
    serve(|scope| remove(scope, proof)).await
}

/// New recovery codes in place of the old, given the password and a
/// current code (or a recovery code).
#[server(endpoint = "two_factor/recovery_codes")]
pub async fn regenerate_recovery_codes(
    current_password: String,
    code: Option<String>,
    recovery_code: Option<String>,
) -> Result<RecoveryCodes, AppError> {
    use crate::server::request::serve;
    use crate::server::two_factor::{regenerate_recovery_codes, FactorProof};
    let proof = FactorProof::new(current_password, code, recovery_code);
    serve(|scope| regenerate_recovery_codes(scope, proof)).await
}

/// The factor step of signing in, with a code from the authenticator app.
#[server(endpoint = "sign_in/code")]
pub async fn sign_in_with_code(code: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::two_factor::{finish_factor_step, Factor};
    serve(|scope| async move { finish_factor_step(scope, Factor::Code(&code)).await }).await
}

/// The factor step of signing in, with a recovery code.
#[server(endpoint = "sign_in/recovery_code")]
pub async fn sign_in_with_recovery_code(recovery_code: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::two_factor::{finish_factor_step, Factor};
    serve(|scope| async move {
        finish_factor_step(scope, Factor::RecoveryCode(&recovery_code)).await
    })
    .await
}
