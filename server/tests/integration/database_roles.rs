//! Two database roles: migrations run as the role that owns the schema, the
//! server as one that owns nothing and may only append to the audit trail.
//! Each refusal is checked by its SQLSTATE: 42501 (insufficient_privilege)
//! is PostgreSQL refusing the role, not some other failure.

use crate::embedded_database::{data_dir, postmaster_pid, signal, start_with_env, wait_gone};
use crate::harness::{cluster, database_name, eventually, TestApp};
use server::database::{
    ensure_database, grant_runtime, pool, secure_runtime, OWNER_ROLE, RUNTIME_ROLE,
};
use sqlx::{ConnectOptions as _, PgPool};
use std::collections::BTreeMap;
use std::time::Duration;

const INSUFFICIENT_PRIVILEGE: &str = "42501";

/// Runs `statement` on `pool` and returns the SQLSTATE it failed with.
async fn refusal(pool: &PgPool, statement: &str) -> String {
    let error = sqlx::query(statement)
        .execute(pool)
        .await
        .expect_err(statement);
    let db = error
        .as_database_error()
        .unwrap_or_else(|| panic!("{statement}: not a database error: {error}"));
    db.code()
        .unwrap_or_else(|| panic!("{statement}: no SQLSTATE: {db}"))
        .into_owned()
}

/// The role of the server's team listener (its one LISTEN connection),
/// once it has connected.
async fn listener_role(pool: &PgPool) -> String {
    eventually(Duration::from_secs(10), || async {
        sqlx::query_scalar(
            "SELECT usename::text FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN %'",
        )
        .fetch_optional(pool)
        .await
        .unwrap()
    })
    .await
    .expect("the server's team listener connects")
}

async fn audit_event_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_servers_role_gets_a_permission_error_when_it_touches_the_audit_trail() {
    let app = TestApp::spawn().await;
    app.organisation().await;
    let before = audit_event_count(&app.pool).await;
    assert!(before > 0);
    for statement in [
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_no_update ON audit_events",
        "CREATE TRIGGER sneaky BEFORE INSERT ON audit_events \
         FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger \
         LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "DROP TABLE audit_events",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET action = 'forged'",
        "TRUNCATE audit_events",
    ] {
        assert_eq!(
            refusal(&app.pool, statement).await,
            INSUFFICIENT_PRIVILEGE,
            "{statement}"
        );
    }
    assert_eq!(audit_event_count(&app.pool).await, before);

    // What the server does with the trail still works: append and read.
    sqlx::query("INSERT INTO audit_events (action) VALUES ('test.appended')")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit_event_count(&app.pool).await, before + 1);
}

#[tokio::test]
async fn the_servers_role_owns_nothing_and_may_create_nothing() {
    let app = TestApp::spawn().await;
    let (role, superuser, create_db, create_role, bypass_rls): (String, bool, bool, bool, bool) =
        sqlx::query_as(
            "SELECT rolname::text, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls
             FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, RUNTIME_ROLE);
    assert!(!superuser && !create_db && !create_role && !bypass_rls);
    let owned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                 WHERE r.rolname = current_user)
              + (SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                 WHERE r.rolname = current_user)
              + (SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                 WHERE r.rolname = current_user)
              + (SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
                 WHERE r.rolname = current_user)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owned, 0, "{RUNTIME_ROLE} owns nothing");
    let member_of_owner: bool =
        sqlx::query_scalar("SELECT pg_has_role(current_user, $1::name, 'MEMBER')")
            .bind(OWNER_ROLE)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!member_of_owner);

    for statement in [
        "CREATE TABLE mine (id integer)",
        "CREATE FUNCTION mine() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "ALTER TABLE accounts ADD COLUMN extra text",
        "CREATE INDEX mine ON accounts (created_at)",
        "SELECT * FROM _sqlx_migrations",
        "DELETE FROM _sqlx_migrations",
        "TRUNCATE sessions",
    ] {
        assert_eq!(
            refusal(&app.pool, statement).await,
            INSUFFICIENT_PRIVILEGE,
            "{statement}"
        );
    }
}

/// What the server's role may do to each table, as PostgreSQL answers it.
async fn privileges(owner: &PgPool) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT c.relname::text,
                array(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE',
                                                 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
                      WHERE has_table_privilege($1::name, c.oid, p))
         FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
    )
    .bind(RUNTIME_ROLE)
    .fetch_all(owner)
    .await
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn the_grants_are_exactly_what_the_server_needs_and_cover_new_tables() {
    let app = TestApp::spawn().await;
    let read_write = ["SELECT", "INSERT", "UPDATE", "DELETE"]
        .map(String::from)
        .to_vec();
    let check = |granted: &BTreeMap<String, Vec<String>>| {
        assert!(granted.len() >= 15, "{granted:?}");
        for (table, privileges) in granted {
            let expected: Vec<String> = match table.as_str() {
                "audit_events" => vec!["SELECT".into(), "INSERT".into()],
                "_sqlx_migrations" => vec![],
                _ => read_write.clone(),
            };
            assert_eq!(privileges, &expected, "{table}");
        }
    };
    check(&privileges(&app.owner_pool).await);

    // A later migration's table: the next start grants it, and granting
    // again changes nothing else.
    sqlx::query("CREATE TABLE later_feature (id bigserial PRIMARY KEY, note text)")
        .execute(&app.owner_pool)
        .await
        .unwrap();
    assert_eq!(
        refusal(&app.pool, "INSERT INTO later_feature (note) VALUES ('x')").await,
        INSUFFICIENT_PRIVILEGE
    );
    secure_runtime(&app.owner_pool, &app.pool).await.unwrap();
    grant_runtime(&app.owner_pool, RUNTIME_ROLE).await.unwrap();
    let granted = privileges(&app.owner_pool).await;
    assert!(granted.contains_key("later_feature"));
    check(&granted);
    sqlx::query("INSERT INTO later_feature (note) VALUES ('x')")
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_embedded_database_from_before_the_roles_is_handed_to_the_owner() {
    // What a data directory made before this change holds: a database and
    // everything in it owned by the cluster's superuser, which migrated it.
    let cluster = cluster();
    let name = database_name();
    let mut admin = cluster
        .pg
        .superuser_options("postgres")
        .connect()
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    let legacy = pool(cluster.pg.superuser_options(&name), 1).await.unwrap();
    app::server::MIGRATOR.run(&legacy).await.unwrap();
    legacy.close().await;

    // The start-up path of `roster serve` on the embedded cluster.
    ensure_database(&cluster.pg, &name).await.unwrap();
    let owner = pool(cluster.roles.owner_options(&cluster.pg, &name), 1)
        .await
        .unwrap();
    app::server::MIGRATOR.run(&owner).await.unwrap();
    let runtime = pool(cluster.roles.runtime_options(&cluster.pg, &name), 1)
        .await
        .unwrap();
    secure_runtime(&owner, &runtime).await.unwrap();

    let not_owned: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> $1::regrole
         UNION ALL
         SELECT p.proname::text FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> $1::regrole
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                           AND d.objid = p.oid AND d.deptype = 'e')
         UNION ALL
         SELECT datname::text FROM pg_database
         WHERE datname = current_database() AND datdba <> $1::regrole",
    )
    .bind(OWNER_ROLE)
    .fetch_all(&owner)
    .await
    .unwrap();
    assert_eq!(not_owned, Vec::<String>::new());
    sqlx::query("INSERT INTO audit_events (action) VALUES ('test.appended')")
        .execute(&runtime)
        .await
        .unwrap();
    assert_eq!(
        refusal(&runtime, "DELETE FROM audit_events").await,
        INSUFFICIENT_PRIVILEGE
    );
    // Handing over again finds nothing to do.
    ensure_database(&cluster.pg, &name).await.unwrap();
    runtime.close().await;
    owner.close().await;
}

/// `roster serve` on an external PostgreSQL: DATABASE_MIGRATION_URL
/// migrates and grants, DATABASE_URL serves; with DATABASE_URL alone (the
/// owner), the server warns that the audit trail is not protected.
#[test]
fn an_external_database_is_migrated_by_its_owner_and_served_by_another_role() {
    let cluster = cluster();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let name = database_name();
    runtime.block_on(async {
        let mut admin = cluster
            .pg
            .superuser_options("postgres")
            .connect()
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE \"{name}\" OWNER {OWNER_ROLE}"))
            .execute(&mut admin)
            .await
            .unwrap();
    });
    let owner_url = cluster.roles.owner_url(&cluster.pg, &name);
    let runtime_url = cluster.roles.runtime_url(&cluster.pg, &name);
    let dir = data_dir("external");
    // With an external database the sealing key must be named: it lives
    // apart from the database (and from a data directory that a container
    // may not keep).
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("secret.key");
    std::fs::write(&key, [7u8; 32]).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let key = key.to_str().unwrap();

    let mut server = start_with_env(
        &dir,
        &[],
        &[
            ("DATABASE_URL", runtime_url.as_str()),
            ("DATABASE_MIGRATION_URL", owner_url.as_str()),
            ("ROSTER_SECRET_KEY_FILE", key),
        ],
    );
    let output = server.wait_for("roster: serving at").join("\n");
    assert!(!output.contains("not protected"), "{output}");
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    assert!(!dir.join("pg").exists(), "no embedded cluster");
    let (serving_as, refused) = runtime.block_on(async {
        let runtime_pool = pool(cluster.roles.runtime_options(&cluster.pg, &name), 1)
            .await
            .unwrap();
        let serving_as = listener_role(&runtime_pool).await;
        let refused = refusal(&runtime_pool, "DELETE FROM audit_events").await;
        runtime_pool.close().await;
        (serving_as, refused)
    });
    assert_eq!(serving_as, RUNTIME_ROLE, "the team listener's role");
    assert_eq!(refused, INSUFFICIENT_PRIVILEGE);
    signal(&server.child, "TERM");
    assert!(server.child.wait().unwrap().success());

    // One URL, the owner's: it serves, and says what that costs.
    let mut server = start_with_env(
        &dir,
        &[],
        &[
            ("DATABASE_URL", owner_url.as_str()),
            ("ROSTER_SECRET_KEY_FILE", key),
        ],
    );
    let output = server.wait_for("roster: serving at").join("\n");
    assert!(
        output.contains("the audit trail is not protected"),
        "{output}"
    );
    signal(&server.child, "TERM");
    assert!(server.child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The embedded cluster: the server makes both roles, the database belongs
/// to the owner, and the server's own connections are the other role's.
#[test]
fn the_embedded_server_serves_as_a_role_that_owns_nothing() {
    let dir = data_dir("roles");
    let mut server = start_with_env(&dir, &[], &[]);
    let output = server.wait_for("roster: serving at").join("\n");
    assert!(!output.contains("not protected"), "{output}");
    let password = std::fs::read_to_string(dir.join("pg-password")).unwrap();
    let options = sqlx::postgres::PgConnectOptions::new()
        .socket(dir.join("run"))
        .username(server::embedded_pg::SUPERUSER)
        .password(password.trim())
        .database(server::database::EMBEDDED_DATABASE);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (database_owner, listener, owned_by_others, owned_by_runtime) = runtime.block_on(async {
        let superuser = pool(options, 1).await.unwrap();
        let listener = listener_role(&superuser).await;
        let database_owner: String = sqlx::query_scalar(
            "SELECT pg_get_userbyid(datdba)::text FROM pg_database
                 WHERE datname = current_database()",
        )
        .fetch_one(&superuser)
        .await
        .unwrap();
        let owned_by = |op: &'static str| {
            format!(
                "SELECT count(*) FROM pg_class
                     WHERE relnamespace = 'public'::regnamespace AND relowner {op} $1::regrole"
            )
        };
        let owned_by_others: i64 = sqlx::query_scalar(&owned_by("<>"))
            .bind(OWNER_ROLE)
            .fetch_one(&superuser)
            .await
            .unwrap();
        let owned_by_runtime: i64 = sqlx::query_scalar(&owned_by("="))
            .bind(RUNTIME_ROLE)
            .fetch_one(&superuser)
            .await
            .unwrap();
        superuser.close().await;
        (database_owner, listener, owned_by_others, owned_by_runtime)
    });
    assert_eq!(database_owner, OWNER_ROLE);
    assert_eq!(listener, RUNTIME_ROLE);
    assert_eq!(owned_by_others, 0);
    assert_eq!(owned_by_runtime, 0);
    let pg = postmaster_pid(&dir);
    signal(&server.child, "TERM");
    assert!(server.child.wait().unwrap().success());
    assert!(wait_gone(pg));
    let _ = std::fs::remove_dir_all(&dir);
}
