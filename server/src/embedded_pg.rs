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
#![allow(unsafe_code)]

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
    pid: i32,
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
    exited: bool,
}

impl std::fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("pid", &self.pid)
            .field("socket_dir", &self.socket_dir)
            .finish()
    }
}

impl EmbeddedPostgres {
    /// Starts (and on first use creates) the cluster in `data_dir`, and waits
    /// until it accepts connections. `on_unexpected_exit` runs if postgres
    /// stops without [`Self::stop`] having been called.
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

        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&log_file)?;
        if who.switch {
            chown(&log_file, who)?;
        }
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
        // SAFETY: getpid has no preconditions.
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs in the forked child before exec and only
        // calls async-signal-safe functions (prctl, getppid, _exit).
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

        let lifecycle = Arc::new((Mutex::new(Lifecycle::default()), Condvar::new()));
        let (pid_tx, pid_rx) = std::sync::mpsc::channel();
        let lifecycle_in_thread = lifecycle.clone();
        std::thread::Builder::new()
            .name("embedded-postgres".into())
            .spawn(move || {
                let mut child = match command.spawn() {
                    Ok(child) => child,
                    Err(e) => {
                        let _ = pid_tx.send(Err(e));
                        return;
                    }
                };
                let _ = pid_tx.send(Ok(child.id()));
                let status = child.wait();
                let (lock, cvar) = &*lifecycle_in_thread;
                let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
                state.exited = true;
                let expected = state.stopping;
                cvar.notify_all();
                drop(state);
                if !expected {
                    tracing::error!(?status, "embedded postgres exited unexpectedly");
                    on_unexpected_exit();
                }
            })?;
        let pid = pid_rx
            .recv()
            .map_err(|_| EmbeddedError::ExitedEarly(log_file.clone()))?
            .map_err(EmbeddedError::Spawn)?;
        let pid = i32::try_from(pid).map_err(|_| EmbeddedError::ExitedEarly(log_file.clone()))?;

        let this = Self {
            pid,
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
            // postmaster.pid's eighth line reads "ready" once connections
            // are accepted.
            let ready = fs::read_to_string(cluster.join("postmaster.pid"))
                .map(|s| s.lines().nth(7).map(str::trim) == Some("ready"))
                .unwrap_or(false);
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

    /// A `postgres://` URL for tools (sqlx-cli) to reach `database` as
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
        // SAFETY: kill has no memory-safety preconditions.
        unsafe { libc::kill(self.pid, libc::SIGINT) };
        let (state, waited) = cvar
            .wait_timeout_while(state, Duration::from_secs(30), |s| !s.exited)
            .unwrap_or_else(|p| p.into_inner());
        if waited.timed_out() {
            // SAFETY: as above. SIGQUIT is PostgreSQL's immediate shutdown.
            unsafe { libc::kill(self.pid, libc::SIGQUIT) };
            let _ = cvar.wait_timeout_while(state, Duration::from_secs(5), |s| !s.exited);
        }
    }
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
