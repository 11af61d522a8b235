//! The groups pages' server functions. All need
//! [`Permission::ManageGroups`](crate::domain::Permission::ManageGroups);
//! changing what a group grants, or who is in one, needs everything it
//! grants as well.

use crate::domain::GroupId;
use crate::wire::groups::{GroupCandidate, GroupDetail, GroupsPage};
use crate::wire::AppError;
use leptos::prelude::*;

/// Every group with what it grants and how many people are in it.
#[server(endpoint = "groups/list")]
pub async fn load_groups() -> Result<GroupsPage, AppError> {
    use crate::server::request::serve;
    serve(crate::server::groups::page).await
}

/// `role_id` is empty for none; `permissions` are the extras on top of
/// the role's.
#[server(endpoint = "groups/create")]
pub async fn create_group(
    name: String,
    #[server(default)] description: String,
    #[server(default)] role_id: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<GroupId, AppError> {
    use crate::server::groups::{create, GroupForm};
    use crate::server::request::serve;
    let form = GroupForm {
        name,
        description,
        role: role_id,
        permissions,
    };
    serve(|scope| create(scope, form)).await
}

/// Saves a group, refused when it changed since `version` was read.
#[server(endpoint = "groups/update")]
pub async fn update_group(
    group_id: String,
    version: i32,
    name: String,
    #[server(default)] description: String,
    #[server(default)] role_id: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::groups::{update, GroupForm};
    use crate::server::request::serve;
    let form = GroupForm {
        name,
        description,
        role: role_id,
        permissions,
    };
    serve(|scope| update(scope, group_id, version, form)).await
}

/// Deletes a group: its people lose what it granted, at once.
#[server(endpoint = "groups/delete")]
pub async fn delete_group(group_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::groups::delete(scope, group_id)).await
}

/// One group with its people.
#[server(endpoint = "groups/show")]
pub async fn load_group(group_id: String) -> Result<GroupDetail, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::groups::detail(scope, group_id)).await
}

/// Members not in the group whose name or email holds `search`.
#[server(endpoint = "groups/candidates")]
pub async fn group_candidates(
    group_id: String,
    search: String,
) -> Result<Vec<GroupCandidate>, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::groups::candidates(scope, group_id, search)).await
}

/// Puts people (membership ids) in a group, all or none; answers how many
/// were not in it already.
#[server(endpoint = "groups/add_members")]
pub async fn add_to_group(group_id: String, members: Vec<String>) -> Result<usize, AppError> {
    use crate::server::groups::{change_members, Direction};
    use crate::server::request::serve;
    serve(|scope| change_members(scope, group_id, members, Direction::Add)).await
}

/// Takes one person (a membership id) out of a group.
#[server(endpoint = "groups/remove_member")]
pub async fn remove_from_group(group_id: String, member_id: String) -> Result<(), AppError> {
    use crate::server::groups::{change_members, Direction};
    use crate::server::request::serve;
    serve(|scope| change_members(scope, group_id, vec![member_id], Direction::Remove))
        .await
        .map(|_| ())
}
