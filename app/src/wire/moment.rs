//! A moment as a page shows it, formatted on the server.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// A moment in the two forms a page needs: the machine-readable one for
/// `<time datetime>` (which the browser turns into local time) and the
/// text shown until it does. The invitee pages' answers carry this
/// instead of a `DateTime`, so their bundle needs none of chrono's parsing
/// and formatting code (measured in issue 14's note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    /// RFC 3339 in UTC, to the second: `2026-11-28T23:21:47Z`.
    pub iso: String,
    /// `2026-11-28 23:21 UTC`.
    pub utc: String,
}

impl From<DateTime<Utc>> for Moment {
    fn from(at: DateTime<Utc>) -> Self {
        Self {
            iso: at.to_rfc3339_opts(SecondsFormat::Secs, true),
            utc: at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_are_utc() {
        let at = DateTime::parse_from_rfc3339("2026-11-28T23:21:47.123+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Moment::from(at),
            Moment {
                iso: "2026-11-28T22:21:47Z".to_string(),
                utc: "2026-11-28 22:21 UTC".to_string(),
            }
        );
    }
}
