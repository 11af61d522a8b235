//! Invitations from the inviter's side: the invite dialog's options, a
//! link just issued, and the Invitations tab's rows.

use crate::domain::invitation::{DeliveryState, InvitationStatus};
use crate::domain::{DepartmentId, GroupId, InvitationId, RoleId, SiteId};
use crate::wire::roles::PermissionView;
use crate::wire::Choice;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the invite dialog offers this inviter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOptions {
    /// Only the roles this inviter may grant, in picker order.
    pub roles: Vec<Choice<RoleId>>,
    /// Each of those roles' permission keys: what the dialog warns about.
    pub role_permissions: Vec<(RoleId, Vec<String>)>,
    /// The permissions this inviter may grant on top of a role.
    pub permissions: Vec<PermissionView>,
    pub departments: Vec<Choice<DepartmentId>>,
    /// The groups this inviter may put people in: those granting nothing
    /// they lack.
    pub groups: Vec<GroupOffer>,
    /// The sites people can be put on now (not archived), and the roles
    /// this inviter may give them there (all they may grant but Owner).
    pub sites: Vec<Choice<SiteId>>,
    pub site_roles: Vec<Choice<RoleId>>,
    /// The organisation's default, in hours.
    pub default_expiry_hours: i32,
}

/// A group the invite dialog offers, with what it grants (by key): what
/// the dialog warns about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupOffer {
    pub id: GroupId,
    pub name: String,
    pub grants: Vec<String>,
}

/// A link just issued: shown once, in the confirmation dialog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedLink {
    pub invitation_id: InvitationId,
    pub email: String,
    /// The copyable link. The emailed one is different and only in the
    /// email: accepting through this one proves nothing about the mailbox,
    /// so the account it makes stays "email not verified" until verified.
    pub link: String,
    pub expires_at: DateTime<Utc>,
    /// `None` when no email was sent (a new link only).
    pub delivery: Option<DeliveryState>,
}

/// What inviting an email led to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InviteOutcome {
    Created(IssuedLink),
    /// The email already has an open invitation; the dialog offers to
    /// resend it (or, if expired, send a new one) instead of a second.
    AlreadyInvited {
        invitation_id: InvitationId,
        status: InvitationStatus,
    },
}

/// One row of the Invitations tab.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub email: String,
    pub name: String,
    pub role_id: RoleId,
    pub role: String,
    /// Permissions it grants on top of the role, by key.
    pub permissions: Vec<String>,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    /// The groups accepting puts them in, by name.
    pub groups: Vec<Choice<GroupId>>,
    /// The sites accepting puts them on, with the site role there:
    /// "Berlin (Technician)".
    pub sites: Vec<String>,
    /// The same as the invite dialog's pickers send them:
    /// "{site id}:{role id}".
    pub site_choices: Vec<String>,
    pub invited_by: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub resend_count: i32,
    pub status: InvitationStatus,
    /// The latest email's state; `None` if none was ever queued.
    pub delivery: Option<DeliveryState>,
}
