//! What every new-password form shows while someone types (accepting an
//! invitation, completing a reset, changing one's own password).

use serde::{Deserialize, Serialize};

/// The live strength hint under the password field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordHint {
    /// zxcvbn's 0–4.
    pub score: u8,
    pub acceptable: bool,
    pub message: String,
}
