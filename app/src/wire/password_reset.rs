//! What a password reset link shows its holder.

use super::Moment;
use serde::{Deserialize, Serialize};

/// What a reset link leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PasswordResetPage {
    /// The link works: the account's email, and until when.
    Open {
        email: String,
        expires_at: Moment,
    },
    Expired,
    Used,
    /// No working reset has this token: mistyped, or replaced by a newer
    /// link.
    Invalid,
}
