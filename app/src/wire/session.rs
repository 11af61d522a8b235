//! The signed-in person, as every page needs them.

use crate::domain::{OrganisationId, Permission};
use serde::{Deserialize, Serialize};

/// The signed-in person, as the pages need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub name: String,
    pub email: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub role: String,
    pub permissions: Vec<Permission>,
}

/// What a signed-in person's home page shows: who and where they are, and
/// their organisation's product, if it set its address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub user: SessionUser,
    pub product_url: Option<String>,
}

impl SessionUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
