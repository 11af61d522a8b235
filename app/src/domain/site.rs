//! Sites: an organisation's locations. What one may be called, where it
//! is, and how many an organisation may have.

use super::naming;

/// The most sites an organisation may have, archived ones included (they
/// stay on their people).
pub const MAX_SITES: i64 = 1000;

/// The longest address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 300;

/// A site's name as typed (`naming::parse_name`). Unique in the
/// organisation ignoring case (`SiteNameTaken`).
pub fn parse_name(input: &str) -> Result<String, String> {
    naming::parse_name(input, "site")
}

/// An address as typed: optional, on several lines if need be, at most
/// 300 characters; no control characters but line breaks.
pub fn parse_address(input: &str) -> Result<String, String> {
    let address = input.trim().replace("\r\n", "\n");
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(format!(
            "An address can be at most {MAX_ADDRESS_CHARS} characters."
        ));
    }
    if address.chars().any(|c| c.is_control() && c != '\n') {
        return Err("An address can't contain control characters.".into());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_are_trimmed_and_bounded() {
        assert_eq!(parse_name(" Berlin ").as_deref(), Ok("Berlin"));
        assert_eq!(parse_name(""), Err("Give the site a name.".into()));
        assert_eq!(
            parse_address(" Alexanderplatz 1\r\n10178 Berlin ").as_deref(),
            Ok("Alexanderplatz 1\n10178 Berlin")
        );
        assert_eq!(parse_address("").as_deref(), Ok(""));
        assert!(parse_address(&"a".repeat(301)).is_err());
        assert!(parse_address("a\u{7}b").is_err());
    }
}
