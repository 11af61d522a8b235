//! Sign-in and sign-out.

use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{accounts, memberships, sessions, sign_in_attempts};
use super::error::ServerError;
use super::password::Password;
use super::request::RequestScope;
use super::session::{clear_session_cookie, session_cookie};
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::next_path::{safe_next_path, DEFAULT_LANDING};
use crate::domain::{AccountId, EmailAddress, OrganisationId};
use crate::wire::AppError;
use chrono::{DateTime, Utc};
use http::header::SET_COOKIE;
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sqlx::{Postgres, Transaction};
use std::time::Duration;

/// How long until the oldest of `failures` (newest first, at most `limit`)
/// leaves the window, if the limit is reached.
pub(super) fn locked_for(
    failures: &[DateTime<Utc>],
    limit: i64,
    window: Duration,
) -> Option<Duration> {
    if i64::try_from(failures.len()).unwrap_or(i64::MAX) < limit {
        return None;
    }
    let oldest = failures.last()?;
    let unlock = *oldest + chrono::Duration::from_std(window).ok()?;
    (unlock - Utc::now()).to_std().ok()
}

pub async fn sign_in(
    scope: RequestScope,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerError> {
    let pool = &scope.state.pool;
    let meta = &scope.meta;

    let email =
        EmailAddress::parse(&email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password.").into());
    }
    let email_lower = email.normalized();
    let account = verify_password(&scope, &email_lower, Password::new(password)).await?;

    let Some(target) = memberships::sign_in_target(pool, account.id).await? else {
        // In the log of each organisation that disabled them.
        let event = AuditEvent::new(AuditAction::SignInRefused)
            .by(account.id, &account.display_name)
            .on_account(Some(account.id), &account.display_name);
        audit::record_for_account(pool, meta, Some(account.id), event).await?;
        return Err(AppError::AccessDisabled.into());
    };

    let mut tx = pool.begin().await?;
    let token = open_session(
        &mut tx,
        &scope,
        account.id,
        &account.display_name,
        target.organisation_id,
    )
    .await?;
    sign_in_attempts::record(&mut *tx, &email_lower, &meta.limit_key, true).await?;
    tx.commit().await?;

    set_session_cookie(&scope, &token);
    let landing = next
        .as_deref()
        .and_then(safe_next_path)
        .unwrap_or(DEFAULT_LANDING);
    leptos_axum::redirect(landing);
    Ok(())
}

/// The account whose email is `email_lower`, if `password` is its password.
/// Under the sign-in limits: a locked email or address is refused before
/// any hashing, and a wrong password (or unknown email, which takes as long)
/// is counted and audited, then refused with
/// [`AppError::InvalidCredentials`].
///
/// The limits hold under concurrent attempts: each attempt is checked and
/// counted as a failure in one step per key (email and address), before its
/// password is hashed, and the count is taken back when the password was
/// right. Of 40 wrong passwords at once, only as many as the limit allows
/// are hashed; the rest are refused as rate-limited.
pub async fn verify_password(
    scope: &RequestScope,
    email_lower: &str,
    password: Password,
) -> Result<accounts::AccountCredentials, ServerError> {
    let attempt = count_attempt(scope, email_lower).await?;
    let account = accounts::find_credentials(&scope.state.pool, email_lower).await?;
    let verified = scope
        .state
        .hasher
        .verify(
            &password,
            account.as_ref().and_then(|a| a.password_hash.as_deref()),
        )
        .await?;
    match account {
        Some(account) if verified => {
            sign_in_attempts::forget(&scope.state.pool, attempt).await?;
            Ok(account)
        }
        account => {
            // Already counted: audited in the log of every organisation the
            // account belongs to (an unknown email's failure belongs to none).
            let account = account.map(|a| a.id);
            let event = AuditEvent::new(AuditAction::SignInFailed).on_account(account, email_lower);
            audit::record_for_account(&scope.state.pool, &scope.meta, account, event).await?;
            Err(AppError::InvalidCredentials.into())
        }
    }
}

/// Refuses with [`AppError::RateLimited`] while the email or the client's
/// address has too many recent failures; otherwise counts this attempt as a
/// failure and returns its id. Both under the keys' locks, in one
/// transaction. Runs before any hashing: a locked account or address costs
/// the server nothing, and known and unknown emails lock alike.
async fn count_attempt(scope: &RequestScope, email_lower: &str) -> Result<i64, ServerError> {
    let settings = &scope.state.auth;
    let client_ip = &scope.meta.limit_key;
    let window = settings.sign_in_window;
    let mut tx = scope.state.pool.begin().await?;
    sign_in_attempts::lock_keys(&mut tx, email_lower, client_ip).await?;
    let by_account = sign_in_attempts::recent_account_failures(
        &mut *tx,
        email_lower,
        window,
        settings.max_failures_per_account,
    )
    .await?;
    let by_address = sign_in_attempts::recent_address_failures(
        &mut *tx,
        client_ip,
        window,
        settings.max_failures_per_address,
    )
    .await?;
    let locked = [
        locked_for(&by_account, settings.max_failures_per_account, window),
        locked_for(&by_address, settings.max_failures_per_address, window),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(wait) = locked {
        return Err(AppError::RateLimited {
            minutes: minutes_ceil(wait),
        }
        .into());
    }
    let attempt = sign_in_attempts::count_failure(&mut *tx, email_lower, client_ip).await?;
    tx.commit().await?;
    Ok(attempt)
}

/// Starts a session for `account` in `organisation`, in the caller's
/// transaction: a new token at every sign-in, and a session this browser
/// already had ends. The caller sets the cookie after committing.
pub async fn open_session(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    account: AccountId,
    display_name: &str,
    organisation: OrganisationId,
) -> Result<SecretToken, ServerError> {
    let settings = &scope.state.auth;
    let token = SecretToken::generate();
    if let Some(old) = scope.cookie(settings.session_cookie_name()) {
        sessions::revoke_by_token(&mut **tx, &hash_token(&old)).await?;
    }
    sessions::insert(
        &mut **tx,
        sessions::NewSession {
            token_hash: &token.hash(),
            account,
            organisation,
            absolute: settings.session_absolute,
            client_ip: &scope.meta.client_ip,
            user_agent: scope.meta.user_agent.as_deref(),
        },
    )
    .await?;
    // The team table shows each member's last sign-in.
    if let Some(membership) = memberships::record_sign_in(&mut **tx, account, organisation).await? {
        team_events::notify(&mut **tx, &[TeamNotice::member(organisation, membership)]).await?;
    }
    let event = AuditEvent::new(AuditAction::SignIn)
        .in_organisation(organisation)
        .by(account, display_name)
        .on_account(Some(account), display_name);
    audit::record(&mut **tx, &scope.meta, event).await?;
    Ok(token)
}

/// Sends the session cookie for `token` with the response.
pub fn set_session_cookie(scope: &RequestScope, token: &SecretToken) {
    set_cookie(&session_cookie(&scope.state.auth, token.expose()));
}

pub async fn sign_out(scope: RequestScope) -> Result<(), ServerError> {
    let settings = scope.state.auth.clone();
    if let Some(token) = scope.cookie(settings.session_cookie_name()) {
        let mut tx = scope.state.pool.begin().await?;
        if let Some(ended) = sessions::revoke_by_token(&mut *tx, &hash_token(&token)).await? {
            let event = AuditEvent::new(AuditAction::SignOut)
                .in_organisation(ended.organisation_id)
                .by(ended.account_id, &ended.display_name)
                .on_account(Some(ended.account_id), &ended.display_name);
            audit::record(&mut *tx, &scope.meta, event).await?;
        }
        tx.commit().await?;
    }
    set_cookie(&clear_session_cookie(&settings));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Minutes, rounded up, for "try again in N minutes".
pub(super) fn minutes_ceil(duration: Duration) -> u32 {
    let secs = duration.as_secs().max(1);
    u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX)
}

fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_round_up() {
        assert_eq!(minutes_ceil(Duration::from_secs(1)), 1);
        assert_eq!(minutes_ceil(Duration::from_secs(60)), 1);
        assert_eq!(minutes_ceil(Duration::from_secs(61)), 2);
    }

    #[test]
    fn locks_only_when_the_limit_is_reached_inside_the_window() {
        let window = Duration::from_secs(900);
        let now = Utc::now();
        let four: Vec<_> = (0..4)
            .map(|i| now - chrono::Duration::seconds(i * 10))
            .collect();
        assert_eq!(locked_for(&four, 5, window), None);
        let five: Vec<_> = (0..5)
            .map(|i| now - chrono::Duration::seconds(i * 10))
            .collect();
        let wait = locked_for(&five, 5, window).unwrap();
        assert!(
            wait <= Duration::from_secs(860) && wait > Duration::from_secs(850),
            "{wait:?}"
        );
    }
}
