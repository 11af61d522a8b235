//! Step-up at the HTTP boundary, with a clock the tests move: exports,
//! deleting a member and changing a role ask for a proof of who is asking
//! within the last 15 minutes; signing in is one, and confirming the
//! password (and a code, with a second factor) within the session is
//! another.

use crate::harness::{ApiResponse, TestApp};
use crate::invitations::role_id;
use crate::members::membership_of;
use crate::two_factor::{code_at, set_up, start_time};
use app::server::clock::Clock;
use app::wire::AppError;
use chrono::Duration;
use reqwest::StatusCode;

fn asks_for_step_up(response: &ApiResponse) -> bool {
    response.status == StatusCode::FORBIDDEN
        && matches!(response.error(), AppError::StepUpRequired { .. })
}

async fn member_count(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE lower(a.email) = lower($1)",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn delete(app: &TestApp, session: &str, member: &str, email: &str) -> ApiResponse {
    app.call(
        "members/delete",
        &[("membership_id", member), ("confirm_email", email)],
        Some(session),
    )
    .await
}

#[tokio::test]
async fn risky_actions_ask_for_a_recent_proof_and_a_step_up_gives_one() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let admin_role = role_id(&app, &org, "admin").await;
    let export = |session: String| {
        let request = app
            .client
            .get(app.url("/team/export.csv"))
            .header("cookie", format!("roster_session={session}"));
        async move { request.send().await.unwrap().status() }
    };

    // Signing in is a proof: for 15 minutes, exactly.
    app.clock.advance(Duration::minutes(15));
    let check = app.call("step_up/check", &[], Some(&admin)).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert_eq!(export(admin.clone()).await, StatusCode::OK);

    app.clock.advance(Duration::seconds(1));
    let check = app.call("step_up/check", &[], Some(&admin)).await;
    assert!(asks_for_step_up(&check), "{}", check.body);
    assert_eq!(
        check.error(),
        AppError::StepUpRequired { factor: false },
        "no code to ask for"
    );
    assert_eq!(export(admin.clone()).await, StatusCode::FORBIDDEN);
    let deleted = delete(&app, &admin, &member, &org.member_email).await;
    assert!(asks_for_step_up(&deleted), "{}", deleted.body);
    assert_eq!(
        member_count(&app, &org.member_email).await,
        1,
        "nothing changed"
    );
    let promoted = app
        .call(
            "members/change_role",
            &[("membership_id", &member), ("role_id", &admin_role)],
            Some(&admin),
        )
        .await;
    assert!(asks_for_step_up(&promoted), "{}", promoted.body);
    // Other checks come first: a mistyped confirmation is said as such.
    let mistyped = app
        .call(
            "members/delete",
            &[
                ("membership_id", &member),
                ("confirm_email", "someone@else.example"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        mistyped.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        mistyped.body
    );

    // A wrong password is said beside its field and proves nothing.
    let wrong = app
        .call(
            "step_up",
            &[("current_password", "not the password")],
            Some(&admin),
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    assert_eq!(wrong.error().field(), Some("current_password"));
    assert!(asks_for_step_up(
        &app.call("step_up/check", &[], Some(&admin)).await
    ));

    let confirmed = app
        .call(
            "step_up",
            &[("current_password", &org.password)],
            Some(&admin),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let deleted = delete(&app, &admin, &member, &org.member_email).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(member_count(&app, &org.member_email).await, 0);

    // And that proof, too, lasts 15 minutes.
    app.clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    assert!(asks_for_step_up(
        &app.call("step_up/check", &[], Some(&admin)).await
    ));
}

#[tokio::test]
async fn with_a_second_factor_a_step_up_takes_a_code_too() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut admin = app.sign_in(&org.admin_email, &org.password).await;
    let (secret, _) = set_up(&app, &mut admin, &org.password).await;

    app.clock.advance(Duration::minutes(16));
    let check = app.call("step_up/check", &[], Some(&admin)).await;
    assert_eq!(check.error(), AppError::StepUpRequired { factor: true });

    let password_only = app
        .call(
            "step_up",
            &[("current_password", &org.password)],
            Some(&admin),
        )
        .await;
    assert_eq!(
        password_only.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        password_only.body
    );
    assert_eq!(password_only.error().field(), Some("code"));
    assert!(asks_for_step_up(
        &app.call("step_up/check", &[], Some(&admin)).await
    ));

    let code = code_at(&secret, app.clock.now());
    let confirmed = app
        .call(
            "step_up",
            &[("current_password", &org.password), ("code", &code)],
            Some(&admin),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let check = app.call("step_up/check", &[], Some(&admin)).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
}

/// The chain the security review found: a session proven long ago invited
/// a new Owner, got the working copied link back, and accepting it opened
/// a freshly proven Owner session. Now the stale session is refused before
/// anything is written, and an Owner invitation opens only from its email.
#[tokio::test]
async fn an_owner_invitation_asks_a_recent_proof_and_opens_only_from_its_email() {
    use crate::harness::eventually;
    use crate::invitations::{accept_new, invitation_link_in, invite, token_of, Invite};
    use app::domain::Refusal;
    use app::wire::invitations::InviteOutcome;
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let owner_role = role_id(&app, &org, "owner").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM invitations")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = count().await;

    app.clock.advance(Duration::minutes(16));
    let stale = invite(
        &app,
        &owner,
        Invite::member("usurper@example.com", &owner_role),
    )
    .await;
    assert!(asks_for_step_up(&stale), "{}", stale.body);
    assert!(!stale.body.contains("token="), "no link: {}", stale.body);
    assert_eq!(count().await, before, "nothing written");

    let stepped = app
        .call(
            "step_up",
            &[("current_password", &org.password)],
            Some(&owner),
        )
        .await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.body);
    let created = invite(
        &app,
        &owner,
        Invite::member("partner@example.com", &owner_role),
    )
    .await;
    let InviteOutcome::Created(issued) = created.json::<InviteOutcome>() else {
        panic!("{}", created.body)
    };
    // The copied link proves no mailbox: it does not make an owner.
    let copied = accept_new(&app, &token_of(&issued.link)).await;
    assert_eq!(
        copied.refusal(),
        Refusal::OwnerInvitationNeedsEmailedLink,
        "{}",
        copied.body
    );
    let emailed = eventually(std::time::Duration::from_secs(10), || async {
        app.mailbox
            .list()
            .into_iter()
            .find(|e| e.to == "partner@example.com")
            .map(|e| e.text)
    })
    .await
    .expect("the invitation email");
    let accepted = accept_new(&app, &token_of(&invitation_link_in(&emailed))).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}

/// A site role asks a recent proof for what it grants at its site, read
/// through the product catalogue: a role whose only sensitive permission
/// holds at the organisation's scope (it grants nothing at a site) asks
/// nothing, one with a sensitive product permission does.
#[tokio::test]
async fn a_site_role_asks_a_recent_proof_only_for_what_is_sensitive_at_its_site() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    for (key, sensitive) in [("reports.view", false), ("orders.approve", true)] {
        let made = crate::product_permissions::create(&app, &owner, key, key, sensitive).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    }
    for (name, permissions) in [
        ("Viewer", &["reports.view", "roles.manage"][..]),
        ("Approver", &["orders.approve"][..]),
    ] {
        let made = crate::roles::create(&app, &owner, name, permissions).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    }
    let (viewer, approver) = (
        role_id(&app, &org, "viewer").await,
        role_id(&app, &org, "approver").await,
    );
    let site = crate::sites::create(&app, &owner, "Berlin").await;
    let member = membership_of(&app, &org, &org.member_email).await;

    app.clock.advance(Duration::minutes(16));
    let place = |role: String| {
        let (app, owner, member, site) = (&app, owner.clone(), member.clone(), site.clone());
        async move {
            app.call(
                "members/set_site",
                &[
                    ("membership_id", member.as_str()),
                    ("site_id", site.as_str()),
                    ("role_id", role.as_str()),
                ],
                Some(&owner),
            )
            .await
        }
    };
    let as_viewer = place(viewer).await;
    assert_eq!(as_viewer.status, StatusCode::OK, "{}", as_viewer.body);
    let as_approver = place(approver).await;
    assert!(asks_for_step_up(&as_approver), "{}", as_approver.body);
}

/// A link copied while an invitation granted nothing sensitive stops
/// working once an edit makes it grant something sensitive: whoever copied
/// it may not have been able to hand out that much.
#[tokio::test]
async fn an_edit_that_makes_an_invitation_sensitive_retires_its_copied_link() {
    use crate::invitations::{accept_new, invited};
    use app::domain::Refusal;
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let issued = invited(&app, &owner, "rising@example.com").await;
    let admin_role = role_id(&app, &org, "admin").await;
    let invitation = issued.invitation_id.to_string();
    let edited = app
        .call(
            "invitations/update",
            &[
                ("invitation_id", invitation.as_str()),
                ("role_id", admin_role.as_str()),
                ("department_id", ""),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let copied = accept_new(&app, &crate::invitations::token_of(&issued.link)).await;
    assert_eq!(
        copied.refusal(),
        Refusal::InvitationLinkInvalid,
        "{}",
        copied.body
    );
}

/// A link copied while an invitation granted nothing sensitive accepts
/// nothing sensitive later, however the invitation came to grant more
/// without being edited: here its role gains a sensitive permission. The
/// emailed link still works; so does a new copied link, issued by a
/// proven session.
#[tokio::test]
async fn a_copied_link_accepts_nothing_sensitive_that_no_proof_vouched_for() {
    use crate::harness::eventually;
    use crate::invitations::{accept_new, invitation_link_in, invite, token_of, Invite};
    use app::domain::Refusal;
    use app::wire::invitations::InviteOutcome;
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let made = crate::roles::create(&app, &owner, "Helper", &["team.view"]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let helper = role_id(&app, &org, "helper").await;
    let created = invite(&app, &owner, Invite::member("grows@example.com", &helper)).await;
    let InviteOutcome::Created(issued) = created.json::<InviteOutcome>() else {
        panic!("{}", created.body)
    };
    // The role, not the invitation, changes: nothing retires the link.
    let version: i32 = sqlx::query_scalar("SELECT version FROM roles WHERE id = $1::uuid")
        .bind(&helper)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let edited = crate::roles::call(
        &app,
        "roles/update",
        &[
            ("role_id".into(), helper.clone()),
            ("version".into(), version.to_string()),
            ("name".into(), "Helper".into()),
            ("description".into(), String::new()),
            ("permissions[0]".into(), "team.view".into()),
            ("permissions[1]".into(), "members.invite".into()),
        ],
        &owner,
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let copied = accept_new(&app, &token_of(&issued.link)).await;
    assert_eq!(
        copied.refusal(),
        Refusal::CopiedLinkOutgrown,
        "{}",
        copied.body
    );

    // A new copied link, from a proven session, is vouched for.
    let invitation = issued.invitation_id.to_string();
    let renewed = app
        .call(
            "invitations/new_link",
            &[("invitation_id", invitation.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let emailed = eventually(std::time::Duration::from_secs(10), || async {
        app.mailbox
            .list()
            .into_iter()
            .find(|e| e.to == "grows@example.com")
            .map(|e| e.text)
    })
    .await
    .expect("the invitation email");
    // Replaced by the new link: the first email's link is gone with it.
    let old_emailed = accept_new(&app, &token_of(&invitation_link_in(&emailed))).await;
    assert_eq!(old_emailed.refusal(), Refusal::InvitationLinkInvalid);
    let link: app::wire::invitations::IssuedLink = renewed.json();
    let accepted = accept_new(&app, &token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}
