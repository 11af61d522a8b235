//! Email verification links, from the account holder's side.

use crate::wire::email_verification::VerifyEmailPage;
use crate::wire::AppError;
use leptos::prelude::*;

/// What a verification link leads to. Looking never uses it.
#[server(endpoint = "email_verification/view")]
pub async fn view_verification(token: String) -> Result<VerifyEmailPage, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::email_verification::view(scope, token)).await
}

/// Verifies the address, for a browser signed in as the account the link
/// was sent for.
#[server(endpoint = "email_verification/confirm")]
pub async fn confirm_verification(token: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::email_verification::confirm(scope, token)).await
}
