//! The organisation's product permissions: what its own product lets a
//! person do. Roster grants them and tells the product who holds them;
//! they let no one do anything inside Roster.

use super::permission::{is_product_key, Permission};

/// The most product permissions an organisation may define (retired ones
/// do not count).
pub const MAX_PRODUCT_PERMISSIONS: i64 = 500;

/// First segments kept for Roster's own keys, today's and those to come,
/// so that a product key never means one of them (the database's check
/// lists the same).
pub const RESERVED_PREFIXES: [&str; 9] = [
    "team",
    "members",
    "roles",
    "organisation",
    "audit",
    "groups",
    "departments",
    "sites",
    "roster",
];

/// A new product permission's key as typed: lower-case segments joined by
/// dots (`reports.view`), at most 64 characters, not Roster's. It never
/// changes once created, and is never reused after retirement (the
/// database's unique key says so, `PermissionKeyTaken`).
pub fn parse_key(input: &str) -> Result<String, String> {
    let key = input.trim();
    if key.is_empty() {
        return Err("Give the permission a key, such as reports.view.".into());
    }
    if key.len() > 64 {
        return Err("A key can be at most 64 characters.".into());
    }
    if Permission::from_key(key).is_some() {
        return Err(format!(
            "\"{key}\" is one of Roster's own permissions. Choose another key."
        ));
    }
    if !is_product_key(key) {
        return Err(
            "Use lower-case letters, digits and underscores, in at least two parts joined by dots, such as reports.view."
                .into(),
        );
    }
    let prefix = key.split('.').next().unwrap_or_default();
    if RESERVED_PREFIXES.contains(&prefix) {
        return Err(format!(
            "Keys starting with \"{prefix}.\" are kept for Roster's own permissions. Choose another first part."
        ));
    }
    Ok(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_dotted_lower_case_and_never_roster_s() {
        assert_eq!(parse_key(" reports.view ").as_deref(), Ok("reports.view"));
        assert_eq!(
            parse_key("calls.make_outbound").as_deref(),
            Ok("calls.make_outbound")
        );
        assert!(parse_key("").unwrap_err().contains("reports.view"));
        assert!(parse_key("reports").is_err());
        assert!(parse_key("Reports.View").is_err());
        assert!(parse_key("reports view").is_err());
        assert!(parse_key(&format!("a.{}", "b".repeat(63)))
            .unwrap_err()
            .contains("64"));
        assert!(parse_key("team.view").unwrap_err().contains("Roster's own"));
        assert!(parse_key("members.export")
            .unwrap_err()
            .contains("\"members.\""));
        assert!(parse_key("roster.anything").is_err());
        for p in Permission::ALL {
            assert!(parse_key(p.key()).is_err(), "{}", p.key());
            assert!(RESERVED_PREFIXES.contains(&p.key().split('.').next().unwrap_or_default()));
        }
    }
}
