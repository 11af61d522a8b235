//! The server binary's own embedded PostgreSQL: started on demand, seeded
//! once, and never left running when the server ends, however it ends.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

fn data_dir(label: &str) -> PathBuf {
    let dir = PathBuf::from(format!("/tmp/roster-it-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn start(dir: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ROSTER_DATA_DIR", dir)
        .env(
            "ROSTER_LEPTOS_TOML",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Server { child, lines }
}

impl Server {
    /// Output lines up to and including the one containing `marker`.
    fn wait_for(&self, marker: &str) -> Vec<String> {
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

fn postmaster_pid(dir: &Path) -> i32 {
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

fn wait_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args(["-s", sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_server_owns_its_database_and_leaves_nothing_behind() {
    let dir = data_dir("lifecycle");

    // First start: creates the cluster, seeds the demo and prints the
    // owner's credentials once.
    let mut first = start(&dir);
    let output = first
        .wait_for("This password is shown only once")
        .join("\n");
    assert!(output.contains("owner@demo-co.example"), "{output}");
    let pg = postmaster_pid(&dir);
    assert!(alive(pg));
    // SIGKILL gives the server no chance to clean up: the kernel's
    // parent-death signal stops postgres.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(wait_gone(pg), "postgres {pg} outlived a SIGKILLed server");

    // Second start finds the data (no new demo) and stops cleanly on SIGTERM.
    let mut second = start(&dir);
    let output = second.wait_for("roster: serving at").join("\n");
    assert!(
        !output.contains("password:"),
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
