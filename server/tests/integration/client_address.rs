//! Which address a request is counted and recorded under (issue 13, item
//! 6). The test client connects from 127.0.0.1; trusting that address
//! makes every request arrive "through a proxy".

use crate::harness::TestApp;
use app::server::AuthSettings;
use reqwest::StatusCode;
use server::http::client_address::{parse_trusted_proxies, ClientAddresses, ClientIpHeader};

/// Signs in with `headers` and returns the address the session and the
/// audit row recorded.
async fn recorded_address(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let org = app.organisation().await;
    let response = app
        .call_with(
            "sign_in",
            &[("email", &org.owner_email), ("password", &org.password)],
            headers,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let session: String = sqlx::query_scalar(
        "SELECT s.client_ip FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE lower(a.email) = lower($1)",
    )
    .bind(&org.owner_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let audited: String = sqlx::query_scalar(
        "SELECT client_ip FROM audit_events
          WHERE action = 'sign_in' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(session, audited, "the session and the audit trail agree");
    session
}

fn behind(trusted: &str, header: ClientIpHeader) -> ClientAddresses {
    ClientAddresses::new(parse_trusted_proxies(trusted).unwrap(), header)
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = TestApp::spawn().await;
    let recorded = recorded_address(
        &app,
        &[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=198.51.100.1"),
        ],
    )
    .await;
    assert_eq!(recorded, "127.0.0.1");

    // Nor does it escape the address's limit: failures sent with ever
    // new "addresses" all count against 127.0.0.1.
    let app = TestApp::spawn_with(AuthSettings {
        free_failures_per_address: 3,
        ..Default::default()
    })
    .await;
    let org = app.organisation().await;
    for i in 0..3 {
        let email = format!("spray-{i}@test.roster.example");
        let spoof = format!("203.0.113.{i}");
        app.call_with(
            "sign_in",
            &[("email", &email), ("password", "guess")],
            &[("x-forwarded-for", &spoof)],
        )
        .await;
    }
    let limited = app
        .call_with(
            "sign_in",
            &[("email", &org.owner_email), ("password", &org.password)],
            &[("x-forwarded-for", "203.0.113.200")],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_trusted_proxy_chain_is_read_rightmost_first() {
    let app = TestApp::spawn_behind_proxy(behind(
        "127.0.0.1/32, 10.0.0.0/8",
        ClientIpHeader::XForwardedFor,
    ))
    .await;
    // The client forged the first entry; our proxies added the last two.
    let recorded = recorded_address(
        &app,
        &[("x-forwarded-for", "192.0.2.66, 203.0.113.9, 10.1.2.3")],
    )
    .await;
    assert_eq!(recorded, "203.0.113.9");
}

#[tokio::test]
async fn the_forwarded_header_when_configured_with_ipv4_mapped_addresses_as_ipv4() {
    let app = TestApp::spawn_behind_proxy(behind("127.0.0.1", ClientIpHeader::Forwarded)).await;
    let recorded = recorded_address(
        &app,
        &[
            (
                "forwarded",
                r#"for="[::ffff:198.51.100.23]:4711";proto=https"#,
            ),
            // Not the configured header: ignored.
            ("x-forwarded-for", "203.0.113.9"),
        ],
    )
    .await;
    assert_eq!(recorded, "198.51.100.23");
}

/// One IPv6 subscriber holds a whole /64: failures from different
/// addresses in it count as one client's.
#[tokio::test]
async fn ipv6_clients_are_limited_by_their_64() {
    let app = TestApp::spawn_behind_proxy(behind("127.0.0.1", ClientIpHeader::XForwardedFor)).await;
    for i in 1..=3 {
        let email = format!("spray-{i}@test.roster.example");
        let client = format!("2001:db8:5:6::{i:x}");
        app.call_with(
            "sign_in",
            &[("email", &email), ("password", "guess")],
            &[("x-forwarded-for", &client)],
        )
        .await;
    }
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT client_ip FROM sign_in_attempts WHERE NOT succeeded")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(keys, vec!["2001:db8:5:6::/64".to_string()]);
    // Audit rows keep the address itself.
    let recorded = recorded_address(&app, &[("x-forwarded-for", "2001:db8:5:6::abcd")]).await;
    assert_eq!(recorded, "2001:db8:5:6::abcd");
}

/// The host and scheme come from `PUBLIC_BASE_URL`, never from a proxy's
/// headers: `X-Forwarded-Host` cannot make a foreign `Host` ours.
#[tokio::test]
async fn forwarded_host_and_proto_are_never_read() {
    let app = TestApp::spawn_behind_proxy(behind("127.0.0.1", ClientIpHeader::XForwardedFor)).await;
    let ours = app.base.trim_start_matches("http://").to_string();
    let forged = app
        .client
        .get(app.url("/login"))
        .header("host", "evil.example")
        .header("x-forwarded-host", &ours)
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::MISDIRECTED_REQUEST);
    let fine = app
        .client
        .get(app.url("/login"))
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), StatusCode::OK);
    // And the page's links still point at our own address.
    let page = fine.text().await.unwrap();
    assert!(
        !page.contains("evil.example"),
        "no forwarded host in the page"
    );
}
