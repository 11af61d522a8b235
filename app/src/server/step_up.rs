//! Confirming who one is within a session, for the actions that ask a
//! recent proof (`domain::step_up`, [`Actor::require_recent_proof`]).

use super::actor::{authenticate, Actor};
use super::db::sessions;
use super::error::ServerError;
use super::request::RequestScope;
use super::sign_in::confirm_own_password;
use super::two_factor::{prove, record_recovery_code_use, FactorProof};

/// The password again, and with a second factor a current code (or a
/// recovery code): the same proof, under the same limits and failure
/// counting, as changing the factor itself. The session then counts as
/// proven for the next 15 minutes.
pub async fn step_up(scope: RequestScope, proof: FactorProof) -> Result<(), ServerError> {
    let actor = authenticate(&scope).await?;
    let mut tx = scope.state.pool.begin().await?;
    if actor.has_factor {
        let used = prove(&scope, &mut tx, &actor, proof).await?;
        record_recovery_code_use(
            &mut tx,
            &scope,
            (actor.account_id, &actor.display_name),
            used,
        )
        .await?;
    } else {
        confirm_own_password(&scope, &actor, proof.current_password).await?;
    }
    sessions::mark_verified(&mut *tx, actor.session_id, scope.state.clock.now()).await?;
    tx.commit().await?;
    scope.state.outbox.wake();
    Ok(())
}

/// Whether a risky action would be let through now: nothing, or
/// `StepUpRequired`. Asked before a download link is followed, which can
/// not show the step-up dialog itself.
pub async fn check(scope: RequestScope) -> Result<(), ServerError> {
    let actor: Actor = authenticate(&scope).await?;
    actor.require_recent_proof(scope.state.clock.now())?;
    Ok(())
}
