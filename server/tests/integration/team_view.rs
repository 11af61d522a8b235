//! The team table's views: tabs, search, filters, sort, keyset paging, tab
//! counts and the CSV export, against real PostgreSQL.

use crate::harness::{ApiResponse, TestApp, TestOrganisation};
use crate::invitations::{invite, role_id, Invite};
use crate::members::{change_role, membership_of};
use app::wire::invitations::InviteOutcome;
use app::wire::team::{TabCounts, TeamEntry, TeamListing};
use reqwest::StatusCode;
use std::collections::HashSet;

async fn list(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: &str,
    query: &[(&str, &str)],
) -> ApiResponse {
    let organisation = org.organisation_id.to_string();
    let mut form = vec![("organisation_id", organisation.as_str())];
    form.extend_from_slice(query);
    app.call("team/list", &form, Some(cookie)).await
}

async fn view(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: &str,
    query: &[(&str, &str)],
) -> TeamListing {
    let response = list(app, org, cookie, query).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

/// Each row's email, in page order.
fn emails(listing: &TeamListing) -> Vec<String> {
    listing
        .entries
        .iter()
        .map(|e| match e {
            TeamEntry::Member(m) => m.email.clone(),
            TeamEntry::Invitation(i) => i.email.clone(),
        })
        .collect()
}

/// Every page of a view, following `next` from the first.
async fn walk_forward(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: &str,
    query: &[(&str, &str)],
) -> Vec<TeamListing> {
    let mut pages = vec![view(app, org, cookie, query).await];
    while let Some(next) = pages.last().and_then(|p| p.next.clone()) {
        let mut args = query.to_vec();
        args.push(("query[page][After]", &next));
        pages.push(view(app, org, cookie, &args).await);
        assert!(pages.len() < 20, "paging never ends");
    }
    pages
}

/// The true counts, for comparing with the trigger-kept ones.
async fn counted(app: &TestApp, org: &TestOrganisation) -> TabCounts {
    let (enabled, disabled, open): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM memberships WHERE organisation_id = $1 AND status = 'enabled'),
                (SELECT count(*) FROM memberships WHERE organisation_id = $1 AND status = 'disabled'),
                (SELECT count(*) FROM invitations WHERE organisation_id = $1
                                                  AND revoked_at IS NULL AND accepted_at IS NULL)",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    TabCounts {
        active: enabled + open,
        inactive: disabled,
        invitations: open,
    }
}

async fn seed(app: &TestApp, org: &TestOrganisation, count: i32) {
    for name in ["Sales", "Support"] {
        app::server::db::departments::insert(&app.pool, org.organisation_id, name)
            .await
            .unwrap();
    }
    app::server::seed::bulk_members(&app.pool, org.organisation_id, count, "not-used-here")
        .await
        .unwrap();
}

#[tokio::test]
async fn paging_visits_every_row_once_in_order_both_ways_for_every_sort() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    seed(&app, &org, 140).await;
    // Ties: several people with one name, so the id must break them.
    sqlx::query(
        "UPDATE accounts SET display_name = 'Sam Same' WHERE email IN (
             SELECT email FROM accounts WHERE email LIKE '%bulk.roster.example' ORDER BY email LIMIT 12)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let enabled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships WHERE organisation_id = $1 AND status = 'enabled'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for sort in ["Name", "Email", "Role", "LastSignIn", "Added"] {
        for direction in ["Asc", "Desc"] {
            let query = [("query[sort]", sort), ("query[direction]", direction)];
            let pages = walk_forward(&app, &org, &cookie, &query).await;
            let all: Vec<String> = pages.iter().flat_map(emails).collect();
            let unique: HashSet<&String> = all.iter().collect();
            assert_eq!(all.len() as i64, enabled, "{sort} {direction}: every row");
            assert_eq!(unique.len(), all.len(), "{sort} {direction}: no row twice");
            assert!(pages.iter().all(|p| p.entries.len() <= 50));
            assert!(pages.len() >= 3, "{sort} {direction}: several pages");
            assert!(pages[0].previous.is_none());

            // Back from the last page with `previous` gives the same pages.
            let mut back = vec![pages.last().unwrap().clone()];
            while let Some(previous) = back.last().and_then(|p| p.previous.clone()) {
                let mut args = query.to_vec();
                args.push(("query[page][Before]", &previous));
                back.push(view(&app, &org, &cookie, &args).await);
                assert!(back.len() < 20, "paging back never ends");
            }
            back.reverse();
            let again: Vec<Vec<String>> = back.iter().map(emails).collect();
            let forward: Vec<Vec<String>> = pages.iter().map(emails).collect();
            assert_eq!(
                again, forward,
                "{sort} {direction}: the same pages backwards"
            );
        }
    }

    // The database's own order (same collation) is the order shown.
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 AND m.status = 'enabled'
         ORDER BY lower(a.display_name), a.id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let shown: Vec<String> = walk_forward(&app, &org, &cookie, &[])
        .await
        .iter()
        .flat_map(emails)
        .collect();
    assert_eq!(shown, expected);
}

async fn rename(app: &TestApp, email: &str, name: &str) {
    sqlx::query("UPDATE accounts SET display_name = $1 WHERE lower(email) = lower($2)")
        .bind(name)
        .bind(email)
        .execute(&app.pool)
        .await
        .unwrap();
}

/// Sorting by name, email and role, and searching, read copies of the
/// name, the email and the role's rank that triggers keep on each
/// membership (so an index can serve each order): they follow a rename, an
/// email change, a role change and a role moved in the order, and a direct
/// write to them does not stick.
#[tokio::test]
async fn name_and_role_order_follow_renames_and_role_changes() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.owner_email, &org.password).await;
    let sorted = |sort: &'static str| {
        let (app, org, cookie) = (&app, &org, &cookie);
        async move { emails(&view(app, org, cookie, &[("query[sort]", sort)]).await) }
    };
    let (owner, admin, member) = (&org.owner_email, &org.admin_email, &org.member_email);
    rename(&app, owner, "Carla Owner").await;
    rename(&app, admin, "Bert Admin").await;
    rename(&app, member, "anna Member").await;
    assert_eq!(
        sorted("Name").await,
        [member, admin, owner].map(String::clone)
    );
    assert_eq!(
        sorted("Role").await,
        [owner, admin, member].map(String::clone)
    );

    // Anna becomes an Owner: first of the owners, by name.
    let anna = membership_of(&app, &org, member).await;
    let changed = change_role(&app, &cookie, &anna, &role_id(&app, &org, "owner").await).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        sorted("Role").await,
        [member, owner, admin].map(String::clone)
    );

    rename(&app, admin, "Aaron Admin").await;
    assert_eq!(
        sorted("Name").await,
        [admin, member, owner].map(String::clone)
    );

    // The Admin role moved ahead of Owner.
    sqlx::query("UPDATE roles SET rank = -1 WHERE organisation_id = $1 AND key = 'admin'")
        .bind(org.organisation_id.0)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        sorted("Role").await,
        [admin, member, owner].map(String::clone)
    );

    // A changed email moves the person in the email order and in search.
    let before = sorted("Email").await;
    assert_eq!(before.first(), Some(admin), "{before:?}");
    let new_address = "0-First@Example.com";
    sqlx::query("UPDATE accounts SET email = $1 WHERE lower(email) = lower($2)")
        .bind(new_address)
        .bind(owner)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        sorted("Email").await.first().map(String::as_str),
        Some(new_address)
    );
    let found = view(&app, &org, &cookie, &[("query[search]", "0-FIRST@")]).await;
    assert_eq!(emails(&found), vec![new_address.to_string()]);
    let gone = view(&app, &org, &cookie, &[("query[search]", owner)]).await;
    assert!(gone.entries.is_empty(), "the old address no longer matches");

    sqlx::query("UPDATE memberships SET role_rank = 999, sort_name = 'zzz', sort_email = 'zzz'")
        .execute(&app.pool)
        .await
        .unwrap();
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships m
         JOIN accounts a ON a.id = m.account_id JOIN roles r ON r.id = m.role_id
         WHERE m.sort_name <> lower(a.display_name) OR m.role_rank <> r.rank
            OR m.sort_email <> lower(a.email)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stale, 0,
        "the copies are always the true name, email and rank"
    );
}

#[tokio::test]
async fn each_filter_narrows_the_rows_to_what_it_says() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    seed(&app, &org, 60).await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let sales: String = sqlx::query_scalar(
        "SELECT id::text FROM departments WHERE organisation_id = $1 AND name = 'Sales'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let in_sales: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships m JOIN departments d ON d.id = m.department_id
         WHERE m.organisation_id = $1 AND m.status = 'enabled' AND d.name = 'Sales'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let listing = view(&app, &org, &cookie, &[("query[department]", &sales)]).await;
    assert_eq!(listing.entries.len() as i64, in_sales);
    assert!(listing.entries.iter().all(|e| matches!(e,
        TeamEntry::Member(m) if m.department.as_deref() == Some("Sales"))));

    let owner_role = role_id(&app, &org, "owner").await;
    let owners = view(&app, &org, &cookie, &[("query[role]", &owner_role)]).await;
    assert_eq!(emails(&owners), vec![org.owner_email.clone()]);

    // Search: part of a name, part of an email, any case; wildcards are literal.
    let found = view(&app, &org, &cookie, &[("query[search]", "oLiVe OWN")]).await;
    assert_eq!(emails(&found), vec![org.owner_email.clone()]);
    // The seed disables about one member in ten by a hash of a random address,
    // so the address part searched for is taken from a member known to be active.
    let (address, part): (String, String) = sqlx::query_as(
        "SELECT a.email, substring(a.email from '-[0-9]+@bulk')
         FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 AND m.status = 'enabled'
           AND a.email LIKE '%@bulk.roster.example'
         ORDER BY a.email LIMIT 1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let by_email = view(
        &app,
        &org,
        &cookie,
        &[("query[search]", &part.to_uppercase())],
    )
    .await;
    assert_eq!(emails(&by_email), vec![address.clone()]);
    let literal = view(&app, &org, &cookie, &[("query[search]", "%")]).await;
    assert!(literal.entries.is_empty(), "% matches only a real %");

    // Two-factor and last sign-in describe accounts.
    sqlx::query("UPDATE accounts SET two_factor_enabled_at = now() WHERE lower(email) = lower($1)")
        .bind(&org.admin_email)
        .execute(&app.pool)
        .await
        .unwrap();
    let with_2fa = view(&app, &org, &cookie, &[("query[two_factor]", "SetUp")]).await;
    assert_eq!(emails(&with_2fa), vec![org.admin_email.clone()]);
    let without = view(&app, &org, &cookie, &[("query[two_factor]", "NotSetUp")]).await;
    assert!(!emails(&without).contains(&org.admin_email));
    // Required of them by the policy, and not set up: out of policy.
    sqlx::query(
        "UPDATE memberships m SET two_factor_required_since = now() FROM accounts a
         WHERE a.id = m.account_id AND lower(a.email) IN (lower($1), lower($2))",
    )
    .bind(&org.admin_email)
    .bind(&org.member_email)
    .execute(&app.pool)
    .await
    .unwrap();
    let required = view(&app, &org, &cookie, &[("query[two_factor]", "Required")]).await;
    assert_eq!(emails(&required), vec![org.member_email.clone()]);
    let never = walk_forward(&app, &org, &cookie, &[("query[sign_in]", "Never")]).await;
    let never: Vec<String> = never.iter().flat_map(emails).collect();
    let expected_never: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships WHERE organisation_id = $1 AND status = 'enabled'
                                            AND last_sign_in_at IS NULL",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(never.len() as i64, expected_never);
    assert!(
        !never.contains(&org.admin_email),
        "the admin just signed in"
    );
    let stale = view(&app, &org, &cookie, &[("query[sign_in]", "Stale")]).await;
    assert!(
        !stale.entries.is_empty(),
        "the seed spreads sign-ins over 90 days"
    );
    assert!(stale.entries.iter().all(|e| matches!(e,
        TeamEntry::Member(m) if m.last_sign_in_at.is_some_and(|t| t < chrono::Utc::now() - chrono::Duration::days(30)))));

    // Inactive: every disabled member, and only those. One is disabled here
    // so the tab is never empty, whatever the seed's hash did.
    sqlx::query(
        "UPDATE memberships SET status = 'disabled'
         WHERE organisation_id = $1 AND account_id = (SELECT id FROM accounts WHERE email = $2)",
    )
    .bind(org.organisation_id.0)
    .bind(&address)
    .execute(&app.pool)
    .await
    .unwrap();
    let disabled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships WHERE organisation_id = $1 AND status = 'disabled'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let inactive = walk_forward(&app, &org, &cookie, &[("query[tab]", "Inactive")]).await;
    let inactive: Vec<&TeamEntry> = inactive.iter().flat_map(|p| p.entries.iter()).collect();
    assert_eq!(inactive.len() as i64, disabled);
    assert!(inactive.iter().all(
        |e| matches!(e, TeamEntry::Member(m) if m.status == app::domain::MembershipStatus::Disabled)
    ));
}

#[tokio::test]
async fn invitations_show_among_active_members_and_behind_status_filters() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let mut ids = Vec::new();
    for email in [
        "pending@example.com",
        "expired@example.com",
        "revoked@example.com",
    ] {
        match invite(&app, &cookie, Invite::member(email, &member_role))
            .await
            .json::<InviteOutcome>()
        {
            InviteOutcome::Created(link) => ids.push(link.invitation_id),
            other => panic!("{other:?}"),
        }
    }
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1")
        .bind(ids[1].0)
        .execute(&app.pool)
        .await
        .unwrap();
    let revoked = app
        .call(
            "invitations/revoke",
            &[("invitation_id", &ids[2].to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);

    let active = view(&app, &org, &cookie, &[]).await;
    let shown = emails(&active);
    assert!(shown.contains(&"pending@example.com".to_string()));
    assert!(shown.contains(&"expired@example.com".to_string()));
    assert!(!shown.contains(&"revoked@example.com".to_string()));
    assert_eq!(shown.len(), 5, "three members and two open invitations");

    let pending = view(&app, &org, &cookie, &[("query[status]", "Pending")]).await;
    assert_eq!(emails(&pending), vec!["pending@example.com"]);
    let expired = view(&app, &org, &cookie, &[("query[status]", "Expired")]).await;
    assert_eq!(emails(&expired), vec!["expired@example.com"]);
    let enabled = view(&app, &org, &cookie, &[("query[status]", "Enabled")]).await;
    assert!(enabled
        .entries
        .iter()
        .all(|e| matches!(e, TeamEntry::Member(_))));

    let tab = view(&app, &org, &cookie, &[("query[tab]", "Invitations")]).await;
    assert_eq!(tab.entries.len(), 2, "open ones by default");
    let closed = view(
        &app,
        &org,
        &cookie,
        &[("query[tab]", "Invitations"), ("query[status]", "Revoked")],
    )
    .await;
    assert_eq!(emails(&closed), vec!["revoked@example.com"]);
    let all = view(
        &app,
        &org,
        &cookie,
        &[
            ("query[tab]", "Invitations"),
            ("query[status]", "AnyInvitation"),
        ],
    )
    .await;
    assert_eq!(all.entries.len(), 3);
    assert_eq!(all.counts, counted(&app, &org).await);
}

#[tokio::test]
async fn tab_counts_follow_every_change() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.owner_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    assert_eq!(
        view(&app, &org, &cookie, &[]).await.counts,
        counted(&app, &org).await
    );

    invite(
        &app,
        &cookie,
        Invite::member("one@example.com", &member_role),
    )
    .await;
    invite(
        &app,
        &cookie,
        Invite::member("two@example.com", &member_role),
    )
    .await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let disabled = app
        .call(
            "members/disable",
            &[("membership_id", &member)],
            Some(&cookie),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    let counts = view(&app, &org, &cookie, &[]).await.counts;
    assert_eq!(counts, counted(&app, &org).await);
    assert_eq!(
        counts,
        TabCounts {
            active: 4,
            inactive: 1,
            invitations: 2
        }
    );

    let deleted = app
        .call(
            "members/delete",
            &[
                ("membership_id", &member),
                ("confirm_email", &org.member_email),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(
        view(&app, &org, &cookie, &[]).await.counts,
        counted(&app, &org).await
    );
}

#[tokio::test]
async fn csv_export_is_the_filtered_view_with_formulas_neutralised() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let other = app.organisation().await;
    sqlx::query("UPDATE accounts SET display_name = '=HYPERLINK(\"http://evil.example\",\"x\")' WHERE lower(email) = lower($1)")
        .bind(&org.member_email)
        .execute(&app.pool)
        .await
        .unwrap();
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let export = |query: &'static str, cookie: Option<String>| {
        let mut request = app
            .client
            .get(app.url(&format!("/team/export.csv?{query}")));
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("roster_session={cookie}"));
        }
        request.send()
    };

    let response = export("", Some(cookie.clone())).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"team-"));
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("Name,Email,Status,Role"));
    assert_eq!(lines.len(), 4, "a header and three members: {body}");
    assert!(
        body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{body}"
    );
    assert!(!body.contains(&other.owner_email), "only this organisation");

    // The filters apply: the search finds one person.
    let filtered = export("q=olive", Some(cookie.clone())).await.unwrap();
    let body = filtered.text().await.unwrap();
    assert_eq!(
        body.split("\r\n").filter(|l| !l.is_empty()).count(),
        2,
        "{body}"
    );
    assert!(body.contains(&org.owner_email));

    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'team.exported' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 2);

    let member = app.sign_in(&org.member_email, &org.password).await;
    let refused = export("", Some(member)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains(&org.owner_email));
    let signed_out = export("", None).await.unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_out.headers()["location"], "/login?next=%2Fteam");
}

#[tokio::test]
async fn a_cursor_from_another_sort_or_made_up_means_the_first_page() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    seed(&app, &org, 70).await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let first = view(&app, &org, &cookie, &[]).await;
    let next = first.next.clone().unwrap();
    let other_sort = view(
        &app,
        &org,
        &cookie,
        &[("query[sort]", "Email"), ("query[page][After]", &next)],
    )
    .await;
    let email_first = view(&app, &org, &cookie, &[("query[sort]", "Email")]).await;
    assert_eq!(emails(&other_sort), emails(&email_first));
    let made_up = view(
        &app,
        &org,
        &cookie,
        &[("query[page][After]", "bm90LWEtY3Vyc29y")],
    )
    .await;
    assert_eq!(emails(&made_up), emails(&first));
}
