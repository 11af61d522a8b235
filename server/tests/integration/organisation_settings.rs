//! The organisation settings page's server functions: owners only,
//! validated per field, audited, and the expiry default reaches new
//! invitations.

use crate::harness::TestApp;
use crate::invitations::{invite, role_id, Invite};
use app::domain::Refusal;
use app::wire::invitations::InviteOutcome;
use app::wire::organisation::OrganisationSettings;
use app::wire::AppError;
use reqwest::StatusCode;

fn settings<'a>(name: &'a str, zone: &'a str, hours: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("name", name),
        ("time_zone", zone),
        ("invitation_expiry_hours", hours),
    ]
}

/// The organisation's settings as `session` reads them.
async fn read_settings(app: &TestApp, session: &str) -> OrganisationSettings {
    app.call("organisation/settings", &[], Some(session))
        .await
        .json()
}

#[tokio::test]
async fn only_owners_read_or_change_settings() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    for email in [&org.admin_email, &org.member_email] {
        let cookie = app.sign_in(email, &org.password).await;
        let read = app.call("organisation/settings", &[], Some(&cookie)).await;
        assert_eq!(read.status, StatusCode::FORBIDDEN, "{email}");
        let write = app
            .call(
                "organisation/save_settings",
                &settings("Taken over", "UTC", "24"),
                Some(&cookie),
            )
            .await;
        assert_eq!(write.error(), AppError::Forbidden, "{email}");
    }
    let signed_out = app.call("organisation/settings", &[], None).await;
    assert_eq!(signed_out.error(), AppError::Unauthenticated);
    let name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org.organisation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, org.name);

    // The page itself answers 403 to an admin, with an explanation.
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let page = app
        .client
        .get(app.url("/settings/organisation"))
        .header("accept", "text/html")
        .header("cookie", format!("roster_session={admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Only owners can change organisation settings"));
}

#[tokio::test]
async fn each_bad_value_is_named_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let cases = [
        (settings("", "UTC", "48"), "name"),
        (settings("Acme <script>", "UTC", "48"), "name"),
        (settings("Acme", "Mars/Olympus_Mons", "48"), "time_zone"),
        (settings("Acme", "UTC", "0"), "invitation_expiry_hours"),
        (settings("Acme", "UTC", "721"), "invitation_expiry_hours"),
        (
            settings("Acme", "UTC", "two days"),
            "invitation_expiry_hours",
        ),
    ];
    for (form, field) in cases {
        let response = app
            .call("organisation/save_settings", &form, Some(&owner))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form:?}"
        );
        assert!(
            response.error().for_field(field).is_some(),
            "{form:?}: {}",
            response.body
        );
    }
    let current = read_settings(&app, &owner).await;
    assert_eq!(current.name, org.name);
    assert_eq!(current.invitation_expiry_hours, 48);
    assert!(current.time_zones.iter().any(|z| z == "Europe/Amsterdam"));
}

#[tokio::test]
async fn saved_settings_are_audited_and_set_the_default_expiry() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let saved = app
        .call(
            "organisation/save_settings",
            &settings("Acme Renamed", "Europe/Amsterdam", "4"),
            Some(&owner),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let current = read_settings(&app, &owner).await;
    assert_eq!(
        (current.name.as_str(), current.time_zone.as_str()),
        ("Acme Renamed", "Europe/Amsterdam")
    );
    assert_eq!(current.invitation_expiry_hours, 4);

    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events \
         WHERE organisation_id = $1 AND action = 'organisation.updated'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["invitation_expiry_hours"], 48);
    assert_eq!(after["invitation_expiry_hours"], 4);
    assert_eq!(after["name"], "Acme Renamed");

    // An invitation without an override now lasts four hours.
    let member = role_id(&app, &org, "member").await;
    let response = invite(&app, &owner, Invite::member("short@example.com", &member)).await;
    let InviteOutcome::Created(link) = response.json() else {
        panic!("{}", response.body)
    };
    let minutes = (link.expires_at - chrono::Utc::now()).num_minutes();
    assert!((3 * 60..=4 * 60).contains(&minutes), "{minutes}");
}

#[tokio::test]
async fn owners_choose_the_primary_contact_who_then_cannot_be_disabled() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let account_of = |email: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, uuid::Uuid>(
                "SELECT id FROM accounts WHERE lower(email) = lower($1)",
            )
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap()
            .to_string()
        }
    };
    let admin_account = account_of(org.admin_email.clone()).await;
    let member_account = account_of(org.member_email.clone()).await;
    let save = |contact: String| {
        let owner = owner.clone();
        let name = org.name.clone();
        let app = &app;
        async move {
            app.call(
                "organisation/save_settings",
                &[
                    ("name", name.as_str()),
                    ("time_zone", "UTC"),
                    ("invitation_expiry_hours", "48"),
                    ("primary_contact_id", contact.as_str()),
                ],
                Some(&owner),
            )
            .await
        }
    };

    // A Member can't be primary contact: only enabled owners and admins.
    let refused = save(member_account).await;
    assert_eq!(
        refused.error().for_field("primary_contact_id").as_deref(),
        Some("Choose one of your organisation's enabled owners or admins.")
    );
    let moved = save(admin_account.clone()).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let read = read_settings(&app, &owner).await;
    assert_eq!(
        read.primary_contact.map(|a| a.to_string()),
        Some(admin_account)
    );
    assert!(read
        .contact_choices
        .iter()
        .any(|c| c.name.contains(&org.admin_email)));

    // Now the admin is protected, and the owner no longer is.
    let admin_membership = crate::members::membership_of(&app, &org, &org.admin_email).await;
    let disable = app
        .call(
            "members/disable",
            &[("membership_id", &admin_membership)],
            Some(&owner),
        )
        .await;
    assert_eq!(disable.refusal(), Refusal::PrimaryContact);
}

/// The product's address: checked, saved, audited, and shown on members'
/// home page, where a member without access to the team lands after
/// signing in (an admin lands on the team).
#[tokio::test]
async fn the_products_address_is_checked_saved_and_on_members_home() {
    use app::wire::session::Home;
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let save = |url: &'static str| {
        let mut form = settings(&org.name, "UTC", "48").to_vec();
        form.push(("product_url", url));
        let owner = owner.clone();
        let app = &app;
        async move {
            app.call("organisation/save_settings", &form, Some(&owner))
                .await
        }
    };
    for (bad, says) in [
        ("app.example.com", "starts with https://"),
        ("javascript://alert(1)", "starts with https://"),
        (
            "https://user:secret@app.example.com",
            "user name and password",
        ),
        ("https://app.example.com/a b", "cannot contain spaces"),
    ] {
        let refused = save(bad).await;
        match refused.error() {
            AppError::Invalid { field, message } => {
                assert_eq!(field, "product_url", "{bad}");
                assert!(message.contains(says), "{bad}: {message}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    let stored: Option<String> =
        sqlx::query_scalar("SELECT product_url FROM organisations WHERE id = $1")
            .bind(org.organisation_id.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, None, "nothing saved by a refused form");

    let saved = save(" HTTPS://app.example.com/start ").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let current = read_settings(&app, &owner).await;
    assert_eq!(
        current.product_url.as_deref(),
        Some("https://app.example.com/start")
    );
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events \
         WHERE organisation_id = $1 AND action = 'organisation.updated'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(after["product_url"], "https://app.example.com/start");

    // A member lands on their home, which links to the product.
    let member = app.try_sign_in(&org.member_email, &org.password).await;
    assert_eq!(member.location(), Some("/welcome"));
    let cookie = member.session_cookie().unwrap();
    let home: Option<Home> = app.call("home", &[], Some(&cookie)).await.json();
    let home = home.expect("signed in").shown.expect("what the home shows");
    assert_eq!(home.user.email, org.member_email);
    assert_eq!(
        home.product_url.as_deref(),
        Some("https://app.example.com/start")
    );
    let admin = app.try_sign_in(&org.admin_email, &org.password).await;
    assert_eq!(admin.location(), Some("/team"));
    let nobody: Option<Home> = app.call("home", &[], None).await.json();
    assert_eq!(nobody, None);

    // Emptied, the link goes.
    assert_eq!(save("").await.status, StatusCode::OK);
    let home: Option<Home> = app.call("home", &[], Some(&cookie)).await.json();
    assert_eq!(home.unwrap().shown.unwrap().product_url, None);
}
