//! Two-factor sign-in as the profile page shows it.

use super::Moment;
use serde::{Deserialize, Serialize};

/// The signed-in person's second factor. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// The authenticator app, when one is set up.
    pub authenticator: Option<AuthenticatorFacts>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorFacts {
    pub added: Moment,
    pub last_used: Option<Moment>,
}

/// A setup in progress: the new secret as a QR code (SVG drawn on the
/// server) and as text, shown once. Confirming sends only a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorSetup {
    pub qr_svg: String,
    /// Base32, in groups of four.
    pub secret_text: String,
}

/// Recovery codes, shown once when made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}
