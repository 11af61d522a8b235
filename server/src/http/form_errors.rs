//! Pages that carry a form's error in their address show it only to the
//! browser whose post failed (see [`app::server::form_errors`]).

use app::server::form_errors::{carried, clear_cookie, digest, without_carried};
use app::server::request::cookie_value;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::ServerState;

/// A GET of a page whose address carries an error: shown (once: the
/// vouching cookie is cleared) when the browser's cookie vouches for it,
/// otherwise redirected to the same address without it. Everything else
/// passes untouched.
pub async fn vouch(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let carried = request
        .uri()
        .query()
        .filter(|_| is_read)
        .and_then(|_| Query::<Vec<(String, String)>>::try_from_uri(request.uri()).ok())
        .and_then(|Query(pairs)| carried(&pairs));
    let Some((path, error)) = carried else {
        return next.run(request).await;
    };
    let auth = &state.app.auth;
    let held = cookie_value(request.headers(), auth.form_error_cookie_name());
    if held.is_some_and(|held| held == digest(&path, &error)) {
        let mut response = next.run(request).await;
        if let Ok(clear) = HeaderValue::from_str(&clear_cookie(auth)) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
        return response;
    }
    let uri = request.uri();
    Redirect::to(&without_carried(
        uri.path(),
        uri.query().unwrap_or_default(),
    ))
    .into_response()
}
