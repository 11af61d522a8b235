//! The roles page: every role of the organisation with what it holds and
//! how many hold it, and the catalogue of permissions to choose from.

use crate::domain::RoleId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolesPage {
    pub roles: Vec<RoleView>,
    /// Roster's grantable permissions, then the organisation's live
    /// product permissions.
    pub catalogue: Vec<PermissionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    /// The keys it holds, Roster's and the product's.
    pub permissions: Vec<String>,
    /// The built-in Owner role: shown, never edited.
    pub is_owner: bool,
    /// What an edit carries back: saving over a newer version is refused.
    pub version: i32,
    pub holders: i64,
    pub pending_invitations: i64,
    /// Whether the reader may edit or delete it: it holds nothing they lack.
    pub editable: bool,
}

/// A permission as editors offer it, Roster's or the product's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionView {
    pub key: String,
    pub name: String,
    pub description: String,
    /// It lets the holder change who has access (or, for a product's, the
    /// organisation marked it so).
    pub sensitive: bool,
    /// One of the organisation's product permissions, not Roster's.
    pub product: bool,
}

impl PermissionView {
    /// The name a key reads as, from `catalogue`; the key itself when the
    /// catalogue lacks it.
    pub fn name_of<'a>(catalogue: &'a [PermissionView], key: &'a str) -> &'a str {
        catalogue
            .iter()
            .find(|p| p.key == key)
            .map_or(key, |p| p.name.as_str())
    }
}
