//! Who is signed in, and their home page: where a person without access
//! to the team lands after joining or signing in.

use super::actor::{authenticate, authenticate_for_setup, Actor};
use super::db::{memberships, organisations, sessions};
use super::error::ServerError;
use super::request::RequestScope;
use super::token::hash_token;
use super::{sign_in, two_factor};
use crate::domain::OrganisationId;
use crate::wire::choice::Choice;
use crate::wire::session::{Home, HomeShown, SessionUser, SignedIn};
use crate::wire::AppError;

/// Who is signed in, whether the two-factor policy shuts them out, and
/// where else they may switch to.
pub async fn signed_in(scope: &RequestScope, actor: Actor) -> Result<SignedIn, ServerError> {
    let organisations = organisations_of(scope, &actor).await?;
    Ok(SignedIn {
        must_set_up_factor: actor
            .require_factor_in_policy(scope.state.clock.now())
            .is_err(),
        organisations,
        user: session_user(actor),
    })
}

/// Every organisation where the person is enabled, this one included.
async fn organisations_of(
    scope: &RequestScope,
    actor: &Actor,
) -> Result<Vec<Choice<OrganisationId>>, ServerError> {
    Ok(
        memberships::enabled_organisations(&scope.state.pool, actor.account_id)
            .await?
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect(),
    )
}

/// Switches the signed-in person to another organisation of theirs (also
/// when the two-factor policy shuts them out here: it may not there). With
/// a second factor, through the factor step, and the current session stays
/// until it succeeds; without, a new session there at once, whose proof of
/// who they are is as old as this one's (a switch proves nothing). Lands
/// where signing in there lands.
pub async fn switch_organisation(
    scope: RequestScope,
    organisation: OrganisationId,
) -> Result<(), ServerError> {
    let actor = authenticate_for_setup(&scope).await?;
    let pool = &scope.state.pool;
    let target = memberships::sign_in_target(pool, actor.account_id, Some(organisation))
        .await?
        .ok_or(AppError::NotFound)?;
    if actor.has_factor {
        let after = two_factor::AfterFactor::Switch(organisation);
        return two_factor::begin_factor_step(&scope, actor.account_id, after).await;
    }
    let mut tx = pool.begin().await?;
    let token = sign_in::open_session(
        &mut tx,
        &scope,
        actor.account_id,
        &actor.display_name,
        organisation,
        actor.verified_at,
    )
    .await?;
    // A switch proves nothing: the new session ends when this one would.
    if let Some(old) = scope.cookie(scope.state.auth.session_cookie_name()) {
        sessions::inherit_expiry(&mut *tx, &token.hash(), &hash_token(&old)).await?;
    }
    tx.commit().await?;
    sign_in::set_session_cookie(&scope, &token);
    leptos_axum::redirect(&sign_in::landing(&target, None));
    Ok(())
}

/// What the browser may know about the signed-in person.
pub fn session_user(actor: Actor) -> SessionUser {
    // What they may do somewhere: the pages offer it, and the server
    // judges each request within their reach.
    let permissions = actor.holdings().anywhere().iter().collect();
    SessionUser {
        name: actor.display_name,
        email: actor.email,
        organisation_id: actor.organisation_id,
        organisation_name: actor.organisation_name,
        role: actor.role_name,
        permissions,
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
    let here = actor.organisation_id;
    let mut other_organisations = organisations_of(&scope, &actor).await?;
    other_organisations.retain(|o| o.id != here);
    Ok(Some(Home {
        two_factor_due: actor.two_factor_due.map(Into::into),
        shown: Some(HomeShown {
            user: session_user(actor),
            product_url,
            other_organisations,
        }),
    }))
}
