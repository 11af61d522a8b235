//! Password resets from the person's side: asking for a link ("Forgot
//! password?") and using it. No session is needed: the link's token is the
//! credential. Looking never consumes it; only setting a password does.
//! The admin's side is `members/send_password_reset` in
//! [`crate::api::members`].

use crate::wire::password::PasswordHint;
use crate::wire::password_reset::PasswordResetPage;
use crate::wire::AppError;
use leptos::prelude::*;

/// Asks for a reset link for `email`. The answer is the same whether or not
/// the email has an account (and whether or not an email was sent); only
/// malformed input and too many requests from one address are refused.
#[server(endpoint = "password_reset/request")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::password_resets::request(scope, email)).await
}

#[server(endpoint = "password_reset/view")]
pub async fn view_password_reset(token: String) -> Result<PasswordResetPage, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::password_resets::view(scope, token)).await
}

/// Sets a new password with a reset link. Ends every session of the
/// account and does not sign in: the person signs in with the new password.
#[server(endpoint = "password_reset/complete")]
pub async fn complete_password_reset(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::server::password_resets::{complete, NewPasswordForm};
    use crate::server::request::serve;
    serve(|scope| {
        complete(
            scope,
            NewPasswordForm {
                token,
                password,
                password_confirm,
            },
        )
    })
    .await
}

/// How strong a new password is, for the hint shown while typing.
#[server(endpoint = "password_reset/password_hint")]
pub async fn check_reset_password(
    token: String,
    password: String,
) -> Result<PasswordHint, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::password_resets::password_hint(scope, token, password)).await
}
