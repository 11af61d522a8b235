//! Invitations, from the admin's side: invite, list, resend, new link,
//! revoke, edit. Every function needs [`Permission::InviteMembers`] in the
//! session's organisation, and acting on a role needs the right to grant it.
//!
//! [`Permission::InviteMembers`]: crate::domain::Permission::InviteMembers

// Each argument of a server function is one field of a plain form post
// (the invite dialog works before the page is interactive); the code the
// `server` macro generates from `create_invitation`'s eight cannot carry
// an item-level allow, and a struct would rename every field.
#![allow(clippy::too_many_arguments)]

use crate::domain::invitation::DeliveryState;
use crate::domain::InvitationId;
use crate::wire::invitations::{InviteOptions, InviteOutcome, IssuedLink};
use crate::wire::AppError;
use leptos::prelude::*;

/// The roles this person may grant and the organisation's departments.
#[server(endpoint = "invitations/options")]
pub async fn load_invite_options() -> Result<InviteOptions, AppError> {
    use crate::server::request::serve;
    serve(crate::server::assignment::options).await
}

/// Invites `email`. Empty strings mean "not given" for `name`,
/// `department_id` and `expiry_hours` (the organisation's default).
#[server(endpoint = "invitations/create")]
pub async fn create_invitation(
    email: String,
    name: String,
    role_id: String,
    department_id: String,
    expiry_hours: String,
    /// Granted on top of the role, by key: `permissions[0]=…`.
    #[server(default)]
    permissions: Vec<String>,
    /// The groups accepting puts them in, by id: `groups[0]=…`.
    #[server(default)]
    groups: Vec<String>,
    /// The sites accepting puts them on, each `{site id}:{role id}` (empty
    /// ones, "not at this site", are skipped): `sites[0]=…`.
    #[server(default)]
    sites: Vec<String>,
) -> Result<InviteOutcome, AppError> {
    use crate::server::invitations::{create, InviteForm};
    use crate::server::request::serve;
    serve(|scope| {
        create(
            scope,
            InviteForm {
                email,
                name,
                role_id,
                permissions,
                department_id,
                expiry_hours,
                groups,
                sites,
            },
        )
    })
    .await
}

/// Sends the invitation again with a new link and expiry; the old link
/// stops working at once. Also "Send new invitation" for an expired one.
#[server(endpoint = "invitations/resend")]
pub async fn resend_invitation(invitation_id: InvitationId) -> Result<IssuedLink, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::reissue(scope, invitation_id, true)).await
}

/// A new link to share by other means, without an email; the old link stops
/// working at once.
#[server(endpoint = "invitations/new_link")]
pub async fn new_invitation_link(invitation_id: InvitationId) -> Result<IssuedLink, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::reissue(scope, invitation_id, false)).await
}

#[server(endpoint = "invitations/revoke")]
pub async fn revoke_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::revoke(scope, invitation_id)).await
}

/// Changes the role, permissions, department or groups an open
/// invitation grants.
#[server(endpoint = "invitations/update")]
pub async fn update_invitation(
    invitation_id: InvitationId,
    role_id: String,
    department_id: String,
    /// Granted on top of the role, by key; none when left out.
    #[server(default)]
    permissions: Vec<String>,
    /// The groups accepting puts them in, by id; none when left out.
    #[server(default)]
    groups: Vec<String>,
    /// The sites accepting puts them on, each `{site id}:{role id}`.
    #[server(default)]
    sites: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| {
        crate::server::invitations::update(
            scope,
            invitation_id,
            role_id,
            permissions,
            department_id,
            groups,
            sites,
        )
    })
    .await
}

/// The delivery state of an invitation's latest email, for the
/// confirmation dialog to follow.
#[server(endpoint = "invitations/delivery")]
pub async fn invitation_delivery(
    invitation_id: InvitationId,
) -> Result<Option<DeliveryState>, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::invitations::delivery(scope, invitation_id)).await
}
