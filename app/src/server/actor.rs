//! Who is asking: the session behind a request, and what it may do.

use super::db::sessions;
use super::error::ServerError;
use super::request::{RequestMeta, RequestScope};
use super::token::hash_token;
use crate::domain::scope::{Holdings, Reach, SiteGrants};
use crate::domain::{
    AccountId, MembershipId, OrganisationId, Permission, PermissionSet, SessionId,
};
use crate::wire::AppError;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// A signed-in member of one organisation, re-read from the database on
/// every request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub session_id: SessionId,
    pub account_id: AccountId,
    pub display_name: String,
    pub email: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub membership_id: MembershipId,
    pub role_key: String,
    pub role_name: String,
    /// What they hold across the organisation.
    pub permissions: PermissionSet,
    /// What they hold at sites only.
    pub site_permissions: SiteGrants,
    /// When the session's holder last proved who they are (see
    /// [`Actor::require_recent_proof`]).
    pub verified_at: chrono::DateTime<chrono::Utc>,
    /// Whether that proof takes a second factor.
    pub has_factor: bool,
    /// When the organisation's two-factor policy wants their second
    /// factor by; `None` when it does not cover them or they have one.
    pub two_factor_due: Option<chrono::DateTime<chrono::Utc>>,
    pub meta: RequestMeta,
}

impl Actor {
    pub fn holdings(&self) -> Holdings<'_> {
        Holdings {
            organisation: &self.permissions,
            sites: &self.site_permissions,
        }
    }

    /// Where they may do what `permission` allows, or
    /// [`AppError::Forbidden`] when nowhere.
    pub fn require_reach(&self, permission: Permission) -> Result<Reach, AppError> {
        self.holdings().reach(permission).ok_or_else(|| {
            tracing::info!(request_id = %self.meta.request_id, account = %self.account_id, ?permission, "permission refused");
            AppError::Forbidden
        })
    }

    /// Refuses unless the actor holds `permission` across the organisation.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            tracing::info!(request_id = %self.meta.request_id, account = %self.account_id, ?permission, "permission refused");
            Err(AppError::Forbidden)
        }
    }

    /// Refuses, asking for a step-up, unless the session's holder proved
    /// who they are within the last 15 minutes (`domain::step_up`): what
    /// exports, deleting a member and changing a role ask, after every
    /// other check has passed.
    pub fn require_recent_proof(&self, now: chrono::DateTime<chrono::Utc>) -> Result<(), AppError> {
        if crate::domain::step_up::is_recent(self.verified_at, now) {
            Ok(())
        } else {
            Err(AppError::StepUpRequired {
                factor: self.has_factor,
            })
        }
    }

    /// Refuses with [`AppError::TwoFactorSetupRequired`] once the
    /// organisation's policy wants a second factor of them and their grace
    /// has ended.
    pub fn require_factor_in_policy(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        match self.two_factor_due {
            Some(due) if due <= now => Err(AppError::TwoFactorSetupRequired),
            _ => Ok(()),
        }
    }

    /// Refuses unless `organisation` is the one this session acts in. Every
    /// id a server function receives is checked against it.
    pub fn require_organisation(&self, organisation: OrganisationId) -> Result<(), AppError> {
        if self.organisation_id == organisation {
            Ok(())
        } else {
            tracing::warn!(request_id = %self.meta.request_id, account = %self.account_id, %organisation, "cross-organisation request refused");
            Err(AppError::Forbidden)
        }
    }
}

/// The request's answer to "who is asking", found at most once per
/// request. A server-rendered page calls several server functions in
/// process for one request (the page gate asks who is signed in, then the
/// page loads its data and its filter choices), and each would otherwise
/// read the session again. The cell lives in the request's extensions
/// (put there by the server's request middleware), so it never outlives
/// the request: every request, and so every server function called over
/// HTTP, reads the session and its permissions afresh.
#[derive(Clone, Default)]
pub struct RequestActor(Arc<OnceCell<Option<Actor>>>);

/// The actor behind the request's session cookie, or
/// [`AppError::Unauthenticated`]; [`AppError::TwoFactorSetupRequired`]
/// while the organisation's policy shuts them out for want of a second
/// factor.
pub async fn authenticate(scope: &RequestScope) -> Result<Actor, ServerError> {
    let actor = authenticate_for_setup(scope).await?;
    actor.require_factor_in_policy(scope.state.clock.now())?;
    Ok(actor)
}

/// [`authenticate`] that lets in, too, someone the two-factor policy
/// shuts out: only for what they need to get back in line (setting up a
/// factor, their profile, the session's own facts).
pub async fn authenticate_for_setup(scope: &RequestScope) -> Result<Actor, ServerError> {
    let found = match scope.parts.extensions.get::<RequestActor>() {
        Some(RequestActor(cell)) => cell
            .get_or_try_init(|| find_and_touch(scope))
            .await?
            .clone(),
        // A scope made outside the request middleware (tools, tests).
        None => find_and_touch(scope).await?,
    };
    found.ok_or(ServerError::App(AppError::Unauthenticated))
}

/// The session's actor, counting this request as the session's activity.
async fn find_and_touch(scope: &RequestScope) -> Result<Option<Actor>, ServerError> {
    let Some((actor, last_seen_at)) = find(scope).await? else {
        return Ok(None);
    };
    if chrono::Utc::now() - last_seen_at > chrono::Duration::seconds(60) {
        sessions::touch(&scope.state.pool, actor.session_id).await?;
    }
    Ok(Some(actor))
}

/// The actor behind the request's session cookie as they are now, without
/// counting it as activity, and never from the request's [`RequestActor`]
/// (whose answer is as old as the request): for a long-lived request (a live team stream)
/// that checks again that its session still holds. An open page is not a
/// person at work, so it must not hold the session's idle timeout off.
pub async fn recheck(scope: &RequestScope) -> Result<Option<Actor>, ServerError> {
    Ok(find(scope).await?.map(|(actor, _)| actor))
}

/// The session's actor, and when the session was last used.
async fn find(
    scope: &RequestScope,
) -> Result<Option<(Actor, chrono::DateTime<chrono::Utc>)>, ServerError> {
    let settings = &scope.state.auth;
    let Some(token) = scope.cookie(settings.session_cookie_name()) else {
        return Ok(None);
    };
    let found = sessions::find_actor(
        &scope.state.pool,
        &hash_token(&token),
        settings.session_idle,
    )
    .await?;
    Ok(found.map(|found| {
        let actor = Actor {
            session_id: found.session_id,
            account_id: found.account_id,
            display_name: found.display_name,
            email: found.email,
            organisation_id: found.organisation_id,
            organisation_name: found.organisation_name,
            membership_id: found.membership_id,
            role_key: found.role_key,
            role_name: found.role_name,
            permissions: PermissionSet::from_keys(&found.permissions),
            site_permissions: SiteGrants::from_entries(&found.site_permissions),
            verified_at: found.verified_at,
            has_factor: found.has_factor,
            two_factor_due: found.two_factor_due,
            meta: scope.meta.clone(),
        };
        (actor, found.last_seen_at)
    }))
}
