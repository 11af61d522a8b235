//! Where a page is: its query, and going elsewhere. The invitee pages read
//! these instead of the router's hooks, so that the invitee bundle needs
//! no router at all (leptos_router was a tenth of it): `InviteeApp` renders
//! the one page its path names, and its links are plain page loads. In
//! `App` the same pages read the router's query through
//! [`RouterQuery`].

use leptos::prelude::*;
use std::sync::Arc;

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The page's query string: the decoded value of a name.
#[derive(Clone, Copy)]
pub struct PageQuery(StoredValue<Lookup>);

impl PageQuery {
    fn new(lookup: Lookup) -> Self {
        Self(StoredValue::new(lookup))
    }

    /// The value of `name` in the page's query, tracked where it can
    /// change (a client-side navigation in `App`).
    pub fn get(self, name: &str) -> Option<String> {
        self.0.with_value(|lookup| lookup(name))
    }
}

/// The page's query, from whichever app provided it.
pub fn use_page_query() -> PageQuery {
    use_context::<PageQuery>().unwrap_or_else(|| PageQuery::new(Arc::new(|_| None)))
}

/// Provides the query of the page being rendered (on the server) or
/// hydrated (in the browser), for an app without a router: it changes only
/// with a page load.
pub fn provide_page_query() {
    let pairs = current_query();
    provide_context(PageQuery::new(Arc::new(move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })));
}

#[cfg(feature = "ssr")]
fn current_query() -> Vec<(String, String)> {
    use_context::<http::request::Parts>()
        .map(|parts| crate::server::request::query_pairs(&parts))
        .unwrap_or_default()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn current_query() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    // `entries()` yields `[name, value]` arrays.
    if let Ok(Some(iter)) = js_sys::try_iter(&params.entries()) {
        for entry in iter.flatten() {
            let entry = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((k, v));
            }
        }
    }
    pairs
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn current_query() -> Vec<(String, String)> {
    Vec::new()
}

/// In `App`: gives the pages inside it the router's query as their
/// [`PageQuery`].
#[component]
pub fn RouterQuery(children: Children) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    provide_context(PageQuery::new(Arc::new(move |name| query.read().get(name))));
    let location = leptos_router::hooks::use_location();
    provide_context(RouterHref(StoredValue::new(Arc::new(move || {
        let (path, search) = untrack(|| (location.pathname.get(), location.search.get()));
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }))));
    children()
}

/// In `App`: the address the router is showing, which is already the new
/// page's while that page renders after a link (the browser's address
/// follows).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct RouterHref(StoredValue<Arc<dyn Fn() -> String + Send + Sync>>);

/// Sends the browser to `path`: a redirect while the server renders, a
/// page load in the browser (the invitee bundle routes nothing itself).
pub fn go_to(path: &str) {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(path);
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(path);
    }
    let _ = path;
}

/// Loads the page being shown from the server, as a page load: for a page
/// that renders only from data the server loaded, reached through `App`'s
/// router. Nothing while the server renders.
pub fn load_from_server() {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    match use_context::<RouterHref>() {
        Some(RouterHref(href)) => go_to(&href.with_value(|href| href())),
        None => reload(),
    }
}

/// Loads the page again from the server (in the browser; nothing while the
/// server renders).
pub fn reload() {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
