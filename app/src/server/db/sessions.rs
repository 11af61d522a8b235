//! Sessions: one row per signed-in browser, keyed by the hash of its token.

use super::team_events;
use crate::domain::{AccountId, MembershipId, OrganisationId, SessionId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use std::time::Duration;

pub struct NewSession<'a> {
    pub token_hash: &'a [u8],
    pub account: AccountId,
    pub organisation: OrganisationId,
    pub absolute: Duration,
    pub client_ip: &'a str,
    pub user_agent: Option<&'a str>,
    /// When its holder proved who they are: signing in is a proof.
    pub verified_at: DateTime<Utc>,
}

pub async fn insert(db: impl PgExecutor<'_>, s: NewSession<'_>) -> sqlx::Result<SessionId> {
    sqlx::query_scalar!(
        r#"INSERT INTO sessions (token_hash, account_id, organisation_id, expires_at, client_ip, user_agent, verified_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6, $7)
           RETURNING id AS "id: SessionId""#,
        s.token_hash,
        s.account as AccountId,
        s.organisation as OrganisationId,
        s.absolute.as_secs_f64(),
        s.client_ip,
        s.user_agent,
        s.verified_at
    )
    .fetch_one(db)
    .await
}

/// Gives the session with `token_hash` no longer a lifetime than the one
/// with `from_token_hash`: a session opened by switching organisation ends
/// when the one it came from would have, so switching never renews the
/// absolute lifetime.
pub async fn inherit_expiry(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    from_token_hash: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sessions n SET expires_at = LEAST(n.expires_at, o.expires_at)
           FROM sessions o WHERE n.token_hash = $1 AND o.token_hash = $2",
        token_hash,
        from_token_hash
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Everything a request needs to know about who is asking. Found only for a
/// live session whose account's membership in the session's organisation
/// is enabled: disabling or deleting a member ends their sessions on their
/// very next request.
pub struct SessionActor {
    pub session_id: SessionId,
    pub last_seen_at: DateTime<Utc>,
    pub verified_at: DateTime<Utc>,
    pub has_factor: bool,
    pub account_id: AccountId,
    pub display_name: String,
    pub email: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub membership_id: MembershipId,
    pub role_key: String,
    pub role_name: String,
    pub permissions: Vec<String>,
    /// What they hold at sites only (`membership_site_permissions`).
    pub site_permissions: Vec<String>,
    /// When the organisation's policy wants their second factor by.
    pub two_factor_due: Option<DateTime<Utc>>,
}

pub async fn find_actor(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    idle: Duration,
) -> sqlx::Result<Option<SessionActor>> {
    sqlx::query_as!(
        SessionActor,
        r#"SELECT s.id AS "session_id: SessionId", s.last_seen_at, s.verified_at,
                  a.two_factor_enabled_at IS NOT NULL AS "has_factor!",
                  two_factor_due(a.two_factor_enabled_at, m.two_factor_required_since,
                                 o.two_factor_grace_days) AS "two_factor_due?",
                  a.id AS "account_id: AccountId", a.display_name, a.email,
                  o.id AS "organisation_id: OrganisationId", o.name AS organisation_name,
                  m.id AS "membership_id: MembershipId",
                  r.key AS role_key, r.name AS role_name,
                  membership_permissions(m.id, r.permissions) AS "permissions!",
                  membership_site_permissions(m.id) AS "site_permissions!"
           FROM sessions s
           JOIN accounts a ON a.id = s.account_id
           JOIN organisations o ON o.id = s.organisation_id
           JOIN memberships m ON m.account_id = s.account_id AND m.organisation_id = s.organisation_id
           JOIN roles r ON r.id = m.role_id
           WHERE s.token_hash = $1
             AND s.revoked_at IS NULL
             AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(secs => $2)
             AND m.status = 'enabled'"#,
        token_hash,
        idle.as_secs_f64()
    )
    .fetch_optional(db)
    .await
}

/// Records that the session's holder proved who they are again (step-up).
pub async fn mark_verified(
    db: impl PgExecutor<'_>,
    session: SessionId,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sessions SET verified_at = $2 WHERE id = $1",
        session as SessionId,
        at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Moves the idle deadline. Called at most once a minute per session, so a
/// busy page does not write on every request.
pub async fn touch(db: impl PgExecutor<'_>, session: SessionId) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sessions SET last_seen_at = now() WHERE id = $1",
        session as SessionId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The session a sign-out ended, for its audit event.
pub struct RevokedSession {
    pub account_id: AccountId,
    pub organisation_id: OrganisationId,
    pub display_name: String,
}

// Every revocation announces each ended session in the same statement, as
// the `session_ended` team notice (`team_events::TeamNotice::SessionEnded`,
// built here in SQL: the ids come from the UPDATE), so that a live team stream opened
// with it ends as the change commits, whichever process holds it. One
// statement keeps any executor working, and the notice atomic with the
// revocation.

/// Ends the session with this token, if it is live.
pub async fn revoke_by_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<RevokedSession>> {
    sqlx::query_as!(
        RevokedSession,
        r#"WITH ended AS (
               UPDATE sessions s SET revoked_at = now()
               FROM accounts a
               WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND a.id = s.account_id
               RETURNING s.id, s.account_id, s.organisation_id, a.display_name)
           SELECT ended.account_id AS "account_id!: AccountId",
                  ended.organisation_id AS "organisation_id!: OrganisationId",
                  ended.display_name AS "display_name!"
           FROM ended, LATERAL pg_notify($2, json_build_object(
               'kind', 'session_ended', 'organisation_id', ended.organisation_id, 'id', ended.id)::text)"#,
        token_hash,
        team_events::CHANNEL
    )
    .fetch_optional(db)
    .await
}

/// Ends every live session of an account in one organisation (disable,
/// delete) or everywhere (`org = None`: a password reset), but `except`
/// (the session changing its own password).
pub async fn revoke_all(
    db: impl PgExecutor<'_>,
    account: AccountId,
    org: Option<OrganisationId>,
    except: Option<SessionId>,
) -> sqlx::Result<u64> {
    let ended = sqlx::query_scalar!(
        r#"WITH ended AS (
               UPDATE sessions SET revoked_at = now()
               WHERE account_id = $1 AND revoked_at IS NULL
                 AND ($2::uuid IS NULL OR organisation_id = $2)
                 AND ($4::uuid IS NULL OR id <> $4)
               RETURNING id, organisation_id)
           SELECT count(*) AS "ended!"
           FROM ended, LATERAL pg_notify($3, json_build_object(
               'kind', 'session_ended', 'organisation_id', ended.organisation_id, 'id', ended.id)::text)"#,
        account as AccountId,
        org as Option<OrganisationId>,
        team_events::CHANNEL,
        except as Option<SessionId>
    )
    .fetch_one(db)
    .await?;
    Ok(u64::try_from(ended).unwrap_or(0))
}

/// Gives session `id` a new token (its hash): the old one stops working.
pub async fn replace_token(
    db: impl PgExecutor<'_>,
    id: SessionId,
    token_hash: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sessions SET token_hash = $2 WHERE id = $1 AND revoked_at IS NULL",
        id as SessionId,
        token_hash
    )
    .execute(db)
    .await
    .map(|_| ())
}
