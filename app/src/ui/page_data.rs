//! A page's data, loaded by the server before rendering (see
//! `server::page_data`) and carried in the page for hydration: read
//! synchronously on both sides, so the invitee pages need no resources.

use crate::wire::ShownError;
use serde::de::DeserializeOwned;

/// The id of the `<script type="application/json">` in the page's head
/// that carries the data, with the path it belongs to in `data-path`.
pub const ELEMENT_ID: &str = "page-data";

/// This page's data, as its view function answered on the server. `None`
/// in the browser when the page was reached without a page load (a link
/// followed by `App`'s router): it is then loaded from the server.
pub fn page_data<T: DeserializeOwned>() -> Option<Result<T, ShownError>> {
    let json = carried();
    if json.is_none() {
        super::location::load_from_server();
    }
    Some(serde_json::from_str(&json?).unwrap_or_else(|_| Err(ShownError::transport())))
}

/// The JSON the shell puts in the page's head (on the server), made safe to sit inside a
/// `<script>` element: `<` appears only inside JSON strings, where
/// `\u003c` means the same.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub fn script_text(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The JSON the server loaded for the page it is rendering (the shell
/// carries it into the page, the page renders it).
#[cfg(feature = "ssr")]
pub fn carried() -> Option<String> {
    use crate::server::page_data::PageData;
    use leptos::prelude::use_context;
    use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<PageData>()
            .map(|data| data.0.clone())
    })
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn carried() -> Option<String> {
    let window = web_sys::window()?;
    let element = window.document()?.get_element_by_id(ELEMENT_ID)?;
    // The page's own data, not that of the page first loaded.
    let path = window.location().pathname().ok()?;
    (element.get_attribute("data-path")? == path).then(|| element.text_content())?
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn carried() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::script_text;

    #[test]
    fn the_carried_json_cannot_close_its_script_element() {
        let json = r#"{"Ok":{"name":"</script><script>alert(1)</script>"}}"#;
        let text = script_text(json);
        assert!(!text.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
