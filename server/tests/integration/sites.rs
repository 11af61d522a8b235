//! Sites: created, changed, archived and restored with each mistake beside
//! its field; people put on them with a site role within what the actor
//! holds; the team table filters by site and site role and its CSV lists
//! each person's sites; a deleted role's site holders move with its other
//! holders.

use crate::access_model::set_role_permissions;
use crate::groups::invite_with;
use crate::harness::{owner_of, ApiResponse, TestApp};
use crate::invitations::role_id;
use crate::member_access::detail;
use crate::members::{audit_count, membership_of};
use crate::roles::create as create_role;
use app::domain::Refusal;
use app::wire::sites::{SiteView, SitesPage};
use app::wire::team::{TeamEntry, TeamListing};
use reqwest::StatusCode;

async fn page(app: &TestApp, session: &str) -> SitesPage {
    let answer = app.call("sites/list", &[], Some(session)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

async fn named(app: &TestApp, session: &str, name: &str) -> SiteView {
    page(app, session)
        .await
        .sites
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no site {name}"))
}

async fn create_with(
    app: &TestApp,
    session: &str,
    name: &str,
    address: &str,
    time_zone: &str,
) -> ApiResponse {
    app.call(
        "sites/create",
        &[
            ("name", name),
            ("address", address),
            ("time_zone", time_zone),
        ],
        Some(session),
    )
    .await
}

/// Creates a site in Europe/Berlin's time zone; its id.
pub(crate) async fn create(app: &TestApp, session: &str, name: &str) -> String {
    let created = create_with(app, session, name, "", "Europe/Berlin").await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    created.json::<app::domain::SiteId>().to_string()
}

async fn place_answer(
    app: &TestApp,
    session: &str,
    member: &str,
    site: &str,
    role: &str,
) -> ApiResponse {
    app.call(
        "members/set_site",
        &[
            ("membership_id", member),
            ("site_id", site),
            ("role_id", role),
        ],
        Some(session),
    )
    .await
}

/// Puts `member` on `site` with `role` (ids).
pub(crate) async fn place(app: &TestApp, session: &str, member: &str, site: &str, role: &str) {
    let placed = place_answer(app, session, member, site, role).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
}

#[tokio::test]
async fn sites_are_created_changed_and_archived_with_each_mistake_beside_its_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let created = create_with(
        &app,
        &owner,
        " Berlin ",
        "Alexanderplatz 1\r\n10178 Berlin",
        "Europe/Berlin",
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let berlin = named(&app, &owner, "Berlin").await;
    assert_eq!(berlin.address, "Alexanderplatz 1\n10178 Berlin");
    assert_eq!(berlin.time_zone, "Europe/Berlin");
    assert!(page(&app, &owner)
        .await
        .time_zones
        .contains(&"Europe/Paris".to_string()));

    for (name, address, zone, field) in [
        ("", "", "UTC", "name"),
        ("Lyon", "", "Mars/Olympus", "time_zone"),
        ("Lyon", &*"a".repeat(301), "UTC", "address"),
    ] {
        let refused = create_with(&app, &owner, name, address, zone).await;
        assert!(
            refused.error().for_field(field).is_some(),
            "{field}: {}",
            refused.body
        );
    }
    assert_eq!(
        create_with(&app, &owner, "BERLIN", "", "UTC")
            .await
            .refusal(),
        Refusal::SiteNameTaken
    );
    assert_eq!(
        page(&app, &owner).await.sites.len(),
        1,
        "nothing half-written"
    );

    let id = berlin.id.to_string();
    let changed = app
        .call(
            "sites/update",
            &[
                ("site_id", id.as_str()),
                ("name", "Berlin Mitte"),
                ("address", ""),
                ("time_zone", "Europe/Berlin"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'site.updated' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["name"], "Berlin");
    assert_eq!(after["name"], "Berlin Mitte");

    let archived = app
        .call("sites/archive", &[("site_id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    assert!(named(&app, &owner, "Berlin Mitte")
        .await
        .archived_at
        .is_some());
    let restored = app
        .call("sites/restore", &[("site_id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert!(named(&app, &owner, "Berlin Mitte")
        .await
        .archived_at
        .is_none());
    assert_eq!(audit_count(&app, &org, "site.created").await, 1);
    assert_eq!(audit_count(&app, &org, "site.archived").await, 1);
    assert_eq!(audit_count(&app, &org, "site.restored").await, 1);

    // Admins don't manage sites unless given the permission.
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    assert_eq!(
        app.call("sites/list", &[], Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    set_role_permissions(&app, &org, "admin", &["team.view", "sites.manage"]).await;
    assert_eq!(page(&app, &admin).await.sites.len(), 1);
}

#[tokio::test]
async fn an_organisation_has_at_most_1000_sites() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    sqlx::query(
        "INSERT INTO sites (organisation_id, name, time_zone)
         SELECT $1, 'Site ' || n, 'UTC' FROM generate_series(1, 999) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    create(&app, &owner, "The thousandth").await;
    let refused = create_with(&app, &owner, "One more", "", "UTC").await;
    assert_eq!(refused.refusal(), Refusal::TooManySites);
    assert_eq!(Refusal::TooManySites.field(), Some("name"));
}

/// A session of `org`'s admin, whose role lets them see the team, invite
/// and manage members, and not manage sites: they need not, to give
/// people site roles.
async fn member_manager(app: &TestApp, org: &crate::harness::TestOrganisation) -> String {
    set_role_permissions(
        app,
        org,
        "admin",
        &["team.view", "members.invite", "members.manage"],
    )
    .await;
    app.sign_in(&org.admin_email, &org.password).await
}

fn names(listing: ApiResponse) -> Vec<String> {
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.body);
    listing
        .json::<TeamListing>()
        .entries
        .into_iter()
        .map(|e| match e {
            TeamEntry::Member(m) => m.name,
            TeamEntry::Invitation(i) => panic!("an invitation in a site filter: {i:?}"),
        })
        .collect()
}

#[tokio::test]
async fn people_get_site_roles_within_what_the_actor_holds_and_the_team_filters_by_them() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let berlin = create(&app, &owner, "Berlin").await;
    let lyon = create(&app, &owner, "Lyon").await;
    for (name, permissions) in [
        (
            "Manager",
            &["team.view", "members.invite", "members.manage"][..],
        ),
        ("Technician", &["team.view"][..]),
        ("Auditor", &["audit.view"][..]),
    ] {
        let created = create_role(&app, &owner, name, permissions).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    }
    let (manager, technician, auditor) = (
        role_id(&app, &org, "manager").await,
        role_id(&app, &org, "technician").await,
        role_id(&app, &org, "auditor").await,
    );
    let admin = member_manager(&app, &org).await;
    let mia = membership_of(&app, &org, &org.member_email).await;
    let olive = membership_of(&app, &org, &org.owner_email).await;

    place(&app, &admin, &mia, &berlin, &technician).await;
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'member.site_added' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        after,
        serde_json::json!({ "site": "Berlin", "site_role": "Technician" })
    );

    // Each refusal, with its reason where it belongs; nothing changes.
    let beyond = place_answer(&app, &admin, &mia, &berlin, &auditor).await;
    assert!(
        beyond.error().for_field("role").is_some(),
        "{}",
        beyond.body
    );
    let owner_role = role_id(&app, &org, "owner").await;
    assert_eq!(
        place_answer(&app, &owner, &mia, &lyon, &owner_role)
            .await
            .refusal(),
        Refusal::OwnerAsSiteRole
    );
    assert_eq!(
        place_answer(&app, &admin, &olive, &berlin, &technician)
            .await
            .refusal(),
        Refusal::Outranked
    );
    let lyon_id = lyon.clone();
    let archived = app
        .call(
            "sites/archive",
            &[("site_id", lyon_id.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK);
    assert_eq!(
        place_answer(&app, &admin, &mia, &lyon, &technician)
            .await
            .refusal(),
        Refusal::SiteArchived {
            site: "Lyon".into()
        }
    );
    let elsewhere = app.organisation().await;
    let their_owner = owner_of(&app, &elsewhere).await;
    let theirs = create(&app, &their_owner, "Paris").await;
    let foreign = place_answer(&app, &admin, &mia, &theirs, &technician).await;
    assert_eq!(
        foreign.error().for_field("site").as_deref(),
        Some("Choose one of your organisation's sites."),
        "{}",
        foreign.body
    );
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM site_members")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(held, 1);

    // A change of role there, audited before and after.
    place(&app, &admin, &mia, &berlin, &manager).await;
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events
         WHERE action = 'member.site_role_changed' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["site_role"], "Technician");
    assert_eq!(after["site_role"], "Manager");
    let page = detail(&app, &admin, &mia).await;
    let sites: Vec<(&str, &str, bool)> = page
        .access
        .sites
        .sites
        .iter()
        .map(|s| (s.site.as_str(), s.role.as_str(), s.changeable))
        .collect();
    assert_eq!(sites, [("Berlin", "Manager", true)]);
    // Her permissions say where each is held: Manage members at Berlin,
    // through her site role there.
    assert_eq!(
        crate::member_access::sources(&page, "members.manage"),
        [app::wire::members::PermissionSource::SiteRole {
            site: "Berlin".into(),
            role: "Manager".into()
        }]
    );
    assert!(
        page.access.sites.addable.is_empty(),
        "Lyon is archived: not offered"
    );
    assert!(!page
        .access
        .sites
        .roles
        .iter()
        .any(|r| r.name == "Owner" || r.name == "Auditor"));

    // The team table and its CSV.
    let org_id = org.organisation_id.to_string();
    let list = |pairs: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("organisation_id", org_id.clone()),
            ("query[tab]", "Active".to_string()),
        ];
        form.extend(pairs);
        let app = &app;
        let admin = admin.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("team/list", &form, Some(&admin)).await
        }
    };
    assert_eq!(
        names(list(vec![("query[site]", berlin.clone())]).await),
        ["Mia Member"]
    );
    assert_eq!(
        names(list(vec![("query[site_role]", manager.clone())]).await),
        ["Mia Member"]
    );
    assert!(names(
        list(vec![
            ("query[site]", berlin.clone()),
            ("query[site_role]", technician.clone())
        ])
        .await
    )
    .is_empty());
    let lines = crate::harness::team_csv(&app, &owner, &format!("site={berlin}")).await;
    assert!(
        lines[0].starts_with("Name,Email,Status,Role,Department,Other departments,Sites,"),
        "{lines:?}"
    );
    assert!(lines[1].contains(",Berlin (Manager),"), "{lines:?}");
    assert_eq!(lines.len(), 2, "{lines:?}");

    // Deleting a role moves its site holders to the role its people move
    // to, in the same step; never leaving Berlin, where Mia manages its
    // people, with nobody to.
    let delete_moving_to = |role: String| {
        let (app, owner, manager) = (&app, owner.clone(), manager.clone());
        async move {
            app.call(
                "roles/delete",
                &[("role_id", manager.as_str()), ("move_to", role.as_str())],
                Some(&owner),
            )
            .await
        }
    };
    assert_eq!(
        delete_moving_to(role_id(&app, &org, "member").await)
            .await
            .refusal(),
        Refusal::LastSiteManager {
            site: "Berlin".into()
        }
    );
    let admin_role = role_id(&app, &org, "admin").await;
    let deleted = delete_moving_to(admin_role.clone()).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let page = detail(&app, &owner, &mia).await;
    assert_eq!(page.access.sites.sites[0].role, "Admin");
    // Someone else manages Berlin's people now, so Mia may leave it.
    place(&app, &owner, &olive, &berlin, &admin_role).await;

    // Taken off, audited.
    let removed = app
        .call(
            "members/remove_site",
            &[
                ("membership_id", mia.as_str()),
                ("site_id", berlin.as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(detail(&app, &admin, &mia)
        .await
        .access
        .sites
        .sites
        .is_empty());
    assert_eq!(audit_count(&app, &org, "member.site_removed").await, 1);
}

#[tokio::test]
async fn an_invitation_puts_its_invitee_on_sites_with_site_roles_the_inviter_may_grant() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = owner_of(&app, &org).await;
    let berlin = create(&app, &owner, "Berlin").await;
    let lyon = create(&app, &owner, "Lyon").await;
    for (name, permissions) in [("Technician", "team.view"), ("Auditor", "audit.view")] {
        let created = create_role(&app, &owner, name, &[permissions]).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    }
    let (technician, auditor, member_role, owner_role) = (
        role_id(&app, &org, "technician").await,
        role_id(&app, &org, "auditor").await,
        role_id(&app, &org, "member").await,
        role_id(&app, &org, "owner").await,
    );
    let admin = member_manager(&app, &org).await;

    let options = app
        .call("invitations/options", &[], Some(&admin))
        .await
        .json::<app::wire::invitations::InviteOptions>();
    let offered: Vec<&str> = options.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(offered, ["Berlin", "Lyon"]);
    assert!(!options
        .site_roles
        .iter()
        .any(|r| r.name == "Owner" || r.name == "Auditor"));

    // Each mistake beside the sites; nothing written.
    let at = |site: &str, role: &str| format!("{site}:{role}");
    for wrong in [
        vec![at(&berlin, &auditor)],
        vec![at(&berlin, &owner_role)],
        vec!["Berlin".to_string()],
        vec![at(&berlin, &technician), at(&berlin, &member_role)],
    ] {
        let refused = invite_with(
            &app,
            &admin,
            &member_role,
            "ana@example.com",
            "sites",
            &wrong,
        )
        .await;
        assert!(
            refused.error().for_field("sites").is_some(),
            "{wrong:?}: {}",
            refused.body
        );
    }
    let written: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invitations WHERE email = 'ana@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(written, 0);

    let sent = invite_with(
        &app,
        &admin,
        &member_role,
        "ana@example.com",
        "sites",
        &[at(&berlin, &technician), String::new()],
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let link = match sent.json::<app::wire::invitations::InviteOutcome>() {
        app::wire::invitations::InviteOutcome::Created(link) => link,
        other => panic!("{other:?}"),
    };
    let org_id = org.organisation_id.to_string();
    let listing = app
        .call(
            "team/list",
            &[
                ("organisation_id", org_id.as_str()),
                ("query[tab]", "Invitations"),
                ("query[site]", berlin.as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.body);
    let sites: Vec<Vec<String>> = listing
        .json::<TeamListing>()
        .entries
        .into_iter()
        .map(|e| match e {
            TeamEntry::Invitation(i) => i.sites,
            TeamEntry::Member(m) => panic!("{m:?}"),
        })
        .collect();
    assert_eq!(sites, [vec!["Berlin (Technician)".to_string()]]);

    // An edit moves it to Lyon, as a Member; audited.
    let id = link.invitation_id.to_string();
    let edited = app
        .call(
            "invitations/update",
            &[
                ("invitation_id", id.as_str()),
                ("role_id", member_role.as_str()),
                ("department_id", ""),
                ("sites[0]", at(&lyon, &member_role).as_str()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_events WHERE action = 'invitation.updated' AND target_id = $1",
    )
    .bind(link.invitation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["sites"], serde_json::json!(["Berlin (Technician)"]));
    assert_eq!(after["sites"], serde_json::json!(["Lyon (Member)"]));

    let accepted =
        crate::invitations::accept_new(&app, &crate::invitations::token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let ana = membership_of(&app, &org, "ana@example.com").await;
    let page = detail(&app, &owner, &ana).await;
    let theirs: Vec<(&str, &str)> = page
        .access
        .sites
        .sites
        .iter()
        .map(|s| (s.site.as_str(), s.role.as_str()))
        .collect();
    assert_eq!(theirs, [("Lyon", "Member")]);
}
