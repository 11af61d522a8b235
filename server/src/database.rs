//! Connecting to PostgreSQL: the configured server, or the embedded cluster.

use crate::config::Config;
use crate::embedded_pg::{EmbeddedError, EmbeddedPostgres};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions as _, PgPool};
use std::str::FromStr as _;
use std::time::Duration;

/// The application database's name inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "roster";

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("embedded database: {0}")]
    Embedded(#[from] EmbeddedError),
    #[error("DATABASE_URL: {0}")]
    Url(sqlx::Error),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Where the data lives, and the embedded cluster if we started one.
pub struct Database {
    pub options: PgConnectOptions,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Uses `DATABASE_URL`, or starts the embedded cluster (synchronously:
    /// call this before the async runtime starts, or from a thread that may
    /// block).
    pub fn open(
        config: &Config,
        on_unexpected_exit: impl FnOnce() + Send + 'static,
    ) -> Result<Self, DatabaseError> {
        match &config.database_url {
            Some(url) => Ok(Self {
                options: PgConnectOptions::from_str(url.expose()).map_err(DatabaseError::Url)?,
                embedded: None,
            }),
            None => {
                let embedded = EmbeddedPostgres::start(&config.data_dir, on_unexpected_exit)?;
                Ok(Self {
                    options: embedded.connect_options(EMBEDDED_DATABASE),
                    embedded: Some(embedded),
                })
            }
        }
    }

    /// Creates the embedded cluster's database if needed, connects a pool
    /// and runs the migrations.
    pub async fn connect_and_migrate(&self, max_connections: u32) -> Result<PgPool, DatabaseError> {
        if let Some(embedded) = &self.embedded {
            ensure_database(embedded, EMBEDDED_DATABASE).await?;
        }
        let pool = pool(self.options.clone(), max_connections).await?;
        app::server::MIGRATOR.run(&pool).await?;
        Ok(pool)
    }

    pub fn stop(&self) {
        if let Some(embedded) = &self.embedded {
            embedded.stop();
        }
    }
}

pub async fn pool(options: PgConnectOptions, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
}

/// Creates `name` in the embedded cluster unless it exists.
pub async fn ensure_database(embedded: &EmbeddedPostgres, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = embedded.connect_options("postgres").connect().await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        // Identifiers cannot be bound; `name` is ours, and quoted.
        sqlx::query(&format!(
            "CREATE DATABASE \"{}\"",
            name.replace('"', "\"\"")
        ))
        .execute(&mut conn)
        .await?;
    }
    Ok(())
}
