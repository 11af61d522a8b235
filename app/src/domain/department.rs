//! Departments an organisation keeps people in: what one may be called,
//! and how many an organisation may have.

use super::naming;

/// The most departments an organisation may have, archived ones included
/// (they stay on people).
pub const MAX_DEPARTMENTS: i64 = 500;

/// A department's name as typed (`naming::parse_name`). Unique in the
/// organisation ignoring case (the database's index says so,
/// `DepartmentNameTaken`).
pub fn parse_name(input: &str) -> Result<String, String> {
    naming::parse_name(input, "department")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_they_name() {
        assert_eq!(parse_name(" Night desk ").as_deref(), Ok("Night desk"));
        assert_eq!(parse_name(""), Err("Give the department a name.".into()));
    }
}
