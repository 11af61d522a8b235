//! Limits on the checks that come after a sign-in's password: a second
//! factor's code, and the password asked again inside a session.
//!
//! The sign-in's own password step counts wrong passwords per account and
//! per client (`sign_in::count_attempt`), and anyone who knows an address
//! can make those. So nothing here reads them: a factor check is slowed
//! only by the failures of whoever makes it (the browser of a sign-in that
//! passed the password, or an open session), by the account's factor
//! failures for browsers the account has never signed in from, and, as a
//! hard stop, by a ceiling of factor failures since the last right factor
//! (a password reset, or a reset of the factor by an admin or the
//! operator, clears it too). A password asked again inside a session is
//! slowed by that session's own failures only.

use super::db::credential_failures::{self as failures, Kind};
use super::db::{accounts, outbox, sessions, sign_in_attempts};
use super::email_templates::{SessionsEndedEmail, WrongFactorEmail};
use super::error::ServerError;
use super::request::RequestScope;
use super::sign_in::wait_left;
use super::token::hash_token;
use crate::domain::sign_in_delay::failures_that_matter;
use crate::domain::{AccountId, SessionId};
use crate::wire::AppError;
use data_encoding::HEXLOWER;
use std::time::Duration;

/// How far back the ceiling looks: as long as failures are kept.
const CEILING_LOOKBACK: Duration = Duration::from_secs(30 * 24 * 3600);

/// Said beside the password once the sessions' ceiling is reached.
pub const PASSWORD_CEILING_REACHED: &str = "Too many wrong passwords were entered in this account's sessions, so it was signed out everywhere. Sign in again, or reset your password.";

/// Said beside the factor's field once the ceiling is reached.
pub const CEILING_REACHED: &str = "Too many wrong codes were entered for this account, so codes are not accepted for now. Reset your password (the email proves it is you), or ask an administrator to reset your two-factor sign-in.";

/// Who makes a check after the password.
#[derive(Debug, Clone, Copy)]
pub enum Attempter<'a> {
    /// The browser of a sign-in that passed the password, by its pending
    /// token's hash.
    PendingSignIn(&'a [u8]),
    /// An open session: its holder passed the whole sign-in.
    Session(SessionId),
}

impl Attempter<'_> {
    /// Whom its failures are counted against. A pending sign-in from a
    /// browser with a device cookie counts against that browser, so that
    /// starting a new sign-in (or a switch of organisation, which asks no
    /// password) does not start the count again.
    /// The browser's count is the account's own: a browser shared by two
    /// people, or a device cookie someone learnt, slows no other account.
    fn key(self, scope: &RequestScope, account: AccountId) -> String {
        match self {
            Self::PendingSignIn(hash) => {
                match scope.cookie(scope.state.auth.device_cookie_name()) {
                    Some(device) => format!(
                        "device:{}:{}",
                        account.0,
                        HEXLOWER.encode(&hash_token(&device))
                    ),
                    None => format!("pending:{}", HEXLOWER.encode(hash)),
                }
            }
            Self::Session(id) => format!("session:{}", id.0),
        }
    }
}

/// A check counted as failed until it proves right.
pub struct CountedCheck {
    pub id: i64,
    /// Whether it is the account's first factor failure from a sign-in
    /// since the last right factor: the moment to tell the account's owner
    /// (their own typo in an open session neither tells nor hides it).
    pub first_factor_failure: bool,
}

/// Refuses while `attempter` must wait, or once the account's ceiling is
/// reached (beside `field`); otherwise counts this factor check as failed.
/// The account's recent factor failures slow a pending sign-in only from a
/// browser that never signed in to the account (`email_lower`'s): an open
/// session, or the owner's own browser, is not slowed by someone else's
/// guesses.
pub async fn count_factor_check(
    scope: &RequestScope,
    account: AccountId,
    email_lower: &str,
    attempter: Attempter<'_>,
    field: &'static str,
) -> Result<CountedCheck, ServerError> {
    let settings = &scope.state.auth;
    let free = settings.free_failures_per_account;
    let key = attempter.key(scope, account);
    let mut tx = scope.state.pool.begin().await?;
    failures::lock(&mut tx, account).await?;
    let told_already = failures::any_from_sign_ins(&mut *tx, account).await?;
    let since_success = failures::by_account(
        &mut *tx,
        account,
        Kind::Factor,
        CEILING_LOOKBACK,
        settings.factor_failure_ceiling,
    )
    .await?;
    if since_success.count >= settings.factor_failure_ceiling {
        tracing::warn!(request_id = %scope.meta.request_id, %account, "second-factor ceiling reached");
        return Err(AppError::invalid(field, CEILING_REACHED).into());
    }
    let own = failures::by_attempter(
        &mut *tx,
        &key,
        Kind::Factor,
        settings.sign_in_lookback,
        failures_that_matter(free),
    )
    .await?;
    let mut waits = vec![wait_left(&own, free)];
    let exempt = match attempter {
        Attempter::Session(_) => true,
        Attempter::PendingSignIn(_) => match scope.cookie(settings.device_cookie_name()) {
            Some(token) => {
                sign_in_attempts::is_known_device(&mut *tx, &hash_token(&token), email_lower)
                    .await?
            }
            None => false,
        },
    };
    if !exempt {
        let recent = failures::by_account(
            &mut *tx,
            account,
            Kind::Factor,
            settings.sign_in_lookback,
            failures_that_matter(free),
        )
        .await?;
        waits.push(wait_left(&recent, free));
    }
    if let Some(wait) = waits.into_iter().flatten().max() {
        return Err(rate_limited(wait));
    }
    let id = failures::count_failure(&mut *tx, account, Kind::Factor, &key).await?;
    tx.commit().await?;
    Ok(CountedCheck {
        id,
        first_factor_failure: matches!(attempter, Attempter::PendingSignIn(_)) && !told_already,
    })
}

/// A factor proved right: the account's factor failures are forgotten,
/// the ceiling's count with them.
pub async fn factor_succeeded(scope: &RequestScope, account: AccountId) -> Result<(), ServerError> {
    failures::clear_factor_failures(&scope.state.pool, account).await?;
    Ok(())
}

/// Refuses while `session` must wait after its own wrong passwords;
/// otherwise counts this password check as failed (before the hashing, so
/// that concurrent checks are all counted) and returns its id, for
/// [`check_not_judged`]. Only someone holding a session of the account can
/// make these failures; how many the account's sessions may make is
/// [`password_failed`]'s.
pub async fn count_password_check(
    scope: &RequestScope,
    account: AccountId,
    session: SessionId,
) -> Result<i64, ServerError> {
    let settings = &scope.state.auth;
    let free = settings.free_failures_per_account;
    let key = Attempter::Session(session).key(scope, account);
    let mut tx = scope.state.pool.begin().await?;
    failures::lock(&mut tx, account).await?;
    // Checks in flight were counted already: at the ceiling, none is
    // hashed (its sessions are ending), however many sessions ask at once.
    if sessions_at_ceiling(&mut tx, scope, account).await? {
        return Err(AppError::invalid("current_password", PASSWORD_CEILING_REACHED).into());
    }
    let own = failures::by_attempter(
        &mut *tx,
        &key,
        Kind::Password,
        settings.sign_in_lookback,
        failures_that_matter(free),
    )
    .await?;
    if let Some(wait) = wait_left(&own, free) {
        return Err(rate_limited(wait));
    }
    let id = failures::count_failure(&mut *tx, account, Kind::Password, &key).await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether the wrong passwords the account's sessions made reach the
/// in-session ceiling. Failures older than any session can be are the
/// owner's own old typos (a session, even one opened by a switch, lives no
/// longer), so they no longer count.
async fn sessions_at_ceiling(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    scope: &RequestScope,
    account: AccountId,
) -> Result<bool, ServerError> {
    let settings = &scope.state.auth;
    let ceiling = settings.in_session_password_ceiling;
    let made = failures::by_account(
        &mut **tx,
        account,
        Kind::Password,
        settings.session_absolute,
        ceiling,
    )
    .await?;
    Ok(made.count >= ceiling)
}

/// Takes back a check counted as failed that was not judged (the hasher
/// shed it).
pub async fn check_not_judged(scope: &RequestScope, id: i64) -> Result<(), ServerError> {
    failures::forget(&scope.state.pool, id).await?;
    Ok(())
}

/// The password proved right in `session`: that session's wrong passwords
/// are forgotten. Only its own: the wrong passwords of another session
/// (perhaps a stolen one) stay counted, so that the owner's own sign-ins
/// and step-ups never give whoever guesses elsewhere a fresh allowance.
pub async fn password_succeeded(
    scope: &RequestScope,
    account: AccountId,
    session: SessionId,
) -> Result<(), ServerError> {
    let key = Attempter::Session(session).key(scope, account);
    failures::clear_attempter(&scope.state.pool, &key, Kind::Password).await?;
    Ok(())
}

/// The password was wrong in a session (already counted): once the wrong
/// passwords the account's sessions made (and no right one of theirs took
/// back) reach the ceiling, every session of the account ends, the owner
/// is emailed, and the count starts again. Guessing on then takes the
/// password itself: a new session, even by a switch of organisation, comes
/// only from one that was open.
pub async fn password_failed(scope: &RequestScope, account: AccountId) -> Result<(), ServerError> {
    let settings = &scope.state.auth;
    let ceiling = settings.in_session_password_ceiling;
    let mut tx = scope.state.pool.begin().await?;
    failures::lock(&mut tx, account).await?;
    if !sessions_at_ceiling(&mut tx, scope, account).await? {
        return Ok(());
    }
    let ended = sessions::revoke_all(&mut *tx, account, None, None).await?;
    failures::clear(&mut *tx, account, Kind::Password).await?;
    let notice = accounts::notice_context(&mut *tx, account).await?;
    let rendered = SessionsEndedEmail {
        name: &notice.display_name,
        email: &notice.email,
        failures: ceiling,
        forgot_link: &scope.state.links.forgot_password(),
    }
    .render();
    outbox::enqueue(
        &mut *tx,
        None,
        None,
        outbox::KIND_SESSIONS_ENDED,
        &notice.email,
        &scope.state.links.seal(&rendered, &notice.email, None),
    )
    .await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    tracing::warn!(request_id = %scope.meta.request_id, %account, ended, "in-session password ceiling reached: sessions ended");
    Err(AppError::invalid("current_password", PASSWORD_CEILING_REACHED).into())
}

/// Tells the account's owner that someone entered their password and then
/// a wrong second factor, at the first such failure since the factor last
/// proved right: whoever it was knows the password.
pub async fn notify_wrong_factor(
    scope: &RequestScope,
    display_name: &str,
    email: &str,
) -> Result<(), ServerError> {
    let rendered = WrongFactorEmail {
        name: display_name,
        email,
        forgot_link: &scope.state.links.forgot_password(),
    }
    .render();
    outbox::enqueue(
        &scope.state.pool,
        None,
        None,
        outbox::KIND_TWO_FACTOR,
        email,
        &scope.state.links.seal(&rendered, email, None),
    )
    .await?;
    scope.state.outbox.wake();
    Ok(())
}

fn rate_limited(wait: Duration) -> ServerError {
    AppError::RateLimited {
        seconds: u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX),
    }
    .into()
}
