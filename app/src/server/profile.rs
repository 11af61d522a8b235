//! A person's own profile, behind the profile server functions and the picture
//! routes. Everything acts on the session's own account: the only
//! permission needed is being signed in.

use super::actor::{authenticate_for_setup, Actor};
use super::avatar;
use super::db::audit::{self, AuditEvent};
use super::db::team_events::{self, TeamNotice};
use super::db::{
    accounts, avatars, memberships, organisations, outbox, sessions, sign_in_attempts,
};
use super::email_templates::{PasswordChangedBy, PasswordChangedEmail};
use super::error::ServerError;
use super::password_strength;
use super::request::RequestScope;
use super::sign_in;
use super::token::{hash_token, SecretToken};
use crate::domain::audit::AuditAction;
use crate::domain::avatar::{avatar_path, AvatarProblem};
use crate::domain::person::{PersonName, PhoneNumber, Position};
use crate::domain::{AccountId, MembershipId, Permission};
use crate::wire::password::PasswordHint;
use crate::wire::profile::{OwnProfile, PasswordChanged};
use crate::wire::AppError;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

pub async fn load(scope: RequestScope) -> Result<OwnProfile, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let pool = &scope.state.pool;
    let profile = accounts::own_profile(pool, actor.account_id, actor.membership_id).await?;
    Ok(OwnProfile {
        name: profile.display_name,
        email: profile.email,
        position: profile.position,
        phone: profile.phone,
        time_zone: profile.time_zone,
        time_zones: organisations::time_zones(pool).await?,
        avatar: profile
            .avatar_version
            .map(|v| avatar_path(actor.membership_id, v)),
        two_factor: super::two_factor::status_of(pool, actor.account_id).await?,
        two_factor_due: actor.two_factor_due,
        organisation_name: actor.organisation_name,
    })
}

/// The profile form, as typed.
pub struct ProfileForm {
    pub name: String,
    pub position: String,
    pub phone: String,
    pub time_zone: String,
}

pub async fn save(scope: RequestScope, form: ProfileForm) -> Result<(), ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let pool = &scope.state.pool;
    let name =
        PersonName::parse(&form.name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let position = Position::parse_optional(&form.position)
        .map_err(|e| AppError::invalid("position", e.to_string()))?;
    let phone = PhoneNumber::parse_optional(&form.phone)
        .map_err(|e| AppError::invalid("phone", e.to_string()))?;
    let time_zone = form.time_zone.trim();
    if !organisations::is_known_time_zone(pool, time_zone).await? {
        return Err(AppError::invalid("time_zone", "Choose a time zone from the list.").into());
    }

    let mut tx = pool.begin().await?;
    accounts::lock(&mut *tx, actor.account_id).await?;
    let before = accounts::own_profile(&mut *tx, actor.account_id, actor.membership_id).await?;
    let phone = phone.as_ref().map(PhoneNumber::as_str);
    let position = position.as_ref().map(Position::as_str);
    accounts::update_profile(&mut *tx, actor.account_id, name.as_str(), phone, time_zone).await?;
    memberships::set_position(&mut *tx, actor.membership_id, position).await?;
    let event = AuditEvent::new(AuditAction::ProfileUpdated)
        .in_organisation(actor.organisation_id)
        .by(actor.account_id, name.as_str())
        .on_account(Some(actor.account_id), name.as_str())
        .with_change(
            Some(json!({
                "name": before.display_name,
                "position": before.position,
                "phone": before.phone,
                "time_zone": before.time_zone,
            })),
            Some(json!({
                "name": name.as_str(),
                "position": position,
                "phone": phone,
                "time_zone": time_zone,
            })),
        );
    audit::record(&mut *tx, &scope.meta, event).await?;
    announce(&mut tx, actor.account_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Tells every organisation the person belongs to that their row changed
/// (their name or picture shows in each one's team table).
pub(super) async fn announce(
    tx: &mut Transaction<'_, Postgres>,
    account: AccountId,
) -> Result<(), ServerError> {
    let notices: Vec<TeamNotice> = memberships::of_account(&mut **tx, account)
        .await?
        .into_iter()
        .map(|(org, membership)| TeamNotice::member(org, membership))
        .collect();
    team_events::notify(&mut **tx, &notices).await?;
    Ok(())
}

/// The change-password form, as typed.
pub struct PasswordForm {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
}

/// What an attacker would know about the person: their words may not be
/// in the new password.
fn password_context(actor: &Actor) -> [&str; 3] {
    [&actor.email, &actor.display_name, &actor.organisation_name]
}

pub async fn change_password(
    scope: RequestScope,
    form: PasswordForm,
) -> Result<PasswordChanged, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    sign_in::confirm_own_password(&scope, &actor, form.current_password).await?;
    let hash = password_strength::hash_new_password(
        &scope.state.hasher,
        form.password,
        &form.password_confirm,
        &password_context(&actor),
    )
    .await?;

    let mut tx = scope.state.pool.begin().await?;
    accounts::lock(&mut *tx, actor.account_id).await?;
    accounts::set_password(&mut *tx, actor.account_id, &hash).await?;
    let ended =
        sessions::revoke_all(&mut *tx, actor.account_id, None, Some(actor.session_id)).await?;
    // This browser's session goes on under a new token: one that may have
    // leaked with the old password does not.
    let token = SecretToken::generate();
    sessions::replace_token(&mut *tx, actor.session_id, &token.hash()).await?;
    // Only this browser stays known to the account (see `known_devices`).
    let this_browser = scope
        .cookie(scope.state.auth.device_cookie_name())
        .map(|device| hash_token(&device));
    sign_in_attempts::forget_devices(&mut *tx, actor.account_id, this_browser.as_deref()).await?;
    // A security event for every organisation the account belongs to: each
    // one's sessions of it ended.
    let event = AuditEvent::new(AuditAction::PasswordChanged)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(actor.account_id), &actor.display_name)
        .with_change(None, Some(json!({ "other_sessions_ended": ended })));
    audit::record_for_account(&mut *tx, &scope.meta, Some(actor.account_id), event).await?;
    let notice = accounts::notice_context(&mut *tx, actor.account_id).await?;
    let forgot_link = scope.state.links.forgot_password();
    let rendered = PasswordChangedEmail {
        by: PasswordChangedBy::ProfilePage,
        memberships_ended: &[],
        name: &notice.display_name,
        email: &notice.email,
        changed_at: notice.now,
        changed_local: &notice.now_local,
        time_zone: &notice.time_zone,
        forgot_link: &forgot_link,
    }
    .render();
    outbox::enqueue(
        &mut *tx,
        Some(actor.organisation_id),
        None,
        outbox::KIND_PASSWORD_CHANGED,
        &notice.email,
        &scope.state.links.seal(&rendered, &notice.email, None),
    )
    .await?;
    tx.commit().await?;
    sign_in::set_session_cookie(&scope, &token);
    scope.state.outbox.wake();
    tracing::info!(request_id = %scope.meta.request_id, account = %actor.account_id, ended, "password changed");
    Ok(PasswordChanged {
        other_sessions_ended: ended,
    })
}

pub async fn password_hint(
    scope: RequestScope,
    password: String,
) -> Result<PasswordHint, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    Ok(password_strength::hint(
        &password,
        &password_context(&actor),
    ))
}

/// Decoding is the costliest thing a request can ask for (up to a few
/// hundred megabytes and a second of CPU): one picture at a time per
/// process, the others wait their turn.
static DECODING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1));

/// Stores `upload` as the person's picture, replacing any other. A picture
/// that can't be taken is the inner error, for the message beside the file
/// field.
pub async fn save_avatar(
    scope: RequestScope,
    upload: Vec<u8>,
) -> Result<Result<(), AvatarProblem>, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let stored = {
        let _turn = DECODING
            .acquire()
            .await
            .map_err(|e| ServerError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(move || avatar::process(&upload))
            .await
            .map_err(|e| ServerError::Task(e.to_string()))?
    };
    let stored = match stored {
        Ok(stored) => stored,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut tx = scope.state.pool.begin().await?;
    avatars::put(&mut *tx, actor.account_id, &stored).await?;
    // The picture shows in every organisation the person belongs to.
    let event = AuditEvent::new(AuditAction::AvatarUpdated)
        .by(actor.account_id, &actor.display_name)
        .on_account(Some(actor.account_id), &actor.display_name)
        .with_change(None, Some(json!({ "bytes": stored.len() })));
    audit::record_for_account(&mut *tx, &scope.meta, Some(actor.account_id), event).await?;
    announce(&mut tx, actor.account_id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub async fn remove_avatar(scope: RequestScope) -> Result<(), ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    if avatars::remove(&mut *tx, actor.account_id).await? {
        let event = AuditEvent::new(AuditAction::AvatarRemoved)
            .by(actor.account_id, &actor.display_name)
            .on_account(Some(actor.account_id), &actor.display_name);
        audit::record_for_account(&mut *tx, &scope.meta, Some(actor.account_id), event).await?;
        announce(&mut tx, actor.account_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The picture of the person behind `membership`, for people of the same
/// organisation (the membership must be the session's organisation's).
pub async fn avatar_image(
    scope: RequestScope,
    membership: MembershipId,
) -> Result<Vec<u8>, ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let pool = &scope.state.pool;
    // Their own, and those of the people they may see: a site manager's
    // sites' people; anyone else's picture is as unknown as a wrong id.
    if membership != actor.membership_id {
        let within = actor
            .holdings()
            .reach(Permission::ViewTeam)
            .ok_or(AppError::NotFound)?
            .sites();
        if let Some(sites) = within {
            if !super::db::sites::member_at_any(pool, membership, &sites).await? {
                return Err(AppError::NotFound.into());
            }
        }
    }
    avatars::for_member(pool, actor.organisation_id, membership)
        .await?
        .ok_or_else(|| AppError::NotFound.into())
}
