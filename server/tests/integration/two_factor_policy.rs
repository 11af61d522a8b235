//! An organisation's two-factor policy at the HTTP boundary, with a clock
//! the tests move: whom it covers, the grace per membership (from the
//! moment each person became subject to it), what answers past it, and the
//! rules for changing it.

use crate::harness::{ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{accept_new, invited, role_id, token_of};
use crate::members::{audit_count, membership_of};
use crate::profile::team_row_as;
use crate::two_factor::{set_up, start_time, step_up_with_code};
use app::domain::Refusal;
use app::server::clock::Clock;
use app::wire::moment::Moment;
use app::wire::session::Home;
use app::wire::AppError;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;

async fn set_policy(app: &TestApp, session: &str, policy: &str, grace_days: &str) -> ApiResponse {
    app.call(
        "organisation/two_factor_policy",
        &[
            ("two_factor_policy", policy),
            ("two_factor_grace_days", grace_days),
        ],
        Some(session),
    )
    .await
}

fn shut_out(response: &ApiResponse) -> bool {
    response.status == StatusCode::FORBIDDEN && response.error() == AppError::TwoFactorSetupRequired
}

async fn home(app: &TestApp, session: &str) -> ApiResponse {
    app.call("home", &[], Some(session)).await
}

/// When the home says their factor is due, as its `<time datetime>`.
async fn due_on_home(app: &TestApp, session: &str) -> Option<String> {
    let answer = home(app, session).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let home = answer.json::<Option<Home>>().expect("signed in");
    home.two_factor_due.map(|due| due.iso)
}

fn iso(at: DateTime<Utc>) -> Option<String> {
    Some(Moment::from(at).iso)
}

async fn list_team(app: &TestApp, org: &TestOrganisation, session: &str) -> ApiResponse {
    app.list_team(&org.organisation_id.to_string(), Some(session))
        .await
}

#[tokio::test]
async fn the_grace_runs_per_membership_from_when_the_policy_first_covered_them() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut owner = app.sign_in(&org.owner_email, &org.password).await;
    let (owner_secret, _) = set_up(&app, &mut owner, &org.password).await;
    let mut admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    let start = app.clock.now();

    // Sensitive permissions only, two days: the admin is covered, the
    // member is not.
    let saved = set_policy(&app, &owner, "sensitive", "2").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        due_on_home(&app, &admin).await,
        iso(start + Duration::days(2))
    );
    assert_eq!(due_on_home(&app, &member).await, None);
    assert_eq!(
        audit_count(&app, &org, "organisation.two_factor_policy_changed").await,
        1
    );

    // A day later, everyone: the member's grace starts now, the admin's
    // stays where it was.
    app.clock.advance(Duration::days(1));
    step_up_with_code(&app, &owner, &org.password, &owner_secret).await;
    let saved = set_policy(&app, &owner, "everyone", "2").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        due_on_home(&app, &admin).await,
        iso(start + Duration::days(2))
    );
    assert_eq!(
        due_on_home(&app, &member).await,
        iso(start + Duration::days(3))
    );

    // Someone who joins later gets their own grace, from joining.
    app.clock.advance(Duration::hours(12));
    let link = invited(&app, &owner, "late@example.com").await.link;
    let joined = accept_new(&app, &token_of(&link)).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let late = joined.session_cookie().expect("signed in on joining");
    assert_eq!(
        due_on_home(&app, &late).await,
        iso(start + Duration::days(1) + Duration::hours(12) + Duration::days(2))
    );

    // Past the admin's deadline (exactly at it): shut out of everything
    // but the setup and the profile; the others are still within theirs.
    app.clock.set(start + Duration::days(2));
    assert!(shut_out(&list_team(&app, &org, &admin).await));
    assert!(shut_out(&home(&app, &admin).await));
    assert_eq!(
        app.call("profile", &[], Some(&admin)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        due_on_home(&app, &member).await,
        iso(start + Duration::days(3))
    );
    // The owner's team table shows who is out of policy, and until when.
    let row = team_row_as(&app, &org, &owner, &org.admin_email).await;
    assert_eq!(row.two_factor_due, Some(start + Duration::days(2)));
    let row = team_row_as(&app, &org, &owner, &org.owner_email).await;
    assert_eq!((row.two_factor, row.two_factor_due), (true, None));

    // Setting up a factor lets them back in at once.
    let (_, _) = set_up(&app, &mut admin, &org.password).await;
    let listed = list_team(&app, &org, &admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(due_on_home(&app, &admin).await, None);

    // A role change brings someone under the sensitive policy from then.
    step_up_with_code(&app, &owner, &org.password, &owner_secret).await;
    let saved = set_policy(&app, &owner, "sensitive", "2").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(due_on_home(&app, &member).await, None, "released");
    let member_id = membership_of(&app, &org, &org.member_email).await;
    let admin_role = role_id(&app, &org, "admin").await;
    let promoted = app
        .call(
            "members/change_role",
            &[("membership_id", &member_id), ("role_id", &admin_role)],
            Some(&owner),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(
        due_on_home(&app, &member).await,
        iso(app.clock.now() + Duration::days(2))
    );
}

#[tokio::test]
async fn changing_the_policy_takes_an_owner_a_recent_proof_and_sane_values() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;

    let by_admin = set_policy(&app, &admin, "everyone", "7").await;
    assert_eq!(by_admin.status, StatusCode::FORBIDDEN, "{}", by_admin.body);
    let bad = set_policy(&app, &owner, "sometimes", "7").await;
    assert_eq!(bad.error().field(), Some("two_factor_policy"));
    let bad = set_policy(&app, &owner, "everyone", "31").await;
    assert_eq!(bad.error().field(), Some("two_factor_grace_days"));
    assert!(bad.error().to_string().contains("from 0 to 30"));

    // An owner without a factor may not shut themselves out at once...
    let own = set_policy(&app, &owner, "everyone", "0").await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    assert_eq!(own.error(), AppError::Refused(Refusal::OwnFactorFirst));
    assert_eq!(own.error().field(), Some("two_factor_policy"));
    // ...but may with a grace: then they have a day to set one up.
    let saved = set_policy(&app, &owner, "everyone", "1").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    // A security setting: it asks for a recent proof.
    app.clock.advance(Duration::minutes(16));
    let stale = set_policy(&app, &owner, "optional", "7").await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert_eq!(stale.error(), AppError::StepUpRequired { factor: false });
    let settings = app
        .call("organisation/settings", &[], Some(&owner))
        .await
        .json::<app::wire::organisation::OrganisationSettings>();
    assert_eq!(
        (settings.two_factor_policy, settings.two_factor_grace_days),
        (app::domain::two_factor_policy::TwoFactorPolicy::Everyone, 1)
    );
}

#[tokio::test]
async fn archiving_a_site_releases_its_people_and_restoring_covers_them_again() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member_id = crate::members::membership_of(&app, &org, &org.member_email).await;
    let site = crate::sites::create(&app, &owner, "Berlin").await;
    let manager = crate::delegated::site_manager_role(&app, &org, &owner).await;
    crate::sites::place(&app, &owner, &member_id, &site, &manager).await;
    let saved = set_policy(&app, &owner, "sensitive", "2").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert!(
        due_on_home(&app, &member).await.is_some(),
        "managing Berlin's people is sensitive"
    );

    let archived = app
        .call("sites/archive", &[("site_id", &site)], Some(&owner))
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    assert_eq!(
        due_on_home(&app, &member).await,
        None,
        "an archived site grants nothing"
    );

    let restored = app
        .call("sites/restore", &[("site_id", &site)], Some(&owner))
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert!(
        due_on_home(&app, &member).await.is_some(),
        "restoring covers them again"
    );
}

/// A site role covers its holders only with what it grants at its site: a
/// permission that holds at the organisation's scope only (reading the
/// audit log) is sensitive, but grants nothing at a site, so holding such
/// a role there does not bring the `sensitive` policy's deadline.
#[tokio::test]
async fn a_site_role_covers_only_with_what_it_grants_at_its_site() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member_id = crate::members::membership_of(&app, &org, &org.member_email).await;
    let site = crate::sites::create(&app, &owner, "Berlin").await;
    let made = crate::roles::create(&app, &owner, "Auditor", &["team.view", "audit.view"]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let auditor = crate::invitations::role_id(&app, &org, "auditor").await;
    crate::sites::place(&app, &owner, &member_id, &site, &auditor).await;
    let saved = set_policy(&app, &owner, "sensitive", "2").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(
        due_on_home(&app, &member).await,
        None,
        "reading the audit log holds at the organisation's scope only"
    );
    let manager = crate::delegated::site_manager_role(&app, &org, &owner).await;
    crate::sites::place(&app, &owner, &member_id, &site, &manager).await;
    assert!(
        due_on_home(&app, &member).await.is_some(),
        "managing Berlin's people is sensitive there"
    );
}
