//! Starting the real application against a fresh database.

use app::server::clock::Clock;
use app::server::password::PasswordHasher;
use app::server::sealing::SealingKey;
use app::server::state::BackgroundTasks;
use app::server::AuthSettings;
use app::wire::AppError;
use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};
use reqwest::StatusCode;
use server::application::{Application, Settings};
use server::config::{MailTransport, Secret};
use server::database::{ensure_database, pool, secure_runtime, EmbeddedRoles, OWNER_ROLE};
use server::embedded_pg::EmbeddedPostgres;
use server::http::client_address::ClientAddresses;
use server::mailer::{DevMailbox, Transport, WorkerSettings};
use sqlx::{ConnectOptions as _, PgPool};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const TEMPLATE: &str = "roster_template";

pub struct Cluster {
    pub pg: EmbeddedPostgres,
    /// Roles are cluster-wide: made once, used by every test database.
    pub roles: EmbeddedRoles,
    next_db: AtomicU32,
    hasher: PasswordHasher,
    /// One key for every test app, as one deployment has one.
    sealing: SealingKey,
}

/// The cluster shared by every test in this run, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        // Tests run inside tokio runtimes, which may not block on another:
        // set up from a plain thread.
        std::thread::spawn(start_cluster)
            .join()
            .expect("cluster set-up thread")
    })
}

fn start_cluster() -> Cluster {
    remove_stale_dirs();
    let dir = PathBuf::from(format!("/tmp/roster-it-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test cluster dir");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod test dir");
    let pg = EmbeddedPostgres::start(&dir, || eprintln!("test cluster stopped unexpectedly"))
        .expect("start test cluster");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let roles = EmbeddedRoles::new();
    // What `roster serve` does on the embedded cluster, once, on the
    // template that every test database is cloned from (with its owners
    // and grants).
    let hasher = runtime.block_on(async {
        roles.ensure(&pg).await.expect("database roles");
        ensure_database(&pg, TEMPLATE)
            .await
            .expect("create template");
        let owner = pool(roles.owner_options(&pg, TEMPLATE), 1)
            .await
            .expect("connect template as owner");
        app::server::MIGRATOR
            .run(&owner)
            .await
            .expect("migrate template");
        let runtime = pool(roles.runtime_options(&pg, TEMPLATE), 1)
            .await
            .expect("connect template as the server's role");
        secure_runtime(&owner, &runtime)
            .await
            .expect("grant the server's role");
        runtime.close().await;
        owner.close().await;
        PasswordHasher::new(2).expect("hasher")
    });
    Cluster {
        pg,
        roles,
        next_db: AtomicU32::new(0),
        hasher,
        sealing: SealingKey::generate().1,
    }
}

/// A database name no test has used in this run.
pub fn database_name() -> String {
    format!(
        "t{}_{}",
        std::process::id(),
        cluster().next_db.fetch_add(1, Ordering::SeqCst)
    )
}

/// Removes clusters left by earlier runs whose process is gone (their
/// postgres stopped with them).
fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name
            .strip_prefix("roster-it-")
            .and_then(|p| p.parse::<u32>().ok())
        {
            if !PathBuf::from(format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// A running application on its own database and port, with its outbox
/// worker.
pub struct TestApp {
    pub base: String,
    /// The server's own pool, as the role it serves with: what tests do
    /// through it, they do with the server's privileges.
    pub pool: PgPool,
    /// The same database as the role that owns it (what migrations run
    /// as), for what the server itself may not do: moving audit events in
    /// time, say. Connects on first use.
    pub owner_pool: PgPool,
    pub client: reqwest::Client,
    /// Where emails go unless the test chose SMTP.
    pub mailbox: DevMailbox,
    /// What the server takes as now for two-factor sign-in: the system's
    /// unless the test fixed it ([`TestApp::spawn_with_clock`]).
    pub clock: Clock,
    database: String,
    auth: Arc<AuthSettings>,
    background: BackgroundTasks,
    /// Kept so that the background tasks run until the test ends (or
    /// [`TestApp::shut_down`]).
    stop: tokio::sync::watch::Sender<bool>,
    served: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// Outbox settings that make a test wait milliseconds, not minutes.
pub fn fast_worker() -> WorkerSettings {
    let mut settings = WorkerSettings::new("Roster <roster@localhost>".parse().expect("from"));
    settings.poll = Duration::from_millis(50);
    settings.backoff_base = Duration::from_millis(100);
    settings.backoff_max = Duration::from_millis(400);
    settings
}

/// An organisation made for one test.
pub use app::server::seed::TestOrganisation;

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(AuthSettings::default()).await
    }

    /// With a clock the test moves by hand.
    pub async fn spawn_with_clock(clock: Clock) -> TestApp {
        let transport = Transport::DevMailbox(DevMailbox::default());
        Self::spawn_configured(
            AuthSettings::default(),
            Some(transport),
            fast_worker(),
            ClientAddresses::default(),
            clock,
        )
        .await
    }

    pub async fn spawn_with(auth: AuthSettings) -> TestApp {
        let transport = Transport::DevMailbox(DevMailbox::default());
        Self::spawn_full(auth, transport, fast_worker()).await
    }

    /// With no mail transport configured (the default deployment): emails
    /// wait in the outbox.
    pub async fn spawn_without_mail() -> TestApp {
        Self::spawn_configured(
            AuthSettings::default(),
            None,
            fast_worker(),
            ClientAddresses::default(),
            Clock::system(),
        )
        .await
    }

    /// The links and the sealing key the server makes and seals emails
    /// with.
    pub fn links(&self) -> app::server::Links {
        app::server::Links::new(&self.base, cluster().sealing.clone())
    }

    pub fn sealing(&self) -> SealingKey {
        cluster().sealing.clone()
    }

    /// With emails going to the SMTP server at `smtp_url`.
    pub async fn spawn_with_smtp(smtp_url: &str) -> TestApp {
        let transport = Transport::from_config(&MailTransport::Smtp {
            url: Secret::new(smtp_url),
        })
        .expect("smtp transport")
        .expect("a transport");
        Self::spawn_full(AuthSettings::default(), transport, fast_worker()).await
    }

    pub async fn spawn_full(
        auth: AuthSettings,
        transport: Transport,
        worker: WorkerSettings,
    ) -> TestApp {
        Self::spawn_configured(
            auth,
            Some(transport),
            worker,
            ClientAddresses::default(),
            Clock::system(),
        )
        .await
    }

    /// Behind the proxies `client_addresses` trusts (the test client is
    /// 127.0.0.1: trusting it makes every request come through a proxy).
    pub async fn spawn_behind_proxy(client_addresses: ClientAddresses) -> TestApp {
        let transport = Transport::DevMailbox(DevMailbox::default());
        Self::spawn_configured(
            AuthSettings::default(),
            Some(transport),
            fast_worker(),
            client_addresses,
            Clock::system(),
        )
        .await
    }

    async fn spawn_configured(
        auth: AuthSettings,
        transport: Option<Transport>,
        worker: WorkerSettings,
        client_addresses: ClientAddresses,
        clock: Clock,
    ) -> TestApp {
        let cluster = cluster();
        let name = database_name();
        let mut admin = cluster
            .pg
            .superuser_options("postgres")
            .connect()
            .await
            .expect("admin connection");
        sqlx::query(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE {TEMPLATE} OWNER {OWNER_ROLE}"
        ))
        .execute(&mut admin)
        .await
        .expect("create test database");
        let pool = pool(cluster.roles.runtime_options(&cluster.pg, &name), 5)
            .await
            .expect("connect test database");
        Self::start(name, pool, auth, transport, worker, client_addresses, clock).await
    }

    /// A second server process on this one's database (its own pool, port,
    /// outbox worker and team listener), as in a deployment with several.
    pub async fn another_process(&self) -> TestApp {
        let cluster = cluster();
        let pool = pool(
            cluster.roles.runtime_options(&cluster.pg, &self.database),
            5,
        )
        .await
        .expect("connect test database");
        let transport = Transport::DevMailbox(DevMailbox::default());
        Self::start(
            self.database.clone(),
            pool,
            (*self.auth).clone(),
            Some(transport),
            fast_worker(),
            ClientAddresses::default(),
            self.clock.clone(),
        )
        .await
    }

    async fn start(
        database: String,
        pool: PgPool,
        auth: AuthSettings,
        transport: Option<Transport>,
        worker: WorkerSettings,
        client_addresses: ClientAddresses,
        clock: Clock,
    ) -> TestApp {
        let cluster = cluster();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let leptos_toml = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");
        let mut leptos_options = leptos::config::get_configuration(Some(leptos_toml))
            .expect("Leptos.toml")
            .leptos_options;
        leptos_options.site_addr = addr;
        let mailbox = transport
            .as_ref()
            .and_then(Transport::dev_mailbox)
            .cloned()
            .unwrap_or_default();
        let owner_pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect_lazy_with(cluster.roles.owner_options(&cluster.pg, &database));
        let application = Application::build(
            pool.clone(),
            Settings {
                leptos_options,
                public_base_url: base.clone(),
                auth: auth.clone(),
                hasher: cluster.hasher.clone(),
                transport,
                worker,
                client_addresses,
                sealing: cluster.sealing.clone(),
                clock: clock.clone(),
            },
        );
        let auth = application.state.app.auth.clone();
        let background = application.state.app.background.clone();
        // Turned true by `shut_down`, or never: the server and its workers
        // then end with the test's runtime.
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let served = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            let _ = application.serve(listener, shutdown).await;
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base,
            pool,
            owner_pool,
            client,
            mailbox,
            clock,
            database,
            auth,
            background,
            stop,
            served: tokio::sync::Mutex::new(Some(served)),
        }
    }

    /// Shuts the server down as SIGTERM does (graceful: open responses
    /// end first) and returns once it has stopped serving.
    pub async fn shut_down(&self) {
        self.stop.send_replace(true);
        if let Some(served) = self.served.lock().await.take() {
            let _ = served.await;
        }
    }

    /// Returns once the work that requests started in the background (a
    /// "Forgot password?" lookup and email) has ended.
    pub async fn background_done(&self) {
        tokio::time::timeout(Duration::from_secs(10), self.background.idle())
            .await
            .expect("background work ends in time");
    }

    pub async fn organisation(&self) -> TestOrganisation {
        app::server::seed::create_test_organisation(&self.pool)
            .await
            .expect("test organisation")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The body of a GET of `path`, signed out.
    pub async fn get_text(&self, path: &str) -> String {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        response.text().await.unwrap()
    }

    /// Calls a server function the way the browser does (a same-origin
    /// form POST), with `cookie` as the session if given.
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> ApiResponse {
        let cookie = cookie.map(|c| format!("roster_session={c}"));
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("cookie", c.as_str())).collect();
        self.call_with(endpoint, form, &headers).await
    }

    /// Calls a server function as [`Self::call`] does, with `headers`
    /// (a whole `cookie` header, a proxy's `x-forwarded-for`) added.
    pub async fn call_with(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> ApiResponse {
        let mut request = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("sec-fetch-site", "same-origin")
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("body");
        ApiResponse {
            status,
            headers,
            body,
        }
    }

    /// Calls sign-in, whatever the answer: for tests of refusals.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> ApiResponse {
        self.call(
            "sign_in",
            &[("email", email), ("password", password), ("next", "")],
            None,
        )
        .await
    }

    /// Signs in and returns the session token from the cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self.try_sign_in(email, password).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "sign-in failed: {}",
            response.body
        );
        response.session_cookie().expect("session cookie")
    }

    /// Fails unless no row of any table holds `token` or a link with a
    /// token in it: secrets are stored only as hashes, and emails lose
    /// their bodies once sent. Reads as the owner, who may read every
    /// table.
    pub async fn assert_no_table_holds(&self, token: &str) {
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&self.owner_pool)
                .await
                .unwrap();
        assert!(tables.len() >= 10, "{tables:?}");
        for table in tables {
            let dump: Vec<String> =
                sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM \"{table}\" t"))
                    .fetch_all(&self.owner_pool)
                    .await
                    .unwrap();
            for row in dump {
                assert!(!row.contains(token), "{table} holds the token: {row}");
                assert!(!row.contains("token="), "{table} holds a link: {row}");
            }
        }
    }

    pub async fn list_team(&self, organisation: &str, cookie: Option<&str>) -> ApiResponse {
        self.call("team/list", &[("organisation_id", organisation)], cookie)
            .await
    }
}

pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl ApiResponse {
    /// The error a server function answered with.
    pub fn error(&self) -> AppError {
        let answer: serde_json::Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not an error's answer ({e}): {}", self.body));
        let error: AppError = serde_json::from_value(answer["error"].clone())
            .unwrap_or_else(|e| panic!("not an AppError ({e}): {}", self.body));
        // How it reads travels with it, for the pages that only show it.
        assert_eq!(answer["message"], error.to_string(), "{}", self.body);
        assert_eq!(answer["field"].as_str(), error.field(), "{}", self.body);
        error
    }

    /// The refusal a server function answered with (409 Conflict): which
    /// rule, by variant, never by its text.
    pub fn refusal(&self) -> app::domain::Refusal {
        assert_eq!(
            self.status,
            StatusCode::CONFLICT,
            "expected a refusal: {}",
            self.body
        );
        match self.error() {
            AppError::Refused(refusal) => refusal,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("unexpected body ({e}): {}", self.body))
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v: &HeaderValue| v.to_str().ok())
            .map(String::from)
            .collect()
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let value = c.strip_prefix("roster_session=")?.split(';').next()?;
            (!value.is_empty()).then(|| value.to_string())
        })
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }
}

/// Waits up to `limit` for `check` to return `Some`.
pub async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A real SMTP server (maildev, from end2end's npm packages), stopped on
/// drop.
pub struct Maildev {
    child: std::process::Child,
    pub web_port: u16,
}

impl Maildev {
    pub async fn start(smtp_port: u16) -> Maildev {
        let bin = std::env::var("ROSTER_MAILDEV").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../end2end/node_modules/.bin/maildev"
            )
            .to_string()
        });
        // Node starts slowly on a busy machine, and a web port found free
        // may be taken by another test before maildev binds it: a maildev
        // that exited is started again on another web port.
        let mut exits = Vec::new();
        for _ in 0..3 {
            let web_port = free_port();
            let child = std::process::Command::new(&bin)
                .args([
                    "--smtp",
                    &smtp_port.to_string(),
                    "--web",
                    &web_port.to_string(),
                ])
                .args(["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--silent"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("start {bin} (run npm ci in end2end): {e}"));
            let mut maildev = Maildev { child, web_port };
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            while tokio::time::Instant::now() < deadline {
                if maildev.emails().await.is_ok() {
                    return maildev;
                }
                if let Ok(Some(exit)) = maildev.child.try_wait() {
                    exits.push(exit);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        panic!("maildev did not start (SMTP port {smtp_port}); exits: {exits:?}");
    }

    /// What arrived, as maildev's API lists it.
    pub async fn emails(&self) -> Result<Vec<serde_json::Value>, reqwest::Error> {
        reqwest::get(format!("http://127.0.0.1:{}/email", self.web_port))
            .await?
            .json()
            .await
    }
}

impl Drop for Maildev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh session of `org`'s owner.
pub(crate) async fn owner_of(app: &TestApp, org: &TestOrganisation) -> String {
    app.sign_in(&org.owner_email, &org.password).await
}

/// The team table's CSV of the view `query` (a URL query string), as
/// `session` downloads it: its non-empty lines.
pub(crate) async fn team_csv(app: &TestApp, session: &str, query: &str) -> Vec<String> {
    let csv = app
        .client
        .get(app.url(&format!("/team/export.csv?{query}")))
        .header("cookie", format!("roster_session={session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csv.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}
