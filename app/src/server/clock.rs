//! The time that two-factor sign-in reads: the system's, or one a test
//! holds still and moves by hand.
//!
//! Authenticator codes change every 30 seconds and a half-finished
//! sign-in lasts 5 minutes, so tests of the code window, replay and
//! expiry need to say exactly when "now" is. Everything that judges those
//! reads this clock (and passes it to SQL as a value) instead of calling
//! `Utc::now()` or SQL's `now()`.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system's time: what the server runs with.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stays at `at` until [`Clock::set`] or
    /// [`Clock::advance`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Some(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a fixed clock to `at` (a system clock cannot be moved).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(now) = &self.0 {
            *now.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// Moves a fixed clock on by `by`.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::system"),
            Some(_) => write!(f, "Clock::fixed({})", self.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let start = DateTime::from_timestamp(1_000_000_000, 0).unwrap();
        let clock = Clock::fixed(start);
        let copy = clock.clone();
        assert_eq!(clock.now(), start);
        copy.advance(Duration::seconds(30));
        assert_eq!(clock.now(), start + Duration::seconds(30));
        let system = Clock::system();
        system.set(start);
        assert!(system.now() > start);
    }
}
