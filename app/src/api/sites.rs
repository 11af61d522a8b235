//! The sites page's server functions, which need
//! [`Permission::ManageSites`](crate::domain::Permission::ManageSites), and
//! a member's site memberships, which need
//! [`Permission::ManageMembers`](crate::domain::Permission::ManageMembers)
//! and everything the site role grants.

use crate::domain::{MembershipId, SiteId};
use crate::wire::sites::SitesPage;
use crate::wire::AppError;
use leptos::prelude::*;

/// Every site with how many people belong to it, archived ones last.
#[server(endpoint = "sites/list")]
pub async fn load_sites() -> Result<SitesPage, AppError> {
    use crate::server::request::serve;
    serve(crate::server::sites::page).await
}

#[server(endpoint = "sites/create")]
pub async fn create_site(
    name: String,
    #[server(default)] address: String,
    time_zone: String,
) -> Result<SiteId, AppError> {
    use crate::server::request::serve;
    use crate::server::sites::{create, SiteForm};
    let form = SiteForm {
        name,
        address,
        time_zone,
    };
    serve(|scope| create(scope, form)).await
}

#[server(endpoint = "sites/update")]
pub async fn update_site(
    site_id: String,
    name: String,
    #[server(default)] address: String,
    time_zone: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    use crate::server::sites::{update, SiteForm};
    let form = SiteForm {
        name,
        address,
        time_zone,
    };
    serve(|scope| update(scope, site_id, form)).await
}

/// Archives a site: it leaves the pickers and stays on its people.
#[server(endpoint = "sites/archive")]
pub async fn archive_site(site_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::sites::set_archived(scope, site_id, true)).await
}

/// Brings an archived site back into the pickers.
#[server(endpoint = "sites/restore")]
pub async fn restore_site(site_id: String) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::sites::set_archived(scope, site_id, false)).await
}

/// Puts a member on a site with a site role, or changes their role there.
#[server(endpoint = "members/set_site")]
pub async fn set_member_site(
    membership_id: MembershipId,
    site_id: String,
    role_id: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::sites::set_member_site(scope, membership_id, site_id, role_id))
        .await
}

/// Takes a member off a site.
#[server(endpoint = "members/remove_site")]
pub async fn remove_member_site(
    membership_id: MembershipId,
    site_id: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::sites::remove_member_site(scope, membership_id, site_id)).await
}
