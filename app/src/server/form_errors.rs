//! The error a form posted without JavaScript carries back to its page.
//!
//! A plain form post (one that accepts HTML) to a server function is
//! answered by a redirect back to the form's page, and when it failed,
//! `server_fn` writes the error into that address (`?__path=…&__err=…`),
//! where the page's `ServerAction` finds it and shows it beside its field.
//! But anyone can write an address: a link to `/login` carrying a made-up
//! `Invalid` error would put the linker's words ("your account is locked,
//! call …") under our password field. So the failed post also sets a
//! short-lived cookie holding a digest of the error it sent back, and the
//! server shows a page with a carried error only to a browser holding the
//! matching cookie, once; any other is redirected to the address without
//! it (the server's `form_errors` middleware).

use super::session::cookie;
use super::state::AuthSettings;
use super::token::hash_token;
use crate::wire::AppError;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use leptos::server_fn::error::FromServerFnError as _;

/// The query parameters `server_fn` writes a carried error into.
pub const PATH_PARAMETER: &str = "__path";
pub const ERROR_PARAMETER: &str = "__err";

/// Long enough to follow the redirect on a slow phone, short enough that
/// the cookie is gone when the page is next opened.
const COOKIE_SECONDS: u64 = 60;

/// Whether a request to a server function is a plain form post, which
/// `server_fn` answers with a redirect: the same test it applies.
pub fn is_plain_form_post(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The digest that vouches for `error` (as `server_fn` encodes it into the
/// address) coming from the server function at `path`.
pub fn digest(path: &str, encoded_error: &str) -> String {
    URL_SAFE_NO_PAD.encode(hash_token(&format!("{path}\n{encoded_error}")))
}

/// The `Set-Cookie` value that vouches for `error`, sent back by the server
/// function at `path`.
pub fn vouching_cookie(settings: &AuthSettings, path: &str, error: &AppError) -> String {
    // What `server_fn` puts in `__err`.
    let encoded = URL_SAFE.encode(error.ser());
    let name = settings.form_error_cookie_name();
    cookie(settings, name, &digest(path, &encoded), COOKIE_SECONDS)
}

/// The `Set-Cookie` value that removes the vouching cookie once its page
/// was shown.
pub fn clear_cookie(settings: &AuthSettings) -> String {
    cookie(settings, settings.form_error_cookie_name(), "", 0)
}

/// The error an address carries, decoded: the server function's path and
/// the encoded error, or `None` when it carries neither parameter. A
/// parameter without the other carries an empty one.
pub fn carried(pairs: &[(String, String)]) -> Option<(String, String)> {
    let find = |name: &str| pairs.iter().find(|(key, _)| key == name);
    let (path, error) = (find(PATH_PARAMETER), find(ERROR_PARAMETER));
    if path.is_none() && error.is_none() {
        return None;
    }
    let value = |pair: Option<&(String, String)>| pair.map(|(_, v)| v.clone()).unwrap_or_default();
    Some((value(path), value(error)))
}

/// `path_and_query` without the carried error's parameters, kept as the
/// browser sent them otherwise.
pub fn without_carried(path: &str, query: &str) -> String {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            // Compared decoded, as `carried` reads them: `%5F%5Ferr` is
            // `__err` too, and keeping it would redirect to itself.
            let key = serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("{key}="))
                .ok()
                .and_then(|pairs| pairs.into_iter().next())
                .map_or_else(|| key.to_string(), |(key, _)| key);
            !key.is_empty() && key != PATH_PARAMETER && key != ERROR_PARAMETER
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carried_error_is_stripped_however_its_name_is_encoded() {
        assert_eq!(
            without_carried("/login", "%5F%5Ferr=x&next=%2Fteam"),
            "/login?next=%2Fteam"
        );
        assert_eq!(without_carried("/login", "%5f%5fpath=x"), "/login");
    }

    #[test]
    fn a_carried_error_is_found_and_stripped() {
        let pairs = |q: &[(&str, &str)]| {
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(carried(&pairs(&[("next", "/team")])), None);
        assert_eq!(
            carried(&pairs(&[("__path", "/api/sign_in"), ("__err", "e")])),
            Some(("/api/sign_in".into(), "e".into()))
        );
        assert_eq!(
            carried(&pairs(&[("__err", "e")])),
            Some((String::new(), "e".into()))
        );
        assert_eq!(
            without_carried("/login", "next=%2Fteam&__path=%2Fapi%2Fsign_in&__err=Ik4i"),
            "/login?next=%2Fteam"
        );
        assert_eq!(without_carried("/login", "__err=x&__path=y"), "/login");
    }

    #[test]
    fn the_digest_binds_the_error_to_its_server_function() {
        let settings = AuthSettings::default();
        let error = AppError::InvalidCredentials;
        let encoded = URL_SAFE.encode(error.ser());
        let set = vouching_cookie(&settings, "/api/sign_in", &error);
        let value = digest("/api/sign_in", &encoded);
        assert!(
            set.starts_with(&format!("roster_form_error={value};")),
            "{set}"
        );
        assert!(set.contains("HttpOnly") && set.contains("Max-Age=60"));
        assert_ne!(value, digest("/api/accept", &encoded));
        assert_ne!(
            value,
            digest("/api/sign_in", &URL_SAFE.encode(AppError::Busy.ser()))
        );
        assert!(clear_cookie(&settings).contains("Max-Age=0"));
    }
}
