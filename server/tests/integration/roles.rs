//! The roles server functions: listing, creating, editing over a version
//! and deleting with a move, each within the caller's own permissions.

use crate::access_model::team_list;
use crate::harness::{ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{invite, role_id, Invite};
use crate::members::{change_role, membership_of};
use app::domain::{Permission, Refusal};
use app::server::clock::Clock;
use app::wire::roles::{RoleView, RolesPage};
use app::wire::AppError;
use chrono::Duration;
use reqwest::StatusCode;

async fn roles(app: &TestApp, session: &str) -> RolesPage {
    let answer = app.call("roles/list", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

pub(crate) async fn role_named(app: &TestApp, session: &str, name: &str) -> RoleView {
    roles(app, session)
        .await
        .roles
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no role {name}"))
}

/// `permissions[0]=…&permissions[1]=…`, as the server functions read a list.
pub(crate) fn with_permissions(
    mut form: Vec<(String, String)>,
    permissions: &[&str],
) -> Vec<(String, String)> {
    for (i, key) in permissions.iter().enumerate() {
        form.push((format!("permissions[{i}]"), key.to_string()));
    }
    form
}

pub(crate) async fn call(
    app: &TestApp,
    endpoint: &str,
    form: &[(String, String)],
    session: &str,
) -> ApiResponse {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(endpoint, &form, Some(session)).await
}

pub(crate) async fn create(
    app: &TestApp,
    session: &str,
    name: &str,
    permissions: &[&str],
) -> ApiResponse {
    let form = with_permissions(
        vec![
            ("name".into(), name.into()),
            ("description".into(), format!("What a {name} does.")),
        ],
        permissions,
    );
    call(app, "roles/create", &form, session).await
}

async fn update(
    app: &TestApp,
    session: &str,
    role: &RoleView,
    name: &str,
    permissions: &[&str],
) -> ApiResponse {
    let form = with_permissions(
        vec![
            ("role_id".into(), role.id.to_string()),
            ("version".into(), role.version.to_string()),
            ("name".into(), name.into()),
            ("description".into(), role.description.clone()),
        ],
        permissions,
    );
    call(app, "roles/update", &form, session).await
}

async fn delete(app: &TestApp, session: &str, role: &str, move_to: &str) -> ApiResponse {
    app.call(
        "roles/delete",
        &[("role_id", role), ("move_to", move_to)],
        Some(session),
    )
    .await
}

pub(crate) async fn grant_admins_role_management(app: &TestApp, org: &TestOrganisation) {
    sqlx::query(
        "UPDATE roles SET permissions = permissions || ARRAY['roles.manage']
         WHERE organisation_id = $1 AND key = 'admin'",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn owners_list_create_and_name_roles_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        app.call("roles/list", &[], Some(&admin)).await.status,
        StatusCode::FORBIDDEN,
        "admins do not manage roles unless their role says so"
    );

    let page = roles(&app, &owner).await;
    let names: Vec<&str> = page.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Owner", "Admin", "Member"]);
    assert!(page.roles[0].is_owner && !page.roles[0].editable);
    assert!(page.roles[1].editable && page.roles[1].holders == 1);
    assert!(page
        .catalogue
        .iter()
        .all(|p| p.key != Permission::OwnOrganisation.key()));
    assert!(page
        .catalogue
        .iter()
        .any(|p| p.key == "members.manage" && p.sensitive));

    for (name, permissions, field) in [
        ("   ", &[][..], "name"),
        ("owner", &[], "name"),
        ("ADMIN", &[], "name"),
        ("Auditor", &["reports.view"], "permissions"),
        ("Auditor", &["organisation.own"], "permissions"),
    ] {
        let refused = create(&app, &owner, name, permissions).await;
        assert!(
            refused.error().for_field(field).is_some(),
            "{name:?} {permissions:?}: {}",
            refused.body
        );
    }
    let created = create(&app, &owner, "Auditor", &["team.view", "audit.view"]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let auditor = role_named(&app, &owner, "Auditor").await;
    assert_eq!(auditor.permissions, ["team.view", "audit.view"]);
    assert_eq!(auditor.description, "What a Auditor does.");
    assert_eq!((auditor.holders, auditor.version), (0, 1));
    let action: String = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE organisation_id = $1 AND target_type = 'role'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "role.created");
}

#[tokio::test]
async fn nobody_widens_a_role_past_their_own_permissions_or_touches_one_that_holds_more() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    grant_admins_role_management(&app, &org).await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;

    // The admin widens the role they hold with the audit log they lack.
    let admins = role_named(&app, &admin, "Admin").await;
    let widened = update(
        &app,
        &admin,
        &admins,
        "Admin",
        &[
            "team.view",
            "members.invite",
            "members.manage",
            "roles.manage",
            "audit.view",
        ],
    )
    .await;
    assert_eq!(widened.refusal(), Refusal::PermissionsBeyondYours);
    assert!(widened.error().for_field("permissions").is_some());
    assert_eq!(
        create(&app, &admin, "Auditor", &["audit.view"])
            .await
            .refusal(),
        Refusal::PermissionsBeyondYours
    );

    // A role the owner made with the audit log: the admin sees it, cannot
    // touch it.
    assert_eq!(
        create(&app, &owner, "Auditor", &["audit.view"])
            .await
            .status,
        StatusCode::OK
    );
    let auditor = role_named(&app, &admin, "Auditor").await;
    assert!(!auditor.editable);
    assert_eq!(
        update(&app, &admin, &auditor, "Auditor", &[])
            .await
            .refusal(),
        Refusal::RoleHoldsMore {
            role: "Auditor".into()
        }
    );
    let member_role = role_id(&app, &org, "member").await;
    assert_eq!(
        delete(&app, &admin, &auditor.id.to_string(), &member_role)
            .await
            .refusal(),
        Refusal::RoleHoldsMore {
            role: "Auditor".into()
        }
    );

    // The Owner role is no one's to change.
    let owners = role_named(&app, &owner, "Owner").await;
    assert_eq!(
        update(&app, &owner, &owners, "Chief", &[]).await.refusal(),
        Refusal::OwnerRoleFixed
    );
    assert_eq!(
        delete(&app, &owner, &owners.id.to_string(), &member_role)
            .await
            .refusal(),
        Refusal::OwnerRoleFixed
    );

    // Another organisation's role is not found.
    let elsewhere = app.organisation().await;
    let their_member = role_id(&app, &elsewhere, "member").await;
    assert_eq!(
        delete(&app, &owner, &their_member, &member_role)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_people_saving_one_role_from_the_same_version_one_wins_the_other_is_told_to_reload() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let first = app.sign_in(&org.owner_email, &org.password).await;
    let second = app.sign_in(&org.owner_email, &org.password).await;
    let read = role_named(&app, &first, "Member").await;
    let (a, b) = tokio::join!(
        update(&app, &first, &read, "Member", &["team.view"]),
        update(&app, &second, &read, "Staff", &[]),
    );
    let outcomes = [a.status == StatusCode::OK, b.status == StatusCode::OK];
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "{} / {}",
        a.body,
        b.body
    );
    let loser = if outcomes[0] { &b } else { &a };
    assert_eq!(loser.refusal(), Refusal::RoleChangedElsewhere);
    let after: i32 = sqlx::query_scalar("SELECT version FROM roles WHERE id = $1::uuid")
        .bind(read.id.to_string())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, read.version + 1);
}

#[tokio::test]
async fn an_edit_reaches_the_roles_holders_on_their_next_request() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
    let members = role_named(&app, &owner, "Member").await;
    let saved = update(&app, &owner, &members, "Member", &["team.view"]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'role.updated' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["permissions"], serde_json::json!([]));
    assert_eq!(after["permissions"], serde_json::json!(["team.view"]));
}

#[tokio::test]
async fn deleting_a_held_role_moves_its_people_and_invitations_in_one_step() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    assert_eq!(
        create(&app, &owner, "Supervisor", &["team.view"])
            .await
            .status,
        StatusCode::OK
    );
    let supervisor = role_named(&app, &owner, "Supervisor").await;
    let supervisor_id = supervisor.id.to_string();
    let mia = membership_of(&app, &org, &org.member_email).await;
    let moved = change_role(&app, &owner, &mia, &supervisor_id).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let invited = invite(
        &app,
        &owner,
        Invite::member("sam@example.com", &supervisor_id),
    )
    .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let supervisor = role_named(&app, &owner, "Supervisor").await;
    assert_eq!((supervisor.holders, supervisor.pending_invitations), (1, 1));

    // Nowhere to go, or to itself: said beside the choice.
    for to in ["", supervisor_id.as_str()] {
        let refused = delete(&app, &owner, &supervisor_id, to).await;
        assert!(
            refused.error().for_field("move_to").is_some(),
            "{}",
            refused.body
        );
    }
    let member_role = role_id(&app, &org, "member").await;
    let deleted = delete(&app, &owner, &supervisor_id, &member_role).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);

    let page = roles(&app, &owner).await;
    assert!(page.roles.iter().all(|r| r.name != "Supervisor"));
    let members = page.roles.iter().find(|r| r.name == "Member").unwrap();
    assert_eq!((members.holders, members.pending_invitations), (1, 1));
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'role.deleted' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(after["moved_to"], "Member");
    assert_eq!(after["members_moved"], 1);
    assert_eq!(after["invitations_moved"], 1);
}

#[tokio::test]
async fn editing_and_deleting_a_role_ask_for_a_recent_proof() {
    let app = TestApp::spawn_with_clock(Clock::fixed(crate::two_factor::start_time())).await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    assert_eq!(
        create(&app, &owner, "Supervisor", &[]).await.status,
        StatusCode::OK
    );
    let supervisor = role_named(&app, &owner, "Supervisor").await;
    app.clock.advance(Duration::minutes(16));
    let member_role = role_id(&app, &org, "member").await;
    for refused in [
        update(&app, &owner, &supervisor, "Lead", &[]).await,
        delete(&app, &owner, &supervisor.id.to_string(), &member_role).await,
    ] {
        assert!(
            matches!(refused.error(), AppError::StepUpRequired { .. }),
            "{}",
            refused.body
        );
    }
    // Creating a role changes nobody's access: no proof asked.
    assert_eq!(
        create(&app, &owner, "Lead", &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn two_roles_renamed_to_one_name_at_once_one_keeps_it_the_other_is_told() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let first = app.sign_in(&org.owner_email, &org.password).await;
    let second = app.sign_in(&org.owner_email, &org.password).await;
    // Several rounds: each is a chance for the two requests to overlap.
    for round in 0..5 {
        let (day, night) = (format!("Day {round}"), format!("Night {round}"));
        for name in [&day, &night] {
            assert_eq!(create(&app, &first, name, &[]).await.status, StatusCode::OK);
        }
        let day = role_named(&app, &first, &day).await;
        let night = role_named(&app, &first, &night).await;
        let (lead, shouted) = (format!("Lead {round}"), format!("LEAD {round}"));
        let (a, b) = tokio::join!(
            update(&app, &first, &day, &lead, &[]),
            update(&app, &second, &night, &shouted, &[]),
        );
        let mut outcomes = [a.status, b.status];
        outcomes.sort();
        assert_eq!(
            outcomes,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}: {} / {}",
            a.body,
            b.body
        );
        let loser = if a.status == StatusCode::OK { &b } else { &a };
        assert_eq!(loser.refusal(), Refusal::RoleNameTaken);
    }
}

#[tokio::test]
async fn narrowing_a_role_revokes_the_invitations_its_holders_could_no_longer_send() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let sent = invite(
        &app,
        &admin,
        Invite::member("kept@example.com", &member_role),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let open = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM invitations WHERE organisation_id = $1 AND revoked_at IS NULL",
        )
        .bind(org.organisation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };

    // Renaming takes nothing away: the invitation stays.
    let admins = role_named(&app, &owner, "Admin").await;
    let all = ["team.view", "members.invite", "members.manage"];
    assert_eq!(
        update(&app, &owner, &admins, "Manager", &all).await.status,
        StatusCode::OK
    );
    assert_eq!(open().await, 1);

    // Admins may no longer invite: what they sent is revoked now, and
    // says why.
    let managers = role_named(&app, &owner, "Manager").await;
    let narrowed = update(
        &app,
        &owner,
        &managers,
        "Manager",
        &["team.view", "members.manage"],
    )
    .await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.body);
    assert_eq!(open().await, 0);
    let reason: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'invitation.revoked' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reason["reason"], "Inviter's role was edited");
}
