//! What every request goes through: an id, security headers with the
//! page's script nonce, and the refusal of cross-site writes.

use app::server::request::RequestMeta;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

use super::client_address::ClientAddresses;
use super::ServerState;

/// What the middleware needs from the configuration.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// `scheme://host[:port]`, compared with a request's `Origin`.
    pub public_origin: String,
    pub https: bool,
    pub client_addresses: ClientAddresses,
}

impl SecuritySettings {
    pub fn new(public_origin: &str, client_addresses: ClientAddresses) -> Self {
        Self {
            public_origin: public_origin.to_string(),
            https: public_origin.starts_with("https://"),
            client_addresses,
        }
    }

    /// Whether `host` (a `Host` header) names this server as
    /// `PUBLIC_BASE_URL` does: the same host, case aside, and the same
    /// port, the scheme's default port written or not.
    pub fn is_our_host(&self, host: &str) -> bool {
        let ours = self
            .public_origin
            .split_once("://")
            .map_or(self.public_origin.as_str(), |(_, rest)| rest);
        let default_port = if self.https { ":443" } else { ":80" };
        let strip = |h: &str| -> String {
            let h = h.trim().to_ascii_lowercase();
            match h.strip_suffix(default_port) {
                Some(bare) => bare.to_string(),
                None => h,
            }
        };
        !host.is_empty() && strip(host) == strip(ours)
    }
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives every request an id (logged, returned as `x-request-id`, shown in
/// error messages) and records the client's address: the TCP peer's, or
/// through trusted proxies the one they report (see [`ClientAddresses`]).
pub async fn request_meta(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let request_id = app::server::token::random_hex(8);
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| {
            state
                .security
                .client_addresses
                .client(addr.ip(), request.headers())
        });
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(300).collect());
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let meta = RequestMeta::new(request_id.clone(), client, user_agent);
    let span =
        tracing::info_span!("request", %request_id, client = %meta.client_ip, %method, %path);
    request.extensions_mut().insert(meta);
    request
        .extensions_mut()
        .insert(app::server::actor::RequestActor::default());
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

/// The script nonce of the page being rendered, carried from Leptos's
/// rendering (which makes it) back to [`headers`] (which puts it
/// in the page's Content-Security-Policy) through the request's extensions.
/// The policy is set here rather than from inside the render so that every
/// page gets it the same way as every other header.
#[derive(Clone, Default)]
pub struct PageNonce(Arc<std::sync::OnceLock<String>>);

impl PageNonce {
    /// Runs in each page render's context, after Leptos provides its nonce.
    pub fn remember() {
        use leptos::prelude::use_context;
        let (Some(parts), Some(nonce)) = (
            use_context::<axum::http::request::Parts>(),
            leptos::nonce::use_nonce(),
        ) else {
            return;
        };
        if let Some(slot) = parts.extensions.get::<PageNonce>() {
            let _ = slot.0.set(nonce.to_string());
        }
    }

    /// Allows only this page's scripts (by nonce) and what they load, WASM
    /// compilation, and nothing inline.
    fn policy(&self) -> Option<HeaderValue> {
        let nonce = self.0.get()?;
        HeaderValue::from_str(&format!(
            "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
             style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        ))
        .ok()
    }
}

/// Headers every response carries. Pages get a Content-Security-Policy
/// with their script nonce; everything else a policy that allows nothing.
pub async fn headers(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let asset_name = path.strip_prefix("/pkg/").map(str::to_string);
    let asset_name = asset_name.as_deref();
    // Pages whose address carries a secret token (or that link to them)
    // send their origin only as the Referer, never the address, not even
    // to Roster: a proxy's access log keeps Referers. Not `no-referrer`:
    // with it, browsers send `Origin: null` on the page's posts, which the
    // cross-site check must refuse on a browser without `Sec-Fetch-Site`
    // (Safari before 16.4, still on older iPhones). A form on them posted
    // without JavaScript names its page itself (`form_errors::come_back`).
    let secret_in_url = path == "/invite"
        || path == "/reset-password"
        || path == "/verify-email"
        || path.starts_with("/dev/mailbox");
    let nonce = PageNonce::default();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let found = response.status().is_success();
    let headers = response.headers_mut();
    if let Some(policy) = nonce.policy() {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(policy);
    }
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if secret_in_url {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin"),
        );
    }
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    // No other site may embed our responses (pictures, exports) either.
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
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
    // browser's disk cache. A content-named asset never changes, so it is
    // kept for a year; a plain one (a development build) revalidates.
    set(
        headers,
        header::CACHE_CONTROL,
        match asset_name {
            Some(name) if found && crate::assets::is_content_named(name) => {
                "public, max-age=31536000, immutable"
            }
            Some(_) => "no-cache",
            None => "no-store",
        },
    );
    if asset_name.is_some() {
        // The brotli, gzip and plain copies share one address.
        set(headers, header::VARY, "accept-encoding");
    }
    if state.security.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    response
}

/// Refuses every request whose `Host` is not `PUBLIC_BASE_URL`'s (421),
/// except `/healthz`, which load balancers call by address. A page that a
/// rebound DNS name points at this server then reaches nothing: the
/// browser sends the attacker's host name.
pub async fn refuse_foreign_host(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    if state.security.is_our_host(&host) {
        return next.run(request).await;
    }
    let meta = request.extensions().get::<RequestMeta>();
    tracing::warn!(
        request_id = meta.map(|m| m.request_id.as_str()),
        "request for another host refused"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        format!(
            "This server answers at {}, not at the address you used.",
            state.security.public_origin
        ),
    )
        .into_response()
}

/// Refuses a request whose path a browser could read as another host
/// (400): `//host/…` and `/\\host/…`, raw or percent-encoded. Nothing on
/// this site lives at such a path, and any redirect built from the request
/// path (a page's canonical address, a form error's clean address) would
/// otherwise send the browser away.
pub async fn refuse_ambiguous_path(request: Request, next: Next) -> Response {
    if !crate::http::form_errors::is_plain_path(request.uri().path()) {
        let meta = request.extensions().get::<RequestMeta>();
        tracing::info!(
            request_id = meta.map(|m| m.request_id.as_str()),
            "request for an ambiguous path refused"
        );
        return (
            StatusCode::BAD_REQUEST,
            "This address is not valid: its path must not start with two slashes.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Refuses state-changing requests that a browser says come from another
/// site (CSRF). `Sec-Fetch-Site` is set by the browser and cannot be forged
/// by a page; older browsers send `Origin`, which must be ours. A request
/// with neither is not from a browser, so no ambient cookie was abused.
pub async fn refuse_cross_site(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_safe_method(request.method()) || WRITES_ON_GET.contains(&request.uri().path()) {
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

/// GET routes that write: each CSV export is recorded in the audit log, so
/// a page on another site must not be able to make an admin's browser
/// request one (the browser's `Sec-Fetch-Site` tells).
const WRITES_ON_GET: [&str; 2] = ["/team/export.csv", "/audit/export.csv"];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_host_is_public_base_urls_with_or_without_the_default_port() {
        let plain = SecuritySettings::new("http://127.0.0.1:3000", Default::default());
        assert!(plain.is_our_host("127.0.0.1:3000"));
        assert!(!plain.is_our_host("localhost:3000"));
        assert!(!plain.is_our_host("127.0.0.1:3001"));
        assert!(!plain.is_our_host("evil.example"));
        assert!(!plain.is_our_host(""));
        let tls = SecuritySettings::new("https://Roster.Example", Default::default());
        assert!(tls.is_our_host("roster.example"));
        assert!(tls.is_our_host("ROSTER.example:443"));
        assert!(!tls.is_our_host("roster.example:8443"));
        assert!(!tls.is_our_host("roster.example.evil.example"));
    }
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
