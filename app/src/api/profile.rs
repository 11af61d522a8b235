//! A person's own profile: their name, position, phone, time zone, picture
//! and password. Every function needs a session and acts only on the
//! session's own account (and, for the position, its own membership): no
//! id is taken, so there is nobody else's to name.
//!
//! The picture is uploaded with a plain form post to `/profile/avatar`
//! (`server/src/web.rs`): a file is not a server function argument.

use crate::wire::password::PasswordHint;
use crate::wire::profile::{OwnProfile, PasswordChanged};
use crate::wire::AppError;
use leptos::prelude::*;

#[server(endpoint = "profile")]
pub async fn load_profile() -> Result<OwnProfile, AppError> {
    use crate::server::request::serve;
    serve(crate::server::profile::load).await
}

/// Saves name, position, phone and time zone; each refusal names its field.
#[server(endpoint = "profile/save")]
pub async fn save_profile(
    name: String,
    position: String,
    phone: String,
    time_zone: String,
) -> Result<(), AppError> {
    use crate::server::profile::{save, ProfileForm};
    use crate::server::request::serve;
    serve(|scope| {
        save(
            scope,
            ProfileForm {
                name,
                position,
                phone,
                time_zone,
            },
        )
    })
    .await
}

/// Changes the password, given the current one. Every other session of
/// the account ends; this one goes on.
#[server(endpoint = "profile/change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<PasswordChanged, AppError> {
    use crate::server::profile::{change_password, PasswordForm};
    use crate::server::request::serve;
    serve(|scope| {
        change_password(
            scope,
            PasswordForm {
                current_password,
                password,
                password_confirm,
            },
        )
    })
    .await
}

/// How strong a new password is, for the hint while typing.
#[server(endpoint = "profile/password_hint")]
pub async fn check_own_password(password: String) -> Result<PasswordHint, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::profile::password_hint(scope, password)).await
}

#[server(endpoint = "profile/remove_avatar")]
pub async fn remove_avatar() -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(crate::server::profile::remove_avatar).await
}
