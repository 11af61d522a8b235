//! The departments page.

use super::moment::Moment;
use crate::domain::DepartmentId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentsPage {
    /// Live ones by name, then archived ones.
    pub departments: Vec<DepartmentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentView {
    pub id: DepartmentId,
    pub name: String,
    /// When it was archived: it left the pickers, and stays on people.
    pub archived_at: Option<Moment>,
    pub members: i64,
    pub pending_invitations: i64,
}
