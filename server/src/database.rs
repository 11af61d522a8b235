//! Connecting to PostgreSQL: the configured server, or the embedded cluster.
//!
//! Two roles, so that the server cannot rewrite history: migrations run as
//! the role that owns the schema (`DATABASE_MIGRATION_URL`, falling back to
//! `DATABASE_URL`), and the server serves as a role that owns nothing and
//! holds only the privileges [`grant_runtime`] gives it. In particular it may
//! only insert and read `audit_events`, and, not owning the table, it cannot
//! alter or disable the trigger that keeps the trail append-only.
//!
//! The embedded cluster makes both roles itself ([`EmbeddedRoles`]):
//! [`OWNER_ROLE`] owns the `roster` database and everything in it,
//! [`RUNTIME_ROLE`] is what the server connects as.

use crate::config::{Config, Secret};
use crate::embedded_pg::{EmbeddedError, EmbeddedPostgres};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions as _, Connection as _, PgConnection, PgPool};
use std::str::FromStr as _;
use std::time::Duration;

/// The application database's name inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "roster";
/// The embedded cluster's role that owns the database and runs migrations.
pub const OWNER_ROLE: &str = "roster_owner";
/// The embedded cluster's role the server serves as: it owns nothing.
pub const RUNTIME_ROLE: &str = "roster_app";

/// Serialises [`grant_runtime`] between server processes starting at once
/// (concurrent GRANTs on one table fail with "tuple concurrently updated").
const GRANT_LOCK: i64 = 7_302;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("embedded database: {0}")]
    Embedded(#[from] EmbeddedError),
    #[error("{variable}: {source}")]
    Url {
        variable: &'static str,
        source: sqlx::Error,
    },
    #[error("database roles: {0}")]
    Roles(sqlx::Error),
    #[error("connecting as the schema's owner, to migrate: {0}")]
    ConnectOwner(sqlx::Error),
    #[error("connecting as the server's role: {0}")]
    ConnectRuntime(sqlx::Error),
    #[error("granting the server's role its privileges: {0}")]
    Grants(sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Where the data lives, as whom to migrate and serve, and the embedded
/// cluster if we started one.
pub struct Database {
    owner: PgConnectOptions,
    owner_url: Secret,
    runtime: PgConnectOptions,
    embedded: Option<(EmbeddedPostgres, EmbeddedRoles)>,
}

impl Database {
    /// Uses `DATABASE_URL` (and `DATABASE_MIGRATION_URL`), or starts the
    /// embedded cluster (synchronously: call this before the async runtime
    /// starts, or from a thread that may block).
    pub fn open(
        config: &Config,
        on_unexpected_exit: impl FnOnce() + Send + 'static,
    ) -> Result<Self, DatabaseError> {
        let parse = |variable: &'static str, url: &Secret| {
            PgConnectOptions::from_str(url.expose())
                .map_err(|source| DatabaseError::Url { variable, source })
        };
        match &config.database_url {
            Some(url) => {
                let (owner_variable, owner_url) = match &config.database_migration_url {
                    Some(owner_url) => ("DATABASE_MIGRATION_URL", owner_url),
                    None => ("DATABASE_URL", url),
                };
                Ok(Self {
                    owner: parse(owner_variable, owner_url)?,
                    owner_url: owner_url.clone(),
                    runtime: parse("DATABASE_URL", url)?,
                    embedded: None,
                })
            }
            None => {
                let embedded = EmbeddedPostgres::start(&config.data_dir, on_unexpected_exit)?;
                let roles = EmbeddedRoles::new();
                Ok(Self {
                    owner: roles.owner_options(&embedded, EMBEDDED_DATABASE),
                    owner_url: Secret::new(roles.owner_url(&embedded, EMBEDDED_DATABASE)),
                    runtime: roles.runtime_options(&embedded, EMBEDDED_DATABASE),
                    embedded: Some((embedded, roles)),
                })
            }
        }
    }

    /// Prepares the database and returns the pool the server serves with:
    /// on the embedded cluster, makes the roles and the database (owned by
    /// [`OWNER_ROLE`]); then runs the migrations as the owner, and grants the
    /// server's role its privileges ([`secure_runtime`]).
    pub async fn connect_and_migrate(&self, max_connections: u32) -> Result<PgPool, DatabaseError> {
        if let Some((embedded, roles)) = &self.embedded {
            roles.ensure(embedded).await.map_err(DatabaseError::Roles)?;
            ensure_database(embedded, EMBEDDED_DATABASE)
                .await
                .map_err(DatabaseError::Roles)?;
        }
        let owner = pool(self.owner.clone(), 2)
            .await
            .map_err(DatabaseError::ConnectOwner)?;
        app::server::MIGRATOR.run(&owner).await?;
        let runtime = pool(self.runtime.clone(), max_connections)
            .await
            .map_err(DatabaseError::ConnectRuntime)?;
        let secured = secure_runtime(&owner, &runtime).await;
        owner.close().await;
        secured.map_err(DatabaseError::Grants)?;
        Ok(runtime)
    }

    /// A `postgres://` URL as the owner, for tools that migrate or inspect
    /// the schema (`roster with-db`). It carries a password.
    pub fn owner_url(&self) -> &Secret {
        &self.owner_url
    }

    pub fn stop(&self) {
        if let Some((embedded, _)) = &self.embedded {
            embedded.stop();
        }
    }
}

pub async fn pool(options: PgConnectOptions, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection when it goes back to the pool (which
        // also clears whatever a cancelled query left behind); pinging it
        // again when it is taken out doubled the round trips of every
        // query: a signed-in /team render served 958 requests/s with it
        // and 1,092 without (`scripts/bench render`). A connection that broke
        // while idle fails the one query that gets it and is then closed,
        // and connections are replaced after `max_lifetime` anyway.
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// The embedded cluster's [`OWNER_ROLE`] and [`RUNTIME_ROLE`], with
/// passwords made new at every start and kept in memory only: nothing but
/// this process connects as them (the cluster's socket is private to its
/// user anyway), and a password that leaks stops working at the next start.
pub struct EmbeddedRoles {
    owner_password: Secret,
    runtime_password: Secret,
}

impl Default for EmbeddedRoles {
    fn default() -> Self {
        Self::new()
    }
}

impl EmbeddedRoles {
    pub fn new() -> Self {
        Self {
            owner_password: Secret::new(crate::embedded_pg::new_password()),
            runtime_password: Secret::new(crate::embedded_pg::new_password()),
        }
    }

    /// As the cluster's superuser: creates both roles unless they exist, and
    /// (again at every start) sets what they may do and their passwords.
    /// Neither is a superuser or may create databases, roles or bypass
    /// row security, and the runtime role is no member of the owner role.
    pub async fn ensure(&self, embedded: &EmbeddedPostgres) -> Result<(), sqlx::Error> {
        let mut conn = embedded.superuser_options("postgres").connect().await?;
        for (role, password) in [
            (OWNER_ROLE, &self.owner_password),
            (RUNTIME_ROLE, &self.runtime_password),
        ] {
            // Identifiers and passwords cannot be bound: the names are our
            // constants, the passwords URL-safe base64; both are quoted.
            // Another process may create the role at the same moment.
            let role = quote_ident(role);
            sqlx::query(&format!(
                "DO $$ BEGIN CREATE ROLE {role}; \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            ))
            .execute(&mut conn)
            .await?;
            sqlx::query(&format!(
                "ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE \
                 NOREPLICATION NOBYPASSRLS PASSWORD {}",
                quote_literal(password.expose())
            ))
            .execute(&mut conn)
            .await?;
        }
        // A runtime role inside the owner role would inherit its ownership.
        sqlx::query(&format!(
            "DO $$ BEGIN IF pg_has_role({runtime}, {owner}, 'MEMBER') THEN \
             REVOKE {owner_ident} FROM {runtime_ident}; END IF; END $$",
            runtime = quote_literal(RUNTIME_ROLE),
            owner = quote_literal(OWNER_ROLE),
            owner_ident = quote_ident(OWNER_ROLE),
            runtime_ident = quote_ident(RUNTIME_ROLE),
        ))
        .execute(&mut conn)
        .await?;
        conn.close().await
    }

    pub fn owner_options(&self, embedded: &EmbeddedPostgres, database: &str) -> PgConnectOptions {
        embedded.role_options(OWNER_ROLE, self.owner_password.expose(), database)
    }

    pub fn runtime_options(&self, embedded: &EmbeddedPostgres, database: &str) -> PgConnectOptions {
        embedded.role_options(RUNTIME_ROLE, self.runtime_password.expose(), database)
    }

    pub fn owner_url(&self, embedded: &EmbeddedPostgres, database: &str) -> String {
        embedded.role_url(OWNER_ROLE, self.owner_password.expose(), database)
    }

    pub fn runtime_url(&self, embedded: &EmbeddedPostgres, database: &str) -> String {
        embedded.role_url(RUNTIME_ROLE, self.runtime_password.expose(), database)
    }
}

/// As the embedded cluster's superuser: creates `name` owned by
/// [`OWNER_ROLE`] unless it exists, and otherwise hands it and everything in
/// its `public` schema to that role. A data directory from before the two
/// roles has all of it owned by the superuser; this adopts it, once (later
/// starts find nothing to change). Objects of extensions stay as they are.
pub async fn ensure_database(embedded: &EmbeddedPostgres, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = embedded.superuser_options("postgres").connect().await?;
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1",
    )
    .bind(name)
    .fetch_optional(&mut conn)
    .await?;
    // Identifiers cannot be bound; `name` is ours, and quoted.
    let database = quote_ident(name);
    let owner_role = quote_ident(OWNER_ROLE);
    match owner.as_deref() {
        None => {
            sqlx::query(&format!("CREATE DATABASE {database} OWNER {owner_role}"))
                .execute(&mut conn)
                .await?;
        }
        Some(OWNER_ROLE) => {}
        Some(_) => {
            sqlx::query(&format!("ALTER DATABASE {database} OWNER TO {owner_role}"))
                .execute(&mut conn)
                .await?;
        }
    }
    conn.close().await?;
    let mut conn = embedded.superuser_options(name).connect().await?;
    adopt_objects(&mut conn).await?;
    conn.close().await
}

/// Hands the `public` schema's tables, views, sequences, functions and types
/// to [`OWNER_ROLE`]. Sequences and indexes that belong to a table follow
/// it; objects that belong to an extension are left alone.
async fn adopt_objects(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let owner = quote_ident(OWNER_ROLE);
    let owner_literal = quote_literal(OWNER_ROLE);
    sqlx::query(&format!(
        r#"DO $adopt$
DECLARE
    owner oid := {owner_literal}::regrole;
    item record;
BEGIN
    -- PostgreSQL 15 gives `public` to pg_database_owner, which follows the
    -- database; older versions to the superuser.
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public') NOT IN
           (owner, coalesce(to_regrole('pg_database_owner')::oid, owner)) THEN
        ALTER SCHEMA public OWNER TO {owner};
    END IF;
    FOR item IN
        SELECT c.oid::regclass AS name,
               CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                              WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                              WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END AS kind
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> owner
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
          AND NOT EXISTS (SELECT FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype IN ('e', 'a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', item.kind, item.name, {owner_literal});
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> owner
          AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT FROM pg_depend d
                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                            AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.name, {owner_literal});
    END LOOP;
    FOR item IN
        SELECT t.oid::regtype AS name,
               CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> owner
          AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT FROM pg_depend d
                          WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                            AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', item.kind, item.name, {owner_literal});
    END LOOP;
END
$adopt$"#
    ))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Run after the migrations, at every start, with a pool for each role:
/// grants the server's role its privileges ([`grant_runtime`]), or, when
/// both pools are the same role, warns that the audit trail is not
/// protected. Also warns when the server's role could undo the grants
/// anyway: a superuser, a member of the owner role, or an owner of tables.
pub async fn secure_runtime(owner: &PgPool, runtime: &PgPool) -> Result<(), sqlx::Error> {
    let owner_role: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(owner)
        .await?;
    let (runtime_role, superuser, member_of_owner, owns): (String, bool, bool, i64) =
        sqlx::query_as(
            "SELECT current_user::text, r.rolsuper,
                    pg_has_role(current_user, $1::name, 'MEMBER'),
                    (SELECT count(*) FROM pg_class c
                     WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace)
             FROM pg_roles r WHERE r.rolname = current_user",
        )
        .bind(&owner_role)
        .fetch_one(runtime)
        .await?;
    if runtime_role == owner_role {
        tracing::warn!(
            role = %runtime_role,
            "the server runs as the role that owns the database (DATABASE_URL, with no other DATABASE_MIGRATION_URL), \
             so the audit trail is not protected: that role can alter, disable or delete it. \
             Set DATABASE_MIGRATION_URL to the owner and DATABASE_URL to a role that owns nothing (README: Database roles)"
        );
        return Ok(());
    }
    grant_runtime(owner, &runtime_role).await?;
    if superuser || member_of_owner || owns > 0 {
        tracing::warn!(
            role = %runtime_role,
            superuser,
            member_of_owner,
            tables_owned = owns,
            "the server's database role can override its grants, so the audit trail is not protected: \
             it should be no superuser, no member of the owner role, and own nothing (README: Database roles)"
        );
    }
    Ok(())
}

/// The one place that says what the server's role may do, applied by the
/// schema's owner (whose connection `owner` is) after every migration run.
/// Idempotent, and all in one transaction, so a concurrently running server
/// never sees a privilege missing:
///
/// - the `public` schema: USAGE only; nobody but its owner may CREATE in it;
/// - every table: SELECT, INSERT, UPDATE and DELETE, except `audit_events`
///   (SELECT and INSERT: the trail is append-only) and `_sqlx_migrations`
///   (nothing); never TRUNCATE, REFERENCES or TRIGGER;
/// - every sequence: USAGE and SELECT (serial ids);
/// - PUBLIC (every role) gets nothing on tables and sequences.
///
/// Functions keep PostgreSQL's default (EXECUTE for everyone): the app
/// calls only built-in ones, and triggers run without it.
pub async fn grant_runtime(owner: &PgPool, runtime_role: &str) -> Result<(), sqlx::Error> {
    let role = quote_ident(runtime_role);
    let mut tx = owner.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(GRANT_LOCK)
        .execute(&mut *tx)
        .await?;
    // Only the schema's owner can change who may create in it. In
    // PostgreSQL 15 and later PUBLIC may not anyway.
    let owns_schema: bool = sqlx::query_scalar(
        "SELECT pg_has_role(current_user, nspowner, 'USAGE')
         FROM pg_namespace WHERE nspname = 'public'",
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut statements = Vec::new();
    if owns_schema {
        statements.extend([
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC".to_string(),
            format!("REVOKE ALL ON SCHEMA public FROM {role}"),
            format!("GRANT USAGE ON SCHEMA public TO {role}"),
        ]);
    } else {
        tracing::warn!(
            "the migrating role does not own the schema `public`, so it cannot make sure that no other role may create objects in it"
        );
    }
    statements.extend([
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC".to_string(),
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC".to_string(),
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"),
        format!("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE ON TABLE public.audit_events FROM {role}"),
        format!("REVOKE ALL ON TABLE public._sqlx_migrations FROM {role}"),
    ]);
    for statement in statements {
        sqlx::query(&statement).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// `name` as a quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `value` as an SQL string literal (standard_conforming_strings is on).
fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(quote_ident("roster_app"), "\"roster_app\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
