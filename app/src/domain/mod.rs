//! Domain types and rules. Pure: no I/O, so everything here is unit-tested
//! and compiles into both builds.

pub mod audit;
pub mod audit_view;
pub mod avatar;
pub mod client_address;
pub mod csv;
pub mod department;
pub mod email_address;
pub mod email_verification;
pub mod group;
pub mod ids;
pub mod invitation;
pub mod keyset;
pub mod member;
pub mod naming;
pub mod next_path;
pub mod password_policy;
pub mod password_reset;
pub mod permission;
pub mod person;
pub mod product_permission;
pub mod product_url;
pub mod refusal;
pub mod role;
pub mod scope;
pub mod sign_in_delay;
pub mod site;
pub mod step_up;
pub mod team_view;
pub mod two_factor_policy;
pub mod url_view;

pub use email_address::EmailAddress;
pub use ids::*;
pub use permission::{Permission, PermissionSet};
pub use refusal::Refusal;

use serde::{Deserialize, Serialize};

/// Whether a member may use the organisation. Disabled members keep their
/// data and history but every request of theirs is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipStatus {
    Enabled,
    Disabled,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "enabled" => Some(Self::Enabled),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }

    /// The label people see in tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enabled => "Enabled",
            Self::Disabled => "Disabled",
        }
    }
}
