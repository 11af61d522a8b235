//! The roles page: every role of the organisation with what it holds and
//! how many hold it, and the catalogue of permissions to choose from.

use crate::domain::{Permission, RoleId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolesPage {
    pub roles: Vec<RoleView>,
    pub catalogue: Vec<PermissionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    /// The built-in Owner role: shown, never edited.
    pub is_owner: bool,
    /// What an edit carries back: saving over a newer version is refused.
    pub version: i32,
    pub holders: i64,
    pub pending_invitations: i64,
    /// Whether the reader may edit or delete it: it holds nothing they lack.
    pub editable: bool,
}

/// One of Roster's permissions, as the role editor offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionView {
    pub permission: Permission,
    pub key: String,
    pub name: String,
    pub description: String,
    /// It lets the holder change who has access.
    pub sensitive: bool,
}
