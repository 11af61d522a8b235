//! The HTTP side: router, middleware and the few plain axum routes.

use crate::mailer::DevMailbox;
use app::domain::audit_view::AuditQuery;
use app::domain::avatar::{AvatarProblem, CONTENT_TYPE as AVATAR_TYPE, MAX_UPLOAD_BYTES};
use app::domain::team_view::TeamQuery;
use app::domain::MembershipId;
use app::server::email::escape_html;
use app::server::live::TeamStream;
use app::server::request::{RequestMeta, RequestScope};
use app::server::AppState;
use app::wire::AppError;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRef, Multipart, Path, Query, Request, State,
};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
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
    /// Set when `ROSTER_MAIL=dev-mailbox`: `/dev/mailbox` exists only then.
    pub dev_mailbox: Option<DevMailbox>,
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
    let context = move || {
        provide_context(app_state.clone());
        PageNonce::remember();
    };
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/team/export.csv", get(team_export))
        .route("/audit/export.csv", get(audit_export))
        .route("/api/team/events", get(team_events))
        .route(
            "/profile/avatar",
            axum::routing::post(avatar_upload)
                // The picture, and room for the form's other parts.
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/avatars/{membership}", get(avatar_image));
    let router = if state.dev_mailbox.is_some() {
        router
            .route("/dev/mailbox", get(dev_mailbox_list))
            .route("/dev/mailbox/{id}", get(dev_mailbox_html))
    } else {
        router
    };
    #[cfg(feature = "test-support")]
    let router = router
        .route(
            "/test-support/organisations",
            axum::routing::post(test_support_organisation),
        )
        .route(
            "/test-support/invitations/expire",
            axum::routing::post(test_support_expire_invitation),
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

/// The team table's current view as a CSV download. A plain route, not a
/// server function: the browser downloads it from a link.
async fn team_export(
    State(state): State<ServerState>,
    Query(pairs): Query<Vec<(String, String)>>,
    request: Request,
) -> Response {
    let query = TeamQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (parts, _) = request.into_parts();
    let scope = RequestScope::new(parts, state.app.clone());
    let request_id = scope.meta.request_id.clone();
    let result = app::server::team::export_csv(scope, query).await;
    csv_download(result, &request_id, "team", "%2Fteam")
}

/// The audit log's current view (`/audit`'s filters) as a CSV download:
/// every matching event, for owners only.
async fn audit_export(
    State(state): State<ServerState>,
    Query(pairs): Query<Vec<(String, String)>>,
    request: Request,
) -> Response {
    let query = AuditQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (parts, _) = request.into_parts();
    let scope = RequestScope::new(parts, state.app.clone());
    let request_id = scope.meta.request_id.clone();
    let result = app::server::audit::export_csv(scope, query).await;
    csv_download(result, &request_id, "audit-log", "%2Faudit")
}

/// An export's answer: the file as `{name}-{date}.csv`, a redirect to
/// sign-in (and back to the page `next` names) when signed out, or the
/// error's status and message.
fn csv_download(
    result: Result<String, app::server::ServerError>,
    request_id: &str,
    name: &str,
    next: &str,
) -> Response {
    match result {
        Ok(csv) => {
            let filename = format!(
                "attachment; filename=\"{name}-{}.csv\"",
                chrono::Utc::now().format("%Y-%m-%d")
            );
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, filename),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                csv,
            )
                .into_response()
        }
        Err(error) => {
            let error = error.into_app_error(request_id);
            if error == AppError::Unauthenticated {
                return Redirect::to(&format!("/login?next={next}")).into_response();
            }
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, error.to_string()).into_response()
        }
    }
}

/// `POST /profile/avatar`: a picture from the profile page's form
/// (`multipart/form-data`, the file in `avatar`). A plain form post, so it
/// works before the page is interactive; the answer is a redirect back to
/// the profile page, saying what happened in its query (`?avatar=saved` or
/// `?avatar_error=<code>`), which the page shows beside the file field.
async fn avatar_upload(
    State(state): State<ServerState>,
    parts: axum::http::request::Parts,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let scope = RequestScope::new(parts, state.app.clone());
    let request_id = scope.meta.request_id.clone();
    let upload = match multipart {
        Ok(multipart) => read_avatar_field(multipart).await,
        Err(_) => Err(AvatarProblem::Missing),
    };
    let outcome = match upload {
        Ok(bytes) => app::server::profile::save_avatar(scope, bytes).await,
        // Still only for a signed-in person: the answer to anyone else is
        // the sign-in page, whatever they sent.
        Err(problem) => match app::server::actor::authenticate(&scope).await {
            Ok(_) => Ok(Err(problem)),
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(Ok(())) => Redirect::to("/profile?avatar=saved").into_response(),
        Ok(Err(problem)) => {
            Redirect::to(&format!("/profile?avatar_error={}", problem.code())).into_response()
        }
        Err(error) => match error.into_app_error(&request_id) {
            AppError::Unauthenticated => Redirect::to("/login?next=%2Fprofile").into_response(),
            error => {
                let status = StatusCode::from_u16(error.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, error.to_string()).into_response()
            }
        },
    }
}

/// The bytes of the form's `avatar` file, refused once they pass the limit
/// (the body limit stops a longer request at the same point).
async fn read_avatar_field(mut multipart: Multipart) -> Result<Vec<u8>, AvatarProblem> {
    loop {
        let Ok(Some(mut field)) = multipart.next_field().await else {
            return Err(AvatarProblem::Missing);
        };
        if field.name() != Some("avatar") {
            continue;
        }
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        return Err(AvatarProblem::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) if bytes.is_empty() => return Err(AvatarProblem::Missing),
                Ok(None) => return Ok(bytes),
                // The body limit, or a connection cut short.
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(AvatarProblem::TooLarge)
                }
                Err(_) => return Err(AvatarProblem::Unreadable),
            }
        }
    }
}

/// `GET /avatars/{membership}`: a member's picture, for people of the same
/// organisation. Always `image/jpeg` (the server encoded it), never
/// sniffed; cached for good, since its address changes with it (`?v=`).
async fn avatar_image(
    State(state): State<ServerState>,
    Path(membership): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let scope = RequestScope::new(parts, state.app.clone());
    let request_id = scope.meta.request_id.clone();
    let Ok(membership) = membership.parse::<MembershipId>() else {
        return (StatusCode::NOT_FOUND, AppError::NotFound.to_string()).into_response();
    };
    match app::server::profile::avatar_image(scope, membership).await {
        Ok(image) => (
            [
                (header::CONTENT_TYPE, AVATAR_TYPE),
                (
                    header::CACHE_CONTROL,
                    "private, max-age=31536000, immutable",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"avatar.jpg\"",
                ),
            ],
            image,
        )
            .into_response(),
        Err(error) => {
            let error = error.into_app_error(&request_id);
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, error.to_string()).into_response()
        }
    }
}

/// How often an idle team stream sends a comment, so that proxies and
/// browsers do not take it for a dead connection.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// `GET /api/team/events`: the session's organisation's team changes as
/// server-sent events (`event: team`, `data: {"kind":…,"id":…}`; `event:
/// resync` when changes may have been missed). 401 signed out, 403 without
/// [`Permission::ViewTeam`](app::domain::Permission::ViewTeam). The rules
/// are in [`TeamStream`].
async fn team_events(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let scope = RequestScope::new(parts, state.app.clone());
    let request_id = scope.meta.request_id.clone();
    let stream = match TeamStream::open(scope).await {
        Ok(stream) => stream,
        Err(e) => {
            let error = e.into_app_error(&request_id);
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, error.to_string()).into_response();
        }
    };
    let events = futures_util::stream::unfold(stream, |mut stream| async move {
        let event = stream.next().await?;
        let sse = Event::default().event(event.name()).data(event.data());
        Some((Ok::<_, std::convert::Infallible>(sse), stream))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
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

/// The script nonce of the page being rendered, carried from Leptos's
/// rendering (which makes it) back to [`security_headers`] (which puts it
/// in the page's Content-Security-Policy) through the request's extensions.
/// The policy is set here rather than from inside the render so that every
/// page gets it the same way as every other header.
#[derive(Clone, Default)]
struct PageNonce(Arc<std::sync::OnceLock<String>>);

impl PageNonce {
    /// Runs in each page render's context, after Leptos provides its nonce.
    fn remember() {
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
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        ))
        .ok()
    }
}

/// Headers every response carries. Pages get a Content-Security-Policy
/// with their script nonce; everything else a policy that allows nothing.
async fn security_headers(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let is_asset = path.starts_with("/pkg/");
    // Pages whose address carries a secret token (or that link to them):
    // no Referer may take it to another site.
    let secret_in_url =
        path == "/invite" || path == "/reset-password" || path.starts_with("/dev/mailbox");
    let nonce = PageNonce::default();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
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
            HeaderValue::from_static("no-referrer"),
        );
    }
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

/// Whether the request comes from this machine. The dev mailbox shows
/// every email's link, so it answers only local browsers.
fn is_local(request: &Request) -> bool {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback())
}

/// The dev mailbox's pages may use their own inline styles, and nothing else.
const MAILBOX_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn html_page(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, MAILBOX_CSP),
        ],
        body,
    )
        .into_response()
}

/// `/dev/mailbox`: the emails the demo "sent", newest first, with their
/// plain-text part (links clickable) and a link to the HTML part.
async fn dev_mailbox_list(State(state): State<ServerState>, request: Request) -> Response {
    let Some(mailbox) = state.dev_mailbox.as_ref().filter(|_| is_local(&request)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let emails = mailbox.list();
    let mut body = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Dev mailbox · Roster</title><style>\
         body{font-family:system-ui,sans-serif;margin:0;padding:16px;background:#f5f6f8;color:#1d2433}\
         main{max-width:760px;margin:0 auto}article{background:#fff;border-radius:8px;padding:16px;margin:12px 0}\
         pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit}a{color:#2f5bea}\
         h2{font-size:1.1rem;margin:0 0 4px}.meta{color:#5b6475;font-size:.9rem;margin:0 0 8px}\
         </style></head><body><main><h1>Dev mailbox</h1>\
         <p>Emails Roster would have sent (<code>ROSTER_MAIL=dev-mailbox</code>), newest first. \
         Kept in memory: they are gone when the server restarts.</p>",
    );
    if emails.is_empty() {
        body.push_str("<p>No emails yet. Invite someone from the team page.</p>");
    }
    for email in emails {
        body.push_str(&format!(
            "<article aria-labelledby=\"email-{id}\"><h2 id=\"email-{id}\">{subject}</h2>\
             <p class=\"meta\">To {to} · {at} · <a href=\"/dev/mailbox/{id}\">HTML version</a></p>\
             <pre>{text}</pre></article>",
            id = email.id,
            subject = escape_html(&email.subject),
            to = escape_html(&email.to),
            at = email.received_at.format("%Y-%m-%d %H:%M:%S UTC"),
            text = linkify(&email.text),
        ));
    }
    body.push_str("</main></body></html>");
    html_page(body)
}

/// `/dev/mailbox/{id}`: one email's HTML part, as a mail client shows it.
async fn dev_mailbox_html(
    State(state): State<ServerState>,
    Path(id): Path<u64>,
    request: Request,
) -> Response {
    match state
        .dev_mailbox
        .as_ref()
        .filter(|_| is_local(&request))
        .and_then(|m| m.get(id))
    {
        Some(email) => html_page(email.html),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Escapes `text` and makes its http(s) addresses links.
fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let words: Vec<String> = line
            .split(' ')
            .map(|word| {
                if word.starts_with("http://") || word.starts_with("https://") {
                    let url = escape_html(word);
                    format!("<a href=\"{url}\">{url}</a>")
                } else {
                    escape_html(word)
                }
            })
            .collect();
        out.push_str(&words.join(" "));
    }
    out
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

/// Moves an invitation's expiry into the past, so that a browser test can
/// see the expired-link page without waiting an hour.
#[cfg(feature = "test-support")]
async fn test_support_expire_invitation(
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

#[cfg(feature = "test-support")]
#[derive(serde::Deserialize)]
struct ExpireInvitation {
    email: String,
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
    fn mailbox_text_is_escaped_and_links_are_clickable() {
        assert_eq!(
            linkify("Go <now>:\nhttp://x.example/invite?token=a&b=1 ok"),
            "Go &lt;now&gt;:\n<a href=\"http://x.example/invite?token=a&amp;b=1\">http://x.example/invite?token=a&amp;b=1</a> ok"
        );
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
