//! Rates and caps (issue 13, item 10): invitation sends per inviter and
//! per organisation, live streams per session, and session tokens that
//! change with passwords and privileges.

use crate::harness::TestApp;
use crate::invitations::{invite, role_id, Invite};
use crate::members::{change_role, membership_of};
use app::wire::AppError;
use reqwest::StatusCode;

/// Records `count` invitation sends in the last hour, as the audit trail
/// holds them, by `actor` (or by made-up inviters when `None`).
async fn sends_this_hour(app: &TestApp, org: uuid::Uuid, actor: Option<uuid::Uuid>, count: i64) {
    sqlx::query(
        "INSERT INTO audit_events (organisation_id, action, actor_id, actor_name, occurred_at)
         SELECT $1, 'invitation.created', COALESCE($2, gen_random_uuid()), 'Earlier',
                now() - interval '50 minutes'
           FROM generate_series(1, $3)",
    )
    .bind(org)
    .bind(actor)
    .bind(count)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn account_id(app: &TestApp, email: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_inviter_sends_at_most_100_invitations_an_hour() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let admin_id = account_id(&app, &org.admin_email).await;
    sends_this_hour(&app, org.organisation_id.0, Some(admin_id), 99).await;

    let hundredth = invite(
        &app,
        &admin,
        Invite::member("n100@test.roster.example", &member_role),
    )
    .await;
    assert_eq!(hundredth.status, StatusCode::OK, "{}", hundredth.body);
    let refused = invite(
        &app,
        &admin,
        Invite::member("n101@test.roster.example", &member_role),
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // The oldest of the hundred leaves the hour in about ten minutes.
    assert_eq!(
        refused.error(),
        AppError::TooManyInvitations { minutes: 10 }
    );
    assert_eq!(
        refused
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("600")
    );
    let written: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invitations WHERE lower(email) = 'n101@test.roster.example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(written, 0, "nothing of a refused invitation is kept");

    // Another inviter of the organisation is not held back by this one.
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let other = invite(
        &app,
        &owner,
        Invite::member("n102@test.roster.example", &member_role),
    )
    .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
}

#[tokio::test]
async fn an_organisation_sends_at_most_500_invitations_an_hour() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    sends_this_hour(&app, org.organisation_id.0, None, 500).await;
    let refused = invite(
        &app,
        &owner,
        Invite::member("o501@test.roster.example", &member_role),
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(
        refused.error(),
        AppError::TooManyInvitations { .. }
    ));

    // Another organisation is on its own count.
    let elsewhere = app.organisation().await;
    let their_owner = app
        .sign_in(&elsewhere.owner_email, &elsewhere.password)
        .await;
    let their_member_role = role_id(&app, &elsewhere, "member").await;
    let fine = invite(
        &app,
        &their_owner,
        Invite::member("o501@test.roster.example", &their_member_role),
    )
    .await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
}

#[tokio::test]
async fn a_session_holds_at_most_ten_live_streams() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let open = |cookie: String| {
        let request = app
            .client
            .get(app.url("/api/team/events"))
            .header("cookie", format!("roster_session={cookie}"));
        async move { request.send().await.unwrap() }
    };
    let mut streams = Vec::new();
    for _ in 0..10 {
        let stream = open(owner.clone()).await;
        assert_eq!(stream.status(), StatusCode::OK);
        streams.push(stream);
    }
    let eleventh = open(owner.clone()).await;
    assert_eq!(eleventh.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another session of the same person is counted apart.
    let other_session = app.sign_in(&org.owner_email, &org.password).await;
    assert_eq!(open(other_session).await.status(), StatusCode::OK);
    // A closed tab gives its place back.
    drop(streams.pop());
    let reopened = crate::harness::eventually(std::time::Duration::from_secs(10), || {
        let attempt = open(owner.clone());
        async move {
            let response = attempt.await;
            (response.status() == StatusCode::OK).then_some(response)
        }
    })
    .await;
    assert!(reopened.is_some(), "a place frees when a stream closes");
}

#[tokio::test]
async fn changing_ones_password_rotates_the_session_token() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let old = app.sign_in(&org.member_email, &org.password).await;
    let changed = app
        .call(
            "profile/change_password",
            &[
                ("current_password", &org.password),
                ("password", "copper lantern orbit seventeen"),
                ("password_confirm", "copper lantern orbit seventeen"),
            ],
            Some(&old),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let new = changed.session_cookie().expect("a new session cookie");
    assert_ne!(new, old);
    let with_old = app.call("session", &[], Some(&old)).await;
    assert_eq!(
        with_old.body, "null",
        "the old token no longer signs anyone in"
    );
    let with_new = app.call("session", &[], Some(&new)).await;
    assert!(
        with_new.body.contains(&org.member_email),
        "{}",
        with_new.body
    );
}

#[tokio::test]
async fn a_role_change_ends_the_members_sessions_so_they_sign_in_under_a_new_token() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    let membership = membership_of(&app, &org, &org.member_email).await;
    let admin_role = role_id(&app, &org, "admin").await;
    let changed = change_role(&app, &owner, &membership, &admin_role).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let after = app.call("session", &[], Some(&member)).await;
    assert_eq!(after.body, "null", "{}", after.body);
    let again = app.sign_in(&org.member_email, &org.password).await;
    assert_ne!(again, member);
}
