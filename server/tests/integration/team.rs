use crate::harness::TestApp;
use app::wire::team::{TeamEntry, TeamListing};
use app::wire::AppError;
use reqwest::StatusCode;

#[tokio::test]
async fn owners_and_admins_list_their_organisation() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let _other = app.organisation().await;
    for email in [&org.owner_email, &org.admin_email] {
        let cookie = app.sign_in(email, &org.password).await;
        let response = app
            .list_team(&org.organisation_id.to_string(), Some(&cookie))
            .await;
        assert_eq!(response.status, StatusCode::OK);
        let listing: TeamListing = response.json();
        let mut emails: Vec<&str> = listing
            .entries
            .iter()
            .map(|e| match e {
                TeamEntry::Member(m) => m.email.as_str(),
                TeamEntry::Invitation(i) => i.email.as_str(),
            })
            .collect();
        emails.sort();
        let mut expected = vec![
            org.admin_email.as_str(),
            org.member_email.as_str(),
            org.owner_email.as_str(),
        ];
        expected.sort();
        assert_eq!(emails, expected, "only this organisation's members");
    }
}

#[tokio::test]
async fn a_member_gets_an_authorization_error_not_an_empty_list() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.member_email, &org.password).await;
    let response = app
        .list_team(&org.organisation_id.to_string(), Some(&cookie))
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(response.error(), AppError::Forbidden);
}

#[tokio::test]
async fn an_admin_cannot_read_another_organisations_team() {
    let app = TestApp::spawn().await;
    let ours = app.organisation().await;
    let theirs = app.organisation().await;
    let cookie = app.sign_in(&ours.owner_email, &ours.password).await;
    let response = app
        .list_team(&theirs.organisation_id.to_string(), Some(&cookie))
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(response.error(), AppError::Forbidden);
}

#[tokio::test]
async fn signed_out_callers_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let response = app.list_team(&org.organisation_id.to_string(), None).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let forged = app
        .list_team(&org.organisation_id.to_string(), Some("forged-token"))
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn expired_and_idle_sessions_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let organisation = org.organisation_id.to_string();
    let cookie = app.sign_in(&org.owner_email, &org.password).await;
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '3 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.list_team(&organisation, Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED,
        "idle"
    );

    let cookie = app.sign_in(&org.owner_email, &org.password).await;
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.list_team(&organisation, Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED,
        "absolute"
    );
}

#[tokio::test]
async fn the_team_page_redirects_signed_out_visitors_and_refuses_members() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    // As a browser asks: a form-style navigation accepting HTML.
    let page = app
        .client
        .get(app.url("/team"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers()["location"], "/login?next=%2Fteam");

    let cookie = app.sign_in(&org.member_email, &org.password).await;
    let page = app
        .client
        .get(app.url("/team"))
        .header("accept", "text/html")
        .header("cookie", format!("roster_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let body = page.text().await.unwrap();
    assert!(body.contains("have access to the team page"), "{body}");
    assert!(
        !body.contains(&org.owner_email),
        "no member data on the refusal page"
    );
}
