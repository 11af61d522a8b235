//! Two-factor sign-in: setting up an authenticator app on one's profile,
//! recovery codes, and the factor step between the password and the
//! session.
//!
//! What the browser holds between the right password and the factor is a
//! pending token (256 bits, 5 minutes, stored as a hash) that opens nothing
//! but that step. Wrong codes are counted apart from wrong passwords, per
//! attempter and per account, under a hard ceiling (`credential_limits`),
//! and each code's 30-second
//! step is recorded in the same statement that accepts it, so a code works
//! once however many requests carry it.

use super::actor::{authenticate, authenticate_for_setup, Actor};
use super::credential_limits::{self, Attempter};
use super::db::audit::{self, AuditEvent};
use super::db::{accounts, credential_failures, memberships, outbox, sessions, two_factor as db};
use super::email_templates::{TwoFactorChange, TwoFactorChangedEmail};
use super::error::ServerError;
use super::request::RequestScope;
use super::sealing::Unsealable;
use super::session::pending_sign_in_cookie;
use super::sign_in::{self, CompletedSignIn};
use super::state::Links;
use super::token::{hash_token, SecretToken};
use super::totp::{self, TotpSecret};
use crate::domain::audit::AuditAction;
use crate::domain::next_path::safe_next_path;
use crate::domain::{AccountId, OrganisationId};
use crate::wire::two_factor::{
    AuthenticatorFacts, AuthenticatorSetup, RecoveryCodes, TwoFactorStatus,
};
use crate::wire::AppError;
use chrono::Duration;
use data_encoding::BASE32_NOPAD;
use rand::RngCore as _;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use sqlx::{Postgres, Transaction};

/// Where the factor step is asked for.
pub const FACTOR_STEP_PATH: &str = "/login/two-factor";
/// How long a sign-in may wait between its password and its factor.
pub const PENDING_MINUTES: i64 = 5;
/// How long a setup may wait for its first code.
const SETUP_MINUTES: i64 = 15;
const RECOVERY_CODE_COUNT: usize = 10;
/// 80 bits each: 16 base32 characters.
const RECOVERY_CODE_BYTES: usize = 10;
/// The name authenticator apps list the account under.
const ISSUER: &str = "Roster";

/// What a person offers as their second factor.
#[derive(Debug, Clone, Copy)]
pub enum Factor<'a> {
    /// Six digits from the authenticator app.
    Code(&'a str),
    /// One of the recovery codes.
    RecoveryCode(&'a str),
}

impl Factor<'_> {
    /// The form field its message shows beside.
    fn field(self) -> &'static str {
        match self {
            Self::Code(_) => "code",
            Self::RecoveryCode(_) => "recovery_code",
        }
    }

    fn refusal(self) -> AppError {
        match self {
            Self::Code(code) if code.trim().is_empty() => {
                AppError::invalid("code", "Enter the 6-digit code from your authenticator app.")
            }
            Self::Code(_) => AppError::invalid(
                "code",
                "That code is not right, or was already used. Enter the code your authenticator app shows now.",
            ),
            Self::RecoveryCode(code) if code.trim().is_empty() => {
                AppError::invalid("recovery_code", "Enter one of your recovery codes.")
            }
            Self::RecoveryCode(_) => AppError::invalid(
                "recovery_code",
                "That is not one of your recovery codes, or it was already used.",
            ),
        }
    }
}

/// Which factor proved right.
pub(super) enum UsedFactor {
    Authenticator,
    RecoveryCode { left: i64 },
}

/// The recovery codes as shown (`abcd-efgh-ijkl-mnop`) and their hashes.
fn new_recovery_codes() -> (Vec<String>, Vec<Vec<u8>>) {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_BYTES];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let plain = BASE32_NOPAD.encode(&bytes);
            let hash = recovery_code_hash(&plain);
            let shown = plain
                .to_lowercase()
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-");
            (shown, hash)
        })
        .unzip()
}

/// A typed recovery code as stored: without spaces and dashes, in capitals.
fn normalize_recovery_code(typed: &str) -> Option<String> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (plain.len() == 16 && BASE32_NOPAD.decode(plain.as_bytes()).is_ok()).then_some(plain)
}

/// SHA-256 suffices: each code has 80 random bits.
fn recovery_code_hash(normalized: &str) -> Vec<u8> {
    Sha256::digest(normalized.as_bytes()).to_vec()
}

fn unsealable(e: Unsealable) -> ServerError {
    ServerError::Sealing(e.to_string())
}

/// Checks `factor` for `account` in `tx`: the code's step or the recovery
/// code is used only if `tx` commits. `None` when it is not right.
async fn verify(
    scope: &RequestScope,
    tx: &mut Transaction<'_, Postgres>,
    account: AccountId,
    factor: Factor<'_>,
) -> Result<Option<UsedFactor>, ServerError> {
    let now = scope.state.clock.now();
    match factor {
        Factor::Code(code) => {
            let Some(found) = db::find(&mut **tx, account).await? else {
                return Ok(None);
            };
            if found.confirmed_at.is_none() {
                return Ok(None);
            }
            let secret = open_secret(scope, account, &found.secret_sealed)?;
            let Some(step) = secret.matching_step(code, now) else {
                return Ok(None);
            };
            // Refused when this step or a later one was used: a replay.
            Ok(db::use_step(&mut **tx, account, step, now)
                .await?
                .then_some(UsedFactor::Authenticator))
        }
        Factor::RecoveryCode(typed) => {
            let Some(plain) = normalize_recovery_code(typed) else {
                return Ok(None);
            };
            let left =
                db::use_recovery_code(&mut **tx, account, &recovery_code_hash(&plain), now).await?;
            Ok(left.map(|left| UsedFactor::RecoveryCode { left }))
        }
    }
}

fn open_secret(
    scope: &RequestScope,
    account: AccountId,
    sealed: &[u8],
) -> Result<TotpSecret, ServerError> {
    let bytes = scope
        .state
        .sealing
        .open(sealed, account.0.as_bytes())
        .map_err(unsealable)?;
    TotpSecret::from_bytes(&bytes).ok_or_else(|| unsealable(Unsealable))
}

/// [`verify`] under the sign-in delays: counted as a failure first (so
/// that guesses in parallel wait like guesses in a row), taken back when
/// right. A wrong factor is audited as a failed sign-in and refused beside
/// its field.
async fn verify_counted(
    scope: &RequestScope,
    tx: &mut Transaction<'_, Postgres>,
    who: (AccountId, &str, &str),
    attempter: Attempter<'_>,
    factor: Factor<'_>,
) -> Result<UsedFactor, ServerError> {
    let (account, display_name, email_lower) = who;
    // Counted apart from the sign-in's wrong passwords, which anyone can
    // make: only whoever passed the password (or holds a session) can slow
    // this step (`credential_limits`).
    let attempt = credential_limits::count_factor_check(
        scope,
        account,
        email_lower,
        attempter,
        factor.field(),
    )
    .await?;
    match verify(scope, tx, account, factor).await? {
        Some(used) => {
            credential_limits::factor_succeeded(scope, account).await?;
            Ok(used)
        }
        None => {
            let event = AuditEvent::new(AuditAction::SignInFailed)
                .on_account(Some(account), display_name)
                .with_change(None, Some(json!({ "second_factor": true })));
            audit::record_for_account(&scope.state.pool, &scope.meta, Some(account), event).await?;
            if attempt.first_factor_failure {
                credential_limits::notify_wrong_factor(scope, display_name, email_lower).await?;
            }
            Err(factor.refusal().into())
        }
    }
}

/// Queues the notice of `change` to the account's owner, in `tx`.
async fn notify(
    tx: &mut Transaction<'_, Postgres>,
    links: &Links,
    account: AccountId,
    change: TwoFactorChange,
) -> Result<(), ServerError> {
    let notice = accounts::notice_context(&mut **tx, account).await?;
    let rendered = TwoFactorChangedEmail {
        change,
        name: &notice.display_name,
        email: &notice.email,
        at: notice.now,
        at_local: &notice.now_local,
        time_zone: &notice.time_zone,
        forgot_link: &links.forgot_password(),
    }
    .render();
    outbox::enqueue(
        &mut **tx,
        None,
        None,
        outbox::KIND_TWO_FACTOR,
        &notice.email,
        &links.seal(&rendered, &notice.email, None),
    )
    .await?;
    Ok(())
}

/// A change the actor made to their own second factor: audited in every
/// organisation of the account, the notice to them queued, and every other
/// session of the account ended (one opened before the change, perhaps by
/// someone else, must not outlive it). This session goes on under a new
/// token, returned for the caller to send once `tx` commits.
async fn record_own_change(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    actor: &Actor,
    action: AuditAction,
    change: TwoFactorChange,
) -> Result<SecretToken, ServerError> {
    let event = AuditEvent::new(action)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(actor.account_id), &actor.display_name);
    audit::record_for_account(&mut **tx, &scope.meta, Some(actor.account_id), event).await?;
    notify(tx, &scope.state.links, actor.account_id, change).await?;
    sessions::revoke_all(&mut **tx, actor.account_id, None, Some(actor.session_id)).await?;
    let token = SecretToken::generate();
    sessions::replace_token(&mut **tx, actor.session_id, &token.hash()).await?;
    Ok(token)
}

/// The signed-in person's second factor.
pub async fn status(scope: RequestScope) -> Result<TwoFactorStatus, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    status_of(&scope.state.pool, actor.account_id).await
}

/// An account's second factor, for its owner's eyes (never a secret).
pub async fn status_of(
    pool: &sqlx::PgPool,
    account: AccountId,
) -> Result<TwoFactorStatus, ServerError> {
    let authenticator = db::find(pool, account).await?.and_then(|f| {
        f.confirmed_at.map(|added| AuthenticatorFacts {
            added: added.into(),
            last_used: f.last_used_at.map(Into::into),
        })
    });
    let left = db::recovery_codes_left(pool, account).await?;
    Ok(TwoFactorStatus {
        authenticator,
        recovery_codes_left: u32::try_from(left).unwrap_or(0),
    })
}

/// Starts setting up an authenticator app, after the password: a new
/// secret, kept sealed on the server and shown this once.
pub async fn start_setup(
    scope: RequestScope,
    password: String,
) -> Result<AuthenticatorSetup, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    sign_in::confirm_own_password(&scope, &actor, password).await?;
    let secret = TotpSecret::generate();
    let sealed = scope
        .state
        .sealing
        .seal(secret.expose(), actor.account_id.0.as_bytes());
    let started = db::start_setup(
        &scope.state.pool,
        actor.account_id,
        &sealed,
        scope.state.clock.now(),
    )
    .await?;
    if !started {
        return Err(AppError::invalid(
            "current_password",
            "You already have an authenticator app. Remove it first to set up another.",
        )
        .into());
    }
    let uri = secret.otpauth_uri(ISSUER, &actor.email);
    Ok(AuthenticatorSetup {
        qr_svg: totp::qr_svg(&uri),
        secret_text: secret.text(),
    })
}

/// Confirms the setup with a code from the app: two-factor sign-in is on,
/// and the person gets their recovery codes, this once.
pub async fn confirm_setup(
    scope: RequestScope,
    code: String,
) -> Result<RecoveryCodes, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let now = scope.state.clock.now();
    let pool = &scope.state.pool;
    let setup = db::find(pool, actor.account_id)
        .await?
        .filter(|f| f.confirmed_at.is_none())
        .filter(|f| f.created_at >= now - Duration::minutes(SETUP_MINUTES));
    let Some(setup) = setup else {
        return Err(AppError::invalid(
            "code",
            "This setup has expired. Start again: enter your password for a new QR code.",
        )
        .into());
    };
    let secret = open_secret(&scope, actor.account_id, &setup.secret_sealed)?;
    let email_lower = actor.email.to_lowercase();
    if code.trim().is_empty() {
        return Err(Factor::Code(&code).refusal().into());
    }
    credential_limits::count_factor_check(
        &scope,
        actor.account_id,
        &email_lower,
        Attempter::Session(actor.session_id),
        "code",
    )
    .await?;
    let Some(step) = secret.matching_step(&code, now) else {
        return Err(AppError::invalid(
            "code",
            "That code is not right. Check that your phone's time is set automatically, then enter the code your app shows now.",
        )
        .into());
    };
    credential_limits::factor_succeeded(&scope, actor.account_id).await?;
    let (codes, hashes) = new_recovery_codes();
    let mut tx = pool.begin().await?;
    if !db::confirm(&mut *tx, actor.account_id, step, setup.created_at, now).await? {
        return Err(AppError::invalid("code", "This setup has changed. Start again.").into());
    }
    db::replace_recovery_codes(&mut *tx, actor.account_id, &hashes).await?;
    let token = record_own_change(
        &mut tx,
        &scope,
        &actor,
        AuditAction::TwoFactorAdded,
        TwoFactorChange::Added,
    )
    .await?;
    super::profile::announce(&mut tx, actor.account_id).await?;
    tx.commit().await?;
    sign_in::set_session_cookie(&scope, &token);
    scope.state.outbox.wake();
    Ok(RecoveryCodes { codes })
}

/// The password and a current factor, as removing a factor and making new
/// recovery codes ask.
pub struct FactorProof {
    pub current_password: String,
    pub code: String,
    /// A recovery code, for someone who lost the app.
    pub recovery_code: String,
}

impl FactorProof {
    /// As the form sends it: the fields left empty may be missing.
    pub fn new(
        current_password: String,
        code: Option<String>,
        recovery_code: Option<String>,
    ) -> Self {
        Self {
            current_password,
            code: code.unwrap_or_default(),
            recovery_code: recovery_code.unwrap_or_default(),
        }
    }

    fn factor(&self) -> Factor<'_> {
        if self.code.trim().is_empty() && !self.recovery_code.trim().is_empty() {
            Factor::RecoveryCode(&self.recovery_code)
        } else {
            Factor::Code(&self.code)
        }
    }
}

/// Checks the password, then (in `tx`) the factor.
pub(super) async fn prove(
    scope: &RequestScope,
    tx: &mut Transaction<'_, Postgres>,
    actor: &Actor,
    proof: FactorProof,
) -> Result<UsedFactor, ServerError> {
    let factor = proof.factor();
    if !db::is_enabled(&mut **tx, actor.account_id).await? {
        return Err(AppError::invalid("code", "Two-factor sign-in is not set up.").into());
    }
    sign_in::confirm_own_password(scope, actor, proof.current_password.clone()).await?;
    let email_lower = actor.email.to_lowercase();
    verify_counted(
        scope,
        tx,
        (actor.account_id, &actor.display_name, &email_lower),
        Attempter::Session(actor.session_id),
        factor,
    )
    .await
}

/// When `used` was a recovery code: audits it and emails its owner a
/// notice (with how many are left), in `tx`.
pub(super) async fn record_recovery_code_use(
    tx: &mut Transaction<'_, Postgres>,
    scope: &RequestScope,
    (account, display_name): (AccountId, &str),
    used: UsedFactor,
) -> Result<(), ServerError> {
    if let UsedFactor::RecoveryCode { left } = used {
        let event = AuditEvent::new(AuditAction::RecoveryCodeUsed)
            .by(account, display_name)
            .on_account(Some(account), display_name)
            .with_change(None, Some(json!({ "recovery_codes_left": left })));
        audit::record_for_account(&mut **tx, &scope.meta, Some(account), event).await?;
        notify(
            tx,
            &scope.state.links,
            account,
            TwoFactorChange::RecoveryCodeUsed { left },
        )
        .await?;
    }
    Ok(())
}

/// Removes the authenticator app and the recovery codes: signing in takes
/// the password alone again.
pub async fn remove(scope: RequestScope, proof: FactorProof) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    prove(&scope, &mut tx, &actor, proof).await?;
    db::remove(&mut *tx, actor.account_id).await?;
    let token = record_own_change(
        &mut tx,
        &scope,
        &actor,
        AuditAction::TwoFactorRemoved,
        TwoFactorChange::Removed,
    )
    .await?;
    super::profile::announce(&mut tx, actor.account_id).await?;
    tx.commit().await?;
    sign_in::set_session_cookie(&scope, &token);
    scope.state.outbox.wake();
    Ok(())
}

/// Ten new recovery codes in place of the old ones, shown this once.
pub async fn regenerate_recovery_codes(
    scope: RequestScope,
    proof: FactorProof,
) -> Result<RecoveryCodes, ServerError> {
    let actor = authenticate(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    prove(&scope, &mut tx, &actor, proof).await?;
    let (codes, hashes) = new_recovery_codes();
    db::replace_recovery_codes(&mut *tx, actor.account_id, &hashes).await?;
    let token = record_own_change(
        &mut tx,
        &scope,
        &actor,
        AuditAction::RecoveryCodesRegenerated,
        TwoFactorChange::RecoveryCodesRegenerated,
    )
    .await?;
    tx.commit().await?;
    sign_in::set_session_cookie(&scope, &token);
    scope.state.outbox.wake();
    Ok(RecoveryCodes { codes })
}

/// What the operator's reset did.
#[derive(Debug, PartialEq, Eq)]
pub struct OperatorReset {
    pub name: String,
    pub sessions_ended: u64,
}

/// `roster account reset-two-factor EMAIL`: removes the account's
/// authenticator and recovery codes for someone who lost both, ends every
/// session of the account, tells them by email, and records it in every
/// organisation of the account. For the operator, who (unlike any one
/// organisation's admin) may act on an account that belongs to several.
pub async fn operator_reset(
    pool: &sqlx::PgPool,
    links: &Links,
    email: &str,
) -> Result<OperatorReset, ServerError> {
    let meta = super::request::RequestMeta::internal("reset-two-factor");
    let not_found = || AppError::invalid("email", format!("No account has the email {email}."));
    let account = accounts::find_credentials(pool, email.trim())
        .await?
        .ok_or_else(not_found)?;
    let mut tx = pool.begin().await?;
    accounts::lock(&mut *tx, account.id).await?;
    let sessions_ended = reset(
        &mut tx,
        &meta,
        links,
        account.id,
        &account.display_name,
        None,
    )
    .await?
    .ok_or_else(|| AppError::invalid("email", format!("{email} has no second factor to reset.")))?;
    tx.commit().await?;
    Ok(OperatorReset {
        name: account.display_name,
        sessions_ended,
    })
}

/// Removes `account`'s authenticator and recovery codes for someone who
/// lost both, in `tx`: every session of the account ends, its owner is
/// told by email, and it is audited in every organisation of the account,
/// as done `by` an admin or (with `None`) the operator. `None` when the
/// account had no factor, and then nothing changed.
pub(super) async fn reset(
    tx: &mut Transaction<'_, Postgres>,
    meta: &super::request::RequestMeta,
    links: &Links,
    account: AccountId,
    name: &str,
    by: Option<&Actor>,
) -> Result<Option<u64>, ServerError> {
    if !db::remove(&mut **tx, account).await? {
        return Ok(None);
    }
    // A new factor starts with no failures against it.
    credential_failures::clear_factor_failures(&mut **tx, account).await?;
    let sessions_ended = super::db::sessions::revoke_all(&mut **tx, account, None, None).await?;
    let mut event = AuditEvent::new(AuditAction::TwoFactorReset).on_account(Some(account), name);
    if let Some(actor) = by {
        event = event.by(actor.account_id, &actor.display_name);
    }
    let event = event.with_change(
        None,
        Some(json!({
            "by": if by.is_some() { "admin" } else { "operator" },
            "sessions_ended": sessions_ended,
        })),
    );
    audit::record_for_account(&mut **tx, meta, Some(account), event).await?;
    notify(tx, links, account, TwoFactorChange::Reset).await?;
    // Each organisation's team table shows the change.
    super::profile::announce(tx, account).await?;
    Ok(Some(sessions_ended))
}

/// What the factor step completes.
pub enum AfterFactor<'a> {
    /// A sign-in, on to `next` (a path on this site) or the usual landing.
    SignIn { next: Option<String> },
    /// Accepting the invitation with this token hash, with an existing
    /// account; the invitation stays untouched until then.
    AcceptInvitation(&'a [u8]),
    /// Switching a signed-in person to another of their organisations.
    Switch(OrganisationId),
}

/// After the right password of an account with a second factor (or, for
/// a switch, a session of it): a pending token in a cookie, and on to the
/// factor step, which completes `after`.
pub async fn begin_factor_step(
    scope: &RequestScope,
    account: AccountId,
    after: AfterFactor<'_>,
) -> Result<(), ServerError> {
    let token = SecretToken::generate();
    let now = scope.state.clock.now();
    let (next, invitation, organisation) = match after {
        AfterFactor::SignIn { next } => (next, None, None),
        AfterFactor::AcceptInvitation(hash) => (None, Some(hash), None),
        AfterFactor::Switch(org) => (None, None, Some(org)),
    };
    db::insert_pending(
        &scope.state.pool,
        db::NewPendingSignIn {
            token_hash: &token.hash(),
            account,
            next_path: next.as_deref().and_then(safe_next_path),
            invitation_token_hash: invitation,
            organisation,
            now,
            expires_at: now + Duration::minutes(PENDING_MINUTES),
        },
    )
    .await?;
    let settings = &scope.state.auth;
    let max_age = u64::try_from(PENDING_MINUTES * 60).unwrap_or(300);
    sign_in::set_cookie(&pending_sign_in_cookie(settings, token.expose(), max_age));
    leptos_axum::redirect(FACTOR_STEP_PATH);
    Ok(())
}

/// The factor step: with the pending token's cookie and a right factor,
/// the session opens (in the same transaction that uses the token and the
/// code, so of two requests with them one signs in).
pub async fn finish_factor_step(
    scope: RequestScope,
    factor: Factor<'_>,
) -> Result<(), ServerError> {
    let settings = scope.state.auth.clone();
    let expired = || {
        AppError::invalid(
            factor.field(),
            "This sign-in timed out or was already used. Sign in again with your password.",
        )
    };
    let Some(token) = scope.cookie(settings.pending_sign_in_cookie_name()) else {
        return Err(expired().into());
    };
    let token_hash = hash_token(&token);
    let now = scope.state.clock.now();
    let pool = &scope.state.pool;
    let Some(pending) = db::find_pending(pool, &token_hash, now).await? else {
        return Err(expired().into());
    };
    let email_lower = pending.email.to_lowercase();
    let mut tx = pool.begin().await?;
    // Locks the pending row first: a second request with this token waits
    // here, then finds it used.
    if !db::use_pending(&mut *tx, &token_hash, now).await? {
        return Err(expired().into());
    }
    let used = verify_counted(
        &scope,
        &mut tx,
        (pending.account_id, &pending.display_name, &email_lower),
        Attempter::PendingSignIn(&token_hash),
        factor,
    )
    .await?;
    let Some(target) =
        memberships::sign_in_target(&mut *tx, pending.account_id, pending.organisation_id).await?
    else {
        return Err(AppError::AccessDisabled.into());
    };
    record_recovery_code_use(
        &mut tx,
        &scope,
        (pending.account_id, &pending.display_name),
        used,
    )
    .await?;
    if let Some(invitation) = &pending.invitation_token_hash {
        // The person proved the account with both factors: join, sign in
        // and commit, as accepting without a factor does.
        super::invitations::accept_after_factor(
            tx,
            &scope,
            invitation,
            pending.account_id,
            &pending.display_name,
        )
        .await?;
        sign_in::set_cookie(&pending_sign_in_cookie(&settings, "", 0));
        scope.state.outbox.wake();
        return Ok(());
    }
    let landing = sign_in::complete(
        &mut tx,
        &scope,
        CompletedSignIn {
            account: pending.account_id,
            display_name: &pending.display_name,
            email_lower: &email_lower,
            target: &target,
            next: pending.next_path.as_deref(),
        },
    )
    .await?;
    tx.commit().await?;
    sign_in::set_cookie(&pending_sign_in_cookie(&settings, "", 0));
    scope.state.outbox.wake();
    leptos_axum::redirect(&landing);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_of_80_bits_and_forgiving_to_type() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(hashes.len(), 10);
        for (code, hash) in codes.iter().zip(&hashes) {
            assert_eq!(code.len(), 19, "{code}");
            let plain = normalize_recovery_code(code).unwrap();
            assert_eq!(BASE32_NOPAD.decode(plain.as_bytes()).unwrap().len(), 10);
            assert_eq!(&recovery_code_hash(&plain), hash);
            let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
            assert_eq!(
                normalize_recovery_code(&typed).as_deref(),
                Some(plain.as_str())
            );
        }
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        for bad in [
            "",
            "abcd-efgh",
            "abcd-efgh-ijkl-mno1",
            "abcd-efgh-ijkl-mnopq",
        ] {
            assert_eq!(normalize_recovery_code(bad), None, "{bad}");
        }
    }
}
