use crate::harness::{eventually, ApiResponse, TestApp};
use app::domain::MembershipStatus;
use app::server::db::memberships;
use app::server::token::hash_token;
use app::wire::AppError;
use reqwest::StatusCode;
use std::time::Duration;

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

/// Moves every recorded attempt (and delay notice) `seconds` into the
/// past, instead of sleeping.
async fn shift_attempts(app: &TestApp, seconds: i64) {
    sqlx::query(
        "UPDATE sign_in_attempts SET attempted_at = attempted_at - make_interval(secs => $1)",
    )
    .bind(seconds as f64)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Makes the latest failure happen now: a wait is then checked in full,
/// however slowly the machine ran the attempt before.
async fn latest_failure_now(app: &TestApp) {
    sqlx::query(
        "UPDATE sign_in_attempts SET attempted_at = now()
          WHERE id = (SELECT max(id) FROM sign_in_attempts WHERE NOT succeeded)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
}

fn retry_after(response: &ApiResponse) -> Option<u64> {
    response
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Five wrong passwords are free; then each failure doubles the wait
/// (1 s, 2 s, 4 s, …, at most 15 minutes), answered at once with 429 and
/// `Retry-After`, and never a lock that outlives its wait.
#[tokio::test]
async fn failures_past_five_wait_a_doubling_delay_up_to_fifteen_minutes() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    for _ in 0..5 {
        let r = app.try_sign_in(&org.owner_email, "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    for expected in [1, 2, 4, 8] {
        latest_failure_now(&app).await;
        // Even the right password waits.
        let waiting = app.try_sign_in(&org.owner_email, &org.password).await;
        assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&waiting), Some(expected));
        assert_eq!(
            waiting.error(),
            AppError::RateLimited {
                seconds: expected as u32
            }
        );
        shift_attempts(&app, expected as i64).await;
        let judged = app.try_sign_in(&org.owner_email, "guess").await;
        assert_eq!(judged.status, StatusCode::UNAUTHORIZED, "after the wait");
    }
    // Many more failures: the wait stops growing at 15 minutes.
    sqlx::query(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded)
         SELECT lower($1), '198.51.100.1', false FROM generate_series(1, 20)",
    )
    .bind(&org.owner_email)
    .execute(&app.pool)
    .await
    .unwrap();
    let capped = app.try_sign_in(&org.owner_email, &org.password).await;
    assert_eq!(retry_after(&capped), Some(900));
    assert_eq!(
        capped.error().to_string(),
        "Too many failed sign-in attempts. Try again in 15 minutes."
    );
    // Other accounts are unaffected.
    assert_eq!(
        app.try_sign_in(&org.admin_email, &org.password)
            .await
            .status,
        StatusCode::OK
    );
    // And once the wait is over, the right password signs in.
    shift_attempts(&app, 900).await;
    assert_eq!(
        app.try_sign_in(&org.owner_email, &org.password)
            .await
            .status,
        StatusCode::OK
    );
}

/// Someone guessing an account's password cannot keep its owner out: a
/// browser that signed in to the account before carries a device cookie
/// and skips the account's delay, though not its address's.
#[tokio::test]
async fn a_browser_that_signed_in_before_skips_the_account_delay() {
    let app = TestApp::spawn_with(app::server::AuthSettings {
        free_failures_per_address: 8,
        ..Default::default()
    })
    .await;
    let org = app.organisation().await;
    let first = app.try_sign_in(&org.owner_email, &org.password).await;
    let device = first
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("roster_device="))
        .expect("a device cookie");
    assert!(
        device.contains("HttpOnly")
            && device.contains("SameSite=Lax")
            && device.contains("Max-Age=31536000"),
        "{device}"
    );
    let device = device.split(';').next().unwrap().to_string();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM known_devices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "only its hash is kept");

    for _ in 0..6 {
        app.try_sign_in(&org.owner_email, "guess").await;
    }
    let sign_in = |cookie: Option<String>| {
        let app = &app;
        let email = org.owner_email.clone();
        let password = org.password.clone();
        async move {
            let headers: Vec<(&str, String)> = cookie.into_iter().map(|c| ("cookie", c)).collect();
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_with(
                "sign_in",
                &[("email", &email), ("password", &password)],
                &headers,
            )
            .await
        }
    };
    assert_eq!(sign_in(None).await.status, StatusCode::TOO_MANY_REQUESTS);
    let forged = sign_in(Some(
        "roster_device=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
    ))
    .await;
    assert_eq!(
        forged.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up device is nobody's"
    );
    assert_eq!(sign_in(Some(device.clone())).await.status, StatusCode::OK);

    // The address's own delay still holds for it: 8 free, then waits.
    sqlx::query(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded)
         SELECT 'spray-' || i || '@test.roster.example', '127.0.0.1', false
           FROM generate_series(1, 8) i",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        sign_in(Some(device)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// When the delay starts, the account's owner hears of it, at most once a
/// day however the guessing goes on.
#[tokio::test]
async fn the_owner_is_emailed_once_a_day_when_the_delay_starts() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let notices = || {
        app.mailbox
            .list()
            .into_iter()
            .filter(|e| {
                e.to == org.owner_email && e.subject == "Failed sign-ins to your Roster account"
            })
            .count()
    };
    let five_wrong = || async {
        for _ in 0..5 {
            assert_eq!(
                app.try_sign_in(&org.owner_email, "guess").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
    };
    five_wrong().await;
    eventually(Duration::from_secs(10), || async {
        (notices() == 1).then_some(())
    })
    .await
    .expect("one notice");
    let text = &app.mailbox.list()[0].text;
    assert!(
        text.contains("wrong password") && text.contains("/forgot-password"),
        "{text}"
    );

    // A success, then five more failures the same day: no second email.
    shift_attempts(&app, 1000).await;
    app.sign_in(&org.owner_email, &org.password).await;
    five_wrong().await;
    // A day later, one more.
    sqlx::query("UPDATE sign_in_delay_notices SET notified_at = notified_at - interval '25 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    shift_attempts(&app, 1000).await;
    app.sign_in(&org.owner_email, &org.password).await;
    five_wrong().await;
    eventually(Duration::from_secs(10), || async {
        (notices() == 2).then_some(())
    })
    .await
    .expect("a second notice a day later");
    // Unknown emails reach nobody.
    for _ in 0..5 {
        app.try_sign_in("nobody@test.roster.example", "guess").await;
    }
    app.background_done().await;
    assert!(app
        .mailbox
        .list()
        .iter()
        .all(|e| e.to != "nobody@test.roster.example"));
}

/// 40 wrong passwords for one account at once: each attempt is checked and
/// counted in one step before its password is hashed, so exactly the limit
/// (5) are judged (401) and every other one is refused as rate-limited
/// (429), however they interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_get_no_more_than_the_limit_judged() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let org = app.organisation().await;
    let started = std::time::Instant::now();
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
    // After the fifth failure the next waits 1 s: only a machine so slow
    // that the burst outlasts that second may judge one more.
    if started.elapsed() < Duration::from_secs(1) {
        assert_eq!((judged, limited), (5, 35));
    } else {
        assert!(judged <= 6 && judged + limited == 40, "{judged} judged");
    }
    let failures: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sign_in_attempts WHERE email_lower = lower($1) AND NOT succeeded",
    )
    .bind(&org.owner_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        failures,
        i64::from(judged),
        "refused attempts are not counted"
    );
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
        free_failures_per_address: 3,
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

/// Attempt rows are kept 30 days, then purged; the lookups that decide a
/// wait use an index, not a scan of the table.
#[tokio::test]
async fn old_attempts_are_purged_and_the_lookups_are_indexed() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "INSERT INTO sign_in_attempts (email_lower, client_ip, succeeded, attempted_at)
         VALUES ('old@test.roster.example', '192.0.2.1', false, now() - interval '31 days'),
                ('new@test.roster.example', '192.0.2.1', false, now() - interval '29 days')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO password_reset_requests (client_ip, requested_at)
         VALUES ('192.0.2.1', now() - interval '31 days'), ('192.0.2.1', now())",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // The worker purges at start too, so it may have been first.
    server::housekeeping::run_once(&app.pool).await.unwrap();
    let left: Vec<String> = sqlx::query_scalar("SELECT email_lower FROM sign_in_attempts")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, vec!["new@test.roster.example".to_string()]);
    let resets: i64 = sqlx::query_scalar("SELECT count(*) FROM password_reset_requests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(resets, 1);

    let mut conn = app.pool.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    for (query, index) in [
        (
            "EXPLAIN SELECT max(attempted_at) FROM sign_in_attempts WHERE email_lower = 'a' AND succeeded",
            "sign_in_attempts_email_success",
        ),
        (
            "EXPLAIN SELECT attempted_at FROM sign_in_attempts WHERE email_lower = 'a' AND NOT succeeded AND attempted_at > now() - interval '1 day'",
            "sign_in_attempts_email",
        ),
        (
            "EXPLAIN SELECT attempted_at FROM sign_in_attempts WHERE client_ip = 'a' AND NOT succeeded AND attempted_at > now() - interval '1 day'",
            "sign_in_attempts_ip",
        ),
        (
            "EXPLAIN DELETE FROM sign_in_attempts WHERE attempted_at < now() - interval '30 days'",
            "sign_in_attempts_age",
        ),
    ] {
        let plan: Vec<String> = sqlx::query_scalar(query).fetch_all(&mut *conn).await.unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains(index), "{query}\n{plan}");
    }
}

/// A new password is not known to the browsers that signed in with the old
/// one: a reset forgets them all, a change on the profile page all but the
/// browser that made it.
#[tokio::test]
async fn a_new_password_forgets_the_browsers_known_to_the_old_one() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let device_of = |response: &ApiResponse| {
        response
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("roster_device="))
            .and_then(|c| c.split(';').next().map(str::to_string))
            .expect("a device cookie")
    };
    let laptop = app.try_sign_in(&org.member_email, &org.password).await;
    let laptop_device = device_of(&laptop);
    let laptop_session = laptop.session_cookie().unwrap();
    let phone = app.try_sign_in(&org.member_email, &org.password).await;
    let phone_device = device_of(&phone);
    let known = |device: String| {
        let app = &app;
        async move {
            let token = device.trim_start_matches("roster_device=").to_string();
            let found: i64 =
                sqlx::query_scalar("SELECT count(*) FROM known_devices WHERE token_hash = $1")
                    .bind(app::server::token::hash_token(&token))
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            found == 1
        }
    };
    assert!(known(laptop_device.clone()).await && known(phone_device.clone()).await);

    let cookies = format!("roster_session={laptop_session}; {laptop_device}");
    let changed = app
        .call_with(
            "profile/change_password",
            &[
                ("current_password", &org.password),
                ("password", "copper lantern orbit seventeen"),
                ("password_confirm", "copper lantern orbit seventeen"),
            ],
            &[("cookie", &cookies)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(known(laptop_device).await, "the browser that changed it");
    assert!(!known(phone_device).await, "the others are forgotten");
}

/// With JavaScript off (or not loaded yet), a refused sign-in comes back
/// to its form with the message beside it, and only to the browser that
/// posted it: the same address opened anywhere else, or an address with a
/// made-up error, is redirected to the form without one.
#[tokio::test]
async fn a_refused_post_without_javascript_shows_its_error_only_to_its_browser() {
    use base64::engine::general_purpose::URL_SAFE;
    use base64::Engine as _;
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let referer = app.url("/login?next=%2Fteam");
    let wrong = "not the password at all";
    let post = app
        .call_with(
            "sign_in",
            &[
                ("email", &org.owner_email),
                ("password", wrong),
                ("next", "/team"),
            ],
            &[
                ("accept", "text/html,application/xhtml+xml"),
                ("referer", &referer),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::FOUND, "{}", post.body);
    let location = post.location().expect("back to the form").to_string();
    assert!(
        location.starts_with(&referer) && location.contains("__err="),
        "{location}"
    );
    let vouching = post
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("roster_form_error="))
        .expect("a vouching cookie");
    let vouching = vouching.split(';').next().unwrap().to_string();

    let get = |url: String, cookie: Option<String>| {
        let mut request = app.client.get(url).header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let page = get(location.clone(), Some(vouching.clone())).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cleared = page.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("roster_form_error=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "shown once");
    let body = page.text().await.unwrap();
    assert!(
        body.contains("The email or password is incorrect."),
        "{body}"
    );

    // Another browser, or this one after the cookie went.
    let elsewhere = get(location, None).await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.headers()["location"], "/login?next=%2Fteam");

    // Words of the linker's choosing, even with some cookie.
    let made_up = URL_SAFE.encode(
        serde_json::to_vec(&AppError::invalid(
            "password",
            "Call +1 555 0100 to unlock it.",
        ))
        .unwrap(),
    );
    let url = app.url(&format!("/login?__path=%2Fapi%2Fsign_in&__err={made_up}"));
    let crafted = get(url, Some(vouching)).await.unwrap();
    assert_eq!(crafted.status(), StatusCode::SEE_OTHER);
    assert_eq!(crafted.headers()["location"], "/login");

    // Called by the page's script, the refusal keeps its status.
    let scripted = app.try_sign_in(&org.owner_email, wrong).await;
    assert_eq!(scripted.status, StatusCode::UNAUTHORIZED);
}
