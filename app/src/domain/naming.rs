//! Names and descriptions of what an organisation defines (roles, product
//! permissions, departments, groups): the same bounds and messages for
//! each, with the thing's own noun.

pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_DESCRIPTION_CHARS: usize = 300;

/// A name as typed: 1 to 80 characters once trimmed, no control
/// characters. `noun` says what is named ("role"). Uniqueness in the
/// organisation, ignoring case, is the database's to say.
pub fn parse_name(input: &str, noun: &str) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        return Err(format!("Give the {noun} a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A {noun}'s name can be at most {MAX_NAME_CHARS} characters."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("A {noun}'s name can't contain control characters."));
    }
    Ok(name.to_string())
}

/// A description as typed: optional, at most 300 characters.
pub fn parse_description(input: &str) -> Result<String, String> {
    let description = input.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "A description can be at most {MAX_DESCRIPTION_CHARS} characters."
        ));
    }
    Ok(description.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  Night shift ", "group").as_deref(),
            Ok("Night shift")
        );
        assert_eq!(
            parse_name("   ", "group"),
            Err("Give the group a name.".into())
        );
        assert!(parse_name(&"x".repeat(81), "group").is_err());
        assert!(parse_name(&"é".repeat(80), "group").is_ok());
        assert!(parse_name("Night\u{0007}shift", "group").is_err());
    }

    #[test]
    fn descriptions_are_optional_and_bounded() {
        assert_eq!(parse_description("").as_deref(), Ok(""));
        assert!(parse_description(&"x".repeat(301)).is_err());
    }
}
