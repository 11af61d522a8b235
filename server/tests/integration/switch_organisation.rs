//! Switching a signed-in person to another of their organisations: at once
//! without a second factor (the proof of who they are keeps its age), and
//! through the factor step with one, where the browser holds only a
//! pending token until the code.

use crate::harness::{ApiResponse, TestApp, TestOrganisation};
use crate::two_factor::{code_at, cookie_value, joins_too, set_up, start_time};
use app::server::clock::Clock;
use app::wire::session::{Home, SignedIn};
use app::wire::AppError;
use chrono::Duration;
use reqwest::StatusCode;

async fn switch(app: &TestApp, session: &str, org: &TestOrganisation) -> ApiResponse {
    let id = org.organisation_id.to_string();
    app.call(
        "organisation/switch",
        &[("organisation_id", &id)],
        Some(session),
    )
    .await
}

/// The organisation `session` acts in, if it is open.
async fn organisation_of(app: &TestApp, session: &str) -> Option<String> {
    let answer = app.call("session", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer
        .json::<Option<SignedIn>>()
        .map(|s| s.user.organisation_name)
}

#[tokio::test]
async fn without_a_factor_a_switch_opens_the_other_organisation_at_once() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let home = app.organisation().await;
    let elsewhere = app.organisation().await;
    let stranger = app.organisation().await;
    joins_too(&app, &elsewhere, &home.member_email, &home.password).await;
    let session = app.sign_in(&home.member_email, &home.password).await;
    let first = organisation_of(&app, &session).await.expect("signed in");
    let (from, to) = if first == home.name {
        (&home, &elsewhere)
    } else {
        (&elsewhere, &home)
    };
    let signed_in = app
        .call("session", &[], Some(&session))
        .await
        .json::<Option<SignedIn>>()
        .expect("signed in");
    let mut names: Vec<String> = signed_in
        .organisations
        .iter()
        .map(|o| o.name.clone())
        .collect();
    names.sort();
    let mut expected = vec![home.name.clone(), elsewhere.name.clone()];
    expected.sort();
    assert_eq!(names, expected, "the switcher's choices");
    // The home offers only the other one.
    let shown = app
        .call("home", &[], Some(&session))
        .await
        .json::<Option<Home>>()
        .and_then(|home| home.shown)
        .expect("signed in");
    let others: Vec<&str> = shown
        .other_organisations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(others, [to.name.as_str()], "the home's switcher");

    // Not theirs: not found, and the session stays where it was.
    let refused = switch(&app, &session, &stranger).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(
        organisation_of(&app, &session).await,
        Some(from.name.clone())
    );

    // A switch is no proof of who they are: a stale proof stays stale.
    app.clock.advance(Duration::minutes(16));
    let switched = switch(&app, &session, to).await;
    assert_eq!(switched.status, StatusCode::OK, "{}", switched.body);
    let new_session = switched.session_cookie().expect("a session there");
    assert_eq!(
        organisation_of(&app, &new_session).await,
        Some(to.name.clone())
    );
    assert_eq!(
        organisation_of(&app, &session).await,
        None,
        "the old session ended"
    );
    let check = app.call("step_up/check", &[], Some(&new_session)).await;
    assert_eq!(check.error(), AppError::StepUpRequired { factor: false });
}

#[tokio::test]
async fn with_a_factor_a_switch_takes_the_factor_step() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let home = app.organisation().await;
    let elsewhere = app.organisation().await;
    joins_too(&app, &elsewhere, &home.member_email, &home.password).await;
    let mut session = app.sign_in(&home.member_email, &home.password).await;
    let (secret, _) = set_up(&app, &mut session, &home.password).await;
    let from = organisation_of(&app, &session).await.expect("signed in");
    let to = if from == home.name { &elsewhere } else { &home };

    let switched = switch(&app, &session, to).await;
    assert_eq!(switched.status, StatusCode::OK, "{}", switched.body);
    assert_eq!(
        switched.session_cookie(),
        None,
        "no session before the code"
    );
    assert_eq!(switched.location(), Some("/login/two-factor"));
    let pending = cookie_value(&switched, "roster_pending_sign_in").expect("the pending token");
    // Until the code, the old session goes on where it was, and the
    // pending token opens nothing.
    assert_eq!(organisation_of(&app, &session).await, Some(from.clone()));
    let as_session = app.call("session", &[], Some(&pending)).await;
    assert_eq!(as_session.body, "null", "{}", as_session.body);

    app.clock.advance(Duration::seconds(30));
    // The browser sends both cookies.
    let cookie = format!("roster_pending_sign_in={pending}; roster_session={session}");
    let code = code_at(&secret, app.clock.now());
    let done = app
        .call_with("sign_in/code", &[("code", &code)], &[("cookie", &cookie)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let there = done.session_cookie().expect("a session there");
    assert_eq!(organisation_of(&app, &there).await, Some(to.name.clone()));
    assert_eq!(
        organisation_of(&app, &session).await,
        None,
        "the old session ended"
    );
}

/// Switching back and forth never renews a session's absolute lifetime:
/// the new session ends when the one it came from would have.
#[tokio::test]
async fn a_switch_keeps_the_sessions_absolute_end() {
    let app = TestApp::spawn().await;
    let home = app.organisation().await;
    let elsewhere = app.organisation().await;
    joins_too(&app, &elsewhere, &home.member_email, &home.password).await;
    let session = app.sign_in(&home.member_email, &home.password).await;
    let expiry_of = |token: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
                "SELECT expires_at FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
            )
            .bind(token)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // As if signed in long ago: an hour left.
    sqlx::query("UPDATE sessions SET expires_at = now() + interval '1 hour' WHERE token_hash = sha256(convert_to($1, 'UTF8'))")
        .bind(&session)
        .execute(&app.pool)
        .await
        .unwrap();
    let end = expiry_of(session.clone()).await;
    let first = organisation_of(&app, &session).await.expect("signed in");
    let to = if first == home.name {
        &elsewhere
    } else {
        &home
    };
    let switched = switch(&app, &session, to).await;
    let next = switched.session_cookie().expect("a new session there");
    assert_eq!(expiry_of(next.clone()).await, end);
    let back_to = if first == home.name {
        &home
    } else {
        &elsewhere
    };
    let again = switch(&app, &next, back_to).await;
    let last = again.session_cookie().expect("and back");
    assert_eq!(expiry_of(last).await, end);
}
