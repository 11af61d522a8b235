//! Step-up: the actions that change who has access or take data out of
//! Roster (exports, deleting a member, changing a role) ask that the
//! person proved who they are recently, not merely that a session is open:
//! a session left open on a shared computer, or stolen, is not enough.

use chrono::{DateTime, Duration, Utc};

/// How long a proof (signing in, or confirming it again) counts.
pub const WINDOW_MINUTES: i64 = 15;

/// Whether a proof made at `verified_at` still counts at `now`.
pub fn is_recent(verified_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - verified_at <= Duration::minutes(WINDOW_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_counts_for_fifteen_minutes_exactly() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(is_recent(at, at));
        assert!(is_recent(at, at + Duration::minutes(15)));
        assert!(!is_recent(
            at,
            at + Duration::minutes(15) + Duration::seconds(1)
        ));
    }
}
