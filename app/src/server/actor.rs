//! Who is asking: the session behind a request, and what it may do.

use super::db::sessions;
use super::error::ServerError;
use super::request::{RequestMeta, RequestScope};
use super::token::hash_token;
use crate::domain::{
    AccountId, MembershipId, OrganisationId, Permission, PermissionSet, SessionId,
};
use crate::error::AppError;
use std::future::Future;

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
    pub permissions: PermissionSet,
    pub meta: RequestMeta,
}

impl Actor {
    /// Refuses unless the actor's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            tracing::info!(request_id = %self.meta.request_id, account = %self.account_id, ?permission, "permission refused");
            Err(AppError::Forbidden)
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

/// The actor behind the request's session cookie, or
/// [`AppError::Unauthenticated`].
pub async fn authenticate(scope: &RequestScope) -> Result<Actor, ServerError> {
    let settings = &scope.state.auth;
    let token = scope
        .cookie(settings.session_cookie_name())
        .ok_or(AppError::Unauthenticated)?;
    let found = sessions::find_actor(
        &scope.state.pool,
        &hash_token(&token),
        settings.session_idle,
    )
    .await?
    .ok_or(AppError::Unauthenticated)?;
    if chrono::Utc::now() - found.last_seen_at > chrono::Duration::seconds(60) {
        sessions::touch(&scope.state.pool, found.session_id).await?;
    }
    Ok(Actor {
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
        meta: scope.meta.clone(),
    })
}

/// Runs the body of a server function: gives it the request scope, turns
/// internal failures into an opaque error carrying the request id (logged
/// with the detail), and sets the HTTP status that matches the error.
pub async fn serve<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(RequestScope) -> Fut,
    Fut: Future<Output = Result<T, ServerError>>,
{
    let scope = match RequestScope::current() {
        Ok(scope) => scope,
        Err(e) => return Err(e.into_app_error("no-request")),
    };
    let request_id = scope.meta.request_id.clone();
    let result = body(scope).await.map_err(|e| e.into_app_error(&request_id));
    if let Err(error) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status()) {
                response.set_status(status);
            }
        }
    }
    result
}
