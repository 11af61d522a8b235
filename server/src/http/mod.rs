//! The HTTP edge: the router, its middleware and the few plain axum routes
//! beside Leptos's pages and server functions. One file per concern:
//!
//! - [`security`]: request ids, security headers, the cross-site check;
//! - [`client_address`]: the client's address, through trusted proxies;
//! - [`deadline`]: every request (but the event stream) ends within 30 s;
//! - [`form_errors`]: a form's error in a page's address, shown only to
//!   the browser whose post failed;
//! - [`avatars`]: profile pictures in and out;
//! - [`exports`]: the CSV downloads;
//! - [`events`]: the team table's live event stream;
//! - [`dev_mailbox`]: `/dev/mailbox`, only with `ROSTER_MAIL=dev-mailbox`;
//! - [`TestHooks`]: routes only the test build (`roster-test-hooks`) adds.
//!
//! Every plain route takes the [`RequestScope`](app::server::request::RequestScope)
//! as an extractor and answers errors through `AppError`'s one
//! `IntoResponse`.

pub mod avatars;
pub mod client_address;
pub mod client_errors;
pub mod deadline;
pub mod dev_mailbox;
pub mod events;
pub mod exports;
pub mod form_errors;
mod page_data;
pub mod security;

use crate::mailer::DevMailbox;
use app::server::db::outbox;
use app::server::AppState;
use app::ui::AssetNames;
use app::wire::AppError;
use axum::extract::{DefaultBodyLimit, FromRef, Query, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

pub use security::{SecuritySettings, REQUEST_ID};

/// The router's state: Leptos's options for rendering, ours for the rest.
#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub security: Arc<SecuritySettings>,
    /// Set when `ROSTER_MAIL=dev-mailbox`: `/dev/mailbox` exists only then.
    pub dev_mailbox: Option<DevMailbox>,
    /// Whether emails are sent at all (`ROSTER_MAIL` set).
    pub mail_configured: bool,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(state: &ServerState) -> Self {
        state.app.clone()
    }
}

/// Routes the test build adds (`roster-test-hooks`).
pub type TestHooks = fn(Router<ServerState>) -> Router<ServerState>;

/// Builds the whole application: Leptos pages and server functions, plain
/// routes, static files, and the security middleware around all of it.
pub fn router(state: ServerState) -> Router {
    router_with(state, None)
}

/// The router, with the test build's routes when it is that build.
pub fn router_with(state: ServerState, test_hooks: Option<TestHooks>) -> Router {
    let routes = generate_route_list(app::ui::App);
    let app_state = state.app.clone();
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let assets = match crate::assets::read_manifest(&site_root) {
        Ok(Some(names)) => names,
        Ok(None) => AssetNames::default(),
        Err(e) => {
            tracing::warn!("{e}; pages name the plain asset files");
            AssetNames::default()
        }
    };
    let context = move || {
        provide_context(app_state.clone());
        provide_context(assets.clone());
        security::PageNonce::remember();
    };
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/team/export.csv", get(exports::team))
        .route("/audit/export.csv", get(exports::audit))
        .route("/api/team/events", get(events::team))
        .route(
            "/profile/avatar",
            post(avatars::upload)
                // The picture, and room for the form's other parts.
                .layer(DefaultBodyLimit::max(avatars::MAX_REQUEST_BYTES)),
        )
        .route("/avatars/{membership}", get(avatars::image))
        // The build's content-named files, with the brotli and gzip copies
        // it made: never compressed per request (`CompressionLayer` leaves
        // a response that has a Content-Encoding alone).
        .nest_service(
            "/pkg",
            ServeDir::new(site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let router = if state.dev_mailbox.is_some() {
        dev_mailbox::routes(router)
    } else {
        router
    };
    let router = match test_hooks {
        Some(add) => add(router),
        None => router,
    };
    router
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            app::ui::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, app::ui::shell))
        // Innermost: only a request the layers around it let through
        // loads anything.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_data::provide,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            form_errors::vouch,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            form_errors::come_back,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_errors::edge,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::refuse_foreign_host,
        ))
        .layer(middleware::from_fn(security::refuse_ambiguous_path))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn(|request, next| {
            deadline::within(deadline::REQUEST_DEADLINE, request, next)
        }))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::request_meta,
        ))
        .with_state(state)
}

/// `GET /healthz`: `ok` while the database answers (503 otherwise), and
/// with `?detail`, a line on mail: an operator sees at once that emails are
/// waiting because no transport is configured.
async fn healthz(
    State(state): State<ServerState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let waiting = match outbox::waiting(&state.app.pool).await {
        Ok(waiting) => waiting,
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    };
    if !query.iter().any(|(key, _)| key == "detail") {
        return (StatusCode::OK, "ok").into_response();
    }
    let mail = match (state.mail_configured, state.dev_mailbox.is_some()) {
        (false, _) => {
            format!("not configured (set ROSTER_MAIL): {waiting} emails waiting in the outbox")
        }
        (true, true) => format!("dev-mailbox: {waiting} emails waiting"),
        (true, false) => format!("smtp: {waiting} emails waiting"),
    };
    (StatusCode::OK, format!("ok\ndatabase: ok\nmail: {mail}\n")).into_response()
}

/// The answer of a route a browser opens by link or form (a download, a
/// picture upload): signed out, the sign-in page, and back to `next` (a
/// path, URL-encoded) after; any other error as itself.
fn or_sign_in(result: Result<Response, AppError>, next: &str) -> Response {
    match result {
        Ok(response) => response,
        Err(AppError::Unauthenticated) => {
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        Err(error) => error.into_response(),
    }
}
