//! One typed configuration, read once at start from the environment and an
//! optional file (`ROSTER_CONFIG_FILE`, lines of `NAME=value`; the
//! environment wins). A wrong value stops the server with a message that
//! names the variable.

use crate::http::client_address::{parse_trusted_proxies, ClientAddresses, ClientIpHeader};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// A value that must never reach a log. `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// No transport configured (the default): emails wait in the outbox
    /// until one is, and the server says so at start and on `/healthz`.
    Unset,
    /// Emails are kept in memory and listed at `/dev/mailbox`, for trying
    /// Roster on one machine (`scripts/run` asks for it). Refused wherever
    /// someone else could reach the mailbox: see [`Config::check_dev_mailbox`].
    DevMailbox,
    /// Emails go to this SMTP server, as lettre reads the URL: `smtps://`
    /// for TLS, `smtp://…?tls=required` for STARTTLS, plain `smtp://` only
    /// for a relay on the same host. Credentials go in the URL's user info.
    Smtp { url: Secret },
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Scheme, host and port people reach Roster at, without a trailing
    /// slash. Used for links in emails, cookie flags and the Origin check.
    pub public_base_url: String,
    /// An external PostgreSQL, as the role the server serves with; `None`
    /// starts the embedded cluster.
    pub database_url: Option<Secret>,
    /// The same database as the role that owns the schema, for migrations
    /// and grants; `None` migrates with `database_url`. Only with
    /// `database_url`: the embedded cluster makes its own roles.
    pub database_migration_url: Option<Secret>,
    /// Where the embedded cluster and other local state live.
    pub data_dir: PathBuf,
    /// The key that seals authenticator secrets (`ROSTER_SECRET_KEY_FILE`):
    /// 32 random bytes, readable by the server's user only. Unset, the
    /// embedded mode keeps (and on first start makes) `secret.key` in the
    /// data directory; with `DATABASE_URL` it must be set.
    pub secret_key_file: Option<PathBuf>,
    /// How many database connections the server keeps
    /// (`ROSTER_DATABASE_POOL_SIZE`).
    pub database_pool_size: u32,
    pub mail: MailTransport,
    /// The From header of every email.
    pub mail_from: String,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// The Leptos site settings file read at start.
    pub leptos_toml: PathBuf,
    /// Tracing filter, as `RUST_LOG`.
    pub log_filter: String,
    /// The proxies allowed to report the client's address
    /// (`ROSTER_TRUSTED_PROXIES`, none by default) and the header they use
    /// (`ROSTER_CLIENT_IP_HEADER`).
    pub client_addresses: ClientAddresses,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn err(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

/// The default `ROSTER_DATA_DIR`. As root the embedded PostgreSQL runs as the
/// unprivileged `postgres` user, which cannot enter `/root`, so root's
/// default lives under `/var/lib`.
pub fn default_data_dir(is_root: bool, home: Option<&str>) -> PathBuf {
    match (is_root, home) {
        (false, Some(home)) if !home.is_empty() => PathBuf::from(home).join(".local/share/roster"),
        _ => PathBuf::from("/var/lib/roster"),
    }
}

impl Config {
    /// Reads the process environment (and `ROSTER_CONFIG_FILE`, if set).
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("ROSTER_CONFIG_FILE") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| err("ROSTER_CONFIG_FILE", format!("cannot read {path}: {e}")))?;
            vars.extend(parse_env_file(&text).map_err(|m| err("ROSTER_CONFIG_FILE", m))?);
        }
        vars.extend(std::env::vars());
        #[allow(unsafe_code)]
        // SAFETY: geteuid has no preconditions and cannot fail.
        let is_root = unsafe { libc::geteuid() } == 0;
        Self::from_map(&vars, is_root)
    }

    pub fn from_map(vars: &HashMap<String, String>, is_root: bool) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            vars.get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let site_addr = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let public_base_url = match get("PUBLIC_BASE_URL") {
            Some(url) => parse_base_url(&url).map_err(|m| err("PUBLIC_BASE_URL", m))?,
            None => format!("http://{site_addr}"),
        };

        let database_url = postgres_url(get("DATABASE_URL"), "DATABASE_URL")?;
        let database_migration_url =
            postgres_url(get("DATABASE_MIGRATION_URL"), "DATABASE_MIGRATION_URL")?;
        if database_migration_url.is_some() && database_url.is_none() {
            return Err(err(
                "DATABASE_MIGRATION_URL",
                "needs DATABASE_URL (the role the server runs as): without it Roster uses its embedded database, which makes its own roles",
            ));
        }

        let data_dir = match get("ROSTER_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir(is_root, get("HOME").as_deref()),
        };
        if !data_dir.is_absolute() && database_url.is_none() {
            return Err(err("ROSTER_DATA_DIR", "must be an absolute path"));
        }

        let secret_key_file = get("ROSTER_SECRET_KEY_FILE").map(PathBuf::from);
        if secret_key_file.as_ref().is_some_and(|f| !f.is_absolute()) {
            return Err(err("ROSTER_SECRET_KEY_FILE", "must be an absolute path"));
        }

        let database_pool_size = match get("ROSTER_DATABASE_POOL_SIZE") {
            None => default_pool_size(),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| {
                    err(
                        "ROSTER_DATABASE_POOL_SIZE",
                        format!("must be a whole number from 1 to 200, not {v:?}"),
                    )
                })?,
        };

        let mail = match get("ROSTER_MAIL").as_deref() {
            None => MailTransport::Unset,
            Some("dev-mailbox") => MailTransport::DevMailbox,
            Some("smtp") => {
                let url = get("SMTP_URL")
                    .ok_or_else(|| err("SMTP_URL", "is required when ROSTER_MAIL=smtp"))?;
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(err(
                        "SMTP_URL",
                        "must start with smtps:// (TLS) or smtp:// (add ?tls=required for STARTTLS)",
                    ));
                }
                check_smtp_tls(&url)?;
                MailTransport::Smtp {
                    url: Secret::new(url),
                }
            }
            Some(other) => {
                return Err(err(
                    "ROSTER_MAIL",
                    format!("must be dev-mailbox or smtp, not {other:?}"),
                ))
            }
        };

        let mail_from =
            get("ROSTER_MAIL_FROM").unwrap_or_else(|| "Roster <roster@localhost>".to_string());
        if !mail_from.contains('@') || mail_from.chars().any(char::is_control) {
            return Err(err(
                "ROSTER_MAIL_FROM",
                "must be an address like Roster <roster@example.com>",
            ));
        }

        let session_idle = minutes(
            get("ROSTER_SESSION_IDLE_MINUTES"),
            60,
            "ROSTER_SESSION_IDLE_MINUTES",
        )?;
        if session_idle > MAX_SESSION_IDLE {
            return Err(err(
                "ROSTER_SESSION_IDLE_MINUTES",
                "must be at most 480 (8 hours)",
            ));
        }
        let session_absolute = minutes(
            get("ROSTER_SESSION_ABSOLUTE_MINUTES"),
            720,
            "ROSTER_SESSION_ABSOLUTE_MINUTES",
        )?;
        if session_absolute > MAX_SESSION_ABSOLUTE {
            return Err(err(
                "ROSTER_SESSION_ABSOLUTE_MINUTES",
                "must be at most 1440 (24 hours)",
            ));
        }
        if session_idle > session_absolute {
            return Err(err(
                "ROSTER_SESSION_IDLE_MINUTES",
                "must not exceed ROSTER_SESSION_ABSOLUTE_MINUTES",
            ));
        }

        let trusted_proxies =
            parse_trusted_proxies(&get("ROSTER_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|m| err("ROSTER_TRUSTED_PROXIES", m))?;
        let client_ip_header = match get("ROSTER_CLIENT_IP_HEADER") {
            None => ClientIpHeader::default(),
            Some(name) => ClientIpHeader::parse(&name).ok_or_else(|| {
                err(
                    "ROSTER_CLIENT_IP_HEADER",
                    format!("must be X-Forwarded-For or Forwarded, not {name:?}"),
                )
            })?,
        };

        Ok(Self {
            client_addresses: ClientAddresses::new(trusted_proxies, client_ip_header),
            public_base_url,
            database_url,
            database_migration_url,
            data_dir,
            secret_key_file,
            database_pool_size,
            mail,
            mail_from,
            session_idle,
            session_absolute,
            leptos_toml: PathBuf::from(
                get("ROSTER_LEPTOS_TOML").unwrap_or_else(|| "Leptos.toml".to_string()),
            ),
            log_filter: get("RUST_LOG")
                .unwrap_or_else(|| "info,sqlx=warn,tower_http=info".to_string()),
        })
    }

    /// The file the sealing key is read from, and whether the server may
    /// make it there: only the embedded mode's default. An operator's named
    /// file that is missing is a mistake to report, not to paper over, and
    /// with `DATABASE_URL` the key must be named (it must live apart from
    /// the database, and a data directory may not outlive a container).
    /// Asked by `serve` only: migrations need no key.
    pub fn secret_key_path(&self) -> Result<(PathBuf, bool), ConfigError> {
        match (&self.secret_key_file, &self.database_url) {
            (Some(path), _) => Ok((path.clone(), false)),
            (None, None) => Ok((self.data_dir.join("secret.key"), true)),
            (None, Some(_)) => Err(err(
                "ROSTER_SECRET_KEY_FILE",
                "is required with DATABASE_URL: authenticator secrets are sealed under it, and it must live apart from the database (make one with `head -c 32 /dev/urandom > FILE && chmod 600 FILE`)",
            )),
        }
    }

    pub fn is_https(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }

    /// The dev mailbox shows every email, password reset links included, to
    /// whoever opens `/dev/mailbox`. It is for one machine only, so it is
    /// refused wherever anyone else could reach it: an https address (a
    /// deployment), a database of one's own (`DATABASE_URL`), or listening
    /// beyond loopback (`listen`).
    pub fn check_dev_mailbox(&self, listen: std::net::SocketAddr) -> Result<(), ConfigError> {
        if self.mail != MailTransport::DevMailbox {
            return Ok(());
        }
        let refuse = |why: &str| {
            Err(err(
                "ROSTER_MAIL",
                format!("dev-mailbox shows every email to whoever asks, so it is refused {why}; use ROSTER_MAIL=smtp"),
            ))
        };
        if self.is_https() {
            return refuse("with an https PUBLIC_BASE_URL");
        }
        if !names_loopback(&self.public_base_url) {
            return refuse(
                "unless PUBLIC_BASE_URL names this machine (localhost, 127.0.0.1 or [::1])",
            );
        }
        if self.database_url.is_some() {
            return refuse("with DATABASE_URL");
        }
        if self.client_addresses.trusts_any() {
            return refuse("behind a proxy (ROSTER_TRUSTED_PROXIES)");
        }
        if !listen.ip().is_loopback() {
            return refuse(&format!("when listening on {listen} (not loopback)"));
        }
        Ok(())
    }
}

/// Whether `url`'s host is this machine: `localhost`, an address in
/// 127.0.0.0/8, or `[::1]`. Anything else is a name others may reach.
fn names_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The longest an unused session may stay open.
/// The longest a session may go unused (ASVS 5.0 V7.3: an idle timeout,
/// here at most a working day).
const MAX_SESSION_IDLE: Duration = Duration::from_secs(8 * 3600);
/// The longest a session may last however active (ASVS 5.0 V7.3: an
/// absolute lifetime, here at most a day): past it, sign in again.
const MAX_SESSION_ABSOLUTE: Duration = Duration::from_secs(24 * 3600);

/// Plain `smtp://` sends credentials and reset links in the clear, which is
/// only acceptable to a relay on this host: anywhere else the URL must ask
/// for TLS (`smtps://`, or `?tls=required` for STARTTLS).
fn check_smtp_tls(url: &str) -> Result<(), ConfigError> {
    let Some(rest) = url.strip_prefix("smtp://") else {
        return Ok(());
    };
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let requires_tls = query
        .split('&')
        .any(|pair| pair.eq_ignore_ascii_case("tls=required"));
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_port = host_port.trim_end_matches('/');
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if requires_tls || loopback {
        Ok(())
    } else {
        Err(err(
            "SMTP_URL",
            format!("plain smtp:// to {host} would send passwords and reset links unencrypted; use smtps:// or add ?tls=required"),
        ))
    }
}

/// A PostgreSQL URL, if set.
fn postgres_url(
    value: Option<String>,
    variable: &'static str,
) -> Result<Option<Secret>, ConfigError> {
    match value {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Some(Secret::new(url)))
        }
        Some(_) => Err(err(
            variable,
            "must start with postgres:// or postgresql://",
        )),
        None => Ok(None),
    }
}

/// Twice the processor cores, plus two: PostgreSQL's own rule of thumb.
/// More connections than the cores can serve only queue inside the
/// database: on 2 cores a signed-in /team render under 64 connections made
/// 1,619 requests/s with p99 100 ms from 20 connections, and 1,971 with
/// p99 45 ms from 6 (`scripts/bench render`).
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    u32::try_from(cores * 2 + 2).unwrap_or(200).min(200)
}

fn minutes(
    value: Option<String>,
    default: u64,
    variable: &'static str,
) -> Result<Duration, ConfigError> {
    let minutes = match value {
        None => default,
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|m| (1..=60 * 24 * 30).contains(m))
            .ok_or_else(|| {
                err(
                    variable,
                    format!("must be a whole number of minutes from 1 to 43200, not {v:?}"),
                )
            })?,
    };
    Ok(Duration::from_secs(minutes * 60))
}

/// Checks `http(s)://host[:port]` and returns it without a trailing slash.
fn parse_base_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() {
        return Err("has no host".into());
    }
    if authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(
            "must be scheme, host and optional port only (no path, query or credentials)".into(),
        );
    }
    Ok(url.trim_end_matches('/').to_string())
}

fn parse_env_file(text: &str) -> Result<Vec<(String, String)>, String> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("line {} is not NAME=value", i + 1))?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            Ok((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_usable() {
        let c = Config::from_map(&map(&[("HOME", "/home/ada")]), false).unwrap();
        assert_eq!(c.public_base_url, "http://127.0.0.1:3000");
        assert_eq!(c.data_dir, PathBuf::from("/home/ada/.local/share/roster"));
        assert_eq!(c.mail, MailTransport::Unset, "no mail until asked for");
        assert_eq!(c.session_idle, Duration::from_secs(3600));
        assert!(
            !c.client_addresses.trusts_any(),
            "no proxy is trusted by default"
        );
        assert_eq!(c.session_absolute, Duration::from_secs(43200));
        assert!(c.database_url.is_none());
        assert!(c.database_migration_url.is_none());
        assert!(!c.is_https());
        let cores = std::thread::available_parallelism().unwrap().get() as u32;
        assert_eq!(c.database_pool_size, (2 * cores + 2).min(200));
        let sized = Config::from_map(&map(&[("ROSTER_DATABASE_POOL_SIZE", " 9 ")]), false).unwrap();
        assert_eq!(sized.database_pool_size, 9);
        let root = Config::from_map(&map(&[("HOME", "/root")]), true).unwrap();
        assert_eq!(root.data_dir, PathBuf::from("/var/lib/roster"));
        assert_eq!(
            c.secret_key_path().unwrap(),
            (
                PathBuf::from("/home/ada/.local/share/roster/secret.key"),
                true
            ),
            "embedded: made under the data directory"
        );
    }

    #[test]
    fn an_external_database_needs_a_named_secret_key() {
        let external =
            Config::from_map(&map(&[("DATABASE_URL", "postgres://db/roster")]), false).unwrap();
        assert_eq!(
            external.secret_key_path().unwrap_err().variable,
            "ROSTER_SECRET_KEY_FILE"
        );
        let named = Config::from_map(
            &map(&[
                ("DATABASE_URL", "postgres://db/roster"),
                ("ROSTER_SECRET_KEY_FILE", "/etc/roster/secret.key"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(
            named.secret_key_path().unwrap(),
            (PathBuf::from("/etc/roster/secret.key"), false)
        );
        assert_eq!(
            Config::from_map(&map(&[("ROSTER_SECRET_KEY_FILE", "secret.key")]), false)
                .unwrap_err()
                .variable,
            "ROSTER_SECRET_KEY_FILE"
        );
    }

    #[test]
    fn wrong_values_name_their_variable() {
        let cases = [
            (
                map(&[("PUBLIC_BASE_URL", "example.com")]),
                "PUBLIC_BASE_URL",
            ),
            (
                map(&[("PUBLIC_BASE_URL", "https://example.com/app")]),
                "PUBLIC_BASE_URL",
            ),
            (map(&[("DATABASE_URL", "mysql://x")]), "DATABASE_URL"),
            (
                map(&[
                    ("DATABASE_URL", "postgres://roster_app@db/roster"),
                    ("DATABASE_MIGRATION_URL", "mysql://x"),
                ]),
                "DATABASE_MIGRATION_URL",
            ),
            (map(&[("ROSTER_MAIL", "carrier-pigeon")]), "ROSTER_MAIL"),
            (map(&[("ROSTER_MAIL", "smtp")]), "SMTP_URL"),
            (
                map(&[("ROSTER_MAIL", "smtp"), ("SMTP_URL", "http://x")]),
                "SMTP_URL",
            ),
            (
                map(&[("ROSTER_DATABASE_POOL_SIZE", "0")]),
                "ROSTER_DATABASE_POOL_SIZE",
            ),
            (
                map(&[("ROSTER_DATABASE_POOL_SIZE", "lots")]),
                "ROSTER_DATABASE_POOL_SIZE",
            ),
            (
                map(&[("ROSTER_SESSION_IDLE_MINUTES", "soon")]),
                "ROSTER_SESSION_IDLE_MINUTES",
            ),
            (
                map(&[("ROSTER_SESSION_IDLE_MINUTES", "900")]),
                "ROSTER_SESSION_IDLE_MINUTES",
            ),
            (
                map(&[("ROSTER_DATA_DIR", "relative/dir")]),
                "ROSTER_DATA_DIR",
            ),
            (
                map(&[
                    ("ROSTER_SESSION_IDLE_MINUTES", "481"),
                    ("ROSTER_SESSION_ABSOLUTE_MINUTES", "1000"),
                ]),
                "ROSTER_SESSION_IDLE_MINUTES",
            ),
            (
                map(&[("ROSTER_SESSION_ABSOLUTE_MINUTES", "1441")]),
                "ROSTER_SESSION_ABSOLUTE_MINUTES",
            ),
            (
                map(&[("ROSTER_TRUSTED_PROXIES", "10.0.0.0/8, proxy")]),
                "ROSTER_TRUSTED_PROXIES",
            ),
            (
                map(&[("ROSTER_CLIENT_IP_HEADER", "X-Real-IP")]),
                "ROSTER_CLIENT_IP_HEADER",
            ),
            (
                map(&[
                    ("ROSTER_MAIL", "smtp"),
                    ("SMTP_URL", "smtp://user:pw@mail.example:587"),
                ]),
                "SMTP_URL",
            ),
        ];
        for (vars, variable) in cases {
            let error = Config::from_map(&vars, false).unwrap_err();
            assert_eq!(error.variable, variable, "{vars:?}");
            assert!(error.to_string().starts_with(variable));
        }
    }

    #[test]
    fn migrations_may_run_as_another_role_of_the_same_database() {
        let both = Config::from_map(
            &map(&[
                ("DATABASE_URL", "postgres://roster_app:a@db/roster"),
                (
                    "DATABASE_MIGRATION_URL",
                    "postgresql://roster_owner:o@db/roster",
                ),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(
            both.database_url.as_ref().map(Secret::expose),
            Some("postgres://roster_app:a@db/roster")
        );
        assert_eq!(
            both.database_migration_url.as_ref().map(Secret::expose),
            Some("postgresql://roster_owner:o@db/roster")
        );
        let printed = format!("{both:?}");
        assert!(!printed.contains("roster_owner:o"), "{printed}");

        // Unset: migrations use DATABASE_URL.
        let one =
            Config::from_map(&map(&[("DATABASE_URL", "postgres://db/roster")]), false).unwrap();
        assert!(one.database_migration_url.is_none());

        // Alone it would be ignored (the embedded database makes its own
        // roles), so it is refused rather than silently unused.
        let error = Config::from_map(
            &map(&[
                ("HOME", "/home/ada"),
                (
                    "DATABASE_MIGRATION_URL",
                    "postgres://roster_owner@db/roster",
                ),
            ]),
            false,
        )
        .unwrap_err();
        assert_eq!(error.variable, "DATABASE_MIGRATION_URL");
        assert!(error.message.contains("needs DATABASE_URL"), "{error}");
    }

    #[test]
    fn the_dev_mailbox_is_refused_wherever_someone_else_could_read_it() {
        let local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let dev = |extra: &[(&str, &str)]| {
            let mut vars = map(&[("ROSTER_MAIL", "dev-mailbox"), ("HOME", "/home/ada")]);
            vars.extend(map(extra));
            Config::from_map(&vars, false).unwrap()
        };
        assert!(dev(&[]).check_dev_mailbox(local).is_ok());
        let https = dev(&[("PUBLIC_BASE_URL", "https://roster.example")]);
        let database = dev(&[("DATABASE_URL", "postgres://roster@db/roster")]);
        let proxied = dev(&[("ROSTER_TRUSTED_PROXIES", "127.0.0.1")]);
        let named = dev(&[("PUBLIC_BASE_URL", "http://roster.example:3000")]);
        let lan = dev(&[("PUBLIC_BASE_URL", "http://192.0.2.10:3000/")]);
        for url in [
            "http://localhost:3000",
            "http://127.0.0.1:3000/",
            "http://[::1]:3000",
        ] {
            assert!(dev(&[("PUBLIC_BASE_URL", url)])
                .check_dev_mailbox(local)
                .is_ok());
        }
        for (config, listen) in [
            (named, local),
            (lan, local),
            (https, local),
            (database, local),
            (proxied, local),
            (dev(&[]), "0.0.0.0:3000".parse().unwrap()),
            (dev(&[]), "192.0.2.10:3000".parse().unwrap()),
        ] {
            let error = config.check_dev_mailbox(listen).unwrap_err();
            assert_eq!(error.variable, "ROSTER_MAIL", "{listen}");
        }
        // Nothing to check without the mailbox.
        let plain = Config::from_map(&map(&[("HOME", "/home/ada")]), false).unwrap();
        assert!(plain
            .check_dev_mailbox("0.0.0.0:3000".parse().unwrap())
            .is_ok());
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = Config::from_map(
            &map(&[
                ("DATABASE_URL", "postgres://roster:hunter2@db/roster"),
                ("ROSTER_MAIL", "smtp"),
                ("SMTP_URL", "smtps://mailer:sw0rdfish@mail.example"),
                ("PUBLIC_BASE_URL", "https://roster.example/"),
            ]),
            false,
        )
        .unwrap();
        let printed = format!("{c:?}");
        assert!(
            !printed.contains("hunter2") && !printed.contains("sw0rdfish"),
            "{printed}"
        );
        assert_eq!(c.public_base_url, "https://roster.example");
        assert!(c.is_https());
    }

    #[test]
    fn plain_smtp_only_to_this_host_or_with_tls_required() {
        for ok in [
            "smtps://user:pw@mail.example",
            "smtp://user:pw@mail.example:587?tls=required",
            "smtp://localhost:25",
            "smtp://127.0.0.1:1025",
            "smtp://[::1]:25",
        ] {
            assert!(check_smtp_tls(ok).is_ok(), "{ok}");
        }
        for refused in [
            "smtp://mail.example",
            "smtp://u:p@192.0.2.1:25?tls=opportunistic",
        ] {
            let error = check_smtp_tls(refused).unwrap_err();
            assert_eq!(error.variable, "SMTP_URL", "{refused}");
        }
    }

    #[test]
    fn proxies_and_their_header() {
        let c = Config::from_map(
            &map(&[
                ("ROSTER_TRUSTED_PROXIES", "10.0.0.0/8 192.0.2.1"),
                ("ROSTER_CLIENT_IP_HEADER", "Forwarded"),
            ]),
            false,
        )
        .unwrap();
        assert!(c.client_addresses.trusts_any());
    }

    #[test]
    fn env_file_lines() {
        let parsed = parse_env_file("# comment\nA=1\n B = \"two\" \n\n").unwrap();
        assert_eq!(
            parsed,
            vec![("A".into(), "1".into()), ("B".into(), "two".into())]
        );
        assert!(parse_env_file("nonsense").is_err());
    }
}
