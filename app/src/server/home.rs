//! Who is signed in, and their home page: where a person without access
//! to the team lands after joining or signing in.

use super::actor::{authenticate, Actor};
use super::db::organisations;
use super::error::ServerError;
use super::request::RequestScope;
use crate::wire::session::{Home, SessionUser, SignedIn};
use crate::wire::AppError;

/// Who is signed in, and whether the two-factor policy shuts them out at
/// `now`.
pub fn signed_in(actor: Actor, now: chrono::DateTime<chrono::Utc>) -> SignedIn {
    SignedIn {
        must_set_up_factor: actor.require_factor_in_policy(now).is_err(),
        user: session_user(actor),
    }
}

/// What the browser may know about the signed-in person.
pub fn session_user(actor: Actor) -> SessionUser {
    SessionUser {
        name: actor.display_name,
        email: actor.email,
        organisation_id: actor.organisation_id,
        organisation_name: actor.organisation_name,
        role: actor.role_name,
        permissions: actor.permissions.iter().collect(),
    }
}

/// The home page of whoever is signed in; `None` when no one is.
pub async fn home(scope: RequestScope) -> Result<Option<Home>, ServerError> {
    let actor = match authenticate(&scope).await {
        Ok(actor) => actor,
        Err(ServerError::App(AppError::Unauthenticated)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let product_url = organisations::product_url(&scope.state.pool, actor.organisation_id).await?;
    Ok(Some(Home {
        two_factor_due: actor.two_factor_due.map(Into::into),
        user: session_user(actor),
        product_url,
    }))
}
