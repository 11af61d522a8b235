//! The organisation's settings page. Reading and saving need
//! [`Permission::ManageOrganisation`] (owners).
//!
//! [`Permission::ManageOrganisation`]: crate::domain::Permission::ManageOrganisation

use crate::wire::organisation::OrganisationSettings;
use crate::wire::AppError;
use leptos::prelude::*;

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
    /// Absent or empty: no link on members' home page.
    #[server(default)]
    product_url: String,
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
                product_url,
            },
        )
    })
    .await
}

/// Sets whom two-factor sign-in is required of (`optional`, `sensitive`
/// or `everyone`) and the grace in days (0 to 30). Asks for a recent
/// step-up.
#[server(endpoint = "organisation/two_factor_policy")]
pub async fn save_two_factor_policy(
    two_factor_policy: String,
    two_factor_grace_days: String,
) -> Result<(), AppError> {
    use crate::server::request::serve;
    serve(|scope| {
        crate::server::organisations::save_two_factor_policy(
            scope,
            two_factor_policy,
            two_factor_grace_days,
        )
    })
    .await
}
