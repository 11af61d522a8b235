//! Every request ends within [`REQUEST_DEADLINE`]: a slow query, a stuck
//! upstream or a client that trickles its body cannot hold a connection,
//! a database connection and memory for ever. The live event stream is
//! the one exception: it is meant to stay open, and ends by its own rules.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// The paths that answer with a stream that outlives any deadline.
fn is_stream(path: &str) -> bool {
    path == "/api/team/events"
}

/// Answers 503 (with `Retry-After`) when the rest of the stack has not
/// answered within `limit`; the unfinished work is dropped, which rolls
/// back any open transaction.
pub async fn within(limit: Duration, request: Request, next: Next) -> Response {
    if is_stream(request.uri().path()) {
        return next.run(request).await;
    }
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs(), "request passed its deadline");
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                "This took too long. Please try again.",
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt as _;

    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        "late"
    }

    fn app() -> Router {
        Router::new()
            .route("/slow", get(slow))
            .route("/fast", get(|| async { "fast" }))
            .route("/api/team/events", get(slow))
            .layer(axum::middleware::from_fn(|request, next| {
                within(Duration::from_secs(30), request, next)
            }))
    }

    fn get_request(path: &str) -> Request {
        Request::builder().uri(path).body(Body::empty()).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_past_its_deadline_is_answered_503() {
        let response = app().oneshot(get_request("/slow")).await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        let fast = app().oneshot(get_request("/fast")).await.unwrap();
        assert_eq!(fast.status(), StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn the_event_stream_has_no_deadline() {
        let stream = tokio::time::timeout(
            Duration::from_secs(120),
            app().oneshot(get_request("/api/team/events")),
        )
        .await;
        assert!(stream.is_err(), "still open after two minutes");
    }
}
