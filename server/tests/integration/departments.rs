//! The departments page's server functions: names checked beside their
//! field, archiving that takes a department out of the pickers but leaves
//! it on its people, and the organisation's limit.

use crate::harness::{owner_of, ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{department_id, invite, role_id, Invite};
use crate::members::membership_of;
use app::domain::Refusal;
use app::wire::departments::{DepartmentView, DepartmentsPage};
use app::wire::invitations::InviteOptions;
use reqwest::StatusCode;

async fn page(app: &TestApp, session: &str) -> DepartmentsPage {
    let answer = app.call("departments/list", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

async fn named(app: &TestApp, session: &str, name: &str) -> DepartmentView {
    page(app, session)
        .await
        .departments
        .into_iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no department {name}"))
}

async fn create(app: &TestApp, session: &str, name: &str) -> ApiResponse {
    app.call("departments/create", &[("name", name)], Some(session))
        .await
}

async fn on(app: &TestApp, session: &str, endpoint: &str, id: &str) -> ApiResponse {
    app.call(endpoint, &[("department_id", id)], Some(session))
        .await
}

#[tokio::test]
async fn departments_are_created_and_renamed_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        app.call("departments/list", &[], Some(&admin)).await.status,
        StatusCode::FORBIDDEN,
        "admins do not manage departments unless their role says so"
    );
    let names: Vec<String> = page(&app, &owner)
        .await
        .departments
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["Customer Support", "Technical"]);

    assert_eq!(
        create(&app, &owner, "Night desk").await.status,
        StatusCode::OK
    );
    for (name, refusal) in [
        ("   ", None),
        ("NIGHT DESK", Some(Refusal::DepartmentNameTaken)),
    ] {
        let refused = create(&app, &owner, name).await;
        assert!(
            refused.error().for_field("name").is_some(),
            "{name:?}: {}",
            refused.body
        );
        if let Some(refusal) = refusal {
            assert_eq!(refused.refusal(), refusal);
        }
    }
    let night = named(&app, &owner, "Night desk").await;
    let id = night.id.to_string();
    let renamed = app
        .call(
            "departments/rename",
            &[("department_id", id.as_str()), ("name", "Late desk")],
            Some(&owner),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let taken = app
        .call(
            "departments/rename",
            &[("department_id", id.as_str()), ("name", "technical")],
            Some(&owner),
        )
        .await;
    assert_eq!(taken.refusal(), Refusal::DepartmentNameTaken);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'department.renamed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (before["name"].as_str(), after["name"].as_str()),
        (Some("Night desk"), Some("Late desk"))
    );

    // Another organisation's department is not found.
    let elsewhere = app.organisation().await;
    let their_owner = owner_of(&app, &elsewhere).await;
    assert_eq!(
        on(&app, &their_owner, "departments/archive", &id)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_archived_department_leaves_the_pickers_and_stays_on_its_people() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let technical = department_id(&app, &org, "Technical").await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let moved = app
        .call(
            "members/change_department",
            &[
                ("membership_id", mia.as_str()),
                ("department_id", technical.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);

    let archived = on(&app, &owner, "departments/archive", &technical).await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    let listed = named(&app, &owner, "Technical").await;
    assert!(listed.archived_at.is_some());
    assert_eq!(listed.members, 1);
    // Out of the invite dialog, and refused when sent anyway.
    let options: InviteOptions = app
        .call("invitations/options", &[], Some(&owner))
        .await
        .json();
    assert!(options.departments.iter().all(|d| d.name != "Technical"));
    let member_role = role_id(&app, &org, "member").await;
    let mut into_it = Invite::member("sam@example.com", &member_role);
    into_it.department = &technical;
    let refused = invite(&app, &owner, into_it).await;
    assert!(
        refused.error().for_field("department").is_some(),
        "{}",
        refused.body
    );
    // Still on Mia, and still a filter of the team table.
    let row: Option<String> = sqlx::query_scalar(
        "SELECT d.name FROM memberships m JOIN departments d ON d.id = m.department_id WHERE m.id = $1::uuid",
    )
    .bind(&mia)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row.as_deref(), Some("Technical"));
    let filters = app.call("team/filters", &[], Some(&owner)).await;
    assert!(filters.body.contains("Technical"), "{}", filters.body);

    // Restored, it is offered again.
    assert_eq!(
        on(&app, &owner, "departments/restore", &technical)
            .await
            .status,
        StatusCode::OK
    );
    let options: InviteOptions = app
        .call("invitations/options", &[], Some(&owner))
        .await
        .json();
    assert!(options.departments.iter().any(|d| d.name == "Technical"));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE target_type = 'department' AND organisation_id = $1 ORDER BY occurred_at, id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["department.archived", "department.restored"]);
}

#[tokio::test]
async fn an_organisation_has_at_most_500_departments() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    sqlx::query(
        "INSERT INTO departments (organisation_id, name)
         SELECT $1, 'Department ' || n FROM generate_series(1, 498) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let refused = create(&app, &owner, "One too many").await;
    assert_eq!(refused.refusal(), Refusal::TooManyDepartments);
    assert!(refused.error().for_field("name").is_some());
}

async fn other_department(
    app: &TestApp,
    session: &str,
    endpoint: &str,
    membership: &str,
    department: &str,
) -> ApiResponse {
    app.call(
        endpoint,
        &[("membership_id", membership), ("department_id", department)],
        Some(session),
    )
    .await
}

/// The names of the members a department filter shows.
async fn in_department(
    app: &TestApp,
    org: &TestOrganisation,
    session: &str,
    department: &str,
) -> Vec<String> {
    let org_id = org.organisation_id.to_string();
    app.call(
        "team/list",
        &[
            ("organisation_id", org_id.as_str()),
            ("query[tab]", "Active"),
            ("query[department]", department),
        ],
        Some(session),
    )
    .await
    .json::<app::wire::team::TeamListing>()
    .entries
    .into_iter()
    .filter_map(|e| match e {
        app::wire::team::TeamEntry::Member(m) => Some(m.name),
        app::wire::team::TeamEntry::Invitation(_) => None,
    })
    .collect()
}

#[tokio::test]
async fn a_member_is_in_other_departments_too_and_the_filter_and_export_count_them() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let support = department_id(&app, &org, "Customer Support").await;
    let technical = department_id(&app, &org, "Technical").await;
    let primary = app
        .call(
            "members/change_department",
            &[
                ("membership_id", mia.as_str()),
                ("department_id", support.as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(primary.status, StatusCode::OK, "{}", primary.body);

    let added = other_department(&app, &admin, "members/add_department", &mia, &technical).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let twice = other_department(&app, &admin, "members/add_department", &mia, &support).await;
    assert_eq!(
        twice.error().for_field("department"),
        Some("That is their primary department already.".to_string())
    );
    assert_eq!(
        in_department(&app, &org, &admin, &technical).await,
        ["Mia Member"]
    );
    assert_eq!(
        in_department(&app, &org, &admin, &support).await,
        ["Mia Member"]
    );
    let detail = app
        .call(
            "members/detail",
            &[("membership_id", mia.as_str())],
            Some(&admin),
        )
        .await
        .json::<app::wire::members::MemberDetail>();
    assert_eq!(
        detail
            .other_departments
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        ["Technical"]
    );
    assert!(detail.addable_departments.is_empty(), "both are hers");
    let counted = named(&app, &owner, "Technical").await;
    assert_eq!(counted.members, 1);

    let lines = crate::harness::team_csv(&app, &admin, &format!("department={technical}")).await;
    assert!(
        lines[0].starts_with("Name,Email,Status,Role,Department,Other departments,"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains(",Customer Support,Technical,"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");

    // Made her primary one, Technical leaves the others.
    let moved = app
        .call(
            "members/change_department",
            &[
                ("membership_id", mia.as_str()),
                ("department_id", technical.as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(
        in_department(&app, &org, &admin, &support).await,
        Vec::<String>::new()
    );
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events
         WHERE action = 'member.department_changed' AND before ? 'other_departments'
           AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (
            before["other_departments"].clone(),
            after["other_departments"].clone()
        ),
        (serde_json::json!([]), serde_json::json!(["Technical"]))
    );

    // An archived department is not added; one of another organisation is
    // unknown; a member may not change anyone's.
    assert_eq!(
        on(&app, &owner, "departments/archive", &support)
            .await
            .status,
        StatusCode::OK
    );
    let archived = other_department(&app, &admin, "members/add_department", &mia, &support).await;
    assert!(
        archived.error().for_field("department").is_some(),
        "{}",
        archived.body
    );
    let elsewhere = app.organisation().await;
    let foreign = department_id(&app, &elsewhere, "Technical").await;
    let unknown = other_department(&app, &admin, "members/add_department", &mia, &foreign).await;
    assert!(
        unknown.error().for_field("department").is_some(),
        "{}",
        unknown.body
    );
    let member = app.sign_in(&org.member_email, &org.password).await;
    let adam = membership_of(&app, &org, &org.admin_email).await;
    assert_eq!(
        other_department(&app, &member, "members/add_department", &adam, &technical)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
