//! Which stylesheet and which WASM bundle a page names.
//!
//! The build names the browser's files by their content (server/src/assets.rs)
//! and the server hands the names to the shell through the render's context.
//! Invitee pages get the small `invitee` bundle; every other page the whole
//! application.

use super::{INVITEE_PATHS, SCRIPTLESS_PATHS};
use leptos::prelude::*;
use std::sync::Arc;

/// The files of one build, as the server found them at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetNames {
    /// The stylesheet's file name under `/pkg/`.
    pub stylesheet: String,
    /// The whole application's bundle: `/pkg/{app}.js` and `/pkg/{app}.wasm`.
    pub app: String,
    /// The invitee pages' bundle, when the build made one.
    pub invitee: Option<String>,
    /// The stylesheet's text, for the invitee pages to carry inline (when
    /// the build made their bundle). A phone opening its invitation paints
    /// with the page's first response instead of after one more round
    /// trip, and so before its WASM has arrived; the rest of the
    /// application links the cached file.
    pub inline_stylesheet: Option<Arc<str>>,
}

impl Default for AssetNames {
    /// The site build's plain names: a development build, without the
    /// content-named copies or the invitee bundle.
    fn default() -> Self {
        Self {
            stylesheet: "roster.css".to_string(),
            app: "roster".to_string(),
            invitee: None,
            inline_stylesheet: None,
        }
    }
}

impl AssetNames {
    /// The bundle (its name without extension) that hydrates `path`;
    /// `None` for a page sent without script.
    pub fn bundle_for(&self, path: &str) -> Option<&str> {
        if SCRIPTLESS_PATHS.contains(&path) {
            return None;
        }
        Some(match &self.invitee {
            Some(invitee) if INVITEE_PATHS.contains(&path) => invitee,
            _ => &self.app,
        })
    }

    /// The stylesheet text that `path` carries inline, if it does: the
    /// pages a phone may open first.
    pub fn inline_stylesheet_for(&self, path: &str) -> Option<Arc<str>> {
        let first_pages = INVITEE_PATHS.contains(&path) || SCRIPTLESS_PATHS.contains(&path);
        match (&self.invitee, &self.inline_stylesheet) {
            (Some(_), Some(css)) if first_pages => Some(css.clone()),
            _ => None,
        }
    }
}

/// Loads and hydrates `bundle` (`/pkg/{bundle}.js` and `.wasm`) once the
/// page has painted from its HTML, in place of Leptos's `HydrationScripts`,
/// which preloads the WASM from the head. The page is readable before it
/// is interactive; fetching the bundle only after the first paint keeps it
/// from competing with that paint on a slow phone, and Lighthouse counted
/// the preloaded WASM into LCP (the invitation page: 2.25 s with the
/// preload). The small JS module is still preloaded. A hidden page (a tab
/// opened in the background) paints nothing and hydrates at once.
/// Hydrating waits for a task of its own after the WASM is instantiated:
/// together they made one task long enough to block a phone's main thread
/// for about 180 ms (Lighthouse's 4× slower CPU), apart two shorter ones.
#[component]
pub fn HydrationScript(bundle: String) -> impl IntoView {
    let js = format!("/pkg/{bundle}.js");
    let wasm = format!("/pkg/{bundle}.wasm");
    let script = format!(
        "(function (js, wasm) {{\
           const hydrate = () => import(js).then((m) => m.default({{ module_or_path: wasm }}).then(() => setTimeout(() => m.hydrate(), 0)));\
           if (document.visibilityState === 'hidden') hydrate();\
           else requestAnimationFrame(() => setTimeout(hydrate, 0));\
         }})({js:?}, {wasm:?});"
    );
    view! {
        <link rel="modulepreload" href=js />
        <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitee_pages_get_the_small_bundle_and_the_rest_the_whole_app() {
        let names = AssetNames {
            stylesheet: "roster-1.css".to_string(),
            app: "roster-1".to_string(),
            invitee: Some("invitee-1".to_string()),
            inline_stylesheet: Some(Arc::from("main { }")),
        };
        for path in INVITEE_PATHS {
            assert_eq!(names.bundle_for(path), Some("invitee-1"));
            assert_eq!(
                names.inline_stylesheet_for(path).as_deref(),
                Some("main { }")
            );
        }
        for path in ["/", "/team", "/team/x", "/audit", "/nowhere", "/login/x"] {
            assert_eq!(names.bundle_for(path), Some("roster-1"));
            assert_eq!(names.inline_stylesheet_for(path), None);
        }
        assert_eq!(AssetNames::default().bundle_for("/login"), Some("roster"));
        for path in SCRIPTLESS_PATHS {
            assert_eq!(names.bundle_for(path), None);
            assert_eq!(AssetNames::default().bundle_for(path), None);
            assert!(names.inline_stylesheet_for(path).is_some());
        }
    }
}
