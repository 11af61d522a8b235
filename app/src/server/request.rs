//! What a server function knows about the request it is answering.

use super::error::ServerError;
use super::state::AppState;
use http::request::Parts;
use leptos::prelude::use_context;

/// Set on every request by the server's middleware, before routing.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// Also sent back as `x-request-id`, and logged with every line.
    pub request_id: String,
    pub client_ip: String,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// For code that runs outside a request (seeding, the command line).
    pub fn internal(label: &str) -> Self {
        Self {
            request_id: label.to_string(),
            client_ip: "local".to_string(),
            user_agent: None,
        }
    }
}

/// The request's parts, state and metadata, taken from Leptos context.
pub struct RequestScope {
    pub parts: Parts,
    pub state: AppState,
    pub meta: RequestMeta,
}

impl RequestScope {
    pub fn current() -> Result<Self, ServerError> {
        let parts = use_context::<Parts>().ok_or(ServerError::MissingState)?;
        let state = use_context::<AppState>().ok_or(ServerError::MissingState)?;
        let meta = parts
            .extensions
            .get::<RequestMeta>()
            .cloned()
            .unwrap_or_else(|| RequestMeta::internal("unknown"));
        Ok(Self { parts, state, meta })
    }

    /// The value of cookie `name`, if the request carries it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        cookie_value(&self.parts.headers, name)
    }
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
}
