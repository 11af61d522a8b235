//! The email outbox. Emails are queued in the transaction that causes them,
//! sent by a worker in any server process, retried with backoff, and their
//! bodies (which carry secret links) are scrubbed once they are sent,
//! superseded or given up on.

use crate::domain::invitation::DeliveryState;
use crate::domain::{InvitationId, OrganisationId, PasswordResetId};
use crate::server::db::team_events::TeamNotice;
use crate::server::email_templates::SealedEmail;
use sqlx::PgExecutor;
use std::time::Duration;

/// What kind of email a row holds, for logs and filters.
pub const KIND_INVITATION: &str = "invitation";
pub const KIND_PASSWORD_RESET: &str = "password_reset";
pub const KIND_PASSWORD_CHANGED: &str = "password_changed";
pub const KIND_SIGN_IN_DELAYED: &str = "sign_in_delayed";
pub const KIND_EMAIL_VERIFICATION: &str = "email_verification";
pub const KIND_TWO_FACTOR: &str = "two_factor";
pub const KIND_SESSIONS_ENDED: &str = "sessions_ended";

pub async fn enqueue(
    db: impl PgExecutor<'_>,
    organisation: Option<OrganisationId>,
    invitation: Option<InvitationId>,
    kind: &str,
    recipient: &str,
    email: &SealedEmail,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO outbox_emails
             (organisation_id, invitation_id, kind, recipient, subject, body_sealed, link_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        organisation as Option<OrganisationId>,
        invitation as Option<InvitationId>,
        kind,
        recipient,
        email.subject,
        email.bodies,
        email.link_expires_at
    )
    .fetch_one(db)
    .await
}

/// Stops unsent emails of an invitation (their link no longer works) and
/// scrubs their bodies.
pub async fn supersede_for_invitation(
    db: impl PgExecutor<'_>,
    invitation: InvitationId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox_emails SET state = 'superseded', body_text = NULL, body_html = NULL, body_sealed = NULL,
                                  locked_until = NULL
         WHERE invitation_id = $1 AND state = 'queued'",
        invitation as InvitationId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Marks a queued email as carrying the link of `reset`, so that a newer
/// reset can supersede it.
pub async fn attach_to_password_reset(
    db: impl PgExecutor<'_>,
    email: i64,
    reset: PasswordResetId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox_emails SET password_reset_id = $2 WHERE id = $1",
        email,
        reset as PasswordResetId
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Stops the unsent emails of reset links that no longer work, and scrubs
/// their bodies.
pub async fn supersede_for_password_resets(
    db: impl PgExecutor<'_>,
    resets: &[PasswordResetId],
) -> sqlx::Result<()> {
    let ids: Vec<uuid::Uuid> = resets.iter().map(|r| r.0).collect();
    sqlx::query!(
        "UPDATE outbox_emails SET state = 'superseded', body_text = NULL, body_html = NULL, body_sealed = NULL,
                                  locked_until = NULL
         WHERE password_reset_id = ANY($1) AND state = 'queued'",
        &ids
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The delivery state of the latest email of an invitation of `org`.
pub async fn latest_delivery(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    invitation: InvitationId,
) -> sqlx::Result<Option<DeliveryState>> {
    let row = sqlx::query!(
        "SELECT state, attempts FROM outbox_emails
         WHERE invitation_id = $1 AND organisation_id = $2
         ORDER BY id DESC LIMIT 1",
        invitation as InvitationId,
        org as OrganisationId
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| DeliveryState::from_outbox(&r.state, r.attempts)))
}

/// A claimed email, ready to open and send.
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    /// Its bodies, sealed (see [`SealedEmail`]).
    pub body_sealed: Option<Vec<u8>>,
    /// Only an email queued before bodies were sealed has these.
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub attempts: i32,
}

impl std::fmt::Debug for Claimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claimed")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Claims up to `limit` due emails for `lease`. Rows another worker holds
/// are skipped; a claim whose worker died is taken over when its lease ends.
/// How many emails wait to be sent (queued, sent by no worker yet).
pub async fn waiting(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "waiting!" FROM outbox_emails WHERE state = 'queued'"#
    )
    .fetch_one(db)
    .await
}

pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease: Duration,
) -> sqlx::Result<Vec<Claimed>> {
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    sqlx::query_as!(
        Claimed,
        r#"UPDATE outbox_emails
           SET locked_until = now() + make_interval(secs => $2::bigint / 1000.0)
           WHERE id IN (
               SELECT id FROM outbox_emails
               WHERE state = 'queued' AND next_attempt_at <= now()
                 AND (locked_until IS NULL OR locked_until < now())
                 AND (link_expires_at IS NULL OR link_expires_at > now())
               ORDER BY next_attempt_at, id
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
           RETURNING id, recipient, subject, body_sealed, body_text, body_html, attempts"#,
        limit,
        lease_ms
    )
    .fetch_all(db)
    .await
}

/// Gives up on waiting emails whose link no longer works, and scrubs
/// their bodies: with no mail transport configured they would otherwise
/// wait for good. Returns the notices for the invitations whose delivery
/// this changed.
pub async fn scrub_expired(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<TeamNotice>> {
    let rows = sqlx::query_as!(
        Delivered,
        r#"UPDATE outbox_emails
           SET state = 'superseded', body_text = NULL, body_html = NULL, body_sealed = NULL,
               locked_until = NULL
           WHERE state = 'queued' AND link_expires_at <= now()
           RETURNING organisation_id AS "organisation_id: OrganisationId",
                     invitation_id AS "invitation_id: InvitationId""#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Delivered::notice(Some(row)))
        .collect())
}

/// The row an email's delivery changed: an invitation email's state shows
/// in the team table, so its change is announced like any other.
struct Delivered {
    organisation_id: Option<OrganisationId>,
    invitation_id: Option<InvitationId>,
}

impl Delivered {
    fn notice(row: Option<Self>) -> Option<TeamNotice> {
        let row = row?;
        Some(TeamNotice::invitation(
            row.organisation_id?,
            row.invitation_id?,
        ))
    }
}

/// Records a successful send and scrubs the bodies. Returns the notice for
/// the invitation whose delivery this changed, if the email was one.
pub async fn mark_sent(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<TeamNotice>> {
    let row = sqlx::query_as!(
        Delivered,
        r#"UPDATE outbox_emails
           SET state = CASE WHEN state = 'queued' THEN 'sent' ELSE state END,
               sent_at = now(), attempts = attempts + 1, last_error = NULL,
               body_text = NULL, body_html = NULL, body_sealed = NULL, locked_until = NULL
           WHERE id = $1
           RETURNING organisation_id AS "organisation_id: OrganisationId",
                     invitation_id AS "invitation_id: InvitationId""#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(Delivered::notice(row))
}

/// Records a failed attempt: retried after `retry_in`, or given up (and
/// scrubbed) once `max_attempts` is reached. Returns the notice for the
/// invitation whose delivery this changed, as [`mark_sent`] does.
pub async fn mark_failed(
    db: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    retry_in: Duration,
    max_attempts: i32,
) -> sqlx::Result<Option<TeamNotice>> {
    let retry_ms = i64::try_from(retry_in.as_millis()).unwrap_or(i64::MAX);
    let error: String = error.chars().take(500).collect();
    let row = sqlx::query_as!(
        Delivered,
        r#"UPDATE outbox_emails
           SET attempts = attempts + 1, last_error = $2, locked_until = NULL,
               next_attempt_at = now() + make_interval(secs => $3::bigint / 1000.0),
               state = CASE WHEN attempts + 1 >= $4 AND state = 'queued' THEN 'failed' ELSE state END,
               body_text = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE body_text END,
               body_html = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE body_html END,
               body_sealed = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE body_sealed END
           WHERE id = $1
           RETURNING organisation_id AS "organisation_id: OrganisationId",
                     invitation_id AS "invitation_id: InvitationId""#,
        id,
        error,
        retry_ms,
        max_attempts
    )
    .fetch_optional(db)
    .await?;
    Ok(Delivered::notice(row))
}
