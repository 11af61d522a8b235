//! Password reset rules: how long a link lasts, how many an account gets,
//! and where a link stands.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A reset link works for this long, and only once.
pub const LINK_LIFETIME_HOURS: i64 = 1;

/// At most this many reset emails go to one account in an hour, whoever
/// asks (its admins or anyone typing its email on the sign-in page): more
/// would only flood the person's inbox.
pub const MAX_EMAILS_PER_ACCOUNT_PER_HOUR: i64 = 3;

/// At most this many "Forgot password?" requests are taken from one client
/// address in an hour, whatever emails they name.
pub const MAX_REQUESTS_PER_ADDRESS_PER_HOUR: i64 = 20;

/// The window both limits count in.
pub fn limit_window() -> std::time::Duration {
    std::time::Duration::from_secs(3600)
}

/// When a link made at `from` stops working.
pub fn link_expiry(from: DateTime<Utc>) -> DateTime<Utc> {
    from + Duration::hours(LINK_LIFETIME_HOURS)
}

/// Where one reset link stands. Open and expired are read off the clock;
/// used and superseded are facts recorded with a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLinkStatus {
    Open,
    Expired,
    Used,
    /// A newer reset for the same account replaced it.
    Superseded,
}

impl ResetLinkStatus {
    pub fn at(
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
        superseded_at: Option<DateTime<Utc>>,
    ) -> Self {
        match (used_at, superseded_at) {
            (Some(_), _) => Self::Used,
            (None, Some(_)) => Self::Superseded,
            (None, None) if now >= expires_at => Self::Expired,
            (None, None) => Self::Open,
        }
    }
}

/// What a member's row and page say about the latest reset their
/// organisation's admins sent them. A used or replaced reset says nothing:
/// there is nothing left to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PasswordResetState {
    Pending { expires_at: DateTime<Utc> },
    Expired,
}

impl PasswordResetState {
    pub fn at(
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
        superseded_at: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        match ResetLinkStatus::at(now, expires_at, used_at, superseded_at) {
            ResetLinkStatus::Open => Some(Self::Pending { expires_at }),
            ResetLinkStatus::Expired => Some(Self::Expired),
            ResetLinkStatus::Used | ResetLinkStatus::Superseded => None,
        }
    }

    /// The short label for a table cell ("Reset pending", "Reset expired").
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending { .. } => "Reset pending",
            Self::Expired => "Reset expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_open_for_an_hour_then_expired_and_used_or_superseded_win() {
        let sent = Utc::now();
        let expires = link_expiry(sent);
        assert_eq!(expires - sent, Duration::hours(1));
        let status = |now, used, superseded| ResetLinkStatus::at(now, expires, used, superseded);
        assert_eq!(status(sent, None, None), ResetLinkStatus::Open);
        assert_eq!(status(expires, None, None), ResetLinkStatus::Expired);
        assert_eq!(status(sent, Some(sent), None), ResetLinkStatus::Used);
        assert_eq!(
            status(expires + Duration::days(1), Some(sent), None),
            ResetLinkStatus::Used
        );
        assert_eq!(status(sent, None, Some(sent)), ResetLinkStatus::Superseded);
    }

    #[test]
    fn members_show_pending_or_expired_and_nothing_once_closed() {
        let sent = Utc::now();
        let expires = link_expiry(sent);
        assert_eq!(
            PasswordResetState::at(sent, expires, None, None),
            Some(PasswordResetState::Pending {
                expires_at: expires
            })
        );
        assert_eq!(
            PasswordResetState::at(expires, expires, None, None),
            Some(PasswordResetState::Expired)
        );
        assert_eq!(
            PasswordResetState::at(sent, expires, Some(sent), None),
            None
        );
        assert_eq!(
            PasswordResetState::at(sent, expires, None, Some(sent)),
            None
        );
        assert_eq!(PasswordResetState::Expired.label(), "Reset expired");
    }
}
