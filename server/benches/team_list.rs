//! The team table at scale: seeds 100,000 members into one organisation
//! and measures, over HTTP with an admin's session, the team-list server
//! function for several views. A benchmark, not a test: it prints figures
//! and asserts nothing about them. Run it with `scripts/bench`.
//!
//! The organisation has what issue 16 sizes it at: 50 roles, 100 groups
//! (each member in two of them) and 50 departments; and what issue 17
//! does: 200 sites, each member on one (about 500 a site), a tenth of
//! them with a custom site role; and a site manager's views, who sees one
//! site's people only.
//!
//! `ROSTER_BENCH_MEMBERS` changes the number of members (default 100000),
//! `ROSTER_BENCH_SAMPLES` the requests per view (default 200).

// Bench code, like test code: a failed unwrap is a failed run with its
// location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/integration/harness.rs"]
mod harness;

use app::wire::team::TeamListing;
use harness::TestApp;
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Figures {
    p50: Duration,
    p95: Duration,
    max: Duration,
}

fn figures(mut samples: Vec<Duration>) -> Figures {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Figures {
        p50: at(0.50),
        p95: at(0.95),
        max: at(1.0),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let members = env_number("ROSTER_BENCH_MEMBERS", 100_000);
    let samples = env_number("ROSTER_BENCH_SAMPLES", 200);
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let organisation = org.organisation_id.to_string();

    eprintln!("seeding {members} members…");
    let started = Instant::now();
    // 50 departments, the organisation's own two included.
    let named = [
        "Engineering",
        "Sales",
        "Support",
        "Marketing",
        "Finance",
        "Legal",
        "Operations",
        "Research",
        "Design",
        "People",
    ];
    let more: Vec<String> = (11..=48).map(|n| format!("Department {n}")).collect();
    for name in named.iter().copied().chain(more.iter().map(String::as_str)) {
        app::server::db::departments::insert(&app.pool, org.organisation_id, name)
            .await
            .expect("department");
    }
    // 50 roles: Owner, Admin, Member and 47 of the organisation's own.
    for n in 1..=47 {
        app::server::db::roles::insert(
            &app.pool,
            org.organisation_id,
            &format!("role-{n}"),
            &format!("Role {n}"),
            "",
            &["team.view".to_string()],
        )
        .await
        .expect("role");
    }
    // The organisation's three people count towards the total.
    let added = app::server::seed::bulk_members(
        &app.pool,
        org.organisation_id,
        members.saturating_sub(3) as i32,
        "bench-password-not-used-for-sign-in",
    )
    .await
    .expect("seed members");
    // A tenth of the members hold one of the custom roles; everyone is in
    // two of 100 groups, the admin (whose every request reads their
    // groups' grants) among them.
    sqlx::query(
        "UPDATE memberships m SET role_id = r.id
         FROM roles r
         WHERE m.organisation_id = $1 AND r.organisation_id = $1
           AND r.key = 'role-' || (1 + abs(hashtext(m.id::text)) % 47)
           AND abs(hashtext(m.id::text || 'r')) % 10 = 0
           AND m.role_id = (SELECT id FROM roles WHERE organisation_id = $1 AND key = 'member')",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .expect("custom roles");
    sqlx::query(
        "INSERT INTO groups (organisation_id, name, permissions)
         SELECT $1, 'Group ' || n, CASE WHEN n % 10 = 0 THEN ARRAY['team.view'] ELSE ARRAY[]::text[] END
         FROM generate_series(1, 100) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .expect("groups");
    sqlx::query(
        "INSERT INTO group_members (group_id, membership_id)
         SELECT g.id, m.id
         FROM memberships m
         CROSS JOIN LATERAL (VALUES (abs(hashtext(m.id::text)) % 100 + 1),
                                    ((abs(hashtext(m.id::text)) % 100 + 37) % 100 + 1)) pick (n)
         JOIN groups g ON g.organisation_id = $1 AND g.name = 'Group ' || pick.n
         WHERE m.organisation_id = $1
         ON CONFLICT DO NOTHING",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .expect("group members");
    sqlx::query(
        "INSERT INTO sites (organisation_id, name, time_zone)
         SELECT $1, 'Site ' || n, 'UTC' FROM generate_series(1, 200) n",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .expect("sites");
    sqlx::query(
        "INSERT INTO site_members (site_id, membership_id, role_id)
         SELECT s.id, m.id,
                CASE WHEN abs(hashtext(m.id::text || 's')) % 10 = 0
                     THEN (SELECT id FROM roles WHERE organisation_id = $1 AND key = 'role-7')
                     ELSE (SELECT id FROM roles WHERE organisation_id = $1 AND key = 'member') END
         FROM memberships m
         JOIN sites s ON s.organisation_id = $1
                     AND s.name = 'Site ' || (abs(hashtext(m.id::text)) % 200 + 1)
         WHERE m.organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .expect("site members");
    // What autovacuum does to a freshly loaded table within a minute or so
    // (PostgreSQL 13+ vacuums after inserts too): statistics for the
    // planner, and the visibility map that lets a page be read from an
    // index alone. Measuring before it would time a state that passes.
    // As the owner: VACUUM skips tables the server's role does not own.
    sqlx::query("VACUUM ANALYZE")
        .execute(&app.owner_pool)
        .await
        .expect("vacuum analyze");
    eprintln!(
        "seeded {added} members in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let department: String = sqlx::query_scalar(
        "SELECT id::text FROM departments WHERE organisation_id = $1 AND name = 'Sales'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("department id");
    let member_role: String = sqlx::query_scalar(
        "SELECT id::text FROM roles WHERE key = 'member' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("role id");

    let group: String = sqlx::query_scalar(
        "SELECT id::text FROM groups WHERE organisation_id = $1 AND name = 'Group 42'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("group id");

    let site: String = sqlx::query_scalar(
        "SELECT id::text FROM sites WHERE organisation_id = $1 AND name = 'Site 42'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("site id");
    let site_role: String = sqlx::query_scalar(
        "SELECT id::text FROM roles WHERE key = 'role-7' AND organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("site role id");

    let views: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("Active tab, first page (name order)", vec![]),
        (
            "filtered page: site (about 500 people), name order",
            vec![("query[site]", site.clone())],
        ),
        (
            "filtered page: site + site role, name order",
            vec![
                ("query[site]", site.clone()),
                ("query[site_role]", site_role.clone()),
            ],
        ),
        (
            "filtered page: group, name order",
            vec![("query[group]", group.clone())],
        ),
        (
            "filtered page: group + department, name order",
            vec![
                ("query[group]", group.clone()),
                ("query[department]", department.clone()),
            ],
        ),
        (
            "filtered page: department, name order",
            vec![("query[department]", department.clone())],
        ),
        (
            "filtered page: department + role + not signed in for 30 days",
            vec![
                ("query[department]", department.clone()),
                ("query[role]", member_role.clone()),
                ("query[sign_in]", "Stale".into()),
            ],
        ),
        (
            "filtered page: Inactive tab, last sign-in order",
            vec![
                ("query[tab]", "Inactive".into()),
                ("query[sort]", "LastSignIn".into()),
            ],
        ),
        (
            "filtered page: department, date added order",
            vec![
                ("query[department]", department.clone()),
                ("query[sort]", "Added".into()),
            ],
        ),
        (
            "search: \"hopper\"",
            vec![("query[search]", "hopper".into())],
        ),
        (
            "search: \"grace turing 4\"",
            vec![("query[search]", "grace turing 4".into())],
        ),
        (
            "search: an email, \"-4242@\"",
            vec![("query[search]", "-4242@".into())],
        ),
        // Worst cases for reading in name order: every match sits in the
        // last tenth of it, or every address matches.
        (
            "search: a first name late in the order, \"frances\"",
            vec![("query[search]", "frances".into())],
        ),
        (
            "search: everyone, \"example\"",
            vec![("query[search]", "example".into())],
        ),
        ("sort by role", vec![("query[sort]", "Role".into())]),
        ("sort by email", vec![("query[sort]", "Email".into())]),
    ];

    println!(
        "team/list over HTTP, {members} members in one organisation, {samples} requests per view"
    );
    println!(
        "{:<66} {:>10} {:>10} {:>10} {:>5}",
        "view", "p50", "p95", "max", "rows"
    );
    for (label, args) in views {
        measure(&app, &cookie, &organisation, label, &args, samples).await;
    }

    // Paging deep into a filtered view costs what the first page does.
    let mut form: Vec<(String, String)> = vec![
        ("organisation_id".into(), organisation.clone()),
        ("query[department]".into(), department.clone()),
    ];
    let mut times = Vec::new();
    for _ in 0..40 {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let started = Instant::now();
        let response = app.call("team/list", &pairs, Some(&cookie)).await;
        times.push(started.elapsed());
        let listing: TeamListing = response.json();
        let Some(next) = listing.next else { break };
        form.retain(|(k, _)| !k.starts_with("query[page]"));
        form.push(("query[page][After]".into(), next));
    }
    let pages = times.len();
    let f = figures(times);
    println!(
        "{:<66} {:>10} {:>10} {:>10} {:>5}",
        format!("paging: department filter, pages 1 to {pages}"),
        ms(f.p50),
        ms(f.p95),
        ms(f.max),
        "50"
    );

    change_to_event(&app, &org, &cookie, samples).await;
    two_factor_policy_refresh(&app, &org).await;

    // Last: the member becomes Site 42's manager, whom the guard then
    // keeps (the event timing above disables and enables them).
    // A site manager (Manage members through their site role at Site 42,
    // nothing across the organisation): every view is of their site's
    // people only, counted as asked.
    let manager_role = app::server::db::roles::insert(
        &app.pool,
        org.organisation_id,
        "site-manager",
        "Site Manager",
        "",
        &[
            "team.view".into(),
            "members.invite".into(),
            "members.manage".into(),
        ],
    )
    .await
    .expect("site manager role");
    // At that site only.
    sqlx::query(
        "DELETE FROM site_members WHERE membership_id =
             (SELECT m.id FROM memberships m JOIN accounts a ON a.id = m.account_id
              WHERE m.organisation_id = $1 AND lower(a.email) = lower($2))",
    )
    .bind(org.organisation_id.0)
    .bind(&org.member_email)
    .execute(&app.pool)
    .await
    .expect("manager's other sites");
    sqlx::query(
        "INSERT INTO site_members (site_id, membership_id, role_id)
         SELECT $1::uuid, m.id, $2 FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $3 AND lower(a.email) = lower($4)",
    )
    .bind(&site)
    .bind(manager_role.0)
    .bind(org.organisation_id.0)
    .bind(&org.member_email)
    .execute(&app.pool)
    .await
    .expect("site manager");
    let manager = app.sign_in(&org.member_email, &org.password).await;
    let manager_views: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("site manager: Active tab, first page (name order)", vec![]),
        (
            "site manager: search \"grace\"",
            vec![("query[search]", "grace".into())],
        ),
        (
            "site manager: sort by role",
            vec![("query[sort]", "Role".into())],
        ),
        (
            "site manager: department",
            vec![("query[department]", department.clone())],
        ),
    ];
    for (label, args) in manager_views {
        measure(&app, &manager, &organisation, label, &args, samples).await;
    }
}

/// Times `samples` requests of one view of the team list as `cookie`'s
/// holder, after ten unmeasured ones, and prints its line.
async fn measure(
    app: &TestApp,
    cookie: &str,
    organisation: &str,
    label: &str,
    args: &[(&str, String)],
    samples: usize,
) {
    let mut form: Vec<(&str, &str)> = vec![("organisation_id", organisation)];
    form.extend(args.iter().map(|(k, v)| (*k, v.as_str())));
    // Warm caches and connections; these are not measured.
    let mut rows = 0;
    for _ in 0..10 {
        let response = app.call("team/list", &form, Some(cookie)).await;
        assert!(response.status.is_success(), "{label}: {}", response.body);
        rows = response.json::<TeamListing>().entries.len();
    }
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let response = app.call("team/list", &form, Some(cookie)).await;
        times.push(started.elapsed());
        assert!(response.status.is_success());
    }
    let f = figures(times);
    println!(
        "{label:<66} {:>10} {:>10} {:>10} {rows:>5}",
        ms(f.p50),
        ms(f.p95),
        ms(f.max)
    );
}

/// The organisation-wide two-factor refresh: saving the policy reads every
/// member's effective permissions (`membership_permissions`, with their
/// grants and groups) to decide who it covers. Five saves, alternating.
async fn two_factor_policy_refresh(app: &TestApp, org: &harness::TestOrganisation) {
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let mut times = Vec::new();
    for policy in [
        "sensitive",
        "optional",
        "sensitive",
        "optional",
        "sensitive",
    ] {
        let started = Instant::now();
        let response = app
            .call(
                "organisation/two_factor_policy",
                &[
                    ("two_factor_policy", policy),
                    ("two_factor_grace_days", "14"),
                ],
                Some(&owner),
            )
            .await;
        times.push(started.elapsed());
        assert!(response.status.is_success(), "{policy}: {}", response.body);
    }
    let f = figures(times);
    println!(
        "{:<66} {:>10} {:>10} {:>10} {:>5}",
        "two-factor policy saved: every member's permissions read",
        ms(f.p50),
        ms(f.p95),
        ms(f.max),
        5
    );
}

/// The latency from a change (a member disabled or enabled over HTTP by
/// one admin) to its event on another admin's open team stream.
async fn change_to_event(
    app: &TestApp,
    org: &harness::TestOrganisation,
    admin: &str,
    samples: usize,
) {
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member: String = sqlx::query_scalar(
        "SELECT m.id::text FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 AND lower(a.email) = lower($2)",
    )
    .bind(org.organisation_id.0)
    .bind(&org.member_email)
    .fetch_one(&app.pool)
    .await
    .expect("member");
    let mut stream = app
        .client
        .get(app.url("/api/team/events"))
        .header("cookie", format!("roster_session={owner}"))
        .send()
        .await
        .expect("stream");
    assert!(stream.status().is_success(), "stream: {}", stream.status());
    let mut buffer = String::new();
    // Until the stream is quiet: announcements of the sign-ins above.
    while let Ok(Ok(Some(chunk))) =
        tokio::time::timeout(Duration::from_millis(500), stream.chunk()).await
    {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
    buffer.clear();
    let mut from_request = Vec::with_capacity(samples);
    let mut from_response = Vec::with_capacity(samples);
    for i in 0..samples {
        let endpoint = if i % 2 == 0 {
            "members/disable"
        } else {
            "members/enable"
        };
        let sent = Instant::now();
        let response = app
            .call(endpoint, &[("membership_id", member.as_str())], Some(admin))
            .await;
        let answered = Instant::now();
        assert!(
            response.status.is_success(),
            "{endpoint}: {}",
            response.body
        );
        // The event for this member, whenever it came (before or after the
        // response: the notice goes out at commit).
        let arrived = loop {
            if let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                if block.contains("event: team") && block.contains(&member) {
                    break Instant::now();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
                .await
                .expect("an event within 10 s")
                .expect("stream read")
                .expect("stream open");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        };
        from_request.push(arrived - sent);
        from_response.push(arrived.saturating_duration_since(answered));
    }
    for (label, times) in [
        ("change to event: from the change's request", from_request),
        (
            "change to event: from the change's response (0 if before it)",
            from_response,
        ),
    ] {
        let f = figures(times);
        println!(
            "{label:<66} {:>10} {:>10} {:>10} {samples:>5}",
            ms(f.p50),
            ms(f.p95),
            ms(f.max)
        );
    }
}
