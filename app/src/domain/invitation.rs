//! Invitation rules: where an invitation stands, how long it lasts, and how
//! its email is doing.

use super::permission::{may_grant, Permission, PermissionSet};
use super::scope::{Holdings, Reach, SiteGrants, Standing};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Where an invitation stands. Pending and expired are read off the clock;
/// revoked and accepted are facts recorded with a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Expired,
    Revoked,
    Accepted,
}

impl InvitationStatus {
    pub fn at(
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        revoked_at: Option<DateTime<Utc>>,
        accepted_at: Option<DateTime<Utc>>,
    ) -> Self {
        match (accepted_at, revoked_at) {
            (Some(_), _) => Self::Accepted,
            (None, Some(_)) => Self::Revoked,
            (None, None) if now >= expires_at => Self::Expired,
            (None, None) => Self::Pending,
        }
    }

    /// Pending or expired: the row still holds the person's place, so a new
    /// invitation for the same email rotates it instead of adding a second.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Expired)
    }

    /// The label in the Invitations tab.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
            Self::Accepted => "Accepted",
        }
    }

    /// The label where invitations are listed among members.
    pub fn member_label(self) -> &'static str {
        match self {
            Self::Pending => "Pending Invitation",
            other => other.label(),
        }
    }
}

/// Who stands behind an invitation, as they are now.
#[derive(Debug, Clone, Copy)]
pub enum Inviter<'a> {
    /// `roster create-org`: the operator of the deployment made it, with no
    /// member's rights behind it, so nothing can wear off.
    Operator,
    /// A member of the organisation; `None` once they no longer are one
    /// (deleted, or their account is gone).
    Member(Option<InviterStanding<'a>>),
}

/// An inviting member's place in the organisation now.
#[derive(Debug, Clone, Copy)]
pub struct InviterStanding<'a> {
    pub enabled: bool,
    /// What they hold across the organisation.
    pub permissions: &'a PermissionSet,
    /// What they hold at sites only.
    pub sites: &'a SiteGrants,
}

impl<'a> InviterStanding<'a> {
    pub fn of(enabled: bool, holds: &'a Standing) -> Self {
        Self {
            enabled,
            permissions: &holds.organisation,
            sites: &holds.sites,
        }
    }
}

/// Does an invitation that grants `granted` (across the organisation, and
/// at each of its sites) still stand on its inviter's rights? Only while
/// the inviter could make it again now: enabled, still allowed to invite
/// where it puts the person (anywhere, or at each of its sites, which a
/// site manager's invitation must name), and still holding every
/// permission it grants, each at the scope it is granted at. A disabled,
/// demoted or removed inviter's invitations stop working, at acceptance
/// as much as when an admin changes them.
pub fn inviter_entitled(inviter: Inviter<'_>, granted: &Standing) -> bool {
    let standing = match inviter {
        Inviter::Operator => return true,
        Inviter::Member(None) => return false,
        Inviter::Member(Some(standing)) => standing,
    };
    let holds = Holdings {
        organisation: standing.permissions,
        sites: standing.sites,
    };
    let Some(reach) = holds.reach(Permission::InviteMembers) else {
        return false;
    };
    let nothing = PermissionSet::default();
    standing.enabled
        && (reach == Reach::Organisation || !granted.places.is_empty())
        && may_grant(standing.permissions, &granted.organisation)
        && granted.places.iter().all(|site| {
            reach.covers(*site)
                && may_grant(
                    &holds.at_site(*site),
                    granted.sites.at(*site).unwrap_or(&nothing),
                )
        })
}

/// The shortest and longest an invitation may last: 1 hour to 30 days.
pub const MIN_EXPIRY_HOURS: i32 = 1;
pub const MAX_EXPIRY_HOURS: i32 = 720;
pub const DEFAULT_EXPIRY_HOURS: i32 = 48;

/// How long an invitation lasts, within the allowed bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryHours(i32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose between 1 hour and 30 days (720 hours).")]
pub struct ExpiryOutOfRange;

impl ExpiryHours {
    pub fn new(hours: i32) -> Result<Self, ExpiryOutOfRange> {
        if (MIN_EXPIRY_HOURS..=MAX_EXPIRY_HOURS).contains(&hours) {
            Ok(Self(hours))
        } else {
            Err(ExpiryOutOfRange)
        }
    }

    /// Reads a form value such as "48" (hours). Empty means "not given".
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ExpiryOutOfRange> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        input
            .parse::<i32>()
            .map_err(|_| ExpiryOutOfRange)
            .and_then(Self::new)
            .map(Some)
    }

    pub fn hours(self) -> i32 {
        self.0
    }

    pub fn after(self, from: DateTime<Utc>) -> DateTime<Utc> {
        from + Duration::hours(i64::from(self.0))
    }

    /// "48 hours", "1 hour", "7 days": how the duration reads in an email.
    pub fn describe(self) -> String {
        match self.0 {
            1 => "1 hour".to_string(),
            h if h % 24 == 0 && h >= 48 => format!("{} days", h / 24),
            h => format!("{h} hours"),
        }
    }
}

impl Default for ExpiryHours {
    fn default() -> Self {
        Self(DEFAULT_EXPIRY_HOURS)
    }
}

/// The expiry choices the invite dialog and settings page offer.
pub const EXPIRY_CHOICES: [i32; 8] = [1, 4, 24, 48, 72, 168, 336, 720];

/// How an invitation's latest email is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Waiting for its first attempt.
    Queued,
    Sent,
    /// An attempt failed; it will be retried.
    Failing,
    /// Retries are exhausted; resend or share a new link instead.
    Failed,
    /// Replaced by a newer email (resend, new link) or the invitation closed
    /// before it was sent.
    Superseded,
}

impl DeliveryState {
    /// Reads the outbox row's state and attempt count.
    pub fn from_outbox(state: &str, attempts: i32) -> Self {
        match state {
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            "superseded" => Self::Superseded,
            _ if attempts > 0 => Self::Failing,
            _ => Self::Queued,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Sent => "Sent",
            Self::Failing => "Failing, retrying",
            Self::Failed => "Not delivered",
            Self::Superseded => "Superseded",
        }
    }
}

/// What an invitation makes its holder, as its page says it: the role
/// (in its department), then each site with its site role ("Member in
/// Sales, and Technician at Berlin"). `sites` are (site, site role).
pub fn joining_as(role: &str, department: Option<&str>, sites: &[(String, String)]) -> String {
    let role = match department {
        Some(department) => format!("{role} in {department}"),
        None => role.to_string(),
    };
    if sites.is_empty() {
        return role;
    }
    let at: Vec<String> = sites
        .iter()
        .map(|(site, role)| format!("{role} at {site}"))
        .collect();
    format!("{role}, and {}", listed(&at))
}

/// What accepting does for someone who already belongs to the
/// organisation: a site invitation adds its sites and nothing else (their
/// role and department stay theirs); any other is refused at acceptance.
/// Said to every holder of a site invitation alike, so the page never
/// tells whether the address belongs to a member.
pub fn for_a_member(organisation: &str, sites: &[(String, String)]) -> Option<String> {
    if sites.is_empty() {
        return None;
    }
    let names: Vec<String> = sites.iter().map(|(site, _)| site.clone()).collect();
    Some(format!(
        "Already a member of {organisation}? Accepting adds you to {} as above, and your role and department stay as they are.",
        listed(&names)
    ))
}

/// "A", "A and B", "A, B and C".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_page_says_what_joining_makes_you() {
        let sites = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(s, r)| (s.to_string(), r.to_string()))
                .collect()
        };
        assert_eq!(joining_as("Member", None, &[]), "Member");
        assert_eq!(joining_as("Admin", Some("Sales"), &[]), "Admin in Sales");
        assert_eq!(
            joining_as("Member", None, &sites(&[("Berlin", "Technician")])),
            "Member, and Technician at Berlin"
        );
        assert_eq!(
            joining_as(
                "Member",
                Some("Field"),
                &sites(&[("Berlin", "Technician"), ("Lyon", "Site Manager"), ("Oslo", "Technician")])
            ),
            "Member in Field, and Technician at Berlin, Site Manager at Lyon and Technician at Oslo"
        );
        assert_eq!(for_a_member("Acme", &[]), None);
        assert_eq!(
            for_a_member("Acme", &sites(&[("Berlin", "Technician"), ("Lyon", "Technician")])).as_deref(),
            Some("Already a member of Acme? Accepting adds you to Berlin and Lyon as above, and your role and department stay as they are.")
        );
    }

    #[test]
    fn status_is_read_off_the_clock_and_the_facts() {
        let now = Utc::now();
        let later = now + Duration::hours(1);
        let earlier = now - Duration::hours(1);
        use InvitationStatus::*;
        assert_eq!(InvitationStatus::at(now, later, None, None), Pending);
        assert_eq!(InvitationStatus::at(now, earlier, None, None), Expired);
        assert_eq!(
            InvitationStatus::at(now, now, None, None),
            Expired,
            "expiry instant is expired"
        );
        assert_eq!(
            InvitationStatus::at(now, later, Some(earlier), None),
            Revoked
        );
        assert_eq!(
            InvitationStatus::at(now, earlier, None, Some(earlier)),
            Accepted
        );
        assert!(Pending.is_open() && Expired.is_open());
        assert!(!Revoked.is_open() && !Accepted.is_open());
        assert_eq!(Pending.member_label(), "Pending Invitation");
    }

    #[test]
    fn an_invitation_stands_only_while_its_inviter_could_make_it_again() {
        use crate::domain::permission::fixtures::{admin, member, owner};
        let (o, a, m) = (owner(), admin(), member());
        let no_sites = SiteGrants::default();
        let standing = |enabled, permissions| {
            Inviter::Member(Some(InviterStanding {
                enabled,
                permissions,
                sites: &no_sites,
            }))
        };
        let grants = |organisation: &PermissionSet| Standing {
            organisation: organisation.clone(),
            ..Standing::default()
        };
        assert!(inviter_entitled(standing(true, &a), &grants(&a)));
        assert!(inviter_entitled(standing(true, &o), &grants(&a)));
        assert!(
            !inviter_entitled(standing(false, &a), &grants(&m)),
            "disabled"
        );
        assert!(
            !inviter_entitled(standing(true, &a), &grants(&o)),
            "grants more"
        );
        assert!(
            !inviter_entitled(standing(true, &m), &grants(&m)),
            "may not invite"
        );
        assert!(
            !inviter_entitled(Inviter::Member(None), &grants(&m)),
            "removed"
        );
        assert!(
            inviter_entitled(Inviter::Operator, &grants(&o)),
            "create-org"
        );
    }

    #[test]
    fn a_site_managers_invitation_stands_on_what_they_hold_at_its_sites() {
        use crate::domain::SiteId;
        let (berlin, lyon) = (
            SiteId(uuid::Uuid::from_u128(1)),
            SiteId(uuid::Uuid::from_u128(2)),
        );
        let at = |site: SiteId, keys: &[&str]| -> Vec<String> {
            keys.iter().map(|k| format!("{} {k}", site.0)).collect()
        };
        let manager_sites =
            SiteGrants::from_entries(&at(berlin, &["members.invite", "team.view", "calls.make"]));
        let none = PermissionSet::default();
        let manager = Inviter::Member(Some(InviterStanding {
            enabled: true,
            permissions: &none,
            sites: &manager_sites,
        }));
        let invitation = |site: SiteId, keys: &[&str]| Standing {
            organisation: none.clone(),
            sites: SiteGrants::from_entries(&at(site, keys)),
            places: [site].into_iter().collect(),
        };
        assert!(inviter_entitled(
            manager,
            &invitation(berlin, &["calls.make"])
        ));
        assert!(
            inviter_entitled(manager, &invitation(berlin, &[])),
            "a role granting nothing"
        );
        assert!(
            !inviter_entitled(manager, &invitation(berlin, &["reports.view"])),
            "more than theirs"
        );
        assert!(
            !inviter_entitled(manager, &invitation(lyon, &[])),
            "not their site"
        );
        assert!(
            !inviter_entitled(manager, &Standing::default()),
            "a site manager's invitation names their site"
        );
        let mut across = invitation(berlin, &[]);
        across.organisation = [Permission::ViewTeam].into_iter().collect();
        assert!(
            !inviter_entitled(manager, &across),
            "team.view is theirs at Berlin only"
        );
    }

    fn expiry_stays_within_one_hour_and_thirty_days() {
        assert_eq!(ExpiryHours::new(0), Err(ExpiryOutOfRange));
        assert_eq!(ExpiryHours::new(721), Err(ExpiryOutOfRange));
        assert_eq!(ExpiryHours::new(1).map(ExpiryHours::hours), Ok(1));
        assert_eq!(ExpiryHours::new(720).map(ExpiryHours::hours), Ok(720));
        assert_eq!(ExpiryHours::parse_optional(" "), Ok(None));
        assert_eq!(
            ExpiryHours::parse_optional("72"),
            Ok(ExpiryHours::new(72).ok())
        );
        assert_eq!(ExpiryHours::parse_optional("soon"), Err(ExpiryOutOfRange));
        assert_eq!(ExpiryHours::default().hours(), 48);
        for hours in EXPIRY_CHOICES {
            assert!(ExpiryHours::new(hours).is_ok());
        }
    }

    #[test]
    fn expiry_reads_naturally() {
        let d = |h| ExpiryHours::new(h).unwrap().describe();
        assert_eq!(d(1), "1 hour");
        assert_eq!(d(24), "24 hours");
        assert_eq!(d(48), "2 days");
        assert_eq!(d(36), "36 hours");
        assert_eq!(d(720), "30 days");
    }

    #[test]
    fn delivery_state_from_the_outbox() {
        assert_eq!(
            DeliveryState::from_outbox("queued", 0),
            DeliveryState::Queued
        );
        assert_eq!(
            DeliveryState::from_outbox("queued", 2),
            DeliveryState::Failing
        );
        assert_eq!(DeliveryState::from_outbox("sent", 1), DeliveryState::Sent);
        assert_eq!(
            DeliveryState::from_outbox("failed", 9),
            DeliveryState::Failed
        );
    }
}
