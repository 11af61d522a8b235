//! A person's own profile page.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnProfile {
    pub name: String,
    pub email: String,
    /// In the session's organisation.
    pub position: Option<String>,
    pub phone: Option<String>,
    pub time_zone: String,
    /// The time zones the picker offers.
    pub time_zones: Vec<String>,
    /// Where their picture is served, if they uploaded one.
    pub avatar: Option<String>,
    pub organisation_name: String,
    pub two_factor: super::two_factor::TwoFactorStatus,
    /// When the organisation's two-factor policy wants their second
    /// factor by, while it does and they have none (past: they are shut
    /// out of everything but this page until they set one up).
    pub two_factor_due: Option<chrono::DateTime<chrono::Utc>>,
}

/// What changing the password did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    /// Sessions ended elsewhere (other browsers, other organisations).
    pub other_sessions_ended: u64,
}
