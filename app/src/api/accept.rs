//! Invitations, from the invitee's side. No session is needed: the link's
//! token is the credential. Looking never consumes it; only a successful
//! accept does.

use crate::wire::accept::InvitationPage;
use crate::wire::password::PasswordHint;
use crate::wire::AppError;
use leptos::prelude::*;

#[server(endpoint = "invitation/view")]
pub async fn view_invitation(token: String) -> Result<InvitationPage, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::view(scope, token)).await
}

/// Accepts as a new account, signs the person in and redirects to the
/// welcome page.
#[server(endpoint = "invitation/accept_new")]
pub async fn accept_as_new(
    token: String,
    name: String,
    position: String,
    phone: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::server::invitations::{accept_new, NewAccountForm};
    use crate::server::request::serve;
    serve(|scope| {
        accept_new(
            scope,
            NewAccountForm {
                token,
                name,
                position,
                phone,
                password,
                password_confirm,
            },
        )
    })
    .await
}

/// Accepts with an existing account's password, signs in and redirects to
/// the welcome page.
#[server(endpoint = "invitation/accept_existing")]
pub async fn accept_as_existing(token: String, current_password: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::accept_existing(scope, token, current_password)).await
}

/// How strong a new password is, for the hint shown while typing.
#[server(endpoint = "invitation/password_hint")]
pub async fn check_password(token: String, password: String) -> Result<PasswordHint, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::password_hint(scope, token, password)).await
}

/// Ends this browser's session from an invitation's page that was opened
/// while signed in as someone else, and shows the invitation again.
#[server(endpoint = "invitation/sign_out")]
pub async fn sign_out_for_invitation(token: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::sign_out_for(scope, token)).await
}
