//! An organisation's two-factor policy: whom it requires a second factor
//! of, and how long a person has to set one up after becoming subject to
//! it. Past that grace, every server function but factor setup, the
//! profile and signing out answers `TwoFactorSetupRequired`.

use super::permission::{Permission, PermissionSet};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorPolicy {
    /// Nobody must; anyone may.
    #[default]
    Optional,
    /// Those whose role holds a sensitive permission
    /// ([`Permission::is_sensitive`]): who can let people in, change who
    /// has access, or read what everyone did.
    Sensitive,
    Everyone,
}

/// The longest grace an organisation may give.
pub const MAX_GRACE_DAYS: i32 = 30;

impl TwoFactorPolicy {
    pub const ALL: [Self; 3] = [Self::Optional, Self::Sensitive, Self::Everyone];

    /// The stable key stored in `organisations.two_factor_policy`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Optional => "optional",
            Self::Sensitive => "sensitive",
            Self::Everyone => "everyone",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// How the settings page names the choice.
    pub fn label(self) -> &'static str {
        match self {
            Self::Optional => "Optional",
            Self::Sensitive => "Required for people with sensitive permissions",
            Self::Everyone => "Required for everyone",
        }
    }

    /// Whether a role with `permissions` is subject to the policy.
    pub fn applies_to(self, permissions: &PermissionSet) -> bool {
        match self {
            Self::Optional => false,
            Self::Sensitive => permissions.iter().any(Permission::is_sensitive),
            Self::Everyone => true,
        }
    }

    /// The keys of the sensitive permissions, as the database compares
    /// them.
    pub fn sensitive_keys() -> Vec<String> {
        Permission::ALL
            .into_iter()
            .filter(|p| p.is_sensitive())
            .map(|p| p.key().to_string())
            .collect()
    }

    /// The keys of the sensitive permissions that a site role grants at
    /// its site: a role's organisation-only permissions grant nothing
    /// there (see [`crate::domain::scope::ORGANISATION_ONLY`]).
    pub fn sensitive_keys_at_sites() -> Vec<String> {
        Permission::ALL
            .into_iter()
            .filter(|p| p.is_sensitive() && !crate::domain::scope::ORGANISATION_ONLY.contains(p))
            .map(|p| p.key().to_string())
            .collect()
    }
}

/// A grace period as typed: whole days from 0 to [`MAX_GRACE_DAYS`].
pub fn parse_grace_days(input: &str) -> Result<i32, String> {
    let out_of_range =
        || format!("Enter a number of days from 0 to {MAX_GRACE_DAYS} (0: at the next sign-in).");
    let days: i32 = input.trim().parse().map_err(|_| out_of_range())?;
    if (0..=MAX_GRACE_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(out_of_range())
    }
}

/// When someone subject to the policy since `since` must have a factor.
pub fn deadline(since: DateTime<Utc>, grace_days: i32) -> DateTime<Utc> {
    since + Duration::days(i64::from(grace_days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::fixtures::{admin, member, owner};

    #[test]
    fn sensitive_covers_owners_and_admins_but_not_members() {
        let policy = TwoFactorPolicy::Sensitive;
        assert!(policy.applies_to(&owner()));
        assert!(policy.applies_to(&admin()));
        assert!(!policy.applies_to(&member()));
        assert!(TwoFactorPolicy::Everyone.applies_to(&member()));
        assert!(!TwoFactorPolicy::Optional.applies_to(&owner()));
    }

    #[test]
    fn policies_round_trip_through_their_keys() {
        for policy in TwoFactorPolicy::ALL {
            assert_eq!(TwoFactorPolicy::from_key(policy.key()), Some(policy));
        }
        assert_eq!(TwoFactorPolicy::from_key("sometimes"), None);
    }

    #[test]
    fn grace_is_whole_days_up_to_thirty() {
        assert_eq!(parse_grace_days(" 0 "), Ok(0));
        assert_eq!(parse_grace_days("30"), Ok(30));
        assert!(parse_grace_days("31").is_err());
        assert!(parse_grace_days("-1").is_err());
        assert!(parse_grace_days("1.5").is_err());
        assert!(parse_grace_days("").is_err());
        let since = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(deadline(since, 0), since);
        assert_eq!(deadline(since, 7), since + Duration::days(7));
    }
}
