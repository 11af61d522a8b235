//! Password resets: the rules behind the `password_reset/*` server functions and
//! the admin's `members/send_password_reset` ([`super::members`]).
//!
//! Issuing a reset (lock the account, check its hourly limit, supersede
//! its open link, store the new link's hash, queue the email) runs in the
//! caller's transaction, next to the caller's audit event. Completing one
//! (new password hash, link used, every session ended, audit event, notice
//! email) is one transaction.

use super::db::audit::{self, AuditEvent};
use super::db::password_resets::{self, Sender};
use super::db::team_events::{self, TeamNotice};
use super::db::{accounts, memberships, organisations, outbox, sessions, sign_in_attempts};
use super::email_templates::{PasswordChangedBy, PasswordChangedEmail, PasswordResetEmail};
use super::error::ServerError;
use super::password_strength;
use super::request::{RequestMeta, RequestScope};
use super::sign_in::{locked_for, minutes_ceil};
use super::state::{AppState, Links};
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::password_reset::{
    limit_window, link_expiry, ResetLinkStatus, MAX_EMAILS_PER_ACCOUNT_PER_HOUR,
    MAX_REQUESTS_PER_ADDRESS_PER_HOUR,
};
use crate::domain::{AccountId, EmailAddress, PasswordResetId, Refusal};
use crate::wire::password::PasswordHint;
use crate::wire::password_reset::PasswordResetPage;
use crate::wire::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};
use tracing::Instrument as _;

/// A reset just issued.
#[derive(Debug, Clone, Copy)]
pub struct Issued {
    pub id: PasswordResetId,
    /// When its link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Issues a reset link for `account` and queues its email, in the caller's
/// transaction; the account's older link stops working. `None` when the
/// account was already sent [`MAX_EMAILS_PER_ACCOUNT_PER_HOUR`] reset
/// emails in the last hour: then nothing changes and nothing is sent.
pub async fn issue(
    tx: &mut Transaction<'_, Postgres>,
    links: &Links,
    account: AccountId,
    sender: Option<Sender<'_>>,
) -> Result<Option<Issued>, ServerError> {
    // Concurrent requests for one account take turns here, so the count
    // below and the open-link swap see each other's result.
    accounts::lock(&mut **tx, account).await?;
    let recent = password_resets::count_recent(&mut **tx, account, limit_window()).await?;
    if recent >= MAX_EMAILS_PER_ACCOUNT_PER_HOUR {
        return Ok(None);
    }
    let superseded = password_resets::supersede_open(&mut **tx, account).await?;
    outbox::supersede_for_password_resets(&mut **tx, &superseded).await?;
    let token = SecretToken::generate();
    let id = password_resets::insert(
        &mut **tx,
        account,
        &token.hash(),
        sender,
        link_expiry(Utc::now()),
    )
    .await?;
    let context = password_resets::email_context(&mut **tx, id).await?;
    let link = links.password_reset(token.expose());
    let forgot_link = links.forgot_password();
    let rendered = PasswordResetEmail {
        name: &context.display_name,
        email: &context.email,
        sent_by: context
            .sent_by
            .as_deref()
            .zip(context.organisation_name.as_deref()),
        link: &link,
        forgot_link: &forgot_link,
        expires_at: context.expires_at,
        expires_local: &context.expires_local,
        time_zone: &context.time_zone,
    }
    .render();
    let email = outbox::enqueue(
        &mut **tx,
        context.organisation_id,
        None,
        outbox::KIND_PASSWORD_RESET,
        &context.email,
        &links.seal(&rendered, &context.email, Some(context.expires_at)),
    )
    .await?;
    outbox::attach_to_password_reset(&mut **tx, email, id).await?;
    Ok(Some(Issued {
        id,
        expires_at: context.expires_at,
    }))
}

// ---------------------------------------------------------------------------
// "Forgot password?"

/// Takes a "Forgot password?" request. The answer is decided before
/// anything looks at whether `email` has an account: malformed input and
/// the per-address limit are refused (neither depends on the account), and
/// everything else gets the same empty success, as fast for an unknown
/// email as for a known one, because the lookup, the per-account limit and
/// the email happen in a task that runs after the answer.
pub async fn request(scope: RequestScope, email: String) -> Result<(), ServerError> {
    let email =
        EmailAddress::parse(&email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    let pool = &scope.state.pool;
    let recent = password_resets::recent_requests_from(
        pool,
        &scope.meta.limit_key,
        limit_window(),
        MAX_REQUESTS_PER_ADDRESS_PER_HOUR,
    )
    .await?;
    if let Some(wait) = locked_for(&recent, MAX_REQUESTS_PER_ADDRESS_PER_HOUR, limit_window()) {
        return Err(AppError::TooManyResetRequests {
            minutes: minutes_ceil(wait),
        }
        .into());
    }
    password_resets::record_request(pool, &scope.meta.limit_key).await?;
    let state = scope.state.clone();
    let meta = scope.meta.clone();
    let span = tracing::info_span!("password_reset_request", request_id = %meta.request_id);
    scope.state.background.spawn(
        async move {
            if let Err(e) = send_requested(&state, &meta, &email).await {
                tracing::error!(error = %e, "password reset request failed");
            }
        }
        .instrument(span),
    );
    // Without JavaScript the form's POST must land on the answer, not back
    // on an empty form; with it, the page follows the same redirect.
    leptos_axum::redirect(REQUEST_ANSWERED_PATH);
    Ok(())
}

/// Where "Forgot password?" lands once asked: the page shows its answer
/// when the address carries `sent` (see `ui::password_reset`).
pub const REQUEST_ANSWERED_PATH: &str = "/forgot-password?sent";

/// Sends a reset link to `email` if it belongs to an account (with or
/// without an enabled membership: the address's owner can always take an
/// account back) and under the per-account limit; otherwise nothing.
async fn send_requested(
    state: &AppState,
    meta: &RequestMeta,
    email: &EmailAddress,
) -> Result<(), ServerError> {
    let Some((account, name)) = accounts::find_resettable(&state.pool, email.as_str()).await?
    else {
        tracing::info!("no account for the email; nothing sent");
        return Ok(());
    };
    let mut tx = state.pool.begin().await?;
    let Some(issued) = issue(&mut tx, &state.links, account, None).await? else {
        tracing::info!(%account, "hourly reset limit reached; nothing sent");
        return Ok(());
    };
    // Nobody acted for an organisation: each of the person's
    // organisations sees it in its log.
    let event = AuditEvent::new(AuditAction::PasswordResetRequested)
        .on_account(Some(account), &name)
        .with_change(None, Some(json!({ "expires_at": issued.expires_at })));
    audit::record_for_account(&mut *tx, meta, Some(account), event).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(%account, reset = %issued.id, "password reset sent on request");
    Ok(())
}

// ---------------------------------------------------------------------------
// The reset link.

pub async fn view(scope: RequestScope, token: String) -> Result<PasswordResetPage, ServerError> {
    let found =
        password_resets::find_by_token(&scope.state.pool, &hash_token(token.trim())).await?;
    let Some(found) = found else {
        return Ok(PasswordResetPage::Invalid);
    };
    Ok(match found.status() {
        ResetLinkStatus::Open => PasswordResetPage::Open {
            email: found.email,
            expires_at: found.expires_at.into(),
        },
        ResetLinkStatus::Expired => PasswordResetPage::Expired,
        ResetLinkStatus::Used => PasswordResetPage::Used,
        ResetLinkStatus::Superseded => PasswordResetPage::Invalid,
    })
}

/// The reset if its link still works; otherwise why not, as the message
/// above the form.
fn require_open(
    found: Option<password_resets::ByToken>,
) -> Result<password_resets::ByToken, ServerError> {
    let refusal = match found.as_ref().map(password_resets::ByToken::status) {
        Some(ResetLinkStatus::Open) => None,
        Some(ResetLinkStatus::Expired) => Some(Refusal::ResetLinkExpired),
        Some(ResetLinkStatus::Used) => Some(Refusal::ResetLinkUsed),
        Some(ResetLinkStatus::Superseded) | None => Some(Refusal::ResetLinkInvalid),
    };
    match (found, refusal) {
        (Some(found), None) => Ok(found),
        (_, Some(refusal)) => Err(refusal.into()),
        (None, None) => Err(Refusal::ResetLinkInvalid.into()),
    }
}

/// What an attacker would know about the person: their words may not be
/// in the new password.
fn password_context(reset: &password_resets::ByToken) -> Vec<&str> {
    let mut context = vec![reset.email.as_str(), reset.display_name.as_str()];
    context.extend(reset.organisation_name.as_deref());
    context
}

/// The new-password form, as typed.
pub struct NewPasswordForm {
    pub token: String,
    pub password: String,
    pub password_confirm: String,
}

pub async fn complete(scope: RequestScope, form: NewPasswordForm) -> Result<(), ServerError> {
    let pool = &scope.state.pool;
    let token_hash = hash_token(form.token.trim());
    // Checked before hashing, so a dead link costs no hashing work.
    let reset = require_open(password_resets::find_by_token(pool, &token_hash).await?)?;
    let hash = password_strength::hash_new_password(
        &scope.state.hasher,
        form.password,
        &form.password_confirm,
        &password_context(&reset),
    )
    .await?;

    let mut tx = pool.begin().await?;
    // The organisations whose memberships the reset may end come first (in
    // one order), as an admin's change to a member of theirs locks the
    // organisation before the account.
    let mut orgs: Vec<_> = memberships::joined_unproven(&mut *tx, reset.account_id)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    orgs.sort_by_key(|org| org.0);
    orgs.dedup();
    for org in orgs {
        organisations::lock(&mut *tx, org).await?;
    }
    // Then the account, then its link: the order in which issuing a reset
    // takes them, so that a reset sent at this very moment and this
    // completion never wait on each other. Under the lock, the link is
    // checked again: of two completions at once, the second finds it used.
    accounts::lock(&mut *tx, reset.account_id).await?;
    password_resets::lock_by_token(&mut *tx, &token_hash).await?;
    let reset = require_open(password_resets::find_by_token(&mut *tx, &token_hash).await?)?;
    accounts::set_password(&mut *tx, reset.account_id, &hash).await?;
    password_resets::mark_used(&mut *tx, reset.id).await?;
    // The link went to the account's address: following it proves the
    // person reads it, so an account someone else made with the address
    // (through a copied invitation link) is now its owner's.
    // Memberships someone made with it through a copied link before then
    // are not the owner's: they end (before the events below, which each
    // of the account's organisations records).
    let ended = end_unproven_memberships(&mut tx, &scope, &reset).await?;
    let email_verified =
        super::email_verification::mark_verified(&mut tx, reset.account_id).await?;
    // Until now the address was unproven, so whoever set up a second
    // factor on the account may not be the address's owner: the owner
    // takes the account over without it. On a verified account the factor
    // stays, so a reset link alone never gets past it.
    let two_factor_removed =
        email_verified && super::db::two_factor::remove(&mut *tx, reset.account_id).await?;
    let sessions_ended = sessions::revoke_all(&mut *tx, reset.account_id, None, None).await?;
    // Browsers that signed in with the old password are strangers to the
    // new one: none skips its delay.
    sign_in_attempts::forget_devices(&mut *tx, reset.account_id, None).await?;
    // The reset proves the mailbox: the second factor's ceiling, reached by
    // someone who had the old password, no longer holds.
    super::db::credential_failures::clear_factor_failures(&mut *tx, reset.account_id).await?;
    super::db::credential_failures::clear(
        &mut *tx,
        reset.account_id,
        super::db::credential_failures::Kind::Password,
    )
    .await?;
    let event = AuditEvent::new(AuditAction::PasswordResetCompleted)
        .by(reset.account_id, &reset.display_name)
        .on_account(Some(reset.account_id), &reset.display_name)
        .with_change(
            None,
            Some(json!({
                "sessions_ended": sessions_ended,
                "sent_by_admin": reset.organisation_id.is_some(),
                "email_verified": email_verified,
                "two_factor_removed": two_factor_removed,
                "memberships_ended": ended,
            })),
        );
    // An admin's reset belongs to their organisation's history; one the
    // person asked for, to each of their organisations'.
    match reset.organisation_id {
        Some(org) => audit::record(&mut *tx, &scope.meta, event.in_organisation(org)).await?,
        None => {
            audit::record_for_account(&mut *tx, &scope.meta, Some(reset.account_id), event).await?
        }
    }
    queue_changed_notice(&mut tx, &scope.state.links, reset.id, &ended).await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    tracing::info!(request_id = %scope.meta.request_id, account = %reset.account_id, sessions_ended, "password reset completed");
    // As for the request: a form posted without JavaScript lands on the
    // answer (the link's page sends no Referer to go back to).
    leptos_axum::redirect(PASSWORD_CHANGED_PATH);
    Ok(())
}

/// Where a completed reset lands: the page says the password was changed
/// when the address carries `changed` (see `ui::password_reset`).
pub const PASSWORD_CHANGED_PATH: &str = "/reset-password?changed";

/// Ends the memberships made with the account of `reset` through a copied
/// invitation link while its address was unproven: the reset link went to
/// the address, so its follower is the address's owner, and whoever held
/// the copied link may have made the account to join as them. Each
/// organisation's history records it; the names of the organisations
/// left go into the owner's email. A membership that is its
/// organisation's last enabled Owner (promoted after joining) stays: an
/// organisation never has none, and its other admins see the reset.
async fn end_unproven_memberships(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    reset: &password_resets::ByToken,
) -> Result<Vec<String>, ServerError> {
    let mut ended = Vec::new();
    for membership in memberships::joined_unproven(&mut **tx, reset.account_id).await? {
        let org = membership.organisation_id;
        organisations::lock(&mut **tx, org).await?;
        if membership.owner && memberships::count_enabled_owners(&mut **tx, org).await? <= 1 {
            continue;
        }
        // Announced while it still exists, for the streams of its sites'
        // managers; its sessions there ended with all the others.
        team_events::notify(&mut **tx, &[TeamNotice::member(org, membership.id)]).await?;
        memberships::delete(&mut **tx, membership.id).await?;
        let event = AuditEvent::new(AuditAction::MemberDeleted)
            .in_organisation(org)
            .by(reset.account_id, &reset.display_name)
            .on_account(Some(reset.account_id), &membership.display_name)
            .with_change(
                Some(json!({ "email": membership.email, "role": membership.role_name })),
                Some(json!({ "reason": "address_owner_reclaimed_the_account" })),
            );
        audit::record(&mut **tx, &scope.meta, event).await?;
        ended.push(membership.organisation_name);
    }
    if !ended.is_empty() {
        tracing::info!(request_id = %scope.meta.request_id, account = %reset.account_id, ended = ended.len(), "memberships made through copied links ended");
    }
    Ok(ended)
}

/// Queues "your password was changed" for the account of `reset`, naming
/// the organisations whose memberships it ended (`ended`).
async fn queue_changed_notice(
    tx: &mut Transaction<'_, Postgres>,
    links: &Links,
    reset: PasswordResetId,
    ended: &[String],
) -> Result<(), ServerError> {
    let context = password_resets::email_context(&mut **tx, reset).await?;
    let forgot_link = links.forgot_password();
    let rendered = PasswordChangedEmail {
        by: PasswordChangedBy::ResetLink,
        memberships_ended: ended,
        name: &context.display_name,
        email: &context.email,
        changed_at: context.now,
        changed_local: &context.now_local,
        time_zone: &context.time_zone,
        forgot_link: &forgot_link,
    }
    .render();
    outbox::enqueue(
        &mut **tx,
        context.organisation_id,
        None,
        outbox::KIND_PASSWORD_CHANGED,
        &context.email,
        &links.seal(&rendered, &context.email, None),
    )
    .await?;
    Ok(())
}

pub async fn password_hint(
    scope: RequestScope,
    token: String,
    password: String,
) -> Result<PasswordHint, ServerError> {
    // Only for a working link: not an open oracle for anyone's guesses.
    let reset = require_open(
        password_resets::find_by_token(&scope.state.pool, &hash_token(token.trim())).await?,
    )?;
    Ok(password_strength::hint(
        &password,
        &password_context(&reset),
    ))
}
