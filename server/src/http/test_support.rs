//! Hooks for the Playwright suite, compiled only into the `test-support`
//! build that the test command makes (never the binary `scripts/run`
//! serves).

use super::ServerState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

/// Adds the hooks to `router`.
pub fn routes(router: Router<ServerState>) -> Router<ServerState> {
    router
        .route("/test-support/organisations", post(organisation))
        .route("/test-support/invitations/expire", post(expire_invitation))
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
    match result {
        Ok(done) if done.rows_affected() == 1 => StatusCode::NO_CONTENT.into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "expire invitation");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct ExpireInvitation {
    email: String,
}
