//! Roles an organisation defines: what a role may be called and hold, and
//! who may create, edit or delete one. Owner is not among them: it is
//! built in and fixed.

use super::naming;
use super::permission::{may_grant, PermissionSet};
use super::refusal::Refusal;

/// The most custom roles an organisation may have.
pub const MAX_CUSTOM_ROLES: i64 = 100;

/// A role's name as typed (`naming::parse_name`), and never "Owner" (in
/// any case), which is the built-in role's. Unique in the organisation
/// ignoring case (the database's index says so, `RoleNameTaken`).
pub fn parse_name(input: &str) -> Result<String, String> {
    let name = naming::parse_name(input, "role")?;
    if name.eq_ignore_ascii_case("owner") {
        return Err("\"Owner\" is the built-in role's name. Choose another.".into());
    }
    Ok(name)
}

pub use naming::parse_description;

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
    use crate::domain::Permission;
    use Permission::*;

    #[test]
    fn names_are_trimmed_bounded_and_never_owner() {
        assert_eq!(parse_name("  Supervisor ").as_deref(), Ok("Supervisor"));
        assert!(parse_name("   ").is_err());
        assert!(parse_name("OWNER").is_err());
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
