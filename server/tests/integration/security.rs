use crate::harness::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let form = [
        ("email", org.owner_email.as_str()),
        ("password", org.password.as_str()),
    ];
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
    ] {
        let response = app
            .client
            .post(app.url("/api/sign_in"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
        assert!(response.headers().get("set-cookie").is_none());
    }
    let ours = app
        .client
        .post(app.url("/api/sign_in"))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ours.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_a_nonce_based_content_security_policy() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for directive in [
        "'strict-dynamic'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        // Styles: the site's files, and a page's own inline stylesheet.
        "style-src 'self' 'nonce-",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce")
        .to_string();
    assert!(nonce.len() >= 16);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cross-origin-resource-policy"], "same-origin");
    assert!(headers.contains_key("referrer-policy"));
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(headers["cache-control"], "no-store");
    let body = response.text().await.unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the header's nonce"
    );

    let second = app.client.get(app.url("/login")).send().await.unwrap();
    assert!(
        !second.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce),
        "a new nonce per response"
    );
}

#[tokio::test]
async fn other_responses_get_a_deny_all_policy_and_no_hsts_over_http() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert!(!response.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn responses_are_compressed() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip")] {
        let response = app
            .client
            .get(app.url("/login"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], expected);
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited_or_deleted() {
    let app = TestApp::spawn().await;
    app.organisation().await;
    for statement in [
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        // Two walls. The server's role lacks the privilege (SQLSTATE 42501,
        // insufficient_privilege)...
        let error = sqlx::query(statement)
            .execute(&app.pool)
            .await
            .expect_err(statement);
        let db = error
            .as_database_error()
            .unwrap_or_else(|| panic!("{statement}: {error}"));
        assert_eq!(db.code().as_deref(), Some("42501"), "{statement}: {db}");
        // ...and the owner, who has it, meets the append-only trigger's own
        // refusal (RAISE EXCEPTION, SQLSTATE P0001).
        let error = sqlx::query(statement)
            .execute(&app.owner_pool)
            .await
            .expect_err(statement);
        let db = error
            .as_database_error()
            .unwrap_or_else(|| panic!("{statement}: {error}"));
        assert_eq!(db.code().as_deref(), Some("P0001"), "{statement}: {db}");
        assert_eq!(db.message(), "audit_events is append-only", "{statement}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "organisation.created is still there");
}

#[tokio::test]
async fn emails_are_unique_regardless_of_case() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let dup = sqlx::query("INSERT INTO accounts (email, display_name) VALUES ($1, 'Copy')")
        .bind(org.owner_email.to_uppercase())
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert!(app::server::error::is_unique_violation(&dup));
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_except_the_health_check() {
    let app = TestApp::spawn().await;
    // A DNS-rebinding page: the browser sends the attacker's host name.
    for path in ["/login", "/api/session", "/team/export.csv"] {
        let response = app
            .client
            .get(app.url(path))
            .header("host", "rebound.evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{path}");
    }
    let health = app
        .client
        .get(app.url("/healthz"))
        .header("host", "10.0.0.7:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Our own host, as the harness's base URL names it, is served.
    let ours = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(ours.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_health_check_tells_how_mail_stands() {
    let app = TestApp::spawn().await;
    let detail = app.get_text("/healthz?detail").await;
    assert!(detail.starts_with("ok\n"), "{detail}");
    assert!(
        detail.contains("mail: dev-mailbox: 0 emails waiting"),
        "{detail}"
    );
    let plain = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(plain.text().await.unwrap(), "ok");
}

/// Exports write an audit row, so a page on another site must not be able
/// to make an admin's browser fetch one; the admin's own page still can.
#[tokio::test]
async fn a_cross_site_page_cannot_start_an_export() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    for path in ["/audit/export.csv", "/team/export.csv"] {
        let export = |site: &'static str| {
            app.client
                .get(app.url(path))
                .header("cookie", format!("roster_session={owner}"))
                .header("sec-fetch-site", site)
                .send()
        };
        assert_eq!(
            export("cross-site").await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            export("same-origin").await.unwrap().status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let exported: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action IN ('team.exported', 'audit.exported')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(exported, 2, "only the same-origin exports were recorded");
}

/// Sends `target` as the request line's path, byte for byte (no client
/// library normalises it), and returns the status and `Location`.
async fn raw_get(app: &TestApp, target: &str) -> (u16, Option<String>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let authority = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = answer
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("location"))
        })
        .map(|(_, value)| value.trim().to_string());
    (status, location)
}

#[tokio::test]
async fn no_request_path_redirects_off_the_site() {
    let app = TestApp::spawn().await;
    for target in [
        "//evil.example/x?__err=1",
        "//evil.example/x?__path=%2Fapi%2Fsign_in&__err=1",
        "/\\evil.example/x?__err=1",
        "/%2F/evil.example/x?__err=1",
        "/%2f%2fevil.example?__err=1",
        "/%5Cevil.example?__err=1",
        "/%252F%252Fevil.example?__err=1",
        "/%09/evil.example?__err=1",
        "//evil.example/login",
    ] {
        let (status, location) = raw_get(&app, target).await;
        assert!(
            (400..500).contains(&status),
            "{target}: answered {status} {location:?}"
        );
        if let Some(location) = location {
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.starts_with("/\\"),
                "{target}: Location {location}"
            );
        }
    }
    // A plain page with a carried error still goes back to its own path.
    let (status, location) = raw_get(&app, "/login?__err=1").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/login"));
}
