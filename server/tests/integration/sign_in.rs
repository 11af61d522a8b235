use crate::harness::TestApp;
use app::domain::MembershipStatus;
use app::server::db::memberships;
use app::server::token::hash_token;
use app::wire::AppError;
use reqwest::StatusCode;

#[tokio::test]
async fn signing_in_sets_a_hardened_cookie_and_stores_only_its_hash() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let response = app
        .call(
            "sign_in",
            &[
                ("email", &org.owner_email),
                ("password", &org.password),
                ("next", ""),
            ],
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.location(), Some("/team"));
    let cookie = response
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("roster_session="))
        .expect("cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = response.session_cookie().expect("token");
    assert!(token.len() >= 43, "256 bits, base64url");

    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, vec![hash_token(&token)]);
    let raw_anywhere: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sessions WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%')")
        .bind(&token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!raw_anywhere);

    // Emails match case-insensitively.
    let again = app
        .call(
            "sign_in",
            &[
                ("email", &org.owner_email.to_uppercase()),
                ("password", &org.password),
            ],
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_ne!(
        again.session_cookie(),
        Some(token),
        "a new token at every sign-in"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_identical_answers() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let wrong = app
        .call(
            "sign_in",
            &[
                ("email", &org.owner_email),
                ("password", "not-the-password"),
            ],
            None,
        )
        .await;
    let unknown = app
        .call(
            "sign_in",
            &[
                ("email", "nobody@test.roster.example"),
                ("password", "not-the-password"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.error(), AppError::InvalidCredentials);
    assert!(wrong.session_cookie().is_none() && unknown.session_cookie().is_none());
}

#[tokio::test]
async fn bad_input_names_its_field() {
    let app = TestApp::spawn().await;
    let response = app
        .call(
            "sign_in",
            &[("email", "not-an-email"), ("password", "x")],
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.error().for_field("email").as_deref(),
        Some("Enter an email address like name@example.com.")
    );
    let response = app
        .call(
            "sign_in",
            &[("email", "a@example.com"), ("password", "")],
            None,
        )
        .await;
    assert_eq!(
        response.error().for_field("password").as_deref(),
        Some("Enter your password.")
    );
}

#[tokio::test]
async fn a_disabled_member_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let membership: app::domain::MembershipId = sqlx::query_scalar(
        "SELECT m.id FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email = $1",
    )
    .bind(&org.member_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    memberships::set_status(&app.pool, membership, MembershipStatus::Disabled)
        .await
        .unwrap();
    let response = app
        .call(
            "sign_in",
            &[("email", &org.member_email), ("password", &org.password)],
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(response.error(), AppError::AccessDisabled);
    assert!(response.session_cookie().is_none());
}

#[tokio::test]
async fn a_session_ends_on_the_next_request_after_its_member_is_disabled() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let organisation = org.organisation_id.to_string();
    assert_eq!(
        app.list_team(&organisation, Some(&cookie)).await.status,
        StatusCode::OK
    );

    sqlx::query("UPDATE memberships SET status = 'disabled' WHERE account_id = (SELECT id FROM accounts WHERE email = $1)")
        .bind(&org.admin_email)
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = app.list_team(&organisation, Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.error(), AppError::Unauthenticated);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_a_wait_in_minutes() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    for _ in 0..5 {
        let r = app
            .call(
                "sign_in",
                &[("email", &org.owner_email), ("password", "guess")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while locked.
    let locked = app
        .call(
            "sign_in",
            &[("email", &org.owner_email), ("password", &org.password)],
            None,
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.error(), AppError::RateLimited { minutes: 15 });
    assert_eq!(
        locked.error().to_string(),
        "Too many failed sign-in attempts. Try again in 15 minutes."
    );
    // Other accounts are unaffected.
    assert_eq!(
        app.call(
            "sign_in",
            &[("email", &org.admin_email), ("password", &org.password)],
            None
        )
        .await
        .status,
        StatusCode::OK
    );
}

/// 40 wrong passwords for one account at once: each attempt is checked and
/// counted in one step before its password is hashed, so exactly the limit
/// (5) are judged (401) and every other one is refused as rate-limited
/// (429), however they interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_get_no_more_than_the_limit_judged() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let org = app.organisation().await;
    let attempts: Vec<_> = (0..40)
        .map(|_| {
            let app = app.clone();
            let email = org.owner_email.clone();
            tokio::spawn(async move {
                app.call("sign_in", &[("email", &email), ("password", "guess")], None)
                    .await
                    .status
            })
        })
        .collect();
    let mut judged = 0;
    let mut limited = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            StatusCode::UNAUTHORIZED => judged += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((judged, limited), (5, 35));
    let failures: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sign_in_attempts WHERE email_lower = lower($1) AND NOT succeeded",
    )
    .bind(&org.owner_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(failures, 5, "refused attempts are not counted");
}

/// A right password takes back the attempt it was counted as, so signing
/// in leaves no failure behind for the account or the address.
#[tokio::test]
async fn a_right_password_leaves_no_failure_counted() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    app.sign_in(&org.owner_email, &org.password).await;
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sign_in_attempts WHERE NOT succeeded")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(failures, 0);
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_it() {
    let app = TestApp::spawn_with(app::server::AuthSettings {
        max_failures_per_address: 3,
        ..Default::default()
    })
    .await;
    let org = app.organisation().await;
    for i in 0..3 {
        let email = format!("spray-{i}@test.roster.example");
        app.call("sign_in", &[("email", &email), ("password", "guess")], None)
            .await;
    }
    let locked = app
        .call(
            "sign_in",
            &[("email", &org.owner_email), ("password", &org.password)],
            None,
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn only_local_next_paths_are_followed() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    for (next, expected) in [
        ("/team?tab=inactive", "/team?tab=inactive"),
        ("//evil.example/x", "/team"),
        ("/\\evil.example", "/team"),
        ("https://evil.example", "/team"),
        ("/\t/evil.example", "/team"),
    ] {
        let r = app
            .call(
                "sign_in",
                &[
                    ("email", &org.owner_email),
                    ("password", &org.password),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(r.location(), Some(expected), "next={next:?}");
    }
}

#[tokio::test]
async fn sign_in_and_sign_out_are_audited_and_sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    app.call(
        "sign_in",
        &[("email", &org.owner_email), ("password", "wrong")],
        None,
    )
    .await;
    let cookie = app.sign_in(&org.owner_email, &org.password).await;
    let out = app.call("sign_out", &[], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(out.location(), Some("/login"));
    assert!(out
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("roster_session=;") && c.contains("Max-Age=0")));

    let after = app
        .list_team(&org.organisation_id.to_string(), Some(&cookie))
        .await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );

    let actions: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT action, request_id, client_ip FROM audit_events WHERE action LIKE 'sign%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let names: Vec<&str> = actions.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(names, ["sign_in.failed", "sign_in", "sign_out"]);
    for (_, request_id, client_ip) in &actions {
        assert_eq!(request_id.as_deref().map(str::len), Some(16));
        assert_eq!(client_ip.as_deref(), Some("127.0.0.1"));
    }
}
