//! The roles page's server functions. All need
//! [`Permission::ManageRoles`](crate::domain::Permission::ManageRoles),
//! and touch only roles holding nothing the caller lacks.

use crate::domain::RoleId;
use crate::wire::roles::RolesPage;
use crate::wire::AppError;
use leptos::prelude::*;

/// Every role with what it holds and how many hold it, and the catalogue.
#[server(endpoint = "roles/list")]
pub async fn load_roles() -> Result<RolesPage, AppError> {
    use crate::server::request::serve;
    serve(crate::server::roles::page).await
}

/// A new role with these permissions (keys), all of which the caller
/// holds.
#[server(endpoint = "roles/create")]
pub async fn create_role(
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<RoleId, AppError> {
    use crate::server::request::serve;
    use crate::server::roles::{create, RoleForm};
    serve(|scope| {
        create(
            scope,
            RoleForm {
                name,
                description,
                permissions,
            },
        )
    })
    .await
}

/// Saves a role over the `version` the editor read; refused when someone
/// saved it since (`Refusal::RoleChangedElsewhere`).
#[server(endpoint = "roles/update")]
pub async fn update_role(
    role_id: String,
    version: i32,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::roles::{update, RoleForm};
    serve(|scope| {
        update(
            scope,
            role_id,
            version,
            RoleForm {
                name,
                description,
                permissions,
            },
        )
    })
    .await
}

/// Deletes a role, moving its members and the invitations that grant it
/// to `move_to`, in one transaction.
#[server(endpoint = "roles/delete")]
pub async fn delete_role(role_id: String, move_to: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::roles::delete(scope, role_id, move_to)).await
}
