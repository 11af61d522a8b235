//! Pages that carry a form's error in their address show it only to the
//! browser whose post failed (see [`app::server::form_errors`]).

use app::domain::next_path::BACK_PARAMETER;
use app::server::form_errors::{
    carried, clear_cookie, digest, is_plain_form_post, without_carried,
};
use app::server::request::cookie_value;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::ServerState;

/// A GET of a page whose address carries an error: shown (once: the
/// vouching cookie is cleared) when the browser's cookie vouches for it,
/// otherwise redirected to the same address without it. Everything else
/// passes untouched.
pub async fn vouch(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let carried = request
        .uri()
        .query()
        .filter(|_| is_read)
        .and_then(|_| Query::<Vec<(String, String)>>::try_from_uri(request.uri()).ok())
        .and_then(|Query(pairs)| carried(&pairs));
    let Some((path, error)) = carried else {
        return next.run(request).await;
    };
    let auth = &state.app.auth;
    let held = cookie_value(request.headers(), auth.form_error_cookie_name());
    if held.is_some_and(|held| held == digest(&path, &error)) {
        let mut response = next.run(request).await;
        if let Ok(clear) = HeaderValue::from_str(&clear_cookie(auth)) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
        return response;
    }
    let uri = request.uri();
    // The edge refuses ambiguous paths already; checked again here because
    // this is where a request path becomes a `Location`.
    let path = if is_plain_path(uri.path()) {
        uri.path()
    } else {
        "/"
    };
    Redirect::to(&without_carried(path, uri.query().unwrap_or_default())).into_response()
}

/// A plain form post whose form named its page (`?__back=…`, see
/// `app::ui::post`) gets that page as its `Referer`, so that `server_fn`
/// sends it back there (with its error, when it failed): a token's page
/// sends only its origin as the Referer, which would land the post on `/`.
/// Only a plain path on this site is taken, and only after
/// `refuse_cross_site` let the post through: this can send it nowhere but
/// here.
pub async fn come_back(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if request.method() == Method::POST && is_plain_form_post(headers) {
        let back = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
            .ok()
            .and_then(|Query(pairs)| pairs.into_iter().find(|(key, _)| key == BACK_PARAMETER))
            .map(|(_, back)| back);
        let referer = back.and_then(|back| {
            let (path, query) = back.split_once('?').unwrap_or((&back, ""));
            is_plain_path(path).then(|| {
                format!(
                    "{}{}",
                    state.security.public_origin,
                    without_carried(path, query)
                )
            })
        });
        if let Some(value) = referer.and_then(|r| HeaderValue::from_str(&r).ok()) {
            request.headers_mut().insert(header::REFERER, value);
        }
    }
    next.run(request).await
}

/// Whether `path` (as the request line spells it, percent-encoding and
/// all) is a path on this site whichever way a browser reads it: it starts
/// with one `/`, and neither it nor its decoded form starts with a second
/// slash or a backslash, or holds a backslash or a control character.
pub fn is_plain_path(path: &str) -> bool {
    let decoded = percent_decoded(path);
    app::domain::next_path::safe_next_path(path).is_some()
        && app::domain::next_path::safe_next_path(&decoded).is_some()
}

/// `path` with every `%XX` decoded (repeatedly, so `%252F` counts as `/`),
/// lossily: only for judging, never for routing.
fn percent_decoded(path: &str) -> String {
    let mut current = path.to_string();
    for _ in 0..3 {
        let bytes = current.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
                (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                    let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                    out.push(u8::try_from(value).unwrap_or(b'?'));
                    i += 3;
                }
                (b, _, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        let next = String::from_utf8_lossy(&out).into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::is_plain_path;

    #[test]
    fn paths_a_browser_could_read_as_another_host_are_not_plain() {
        for good in ["/", "/team", "/login", "/a/b//c", "/team%20x", "/invite"] {
            assert!(is_plain_path(good), "{good}");
        }
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/%09/evil.example",
            "",
        ] {
            assert!(!is_plain_path(bad), "{bad}");
        }
    }
}
