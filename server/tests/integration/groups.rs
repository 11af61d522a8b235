//! Groups: created, changed over a version and deleted with each mistake
//! beside its field; their people added and taken out within what the
//! actor holds; what a group grants counted in every check from its
//! people's next request, and named as the source on their page.

use crate::access_model::{set_role_permissions, team_list};
use crate::harness::{owner_of, ApiResponse, TestApp};
use crate::invitations::role_id;
use crate::member_access::{detail, grant, sources};
use crate::members::{audit_count, membership_of};
use crate::product_permissions::create as create_permission;
use crate::roles::{call, create as create_role, with_permissions};
use app::domain::Refusal;
use app::wire::groups::{GroupDetail, GroupView, GroupsPage};
use app::wire::members::PermissionSource;
use app::wire::team::{TeamEntry, TeamListing};
use reqwest::StatusCode;

async fn page(app: &TestApp, session: &str) -> GroupsPage {
    let answer = app.call("groups/list", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

async fn named(app: &TestApp, session: &str, name: &str) -> GroupView {
    page(app, session)
        .await
        .groups
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no group {name}"))
}

/// The form a group's editor sends: a name, a role (empty for none) and
/// extra permissions, `permissions[0]=…`.
fn form(name: &str, role: &str, permissions: &[&str]) -> Vec<(String, String)> {
    with_permissions(
        vec![
            ("name".to_string(), name.to_string()),
            ("description".to_string(), format!("The {name}.")),
            ("role_id".to_string(), role.to_string()),
        ],
        permissions,
    )
}

async fn create_with(
    app: &TestApp,
    session: &str,
    name: &str,
    role: &str,
    permissions: &[&str],
) -> ApiResponse {
    call(
        app,
        "groups/create",
        &form(name, role, permissions),
        session,
    )
    .await
}

/// Creates a group granting `permissions` and no role; its id.
pub(crate) async fn create(
    app: &TestApp,
    session: &str,
    name: &str,
    permissions: &[&str],
) -> String {
    let created = create_with(app, session, name, "", permissions).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    created.json::<app::domain::GroupId>().to_string()
}

async fn update(
    app: &TestApp,
    session: &str,
    group: &GroupView,
    name: &str,
    role: &str,
    permissions: &[&str],
) -> ApiResponse {
    let mut fields = form(name, role, permissions);
    fields.push(("group_id".into(), group.id.to_string()));
    fields.push(("version".into(), group.version.to_string()));
    call(app, "groups/update", &fields, session).await
}

async fn add_answer(app: &TestApp, session: &str, group: &str, members: &[&str]) -> ApiResponse {
    let mut fields = vec![("group_id".to_string(), group.to_string())];
    for (i, m) in members.iter().enumerate() {
        fields.push((format!("members[{i}]"), m.to_string()));
    }
    call(app, "groups/add_members", &fields, session).await
}

/// Puts `members` (membership ids) in `group`.
pub(crate) async fn add(app: &TestApp, session: &str, group: &str, members: &[&str]) {
    let added = add_answer(app, session, group, members).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
}

async fn remove(app: &TestApp, session: &str, group: &str, member: &str) -> ApiResponse {
    app.call(
        "groups/remove_member",
        &[("group_id", group), ("member_id", member)],
        Some(session),
    )
    .await
}

#[tokio::test]
async fn groups_are_created_changed_and_deleted_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        app.call("groups/list", &[], Some(&admin)).await.status,
        StatusCode::FORBIDDEN,
        "admins do not manage groups unless their role says so"
    );
    create(&app, &owner, "Night shift", &["team.view"]).await;

    let owner_role = role_id(&app, &org, "owner").await;
    let elsewhere = app.organisation().await;
    let foreign_role = crate::invitations::role_id(&app, &elsewhere, "admin").await;
    for (name, role, permissions, field, refusal) in [
        ("  ", "", vec![], "name", None),
        (
            "NIGHT SHIFT",
            "",
            vec![],
            "name",
            Some(Refusal::GroupNameTaken),
        ),
        ("Day shift", owner_role.as_str(), vec![], "role", None),
        ("Day shift", foreign_role.as_str(), vec![], "role", None),
        ("Day shift", "not-a-role", vec![], "role", None),
        (
            "Day shift",
            "",
            vec!["reports.nowhere"],
            "permissions",
            None,
        ),
    ] {
        let refused = create_with(&app, &owner, name, role, &permissions).await;
        assert!(
            refused.error().for_field(field).is_some(),
            "{name:?} {role:?} {permissions:?}: {}",
            refused.body
        );
        if let Some(refusal) = refusal {
            assert_eq!(refused.refusal(), refusal);
        }
    }
    assert_eq!(
        page(&app, &owner).await.groups.len(),
        1,
        "nothing half-written"
    );

    // Two people saving one group from the same version: one wins.
    let night = named(&app, &owner, "Night shift").await;
    let admin_role = role_id(&app, &org, "admin").await;
    let saved = update(
        &app,
        &owner,
        &night,
        "Late shift",
        &admin_role,
        &["team.view"],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let stale = update(&app, &owner, &night, "Early shift", "", &[]).await;
    assert_eq!(stale.refusal(), Refusal::GroupChangedElsewhere);
    let late = named(&app, &owner, "Late shift").await;
    assert_eq!(late.role.as_ref().map(|r| r.name.as_str()), Some("Admin"));
    assert!(
        late.grants.contains(&"members.manage".to_string()),
        "{late:?}"
    );
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'group.updated' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (
            before["name"].as_str(),
            after["name"].as_str(),
            after["role"].as_str()
        ),
        (Some("Night shift"), Some("Late shift"), Some("Admin"))
    );

    // Another organisation's owner finds no such group.
    let their_owner = owner_of(&app, &elsewhere).await;
    let id = late.id.to_string();
    for endpoint in ["groups/show", "groups/delete"] {
        assert_eq!(
            app.call(endpoint, &[("group_id", id.as_str())], Some(&their_owner))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{endpoint}"
        );
    }
    let deleted = app
        .call("groups/delete", &[("group_id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(page(&app, &owner).await.groups.is_empty());
    assert_eq!(audit_count(&app, &org, "group.deleted").await, 1);
}

#[tokio::test]
async fn effective_permissions_come_from_the_role_direct_grants_and_groups_and_change_at_once() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    for (key, name) in [
        ("reports.view", "View reports"),
        ("calls.make", "Make calls"),
    ] {
        assert_eq!(
            create_permission(&app, &owner, key, name, false)
                .await
                .status,
            StatusCode::OK
        );
    }
    set_role_permissions(&app, &org, "member", &["reports.view"]).await;
    assert_eq!(
        create_role(&app, &owner, "Viewer", &["team.view"])
            .await
            .status,
        StatusCode::OK
    );
    let viewer = role_id(&app, &org, "viewer").await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(
        grant(&app, &owner, &mia, "calls.make").await.status,
        StatusCode::OK
    );
    let created = create_with(&app, &owner, "Night shift", &viewer, &["calls.make"]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let night = created.json::<app::domain::GroupId>().to_string();
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);

    add(&app, &owner, &night, &[&mia]).await;
    // The group's role's permission counts on her very next request.
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);
    let page = detail(&app, &owner, &mia).await;
    let group = PermissionSource::Group {
        name: "Night shift".into(),
    };
    assert_eq!(
        sources(&page, "reports.view"),
        [PermissionSource::Role {
            name: "Member".into()
        }]
    );
    assert_eq!(sources(&page, "team.view"), std::slice::from_ref(&group));
    let calls = sources(&page, "calls.make");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0], group);
    assert!(matches!(calls[1], PermissionSource::Direct { .. }));
    assert_eq!(
        page.access
            .groups
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        ["Night shift"]
    );
    assert!(page.access.groups.groups[0].removable);

    // A change to the group's role reaches her the same way.
    set_role_permissions(&app, &org, "viewer", &[]).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
    set_role_permissions(&app, &org, "viewer", &["team.view"]).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::OK);

    let removed = remove(&app, &owner, &night, &mia).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app, &org, "member.group_added").await, 1);
    assert_eq!(audit_count(&app, &org, "member.group_removed").await, 1);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'member.group_removed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["groups"], serde_json::json!(["Night shift"]));
    assert_eq!(after["groups"], serde_json::json!([]));
}

#[tokio::test]
async fn nobody_grants_through_a_group_what_they_lack_or_puts_someone_they_may_not_act_on_in_one() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    // Admins may manage groups here, and nothing more than before.
    set_role_permissions(
        &app,
        &org,
        "admin",
        &[
            "team.view",
            "members.invite",
            "members.manage",
            "groups.manage",
        ],
    )
    .await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let olive = membership_of(&app, &org, &org.owner_email).await;

    // Creating: not a permission the admin lacks, nor a role holding one.
    let beyond = create_with(&app, &admin, "Role managers", "", &["roles.manage"]).await;
    assert_eq!(beyond.refusal(), Refusal::PermissionsBeyondYours);
    assert_eq!(
        create_role(&app, &owner, "Auditor", &["audit.view"])
            .await
            .status,
        StatusCode::OK
    );
    let auditor = role_id(&app, &org, "auditor").await;
    let via_role = create_with(&app, &admin, "Auditors", &auditor, &[]).await;
    assert!(
        via_role.error().for_field("role").is_some(),
        "{}",
        via_role.body
    );

    // A group the owner made granting more: the admin neither changes it
    // nor puts anyone in it.
    let auditors = create(&app, &owner, "Auditors", &["audit.view"]).await;
    let refused = add_answer(&app, &admin, &auditors, &[&mia]).await;
    assert_eq!(
        refused.refusal(),
        Refusal::GroupGrantsMore {
            group: "Auditors".into()
        }
    );
    let group = named(&app, &owner, "Auditors").await;
    assert!(!named(&app, &admin, "Auditors").await.editable);
    assert_eq!(
        update(&app, &admin, &group, "Ours now", "", &[])
            .await
            .refusal(),
        Refusal::GroupGrantsMore {
            group: "Auditors".into()
        }
    );

    // A group within the admin's permissions: widening it past them is
    // refused; Mia goes in; the owner does not, the whole request failing.
    let helpers = create(&app, &admin, "Helpers", &["team.view"]).await;
    let mine = named(&app, &admin, "Helpers").await;
    assert_eq!(
        update(
            &app,
            &admin,
            &mine,
            "Helpers",
            "",
            &["team.view", "audit.view"]
        )
        .await
        .refusal(),
        Refusal::PermissionsBeyondYours
    );
    let mixed = add_answer(&app, &admin, &helpers, &[&mia, &olive]).await;
    assert_eq!(mixed.refusal(), Refusal::Outranked);
    let in_group: i64 =
        sqlx::query_scalar("SELECT count(*) FROM group_members WHERE group_id = $1::uuid")
            .bind(&helpers)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(in_group, 0, "all or none");
    add(&app, &admin, &helpers, &[&mia]).await;
    assert_eq!(audit_count(&app, &org, "member.group_added").await, 1);

    // An Admin role given every Roster permission still cannot put an
    // owner in a group or take one out.
    let everything: Vec<&str> = app::domain::Permission::ALL
        .iter()
        .filter(|p| p.is_grantable())
        .map(|p| p.key())
        .collect();
    set_role_permissions(&app, &org, "admin", &everything).await;
    assert_eq!(
        add_answer(&app, &admin, &helpers, &[&olive])
            .await
            .refusal(),
        Refusal::Outranked
    );
}

#[tokio::test]
async fn deleting_a_role_moves_the_groups_granting_it_and_retiring_a_permission_leaves_them() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    assert_eq!(
        create_permission(&app, &owner, "reports.view", "View reports", false)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        create_role(&app, &owner, "Viewer", &["team.view"])
            .await
            .status,
        StatusCode::OK
    );
    let viewer = role_id(&app, &org, "viewer").await;
    let created = create_with(&app, &owner, "Night shift", &viewer, &["reports.view"]).await;
    let night = created.json::<app::domain::GroupId>().to_string();
    let mia = membership_of(&app, &org, &org.member_email).await;
    add(&app, &owner, &night, &[&mia]).await;

    let member_role = role_id(&app, &org, "member").await;
    let deleted = app
        .call(
            "roles/delete",
            &[
                ("role_id", viewer.as_str()),
                ("move_to", member_role.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let group = named(&app, &owner, "Night shift").await;
    assert_eq!(group.role.map(|r| r.name), Some("Member".to_string()));
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(team_list(&app, &org, &member).await, StatusCode::FORBIDDEN);

    // The permissions page counts the group; retiring asks about it,
    // then takes the permission from it.
    let view = crate::product_permissions::permission(&app, &owner, "reports.view").await;
    assert_eq!(view.groups, 1);
    let permission = view.id.to_string();
    let usage = app
        .call(
            "permissions/usage",
            &[("permission_id", permission.as_str())],
            Some(&owner),
        )
        .await
        .json::<app::wire::permissions::PermissionUsage>();
    assert_eq!(usage.groups, ["Night shift"]);
    let retired = app
        .call(
            "permissions/retire",
            &[("permission_id", permission.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    assert!(named(&app, &owner, "Night shift")
        .await
        .permissions
        .is_empty());
    assert!(sources(&detail(&app, &owner, &mia).await, "reports.view").is_empty());
}

#[tokio::test]
async fn the_team_table_filters_by_group_and_the_group_page_lists_and_finds_people() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let night = create(&app, &owner, "Night shift", &[]).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    add(&app, &owner, &night, &[&mia]).await;

    let org_id = org.organisation_id.to_string();
    let listing = app
        .call(
            "team/list",
            &[
                ("organisation_id", org_id.as_str()),
                ("query[tab]", "Active"),
                ("query[group]", night.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.body);
    let names: Vec<String> = listing
        .json::<TeamListing>()
        .entries
        .into_iter()
        .map(|e| match e {
            TeamEntry::Member(m) => m.name,
            TeamEntry::Invitation(i) => panic!("an invitation in a group filter: {i:?}"),
        })
        .collect();
    assert_eq!(names, ["Mia Member"]);

    let shown = app
        .call("groups/show", &[("group_id", night.as_str())], Some(&owner))
        .await
        .json::<GroupDetail>();
    assert_eq!(
        shown
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["Mia Member"]
    );
    let found = app
        .call(
            "groups/candidates",
            &[("group_id", night.as_str()), ("search", "m")],
            Some(&owner),
        )
        .await
        .json::<Vec<app::wire::groups::GroupCandidate>>();
    let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"Adam Admin") && !names.contains(&"Mia Member"),
        "{names:?}"
    );
}

#[tokio::test]
async fn an_organisation_has_at_most_200_groups() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    sqlx::query(
        "INSERT INTO groups (organisation_id, name)
         SELECT $1, 'Group ' || n FROM generate_series(1, 200) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let refused = create_with(&app, &owner, "One more", "", &[]).await;
    assert_eq!(refused.refusal(), Refusal::TooManyGroups);
    assert!(refused.error().for_field("name").is_some());
}

/// `invitations/create` for `email` with `role`, and a list field
/// (`groups`, `sites`) holding `values`.
pub(crate) async fn invite_with<S: AsRef<str>>(
    app: &TestApp,
    session: &str,
    role: &str,
    email: &str,
    list: &str,
    values: &[S],
) -> ApiResponse {
    let mut fields = vec![
        ("email".to_string(), email.to_string()),
        ("name".to_string(), String::new()),
        ("role_id".to_string(), role.to_string()),
        ("department_id".to_string(), String::new()),
        ("expiry_hours".to_string(), String::new()),
    ];
    for (i, value) in values.iter().enumerate() {
        fields.push((format!("{list}[{i}]"), value.as_ref().to_string()));
    }
    call(app, "invitations/create", &fields, session).await
}

/// `invitations/create` for `email` as a Member, with `groups` by id.
async fn invite_into(
    app: &TestApp,
    session: &str,
    member_role: &str,
    email: &str,
    groups: &[&str],
) -> ApiResponse {
    invite_with(app, session, member_role, email, "groups", groups).await
}

fn created(answer: ApiResponse) -> app::wire::invitations::IssuedLink {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    match answer.json::<app::wire::invitations::InviteOutcome>() {
        app::wire::invitations::InviteOutcome::Created(link) => link,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_invitation_puts_its_invitee_in_groups_within_what_the_inviter_holds() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    assert_eq!(
        create_permission(&app, &owner, "calls.make", "Make calls", false)
            .await
            .status,
        StatusCode::OK
    );
    // Admins invite; they don't manage groups, and hold Make calls only
    // because the owner granted it to Adam directly.
    set_role_permissions(
        &app,
        &org,
        "admin",
        &["team.view", "members.invite", "members.manage"],
    )
    .await;
    let adam = membership_of(&app, &org, &org.admin_email).await;
    assert_eq!(
        grant(&app, &owner, &adam, "calls.make").await.status,
        StatusCode::OK
    );
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let night = create(&app, &owner, "Night shift", &["calls.make"]).await;
    let auditors = create(&app, &owner, "Auditors", &["audit.view"]).await;
    let member_role = role_id(&app, &org, "member").await;

    // The dialog offers only the groups granting nothing Adam lacks.
    let options = app
        .call("invitations/options", &[], Some(&admin))
        .await
        .json::<app::wire::invitations::InviteOptions>();
    let offered: Vec<&str> = options.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(offered, ["Night shift"]);
    assert_eq!(options.groups[0].grants, ["calls.make"]);

    // Each mistake beside the groups, and nothing written.
    let beyond = invite_into(
        &app,
        &admin,
        &member_role,
        "ana@example.com",
        &[&night, &auditors],
    )
    .await;
    assert_eq!(
        beyond.refusal(),
        Refusal::GroupNotGrantable {
            group: "Auditors".into()
        }
    );
    assert_eq!(
        Refusal::GroupNotGrantable {
            group: "Auditors".into()
        }
        .field(),
        Some("groups")
    );
    let other_org = app.organisation().await;
    let other_owner = owner_of(&app, &other_org).await;
    let foreign = create(&app, &other_owner, "Theirs", &[]).await;
    for wrong in [foreign.as_str(), "not-a-group"] {
        let refused = invite_into(&app, &admin, &member_role, "ana@example.com", &[wrong]).await;
        assert_eq!(
            refused.error().for_field("groups").as_deref(),
            Some("Choose groups of your organisation."),
            "{}",
            refused.body
        );
    }
    let written: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invitations WHERE lower(email) = 'ana@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(written, 0);

    // Two invitations into Night shift: the Invitations tab shows the
    // group, and the group filter finds them.
    let ana = created(invite_into(&app, &admin, &member_role, "ana@example.com", &[&night]).await);
    let bob = created(invite_into(&app, &admin, &member_role, "bob@example.com", &[&night]).await);
    let org_id = org.organisation_id.to_string();
    let listing = app
        .call(
            "team/list",
            &[
                ("organisation_id", org_id.as_str()),
                ("query[tab]", "Invitations"),
                ("query[group]", night.as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.body);
    let rows: Vec<(String, Vec<String>)> = listing
        .json::<TeamListing>()
        .entries
        .into_iter()
        .map(|e| match e {
            TeamEntry::Invitation(i) => (i.email, i.groups.into_iter().map(|g| g.name).collect()),
            TeamEntry::Member(m) => panic!("a member in the Invitations tab: {m:?}"),
        })
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter().all(|(_, groups)| groups == &["Night shift"]),
        "{rows:?}"
    );

    // An edit takes Bob's group away and gives it back, audited.
    let bob_id = bob.invitation_id.to_string();
    for groups in [vec![], vec![night.clone()]] {
        let mut fields = vec![
            ("invitation_id".to_string(), bob_id.clone()),
            ("role_id".to_string(), member_role.clone()),
            ("department_id".to_string(), String::new()),
        ];
        for (i, g) in groups.iter().enumerate() {
            fields.push((format!("groups[{i}]"), g.clone()));
        }
        let edited = call(&app, "invitations/update", &fields, &admin).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    }
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events
         WHERE action = 'invitation.updated' AND target_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(bob.invitation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["groups"], serde_json::json!([]));
    assert_eq!(after["groups"], serde_json::json!(["Night shift"]));

    // Ana accepts: she is in Night shift, put there by Adam, and holds
    // what it grants on her first request.
    let accepted =
        crate::invitations::accept_new(&app, &crate::invitations::token_of(&ana.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let ana_member = membership_of(&app, &org, "ana@example.com").await;
    let page = detail(&app, &owner, &ana_member).await;
    assert_eq!(
        sources(&page, "calls.make"),
        [PermissionSource::Group {
            name: "Night shift".into()
        }]
    );
    let added_by: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT added_by FROM group_members WHERE group_id = $1::uuid AND membership_id = $2::uuid",
    )
    .bind(&night)
    .bind(&ana_member)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let adam_account: uuid::Uuid =
        sqlx::query_scalar("SELECT account_id FROM memberships WHERE id = $1::uuid")
            .bind(&adam)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(added_by, Some(adam_account));
    let joined: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'membership.created' AND organisation_id = $1
         ORDER BY id DESC LIMIT 1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(joined["groups"], serde_json::json!(["Night shift"]));

    // Adam loses Make calls: Bob's invitation, which would grant it
    // through the group, is revoked at once.
    let taken = app
        .call(
            "members/revoke_permission",
            &[
                ("membership_id", adam.as_str()),
                ("permission", "calls.make"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(
        crate::invitations::revocation_reasons(&app, bob.invitation_id.0).await,
        [Some("A permission was taken from the inviter".to_string())]
    );

    // A group deleted leaves the open invitations into it, without it.
    let cy = created(invite_into(&app, &owner, &member_role, "cy@example.com", &[&night]).await);
    let deleted = app
        .call(
            "groups/delete",
            &[("group_id", night.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invitation_groups WHERE invitation_id = $1")
            .bind(cy.invitation_id.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
    let before: serde_json::Value = sqlx::query_scalar(
        "SELECT before FROM audit_events WHERE action = 'group.deleted' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["open_invitations"], 1);
}
