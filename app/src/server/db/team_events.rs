//! Team change notifications: PostgreSQL `NOTIFY` on one channel, sent in
//! the transaction of the change they announce, so that every server
//! process on the database learns of a change when (and only if) it
//! commits. Each process has one listener (`server/src/team_listener.rs`) that fans
//! them out to its open team streams ([`crate::server::event_hub`]).
//!
//! A payload carries only ids, never names or emails: it is JSON such as
//! `{"kind":"member","organisation_id":"…","id":"…"}`, well under
//! PostgreSQL's 8000-byte limit. Identical notices in one transaction are
//! delivered once.

use crate::domain::{InvitationId, MembershipId, OrganisationId, SessionId};
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use uuid::Uuid;

/// The channel every server process listens on.
pub const CHANNEL: &str = "roster_team_events";

/// The most sites a notice names (40 bytes each).
const MAX_SITES_CARRIED: i32 = 150;

/// One notification's payload.
///
/// A member's or invitation's notice carries the sites it concerns, so
/// that a site manager's stream passes on only their sites' changes.
/// [`notify`] reads them, in the change's transaction (a change that takes
/// someone off a site announces itself before, while they are still
/// there). `None` when they were not read, or were too many to carry: a
/// site manager's stream then has every page refetch, which names nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TeamNotice {
    /// A membership was created, changed or deleted (including its last
    /// sign-in).
    Member {
        organisation_id: OrganisationId,
        id: MembershipId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sites: Option<Vec<Uuid>>,
    },
    /// An invitation was created, changed, accepted or revoked.
    Invitation {
        organisation_id: OrganisationId,
        id: InvitationId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sites: Option<Vec<Uuid>>,
    },
    /// A session was revoked (sign-out, disable, delete, a new sign-in in
    /// the same browser): a stream opened with it ends. Never forwarded to
    /// browsers.
    SessionEnded {
        organisation_id: OrganisationId,
        id: SessionId,
    },
}

impl TeamNotice {
    pub fn member(organisation_id: OrganisationId, id: MembershipId) -> Self {
        Self::Member {
            organisation_id,
            id,
            sites: None,
        }
    }

    pub fn invitation(organisation_id: OrganisationId, id: InvitationId) -> Self {
        Self::Invitation {
            organisation_id,
            id,
            sites: None,
        }
    }

    /// Reads a payload; `None` for one this version does not know.
    pub fn parse(payload: &str) -> Option<Self> {
        serde_json::from_str(payload).ok()
    }

    fn payload(&self) -> String {
        // Ids and a tag only: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Queues `notices` in the caller's transaction; PostgreSQL delivers them
/// at commit, and drops them on rollback.
pub async fn notify(db: impl PgExecutor<'_>, notices: &[TeamNotice]) -> sqlx::Result<()> {
    if notices.is_empty() {
        return Ok(());
    }
    let payloads: Vec<String> = notices.iter().map(TeamNotice::payload).collect();
    // Each member's and invitation's sites as they are in the transaction
    // (unless the notice names them), up to MAX_SITES_CARRIED: a payload
    // must stay under 8000 bytes.
    sqlx::query!(
        r#"SELECT pg_notify($1, CASE
                   WHEN (n.kind = 'member' OR n.kind = 'invitation') AND NOT n.body ? 'sites' THEN
                       (n.body || jsonb_build_object('sites',
                           CASE WHEN cardinality(n.sites) <= $3 THEN to_jsonb(n.sites) END))::text
                   ELSE n.payload END)
           FROM (SELECT p.payload, p.payload::jsonb AS body, p.payload::jsonb->>'kind' AS kind,
                        CASE p.payload::jsonb->>'kind'
                          WHEN 'member' THEN ARRAY(SELECT sm.site_id FROM site_members sm
                                                   WHERE sm.membership_id = (p.payload::jsonb->>'id')::uuid)
                          WHEN 'invitation' THEN ARRAY(SELECT isr.site_id FROM invitation_sites isr
                                                       WHERE isr.invitation_id = (p.payload::jsonb->>'id')::uuid)
                        END AS sites
                 FROM unnest($2::text[]) AS p (payload)) n"#,
        CHANNEL,
        &payloads,
        MAX_SITES_CARRIED
    )
    .execute(db)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_carry_kind_and_ids_and_read_back() {
        let org = OrganisationId(Uuid::nil());
        let id = MembershipId(Uuid::from_u128(1));
        let notice = TeamNotice::member(org, id);
        assert_eq!(
            notice.payload(),
            r#"{"kind":"member","organisation_id":"00000000-0000-0000-0000-000000000000","id":"00000000-0000-0000-0000-000000000001"}"#
        );
        assert_eq!(TeamNotice::parse(&notice.payload()), Some(notice.clone()));
        let with_sites = r#"{"kind":"member","organisation_id":"00000000-0000-0000-0000-000000000000","id":"00000000-0000-0000-0000-000000000001","sites":["00000000-0000-0000-0000-000000000002"]}"#;
        assert_eq!(
            TeamNotice::parse(with_sites),
            Some(TeamNotice::Member {
                organisation_id: org,
                id,
                sites: Some(vec![Uuid::from_u128(2)]),
            })
        );
        let too_many = with_sites.replace(r#"["00000000-0000-0000-0000-000000000002"]"#, "null");
        assert_eq!(TeamNotice::parse(&too_many), Some(notice));
        assert_eq!(TeamNotice::parse(r#"{"kind":"unknown"}"#), None);
    }
}
