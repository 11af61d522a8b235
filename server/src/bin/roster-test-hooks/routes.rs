//! Hooks for the Playwright suite, compiled only into `roster-test-hooks`
//! (never the `roster` that `scripts/run` serves).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use server::http::ServerState;

/// Adds the hooks to `router`.
pub fn add(router: Router<ServerState>) -> Router<ServerState> {
    router
        .route("/test-support/organisations", post(organisation))
        .route("/test-support/invitations/expire", post(expire_invitation))
        .route("/test-support/sessions/age-proof", post(age_proof))
}

async fn organisation(State(state): State<ServerState>) -> Response {
    match app::server::seed::create_test_organisation(&state.app.pool).await {
        Ok(org) => axum::Json(org).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "test organisation");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Moves an invitation's expiry into the past, so that a browser test can
/// see the expired-link page without waiting an hour.
async fn expire_invitation(
    State(state): State<ServerState>,
    axum::Json(request): axum::Json<ExpireInvitation>,
) -> Response {
    let result = sqlx::query(
        "UPDATE invitations SET expires_at = now() - interval '1 minute'
         WHERE lower(email) = lower($1) AND revoked_at IS NULL AND accepted_at IS NULL",
    )
    .bind(&request.email)
    .execute(&state.app.pool)
    .await;
    updated(result, "expire invitation")
}

#[derive(serde::Deserialize)]
struct ExpireInvitation {
    email: String,
}

/// Moves when every session of `email` last proved who is holding it 16
/// minutes back, so that a browser test meets the step-up dialog without
/// waiting a quarter of an hour.
async fn age_proof(
    State(state): State<ServerState>,
    axum::Json(request): axum::Json<AgeProof>,
) -> Response {
    let result = sqlx::query(
        "UPDATE sessions SET verified_at = now() - interval '16 minutes'
         WHERE account_id = (SELECT id FROM accounts WHERE lower(email) = lower($1))",
    )
    .bind(&request.email)
    .execute(&state.app.pool)
    .await;
    updated(result, "age proof")
}

/// A hook's answer: 204 when its update found rows, 404 when none.
fn updated(result: sqlx::Result<sqlx::postgres::PgQueryResult>, hook: &str) -> Response {
    match result {
        Ok(done) if done.rows_affected() > 0 => StatusCode::NO_CONTENT.into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, hook, "test hook");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct AgeProof {
    email: String,
}
