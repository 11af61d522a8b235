//! The organisation's settings page. Reading and saving need
//! [`Permission::ManageOrganisation`] (owners).
//!
//! [`Permission::ManageOrganisation`]: crate::domain::Permission::ManageOrganisation

use crate::api::invitations::Choice;
use crate::domain::AccountId;
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
    /// Who outsiders contact about the organisation. They cannot be
    /// disabled or deleted until someone else is chosen.
    pub primary_contact: Option<AccountId>,
    /// Who may be primary contact: enabled owners and admins.
    pub contact_choices: Vec<Choice<AccountId>>,
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
    /// An account id; absent leaves the primary contact as it is.
    #[server(default)]
    primary_contact_id: Option<String>,
) -> Result<(), AppError> {
    use crate::server::organisations::{save, SettingsForm};
    use crate::server::request::serve;
    serve(|scope| {
        save(
            scope,
            SettingsForm {
                name,
                time_zone,
                invitation_expiry_hours,
                primary_contact_id,
            },
        )
    })
    .await
}
