//! Growing delays after failed sign-ins, instead of a lockout: a hard lock
//! lets anyone who knows an address keep its owner out for good, while a
//! delay that doubles with each failure makes guessing slow and costs the
//! owner at most one wait.
//!
//! The first `free` failures wait for nothing; the nth failure after them
//! asks for 2^(n−free) seconds from the latest one, never more than
//! [`MAX_WAIT`].

use std::time::Duration;

/// The longest a client is ever asked to wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// How long after the latest of `failures` failures the next attempt may
/// be judged, with the first `free` failures free.
pub fn wait_after(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = failures - free;
    // 2^10 s already passes the cap.
    if doublings >= 10 {
        return MAX_WAIT;
    }
    Duration::from_secs(1u64 << doublings).min(MAX_WAIT)
}

/// The wait still ahead, `since_latest` after the latest failure.
pub fn remaining(failures: u32, free: u32, since_latest: Duration) -> Option<Duration> {
    wait_after(failures, free)
        .checked_sub(since_latest)
        .filter(|left| !left.is_zero())
}

/// How many failures inside the look-back decide the wait: one more than
/// it takes to reach [`MAX_WAIT`], so queries never need to count further.
pub fn failures_that_matter(free: u32) -> u32 {
    free + 11
}

/// "N seconds" or "N minutes" (rounded up), for "try again in …".
pub fn wait_phrase(seconds: u32) -> String {
    let seconds = seconds.max(1);
    if seconds < 60 {
        let unit = if seconds == 1 { "second" } else { "seconds" };
        format!("{seconds} {unit}")
    } else {
        let minutes = seconds.div_ceil(60);
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!("{minutes} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_the_wait_doubles_up_to_fifteen_minutes() {
        let waits: Vec<u64> = (0..=16).map(|n| wait_after(n, 5).as_secs()).collect();
        assert_eq!(
            waits,
            vec![0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
        );
        assert_eq!(wait_after(u32::MAX, 5), MAX_WAIT);
        assert!(wait_after(failures_that_matter(5), 5) == MAX_WAIT);
    }

    #[test]
    fn the_wait_runs_from_the_latest_failure() {
        assert_eq!(remaining(4, 5, Duration::ZERO), None);
        assert_eq!(
            remaining(7, 5, Duration::from_secs(1)),
            Some(Duration::from_secs(3))
        );
        assert_eq!(remaining(7, 5, Duration::from_secs(4)), None);
        assert_eq!(
            remaining(20, 5, Duration::from_secs(60)),
            Some(Duration::from_secs(840))
        );
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait_phrase(0), "1 second");
        assert_eq!(wait_phrase(1), "1 second");
        assert_eq!(wait_phrase(32), "32 seconds");
        assert_eq!(wait_phrase(60), "1 minute");
        assert_eq!(wait_phrase(61), "2 minutes");
        assert_eq!(wait_phrase(900), "15 minutes");
    }
}
