//! Signing in and out.

use crate::wire::session::{Home, SignedIn};
use crate::wire::AppError;
use leptos::prelude::*;

/// Who is signed in, or `None`.
#[server(endpoint = "session")]
pub async fn current_user() -> Result<Option<SignedIn>, AppError> {
    use crate::server::actor::authenticate_for_setup;
    use crate::server::request::serve;
    use crate::server::ServerError;
    // Also for someone the two-factor policy shuts out: the pages they may
    // still open (their profile, the factor setup) show who they are.
    serve(|scope| async move {
        match authenticate_for_setup(&scope).await {
            Ok(actor) => Ok(Some(crate::server::home::signed_in(&scope, actor).await?)),
            Err(ServerError::App(AppError::Unauthenticated)) => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await
}

/// Switches the signed-in person's session to another organisation where
/// they are enabled (through the factor step when they have a factor),
/// then redirects to where signing in there lands. Other organisations
/// are not found.
#[server(endpoint = "organisation/switch")]
pub async fn switch_organisation(
    organisation_id: crate::domain::OrganisationId,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::home::switch_organisation(scope, organisation_id)).await
}

/// The signed-in person's home page, or `None` when no one is signed in.
#[server(endpoint = "home")]
pub async fn load_home() -> Result<Option<Home>, AppError> {
    use crate::server::request::serve;
    serve(crate::server::home::home).await
}

/// Signs in with email and password, then redirects to `next` when it is a
/// path on this site (otherwise to the team page).
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::sign_in::sign_in(scope, email, password, next)).await
}

/// Ends this browser's session and returns to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(crate::server::sign_in::sign_out).await
}

/// Confirms who is signed in again (step-up): the password, and with a
/// second factor a current code or a recovery code. Risky actions then go
/// through for 15 minutes.
#[server(endpoint = "step_up")]
pub async fn step_up(
    current_password: String,
    code: Option<String>,
    recovery_code: Option<String>,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::two_factor::FactorProof;
    let proof = FactorProof::new(current_password, code, recovery_code);
    serve(|scope| crate::server::step_up::step_up(scope, proof)).await
}

/// Nothing when a risky action would go through now, otherwise
/// `StepUpRequired`: asked before following a download link.
#[server(endpoint = "step_up/check")]
pub async fn check_step_up() -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(crate::server::step_up::check).await
}
