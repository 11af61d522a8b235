//! The organisation's settings page. Reading and saving need
//! [`Permission::ManageOrganisation`] (owners).
//!
//! [`Permission::ManageOrganisation`]: crate::domain::Permission::ManageOrganisation

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationSettings {
    pub name: String,
    pub time_zone: String,
    pub invitation_expiry_hours: i32,
    /// The time zones the picker offers.
    pub time_zones: Vec<String>,
}

#[server(endpoint = "organisation/settings")]
pub async fn load_organisation_settings() -> Result<OrganisationSettings, AppError> {
    use crate::server::request::serve;
    serve(crate::server::organisations::settings).await
}

#[server(endpoint = "organisation/save_settings")]
pub async fn save_organisation_settings(
    name: String,
    time_zone: String,
    invitation_expiry_hours: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| {
        crate::server::organisations::save(scope, name, time_zone, invitation_expiry_hours)
    })
    .await
}
