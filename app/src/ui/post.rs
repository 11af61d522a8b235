//! Forms and page data that reach server functions with a plain `fetch`,
//! without `server_fn`'s client, `ActionForm` or `ServerAction`.
//!
//! Why: the invitee pages are downloaded on phones, and that client (its
//! request builder, `serde_qs` both ways, the action machinery) was about
//! a tenth of their bundle. What these pages need is small: a form that
//! posts its fields as the browser encodes them, a redirect followed as a
//! page load, and the answer or the [`AppError`] shown in place.
//!
//! The protocol is `server_fn`'s own, so the server functions are
//! unchanged: a URL-encoded POST to `S::PATH` accepting JSON; a redirect
//! comes back as `Location` with the `serverfnredirect` header; an error
//! as its status and the error's JSON. A form posted before the bundle
//! has loaded (or without JavaScript) is a plain form post; its error
//! comes back in the page's address (`?__path=…&__err=…`, vouched for by
//! the server), and [`Post::new`] shows it as if it had just been posted.

use super::location::use_page_query;
use crate::wire::{AppError, ShownError};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::ServerFn;

/// One form's posts to the server function `S`: whether one is under way,
/// and the latest answer.
pub struct Post<S: ServerFn> {
    pending: RwSignal<bool>,
    outcome: RwSignal<Option<Result<S::Output, ShownError>>>,
}

impl<S: ServerFn> Clone for Post<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn> Copy for Post<S> {}

impl<S> Post<S>
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    /// A form with no answer yet, or with the error a plain form post to
    /// `S` brought back in the page's address.
    pub fn new() -> Self {
        Self {
            pending: RwSignal::new(false),
            outcome: RwSignal::new(carried_error(S::PATH).map(Err)),
        }
    }

    /// Whether a post is under way (the submit button is disabled).
    pub fn pending(self) -> bool {
        self.pending.get()
    }

    /// Whether the latest post succeeded.
    pub fn succeeded(self) -> bool {
        self.outcome.with(|outcome| matches!(outcome, Some(Ok(_))))
    }

    /// The latest post's error, for [`super::field::FormErrors::shown`].
    pub fn error(self) -> Signal<Option<ShownError>> {
        let outcome = self.outcome;
        Signal::derive(move || {
            outcome.with(|outcome| outcome.as_ref().and_then(|r| r.as_ref().err().cloned()))
        })
    }

    /// Posts `body` (URL-encoded fields) and keeps the answer.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn send(self, body: String) {
        self.pending.set(true);
        leptos::task::spawn_local(async move {
            let answer = fetch::<S::Output>(S::PATH, body).await;
            // A redirect: the page is being replaced, so it stays pending.
            if let Some(answer) = answer {
                self.pending.set(false);
                self.outcome.set(Some(answer));
            }
        });
    }
}

/// A form that posts to the server function `S`: a plain form until the
/// bundle has hydrated it, then a post in place (see [`Post`]).
#[component]
pub fn PostForm<S>(post: Post<S>, children: Children) -> impl IntoView
where
    S: ServerFn<Error = AppError> + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            // The browser encodes the form's fields, as a plain post would.
            let Some(body) = web_sys::FormData::new_with_form(&form)
                .and_then(|data| web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data))
                .ok()
            else {
                return;
            };
            ev.prevent_default();
            post.send(String::from(body.to_string()));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, post);
    };
    view! {
        <form method="post" action=form_action(S::PATH) on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The address a plain post of a form to the server function at `path`
/// goes to: with the page's own address, to come back to without a
/// `Referer` (see [`crate::domain::next_path::BACK_PARAMETER`]). Only the
/// server's rendering counts: hydrating leaves an attribute the server
/// wrote as it is, and a hydrated form posts in place, so the browser's
/// build carries none of this.
#[cfg(feature = "ssr")]
fn form_action(path: &str) -> String {
    let back = use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.path_and_query().map(|p| p.as_str().to_string()))
        .and_then(|back| {
            serde_urlencoded::to_string([(crate::domain::next_path::BACK_PARAMETER, back)]).ok()
        });
    match back {
        Some(back) => format!("{path}?{back}"),
        None => path.to_string(),
    }
}

#[cfg(not(feature = "ssr"))]
fn form_action(path: &str) -> String {
    path.to_string()
}

/// Calls the server function `S`: its body, while the server renders a
/// page; a post from the browser. For resources and other calls that are
/// not a form's.
pub async fn call<S>(args: S) -> Result<S::Output, ShownError>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Output: DeserializeOwned,
{
    #[cfg(feature = "ssr")]
    return args.run_body().await.map_err(ShownError::from);
    #[cfg(not(feature = "ssr"))]
    {
        let body = serde_urlencoded::to_string(&args).map_err(|_| ShownError::transport())?;
        // A redirect leaves the page: there is nothing more to show.
        match fetch::<S::Output>(S::PATH, body).await {
            Some(answer) => answer,
            None => std::future::pending().await,
        }
    }
}

/// Posts `body` to `path` the way `server_fn`'s client does; `None` when
/// the server redirected, which this follows as a page load.
#[cfg(feature = "hydrate")]
async fn fetch<T: DeserializeOwned>(path: &str, body: String) -> Option<Result<T, ShownError>> {
    // The browser's futures stay on its one thread; resources ask for
    // `Send`.
    let (ok, text) = match send_wrapper::SendWrapper::new(browser::post(path, &body)).await {
        Ok(browser::Answer::Redirected) => return None,
        Ok(browser::Answer::Body { ok, text }) => (ok, text),
        Err(error) => return Some(Err(error)),
    };
    Some(if ok {
        serde_json::from_str(&text).map_err(|_| ShownError::transport())
    } else {
        Err(decode_error(&text))
    })
}

/// Outside a browser nothing is posted (the server renders with [`call`]'s
/// direct path).
#[cfg(not(feature = "hydrate"))]
async fn fetch<T: DeserializeOwned>(_path: &str, _body: String) -> Option<Result<T, ShownError>> {
    Some(Err(ShownError::transport()))
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::wire::ShownError;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub enum Answer {
        /// The server sent the browser elsewhere; it is going there.
        Redirected,
        Body {
            ok: bool,
            text: String,
        },
    }

    /// The header `server_fn` marks a redirect with, for its client.
    const REDIRECT_HEADER: &str = "serverfnredirect";

    fn unreachable(_: JsValue) -> ShownError {
        ShownError::transport()
    }

    pub async fn post(path: &str, body: &str) -> Result<Answer, ShownError> {
        let window = web_sys::window().ok_or_else(|| unreachable(JsValue::NULL))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        headers
            .set("content-type", "application/x-www-form-urlencoded")
            .map_err(unreachable)?;
        headers
            .set("accept", "application/json")
            .map_err(unreachable)?;
        init.set_headers(&headers);
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(path, &init))
                .await
                .and_then(JsCast::dyn_into)
                .map_err(unreachable)?;
        let headers = response.headers();
        if headers.has(REDIRECT_HEADER).unwrap_or(false) {
            if let Ok(Some(location)) = headers.get("location") {
                let _ = window.location().set_href(&location);
                return Ok(Answer::Redirected);
            }
        }
        let text = JsFuture::from(response.text().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default();
        Ok(Answer::Body {
            ok: response.ok(),
            text,
        })
    }
}

/// The error a plain form post to the server function at `path` brought
/// back in the page's address, if any.
fn carried_error(path: &str) -> Option<ShownError> {
    let query = use_page_query();
    // Read once: the form starts with it, a later post replaces it.
    let (carried_path, encoded) = untrack(|| (query.get("__path"), query.get("__err")));
    if carried_path.as_deref() != Some(path) {
        return None;
    }
    let encoded = encoded?;
    let json = String::from_utf8(decode_base64_url(&encoded)?).ok()?;
    Some(decode_error(&json))
}

/// An error's answer (`AppError`'s wire form), as it reads: all a form
/// shows. One decoder for every path an error takes.
fn decode_error(json: &str) -> ShownError {
    serde_json::from_str(json).unwrap_or_else(|_| ShownError::transport())
}

/// Base64 with the URL-safe alphabet, padded or not: how `server_fn`
/// writes a carried error. A few lines here instead of a crate in the
/// bundle.
fn decode_base64_url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut bits = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            bits |= value(c)? << (18 - 6 * i);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

// The server's `base64` is the reference.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::decode_base64_url;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    #[test]
    fn decodes_what_server_fn_encodes_into_an_address() {
        for text in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "{\"Invalid\":{\"field\":\"é\"}}",
            "\u{ff}\u{fe}?>",
        ] {
            let bytes = text.as_bytes();
            assert_eq!(
                decode_base64_url(&URL_SAFE.encode(bytes)).as_deref(),
                Some(bytes)
            );
            assert_eq!(
                decode_base64_url(&URL_SAFE_NO_PAD.encode(bytes)).as_deref(),
                Some(bytes)
            );
        }
        assert_eq!(decode_base64_url("a"), None);
        assert_eq!(decode_base64_url("ab+/"), None);
    }
}
