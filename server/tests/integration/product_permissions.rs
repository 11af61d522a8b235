//! The organisation's product permissions: keys checked beside their
//! field and never reused, roles holding them only from the catalogue and
//! only within what the editor holds, the sensitive mark guarding their
//! holders, and retirement taking them from everyone at once.

use crate::access_model::{grant_directly, set_role_permissions};
use crate::harness::{owner_of, ApiResponse, TestApp};
use crate::members::{disable, membership_of};
use crate::roles::{create as create_role, grant_admins_role_management, role_named};
use app::domain::Refusal;
use app::server::clock::Clock;
use app::wire::permissions::{PermissionUsage, PermissionsPage, ProductPermissionView};
use app::wire::AppError;
use chrono::Duration;
use reqwest::StatusCode;

async fn page(app: &TestApp, session: &str) -> PermissionsPage {
    let answer = app.call("permissions/list", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

pub(crate) async fn permission(app: &TestApp, session: &str, key: &str) -> ProductPermissionView {
    page(app, session)
        .await
        .product
        .into_iter()
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("no permission {key}"))
}

pub(crate) async fn create(
    app: &TestApp,
    session: &str,
    key: &str,
    name: &str,
    sensitive: bool,
) -> ApiResponse {
    let mut form = vec![
        ("key", key),
        ("name", name),
        ("description", "What the product lets them do."),
    ];
    if sensitive {
        form.push(("sensitive", "true"));
    }
    app.call("permissions/create", &form, Some(session)).await
}

async fn update(
    app: &TestApp,
    session: &str,
    p: &ProductPermissionView,
    name: &str,
    sensitive: bool,
) -> ApiResponse {
    let (id, version) = (p.id.to_string(), p.version.to_string());
    let mut form = vec![
        ("permission_id", id.as_str()),
        ("version", version.as_str()),
        ("name", name),
    ];
    if sensitive {
        form.push(("sensitive", "true"));
    }
    app.call("permissions/update", &form, Some(session)).await
}

async fn on(
    app: &TestApp,
    session: &str,
    endpoint: &str,
    p: &ProductPermissionView,
) -> ApiResponse {
    let id = p.id.to_string();
    app.call(endpoint, &[("permission_id", id.as_str())], Some(session))
        .await
}

#[tokio::test]
async fn product_permissions_are_added_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        app.call("permissions/list", &[], Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(page(&app, &owner).await.product.is_empty());

    let added = create(&app, &owner, "reports.view", "View reports", false).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    for (key, name, field) in [
        ("", "Empty", "key"),
        ("reports", "One part", "key"),
        ("Reports.Export", "Capitals", "key"),
        ("team.view", "Roster's", "key"),
        ("members.export", "Reserved prefix", "key"),
        ("reports.export", "   ", "name"),
        ("reports.export", "VIEW REPORTS", "name"),
        ("reports.view", "Again", "key"),
    ] {
        let refused = create(&app, &owner, key, name, false).await;
        assert!(
            refused.error().for_field(field).is_some(),
            "{key:?} {name:?}: {}",
            refused.body
        );
    }
    let listed = page(&app, &owner).await;
    assert_eq!(listed.product.len(), 1);
    let view = &listed.product[0];
    assert_eq!(
        (
            view.name.as_str(),
            view.sensitive,
            view.roles,
            view.people,
            view.editable
        ),
        ("View reports", false, 0, 0, true)
    );
    assert!(listed
        .roster
        .iter()
        .any(|p| p.key == "members.manage" && p.sensitive));
    let action: String = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE organisation_id = $1 AND target_type = 'permission'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "permission.created");

    // Another organisation has its own catalogue: the same key is free
    // there, and this one's permission is not found from it.
    let elsewhere = app.organisation().await;
    let their_owner = owner_of(&app, &elsewhere).await;
    assert_eq!(
        create(&app, &their_owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        on(&app, &their_owner, "permissions/retire", view)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn roles_take_product_permissions_from_the_catalogue_within_what_the_editor_holds() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    grant_admins_role_management(&app, &org).await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    // Unknown until the catalogue has it.
    let unknown = create_role(&app, &owner, "Supervisor", &["reports.view"]).await;
    assert!(
        unknown.error().for_field("permissions").is_some(),
        "{}",
        unknown.body
    );
    assert_eq!(
        create(&app, &owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    let made = create_role(&app, &owner, "Supervisor", &["team.view", "reports.view"]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let supervisor = role_named(&app, &owner, "Supervisor").await;
    assert_eq!(supervisor.permissions, ["team.view", "reports.view"]);
    assert_eq!(permission(&app, &owner, "reports.view").await.roles, 1);

    // The admin, who may manage roles, does not hold it: they neither give
    // it to a role, nor touch a role or the permission that holds it.
    assert_eq!(
        create_role(&app, &admin, "Analyst", &["reports.view"])
            .await
            .refusal(),
        Refusal::PermissionsBeyondYours
    );
    assert!(!role_named(&app, &admin, "Supervisor").await.editable);
    let view = permission(&app, &admin, "reports.view").await;
    assert!(!view.editable);
    assert_eq!(
        update(&app, &admin, &view, "Reports", false)
            .await
            .refusal(),
        Refusal::PermissionNotHeld {
            name: "View reports".into()
        }
    );
    assert_eq!(
        on(&app, &admin, "permissions/retire", &view)
            .await
            .refusal(),
        Refusal::PermissionNotHeld {
            name: "View reports".into()
        }
    );
    // Granted it directly, they may.
    grant_directly(&app, &org, &org.admin_email, "reports.view")
        .await
        .unwrap();
    let analyst = create_role(&app, &admin, "Analyst", &["reports.view"]).await;
    assert_eq!(analyst.status, StatusCode::OK, "{}", analyst.body);
    assert!(permission(&app, &admin, "reports.view").await.editable);
}

#[tokio::test]
async fn a_sensitive_product_permission_guards_its_holders_from_those_who_lack_it() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        create(&app, &owner, "orders.approve", "Approve orders", true)
            .await
            .status,
        StatusCode::OK
    );
    set_role_permissions(&app, &org, "member", &["orders.approve"]).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    assert_eq!(
        disable(&app, &admin, &member).await.refusal(),
        Refusal::Outranked
    );

    // Unmarked, it is the product's business alone: the admin manages
    // its holders without holding it.
    let view = permission(&app, &owner, "orders.approve").await;
    let unmarked = update(&app, &owner, &view, "Approve orders", false).await;
    assert_eq!(unmarked.status, StatusCode::OK, "{}", unmarked.body);
    let response = disable(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    // Saved over an older version: told to reload.
    assert_eq!(
        update(&app, &owner, &view, "Approve", true).await.refusal(),
        Refusal::PermissionChangedElsewhere
    );
}

#[tokio::test]
async fn retiring_names_its_holders_takes_it_from_everyone_at_once_and_never_frees_its_key() {
    let app = TestApp::spawn_with_clock(Clock::fixed(crate::two_factor::start_time())).await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    assert_eq!(
        create(&app, &owner, "reports.view", "View reports", true)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        create_role(&app, &owner, "Supervisor", &["team.view", "reports.view"])
            .await
            .status,
        StatusCode::OK
    );
    grant_directly(&app, &org, &org.member_email, "reports.view")
        .await
        .unwrap();
    let view = permission(&app, &owner, "reports.view").await;
    assert_eq!((view.roles, view.people), (1, 1));
    let usage: PermissionUsage = on(&app, &owner, "permissions/usage", &view).await.json();
    assert_eq!(usage.roles, ["Supervisor"]);
    assert_eq!(usage.people, ["Mia Member"]);

    // Taking access from people asks for a recent proof.
    app.clock.advance(Duration::minutes(16));
    let refused = on(&app, &owner, "permissions/retire", &view).await;
    assert!(
        matches!(refused.error(), AppError::StepUpRequired { .. }),
        "{}",
        refused.body
    );
    let owner = owner_of(&app, &org).await;
    let retired = on(&app, &owner, "permissions/retire", &view).await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);

    let supervisor = role_named(&app, &owner, "Supervisor").await;
    assert_eq!(supervisor.permissions, ["team.view"]);
    assert_eq!(supervisor.version, 2, "an edit of the role, like any other");
    let grants: i64 = sqlx::query_scalar("SELECT count(*) FROM member_permissions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(grants, 0);
    let listed = page(&app, &owner).await;
    assert!(listed.product.is_empty());
    assert_eq!(listed.retired.len(), 1);
    let before: serde_json::Value = sqlx::query_scalar(
        "SELECT before FROM audit_events WHERE action = 'permission.retired' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["roles"], serde_json::json!(["Supervisor"]));

    // The key is never given out again; the name is free.
    assert_eq!(
        create(&app, &owner, "reports.view", "Reports", false)
            .await
            .refusal(),
        Refusal::PermissionKeyTaken
    );
    assert_eq!(
        create(&app, &owner, "reports.read", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_organisation_defines_at_most_500_product_permissions() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    sqlx::query(
        "INSERT INTO product_permissions (organisation_id, key, name)
         SELECT $1, 'bulk.p' || n, 'Permission ' || n FROM generate_series(1, 500) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let refused = create(&app, &owner, "reports.view", "View reports", false).await;
    assert_eq!(refused.refusal(), Refusal::TooManyPermissions);
    assert!(refused.error().for_field("key").is_some());
}

#[tokio::test]
async fn the_demo_shows_a_supervisor_role_with_product_permissions_and_people() {
    let app = TestApp::spawn().await;
    let demo = app::server::seed::seed_demo_if_empty(&app.pool)
        .await
        .unwrap()
        .expect("a fresh database gets the demo");
    let owner = app.sign_in(&demo.email, &demo.password).await;
    let listed = page(&app, &owner).await;
    let keys: Vec<&str> = listed.product.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["calls.make", "orders.approve", "reports.view"]);
    let supervisor = role_named(&app, &owner, "Supervisor").await;
    assert!(supervisor
        .permissions
        .contains(&"orders.approve".to_string()));
    assert_eq!(supervisor.holders, 1);
}
