//! Invitations, from the invitee's side. No session is needed: the link's
//! token is the credential. Looking never consumes it; only a successful
//! accept does.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What an invitation link leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InvitationPage {
    Open(InvitationDetails),
    Expired {
        organisation_name: String,
        inviter_name: String,
    },
    Revoked {
        organisation_name: String,
    },
    Accepted {
        organisation_name: String,
    },
    /// No invitation has this token: mistyped, or replaced by a newer link.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub organisation_name: String,
    pub inviter_name: String,
    pub email: String,
    /// As the inviter typed it; prefills the form.
    pub name: String,
    pub role: String,
    pub department: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// The email already has a Roster account (in another organisation):
    /// the person signs in instead of creating one. Only the link's holder
    /// learns this.
    pub has_account: bool,
}

/// The live strength hint under the password field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordHint {
    /// zxcvbn's 0–4.
    pub score: u8,
    pub acceptable: bool,
    pub message: String,
}

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
pub async fn accept_as_existing(token: String, password: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::accept_existing(scope, token, password)).await
}

/// How strong a new password is, for the hint shown while typing.
#[server(endpoint = "invitation/password_hint")]
pub async fn check_password(token: String, password: String) -> Result<PasswordHint, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::password_hint(scope, token, password)).await
}
