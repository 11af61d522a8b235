//! Sign-in and sign-out.

use super::actor::Actor;
use super::credential_limits;
use super::db::audit::{self, AuditEvent};
use super::db::outbox;
use super::db::team_events::{self, TeamNotice};
use super::db::{accounts, memberships, sessions, sign_in_attempts, two_factor};
use super::email_templates::SignInDelayedEmail;
use super::error::ServerError;
use super::password::Password;
use super::request::RequestScope;
use super::session::{clear_session_cookie, device_cookie, session_cookie};
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::next_path::{safe_next_path, DEFAULT_LANDING, HOME};
use crate::domain::scope::Standing;
use crate::domain::sign_in_delay::{self, failures_that_matter};
use crate::domain::{AccountId, EmailAddress, OrganisationId, Permission};
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

    let Some(target) = memberships::sign_in_target(pool, account.id, None).await? else {
        // In the log of each organisation that disabled them.
        let event = AuditEvent::new(AuditAction::SignInRefused)
            .by(account.id, &account.display_name)
            .on_account(Some(account.id), &account.display_name);
        audit::record_for_account(pool, meta, Some(account.id), event).await?;
        return Err(AppError::AccessDisabled.into());
    };

    if two_factor::is_enabled(pool, account.id).await? {
        // The password is right, but that alone opens nothing: the browser
        // gets a pending token for the factor step, and no success is
        // recorded yet: the sign-in succeeds with the factor, which counts
        // its own failures (`credential_limits`).
        let after = super::two_factor::AfterFactor::SignIn { next };
        return super::two_factor::begin_factor_step(&scope, account.id, after).await;
    }
    let mut tx = pool.begin().await?;
    let landing = complete(
        &mut tx,
        &scope,
        CompletedSignIn {
            account: account.id,
            display_name: &account.display_name,
            email_lower: &email_lower,
            target: &target,
            next: next.as_deref(),
        },
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect(&landing);
    Ok(())
}

/// A sign-in whose every step succeeded.
pub(super) struct CompletedSignIn<'a> {
    pub account: AccountId,
    pub display_name: &'a str,
    pub email_lower: &'a str,
    pub target: &'a memberships::SignInTarget,
    pub next: Option<&'a str>,
}

/// Opens the session of a completed sign-in in the caller's transaction,
/// records the success, and sends the session cookie (which takes effect
/// only if the caller commits, since the session row is in `tx`). Returns
/// where the person lands: `next` when it is a path on this site,
/// otherwise the team for those who may see it, their home for the rest.
pub(super) async fn complete(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    done: CompletedSignIn<'_>,
) -> Result<String, ServerError> {
    let token = open_session(
        tx,
        scope,
        done.account,
        done.display_name,
        done.target.organisation_id,
        scope.state.clock.now(),
    )
    .await?;
    sign_in_attempts::record(&mut **tx, done.email_lower, &scope.meta.limit_key, true).await?;
    set_session_cookie(scope, &token);
    Ok(landing(done.target, done.next))
}

/// Where someone signed in to `target` lands: `next` when it is a path on
/// this site, otherwise the team for those who may see it (anywhere: a
/// site manager sees their sites'), their home for the rest.
pub(super) fn landing(target: &memberships::SignInTarget, next: Option<&str>) -> String {
    let may_view_team = Standing::read(
        &target.permissions,
        &target.site_permissions,
        &[] as &[uuid::Uuid],
    )
    .holdings()
    .reach(Permission::ViewTeam)
    .is_some();
    next.and_then(safe_next_path)
        .unwrap_or(if may_view_team { DEFAULT_LANDING } else { HOME })
        .to_string()
}

/// The account whose email is `email_lower`, if `password` is its password.
/// Under the sign-in delays: while the email or the client's address must
/// wait, the attempt is refused before any hashing; a wrong password (or
/// unknown email, which takes as long) is counted and audited, then refused
/// with [`AppError::InvalidCredentials`].
///
/// The delays hold under concurrent attempts: each attempt is checked and
/// counted as a failure in one step per key (email and address), before its
/// password is hashed, and the count is taken back when the password was
/// right. Of 40 wrong passwords at once, only the free ones are hashed; the
/// rest are told to wait.
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
        .await;
    let verified = match verified {
        Ok(verified) => verified,
        Err(error) => {
            // Shed or failed before judging: not a failure of the person's.
            sign_in_attempts::forget(&scope.state.pool, attempt.id).await?;
            return Err(error);
        }
    };
    match account {
        Some(account) if verified => {
            sign_in_attempts::forget(&scope.state.pool, attempt.id).await?;
            // The wrong passwords sessions made stay counted: a sign-in
            // must not give a stolen session a fresh allowance.
            Ok(account)
        }
        account => {
            // Already counted: audited in the log of every organisation the
            // account belongs to (an unknown email's failure belongs to none).
            let id = account.as_ref().map(|a| a.id);
            let event = AuditEvent::new(AuditAction::SignInFailed).on_account(id, email_lower);
            audit::record_for_account(&scope.state.pool, &scope.meta, id, event).await?;
            if let Some(account) = account {
                notify_if_delay_started(scope, &attempt, account.id, &account.display_name).await?;
            }
            Err(AppError::InvalidCredentials.into())
        }
    }
}

/// Refuses unless `password` is the signed-in person's own, beside the
/// `current_password` field: what changing a password or a second factor,
/// and a step-up, ask first. Slowed by this session's own wrong passwords
/// only (`credential_limits`): the sign-in's failures, which anyone who
/// knows the address can make, never lock the owner out of their open
/// session, and a stolen session still can't guess on quickly.
pub async fn confirm_own_password(
    scope: &RequestScope,
    actor: &Actor,
    password: String,
) -> Result<(), ServerError> {
    if password.is_empty() {
        return Err(AppError::invalid("current_password", "Enter your current password.").into());
    }
    let check =
        credential_limits::count_password_check(scope, actor.account_id, actor.session_id).await?;
    let account = accounts::find_credentials(&scope.state.pool, &actor.email.to_lowercase())
        .await?
        .filter(|a| a.id == actor.account_id);
    let verified = scope
        .state
        .hasher
        .verify(
            &Password::new(password),
            account.as_ref().and_then(|a| a.password_hash.as_deref()),
        )
        .await;
    match verified {
        Ok(true) if account.is_some() => {
            credential_limits::password_succeeded(scope, actor.account_id, actor.session_id)
                .await?;
            Ok(())
        }
        Ok(_) => {
            let event = AuditEvent::new(AuditAction::SignInFailed)
                .on_account(Some(actor.account_id), &actor.display_name)
                .with_change(None, Some(serde_json::json!({ "in_session": true })));
            audit::record_for_account(
                &scope.state.pool,
                &scope.meta,
                Some(actor.account_id),
                event,
            )
            .await?;
            credential_limits::password_failed(scope, actor.account_id).await?;
            Err(AppError::invalid("current_password", "That is not your current password.").into())
        }
        Err(error) => {
            // Shed or failed before judging: not a failure of the person's.
            credential_limits::check_not_judged(scope, check).await?;
            Err(error)
        }
    }
}

/// An attempt counted as a failure until its password (or second
/// factor) proves right.
pub(super) struct CountedAttempt {
    pub id: i64,
    /// The account's failures that count towards its delay, this one
    /// included.
    pub account_failures: u32,
}

/// Refuses with [`AppError::RateLimited`] while the email or the client's
/// address must wait (see `domain::sign_in_delay`); otherwise counts this
/// attempt as a failure. Both under the keys' locks, in one transaction,
/// before any hashing: a waiting account or address costs the server
/// nothing, and known and unknown emails wait alike. A browser that signed
/// in to this account before is exempt from the account's wait, not from
/// its address's.
async fn count_attempt(
    scope: &RequestScope,
    email_lower: &str,
) -> Result<CountedAttempt, ServerError> {
    let settings = &scope.state.auth;
    let client_key = &scope.meta.limit_key;
    let mut tx = scope.state.pool.begin().await?;
    sign_in_attempts::lock_keys(&mut tx, email_lower, client_key).await?;
    let free = settings.free_failures_per_account;
    let by_account = sign_in_attempts::account_failures(
        &mut *tx,
        email_lower,
        settings.sign_in_lookback,
        failures_that_matter(free),
    )
    .await?;
    let by_address = sign_in_attempts::address_failures(
        &mut *tx,
        client_key,
        settings.sign_in_lookback,
        failures_that_matter(settings.free_failures_per_address),
    )
    .await?;
    let exempt = match scope.cookie(settings.device_cookie_name()) {
        Some(token) => {
            sign_in_attempts::is_known_device(&mut *tx, &hash_token(&token), email_lower).await?
        }
        _ => false,
    };
    let account_wait = if exempt {
        None
    } else {
        wait_left(&by_account, free)
    };
    let wait = [
        account_wait,
        wait_left(&by_address, settings.free_failures_per_address),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(wait) = wait {
        return Err(AppError::RateLimited {
            seconds: u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX),
        }
        .into());
    }
    let id = sign_in_attempts::count_failure(&mut *tx, email_lower, client_key).await?;
    tx.commit().await?;
    Ok(CountedAttempt {
        id,
        account_failures: by_account.count.saturating_add(1),
    })
}

/// The wait still ahead after `failures`, rounded up to whole seconds.
pub(super) fn wait_left(failures: &sign_in_attempts::Failures, free: u32) -> Option<Duration> {
    let latest = failures.latest?;
    let since = (Utc::now() - latest).to_std().unwrap_or(Duration::ZERO);
    let left = sign_in_delay::remaining(failures.count, free, since)?;
    Some(Duration::from_secs(
        left.as_secs() + u64::from(left.subsec_nanos() > 0),
    ))
}

/// Tells the account's owner, at most once a day, that its sign-ins are
/// now delayed when `attempt` was the failure that started the delay:
/// someone may be guessing their password (or their codes).
pub(super) async fn notify_if_delay_started(
    scope: &RequestScope,
    attempt: &CountedAttempt,
    account: AccountId,
    display_name: &str,
) -> Result<(), ServerError> {
    if attempt.account_failures != scope.state.auth.free_failures_per_account {
        return Ok(());
    }
    let mut tx = scope.state.pool.begin().await?;
    let Some(recipient) = sign_in_attempts::claim_delay_notice(&mut *tx, account).await? else {
        return Ok(());
    };
    let rendered = SignInDelayedEmail {
        name: display_name,
        email: &recipient,
        failures: scope.state.auth.free_failures_per_account,
        forgot_link: &scope.state.links.forgot_password(),
    }
    .render();
    outbox::enqueue(
        &mut *tx,
        None,
        None,
        outbox::KIND_SIGN_IN_DELAYED,
        &recipient,
        &scope.state.links.seal(&rendered, &recipient, None),
    )
    .await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    Ok(())
}

/// Remembers this browser as one that signed in to `account`, in the
/// caller's transaction: the token its device cookie already carries, or a
/// new one sent with the response.
async fn remember_device(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    account: AccountId,
) -> Result<(), ServerError> {
    let settings = &scope.state.auth;
    let token = match scope.cookie(settings.device_cookie_name()) {
        Some(token) if token.len() >= 43 => token,
        _ => SecretToken::generate().expose().to_string(),
    };
    sign_in_attempts::remember_device(&mut **tx, &hash_token(&token), account).await?;
    set_cookie(&device_cookie(settings, &token));
    Ok(())
}

/// Starts a session for `account` in `organisation`, in the caller's
/// transaction: a new token at every sign-in, and a session this browser
/// already had ends. The caller sets the cookie after committing.
/// `verified_at`: when its holder last proved who they are (now, for a
/// sign-in; a switch of organisation carries the old session's).
pub async fn open_session(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    account: AccountId,
    display_name: &str,
    organisation: OrganisationId,
    verified_at: DateTime<Utc>,
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
            verified_at,
        },
    )
    .await?;
    remember_device(tx, scope, account).await?;
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

pub(super) fn set_cookie(value: &str) {
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
