//! Email verification: the rules behind the `email_verification/*` server
//! functions, and the steps that invitations and password resets take in
//! their own transactions.
//!
//! An address counts as proven when the person followed a link sent to it
//! (the emailed invitation link, a verification link, a password reset
//! link). A verification link is confirmed only by a browser signed in as
//! the account it was sent for: if someone else made the account with the
//! address, its real owner must not vouch for them by clicking; the email
//! tells them to take the account over with a password reset instead.

use super::actor::{authenticate_for_setup, recheck};
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{accounts, email_verifications, memberships, outbox};
use super::email_templates::EmailVerificationEmail;
use super::error::ServerError;
use super::request::RequestScope;
use super::state::Links;
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::email_verification::{link_expiry, VerificationLinkStatus};
use crate::domain::{AccountId, OrganisationId, Refusal};
use crate::wire::email_verification::VerifyEmailPage;
use chrono::Utc;
use sqlx::{Postgres, Transaction};

/// Issues a verification link for `account`'s address and queues its
/// email, in the caller's transaction. `organisation` is the one whose
/// invitation made the account: the email names it and gives times in its
/// zone.
pub(super) async fn issue(
    tx: &mut Transaction<'_, Postgres>,
    links: &Links,
    account: AccountId,
    email: &str,
    organisation: OrganisationId,
) -> Result<(), ServerError> {
    let token = SecretToken::generate();
    let id = email_verifications::insert(
        &mut **tx,
        account,
        email,
        &token.hash(),
        link_expiry(Utc::now()),
    )
    .await?;
    let context = email_verifications::email_context(&mut **tx, id, organisation).await?;
    let link = links.email_verification(token.expose());
    let forgot_link = links.forgot_password();
    let rendered = EmailVerificationEmail {
        name: &context.display_name,
        email: &context.email,
        organisation_name: &context.organisation_name,
        link: &link,
        forgot_link: &forgot_link,
        expires_at: context.expires_at,
        expires_local: &context.expires_local,
        time_zone: &context.time_zone,
    }
    .render();
    outbox::enqueue(
        &mut **tx,
        Some(organisation),
        None,
        outbox::KIND_EMAIL_VERIFICATION,
        &context.email,
        &links.seal(&rendered, &context.email, Some(context.expires_at)),
    )
    .await?;
    Ok(())
}

/// Records, in the caller's transaction, that the person reads the
/// account's address. If that is news, the account's rows in every team
/// table lose their "Email not verified" marker, live. Returns whether it
/// was news.
pub(super) async fn mark_verified(
    tx: &mut Transaction<'_, Postgres>,
    account: AccountId,
) -> Result<bool, ServerError> {
    if !accounts::mark_email_verified(&mut **tx, account).await? {
        return Ok(false);
    }
    // Proven now: what was joined before is the owner's. (A reset ends the
    // memberships it does not vouch for before it gets here.)
    memberships::clear_joined_unproven(&mut **tx, account).await?;
    let notices: Vec<TeamNotice> = memberships::of_account(&mut **tx, account)
        .await?
        .into_iter()
        .map(|(org, membership)| TeamNotice::member(org, membership))
        .collect();
    team_events::notify(&mut **tx, &notices).await?;
    Ok(true)
}

pub async fn view(scope: RequestScope, token: String) -> Result<VerifyEmailPage, ServerError> {
    let found =
        email_verifications::find_by_token(&scope.state.pool, &hash_token(token.trim())).await?;
    let Some(found) = found else {
        return Ok(VerifyEmailPage::Invalid);
    };
    if !found.still_for_the_account() {
        return Ok(VerifyEmailPage::Invalid);
    }
    Ok(match found.status() {
        VerificationLinkStatus::Open => {
            // Looking is not working here: the session is read untouched.
            let signed_in = recheck(&scope)
                .await?
                .is_some_and(|actor| actor.account_id == found.account_id);
            VerifyEmailPage::Open {
                email: found.email,
                signed_in,
            }
        }
        VerificationLinkStatus::Expired => VerifyEmailPage::Expired,
        VerificationLinkStatus::Used => VerifyEmailPage::Used,
    })
}

/// The verification if its link still works for its account; otherwise
/// why not.
fn require_open(
    found: Option<email_verifications::ByToken>,
) -> Result<email_verifications::ByToken, Refusal> {
    let found = found.ok_or(Refusal::VerificationLinkInvalid)?;
    if !found.still_for_the_account() {
        return Err(Refusal::VerificationLinkInvalid);
    }
    match found.status() {
        VerificationLinkStatus::Open => Ok(found),
        VerificationLinkStatus::Expired => Err(Refusal::VerificationLinkExpired),
        VerificationLinkStatus::Used => Err(Refusal::VerificationLinkUsed),
    }
}

/// Verifies the address behind `token`, for the signed-in account it was
/// sent for only. One transaction: the link used, the account verified,
/// the team tables told, the audit event in each of the account's
/// organisations.
pub async fn confirm(scope: RequestScope, token: String) -> Result<(), ServerError> {
    // Part of the profile: allowed before a factor the policy wants.
    let actor = authenticate_for_setup(&scope).await?;
    let hash = hash_token(token.trim());
    let mut tx = scope.state.pool.begin().await?;
    email_verifications::lock_by_token(&mut *tx, &hash).await?;
    let found = require_open(email_verifications::find_by_token(&mut *tx, &hash).await?)?;
    if found.account_id != actor.account_id {
        return Err(Refusal::VerificationForAnotherAccount.into());
    }
    email_verifications::mark_used(&mut *tx, found.id).await?;
    mark_verified(&mut tx, found.account_id).await?;
    let event = AuditEvent::new(AuditAction::EmailVerified)
        .by(found.account_id, &found.display_name)
        .on_account(Some(found.account_id), &found.display_name)
        .with_change(None, Some(serde_json::json!({ "email": found.email })));
    audit::record_for_account(&mut *tx, &scope.meta, Some(found.account_id), event).await?;
    tx.commit().await?;
    tracing::info!(request_id = %scope.meta.request_id, account = %found.account_id, "email verified");
    Ok(())
}
