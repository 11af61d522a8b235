//! Changing members: disable, enable, delete, role, department. Every
//! function needs [`Permission::ManageMembers`] in the session's
//! organisation, acts only on that organisation's members, and keeps its
//! guards (never zero enabled Owners, the primary contact, nobody on
//! themselves, nobody above their own permissions) in the same transaction
//! as the change.
//!
//! [`Permission::ManageMembers`]: crate::domain::Permission::ManageMembers

use crate::domain::MembershipId;
use crate::wire::members::{MemberDetail, PasswordResetSent};
use crate::wire::AppError;
use leptos::prelude::*;

/// One member of the session's organisation, for their page. Needs
/// [`Permission::ViewTeam`]; another organisation's member is not found.
///
/// [`Permission::ViewTeam`]: crate::domain::Permission::ViewTeam
#[server(endpoint = "members/detail")]
pub async fn load_member(membership_id: MembershipId) -> Result<MemberDetail, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::detail(scope, membership_id)).await
}

/// Disables a member: their sessions in this organisation end at once.
#[server(endpoint = "members/disable")]
pub async fn disable_member(membership_id: MembershipId) -> Result<(), AppError> {
    use crate::domain::MembershipStatus;
    use crate::server::request::serve;
    serve(|scope| {
        crate::server::members::set_status(scope, membership_id, MembershipStatus::Disabled)
    })
    .await
}

#[server(endpoint = "members/enable")]
pub async fn enable_member(membership_id: MembershipId) -> Result<(), AppError> {
    use crate::domain::MembershipStatus;
    use crate::server::request::serve;
    serve(|scope| {
        crate::server::members::set_status(scope, membership_id, MembershipStatus::Enabled)
    })
    .await
}

/// Deletes a member for good; `confirm_email` is their email, typed.
#[server(endpoint = "members/delete")]
pub async fn delete_member(
    membership_id: MembershipId,
    confirm_email: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::delete(scope, membership_id, confirm_email)).await
}

#[server(endpoint = "members/change_role")]
pub async fn change_member_role(
    membership_id: MembershipId,
    role_id: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::change_role(scope, membership_id, role_id)).await
}

/// Sets a member's position in the organisation; an empty one clears it.
#[server(endpoint = "members/change_position")]
pub async fn change_member_position(
    membership_id: MembershipId,
    position: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::change_position(scope, membership_id, position)).await
}

/// An empty `department_id` means no department.
#[server(endpoint = "members/change_department")]
pub async fn change_member_department(
    membership_id: MembershipId,
    department_id: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::change_department(scope, membership_id, department_id))
        .await
}

/// Puts a member in another department besides their primary one.
#[server(endpoint = "members/add_department")]
pub async fn add_member_department(
    membership_id: MembershipId,
    department_id: String,
) -> Result<(), AppError> {
    use crate::server::members::change_other_department;
    use crate::server::request::serve;
    serve(|scope| change_other_department(scope, membership_id, department_id, true)).await
}

/// Takes a member out of one of their other departments.
#[server(endpoint = "members/remove_department")]
pub async fn remove_member_department(
    membership_id: MembershipId,
    department_id: String,
) -> Result<(), AppError> {
    use crate::server::members::change_other_department;
    use crate::server::request::serve;
    serve(|scope| change_other_department(scope, membership_id, department_id, false)).await
}

/// Grants a member one permission (`permission`: its key) directly, on top
/// of their role. The caller must hold it and outrank them.
#[server(endpoint = "members/grant_permission")]
pub async fn grant_member_permission(
    membership_id: MembershipId,
    permission: String,
) -> Result<(), AppError> {
    use crate::server::member_access::{change, Direction};
    use crate::server::request::serve;
    serve(|scope| change(scope, membership_id, permission, Direction::Grant)).await
}

/// Takes away a permission granted to a member directly.
#[server(endpoint = "members/revoke_permission")]
pub async fn revoke_member_permission(
    membership_id: MembershipId,
    permission: String,
) -> Result<(), AppError> {
    use crate::server::member_access::{change, Direction};
    use crate::server::request::serve;
    serve(|scope| change(scope, membership_id, permission, Direction::Revoke)).await
}

/// Emails an enabled member a single-use link, valid for an hour, to choose
/// a new password.
#[server(endpoint = "members/send_password_reset")]
pub async fn send_password_reset(
    membership_id: MembershipId,
) -> Result<PasswordResetSent, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::send_password_reset(scope, membership_id)).await
}

/// Removes a member's authenticator app and recovery codes, for someone
/// who lost both; their sessions end. Asks for a recent step-up.
#[server(endpoint = "members/reset_two_factor")]
pub async fn reset_member_two_factor(membership_id: MembershipId) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::members::reset_two_factor(scope, membership_id)).await
}
