//! The permissions page's server functions. All need
//! [`Permission::ManageRoles`](crate::domain::Permission::ManageRoles);
//! changing or retiring a product permission also needs holding it.

use crate::domain::ProductPermissionId;
use crate::wire::permissions::{PermissionUsage, PermissionsPage};
use crate::wire::AppError;
use leptos::prelude::*;

/// Roster's permissions, and the organisation's product permissions with
/// how many hold each, and those retired.
#[server(endpoint = "permissions/list")]
pub async fn load_permissions() -> Result<PermissionsPage, AppError> {
    use crate::server::request::serve;
    serve(crate::server::product_permissions::page).await
}

/// A new product permission. `sensitive` comes as a checkbox: present
/// when ticked.
#[server(endpoint = "permissions/create")]
pub async fn create_permission(
    key: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] sensitive: bool,
) -> Result<ProductPermissionId, AppError> {
    use crate::server::product_permissions::{create, PermissionForm};
    use crate::server::request::serve;
    serve(|scope| {
        create(
            scope,
            PermissionForm {
                key,
                name,
                description,
                sensitive,
            },
        )
    })
    .await
}

/// Renames, describes or marks a product permission, over the `version`
/// the editor read. Its key never changes.
#[server(endpoint = "permissions/update")]
pub async fn update_permission(
    permission_id: String,
    version: i32,
    name: String,
    #[server(default)] description: String,
    #[server(default)] sensitive: bool,
) -> Result<(), AppError> {
    use crate::server::product_permissions::{update, PermissionForm};
    use crate::server::request::serve;
    serve(|scope| {
        update(
            scope,
            permission_id,
            version,
            PermissionForm {
                key: String::new(),
                name,
                description,
                sensitive,
            },
        )
    })
    .await
}

/// The roles and people holding a product permission, by name.
#[server(endpoint = "permissions/usage")]
pub async fn load_permission_usage(permission_id: String) -> Result<PermissionUsage, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::product_permissions::usage(scope, permission_id)).await
}

/// Retires a product permission: every role and person loses it at once,
/// and its key is never used again.
#[server(endpoint = "permissions/retire")]
pub async fn retire_permission(permission_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::product_permissions::retire(scope, permission_id)).await
}
