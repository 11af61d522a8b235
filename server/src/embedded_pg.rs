//! The embedded PostgreSQL cluster used when `DATABASE_URL` is not set.
//!
//! The cluster lives in `<data dir>/pg`, listens only on a Unix socket in a
//! private directory, and requires a SCRAM password kept in
//! `<data dir>/pg-password` for its superuser. PostgreSQL refuses to run as
//! root, so when the server is root the cluster runs as the `postgres` user.
//! The superuser only sets the cluster up: the roles the server migrates and
//! serves with are made in [`crate::database`].
//!
//! It must never outlive the server, however the server ends: `postgres` is
//! started in its own process group (a Ctrl-C reaches only the server, which
//! then stops the database in order) with `PR_SET_PDEATHSIG`, so the kernel
//! sends it a fast-shutdown signal if the server dies, even by SIGKILL. The
//! death signal follows the *thread* that started the child, so a dedicated
//! thread starts it and lives exactly as long as it.
//!
//! If postgres dies while the server runs (a crash, the OOM killer, a
//! `kill -9`), that thread starts it again, a few times with backoff:
//! PostgreSQL's crash recovery replays what was committed. Meanwhile the
//! server answers as it does when an external database goes away (the
//! pool's connections fail, `/healthz` says 503), and its pools and
//! listeners reconnect by themselves. Only when restarting keeps failing
//! is the server told to stop.
#![allow(unsafe_code)]

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The cluster's superuser (initdb's bootstrap role). The server uses it
/// only to create its own roles and database; see [`crate::database`].
pub const SUPERUSER: &str = "roster";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries (initdb, postgres) were not found on PATH or in /usr/lib/postgresql/*/bin. \
         Install the `postgresql` package, or set DATABASE_URL to use an existing server."
    )]
    BinariesNotFound,
    #[error("the server runs as root, so the embedded database must run as the `postgres` user, which does not exist. Install the `postgresql` package (it creates that user), or set DATABASE_URL.")]
    NoPostgresUser,
    #[error("ROSTER_DATA_DIR={dir}: {reason}")]
    DataDir { dir: PathBuf, reason: String },
    #[error("initdb failed ({status}): {output}")]
    InitDb { status: String, output: String },
    #[error("could not start postgres: {0}")]
    Spawn(std::io::Error),
    #[error("postgres did not become ready within {0:?}; see {1}")]
    NotReady(Duration, PathBuf),
    #[error("postgres exited during start-up; see {0}")]
    ExitedEarly(PathBuf),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Who runs `postgres`: ourselves, or (as root) the `postgres` user.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
    switch: bool,
}

fn run_as() -> Result<RunAs, EmbeddedError> {
    // SAFETY: geteuid/getegid have no preconditions.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if euid != 0 {
        return Ok(RunAs {
            uid: euid,
            gid: egid,
            switch: false,
        });
    }
    let name = c"postgres";
    // SAFETY: getpwnam is called with a valid NUL-terminated string; the
    // returned record is read immediately, before any other call that could
    // overwrite it.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Err(EmbeddedError::NoPostgresUser);
    }
    // SAFETY: `pw` is non-null and points to a valid passwd record.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(RunAs {
        uid,
        gid,
        switch: true,
    })
}

/// Finds the directory holding `initdb`, `pg_ctl` and `postgres`.
pub fn find_binaries() -> Option<PathBuf> {
    let has_all = |dir: &Path| ["initdb", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_all(&dir) {
                // Debian links /usr/local/bin/postgres to the versioned
                // directory; resolve it so `postgres` finds its share files.
                let resolved = fs::canonicalize(dir.join("postgres"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .unwrap_or(dir);
                return Some(resolved);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_all(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// A running cluster. Dropping it does not stop the database; call
/// [`EmbeddedPostgres::stop`] (the kernel stops it if the process dies).
pub struct EmbeddedPostgres {
    /// The running postmaster's PID; a restart replaces it.
    pid: Arc<AtomicI32>,
    socket_dir: PathBuf,
    password: String,
    log_file: PathBuf,
    lifecycle: Arc<(Mutex<Lifecycle>, Condvar)>,
}

/// Shared between the owner and the thread that waits on the child.
#[derive(Default)]
struct Lifecycle {
    /// [`EmbeddedPostgres::stop`] asked it to stop: its exit is expected.
    stopping: bool,
    /// The postmaster is gone and will not be started again.
    exited: bool,
}

/// How many restarts in a row (each within [`STABLE`] of the one before)
/// are tried before giving up, and the first wait before one (doubling).
const RESTARTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A postmaster that ran this long was fine: its death starts the count
/// of restarts again.
const STABLE: Duration = Duration::from_secs(60);

impl std::fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("pid", &self.pid.load(Ordering::Relaxed))
            .field("socket_dir", &self.socket_dir)
            .finish()
    }
}

impl EmbeddedPostgres {
    /// Starts (and on first use creates) the cluster in `data_dir`, and waits
    /// until it accepts connections. If postgres stops without
    /// [`Self::stop`] having been called, it is started again (see the
    /// module's notes); `on_unexpected_exit` runs only when that keeps
    /// failing.
    pub fn start(
        data_dir: &Path,
        on_unexpected_exit: impl FnOnce() + Send + 'static,
    ) -> Result<Self, EmbeddedError> {
        let bin = find_binaries().ok_or(EmbeddedError::BinariesNotFound)?;
        let who = run_as()?;
        let data_err = |reason: String| EmbeddedError::DataDir {
            dir: data_dir.to_path_buf(),
            reason,
        };

        fs::create_dir_all(data_dir).map_err(|e| data_err(format!("cannot create it: {e}")))?;
        if who.switch {
            check_reachable(data_dir, who.uid).map_err(data_err)?;
        }
        let cluster = data_dir.join("pg");
        let socket_dir = socket_dir_for(data_dir);
        make_private_dir(&socket_dir, who)?;
        let log_file = data_dir.join("postgres.log");
        let password = load_or_create_password(&data_dir.join("pg-password"))?;

        if !cluster.join("PG_VERSION").is_file() {
            init_cluster(&bin, &cluster, &socket_dir, &password, who)?;
        }
        clear_stale_lock(&cluster);

        // Made here, owned by whoever runs postgres; each start appends.
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&log_file)?;
        if who.switch {
            chown(&log_file, who)?;
        }
        // SAFETY: getpid has no preconditions.
        let parent = unsafe { libc::getpid() };
        let make_command = {
            let (cluster, socket_dir) = (cluster.clone(), socket_dir.clone());
            move || -> std::io::Result<Command> {
                let log = fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .mode(0o600)
                    .open(log_file_for(&cluster))?;
                let mut command = Command::new(bin.join("postgres"));
                command
                    .arg("-D")
                    .arg(&cluster)
                    .arg("-k")
                    .arg(&socket_dir)
                    .args([
                        "-c",
                        "listen_addresses=",
                        "-c",
                        "unix_socket_permissions=0700",
                        "-c",
                        "max_connections=200",
                    ])
                    .stdin(Stdio::null())
                    .stdout(Stdio::from(log.try_clone()?))
                    .stderr(Stdio::from(log))
                    .current_dir(&cluster)
                    .process_group(0);
                if who.switch {
                    command
                        .uid(who.uid)
                        .gid(who.gid)
                        .env("HOME", &cluster)
                        .env_remove("PGDATA");
                }
                // SAFETY: the closure runs in the forked child before exec
                // and only calls async-signal-safe functions (prctl,
                // getppid, _exit).
                unsafe {
                    command.pre_exec(move || {
                        // Runs after std's setuid, which would clear the setting.
                        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        // The parent may have died before prctl took effect.
                        if libc::getppid() != parent {
                            libc::_exit(1);
                        }
                        Ok(())
                    });
                }
                Ok(command)
            }
        };

        let lifecycle = Arc::new((Mutex::new(Lifecycle::default()), Condvar::new()));
        let current = Arc::new(AtomicI32::new(0));
        let (pid_tx, pid_rx) = std::sync::mpsc::channel();
        let lifecycle_in_thread = lifecycle.clone();
        let current_in_thread = current.clone();
        let log_in_thread = log_file.clone();
        let cluster_in_thread = cluster.clone();
        std::thread::Builder::new()
            .name("embedded-postgres".into())
            .spawn(move || {
                let spawn = || {
                    make_command().and_then(|mut c| c.spawn()).and_then(|child| {
                        let pid = i32::try_from(child.id())
                            .map_err(|_| std::io::Error::other("pid out of range"))?;
                        Ok((child, pid))
                    })
                };
                let (mut child, pid) = match spawn() {
                    Ok(started) => started,
                    Err(e) => {
                        let _ = pid_tx.send(Err(e));
                        return;
                    }
                };
                current_in_thread.store(pid, Ordering::SeqCst);
                let _ = pid_tx.send(Ok(pid));
                let (lock, cvar) = &*lifecycle_in_thread;
                let mut started_at = Instant::now();
                let mut failed_restarts = 0u32;
                loop {
                    let status = child.wait();
                    let stopping = lock.lock().unwrap_or_else(|p| p.into_inner()).stopping;
                    if stopping {
                        break;
                    }
                    if started_at.elapsed() >= STABLE {
                        failed_restarts = 0;
                    }
                    if failed_restarts >= RESTARTS {
                        tracing::error!(?status, log = %log_in_thread.display(), "embedded postgres keeps stopping; giving up");
                        break;
                    }
                    let backoff = FIRST_BACKOFF * 2u32.pow(failed_restarts);
                    failed_restarts += 1;
                    tracing::error!(?status, ?backoff, log = %log_in_thread.display(), "embedded postgres exited unexpectedly; starting it again");
                    // Its backends notice the postmaster's death and exit;
                    // a start before they have is refused, and retried.
                    std::thread::sleep(backoff);
                    if lock.lock().unwrap_or_else(|p| p.into_inner()).stopping {
                        break;
                    }
                    clear_stale_lock(&cluster_in_thread);
                    match spawn() {
                        Ok((next, pid)) => {
                            child = next;
                            current_in_thread.store(pid, Ordering::SeqCst);
                            started_at = Instant::now();
                            tracing::warn!(pid, "embedded postgres started again");
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "embedded postgres could not be started again");
                            break;
                        }
                    }
                }
                let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
                state.exited = true;
                let expected = state.stopping;
                cvar.notify_all();
                drop(state);
                if !expected {
                    on_unexpected_exit();
                }
            })?;
        pid_rx
            .recv()
            .map_err(|_| EmbeddedError::ExitedEarly(log_file.clone()))?
            .map_err(EmbeddedError::Spawn)?;

        let this = Self {
            pid: current,
            socket_dir,
            password,
            log_file,
            lifecycle,
        };
        this.wait_ready(&cluster, Duration::from_secs(60))?;
        Ok(this)
    }

    fn wait_ready(&self, cluster: &Path, timeout: Duration) -> Result<(), EmbeddedError> {
        let started = Instant::now();
        loop {
            if self
                .lifecycle
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .exited
            {
                return Err(EmbeddedError::ExitedEarly(self.log_file.clone()));
            }
            let ready = fs::read_to_string(cluster.join("postmaster.pid"))
                .is_ok_and(|lock| lock_says_ready(&lock, self.pid.load(Ordering::SeqCst)));
            if ready {
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(EmbeddedError::NotReady(timeout, self.log_file.clone()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Connection options for `database` on this cluster as its superuser:
    /// for setting up roles and databases only.
    pub fn superuser_options(&self, database: &str) -> sqlx::postgres::PgConnectOptions {
        self.role_options(SUPERUSER, &self.password, database)
    }

    /// Connection options for `database` on this cluster as `role`.
    pub fn role_options(
        &self,
        role: &str,
        password: &str,
        database: &str,
    ) -> sqlx::postgres::PgConnectOptions {
        sqlx::postgres::PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(role)
            .password(password)
            .database(database)
    }

    /// A `postgres://` URL for tools (sqlx's macros, psql) to reach `database` as
    /// `role`; it carries the password.
    pub fn role_url(&self, role: &str, password: &str, database: &str) -> String {
        format!(
            "postgres://{role}:{password}@localhost/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Stops the cluster with a fast shutdown (open sessions are ended,
    /// everything committed is kept) and waits for it to exit.
    pub fn stop(&self) {
        let (lock, cvar) = &*self.lifecycle;
        let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
        if state.exited {
            return;
        }
        state.stopping = true;
        let pid = self.pid.load(Ordering::SeqCst);
        // SAFETY: kill has no memory-safety preconditions.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let (state, waited) = cvar
            .wait_timeout_while(state, Duration::from_secs(30), |s| !s.exited)
            .unwrap_or_else(|p| p.into_inner());
        if waited.timed_out() {
            // SAFETY: as above. SIGQUIT is PostgreSQL's immediate shutdown.
            unsafe { libc::kill(pid, libc::SIGQUIT) };
            let _ = cvar.wait_timeout_while(state, Duration::from_secs(5), |s| !s.exited);
        }
    }
}

/// Whether `postmaster.pid` (its text `lock`) says the postmaster `pid`
/// accepts connections: its first line names that PID and its eighth reads
/// "ready". A lock left by a postmaster that died (crashed, or killed)
/// still reads "ready", so the PID is what tells it from ours.
fn lock_says_ready(lock: &str, pid: i32) -> bool {
    let mut lines = lock.lines().map(str::trim);
    let names_ours = lines.next().and_then(|l| l.parse::<i32>().ok()) == Some(pid);
    names_ours && lines.nth(6) == Some("ready")
}

/// Where postgres writes its log for `cluster` (`<data dir>/pg`).
fn log_file_for(cluster: &Path) -> PathBuf {
    cluster.parent().unwrap_or(cluster).join("postgres.log")
}

fn process_alive(pid: i32) -> bool {
    // A zombie still answers kill(0); read its state instead.
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

/// Unix socket paths are limited to about 100 bytes: use `<data>/run` when it
/// fits, else a directory under /tmp named after the data dir.
fn socket_dir_for(data_dir: &Path) -> PathBuf {
    let inside = data_dir.join("run");
    if inside.as_os_str().len() + "/.s.PGSQL.5432".len() < 100 {
        return inside;
    }
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut h);
    PathBuf::from(format!("/tmp/roster-pg-{:016x}", h.finish()))
}

fn chown(path: &Path, who: RunAs) -> Result<(), EmbeddedError> {
    std::os::unix::fs::chown(path, Some(who.uid), Some(who.gid))?;
    Ok(())
}

fn make_private_dir(dir: &Path, who: RunAs) -> Result<(), EmbeddedError> {
    fs::create_dir_all(dir)?;
    if who.switch {
        chown(dir, who)?;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// As root, the `postgres` user must be able to enter every parent of the
/// data directory (paths under /root are not).
fn check_reachable(dir: &Path, uid: u32) -> Result<(), String> {
    let dir = fs::canonicalize(dir).map_err(|e| e.to_string())?;
    for ancestor in dir.ancestors().skip(1) {
        let meta = fs::metadata(ancestor).map_err(|e| e.to_string())?;
        let mode = meta.mode();
        let enterable = mode & 0o001 != 0 || (meta.uid() == uid && mode & 0o100 != 0);
        if !enterable {
            return Err(format!(
                "the embedded database runs as the unprivileged `postgres` user, which cannot enter {}. \
                 Choose a directory outside it (for example /var/lib/roster), or set DATABASE_URL.",
                ancestor.display()
            ));
        }
    }
    Ok(())
}

/// 192 random bits, URL-safe base64: safe in a URL's user info and in an
/// SQL string literal as it is.
pub fn new_password() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn load_or_create_password(path: &Path) -> Result<String, EmbeddedError> {
    if let Ok(existing) = fs::read_to_string(path) {
        let existing = existing.trim().to_string();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    let password = new_password();
    let mut file = fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    writeln!(file, "{password}")?;
    Ok(password)
}

fn init_cluster(
    bin: &Path,
    cluster: &Path,
    socket_dir: &Path,
    password: &str,
    who: RunAs,
) -> Result<(), EmbeddedError> {
    // A half-made cluster from an interrupted initdb is useless: start over.
    if cluster.exists() {
        fs::remove_dir_all(cluster)?;
    }
    make_private_dir(cluster, who)?;
    // initdb reads the superuser password from a file it can open; the
    // socket directory is private to the same user. Removed right after.
    let pwfile = socket_dir.join("initdb-password");
    {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .open(&pwfile)?;
        writeln!(f, "{password}")?;
    }
    if who.switch {
        chown(&pwfile, who)?;
    }
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(cluster)
        .args([
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "-U",
            SUPERUSER,
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .current_dir(cluster)
        .stdin(Stdio::null());
    if who.switch {
        command.uid(who.uid).gid(who.gid).env("HOME", cluster);
    }
    let output = command.output();
    let _ = fs::remove_file(&pwfile);
    let output = output.map_err(EmbeddedError::Spawn)?;
    if !output.status.success() {
        return Err(EmbeddedError::InitDb {
            status: output.status.to_string(),
            output: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(())
}

/// Handles a `postmaster.pid` left by an earlier run. A live postgres still
/// serving this directory (one that outlived a crashed server) is stopped so
/// that we start our own; a lock naming a PID that is now some other process
/// is removed (PostgreSQL itself handles one naming a dead PID).
fn clear_stale_lock(cluster: &Path) {
    let lock = cluster.join("postmaster.pid");
    let Some(pid) = fs::read_to_string(&lock)
        .ok()
        .and_then(|s| s.lines().next()?.trim().parse::<i32>().ok())
    else {
        return;
    };
    if !process_alive(pid) {
        return;
    }
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let is_postgres = String::from_utf8_lossy(&cmdline).contains("postgres");
    if !is_postgres {
        let _ = fs::remove_file(&lock);
        return;
    }
    tracing::warn!(pid, "stopping a postgres left running by an earlier run");
    // SAFETY: kill has no memory-safety preconditions.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(30);
    while process_alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if process_alive(pid) {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGQUIT) };
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_postmasters_lock_says_ready() {
        let lock = |pid: &str, state: &str| {
            format!("{pid}\n/data/pg\n1765100000\n5432\n/run/pg\n\n  5432001   0\n{state}\n")
        };
        assert!(lock_says_ready(&lock("4242", "ready   "), 4242));
        // Left by a postmaster that died: it still reads "ready".
        assert!(!lock_says_ready(&lock("4100", "ready   "), 4242));
        assert!(!lock_says_ready(&lock("4242", "starting"), 4242));
        assert!(!lock_says_ready("4242\n", 4242));
        assert!(!lock_says_ready("", 4242));
    }

    #[test]
    fn long_data_dirs_get_a_short_socket_dir() {
        assert_eq!(
            socket_dir_for(Path::new("/var/lib/roster")),
            PathBuf::from("/var/lib/roster/run")
        );
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(120)));
        let dir = socket_dir_for(&long);
        assert!(
            dir.to_string_lossy().starts_with("/tmp/roster-pg-"),
            "{dir:?}"
        );
        assert!(dir.as_os_str().len() < 90);
    }
}
