//! `/dev/mailbox`: the emails Roster would have sent, for trying Roster on
//! one machine (`ROSTER_MAIL=dev-mailbox`). The routes exist only with that
//! transport, and answer only requests from this machine.

use super::ServerState;
use app::server::email_templates::escape_html;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;

/// Adds the mailbox's two pages to `router`.
pub fn routes(router: Router<ServerState>) -> Router<ServerState> {
    router
        .route("/dev/mailbox", get(list))
        .route("/dev/mailbox/{id}", get(html))
}

/// Whether the request comes from this machine. The dev mailbox shows
/// every email's link, so it answers only local browsers, and nothing a
/// proxy passed on: a proxy on this machine would make every visitor look
/// local.
fn is_local(request: &Request) -> bool {
    const PROXY_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];
    let proxied = PROXY_HEADERS
        .iter()
        .any(|name| request.headers().contains_key(*name));
    !proxied
        && request
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
async fn list(State(state): State<ServerState>, request: Request) -> Response {
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
async fn html(State(state): State<ServerState>, Path(id): Path<u64>, request: Request) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_text_is_escaped_and_links_are_clickable() {
        assert_eq!(
            linkify("Go <now>:\nhttp://x.example/invite?token=a&b=1 ok"),
            "Go &lt;now&gt;:\n<a href=\"http://x.example/invite?token=a&amp;b=1\">http://x.example/invite?token=a&amp;b=1</a> ok"
        );
    }
}
