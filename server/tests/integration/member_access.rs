//! A member's effective permissions on their page, each with its source,
//! and permissions granted to them directly: only what the granter holds,
//! never to oneself or to someone the granter may not act on, audited, and
//! counted in every check from the member's next request.

use crate::access_model::{set_role_permissions, team_list};
use crate::harness::{owner_of, ApiResponse, TestApp};
use crate::invitations::{invite, role_id, Invite};
use crate::members::{audit_count, membership_of};
use crate::product_permissions::create as create_permission;
use crate::roles::create as create_role;
use app::domain::Refusal;
use app::wire::members::{MemberDetail, PermissionSource};
use reqwest::StatusCode;

pub(crate) async fn detail(app: &TestApp, session: &str, membership: &str) -> MemberDetail {
    let answer = app
        .call(
            "members/detail",
            &[("membership_id", membership)],
            Some(session),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

pub(crate) async fn grant(
    app: &TestApp,
    session: &str,
    membership: &str,
    key: &str,
) -> ApiResponse {
    app.call(
        "members/grant_permission",
        &[("membership_id", membership), ("permission", key)],
        Some(session),
    )
    .await
}

async fn revoke(app: &TestApp, session: &str, membership: &str, key: &str) -> ApiResponse {
    app.call(
        "members/revoke_permission",
        &[("membership_id", membership), ("permission", key)],
        Some(session),
    )
    .await
}

pub(crate) fn sources(detail: &MemberDetail, key: &str) -> Vec<PermissionSource> {
    detail
        .access
        .permissions
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.sources.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_member_page_names_where_each_permission_comes_from() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    assert_eq!(
        create_permission(&app, &owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    set_role_permissions(&app, &org, "member", &["reports.view"]).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);

    let granted = grant(&app, &owner, &mia, "team.view").await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    assert_eq!(
        grant(&app, &owner, &mia, "reports.view").await.status,
        StatusCode::OK
    );
    // What was granted counts on their next request.
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);

    let page = detail(&app, &owner, &mia).await;
    assert!(!page.access.owns);
    let role_source = PermissionSource::Role {
        name: "Member".into(),
    };
    let reports = sources(&page, "reports.view");
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert_eq!(reports[0], role_source);
    assert!(
        matches!(&reports[1], PermissionSource::Direct { by: Some(by), .. } if by == "Olive Owner")
    );
    let team = sources(&page, "team.view");
    assert!(
        matches!(team.as_slice(), [PermissionSource::Direct { .. }]),
        "{team:?}"
    );
    assert!(page
        .access
        .permissions
        .iter()
        .all(|p| p.removable == (p.key == "team.view" || p.key == "reports.view")));
    // What the owner could still grant: not what they hold already.
    assert!(page.access.grantable.iter().all(|p| p.key != "team.view"));
    assert!(page
        .access
        .grantable
        .iter()
        .any(|p| p.key == "members.manage"));
    assert_eq!(
        audit_count(&app, &org, "member.permission_granted").await,
        2
    );

    // The owner's own page: everything, nothing to grant.
    let olive = membership_of(&app, &org, &org.owner_email).await;
    let own = detail(&app, &owner, &olive).await;
    assert!(own.access.owns && own.access.grantable.is_empty());

    // Taken away: gone on their next request, audited with before and after.
    assert_eq!(
        revoke(&app, &owner, &mia, "team.view").await.status,
        StatusCode::OK
    );
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'member.permission_revoked' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        before["permissions"],
        serde_json::json!(["reports.view", "team.view"])
    );
    assert_eq!(after["permissions"], serde_json::json!(["reports.view"]));
}

#[tokio::test]
async fn nobody_grants_what_they_lack_to_themselves_or_to_someone_they_may_not_act_on() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        create_permission(&app, &owner, "orders.approve", "Approve orders", true)
            .await
            .status,
        StatusCode::OK
    );
    let mia = membership_of(&app, &org, &org.member_email).await;
    let adam = membership_of(&app, &org, &org.admin_email).await;
    let olive = membership_of(&app, &org, &org.owner_email).await;

    // A permission the admin lacks, Roster's or the product's.
    for key in ["audit.view", "orders.approve"] {
        assert_eq!(
            grant(&app, &admin, &mia, key).await.refusal(),
            Refusal::PermissionsBeyondYours,
            "{key}"
        );
    }
    // Unknown keys, and ownership, beside the field.
    for key in ["reports.nothing", "organisation.own", ""] {
        let refused = grant(&app, &owner, &mia, key).await;
        assert!(
            refused.error().for_field("permission").is_some(),
            "{key:?}: {}",
            refused.body
        );
    }
    // Not to oneself.
    assert_eq!(
        grant(&app, &admin, &adam, "team.view").await.refusal(),
        Refusal::ChangeOwnPermissions
    );
    // Not to an owner, whom the admin may not act on.
    assert_eq!(
        grant(&app, &admin, &olive, "team.view").await.refusal(),
        Refusal::Outranked
    );
    // Once Mia may approve orders (sensitive), the admin, who may not,
    // neither grants her more nor takes anything away.
    assert_eq!(
        grant(&app, &owner, &mia, "orders.approve").await.status,
        StatusCode::OK
    );
    assert_eq!(
        grant(&app, &admin, &mia, "team.view").await.refusal(),
        Refusal::Outranked
    );
    assert_eq!(
        revoke(&app, &admin, &mia, "orders.approve").await.refusal(),
        Refusal::Outranked
    );
    let page = detail(&app, &admin, &mia).await;
    assert!(page.access.grantable.is_empty());
    assert!(page.access.permissions.iter().all(|p| !p.removable));
}

#[tokio::test]
async fn taking_a_permission_away_revokes_the_invitations_it_made_possible() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    // Members who may invite with a role holding the team view, but only
    // through what was granted to Mia.
    assert_eq!(
        create_role(&app, &owner, "Viewer", &["team.view"])
            .await
            .status,
        StatusCode::OK
    );
    let mia = membership_of(&app, &org, &org.member_email).await;
    for key in ["members.invite", "team.view"] {
        assert_eq!(grant(&app, &owner, &mia, key).await.status, StatusCode::OK);
    }
    let member = app.sign_in(&org.member_email, &org.password).await;
    let viewer = role_id(&app, &org, "viewer").await;
    let sent = invite(&app, &member, Invite::member("sam@example.com", &viewer)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);

    assert_eq!(
        revoke(&app, &owner, &mia, "team.view").await.status,
        StatusCode::OK
    );
    let reason: String = sqlx::query_scalar(
        "SELECT after->>'reason' FROM audit_events WHERE action = 'invitation.revoked' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reason, "A permission was taken from the inviter");
}

/// Invites `email` with `role` and, on top, `permissions` as the dialog
/// posts them: checkboxes named by their place in the list, so unticked
/// ones leave gaps.
async fn invite_with(
    app: &TestApp,
    session: &str,
    email: &str,
    role: &str,
    permissions: &[&str],
) -> ApiResponse {
    let names: Vec<String> = (0..permissions.len())
        .map(|i| format!("permissions[{}]", i * 3 + 1))
        .collect();
    let mut form = vec![
        ("email", email),
        ("name", "Ana Invitee"),
        ("role_id", role),
        ("department_id", ""),
        ("expiry_hours", ""),
    ];
    for (name, key) in names.iter().zip(permissions) {
        form.push((name.as_str(), key));
    }
    app.call("invitations/create", &form, Some(session)).await
}

#[tokio::test]
async fn an_invitation_grants_permissions_on_top_of_its_role_from_the_inviter() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        create_permission(&app, &owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    let member_role = role_id(&app, &org, "member").await;

    // Beyond the inviter's own, or unknown: refused, nothing written.
    assert_eq!(
        invite_with(
            &app,
            &admin,
            "ana@example.com",
            &member_role,
            &["reports.view"]
        )
        .await
        .refusal(),
        Refusal::PermissionsBeyondYours
    );
    let unknown = invite_with(
        &app,
        &owner,
        "ana@example.com",
        &member_role,
        &["reports.nothing"],
    )
    .await;
    assert!(
        unknown.error().for_field("permissions").is_some(),
        "{}",
        unknown.body
    );
    let invitations: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invitations WHERE organisation_id = $1")
            .bind(org.organisation_id.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(invitations, 0);

    let sent = invite_with(
        &app,
        &owner,
        "ana@example.com",
        &member_role,
        &["reports.view", "team.view"],
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let link = match sent.json::<app::wire::invitations::InviteOutcome>() {
        app::wire::invitations::InviteOutcome::Created(link) => link,
        other => panic!("{other:?}"),
    };
    // The pending invitation keeps the choice, and an edit changes it.
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT unnest(permissions) FROM invitations WHERE id = $1")
            .bind(link.invitation_id.0)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(kept, ["team.view", "reports.view"]);
    let id = link.invitation_id.to_string();
    let edited = app
        .call(
            "invitations/update",
            &[
                ("invitation_id", id.as_str()),
                ("role_id", member_role.as_str()),
                ("department_id", ""),
                ("permissions[0]", "reports.view"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);

    let accepted =
        crate::invitations::accept_new(&app, &crate::invitations::token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let ana = membership_of(&app, &org, "ana@example.com").await;
    let page = detail(&app, &owner, &ana).await;
    let keys: Vec<&str> = page
        .access
        .permissions
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    assert_eq!(keys, ["reports.view"]);
    assert!(matches!(
        sources(&page, "reports.view").as_slice(),
        [PermissionSource::Direct { by: Some(by), .. }] if by == "Olive Owner"
    ));
}

#[tokio::test]
async fn a_permission_retired_before_acceptance_is_not_granted() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    assert_eq!(
        create_permission(&app, &owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    let member_role = role_id(&app, &org, "member").await;
    let sent = invite_with(
        &app,
        &owner,
        "ana@example.com",
        &member_role,
        &["reports.view"],
    )
    .await;
    let link = match sent.json::<app::wire::invitations::InviteOutcome>() {
        app::wire::invitations::InviteOutcome::Created(link) => link,
        other => panic!("{other:?}"),
    };
    let id: String = sqlx::query_scalar(
        "SELECT id::text FROM product_permissions WHERE organisation_id = $1 AND key = 'reports.view'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let retired = app
        .call(
            "permissions/retire",
            &[("permission_id", id.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    let accepted =
        crate::invitations::accept_new(&app, &crate::invitations::token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let grants: i64 = sqlx::query_scalar("SELECT count(*) FROM member_permissions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(grants, 0);
}

#[tokio::test]
async fn admins_change_a_members_position_within_their_outranking_audited() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let olive = membership_of(&app, &org, &org.owner_email).await;
    let change = |membership: &str, position: &str| {
        let (membership, position) = (membership.to_string(), position.to_string());
        let (app, admin) = (&app, &admin);
        async move {
            app.call(
                "members/change_position",
                &[
                    ("membership_id", membership.as_str()),
                    ("position", position.as_str()),
                ],
                Some(admin),
            )
            .await
        }
    };
    let saved = change(&mia, "  Night lead ").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        detail(&app, &admin, &mia).await.position.as_deref(),
        Some("Night lead")
    );
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'member.position_changed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (before["position"].clone(), after["position"].clone()),
        (serde_json::Value::Null, serde_json::json!("Night lead"))
    );

    let invalid = change(&mia, "<script>").await;
    assert!(
        invalid.error().for_field("position").is_some(),
        "{}",
        invalid.body
    );
    assert_eq!(
        change(&olive, "Figurehead").await.refusal(),
        Refusal::Outranked
    );
    // Cleared with an empty one.
    assert_eq!(change(&mia, "").await.status, StatusCode::OK);
    assert_eq!(detail(&app, &admin, &mia).await.position, None);
}
