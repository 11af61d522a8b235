//! What a server function knows about the request it is answering.

use super::error::ServerError;
use super::form_errors;
use super::state::AppState;
use crate::wire::AppError;
use http::request::Parts;
use leptos::prelude::{provide_context, use_context};
use std::future::Future;

/// Set on every request by the server's middleware, before routing.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// Also sent back as `x-request-id`, and logged with every line.
    pub request_id: String,
    /// The client's address as the server derived it (through trusted
    /// proxies only), recorded in audit rows and logs.
    pub client_ip: String,
    /// What limits count this client under: the address, or its /64 for
    /// IPv6 (see [`limit_key`](crate::domain::client_address::limit_key)).
    pub limit_key: String,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// The metadata of a request from `client` (`None`: not known).
    pub fn new(
        request_id: String,
        client: Option<std::net::IpAddr>,
        user_agent: Option<String>,
    ) -> Self {
        use crate::domain::client_address::{canonical, limit_key};
        let (client_ip, limit_key) = match client {
            Some(ip) => (canonical(ip).to_string(), limit_key(ip)),
            None => ("unknown".to_string(), "unknown".to_string()),
        };
        Self {
            request_id,
            client_ip,
            limit_key,
            user_agent,
        }
    }

    /// For code that runs outside a request (seeding, the command line).
    pub fn internal(label: &str) -> Self {
        Self {
            request_id: label.to_string(),
            client_ip: "local".to_string(),
            limit_key: "local".to_string(),
            user_agent: None,
        }
    }
}

/// The request's parts, state and metadata: what every server function and
/// plain route works with. Server functions get it from Leptos's context
/// ([`serve`]); plain axum routes take it as an extractor, so a handler
/// cannot exist without it.
pub struct RequestScope {
    pub parts: Parts,
    pub state: AppState,
    pub meta: RequestMeta,
}

impl RequestScope {
    /// The scope of the server function being run, from Leptos context.
    ///
    /// The request's parts and state are provided on the request's root
    /// owner, and a page's resources run as tasks under child owners that
    /// reach the root only through weak links. A resource that calls two
    /// server functions in a row (the page gate asks who is signed in, then
    /// loads the page) runs the second after an `await`: if the browser
    /// went away in between, the render and its root owner are gone, and
    /// the second call found no state. So the first call, which Leptos
    /// polls while the render is alive, pins the scope onto the owner it
    /// runs under, and every later call of the same task finds it there.
    pub fn current() -> Result<Self, ServerError> {
        let parts = use_context::<Parts>().ok_or(ServerError::MissingState)?;
        let state = use_context::<AppState>().ok_or(ServerError::MissingState)?;
        provide_context(parts.clone());
        provide_context(state.clone());
        Ok(Self::new(parts, state))
    }

    /// The scope of a plain axum route's request.
    pub fn new(parts: Parts, state: AppState) -> Self {
        let meta = parts
            .extensions
            .get::<RequestMeta>()
            .cloned()
            .unwrap_or_else(|| RequestMeta::internal("unknown"));
        Self { parts, state, meta }
    }

    /// Runs `body` with this scope and turns an internal failure into the
    /// opaque [`AppError::Internal`] carrying the request id (logged with
    /// its detail); domain errors pass through. The one path from
    /// [`ServerError`] to what a client reads.
    pub async fn run<T, F, Fut>(self, body: F) -> Result<T, AppError>
    where
        F: FnOnce(RequestScope) -> Fut,
        Fut: Future<Output = Result<T, ServerError>>,
    {
        let request_id = self.meta.request_id.clone();
        body(self).await.map_err(|e| e.into_app_error(&request_id))
    }

    /// The value of cookie `name`, if the request carries it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        cookie_value(&self.parts.headers, name)
    }
}

/// The request's query, decoded, as name/value pairs in order (none when
/// it does not decode).
pub fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    parts
        .uri
        .query()
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
}

/// Finds cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Runs the body of a server function: gives it the request scope, turns
/// internal failures into an opaque error carrying the request id (logged
/// with the detail), and sets the HTTP status that matches the error.
///
/// A plain form post (JavaScript off, or not yet loaded) keeps the redirect
/// back to its page that `server_fn` answers with, carrying the error;
/// a status would replace it with a bare error body. It gets the cookie
/// that vouches for the carried error instead (see [`form_errors`]).
pub async fn serve<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(RequestScope) -> Fut,
    Fut: Future<Output = Result<T, ServerError>>,
{
    let scope = match RequestScope::current() {
        Ok(scope) => scope,
        Err(e) => return Err(e.into_app_error("no-request")),
    };
    let form_post = form_errors::is_plain_form_post(&scope.parts.headers)
        .then(|| (scope.parts.uri.path().to_string(), scope.state.auth.clone()));
    let result = scope.run(body).await;
    if let Err(error) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            match &form_post {
                Some((path, auth)) => {
                    let cookie = form_errors::vouching_cookie(auth, path, error);
                    if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                        response.append_header(http::header::SET_COOKIE, value);
                    }
                }
                None => response.set_status(error.status()),
            }
            if let Some(seconds) = error.retry_after() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
    }
    result
}

impl<S> axum::extract::FromRequestParts<S> for RequestScope
where
    AppState: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRef;
        Ok(Self::new(parts.clone(), AppState::from_ref(state)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookies_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            "a=1; roster_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(
            cookie_value(&headers, "roster_session").as_deref(),
            Some("abc")
        );
        assert_eq!(cookie_value(&headers, "roster"), None);
    }

    fn state() -> AppState {
        use crate::server::state::{AuthSettings, Links, OutboxSignal};
        AppState {
            // Never connected: the scope only carries it.
            pool: sqlx::PgPool::connect_lazy("postgres://nobody@localhost/none").unwrap(),
            auth: std::sync::Arc::new(AuthSettings::default()),
            hasher: crate::server::password::PasswordHasher::new(1).unwrap(),
            links: std::sync::Arc::new(Links::new(
                "http://roster.test",
                crate::server::sealing::SealingKey::generate().1,
            )),
            outbox: OutboxSignal::default(),
            team_events: crate::server::TeamEvents::default(),
            background: Default::default(),
            sealing: crate::server::sealing::SealingKey::generate().1,
            clock: crate::server::clock::Clock::system(),
        }
    }

    /// A page resource's task runs under a child of the render's root
    /// owner, which holds the request's context. Its first server call
    /// (made while the render is alive) pins the scope, so a second call
    /// after the render was dropped still finds it; a task that made no
    /// call before the drop finds nothing.
    #[tokio::test]
    async fn a_resource_task_keeps_its_scope_after_the_render_is_dropped() {
        use leptos::prelude::Owner;
        let root = Owner::new();
        let (resource, idle) = root.with(|| {
            let (parts, ()) = http::Request::new(()).into_parts();
            provide_context(parts);
            provide_context(state());
            (Owner::new(), Owner::new())
        });
        assert!(resource.with(RequestScope::current).is_ok());
        drop(root);
        assert!(
            resource.with(RequestScope::current).is_ok(),
            "the second call of the same task"
        );
        assert!(matches!(
            idle.with(RequestScope::current),
            Err(ServerError::MissingState)
        ));
    }
}
