//! Email addresses as people type them.

use serde::{Deserialize, Serialize};

/// An email address that passed [`EmailAddress::parse`]: trimmed, at most 254
/// characters, one `@` with a non-empty local part and a dotted domain, no
/// spaces or control characters. Comparison elsewhere is case-insensitive
/// (the database indexes `lower(email)`); the case the person typed is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("Enter an email address like name@example.com.")]
    Malformed,
    #[error("An email address can be at most 254 characters.")]
    TooLong,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Malformed);
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(EmailError::Malformed);
        };
        let domain_ok = !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(EmailError::Malformed);
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for lookups and uniqueness.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        let email = EmailAddress::parse("  Ada.Lovelace+team@Example.co.uk ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace+team@Example.co.uk");
        assert_eq!(email.normalized(), "ada.lovelace+team@example.co.uk");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b.com.",
            "a@@b.com",
            "a@b\u{0}.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }
}
