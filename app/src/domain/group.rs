//! Groups of an organisation's people: what one may be called, how many an
//! organisation may have, and how many people one change may add.

use super::naming;

/// The most groups an organisation may have.
pub const MAX_GROUPS: i64 = 200;

/// The most people one request adds to a group (a selection in the team
/// table is one page of it at most).
pub const MAX_ADDED_AT_ONCE: usize = 100;

/// A group's name as typed (`naming::parse_name`). Unique in the
/// organisation ignoring case (`GroupNameTaken`).
pub fn parse_name(input: &str) -> Result<String, String> {
    naming::parse_name(input, "group")
}

pub use naming::parse_description;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_they_name() {
        assert_eq!(parse_name(" Night shift ").as_deref(), Ok("Night shift"));
        assert_eq!(parse_name(""), Err("Give the group a name.".into()));
    }
}
