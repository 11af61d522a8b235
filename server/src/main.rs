//! `roster`: the server binary.
//!
//! ```text
//! roster [serve]          serve Roster (the default)
//! roster migrate          apply database migrations and exit
//! roster with-db -- CMD   run CMD with DATABASE_URL set to a migrated database
//! roster create-org --name NAME --owner-email EMAIL
//!                         create an organisation and print its owner's invitation link
//! ```

use app::server::password::PasswordHasher;
use app::server::{AuthSettings, Links};
use server::application::{Application, Settings};
use server::config::Config;
use server::database::Database;
use server::mailer::{Transport, WorkerSettings};
use std::process::ExitCode;

const USAGE: &str = "usage: roster [serve | migrate | with-db -- COMMAND [ARGS...] | create-org --name NAME --owner-email EMAIL]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "help" | "--help" | "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("roster: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log_filter))
        .with_target(false)
        .init();

    let result = match command {
        "serve" => serve(config),
        "migrate" => migrate(config),
        "with-db" => with_db(config, &args[1..]),
        "create-org" => create_org(config, &args[1..]),
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("roster: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// Opens the database before the runtime starts: the embedded cluster is
/// started synchronously, from its own long-lived thread.
fn open_database(config: &Config) -> Result<Database, String> {
    if config.database_url.is_none() {
        println!(
            "roster: starting the embedded PostgreSQL in {}",
            config.data_dir.display()
        );
    }
    Database::open(config, || {
        eprintln!("roster: the embedded PostgreSQL stopped unexpectedly; stopping");
        std::process::exit(70);
    })
    .map_err(|e| e.to_string())
}

/// Creates the database if needed and applies the migrations.
fn apply_migrations(db: &Database) -> Result<(), String> {
    runtime()?.block_on(async {
        let pool = db.connect_and_migrate(2).await.map_err(|e| e.to_string())?;
        pool.close().await;
        Ok(())
    })
}

fn migrate(config: Config) -> Result<ExitCode, String> {
    let db = open_database(&config)?;
    let result = apply_migrations(&db);
    db.stop();
    result?;
    println!("roster: migrations applied");
    Ok(ExitCode::SUCCESS)
}

fn with_db(config: Config, args: &[String]) -> Result<ExitCode, String> {
    let args = args.strip_prefix(&["--".to_string()]).unwrap_or(args);
    let (program, rest) = args.split_first().ok_or(USAGE)?;
    let db = open_database(&config)?;
    let result = apply_migrations(&db);
    let status = result.and_then(|()| {
        let url = match (&db.embedded, &config.database_url) {
            (Some(embedded), _) => embedded.url(server::database::EMBEDDED_DATABASE),
            (None, Some(url)) => url.expose().to_string(),
            (None, None) => return Err("no database".to_string()),
        };
        std::process::Command::new(program)
            .args(rest)
            .env("DATABASE_URL", url)
            .status()
            .map_err(|e| format!("{program}: {e}"))
    });
    db.stop();
    let status = status?;
    Ok(ExitCode::from(
        u8::try_from(status.code().unwrap_or(1)).unwrap_or(1),
    ))
}

/// The value after `--flag` in `args`.
fn flag<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn create_org(config: Config, args: &[String]) -> Result<ExitCode, String> {
    let (Some(name), Some(email)) = (flag(args, "--name"), flag(args, "--owner-email")) else {
        return Err(USAGE.to_string());
    };
    let db = open_database(&config)?;
    let links = Links::new(&config.public_base_url);
    let result = runtime()?.block_on(async {
        let pool = db.connect_and_migrate(2).await.map_err(|e| e.to_string())?;
        let link = app::server::invitations::create_organisation_with_owner_invitation(
            &pool, &links, name, email,
        )
        .await
        .map_err(|e| match e {
            app::server::ServerError::App(app) => app.to_string(),
            other => other.to_string(),
        });
        pool.close().await;
        link
    });
    db.stop();
    let link = result?;
    println!("roster: created the organisation {name:?}.");
    println!("Send this link to {email}; it makes them the owner and works for 48 hours:");
    println!("{link}");
    Ok(ExitCode::SUCCESS)
}

fn serve(config: Config) -> Result<ExitCode, String> {
    let leptos_conf =
        leptos::config::get_configuration(Some(&config.leptos_toml.to_string_lossy()))
            .map_err(|e| format!("ROSTER_LEPTOS_TOML={}: {e}", config.leptos_toml.display()))?;
    let leptos_options = leptos_conf.leptos_options;
    let addr = leptos_options.site_addr;

    let db = open_database(&config)?;
    let runtime = runtime()?;
    let result = runtime.block_on(async {
        let pool = db
            .connect_and_migrate(20)
            .await
            .map_err(|e| e.to_string())?;
        let demo = app::server::seed::seed_demo_if_empty(&pool)
            .await
            .map_err(|e| e.to_string())?;
        let hasher = PasswordHasher::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
        .map_err(|e| e.to_string())?;
        let auth = AuthSettings {
            secure_cookies: config.is_https(),
            session_idle: config.session_idle,
            session_absolute: config.session_absolute,
            ..AuthSettings::default()
        };
        let transport = Transport::from_config(&config.mail)?;
        let from = config
            .mail_from
            .parse()
            .map_err(|e| format!("ROSTER_MAIL_FROM: {e}"))?;
        let dev_mailbox = transport.dev_mailbox().is_some();
        let application = Application::build(
            pool.clone(),
            Settings {
                leptos_options,
                public_base_url: config.public_base_url.clone(),
                auth,
                hasher,
                transport,
                worker: WorkerSettings::new(from),
            },
        );
        // Handlers first: a signal that arrives once we say we are serving
        // must shut down in order, not kill the process.
        let shutdown = shutdown_signal().map_err(|e| format!("signal handlers: {e}"))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        println!(
            "roster: serving at {} (listening on {addr})",
            config.public_base_url
        );
        if dev_mailbox {
            println!(
                "roster: emails are not sent (ROSTER_MAIL=dev-mailbox); read them at {}/dev/mailbox",
                config.public_base_url
            );
        }
        if let Some(demo) = demo {
            println!();
            println!(
                "  Created the demo organisation \"Demo Co\". Sign in at {}/login as:",
                config.public_base_url
            );
            println!("    email:    {}", demo.email);
            println!("    password: {}", demo.password);
            println!("  This password is shown only once.");
            println!();
        }
        application
            .serve(listener, shutdown)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        Ok::<_, String>(())
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    db.stop();
    result.map(|()| {
        println!("roster: stopped");
        ExitCode::SUCCESS
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when
/// this is called, not when the future is first polled.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        println!("roster: shutting down");
    })
}
