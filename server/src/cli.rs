//! The command line of the `roster` binary (`main.rs`) and of the test
//! build with the Playwright suite's hooks (`bin/roster-test-hooks`).
//!
//! ```text
//! roster [serve [--demo]] serve Roster (the default); --demo creates the
//!                         demo organisation on an empty embedded database
//! roster migrate          apply database migrations and exit
//! roster with-db -- CMD   run CMD with DATABASE_URL set to a migrated database,
//!                         as the role that owns it
//! roster create-org --name NAME --owner-email EMAIL
//!                         create an organisation and print its owner's invitation link
//! roster account reset-two-factor EMAIL
//!                         remove an account's authenticator and recovery codes
//!                         (for someone who lost both) and end its sessions
//! roster assets SITE_ROOT [INVITEE_PKG_DIR]
//!                         name the built browser files by content and compress
//!                         them (the build runs this after `cargo xtask site`)
//! ```

use crate::application::{Application, Settings};
use crate::config::Config;
use crate::database::Database;
use crate::http::TestHooks;
use crate::mailer::{Transport, WorkerSettings};
use app::server::password::PasswordHasher;
use app::server::{AuthSettings, Links};
use std::process::ExitCode;

const USAGE: &str = "usage: roster [serve [--demo] | migrate | with-db -- COMMAND [ARGS...] | create-org --name NAME --owner-email EMAIL | account reset-two-factor EMAIL | assets SITE_ROOT [INVITEE_PKG_DIR]]";

/// Runs the command in the process's arguments. `test_hooks` is the test
/// build's extra routes; `roster` passes none.
pub fn main(test_hooks: Option<TestHooks>) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "help" | "--help" | "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    // A build step: needs no configuration, database or test-hook consent.
    if command == "assets" {
        return match &args[1..] {
            [site] => crate::assets::prepare(site.as_ref(), None),
            [site, invitee] => crate::assets::prepare(site.as_ref(), Some(invitee.as_ref())),
            _ => Err(USAGE.to_string()),
        }
        .map_or_else(
            |message| {
                eprintln!("roster assets: {message}");
                ExitCode::FAILURE
            },
            |()| ExitCode::SUCCESS,
        );
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
        "serve" => match &args.get(1..).unwrap_or_default() {
            [] => serve(config, false, test_hooks),
            [flag] if flag == "--demo" => serve(config, true, test_hooks),
            _ => Err(USAGE.to_string()),
        },
        "migrate" => migrate(config),
        "with-db" => with_db(config, &args[1..]),
        "create-org" => create_org(config, &args[1..]),
        "account" => match &args[1..] {
            [verb, email] if verb == "reset-two-factor" => reset_two_factor(config, email),
            _ => Err(USAGE.to_string()),
        },
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
    let log = config.data_dir.join("postgres.log");
    Database::open(config, move || {
        eprintln!(
            "roster: the embedded PostgreSQL stopped and could not be started again; see {}. Stopping.",
            log.display()
        );
        std::process::exit(70);
    })
    .map_err(|e| e.to_string())
}

/// The key authenticator secrets are sealed with. A named file is read
/// before the database is touched, so a missing or unsafe key stops the
/// server at once; the embedded mode's default is made under the data
/// directory at first start, once the database has made that directory.
enum SealingKeySource {
    Ready(app::server::sealing::SealingKey),
    MakeAt(std::path::PathBuf),
}

fn sealing_key(config: &Config) -> Result<SealingKeySource, String> {
    use app::server::sealing::SealingKey;
    let (path, may_create) = config
        .secret_key_path()
        .map_err(|e| format!("configuration error: {e}"))?;
    if may_create {
        return Ok(SealingKeySource::MakeAt(path));
    }
    SealingKey::read(&path)
        .map(SealingKeySource::Ready)
        .map_err(|e| format!("ROSTER_SECRET_KEY_FILE: {e}"))
}

impl SealingKeySource {
    fn get(self) -> Result<app::server::sealing::SealingKey, String> {
        match self {
            Self::Ready(key) => Ok(key),
            Self::MakeAt(path) => app::server::sealing::SealingKey::read_or_create(&path)
                .map_err(|e| format!("ROSTER_SECRET_KEY_FILE: {e}")),
        }
    }
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
    // As the owner: tools such as sqlx's macros describe the schema
    // and may migrate it.
    let status = result.and_then(|()| {
        std::process::Command::new(program)
            .args(rest)
            .env("DATABASE_URL", db.owner_url().expose())
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
    // The email it queues is sealed with the key the server opens it with.
    let sealing = sealing_key(&config)?;
    let db = open_database(&config)?;
    let links = match sealing.get() {
        Ok(key) => Links::new(&config.public_base_url, key),
        Err(e) => {
            db.stop();
            return Err(e);
        }
    };
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

fn reset_two_factor(config: Config, email: &str) -> Result<ExitCode, String> {
    // The email it queues is sealed with the key the server opens it with.
    let sealing = sealing_key(&config)?;
    let db = open_database(&config)?;
    let links = match sealing.get() {
        Ok(key) => Links::new(&config.public_base_url, key),
        Err(e) => {
            db.stop();
            return Err(e);
        }
    };
    let result = runtime()?.block_on(async {
        let pool = db.connect_and_migrate(2).await.map_err(|e| e.to_string())?;
        let reset = app::server::two_factor::operator_reset(&pool, &links, email)
            .await
            .map_err(|e| match e {
                app::server::ServerError::App(app) => app.to_string(),
                other => other.to_string(),
            });
        pool.close().await;
        reset
    });
    db.stop();
    let reset = result?;
    println!(
        "roster: removed the authenticator app and recovery codes of {} ({email}) and ended {} session(s); they were told by email and can sign in with their password.",
        reset.name, reset.sessions_ended
    );
    Ok(ExitCode::SUCCESS)
}

/// The build with the Playwright suite's hooks serves only when the test
/// command says so, so that it is never a deployment by mistake.
fn refuse_test_build(test_hooks: Option<TestHooks>) -> Result<(), String> {
    if test_hooks.is_some() && std::env::var("ROSTER_TEST_HOOKS").as_deref() != Ok("1") {
        return Err("roster-test-hooks is the test build (it has the Playwright suite's hooks) and serves only under the test command (ROSTER_TEST_HOOKS=1); serve Roster with the roster binary".to_string());
    }
    Ok(())
}

/// The demo organisation is for trying Roster on one machine: never on a
/// database of one's own or at an https address.
fn check_demo(config: &Config) -> Result<(), String> {
    if config.database_url.is_some() {
        return Err(
            "--demo is refused with DATABASE_URL: the demo is for the embedded database"
                .to_string(),
        );
    }
    if config.is_https() {
        return Err(
            "--demo is refused with an https PUBLIC_BASE_URL: the demo is not for deployments"
                .to_string(),
        );
    }
    Ok(())
}

/// Writes the demo owner's sign-in to `demo-owner.txt` in the data
/// directory, readable by its owner only, and returns its path. The
/// password goes to no log.
fn write_demo_credentials(
    config: &Config,
    demo: &app::server::seed::DemoCredentials,
) -> Result<std::path::PathBuf, String> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let path = config.data_dir.join("demo-owner.txt");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writeln!(
        file,
        "Roster demo: sign in at {}/login\nemail:    {}\npassword: {}",
        config.public_base_url, demo.email, demo.password
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn serve(config: Config, demo: bool, test_hooks: Option<TestHooks>) -> Result<ExitCode, String> {
    refuse_test_build(test_hooks)?;
    if demo {
        check_demo(&config)?;
    }
    let leptos_conf =
        leptos::config::get_configuration(Some(&config.leptos_toml.to_string_lossy()))
            .map_err(|e| format!("ROSTER_LEPTOS_TOML={}: {e}", config.leptos_toml.display()))?;
    let leptos_options = leptos_conf.leptos_options;
    let addr = leptos_options.site_addr;
    config
        .check_dev_mailbox(addr)
        .map_err(|e| format!("configuration error: {e}"))?;

    let sealing = sealing_key(&config)?;
    let db = open_database(&config)?;
    let runtime = runtime()?;
    let result = runtime.block_on(async {
        let pool = db
            .connect_and_migrate(config.database_pool_size)
            .await
            .map_err(|e| e.to_string())?;
        let demo = if demo {
            app::server::seed::seed_demo_if_empty(&pool)
                .await
                .map_err(|e| e.to_string())?
        } else {
            None
        };
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
        let sealing = sealing.get()?;
        let transport = Transport::from_config(&config.mail)?;
        let from = config
            .mail_from
            .parse()
            .map_err(|e| format!("ROSTER_MAIL_FROM: {e}"))?;
        let mail_note = match &transport {
            None => Some(
                "roster: no mail is configured (ROSTER_MAIL): emails wait in the outbox until it is; /healthz?detail counts them".to_string(),
            ),
            Some(Transport::DevMailbox(_)) => Some(format!(
                "roster: emails are not sent (ROSTER_MAIL=dev-mailbox); read them at {}/dev/mailbox",
                config.public_base_url
            )),
            Some(Transport::Smtp(_)) => None,
        };
        let application = Application::build(
            pool.clone(),
            Settings {
                leptos_options,
                public_base_url: config.public_base_url.clone(),
                auth,
                hasher,
                transport,
                worker: WorkerSettings::new(from),
                client_addresses: config.client_addresses.clone(),
                sealing,
                clock: app::server::clock::Clock::system(),
            },
        );
        // Handlers first: a signal that arrives once we say we are serving
        // must shut down in order, not kill the process.
        let shutdown = shutdown_signal().map_err(|e| format!("signal handlers: {e}"))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        if let Some(note) = mail_note {
            println!("{note}");
        }
        if let Some(demo) = demo {
            let path = write_demo_credentials(&config, &demo)?;
            println!();
            println!(
                "  Created the demo organisation \"Demo Co\". Its owner's email and password are in {}",
                path.display()
            );
            println!();
        }
        // Last: scripts and tests take this line to mean "ready".
        println!(
            "roster: serving at {} (listening on {addr})",
            config.public_base_url
        );
        application
            .serve_with(listener, shutdown, test_hooks)
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
