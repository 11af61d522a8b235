//! Step-up: the actions that change who has access or take data out of
//! Roster (exports, deleting a member, changing a role) ask that the
//! person proved who they are recently, not merely that a session is open:
//! a session left open on a shared computer, or stolen, is not enough.

use super::permission::{Permission, ProductCatalogue};
use chrono::{DateTime, Duration, Utc};

/// How long a proof (signing in, or confirming it again) counts.
pub const WINDOW_MINUTES: i64 = 15;

/// Whether a proof made at `verified_at` still counts at `now`.
pub fn is_recent(verified_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - verified_at <= Duration::minutes(WINDOW_MINUTES)
}

/// Whether handing out what `grants` (stored keys, across the
/// organisation) and `site_grants` ("{site id} {key}" entries) hold asks
/// for a recent proof: owning, any of Roster's sensitive permissions, or a
/// product permission that the organisation's catalogue marks sensitive.
/// Sensitivity is read through the catalogue, as the database's
/// `membership_permissions` does, never from marks on the keys: a key
/// retired from the catalogue grants nothing and asks nothing.
pub fn grants_need_proof<S: AsRef<str>, T: AsRef<str>>(
    grants: &[S],
    site_grants: &[T],
    catalogue: &ProductCatalogue,
) -> bool {
    let sensitive = |key: &str| {
        let key = key.trim_start_matches('!');
        match Permission::from_key(key) {
            Some(permission) => permission.is_sensitive(),
            None => catalogue.get(key).copied().unwrap_or(false),
        }
    };
    grants.iter().any(|key| sensitive(key.as_ref()))
        || site_grants.iter().any(|entry| {
            entry
                .as_ref()
                .split_once(' ')
                .is_some_and(|(_, key)| sensitive(key))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granting_asks_for_a_proof_when_anything_granted_is_sensitive() {
        let catalogue: ProductCatalogue = [
            ("reports.view".to_string(), false),
            ("orders.approve".to_string(), true),
        ]
        .into();
        let none: [&str; 0] = [];
        assert!(!grants_need_proof(&["team.view"], &none, &catalogue));
        assert!(!grants_need_proof(
            &["team.view", "reports.view"],
            &none,
            &catalogue
        ));
        assert!(grants_need_proof(&["organisation.own"], &none, &catalogue));
        assert!(grants_need_proof(&["members.manage"], &none, &catalogue));
        assert!(grants_need_proof(&["orders.approve"], &none, &catalogue));
        // A mark on a stored key is not what decides: the catalogue is.
        assert!(!grants_need_proof(&["!reports.view"], &none, &catalogue));
        assert!(!grants_need_proof(&["retired.key"], &none, &catalogue));
        let site = "7b0e9a52-8a8c-4c07-9d35-5d2b8f1f0c11";
        assert!(!grants_need_proof(
            &none,
            &[format!("{site} team.view")],
            &catalogue
        ));
        assert!(grants_need_proof(
            &none,
            &[format!("{site} orders.approve")],
            &catalogue
        ));
        assert!(grants_need_proof(
            &none,
            &[format!("{site} members.manage")],
            &catalogue
        ));
        assert!(!grants_need_proof(&none, &["malformed"], &catalogue));
    }

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
