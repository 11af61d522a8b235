//! A person's own profile at the HTTP boundary, against real PostgreSQL:
//! details, password change, and pictures.

use crate::harness::{eventually, ApiResponse, TestApp, TestOrganisation};
use crate::members::membership_of;
use app::wire::profile::{OwnProfile, PasswordChanged};
use app::wire::team::{TeamEntry, TeamListing, TeamMember};
use app::wire::AppError;
use image::{ImageFormat, Rgba, RgbaImage};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use std::io::Cursor;
use std::time::Duration;

const NEW_PASSWORD: &str = "copper lantern orbit seventeen";

async fn profile(app: &TestApp, cookie: &str) -> ApiResponse {
    app.call("profile", &[], Some(cookie)).await
}

async fn save(app: &TestApp, cookie: &str, fields: [(&str, &str); 4]) -> ApiResponse {
    app.call("profile/save", &fields, Some(cookie)).await
}

fn details<'a>(
    name: &'a str,
    position: &'a str,
    phone: &'a str,
    zone: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("name", name),
        ("position", position),
        ("phone", phone),
        ("time_zone", zone),
    ]
}

/// The row of `email` in the team table as the owner of `org` sees it.
async fn team_row(app: &TestApp, org: &TestOrganisation, email: &str) -> TeamMember {
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    team_row_as(app, org, &owner, email).await
}

/// The row of `email` in the team table as `session` sees it.
pub(crate) async fn team_row_as(
    app: &TestApp,
    org: &TestOrganisation,
    session: &str,
    email: &str,
) -> TeamMember {
    let listing: TeamListing = app
        .list_team(&org.organisation_id.to_string(), Some(session))
        .await
        .json();
    listing
        .entries
        .into_iter()
        .find_map(|e| match e {
            TeamEntry::Member(m) if m.email == email => Some(m),
            _ => None,
        })
        .expect("the member's row")
}

/// `(action, before, after)` of the organisation's events with `action`.
async fn audit_events(
    app: &TestApp,
    org: &TestOrganisation,
    action: &str,
) -> Vec<(Option<serde_json::Value>, Option<serde_json::Value>, bool)> {
    sqlx::query_as(
        "SELECT before, after, request_id IS NOT NULL AND client_ip IS NOT NULL
         FROM audit_events WHERE organisation_id = $1 AND action = $2 ORDER BY id",
    )
    .bind(org.organisation_id.0)
    .bind(action)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_member_edits_their_own_details_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;

    for (fields, field) in [
        (details("  ", "", "", "UTC"), "name"),
        (details("Mia", "<b>Boss</b>", "", "UTC"), "position"),
        (details("Mia", "", "call me", "UTC"), "phone"),
        (details("Mia", "", "", "Mars/Olympus_Mons"), "time_zone"),
    ] {
        let response = save(&app, &member, fields).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            matches!(response.error(), AppError::Invalid { field: f, .. } if f == field),
            "{field}: {}",
            response.body
        );
    }
    let unchanged: OwnProfile = profile(&app, &member).await.json();
    assert_eq!(
        unchanged.name, "Mia Member",
        "a refused save changes nothing"
    );

    let saved = save(
        &app,
        &member,
        details(
            " Mia Márquez ",
            "Head of Sales",
            "+44 20 7946 0958",
            "Europe/Madrid",
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let now: OwnProfile = profile(&app, &member).await.json();
    assert_eq!(now.name, "Mia Márquez");
    assert_eq!(now.position.as_deref(), Some("Head of Sales"));
    assert_eq!(now.phone.as_deref(), Some("+442079460958"));
    assert_eq!(now.time_zone, "Europe/Madrid");
    assert_eq!(now.email, org.member_email);
    assert!(now.time_zones.iter().any(|z| z == "Europe/Madrid"));
    assert_eq!(
        team_row(&app, &org, &org.member_email).await.name,
        "Mia Márquez"
    );

    let events = audit_events(&app, &org, "profile.updated").await;
    assert_eq!(events.len(), 1);
    let (before, after, traced) = &events[0];
    assert_eq!(before.as_ref().unwrap()["name"], "Mia Member");
    assert_eq!(after.as_ref().unwrap()["position"], "Head of Sales");
    assert!(traced, "the event has a request id and client address");

    // Blank optional fields clear them.
    let cleared = save(&app, &member, details("Mia Márquez", "", "", "UTC")).await;
    assert_eq!(cleared.status, StatusCode::OK);
    let now: OwnProfile = profile(&app, &member).await.json();
    assert_eq!((now.position, now.phone), (None, None));
}

#[tokio::test]
async fn the_profile_is_only_ever_the_callers_own() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    for endpoint in ["profile", "profile/remove_avatar", "profile/password_hint"] {
        assert_eq!(
            app.call(endpoint, &[("password", "x")], None).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    let member = app.sign_in(&org.member_email, &org.password).await;
    let mine: OwnProfile = profile(&app, &member).await.json();
    assert_eq!(mine.email, org.member_email);
    assert_eq!(mine.organisation_name, org.name);
    let owner_elsewhere = app.sign_in(&other.owner_email, &other.password).await;
    let theirs = profile(&app, &owner_elsewhere).await;
    assert!(!theirs.body.contains(&org.member_email));
    assert!(!theirs.body.contains(&org.name));
}

async fn change(
    app: &TestApp,
    cookie: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> ApiResponse {
    app.call(
        "profile/change_password",
        &[
            ("current_password", current),
            ("password", new),
            ("password_confirm", confirm),
        ],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let laptop = app.sign_in(&org.member_email, &org.password).await;
    let phone = app.sign_in(&org.member_email, &org.password).await;
    let field_of = |response: &ApiResponse| match response.error() {
        AppError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let current = org.password.as_str();
    let wrong = change(
        &app,
        &laptop,
        "not my password at all",
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_of(&wrong), "current_password");
    let weak = change(&app, &laptop, current, "password", "password").await;
    assert_eq!(field_of(&weak), "password");
    let mismatch = change(&app, &laptop, current, NEW_PASSWORD, "copper lantern orbit").await;
    assert_eq!(field_of(&mismatch), "password_confirm");
    assert_eq!(
        profile(&app, &phone).await.status,
        StatusCode::OK,
        "refused changes end no session"
    );

    let changed = change(&app, &laptop, current, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        changed.json::<PasswordChanged>(),
        PasswordChanged {
            other_sessions_ended: 1
        }
    );
    assert_eq!(profile(&app, &phone).await.status, StatusCode::UNAUTHORIZED);
    // The session that changed it goes on, under a new token.
    let rotated = changed.session_cookie().expect("a new token");
    assert_eq!(
        profile(&app, &laptop).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        profile(&app, &rotated).await.status,
        StatusCode::OK,
        "the session that changed it goes on"
    );
    assert_eq!(
        app.try_sign_in(&org.member_email, &org.password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.sign_in(&org.member_email, NEW_PASSWORD).await;

    let notice = eventually(Duration::from_secs(10), || async {
        app.mailbox
            .list()
            .into_iter()
            .find(|e| e.to == org.member_email && e.subject == "Your Roster password was changed")
    })
    .await
    .expect("a password-changed notice");
    assert!(
        notice.text.contains("on your profile page"),
        "{}",
        notice.text
    );
    assert!(!notice.text.contains(NEW_PASSWORD));

    let events = audit_events(&app, &org, "password.changed").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1.as_ref().unwrap()["other_sessions_ended"], 1);
    let hashes: Vec<String> =
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE lower(email) = lower($1)")
            .bind(&org.member_email)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(
        hashes[0].starts_with("$argon2id$"),
        "stored as an Argon2id hash"
    );
}

#[tokio::test]
async fn guessing_the_current_password_hits_the_sign_in_limit() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    let mut last = None;
    for _ in 0..12 {
        let response = change(&app, &member, "a wrong guess", NEW_PASSWORD, NEW_PASSWORD).await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            last = Some(response);
            break;
        }
    }
    let limited = last.expect("guesses are limited");
    assert!(matches!(limited.error(), AppError::RateLimited { .. }));
}

/// A picture, top half red and bottom half blue, in `format`.
fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |_, y| {
        if y < height / 2 {
            Rgba([220, 20, 20, 255])
        } else {
            Rgba([20, 20, 220, 255])
        }
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(image)
        .to_rgb8()
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// Posts the profile page's picture form, as a browser does.
async fn upload(
    app: &TestApp,
    cookie: Option<&str>,
    bytes: Vec<u8>,
    file_name: &str,
) -> reqwest::Response {
    let form = Form::new().part(
        "avatar",
        Part::bytes(bytes)
            .file_name(file_name.to_string())
            .mime_str("image/png")
            .unwrap(),
    );
    let mut request = app
        .client
        .post(app.url("/profile/avatar"))
        .header("sec-fetch-site", "same-origin")
        .multipart(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("roster_session={cookie}"));
    }
    request.send().await.unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn get_avatar(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("roster_session={cookie}"));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_picture_is_re_encoded_stored_and_shown_only_inside_the_organisation() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    let membership = membership_of(&app, &org, &org.member_email).await;

    let stored_count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM avatars")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let signed_out = upload(&app, None, picture(300, 200, ImageFormat::Png), "me.png").await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert!(location(&signed_out).starts_with("/login"));
    assert_eq!(stored_count().await, 0);

    let saved = upload(
        &app,
        Some(&member),
        picture(300, 200, ImageFormat::Png),
        "me.png",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), "/profile?avatar=saved");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT image FROM avatars")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(image::guess_format(&stored).unwrap(), ImageFormat::Jpeg);
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));

    let mine: OwnProfile = profile(&app, &member).await.json();
    let path = mine.avatar.expect("the profile has the picture's address");
    assert!(
        path.starts_with(&format!("/avatars/{membership}?v=")),
        "{path}"
    );
    assert_eq!(
        team_row(&app, &org, &org.member_email)
            .await
            .avatar
            .as_deref(),
        Some(path.as_str()),
        "the team table shows it"
    );

    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let served = get_avatar(&app, &path, Some(&owner)).await;
    assert_eq!(served.status(), StatusCode::OK);
    let header = |name: &str| {
        served
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").starts_with("private"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), stored.as_slice());

    let outsider = app.sign_in(&other.owner_email, &other.password).await;
    assert_eq!(
        get_avatar(&app, &path, Some(&outsider)).await.status(),
        StatusCode::NOT_FOUND,
        "another organisation's people don't see it"
    );
    assert_eq!(
        get_avatar(&app, &path, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_avatar(&app, "/avatars/not-an-id", Some(&owner))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Each refusal comes back to the form with its reason, and keeps the
    // picture there was.
    for (bytes, name, code) in [
        (b"<svg onload=alert(1)>".to_vec(), "x.png", "format"),
        (b"GIF89a".to_vec(), "x.gif", "format"),
        (
            picture(300, 200, ImageFormat::Png)[..200].to_vec(),
            "half.png",
            "unreadable",
        ),
        (vec![0u8; 5 * 1024 * 1024 + 1], "big.png", "too-large"),
        (Vec::new(), "empty.png", "missing"),
    ] {
        let refused = upload(&app, Some(&member), bytes, name).await;
        assert_eq!(refused.status(), StatusCode::SEE_OTHER, "{code}");
        assert_eq!(location(&refused), format!("/profile?avatar_error={code}"));
    }
    let still: OwnProfile = profile(&app, &member).await.json();
    assert_eq!(still.avatar.as_deref(), Some(path.as_str()));

    // A new picture gets a new address.
    upload(
        &app,
        Some(&member),
        picture(200, 300, ImageFormat::Jpeg),
        "me.jpg",
    )
    .await;
    let newer: OwnProfile = profile(&app, &member).await.json();
    assert_ne!(newer.avatar.as_deref(), Some(path.as_str()));

    let cross_site = app
        .client
        .post(app.url("/profile/avatar"))
        .header("sec-fetch-site", "cross-site")
        .header("cookie", format!("roster_session={member}"))
        .multipart(Form::new().part("avatar", Part::bytes(picture(10, 10, ImageFormat::Png))))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);

    let removed = app.call("profile/remove_avatar", &[], Some(&member)).await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(
        profile(&app, &member).await.json::<OwnProfile>().avatar,
        None
    );
    assert_eq!(stored_count().await, 0);
    assert_eq!(
        get_avatar(&app, &path, Some(&owner)).await.status(),
        StatusCode::NOT_FOUND
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE organisation_id = $1 AND action LIKE 'avatar.%' ORDER BY id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["avatar.updated", "avatar.updated", "avatar.removed"]
    );
}
