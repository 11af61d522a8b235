//! What an invitation link shows its holder.

use super::Moment;
use serde::{Deserialize, Serialize};

/// What an invitation link leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InvitationPage {
    Open(InvitationDetails),
    Expired {
        organisation_name: String,
        inviter_name: String,
    },
    Revoked {
        organisation_name: String,
    },
    Accepted {
        organisation_name: String,
    },
    /// Still pending, but its inviter was disabled or removed, or no longer
    /// holds what it grants: it cannot be accepted.
    InviterNoLongerEntitled {
        organisation_name: String,
    },
    /// Open, but this browser is signed in as someone with another email:
    /// they are offered to sign out, never an error.
    ForAnotherAddress {
        organisation_name: String,
        /// The signed-in account's email (theirs, so no news to them).
        signed_in_as: String,
    },
    /// No invitation has this token: mistyped, or replaced by a newer link.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub organisation_name: String,
    pub inviter_name: String,
    pub email: String,
    /// As the inviter typed it; prefills the form.
    pub name: String,
    /// "Member in Sales, and Technician at Berlin".
    pub joining_as: String,
    /// What accepting does for someone already in the organisation, on a
    /// site invitation (`domain::invitation::for_a_member`).
    pub for_a_member: Option<String>,
    pub expires_at: Moment,
    // Nothing here says whether the email has an account (in another
    // organisation): the holder of a copied link may be anyone, so the page
    // offers both ways in to everyone.
}
