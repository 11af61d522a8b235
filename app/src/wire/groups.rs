//! The groups pages, and a member's groups on their page.

use super::choice::Choice;
use super::moment::Moment;
use super::roles::PermissionView;
use crate::domain::{GroupId, MembershipId, RoleId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupsPage {
    /// By name.
    pub groups: Vec<GroupView>,
    /// The roles a group may grant that the reader could grant: never
    /// Owner.
    pub roles: Vec<Choice<RoleId>>,
    /// Each of those roles' permissions: what the editor warns about.
    pub role_permissions: Vec<(RoleId, Vec<String>)>,
    /// Every permission, Roster's and the product's, for the editor and
    /// for naming what a group grants.
    pub catalogue: Vec<PermissionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    /// The role whose permissions each member gets.
    pub role: Option<Choice<RoleId>>,
    /// Permissions it grants on top of its role's.
    pub permissions: Vec<String>,
    /// Everything it grants: its role's and its extras.
    pub grants: Vec<String>,
    pub version: i32,
    pub members: i64,
    /// The reader holds everything it grants, so may change it, delete it
    /// and choose its people.
    pub editable: bool,
}

/// One group's page: what it grants and who is in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group: GroupView,
    pub catalogue: Vec<PermissionView>,
    pub members: Vec<GroupMemberView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMemberView {
    pub id: MembershipId,
    pub name: String,
    pub email: String,
    pub role_name: String,
    pub enabled: bool,
    pub added_by: Option<String>,
    pub added_at: Moment,
    /// The reader may take them out (and may act on them).
    pub removable: bool,
}

/// Someone the group's page offers to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCandidate {
    pub id: MembershipId,
    pub name: String,
    pub email: String,
}

/// A group a member is in, on their page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberGroupView {
    pub id: GroupId,
    pub name: String,
    /// The viewer may take them out of it.
    pub removable: bool,
}

/// A member's groups, and those the viewer could add them to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberGroups {
    pub groups: Vec<MemberGroupView>,
    pub addable: Vec<Choice<GroupId>>,
}
