//! The team table: its rows, tab counts, pages and filter choices.

use crate::domain::password_reset::PasswordResetState;
use crate::domain::team_view::TeamQuery;
use crate::domain::{DepartmentId, GroupId, MembershipId, MembershipStatus, RoleId, SiteId};
use crate::wire::choice::Choice;
use crate::wire::invitations::InvitationRow;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One member's row of the team table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: MembershipId,
    pub name: String,
    pub email: String,
    pub role_id: RoleId,
    pub role: String,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    /// Their departments besides the primary one, by name.
    pub other_departments: Vec<String>,
    /// Their sites with their site role there: "Berlin (Site Manager)".
    pub sites: Vec<String>,
    pub status: MembershipStatus,
    /// The row is the person looking at the table.
    pub is_you: bool,
    /// Two-factor sign-in is set up.
    pub two_factor: bool,
    /// The organisation requires it of them and they have not set it up:
    /// when their grace ends (in the past: they are shut out until they
    /// do).
    pub two_factor_due: Option<DateTime<Utc>>,
    /// Something proved that the person reads their address (see
    /// `domain::email_verification`); false for an account made through a
    /// copied invitation link until they follow a link sent to it.
    pub email_verified: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
    /// The latest password reset an admin of this organisation sent, while
    /// it is pending or expired.
    pub password_reset: Option<PasswordResetState>,
    /// Where their profile picture is served, if they uploaded one.
    pub avatar: Option<String>,
}

/// A row of the team table: a member, or an invitation (open ones show
/// among the active members as "Pending Invitation" or "Expired").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TeamEntry {
    Member(TeamMember),
    Invitation(InvitationRow),
}

/// Unfiltered counts for the tab labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabCounts {
    /// Enabled members and open invitations.
    pub active: i64,
    /// Disabled members.
    pub inactive: i64,
    /// Open invitations.
    pub invitations: i64,
}

/// One page of a view of the team table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamListing {
    /// The view as the server understood it, filters that do not apply
    /// dropped.
    pub query: TeamQuery,
    pub entries: Vec<TeamEntry>,
    /// Cursors for the neighbouring pages, when there are rows there.
    pub next: Option<String>,
    pub previous: Option<String>,
    pub counts: TabCounts,
    /// The viewer may see and act on invitations.
    pub with_invitations: bool,
}

/// What the team table's filters offer: every role of the organisation and
/// its departments, groups and sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub roles: Vec<Choice<RoleId>>,
    pub departments: Vec<Choice<DepartmentId>>,
    pub groups: Vec<Choice<GroupId>>,
    pub sites: Vec<Choice<SiteId>>,
    /// The roles a site role may be: all but Owner.
    pub site_roles: Vec<Choice<RoleId>>,
}
