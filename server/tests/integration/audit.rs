//! The owners' audit page and its CSV export, against real PostgreSQL:
//! who may read it, what each filter keeps, keyset paging, and that the
//! security events the issue names reach an organisation's log.

use crate::harness::{eventually, ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{invite, invited, role_id, Invite};
use crate::members::{change_role, disable, membership_of};
use app::wire::audit::{AuditEntry, AuditListing};
use app::wire::AppError;
use reqwest::StatusCode;
use std::collections::HashSet;
use std::time::Duration;

async fn list(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: Option<&str>,
    query: &[(&str, &str)],
) -> ApiResponse {
    let organisation = org.organisation_id.to_string();
    let mut form = vec![("organisation_id", organisation.as_str())];
    form.extend_from_slice(query);
    app.call("audit/list", &form, cookie).await
}

async fn view(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: &str,
    query: &[(&str, &str)],
) -> AuditListing {
    let response = list(app, org, Some(cookie), query).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

fn actions(listing: &AuditListing) -> Vec<&str> {
    listing.entries.iter().map(|e| e.action.as_str()).collect()
}

fn ids(listing: &AuditListing) -> Vec<i64> {
    listing.entries.iter().map(|e| e.id).collect()
}

/// The ids of `org`'s events, newest first, straight from the table.
async fn logged_ids(app: &TestApp, org: &TestOrganisation) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT id FROM audit_events WHERE organisation_id = $1 ORDER BY occurred_at DESC, id DESC",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Writes an event as the application would, at a chosen time.
async fn insert_event(
    app: &TestApp,
    org: &TestOrganisation,
    action: &str,
    actor: Option<&str>,
    target: &str,
    at: &str,
) {
    sqlx::query(
        "INSERT INTO audit_events
             (organisation_id, occurred_at, actor_name, action, target_type, target_name,
              request_id, client_ip)
         VALUES ($1, $2::timestamptz, $3, $4, 'account', $5, 'seededrequest01', '192.0.2.7')",
    )
    .bind(org.organisation_id.0)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(target)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn export(app: &TestApp, query: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(&format!("/audit/export.csv?{query}")));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("roster_session={cookie}"));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_owner_sees_their_organisations_events_and_only_those() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    assert_eq!(disable(&app, &admin, &member).await.status, StatusCode::OK);
    let elsewhere = app.sign_in(&other.admin_email, &other.password).await;
    invited(&app, &elsewhere, "only-elsewhere@example.com").await;

    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let listing = view(&app, &org, &owner, &[]).await;
    assert_eq!(
        ids(&listing),
        logged_ids(&app, &org).await,
        "all of them, newest first"
    );
    assert!(listing.next.is_none() && listing.previous.is_none());
    assert!(!listing
        .entries
        .iter()
        .any(|e| e.target.as_deref() == Some("only-elsewhere@example.com")));
    assert_eq!(actions(&listing).last(), Some(&"organisation.created"));

    let disabled = listing
        .entries
        .iter()
        .find(|e| e.action == "member.disabled")
        .expect("the disable");
    assert_eq!(disabled.actor.as_deref(), Some("Adam Admin"));
    assert_eq!(disabled.target.as_deref(), Some("Mia Member"));
    assert_eq!(disabled.details, ["Status: Enabled → Disabled"]);
    assert_eq!(disabled.client_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(disabled.request_id.as_deref().map(str::len), Some(16));

    // The filters offer the people who acted here, by name.
    let filters = app.call("audit/filters", &[], Some(&owner)).await;
    assert_eq!(filters.status, StatusCode::OK, "{}", filters.body);
    let filters: app::wire::audit::AuditFilterChoices = filters.json();
    assert_eq!(filters.time_zone, "UTC");
    assert_eq!(filters.actors, ["Adam Admin", "Olive Owner"]);
}

#[tokio::test]
async fn admins_members_outsiders_and_the_signed_out_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    for email in [&org.admin_email, &org.member_email] {
        let cookie = app.sign_in(email, &org.password).await;
        let refused = list(&app, &org, Some(&cookie), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(refused.error(), AppError::Forbidden);
        let filters = app.call("audit/filters", &[], Some(&cookie)).await;
        assert_eq!(filters.status, StatusCode::FORBIDDEN, "{email}");
        let csv = export(&app, "", Some(&cookie)).await;
        assert_eq!(csv.status(), StatusCode::FORBIDDEN, "{email}");
        assert!(!csv.text().await.unwrap().contains("organisation.created"));
    }
    // The page itself answers 403 with the usual notice.
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let page = app
        .client
        .get(app.url("/audit"))
        .header("cookie", format!("roster_session={admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("have access to the audit log"));

    let outsider = app.sign_in(&other.owner_email, &other.password).await;
    let refused = list(&app, &org, Some(&outsider), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    assert_eq!(
        list(&app, &org, None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let signed_out = export(&app, "", None).await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_out.headers()["location"], "/login?next=%2Faudit");
    let exported: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'audit.exported'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(exported, 0, "refused exports are not exports");
}

#[tokio::test]
async fn each_filter_narrows_the_rows() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    disable(&app, &admin, &member).await;
    let admin_role = role_id(&app, &org, "admin").await;
    assert_eq!(
        change_role(&app, &owner, &member, &admin_role).await.status,
        StatusCode::OK
    );
    invited(&app, &admin, "carol@example.com").await;
    insert_event(
        &app,
        &org,
        "member.enabled",
        Some("Xavier X"),
        "100%_sure",
        "2025-03-10T23:30:00Z",
    )
    .await;
    insert_event(
        &app,
        &org,
        "member.enabled",
        Some("Xavier X"),
        "100 sure",
        "2025-03-12T12:00:00Z",
    )
    .await;
    // Dates are days in the organisation's time zone: 23:30 UTC on the
    // 10th is half past midnight on the 11th in Paris.
    sqlx::query("UPDATE organisations SET time_zone = 'Europe/Paris' WHERE id = $1")
        .bind(org.organisation_id.0)
        .execute(&app.pool)
        .await
        .unwrap();

    let by_action = view(
        &app,
        &org,
        &owner,
        &[("query[action]", "member.role_changed")],
    )
    .await;
    assert_eq!(actions(&by_action), ["member.role_changed"]);
    let change = &by_action.entries[0];
    assert_eq!(change.actor.as_deref(), Some("Olive Owner"));
    assert_eq!(change.target.as_deref(), Some("Mia Member"));
    assert_eq!(change.details, ["Role: Member → Admin"]);

    // Actor: part of a name, any case; or part of the account's email.
    let by_name = view(&app, &org, &owner, &[("query[actor]", "aDaM")]).await;
    assert!(!by_name.entries.is_empty());
    assert!(by_name
        .entries
        .iter()
        .all(|e| e.actor.as_deref() == Some("Adam Admin")));
    assert!(actions(&by_name).contains(&"member.disabled"));
    assert!(actions(&by_name).contains(&"invitation.created"));
    let admin_prefix = org.admin_email.split('@').next().unwrap();
    let by_email = view(&app, &org, &owner, &[("query[actor]", admin_prefix)]).await;
    assert_eq!(ids(&by_email), ids(&by_name));

    // Target: an invitation by its email, a member by name or email.
    let invitation = view(&app, &org, &owner, &[("query[target]", "CAROL@")]).await;
    assert_eq!(actions(&invitation), ["invitation.created"]);
    assert_eq!(invitation.entries[0].details[0], "Role: Member");
    let mia = view(&app, &org, &owner, &[("query[target]", &org.member_email)]).await;
    assert!(mia.entries.len() >= 2);
    assert!(mia
        .entries
        .iter()
        .all(|e| e.target.as_deref() == Some("Mia Member")));
    // `%` and `_` are literal.
    let literal = view(&app, &org, &owner, &[("query[target]", "0%_s")]).await;
    assert_eq!(literal.entries.len(), 1);
    assert_eq!(literal.entries[0].target.as_deref(), Some("100%_sure"));

    // Time range, in the organisation's zone, both ends included.
    let day = |d: &'static str| [("query[from]", d), ("query[to]", d)];
    let eleventh = view(&app, &org, &owner, &day("2025-03-11")).await;
    assert_eq!(eleventh.entries.len(), 1);
    assert_eq!(eleventh.entries[0].local_time, "2025-03-11 00:30:00");
    assert!(view(&app, &org, &owner, &day("2025-03-10"))
        .await
        .entries
        .is_empty());
    let both = view(
        &app,
        &org,
        &owner,
        &[("query[from]", "2025-03-11"), ("query[to]", "2025-03-12")],
    )
    .await;
    assert_eq!(both.entries.len(), 2);
    let since = view(&app, &org, &owner, &[("query[from]", "2025-03-12")]).await;
    assert_eq!(since.entries.len(), logged_ids(&app, &org).await.len() - 1);
    let until = view(&app, &org, &owner, &[("query[to]", "2025-03-11")]).await;
    assert_eq!(until.entries.len(), 1);

    // Filters combine.
    let combined = view(
        &app,
        &org,
        &owner,
        &[
            ("query[actor]", "xavier"),
            ("query[target]", "sure"),
            ("query[to]", "2025-03-11"),
        ],
    )
    .await;
    assert_eq!(combined.entries.len(), 1);

    // From after To is refused beside the To field, not an empty page.
    let backwards = list(
        &app,
        &org,
        Some(&owner),
        &[("query[from]", "2025-03-12"), ("query[to]", "2025-03-11")],
    )
    .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards
        .error()
        .for_field("to")
        .unwrap()
        .contains("before the start date"));
}

#[tokio::test]
async fn paging_returns_every_row_once_in_order_both_ways() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    // 130 events, many sharing one instant, as one transaction's do.
    sqlx::query(
        "INSERT INTO audit_events (organisation_id, occurred_at, actor_name, action, target_name)
         SELECT $1, timestamptz '2026-01-01 12:00Z' + (n / 7) * interval '1 minute',
                'Seeder', 'member.enabled', 'Person ' || n
         FROM generate_series(1, 130) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let all = logged_ids(&app, &org).await;
    assert!(all.len() > 130);

    let mut pages = vec![view(&app, &org, &owner, &[]).await];
    while let Some(next) = pages.last().and_then(|p| p.next.clone()) {
        pages.push(view(&app, &org, &owner, &[("query[page][After]", &next)]).await);
        assert!(pages.len() < 10, "paging never ends");
    }
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.entries.len() <= 50));
    assert!(pages[0].previous.is_none());
    let walked: Vec<i64> = pages.iter().flat_map(ids).collect();
    assert_eq!(walked, all, "every event once, newest first");
    assert_eq!(walked.iter().collect::<HashSet<_>>().len(), walked.len());

    let mut back = vec![pages.last().unwrap().clone()];
    while let Some(previous) = back.last().and_then(|p| p.previous.clone()) {
        back.push(view(&app, &org, &owner, &[("query[page][Before]", &previous)]).await);
        assert!(back.len() < 10, "paging back never ends");
    }
    back.reverse();
    let again: Vec<Vec<i64>> = back.iter().map(ids).collect();
    let forward: Vec<Vec<i64>> = pages.iter().map(ids).collect();
    assert_eq!(again, forward, "the same pages backwards");

    // Paging keeps the filter.
    let filtered = view(&app, &org, &owner, &[("query[action]", "member.enabled")]).await;
    let next = filtered.next.clone().unwrap();
    let second = view(
        &app,
        &org,
        &owner,
        &[
            ("query[action]", "member.enabled"),
            ("query[page][After]", &next),
        ],
    )
    .await;
    assert!(second.entries.iter().all(|e| e.action == "member.enabled"));
    let made_up = view(
        &app,
        &org,
        &owner,
        &[("query[page][After]", "bm90LWEtY3Vyc29y")],
    )
    .await;
    assert_eq!(ids(&made_up), ids(&pages[0]));
}

#[tokio::test]
async fn the_export_has_every_matching_event_neutralised_and_is_itself_recorded() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    insert_event(
        &app,
        &org,
        "member.enabled",
        Some("Mallory"),
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "2026-01-02T03:04:05Z",
    )
    .await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    app.sign_in(&other.owner_email, &other.password).await;

    let response = export(&app, "", Some(&owner)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"audit-log-"));
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "Time (UTC),Actor,Actor id,Action,Action key,Target,Target type,Target id,Details,Before,After,Client address,Request id"
    );
    assert_eq!(
        lines.len(),
        1 + logged_ids(&app, &org).await.len() - 1,
        "every event but the export itself: {body}"
    );
    assert!(
        body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{body}"
    );
    assert!(body.contains("2026-01-02T03:04:05.000Z,Mallory,,Member enabled,member.enabled,"));
    assert!(body.contains("192.0.2.7,seededrequest01"));
    assert!(lines
        .iter()
        .any(|l| l.contains("Signed in,sign_in") && l.contains("127.0.0.1")));
    assert!(!body.contains(&other.name), "only this organisation");
    assert_eq!(
        lines.iter().filter(|l| l.contains(",sign_in,")).count(),
        1,
        "the other owner's sign-in is not here"
    );

    // The filters apply.
    let filtered = export(&app, "action=member.enabled&target=hyperlink", Some(&owner))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        filtered.split("\r\n").filter(|l| !l.is_empty()).count(),
        2,
        "{filtered}"
    );
    let backwards = export(&app, "from=2026-02-01&to=2026-01-01", Some(&owner)).await;
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let recorded: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT after FROM audit_events WHERE action = 'audit.exported' AND organisation_id = $1
         AND actor_name = 'Olive Owner' AND request_id IS NOT NULL AND client_ip IS NOT NULL
         ORDER BY id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(
        recorded[1]["view"],
        "target=hyperlink&action=member.enabled"
    );
    assert_eq!(recorded[1]["rows"], 1);
}

/// Events the issue names that happen before anyone acts for an
/// organisation still reach the log of each organisation of the account.
#[tokio::test]
async fn security_events_about_an_account_reach_its_organisations_logs() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    let wrong = app.try_sign_in(&org.member_email, "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let forgot = app
        .call(
            "password_reset/request",
            &[("email", &org.member_email)],
            None,
        )
        .await;
    assert_eq!(forgot.status, StatusCode::OK);
    // The request's work runs after its answer.
    let requested = eventually(Duration::from_secs(10), || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_events WHERE action = 'password_reset.requested'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (n > 0).then_some(n)
    })
    .await;
    assert_eq!(requested, Some(1));
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    disable(&app, &admin, &member).await;
    let refused = app.try_sign_in(&org.member_email, &org.password).await;
    assert_eq!(refused.error(), AppError::AccessDisabled);
    // A stranger's failure belongs to no organisation.
    app.try_sign_in("nobody@example.com", "whatever").await;

    let owner = app.sign_in(&org.owner_email, &org.password).await;
    // A failed sign-in names the email typed; the others, the person.
    let logged = view(&app, &org, &owner, &[("query[target]", &org.member_email)]).await;
    let seen: Vec<&AuditEntry> = logged.entries.iter().collect();
    for action in [
        "sign_in.failed",
        "password_reset.requested",
        "sign_in.refused",
    ] {
        let event = seen
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("{action} is in the organisation's log"));
        assert_eq!(event.client_ip.as_deref(), Some("127.0.0.1"), "{action}");
        assert!(event.request_id.is_some(), "{action}");
    }
    let elsewhere = app.sign_in(&other.owner_email, &other.password).await;
    let theirs = view(
        &app,
        &other,
        &elsewhere,
        &[("query[action]", "sign_in.failed")],
    )
    .await;
    assert!(
        theirs.entries.is_empty(),
        "not in another organisation's log"
    );
    let stranger: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'sign_in.failed'
         AND target_name = 'nobody@example.com' AND organisation_id IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stranger, 1);
}

#[tokio::test]
async fn an_invitation_change_records_before_and_after() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let admin_role = role_id(&app, &org, "admin").await;
    let created = invite(
        &app,
        &admin,
        Invite::member("dora@example.com", &member_role),
    )
    .await;
    let app::wire::invitations::InviteOutcome::Created(link) = created.json() else {
        panic!("{}", created.body)
    };
    let updated = app
        .call(
            "invitations/update",
            &[
                ("invitation_id", &link.invitation_id.to_string()),
                ("role_id", &admin_role),
                ("department_id", ""),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let listing = view(
        &app,
        &org,
        &owner,
        &[("query[action]", "invitation.updated")],
    )
    .await;
    assert_eq!(listing.entries[0].details, ["Role: Member → Admin"]);
}
