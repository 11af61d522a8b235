//! The team table at scale: seeds 100,000 members into one organisation
//! and measures, over HTTP with an admin's session, the team-list server
//! function for several views. A benchmark, not a test: it prints figures
//! and asserts nothing about them. Run it with `scripts/bench`.
//!
//! `ROSTER_BENCH_MEMBERS` changes the number of members (default 100000),
//! `ROSTER_BENCH_SAMPLES` the requests per view (default 200).

// Bench code, like test code: a failed unwrap is a failed run with its
// location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../tests/integration/harness.rs"]
mod harness;

use app::api::team::TeamListing;
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
    for name in [
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
    ] {
        app::server::db::organisations::insert_department(&app.pool, org.organisation_id, name)
            .await
            .expect("department");
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
    sqlx::query("ANALYZE")
        .execute(&app.pool)
        .await
        .expect("analyze");
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
        "SELECT id::text FROM roles WHERE key = 'member' AND organisation_id IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .expect("role id");

    let views: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("Active tab, first page (name order)", vec![]),
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
        (
            "sort by role (no index serves it)",
            vec![("query[sort]", "Role".into())],
        ),
    ];

    println!(
        "team/list over HTTP, {members} members in one organisation, {samples} requests per view"
    );
    println!(
        "{:<66} {:>10} {:>10} {:>10} {:>5}",
        "view", "p50", "p95", "max", "rows"
    );
    for (label, args) in views {
        let mut form: Vec<(&str, &str)> = vec![("organisation_id", organisation.as_str())];
        form.extend(args.iter().map(|(k, v)| (*k, v.as_str())));
        // Warm caches and connections; these are not measured.
        let mut rows = 0;
        for _ in 0..10 {
            let response = app.call("team/list", &form, Some(&cookie)).await;
            assert!(response.status.is_success(), "{label}: {}", response.body);
            rows = response.json::<TeamListing>().entries.len();
        }
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            let started = Instant::now();
            let response = app.call("team/list", &form, Some(&cookie)).await;
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
}
