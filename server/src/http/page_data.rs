//! Loads the data of the pages rendered from it before Leptos renders them
//! (see [`app::server::page_data`]).

use app::server::page_data::{load, Loaded, PAGE_DATA_PATHS};
use app::server::request::RequestScope;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::ServerState;

/// A GET of one of [`PAGE_DATA_PATHS`]: its data goes into the request's
/// extensions, where the page finds it (or the person is sent where the
/// data says). Everything else passes untouched.
pub async fn provide(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    if !is_read || !PAGE_DATA_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match load(RequestScope::new(parts.clone(), state.app.clone())).await {
        Some(Loaded::Data(data)) => {
            parts.extensions.insert(data);
        }
        Some(Loaded::GoTo(path)) => return Redirect::to(path).into_response(),
        None => {}
    }
    next.run(Request::from_parts(parts, body)).await
}
