//! A member's page, and what sending them a password reset answers.

use crate::wire::roles::PermissionView;
use crate::wire::team::TeamMember;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A member's page: their row in the team table and the rest of what the
/// organisation knows of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub member: TeamMember,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub joined_at: DateTime<Utc>,
    /// Who invited them and when, if they joined through an invitation.
    pub invited: Option<(String, DateTime<Utc>)>,
    pub is_primary_contact: bool,
    /// Their authenticator app, if they set one up: when it was added and
    /// last used, never its secret.
    pub authenticator: Option<super::two_factor::AuthenticatorFacts>,
    /// The latest audit events done by or to them here, newest first.
    pub recent_events: Vec<MemberEvent>,
    /// What they may do, and why.
    pub access: MemberAccess,
    /// Their departments besides the primary one.
    pub other_departments: Vec<super::choice::Choice<crate::domain::DepartmentId>>,
    /// The departments the viewer could add them to (none when the viewer
    /// may not change them).
    pub addable_departments: Vec<super::choice::Choice<crate::domain::DepartmentId>>,
    /// The viewer may change their departments.
    pub may_change_departments: bool,
}

/// A member's effective permissions, each with where it comes from, and
/// what the viewer could grant them directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberAccess {
    /// They own the organisation: every permission, present and future.
    pub owns: bool,
    pub permissions: Vec<HeldPermission>,
    /// What the viewer may grant them directly now (none when the viewer
    /// may not change them).
    pub grantable: Vec<PermissionView>,
    /// The groups they are in, and those the viewer could add them to.
    pub groups: super::groups::MemberGroups,
    /// Their sites, each with their site role there, and what the viewer
    /// could add.
    pub sites: super::sites::MemberSites,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldPermission {
    pub key: String,
    pub name: String,
    pub sensitive: bool,
    pub product: bool,
    pub sources: Vec<PermissionSource>,
    /// It was granted directly and the viewer may take it away.
    pub removable: bool,
}

/// Where a permission a person holds comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PermissionSource {
    Role {
        name: String,
    },
    Group {
        name: String,
    },
    Direct {
        /// Who granted it, as named now; `None` when their account is gone.
        by: Option<String>,
        at: DateTime<Utc>,
    },
    /// Held at one site only, through their site role there.
    SiteRole {
        site: String,
        role: String,
    },
}

/// One line of a member's recent history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberEvent {
    pub at: DateTime<Utc>,
    /// The stable action key, such as `member.disabled`.
    pub action: String,
    /// Who did it, as named when it happened; `None` for the system.
    pub actor: Option<String>,
    /// What it was done to, as named when it happened.
    pub target: Option<String>,
}

/// Where an admin's password reset went, and until when its link works.
/// Never the link itself: only the member may use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordResetSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}
