//! A choice in a picker.

use serde::{Deserialize, Serialize};

/// A choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Choice<Id> {
    pub id: Id,
    pub name: String,
}
