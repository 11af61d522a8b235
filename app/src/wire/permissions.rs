//! The permissions page: Roster's own permissions, and the organisation's
//! product permissions with who holds them.

use super::moment::Moment;
use super::roles::PermissionView;
use crate::domain::ProductPermissionId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionsPage {
    pub roster: Vec<PermissionView>,
    pub product: Vec<ProductPermissionView>,
    pub retired: Vec<RetiredPermissionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductPermissionView {
    pub id: ProductPermissionId,
    pub key: String,
    pub name: String,
    pub description: String,
    pub sensitive: bool,
    /// What an edit carries back: saving over a newer version is refused.
    pub version: i32,
    /// How many roles hold it.
    pub roles: i64,
    /// How many groups grant it as an extra.
    pub groups: i64,
    /// How many people were granted it directly.
    pub people: i64,
    /// Whether the reader holds it, and so may change or retire it.
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetiredPermissionView {
    pub key: String,
    pub name: String,
    pub retired_at: Moment,
}

/// Who holds a product permission: what retiring it asks about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionUsage {
    pub roles: Vec<String>,
    /// Groups granting it as an extra.
    pub groups: Vec<String>,
    pub people: Vec<String>,
}
