//! Requests to a server function that never reach its body answer as the
//! client's mistake, never as a fault of ours: with no session cookie
//! where one is needed, 401 (the sign-in page for a form posted without
//! JavaScript) before the body is read; a content type other than a form's,
//! 415; a body over the limit, 413; a body that does not decode, 400 with
//! the reason, as the pages read any error. 5xx is left to faults of the
//! server and the database, so that monitoring counts only those.

use app::api::PUBLIC_ENDPOINTS;
use app::server::form_errors::{is_plain_form_post, vouching_cookie};
use app::server::request::cookie_value;
use app::wire::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::server_fn::error::FromServerFnError as _;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::ServerState;

/// The largest body a server function reads (axum's default limit, which
/// the server functions' router keeps): a longer one is refused unread.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The paths of the registered server functions.
fn server_functions() -> &'static BTreeSet<String> {
    static PATHS: OnceLock<BTreeSet<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_string())
            .collect()
    })
}

pub async fn edge(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request.method() != Method::POST || !server_functions().contains(&path) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let plain_form = is_plain_form_post(headers);
    let endpoint = path.trim_start_matches("/api/");
    let auth = &state.app.auth;
    if !PUBLIC_ENDPOINTS.contains(&endpoint)
        && cookie_value(headers, auth.session_cookie_name()).is_none()
    {
        if plain_form {
            return Redirect::to("/login").into_response();
        }
        return answer(StatusCode::UNAUTHORIZED, &AppError::Unauthenticated);
    }
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_encoded {
        let refused = AppError::invalid(
            app::wire::error::REQUEST_FIELD,
            "Send the fields as a form (application/x-www-form-urlencoded).",
        );
        return answer(StatusCode::UNSUPPORTED_MEDIA_TYPE, &refused);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT) {
        return too_large();
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return remapped(response).await;
    }
    if plain_form && response.status().is_redirection() {
        return vouched(response, &path, &state).await;
    }
    response
}

/// The answer for a request over [`BODY_LIMIT`].
fn too_large() -> Response {
    let refused = AppError::invalid(
        app::wire::error::REQUEST_FIELD,
        format!(
            "The request is larger than {} MB.",
            BODY_LIMIT / (1024 * 1024)
        ),
    );
    answer(StatusCode::PAYLOAD_TOO_LARGE, &refused)
}

/// `error` as the pages read it (its JSON), with `status`.
fn answer(status: StatusCode, error: &AppError) -> Response {
    let mut response = (status, error.ser()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A 500 that `server_fn` made for a request its body never saw: the
/// error's own status (400 for a body that does not decode; 413 for one
/// cut off at the limit). A fault of ours (`Internal`, a transport
/// failure) stays 500.
async fn remapped(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let error = AppError::de(bytes.clone());
    let status = match &error {
        AppError::Invalid { message, .. } if message.contains("length limit") => {
            return too_large();
        }
        AppError::Internal { .. } | AppError::Transport(_) => parts.status,
        other => other.status(),
    };
    if status.is_client_error() {
        tracing::info!(status = status.as_u16(), %error, "request refused before its server function");
    }
    parts.status = status;
    Response::from_parts(parts, Body::from(bytes))
}

/// A form posted without JavaScript whose arguments did not decode is sent
/// back to its page with the error in the address by `server_fn`; no
/// server function's body ran to vouch for it, so it is vouched for here,
/// and the page shows it beside the form as any other error. Only for the
/// error `server_fn` answered this very request with (its body, which a
/// redirect of the handler's own never carries): an address someone else
/// wrote, a `next` after a sign-in say, is never vouched for.
async fn vouched(response: Response, path: &str, state: &ServerState) -> Response {
    let already = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|c| {
            c.to_str()
                .is_ok_and(|c| c.starts_with(state.app.auth.form_error_cookie_name()))
        });
    if already {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let error = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(|answer| answer.get("error").is_some())
        .map(|_| AppError::de(bytes.clone()));
    if let Some(error @ AppError::Invalid { .. }) = &error {
        if error.field() == Some(app::wire::error::REQUEST_FIELD) {
            let cookie = vouching_cookie(&state.app.auth, path, error);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                parts.headers.append(header::SET_COOKIE, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
