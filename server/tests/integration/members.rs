//! Member lifecycle at the HTTP boundary: disable, enable, delete, role and
//! department changes, and every guard, against real PostgreSQL.

use crate::harness::{eventually, TestApp, TestOrganisation};
use crate::invitations::{invite, role_id, Invite};
use app::domain::Refusal;
use app::wire::session::{SessionUser, SignedIn};
use app::wire::AppError;
use reqwest::StatusCode;
use std::time::Duration;
use uuid::Uuid;

/// The membership id of `email` in `org`.
pub(crate) async fn membership_of(app: &TestApp, org: &TestOrganisation, email: &str) -> String {
    let id: Uuid = sqlx::query_scalar(
        "SELECT m.id FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 AND lower(a.email) = lower($2)",
    )
    .bind(org.organisation_id.0)
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    id.to_string()
}

/// Who the session behind `cookie` is, if it still works.
async fn whoami(app: &TestApp, cookie: &str) -> Option<SessionUser> {
    let response = app.call("session", &[], Some(cookie)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json::<Option<SignedIn>>().map(|s| s.user)
}

/// Calls a `members/…` server function that takes only the membership.
async fn on_member(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    membership: &str,
) -> crate::harness::ApiResponse {
    app.call(endpoint, &[("membership_id", membership)], Some(cookie))
        .await
}

pub(crate) async fn disable(
    app: &TestApp,
    cookie: &str,
    membership: &str,
) -> crate::harness::ApiResponse {
    on_member(app, cookie, "members/disable", membership).await
}

async fn delete(
    app: &TestApp,
    cookie: &str,
    membership: &str,
    typed_email: &str,
) -> crate::harness::ApiResponse {
    app.call(
        "members/delete",
        &[
            ("membership_id", membership),
            ("confirm_email", typed_email),
        ],
        Some(cookie),
    )
    .await
}

/// Enabled members of `org` who hold the Owner role.
async fn enabled_owners(app: &TestApp, org: &TestOrganisation) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id
         WHERE m.organisation_id = $1 AND m.status = 'enabled' AND r.key = 'owner'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(crate) async fn change_role(
    app: &TestApp,
    cookie: &str,
    membership: &str,
    role: &str,
) -> crate::harness::ApiResponse {
    app.call(
        "members/change_role",
        &[("membership_id", membership), ("role_id", role)],
        Some(cookie),
    )
    .await
}

pub(crate) async fn audit_count(app: &TestApp, org: &TestOrganisation, action: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE organisation_id = $1 AND action = $2",
    )
    .bind(org.organisation_id.0)
    .bind(action)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Runs `a` and `b` so that both have authenticated (as the people they
/// were before either change) and both wait on the organisation's lock at
/// the same moment: the test holds the lock until both are queued on it.
async fn race<A, B>(
    app: &TestApp,
    org: &TestOrganisation,
    a: A,
    b: B,
) -> (crate::harness::ApiResponse, crate::harness::ApiResponse)
where
    A: std::future::Future<Output = crate::harness::ApiResponse>,
    B: std::future::Future<Output = crate::harness::ApiResponse>,
{
    let mut hold = app.pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
        .bind(org.organisation_id.0)
        .execute(&mut *hold)
        .await
        .unwrap();
    let release = async {
        let queued = eventually(Duration::from_secs(20), || async {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
            (waiting >= 2).then_some(())
        })
        .await;
        hold.rollback().await.unwrap();
        assert!(queued.is_some(), "both requests should queue on the lock");
    };
    let (a, b, ()) = tokio::join!(a, b, release);
    (a, b)
}

/// The loser of a race is told why (it was demoted, disabled, or the rule
/// holds), never handed a server error such as a deadlock.
fn assert_refused_cleanly(responses: &[&crate::harness::ApiResponse]) {
    for r in responses {
        assert!(
            [
                StatusCode::OK,
                StatusCode::UNAUTHORIZED,
                StatusCode::FORBIDDEN,
                StatusCode::CONFLICT
            ]
            .contains(&r.status),
            "{} {}",
            r.status,
            r.body
        );
    }
}

/// Makes the test organisation's admin an Owner too (by its owner).
async fn promote_admin_to_owner(app: &TestApp, org: &TestOrganisation, owner_cookie: &str) {
    let owner_role = role_id(app, org, "owner").await;
    let admin = membership_of(app, org, &org.admin_email).await;
    let response = change_role(app, owner_cookie, &admin, &owner_role).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[tokio::test]
async fn disabling_ends_the_members_sessions_at_once_and_enabling_lets_them_back() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member_session = app.sign_in(&org.member_email, &org.password).await;
    assert!(whoami(&app, &member_session).await.is_some());
    let member = membership_of(&app, &org, &org.member_email).await;

    let response = disable(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        whoami(&app, &member_session).await,
        None,
        "the very next request is refused"
    );
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE lower(a.email) = lower($1) AND s.revoked_at IS NULL",
    )
    .bind(&org.member_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(live, 0, "their sessions are revoked, not only refused");
    let signed_in = app
        .call(
            "sign_in",
            &[
                ("email", org.member_email.as_str()),
                ("password", org.password.as_str()),
                ("next", ""),
            ],
            None,
        )
        .await;
    assert_eq!(signed_in.error(), AppError::AccessDisabled);
    assert_eq!(audit_count(&app, &org, "member.disabled").await, 1);

    let enabled = on_member(&app, &admin, "members/enable", &member).await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);
    assert_eq!(
        whoami(&app, &member_session).await,
        None,
        "an ended session stays ended"
    );
    let again = app.sign_in(&org.member_email, &org.password).await;
    assert!(whoami(&app, &again).await.is_some());
    assert_eq!(audit_count(&app, &org, "member.enabled").await, 1);
}

#[tokio::test]
async fn deleting_needs_the_typed_email_ends_sessions_and_revokes_what_they_sent() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin_session = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let sent = invite(
        &app,
        &admin_session,
        Invite::member("pending@example.com", &member_role),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let admin = membership_of(&app, &org, &org.admin_email).await;

    let wrong = delete(&app, &owner, &admin, "someone@else").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.error().for_field("confirm_email"),
        Some(format!("Type {} exactly to confirm.", org.admin_email))
    );
    assert!(
        whoami(&app, &admin_session).await.is_some(),
        "a refused delete changes nothing"
    );

    let typed = org.admin_email.to_uppercase();
    let deleted = delete(&app, &owner, &admin, &typed).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(whoami(&app, &admin_session).await, None);
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE lower(email) = lower($1)")
            .bind(&org.admin_email)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 0, "an account in no other organisation goes too");
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invitations WHERE email = 'pending@example.com'
         AND revoked_at IS NULL AND accepted_at IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(open, 0, "the invitations they sent are revoked");
    let history: String = sqlx::query_scalar(
        "SELECT target_name FROM audit_events WHERE action = 'member.deleted' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(history, "Adam Admin", "the audit history stays");
}

#[tokio::test]
async fn a_deleted_member_who_belongs_elsewhere_keeps_their_account() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    // The member also belongs to the other organisation.
    sqlx::query(
        "INSERT INTO memberships (account_id, organisation_id, role_id)
         SELECT a.id, $2, r.id FROM accounts a, roles r
         WHERE lower(a.email) = lower($1) AND r.key = 'member' AND r.organisation_id = $2",
    )
    .bind(&org.member_email)
    .bind(other.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let deleted = delete(&app, &admin, &member, &org.member_email).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let session = app.sign_in(&org.member_email, &org.password).await;
    let me = whoami(&app, &session).await.expect("signed in elsewhere");
    assert_eq!(me.organisation_id, other.organisation_id);
}

#[tokio::test]
async fn nobody_disables_deletes_or_demotes_themselves() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let me = membership_of(&app, &org, &org.admin_email).await;
    assert_eq!(
        disable(&app, &admin, &me).await.refusal(),
        Refusal::DisableSelf
    );
    let member_role = role_id(&app, &org, "member").await;
    assert_eq!(
        change_role(&app, &admin, &me, &member_role).await.refusal(),
        Refusal::ChangeOwnRole
    );
    let attempt = delete(&app, &admin, &me, &org.admin_email).await;
    assert_eq!(attempt.refusal(), Refusal::DeleteSelf);
    assert!(whoami(&app, &admin).await.is_some());
}

#[tokio::test]
async fn admins_act_only_within_their_own_permissions() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let owner = membership_of(&app, &org, &org.owner_email).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    assert_eq!(
        disable(&app, &admin, &owner).await.refusal(),
        Refusal::Outranked
    );

    let owner_role = role_id(&app, &org, "owner").await;
    let promote = change_role(&app, &admin, &member, &owner_role).await;
    assert_eq!(
        promote.refusal(),
        Refusal::RoleNotGrantable {
            role: Some("Owner".into())
        }
    );
    // Shown beside the role picker.
    assert!(promote.error().for_field("role").is_some());
    let admin_role = role_id(&app, &org, "admin").await;
    let response = change_role(&app, &admin, &member, &admin_role).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'member.role_changed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["role"], "Member");
    assert_eq!(after["role"], "Admin");

    let unknown = app
        .call(
            "members/change_department",
            &[
                ("membership_id", member.as_str()),
                ("department_id", &Uuid::new_v4().to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        unknown.error().for_field("department").as_deref(),
        Some("Choose one of your organisation's departments.")
    );
}

#[tokio::test]
async fn departments_change_and_are_audited_with_before_and_after() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let technical: Uuid = sqlx::query_scalar(
        "SELECT id FROM departments WHERE organisation_id = $1 AND name = 'Technical'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let response = app
        .call(
            "members/change_department",
            &[
                ("membership_id", member.as_str()),
                ("department_id", &technical.to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'member.department_changed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(after["department"], "Technical");
}

#[tokio::test]
async fn the_primary_contact_is_neither_disabled_nor_deleted_until_replaced() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    promote_admin_to_owner(&app, &org, &owner).await;
    let second_owner = app.sign_in(&org.admin_email, &org.password).await;
    // The organisation's first owner is its primary contact.
    let primary = membership_of(&app, &org, &org.owner_email).await;
    assert_eq!(
        disable(&app, &second_owner, &primary).await.refusal(),
        Refusal::PrimaryContact
    );
    let attempt = delete(&app, &second_owner, &primary, &org.owner_email).await;
    assert_eq!(attempt.refusal(), Refusal::PrimaryContact);
    assert!(whoami(&app, &owner).await.is_some());
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = TestApp::spawn().await;
    for round in 0..4 {
        let org = app.organisation().await;
        let member_role = role_id(&app, &org, "member").await;
        let olive = app.sign_in(&org.owner_email, &org.password).await;
        promote_admin_to_owner(&app, &org, &olive).await;
        let adam = app.sign_in(&org.admin_email, &org.password).await;
        let olive_membership = membership_of(&app, &org, &org.owner_email).await;
        let adam_membership = membership_of(&app, &org, &org.admin_email).await;

        let (a, b) = race(
            &app,
            &org,
            change_role(&app, &olive, &adam_membership, &member_role),
            change_role(&app, &adam, &olive_membership, &member_role),
        )
        .await;
        let succeeded = [&a, &b]
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert_eq!(
            succeeded, 1,
            "round {round}: {} / {} — {} / {}",
            a.status, a.body, b.status, b.body
        );
        assert_refused_cleanly(&[&a, &b]);
        let owners = enabled_owners(&app, &org).await;
        assert_eq!(owners, 1, "round {round}");
    }
}

#[tokio::test]
async fn the_last_enabled_owner_is_not_disabled_by_a_concurrent_disable() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let olive = app.sign_in(&org.owner_email, &org.password).await;
    promote_admin_to_owner(&app, &org, &olive).await;
    // Olive stops being primary contact, so only the owner count guards her.
    sqlx::query("UPDATE organisations SET primary_contact_id = NULL WHERE id = $1")
        .bind(org.organisation_id.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let adam = app.sign_in(&org.admin_email, &org.password).await;
    let olive_membership = membership_of(&app, &org, &org.owner_email).await;
    let adam_membership = membership_of(&app, &org, &org.admin_email).await;
    let (a, b) = race(
        &app,
        &org,
        disable(&app, &olive, &adam_membership),
        disable(&app, &adam, &olive_membership),
    )
    .await;
    let statuses = [a.status, b.status];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{} / {}",
        a.body,
        b.body
    );
    assert_refused_cleanly(&[&a, &b]);
    assert_eq!(enabled_owners(&app, &org).await, 1);
}

#[tokio::test]
async fn a_sole_owner_stepping_down_is_told_to_make_another_owner_first() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let me = membership_of(&app, &org, &org.owner_email).await;
    let member_role = role_id(&app, &org, "member").await;
    assert_eq!(
        change_role(&app, &owner, &me, &member_role).await.refusal(),
        Refusal::LastOwner
    );
}

#[tokio::test]
async fn a_members_page_shows_their_access_and_recent_history() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let response = disable(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    let page = on_member(&app, &admin, "members/detail", &member).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let detail: app::wire::members::MemberDetail = page.json();
    assert_eq!(detail.member.name, "Mia Member");
    assert_eq!(detail.member.role, "Member");
    assert_eq!(
        detail.member.status,
        app::domain::MembershipStatus::Disabled
    );
    assert!(!detail.is_primary_contact);
    let latest = detail.recent_events.first().expect("an event");
    assert_eq!(latest.action, "member.disabled");
    assert_eq!(latest.actor.as_deref(), Some("Adam Admin"));

    // The owner is the primary contact; unknown ids are not found.
    let owner = membership_of(&app, &org, &org.owner_email).await;
    let owner_page: app::wire::members::MemberDetail =
        on_member(&app, &admin, "members/detail", &owner)
            .await
            .json();
    assert!(owner_page.is_primary_contact);
    let unknown = app
        .call(
            "members/detail",
            &[("membership_id", &Uuid::new_v4().to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
