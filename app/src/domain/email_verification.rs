//! Email verification: an address counts as proven only when a link sent
//! to it was followed. An invitation's copyable link proves nothing (it may
//! have been pasted anywhere), so an account made through it is sent a
//! verification link.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A verification link works for this long, and only once. After that a
/// password reset (whose link also goes to the address) proves it too.
pub const LINK_LIFETIME_DAYS: i64 = 7;

/// When a link made at `from` stops working.
pub fn link_expiry(from: DateTime<Utc>) -> DateTime<Utc> {
    from + Duration::days(LINK_LIFETIME_DAYS)
}

/// Where one verification link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationLinkStatus {
    Open,
    Expired,
    Used,
}

impl VerificationLinkStatus {
    pub fn at(
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
    ) -> Self {
        match used_at {
            Some(_) => Self::Used,
            None if now >= expires_at => Self::Expired,
            None => Self::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_open_until_used_or_expired() {
        let now = Utc::now();
        let expires = link_expiry(now);
        assert_eq!(expires - now, Duration::days(7));
        use VerificationLinkStatus::*;
        assert_eq!(VerificationLinkStatus::at(now, expires, None), Open);
        assert_eq!(VerificationLinkStatus::at(expires, expires, None), Expired);
        assert_eq!(VerificationLinkStatus::at(now, expires, Some(now)), Used);
    }
}
