//! The server binary's own embedded PostgreSQL: started on demand, seeded
//! once, and never left running when the server ends, however it ends.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Server {
    pub(crate) child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    port: u16,
}

pub(crate) fn data_dir(label: &str) -> PathBuf {
    let dir = PathBuf::from(format!("/tmp/roster-it-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn start(dir: &Path) -> Server {
    start_with(dir, &[])
}

fn start_with(dir: &Path, args: &[&str]) -> Server {
    start_with_env(dir, args, &[])
}

/// Starts `roster serve ARGS` on `dir` with only these variables (and
/// `vars`) set, and its output read line by line.
pub(crate) fn start_with_env(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("serve")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ROSTER_DATA_DIR", dir)
        .env(
            "ROSTER_LEPTOS_TOML",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Both streams, in the order they arrive: a start that never gets
    // there shows its errors and logs (stderr) in the test's failure too.
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let out = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out.send(line);
        }
    });
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(format!("stderr: {line}"));
        }
    });
    Server { child, lines, port }
}

/// A test that fails part-way must not leave its server running: the
/// server holds the test binary's output pipe, and the run would hang.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The body of `GET path`, asked as a plain HTTP/1.1 client would.
    pub(crate) fn get(&self, path: &str) -> String {
        use std::io::{Read as _, Write as _};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    /// Output lines up to and including the one containing `marker`.
    pub(crate) fn wait_for(&self, marker: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                let done = line.contains(marker);
                seen.push(line);
                if done {
                    return seen;
                }
            }
        }
        panic!("no {marker:?} within 90 s; output: {seen:#?}");
    }
}

pub(crate) fn postmaster_pid(dir: &Path) -> i32 {
    let text = std::fs::read_to_string(dir.join("pg/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

pub(crate) fn wait_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

pub(crate) fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args(["-s", sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_server_owns_its_database_and_leaves_nothing_behind() {
    let dir = data_dir("lifecycle");

    // First start, in demo mode: creates the cluster, seeds the demo, and
    // writes the owner's sign-in to a file only its owner may read, never
    // to the output.
    let mut first = start_with(&dir, &["--demo"]);
    let output = first.wait_for("Created the demo organisation").join("\n");
    let credentials = dir.join("demo-owner.txt");
    assert!(
        output.contains(&credentials.display().to_string()),
        "{output}"
    );
    let written = std::fs::read_to_string(&credentials).unwrap();
    assert!(written.contains("owner@demo-co.example"), "{written}");
    let password = written
        .lines()
        .find_map(|l| l.strip_prefix("password:"))
        .unwrap()
        .trim()
        .to_string();
    assert!(password.len() >= 20 && !output.contains(&password));
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&credentials)
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let pg = postmaster_pid(&dir);
    assert!(alive(pg));
    // SIGKILL gives the server no chance to clean up: the kernel's
    // parent-death signal stops postgres.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(wait_gone(pg), "postgres {pg} outlived a SIGKILLed server");

    // Second start finds the data (no new demo) and stops cleanly on SIGTERM.
    let mut second = start_with(&dir, &["--demo"]);
    let output = second.wait_for("roster: serving at").join("\n");
    assert!(
        !output.contains("Created the demo"),
        "the demo is seeded only once: {output}"
    );
    let pg = postmaster_pid(&dir);
    signal(&second.child, "TERM");
    assert!(second.child.wait().unwrap().success());
    assert!(wait_gone(pg), "postgres outlived SIGTERM");

    // SIGINT (Ctrl-C) too.
    let mut third = start(&dir);
    third.wait_for("roster: serving at");
    let pg = postmaster_pid(&dir);
    signal(&third.child, "INT");
    assert!(third.child.wait().unwrap().success());
    assert!(wait_gone(pg), "postgres outlived SIGINT");

    let _ = std::fs::remove_dir_all(&dir);
}

fn kill_9(pid: i32) {
    let status = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The status line of `GET path`, or `None` while the server does not answer.
fn status_of(server: &Server, path: &str) -> Option<String> {
    std::net::TcpStream::connect(("127.0.0.1", server.port)).ok()?;
    Some(
        server
            .get(path)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    )
}

/// A postmaster killed under a running server is started again by the
/// server itself: crash recovery runs, and requests succeed again within
/// seconds, with no restart of the server. While it is away, `/healthz`
/// says 503 and pages still answer.
#[test]
fn a_killed_postmaster_is_started_again_under_a_running_server() {
    let dir = data_dir("pg-crash");
    let mut server = start_with(&dir, &["--demo"]);
    server.wait_for("roster: serving at");
    assert_eq!(
        status_of(&server, "/healthz").as_deref(),
        Some("HTTP/1.1 200 OK")
    );
    let first = postmaster_pid(&dir);
    kill_9(first);
    assert!(wait_gone(first));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let status = status_of(&server, "/healthz");
        if status.as_deref() == Some("HTTP/1.1 200 OK") {
            break;
        }
        seen.push(status);
        assert!(Instant::now() < deadline, "not back within 10 s: {seen:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server kept serving"
    );
    let second = postmaster_pid(&dir);
    assert_ne!(second, first, "a new postmaster");
    assert!(alive(second));
    assert!(
        seen.iter()
            .flatten()
            .all(|s| s.contains(" 503 ") || s.contains(" 200 ")),
        "while it was away, 503: {seen:?}"
    );
    let login = server.get("/login");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    signal(&server.child, "TERM");
    assert!(server.child.wait().unwrap().success());
    assert!(wait_gone(second), "postgres outlived SIGTERM");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The live team table through a crash of the embedded postmaster: its
/// stream is told to refetch once the listener is back (or, if it ended,
/// opens again as a browser's `EventSource` does), and a change made after
/// the database came back reaches it.
#[test]
fn the_live_team_stream_shows_changes_made_after_the_database_came_back() {
    let dir = data_dir("pg-stream");
    let server = start_with(&dir, &["--demo"]);
    server.wait_for("roster: serving at");
    let written = std::fs::read_to_string(dir.join("demo-owner.txt")).unwrap();
    let field = |name: &str| {
        written
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    };
    let (email, password) = (field("email:"), field("password:"));
    let base = format!("http://127.0.0.1:{}", server.port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = || {
        let (client, base, email, password) = (
            client.clone(),
            base.clone(),
            email.clone(),
            password.clone(),
        );
        async move {
            let answer = client
                .post(format!("{base}/api/sign_in"))
                .header("sec-fetch-site", "same-origin")
                .form(&[
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("next", ""),
                ])
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success(), "{}", answer.status());
            answer
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|c| c.to_str().ok())
                .find(|c| c.starts_with("roster_session="))
                .and_then(|c| c.split(';').next())
                .unwrap()
                .to_string()
        }
    };
    let cookie = runtime.block_on(sign_in());
    // The stream's events, as (event, data) lines, from a task that opens
    // it again whenever it ends.
    let (events, received) = std::sync::mpsc::channel::<(String, String)>();
    {
        let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
        runtime.spawn(async move {
            loop {
                let opened = client
                    .get(format!("{base}/api/team/events"))
                    .header("cookie", &cookie)
                    .send()
                    .await;
                if let Ok(mut response) = opened {
                    let mut buffer = String::new();
                    while let Ok(Some(chunk)) = response.chunk().await {
                        buffer.push_str(&String::from_utf8_lossy(&chunk));
                        while let Some(end) = buffer.find("\n\n") {
                            let block: String = buffer.drain(..end + 2).collect();
                            let take = |prefix: &str| {
                                block
                                    .lines()
                                    .find_map(|l| l.strip_prefix(prefix))
                                    .unwrap_or("")
                                    .trim()
                                    .to_string()
                            };
                            let _ = events.send((take("event:"), take("data:")));
                        }
                    }
                    let _ = events.send(("ended".into(), String::new()));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
    }
    let wait_for = |wanted: &dyn Fn(&(String, String)) -> bool, what: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(event) = received.recv_timeout(Duration::from_millis(200)) {
                if wanted(&event) {
                    return seen;
                }
                seen.push(event);
            }
        }
        panic!("no {what} within 20 s; saw {seen:?}");
    };
    // Subscribed once it passes on a change: the owner's own sign-in
    // elsewhere is one.
    std::thread::sleep(Duration::from_millis(500));
    runtime.block_on(sign_in());
    wait_for(&|(event, _)| event == "team", "first change");

    let pg = postmaster_pid(&dir);
    kill_9(pg);
    assert!(wait_gone(pg));
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_of(&server, "/healthz").as_deref() != Some("HTTP/1.1 200 OK") {
        assert!(Instant::now() < deadline, "the database did not come back");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Told to refetch (the listener reconnected), or opened again.
    wait_for(
        &|(event, _)| event == "resync" || event == "ended",
        "resync after the crash",
    );
    std::thread::sleep(Duration::from_millis(500));
    runtime.block_on(sign_in());
    wait_for(&|(event, _)| event == "team", "a change after the crash");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// After both the server and its postmaster were killed, the next start
/// works the first time: the lock the dead postmaster left still reads
/// "ready", and readiness is judged by the PID of the one just started.
#[test]
fn a_start_after_both_were_killed_works_the_first_time() {
    let dir = data_dir("both-killed");
    let mut first = start(&dir);
    first.wait_for("roster: serving at");
    let pg = postmaster_pid(&dir);
    kill_9(pg);
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(wait_gone(pg));
    let lock = std::fs::read_to_string(dir.join("pg/postmaster.pid")).unwrap();
    assert_eq!(lock.lines().nth(7).map(str::trim), Some("ready"), "{lock}");
    assert_eq!(postmaster_pid(&dir), pg, "the dead one's lock is left");

    let mut second = start(&dir);
    let output = second.wait_for("roster: serving at").join("\n");
    assert!(!output.contains("error"), "{output}");
    assert_eq!(
        status_of(&second, "/healthz").as_deref(),
        Some("HTTP/1.1 200 OK")
    );
    let pg = postmaster_pid(&dir);
    signal(&second.child, "TERM");
    assert!(second.child.wait().unwrap().success());
    assert!(wait_gone(pg));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_demo_mode_an_empty_database_stays_empty_and_mail_waits() {
    let dir = data_dir("no-demo");
    let mut server = start(&dir);
    let output = server.wait_for("roster: serving at").join("\n");
    assert!(!output.contains("Created the demo"), "{output}");
    assert!(!dir.join("demo-owner.txt").exists());
    // Nothing said where emails go: they wait, and the server says so.
    assert!(output.contains("no mail is configured"), "{output}");
    let health = server.get("/healthz?detail");
    assert!(
        health.contains("mail: not configured (set ROSTER_MAIL): 0 emails waiting"),
        "{health}"
    );
    let pg = postmaster_pid(&dir);
    signal(&server.child, "TERM");
    assert!(server.child.wait().unwrap().success());
    assert!(wait_gone(pg));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `roster serve ARGS` with `vars` and expects it to refuse to start,
/// naming `expected` in its error.
fn refuses_to_start(args: &[&str], vars: &[(&str, &str)], expected: &str) {
    let dir = data_dir("refused");
    let output = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("serve")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ROSTER_DATA_DIR", &dir)
        .env(
            "ROSTER_LEPTOS_TOML",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
        )
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{args:?} {vars:?} started");
    assert!(stderr.contains(expected), "{args:?} {vars:?}: {stderr}");
    assert!(
        !dir.join("pg").exists(),
        "refused before touching the database"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dev_mailbox_and_the_demo_refuse_to_start_where_others_could_reach_them() {
    let dev = ("ROSTER_MAIL", "dev-mailbox");
    refuses_to_start(
        &[],
        &[dev, ("PUBLIC_BASE_URL", "https://roster.example")],
        "ROSTER_MAIL",
    );
    refuses_to_start(
        &[],
        &[dev, ("DATABASE_URL", "postgres://roster@db.invalid/roster")],
        "ROSTER_MAIL",
    );
    refuses_to_start(
        &[],
        &[dev, ("LEPTOS_SITE_ADDR", "0.0.0.0:3000")],
        "ROSTER_MAIL",
    );
    // Behind a proxy, "loopback" is everyone.
    refuses_to_start(
        &[],
        &[dev, ("ROSTER_TRUSTED_PROXIES", "127.0.0.1")],
        "ROSTER_MAIL",
    );
    refuses_to_start(
        &["--demo"],
        &[("PUBLIC_BASE_URL", "https://roster.example")],
        "--demo",
    );
    refuses_to_start(
        &["--demo"],
        &[("DATABASE_URL", "postgres://roster@db.invalid/roster")],
        "--demo",
    );
}

/// Reset links must not cross the network in the clear.
#[test]
fn plain_smtp_to_another_host_is_refused_at_start() {
    refuses_to_start(
        &[],
        &[
            ("ROSTER_MAIL", "smtp"),
            ("SMTP_URL", "smtp://mail.example:25"),
        ],
        "SMTP_URL",
    );
}

#[test]
fn an_external_database_without_a_safe_secret_key_does_not_serve() {
    let dir = data_dir("no-key");
    std::fs::create_dir_all(&dir).unwrap();
    let open_key = dir.join("secret.key");
    std::fs::write(&open_key, [7u8; 32]).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open_key = open_key.to_str().unwrap().to_string();
    for (vars, says) in [
        (
            vec![],
            "ROSTER_SECRET_KEY_FILE: is required with DATABASE_URL",
        ),
        (
            vec![("ROSTER_SECRET_KEY_FILE", open_key.as_str())],
            "chmod 600",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_roster"))
            .arg("serve")
            .env_clear()
            .env("ROSTER_DATA_DIR", &dir)
            .env("DATABASE_URL", "postgres://roster@127.0.0.1:1/nowhere")
            .env(
                "ROSTER_LEPTOS_TOML",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
            )
            .envs(vars)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_wrong_setting_stops_the_server_naming_the_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_roster"))
        .env("ROSTER_MAIL", "carrier-pigeon")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ROSTER_MAIL"), "{stderr}");
}
