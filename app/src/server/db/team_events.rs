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

/// The channel every server process listens on.
pub const CHANNEL: &str = "roster_team_events";

/// One notification's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TeamNotice {
    /// A membership was created, changed or deleted (including its last
    /// sign-in).
    Member {
        organisation_id: OrganisationId,
        id: MembershipId,
    },
    /// An invitation was created, changed, accepted or revoked.
    Invitation {
        organisation_id: OrganisationId,
        id: InvitationId,
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
        }
    }

    pub fn invitation(organisation_id: OrganisationId, id: InvitationId) -> Self {
        Self::Invitation {
            organisation_id,
            id,
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
    sqlx::query!(
        "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload",
        CHANNEL,
        &payloads
    )
    .execute(db)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn payloads_carry_kind_and_ids_and_read_back() {
        let org = OrganisationId(Uuid::nil());
        let id = MembershipId(Uuid::from_u128(1));
        let notice = TeamNotice::member(org, id);
        assert_eq!(
            notice.payload(),
            r#"{"kind":"member","organisation_id":"00000000-0000-0000-0000-000000000000","id":"00000000-0000-0000-0000-000000000001"}"#
        );
        assert_eq!(TeamNotice::parse(&notice.payload()), Some(notice));
        assert_eq!(TeamNotice::parse(r#"{"kind":"unknown"}"#), None);
    }
}
