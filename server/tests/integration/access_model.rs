//! The access model's first rules: every organisation has its own Admin
//! and Member roles (Owner stays global and unchangeable), ownership is a
//! permission nobody can grant, acting on a person needs every sensitive
//! permission they hold, and a role's permissions reach its holders on
//! their very next request.

use crate::harness::{TestApp, TestOrganisation};
use crate::invitations::role_id;
use crate::members::{change_role, disable, membership_of};
use app::domain::{Permission, Refusal};
use app::wire::session::SignedIn;
use reqwest::StatusCode;

pub(crate) async fn set_role_permissions(
    app: &TestApp,
    org: &TestOrganisation,
    key: &str,
    keys: &[&str],
) {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let updated = sqlx::query(
        "UPDATE roles SET permissions = $3, version = version + 1
         WHERE organisation_id = $1 AND key = $2",
    )
    .bind(org.organisation_id.0)
    .bind(key)
    .bind(&keys)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(updated.rows_affected(), 1);
}

/// How the team list answers `session`: only for those who may see it.
pub(crate) async fn team_list(app: &TestApp, org: &TestOrganisation, session: &str) -> StatusCode {
    let org_id = org.organisation_id.to_string();
    let list = [
        ("organisation_id", org_id.as_str()),
        ("query[tab]", "Active"),
    ];
    app.call("team/list", &list, Some(session)).await.status
}

async fn permissions_of(app: &TestApp, session: &str) -> Vec<Permission> {
    app.call("session", &[], Some(session))
        .await
        .json::<Option<SignedIn>>()
        .expect("signed in")
        .user
        .permissions
}

#[tokio::test]
async fn each_organisation_has_its_own_admin_and_member_roles_and_one_global_owner() {
    let app = TestApp::spawn().await;
    let first = app.organisation().await;
    let second = app.organisation().await;
    for key in ["admin", "member"] {
        assert_ne!(
            role_id(&app, &first, key).await,
            role_id(&app, &second, key).await,
            "{key}"
        );
    }
    assert_eq!(
        role_id(&app, &first, "owner").await,
        role_id(&app, &second, "owner").await
    );

    // Editing one organisation's Admin role leaves the other's alone.
    set_role_permissions(&app, &first, "admin", &["team.view"]).await;
    let first_admin = app.sign_in(&first.admin_email, &first.password).await;
    let second_admin = app.sign_in(&second.admin_email, &second.password).await;
    assert_eq!(
        permissions_of(&app, &first_admin).await,
        [Permission::ViewTeam]
    );
    assert!(permissions_of(&app, &second_admin)
        .await
        .contains(&Permission::ManageMembers));

    // An owner holds everything, ownership included.
    let owner = app.sign_in(&first.owner_email, &first.password).await;
    assert_eq!(permissions_of(&app, &owner).await, Permission::ALL);
}

#[tokio::test]
async fn ownership_is_never_in_an_organisations_role_and_owner_is_a_reserved_name() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let widened = sqlx::query(
        "UPDATE roles SET permissions = ARRAY['organisation.own'] WHERE organisation_id = $1 AND key = 'admin'",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await;
    assert!(widened.is_err(), "an organisation's role held ownership");
    let renamed =
        sqlx::query("UPDATE roles SET name = 'OWNER' WHERE organisation_id = $1 AND key = 'admin'")
            .bind(org.organisation_id.0)
            .execute(&app.pool)
            .await;
    assert!(renamed.is_err(), "an organisation's role was named Owner");
}

#[tokio::test]
async fn an_admin_role_given_every_permission_still_cannot_touch_an_owner() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let every_grantable: Vec<&str> = Permission::ALL
        .into_iter()
        .filter(|p| p.is_grantable())
        .map(Permission::key)
        .collect();
    set_role_permissions(&app, &org, "admin", &every_grantable).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let owner = membership_of(&app, &org, &org.owner_email).await;
    assert_eq!(
        disable(&app, &admin, &owner).await.refusal(),
        Refusal::Outranked
    );
    let member = membership_of(&app, &org, &org.member_email).await;
    let owner_role = role_id(&app, &org, "owner").await;
    assert_eq!(
        change_role(&app, &admin, &member, &owner_role)
            .await
            .refusal(),
        Refusal::RoleNotGrantable {
            role: Some("Owner".into())
        }
    );
    // The widened Admins act on each other and on members, as before.
    let response = disable(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[tokio::test]
async fn acting_on_someone_needs_their_sensitive_permissions_not_all_of_them() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    // Admins who invite and manage members but do not see the team
    // themselves, and Members who may see it: the Admins still manage them.
    set_role_permissions(&app, &org, "admin", &["members.invite", "members.manage"]).await;
    set_role_permissions(&app, &org, "member", &["team.view"]).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let response = disable(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    // Granting is stricter: all of it. The Member role holds the team view,
    // which these Admins lack.
    let member_role = role_id(&app, &org, "member").await;
    let invite = |email: &'static str| {
        let (app, admin, member_role) = (&app, &admin, &member_role);
        async move {
            crate::invitations::invite(
                app,
                admin,
                crate::invitations::Invite::member(email, member_role),
            )
            .await
        }
    };
    assert_eq!(
        invite("newcomer@example.com").await.refusal(),
        Refusal::RoleNotGrantable {
            role: Some("Member".into())
        }
    );

    // Once Members may read the audit log, which the Admins may not, the
    // Admins no longer act on them.
    set_role_permissions(&app, &org, "member", &["audit.view"]).await;
    let enable = app
        .call(
            "members/enable",
            &[("membership_id", member.as_str())],
            Some(&admin),
        )
        .await;
    assert_eq!(enable.refusal(), Refusal::Outranked);
}

#[tokio::test]
async fn a_change_to_a_role_reaches_its_holders_on_their_next_request() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
    set_role_permissions(&app, &org, "member", &["team.view"]).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);
    set_role_permissions(&app, &org, "member", &[]).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
}

/// Grants `key` to the person with `email` directly, at the organisation's
/// scope (what the member page will do).
pub(crate) async fn grant_directly(
    app: &TestApp,
    org: &TestOrganisation,
    email: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    let membership = membership_of(app, org, email).await;
    sqlx::query("INSERT INTO member_permissions (membership_id, permission) VALUES ($1::uuid, $2)")
        .bind(membership)
        .bind(key)
        .execute(&app.pool)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn permissions_granted_directly_count_with_the_roles_in_every_check() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);

    // The team view, granted to the member alone: on their next request.
    grant_directly(&app, &org, &org.member_email, "team.view")
        .await
        .unwrap();
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);
    assert_eq!(permissions_of(&app, &member).await, [Permission::ViewTeam]);

    // The audit log, granted directly: Admins, who may not read it, no
    // longer act on this member.
    grant_directly(&app, &org, &org.member_email, "audit.view")
        .await
        .unwrap();
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let membership = membership_of(&app, &org, &org.member_email).await;
    assert_eq!(
        disable(&app, &admin, &membership).await.refusal(),
        Refusal::Outranked
    );
    // And the owner still does.
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let response = disable(&app, &owner, &membership).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    // Ownership is granted by no one, directly or otherwise.
    assert!(
        grant_directly(&app, &org, &org.admin_email, "organisation.own")
            .await
            .is_err()
    );
}
