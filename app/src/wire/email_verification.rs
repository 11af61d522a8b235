//! What an email verification link shows its holder.

use serde::{Deserialize, Serialize};

/// What a verification link leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VerifyEmailPage {
    /// The link works for `email`. Only a browser signed in as the account
    /// it was sent for (`signed_in`) may confirm it: the mailbox's reader
    /// and the account's holder must be the same person.
    Open {
        email: String,
        signed_in: bool,
    },
    /// Already used: the address is verified.
    Used,
    Expired,
    /// No link has this token, or the account's address has changed since.
    Invalid,
}
