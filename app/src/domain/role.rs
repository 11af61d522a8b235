//! Roles an organisation defines: what a role may be called and hold, and
//! who may create, edit or delete one. Owner is not among them: it is
//! built in and fixed.

use super::permission::{may_grant, Permission, PermissionSet};
use super::refusal::Refusal;

/// The most custom roles an organisation may have.
pub const MAX_CUSTOM_ROLES: i64 = 100;
pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_DESCRIPTION_CHARS: usize = 300;

/// A role's name as typed: 1 to 80 characters once trimmed, no control
/// characters, and never "Owner" (in any case), which is the built-in
/// role's. Unique in the organisation ignoring case (the database's index
/// says so, `RoleNameTaken`).
pub fn parse_name(input: &str) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Give the role a name.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A role's name can be at most {MAX_NAME_CHARS} characters."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("A role's name can't contain control characters.".into());
    }
    if name.eq_ignore_ascii_case("owner") {
        return Err("\"Owner\" is the built-in role's name. Choose another.".into());
    }
    Ok(name.to_string())
}

/// A role's description as typed: optional, at most 300 characters.
pub fn parse_description(input: &str) -> Result<String, String> {
    let description = input.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "A description can be at most {MAX_DESCRIPTION_CHARS} characters."
        ));
    }
    Ok(description.to_string())
}

/// The permissions chosen for a role, by key. Unlike stored keys, which
/// are read leniently, a chosen key must be one of Roster's, and never
/// ownership.
pub fn parse_permissions<S: AsRef<str>>(keys: &[S]) -> Result<PermissionSet, String> {
    keys.iter()
        .map(|key| {
            let key = key.as_ref().trim();
            match Permission::from_key(key) {
                Some(p) if p.is_grantable() => Ok(p),
                Some(_) => Err("Owning the organisation can't be given to a role.".to_string()),
                None => Err(format!("\"{key}\" is not a permission.")),
            }
        })
        .collect()
}

/// May an actor holding `actor` make a role that held `before` (`None`:
/// a new role) hold `after`? Nobody touches a role that holds something
/// they do not hold themselves, nor gives a role more than they have: so
/// editing a role you hold never gives it more than you have.
pub fn judge_edit(
    actor: &PermissionSet,
    role_name: &str,
    before: Option<&PermissionSet>,
    after: &PermissionSet,
) -> Result<(), Refusal> {
    if let Some(before) = before {
        if !may_grant(actor, before) {
            return Err(Refusal::RoleHoldsMore {
                role: role_name.to_string(),
            });
        }
    }
    if !may_grant(actor, after) {
        return Err(Refusal::PermissionsBeyondYours);
    }
    Ok(())
}

/// A key for a new role from its name: lower-case letters, digits and
/// dashes, as the `roles.key` column allows; `role` when nothing is left.
/// The caller adds a suffix when the organisation already has it.
pub fn key_from_name(name: &str) -> String {
    let mut key = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
        if key.len() >= 40 {
            break;
        }
    }
    let key = key.trim_end_matches('-');
    match key.chars().next() {
        Some(c) if c.is_ascii_lowercase() => key.to_string(),
        Some(_) => format!("role-{key}"),
        None => "role".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::fixtures::{admin, owner};
    use Permission::*;

    #[test]
    fn names_are_trimmed_bounded_and_never_owner() {
        assert_eq!(parse_name("  Supervisor ").as_deref(), Ok("Supervisor"));
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(81)).is_err());
        assert!(parse_name(&"é".repeat(80)).is_ok());
        assert!(parse_name("OWNER").is_err());
        assert!(parse_name("Night\u{0007}shift").is_err());
    }

    #[test]
    fn descriptions_are_optional_and_bounded() {
        assert_eq!(parse_description("").as_deref(), Ok(""));
        assert!(parse_description(&"x".repeat(301)).is_err());
    }

    #[test]
    fn chosen_permissions_are_known_and_grantable() {
        let set = parse_permissions(&["team.view", " audit.view "]).unwrap();
        assert!(set.contains(ViewTeam) && set.contains(ViewAuditLog));
        assert!(parse_permissions(&["reports.view"])
            .unwrap_err()
            .contains("\"reports.view\" is not a permission"));
        assert!(parse_permissions(&["organisation.own"]).is_err());
    }

    #[test]
    fn nobody_edits_a_role_holding_more_or_gives_one_more_than_they_have() {
        let auditor: PermissionSet = [ViewTeam, ViewAuditLog].into_iter().collect();
        let mut widened = admin();
        widened = widened.iter().chain([ManageRoles]).collect();
        // An admin who may manage roles widens their own role with the
        // audit log, which they lack.
        let with_audit: PermissionSet = widened.iter().chain([ViewAuditLog]).collect();
        assert_eq!(
            judge_edit(&widened, "Admin", Some(&widened), &with_audit),
            Err(Refusal::PermissionsBeyondYours)
        );
        assert_eq!(
            judge_edit(
                &widened,
                "Auditor",
                Some(&auditor),
                &PermissionSet::default()
            ),
            Err(Refusal::RoleHoldsMore {
                role: "Auditor".into()
            })
        );
        assert_eq!(
            judge_edit(&widened, "Admin", Some(&widened), &admin()),
            Ok(())
        );
        assert_eq!(judge_edit(&owner(), "Auditor", None, &auditor), Ok(()));
    }

    #[test]
    fn keys_come_from_names() {
        assert_eq!(key_from_name("Night Supervisor"), "night-supervisor");
        assert_eq!(key_from_name("  Ops / Lead!! "), "ops-lead");
        assert_eq!(key_from_name("2nd line"), "role-2nd-line");
        assert_eq!(key_from_name("Ärzte"), "rzte");
        assert_eq!(key_from_name("ÉÉ"), "role");
        assert!(key_from_name(&"a".repeat(100)).len() <= 40);
    }
}
