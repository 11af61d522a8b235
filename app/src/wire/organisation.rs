//! The organisation's settings, as owners edit them.

use crate::domain::two_factor_policy::TwoFactorPolicy;
use crate::domain::AccountId;
use crate::wire::choice::Choice;
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
    /// The organisation's own product, linked from members' home page.
    pub product_url: Option<String>,
    /// Whom two-factor sign-in is required of, and the grace in days.
    pub two_factor_policy: TwoFactorPolicy,
    pub two_factor_grace_days: i32,
}
