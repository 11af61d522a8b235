//! What every request handler can reach.

use super::clock::Clock;
use super::email_templates::{RenderedEmail, SealedEmail};
use super::event_hub::TeamEvents;
use super::password::PasswordHasher;
use super::sealing::SealingKey;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Shared state, provided to server functions through Leptos context and to
/// axum handlers through `State`.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub hasher: PasswordHasher,
    pub links: Arc<Links>,
    pub outbox: OutboxSignal,
    /// Team changes for this process's live streams, fed by its listener.
    pub team_events: TeamEvents,
    /// Work that requests start and do not wait for.
    pub background: BackgroundTasks,
    /// Seals authenticator secrets (`ROSTER_SECRET_KEY_FILE`).
    pub sealing: SealingKey,
    /// What two-factor sign-in takes as now; fixed in tests.
    pub clock: Clock,
}

/// Work a request starts and does not wait for: the "Forgot password?"
/// lookup and email, which run after the answer so that a known email is
/// answered as fast as an unknown one. Counted, so that a shutdown lets it
/// finish and tests wait until it has rather than sleeping.
#[derive(Clone, Default)]
pub struct BackgroundTasks(Arc<Background>);

#[derive(Default)]
struct Background {
    running: AtomicUsize,
    idle: tokio::sync::Notify,
}

impl BackgroundTasks {
    /// Runs `task` on the runtime, counted until it ends (or panics).
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.0.running.fetch_add(1, Ordering::SeqCst);
        let done = Done(self.0.clone());
        tokio::spawn(async move {
            let _done = done;
            task.await;
        });
    }

    /// Resolves once no task is running.
    pub async fn idle(&self) {
        loop {
            let notified = self.0.idle.notified();
            tokio::pin!(notified);
            // Registered before the count is read, so a task ending in
            // between still wakes us.
            notified.as_mut().enable();
            if self.0.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Counts a task as ended when dropped, whether it finished or panicked.
struct Done(Arc<Background>);

impl Drop for Done {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Builds the links that go into emails and onto the command line. They
/// always start with `PUBLIC_BASE_URL`, never with a request's Host header,
/// which an attacker could set.
///
/// An email that carries one of the secret links waits in the outbox
/// sealed with the key kept here ([`Links::seal`]), so that whoever makes
/// a link also seals it.
#[derive(Debug, Clone)]
pub struct Links {
    public_base_url: String,
    sealing: SealingKey,
}

impl Links {
    /// `public_base_url` is scheme, host and port, without a trailing slash;
    /// `sealing` the server's secret key.
    pub fn new(public_base_url: &str, sealing: SealingKey) -> Self {
        Self {
            public_base_url: public_base_url.trim_end_matches('/').to_string(),
            sealing,
        }
    }

    /// `email` for `recipient`, sealed for the outbox; `link_expires_at`
    /// is when the link it carries stops working (`None` for a notice).
    pub fn seal(
        &self,
        email: &RenderedEmail,
        recipient: &str,
        link_expires_at: Option<DateTime<Utc>>,
    ) -> SealedEmail {
        email.seal(&self.sealing, recipient, link_expires_at)
    }

    /// The accept page for an invitation token. The token goes in the query,
    /// which the request log leaves out (it logs only the path).
    pub fn invitation(&self, token: &str) -> String {
        format!("{}/invite?token={token}", self.public_base_url)
    }

    /// The page that sets a new password with a reset token; the token is
    /// in the query, as for invitations.
    pub fn password_reset(&self, token: &str) -> String {
        format!("{}/reset-password?token={token}", self.public_base_url)
    }

    /// The page that verifies an account's address with a verification
    /// token; the token is in the query, as for invitations.
    pub fn email_verification(&self, token: &str) -> String {
        format!("{}/verify-email?token={token}", self.public_base_url)
    }

    /// Where anyone asks for a reset link (no secret in it).
    pub fn forgot_password(&self) -> String {
        format!("{}/forgot-password", self.public_base_url)
    }
}

/// Wakes this process's outbox worker when an email is queued, so it goes
/// out at once instead of at the next poll. Other processes find it at
/// their next poll.
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<tokio::sync::Notify>);

impl OutboxSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

/// The parts of the configuration that sign-in and sessions need.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Whether `PUBLIC_BASE_URL` is https: cookies are then `Secure` and
    /// `__Host-` prefixed.
    pub secure_cookies: bool,
    /// A session unused for this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_absolute: Duration,
    /// Failed sign-ins per account that cost no wait; each one after them
    /// doubles the wait (see `domain::sign_in_delay`).
    pub free_failures_per_account: u32,
    /// The same per client address (or IPv6 /64): higher, because one
    /// office or network shares an address.
    pub free_failures_per_address: u32,
    /// How far back failures count.
    pub sign_in_lookback: Duration,
    /// Second-factor failures, from anyone, after which an account's codes
    /// are refused until a right factor, a password reset or a reset of
    /// the factor (see `credential_limits`).
    pub factor_failure_ceiling: u32,
    /// Wrong passwords inside the account's sessions (not taken back by a
    /// right one in the same session) at which every session of it ends
    /// (see `credential_limits::password_failed`).
    pub in_session_password_ceiling: u32,
}

impl AuthSettings {
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-roster_session"
        } else {
            "roster_session"
        }
    }

    pub fn device_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-roster_device"
        } else {
            "roster_device"
        }
    }

    /// A sign-in waiting for its second factor (see
    /// [`two_factor`](super::two_factor)).
    pub fn pending_sign_in_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-roster_pending_sign_in"
        } else {
            "roster_pending_sign_in"
        }
    }

    /// Vouches for the error a form posted without JavaScript carries back
    /// to its page (see [`form_errors`](super::form_errors)).
    pub fn form_error_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-roster_form_error"
        } else {
            "roster_form_error"
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::from_secs(3600),
            session_absolute: Duration::from_secs(12 * 3600),
            free_failures_per_account: 5,
            free_failures_per_address: 50,
            sign_in_lookback: Duration::from_secs(24 * 3600),
            factor_failure_ceiling: 100,
            in_session_password_ceiling: 10,
        }
    }
}
