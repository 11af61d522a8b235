//! The HTTP side: router, middleware and the few plain axum routes.

use app::server::request::RequestMeta;
use app::server::AppState;
use axum::extract::{ConnectInfo, FromRef, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;

/// The router's state: Leptos's options for rendering, ours for the rest.
#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub security: Arc<SecuritySettings>,
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

/// What the middleware needs from the configuration.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// `scheme://host[:port]`, compared with a request's `Origin`.
    pub public_origin: String,
    pub https: bool,
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole application: Leptos pages and server functions, plain
/// routes, static files, and the security middleware around all of it.
pub fn router(state: ServerState) -> Router {
    let routes = generate_route_list(app::ui::App);
    let app_state = state.app.clone();
    let context = move || provide_context(app_state.clone());
    let options = state.leptos_options.clone();
    let router = Router::new().route("/healthz", get(healthz));
    #[cfg(feature = "test-support")]
    let router = router.route(
        "/test-support/organisations",
        axum::routing::post(test_support_organisation),
    );
    router
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            app::ui::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, app::ui::shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(middleware::from_fn(request_meta))
        .with_state(state)
}

async fn healthz(State(state): State<ServerState>) -> impl IntoResponse {
    match sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(&state.app.pool)
        .await
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Gives every request an id (logged, returned as `x-request-id`, shown in
/// error messages) and records the client's address.
async fn request_meta(mut request: Request, next: Next) -> Response {
    let request_id = app::server::token::random_hex(8);
    let client_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(300).collect());
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    request.extensions_mut().insert(RequestMeta {
        request_id: request_id.clone(),
        client_ip,
        user_agent,
    });
    let span = tracing::info_span!("request", %request_id, %method, %path);
    let started = std::time::Instant::now();
    let mut response = tracing::Instrument::instrument(next.run(request), span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "served"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Headers every response carries. HTML pages set their own
/// Content-Security-Policy (with the page's script nonce); everything else
/// gets a policy that allows nothing.
async fn security_headers(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    // Pages carry people's data: never stored by shared caches or the
    // browser's disk cache. Assets revalidate (their names are stable).
    set(
        headers,
        header::CACHE_CONTROL,
        if is_asset { "no-cache" } else { "no-store" },
    );
    if state.security.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    response
}

/// Refuses state-changing requests that a browser says come from another
/// site (CSRF). `Sec-Fetch-Site` is set by the browser and cannot be forged
/// by a page; older browsers send `Origin`, which must be ours. A request
/// with neither is not from a browser, so no ambient cookie was abused.
async fn refuse_cross_site(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_safe_method(request.method()) {
        if let Err(reason) = check_same_origin(request.headers(), &state.security.public_origin) {
            let meta = request.extensions().get::<RequestMeta>();
            tracing::warn!(
                request_id = meta.map(|m| m.request_id.as_str()),
                reason,
                "cross-site request refused"
            );
            return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
        }
    }
    next.run(request).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Why a request's headers say it comes from another site, if they do.
pub fn check_same_origin(
    headers: &axum::http::HeaderMap,
    public_origin: &str,
) -> Result<(), &'static str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match header("sec-fetch-site") {
        Some("same-origin") | Some("none") => return Ok(()),
        Some(_) => return Err("sec-fetch-site"),
        None => {}
    }
    match header("origin") {
        None => Ok(()),
        Some(origin) if origin.eq_ignore_ascii_case(public_origin) => Ok(()),
        Some(_) => Err("origin"),
    }
}

#[cfg(feature = "test-support")]
async fn test_support_organisation(State(state): State<ServerState>) -> Response {
    match app::server::seed::create_test_organisation(&state.app.pool).await {
        Ok(org) => axum::Json(org).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "test organisation");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn same_origin_rules() {
        let ours = "http://127.0.0.1:3000";
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), ours).is_ok());
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "cross-site")]), ours).is_err());
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "same-site")]), ours).is_err());
        assert!(check_same_origin(&headers(&[("origin", "http://127.0.0.1:3000")]), ours).is_ok());
        assert!(check_same_origin(&headers(&[("origin", "https://evil.example")]), ours).is_err());
        assert!(check_same_origin(&headers(&[("origin", "null")]), ours).is_err());
        assert!(
            check_same_origin(&headers(&[]), ours).is_ok(),
            "no browser, no ambient credentials"
        );
    }
}
