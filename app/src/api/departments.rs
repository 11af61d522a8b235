//! The departments page's server functions. All need
//! [`Permission::ManageDepartments`](crate::domain::Permission::ManageDepartments).

use crate::domain::DepartmentId;
use crate::wire::departments::DepartmentsPage;
use crate::wire::AppError;
use leptos::prelude::*;

/// Every department with how many people are in it, archived ones last.
#[server(endpoint = "departments/list")]
pub async fn load_departments() -> Result<DepartmentsPage, AppError> {
    use crate::server::request::serve;
    serve(crate::server::departments::page).await
}

#[server(endpoint = "departments/create")]
pub async fn create_department(name: String) -> Result<DepartmentId, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::departments::create(scope, name)).await
}

#[server(endpoint = "departments/rename")]
pub async fn rename_department(department_id: String, name: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::departments::rename(scope, department_id, name)).await
}

/// Archives a department: it leaves the pickers and stays on its people.
#[server(endpoint = "departments/archive")]
pub async fn archive_department(department_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::departments::set_archived(scope, department_id, true)).await
}

/// Brings an archived department back into the pickers.
#[server(endpoint = "departments/restore")]
pub async fn restore_department(department_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::departments::set_archived(scope, department_id, false)).await
}
