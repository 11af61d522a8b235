//! Sends the outbox: a worker in every server process claims due emails
//! (rows other processes hold are skipped), sends them through lettre, and
//! records the outcome. A failed send is retried with exponential backoff
//! until `max_attempts`; a crash mid-send is retried once the claim's lease
//! ends. Nothing is lost across restarts: the queue is the database.

use crate::config::MailTransport;
use app::server::db::outbox::{self, Claimed};
use app::server::db::team_events;
use app::server::email_templates::open_bodies;
use app::server::sealing::SealingKey;
use app::server::OutboxSignal;
use chrono::{DateTime, Utc};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use sqlx::PgPool;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Where emails go.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    DevMailbox(DevMailbox),
}

impl Transport {
    /// The configured transport; `None` when none is (emails then wait in
    /// the outbox).
    pub fn from_config(mail: &MailTransport) -> Result<Option<Self>, String> {
        match mail {
            MailTransport::Unset => Ok(None),
            MailTransport::DevMailbox => Ok(Some(Self::DevMailbox(DevMailbox::default()))),
            MailTransport::Smtp { url } => {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map(|builder| Some(Self::Smtp(builder.build())))
                    // lettre's message may quote the URL, credentials and all.
                    .map_err(|_| "SMTP_URL: not a valid SMTP URL".to_string())
            }
        }
    }

    pub fn dev_mailbox(&self) -> Option<&DevMailbox> {
        match self {
            Self::DevMailbox(mailbox) => Some(mailbox),
            Self::Smtp(_) => None,
        }
    }
}

/// An email kept by the dev mailbox.
#[derive(Clone)]
pub struct StoredEmail {
    pub id: u64,
    pub received_at: DateTime<Utc>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The demo's mailbox: the last emails "sent", in this process's memory
/// only, so no table keeps their links. Shown at `/dev/mailbox`.
#[derive(Clone, Default)]
pub struct DevMailbox(Arc<Mutex<VecDeque<StoredEmail>>>);

impl DevMailbox {
    /// How many emails it keeps; older ones drop off.
    pub const CAPACITY: usize = 200;

    fn push(&self, to: &str, subject: &str, text: &str, html: &str) {
        let Ok(mut emails) = self.0.lock() else {
            return;
        };
        let id = emails.back().map(|e| e.id + 1).unwrap_or(1);
        emails.push_back(StoredEmail {
            id,
            received_at: Utc::now(),
            to: to.to_string(),
            subject: subject.to_string(),
            text: text.to_string(),
            html: html.to_string(),
        });
        while emails.len() > Self::CAPACITY {
            emails.pop_front();
        }
    }

    /// Newest first.
    pub fn list(&self) -> Vec<StoredEmail> {
        self.0
            .lock()
            .map(|emails| emails.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    pub fn get(&self, id: u64) -> Option<StoredEmail> {
        self.0
            .lock()
            .ok()
            .and_then(|emails| emails.iter().find(|e| e.id == id).cloned())
    }
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub from: Mailbox,
    /// How often to look for due emails when not woken.
    pub poll: Duration,
    /// How long a claim lasts before another worker may retry it.
    pub lease: Duration,
    /// Emails claimed per round.
    pub batch: i64,
    /// Delay after the first failure; doubled after each further one.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Attempts before an email is given up on.
    pub max_attempts: i32,
}

impl WorkerSettings {
    pub fn new(from: Mailbox) -> Self {
        Self {
            from,
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(120),
            batch: 20,
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(30 * 60),
            // With the defaults: retries over about seven hours.
            max_attempts: 20,
        }
    }

    /// The wait before the next try, after `attempts` failed ones.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.backoff_base
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.backoff_max)
    }
}

/// Starts the worker. It stops when `shutdown` turns true, after finishing
/// the email it is sending. `sealing` opens the bodies the outbox keeps.
pub fn spawn(
    pool: PgPool,
    sealing: SealingKey,
    transport: Transport,
    signal: OutboxSignal,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let more = match run_once(&pool, &sealing, &transport, &settings).await {
                Ok(claimed) => claimed as i64 >= settings.batch,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: database error; retrying");
                    false
                }
            };
            if more {
                continue;
            }
            tokio::select! {
                _ = signal.woken() => {}
                _ = tokio::time::sleep(settings.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("outbox worker stopped");
    })
}

/// Claims and sends one batch; returns how many were claimed.
pub async fn run_once(
    pool: &PgPool,
    sealing: &SealingKey,
    transport: &Transport,
    settings: &WorkerSettings,
) -> sqlx::Result<usize> {
    let claimed = outbox::claim_due(pool, settings.batch, settings.lease).await?;
    let count = claimed.len();
    for email in claimed {
        let outcome = match bodies(sealing, &email) {
            Ok((text, html)) => send(transport, &settings.from, &email, text, html).await,
            Err(error) => Err(error),
        };
        // The record and its announcement commit together.
        let mut tx = pool.begin().await?;
        let notice = match outcome {
            Ok(()) => {
                tracing::info!(outbox_id = email.id, "email sent");
                outbox::mark_sent(&mut *tx, email.id).await?
            }
            Err(error) => {
                let attempts = email.attempts + 1;
                let retry_in = settings.backoff(attempts);
                tracing::warn!(outbox_id = email.id, attempts, %error, ?retry_in, "email not sent");
                outbox::mark_failed(&mut *tx, email.id, &error, retry_in, settings.max_attempts)
                    .await?
            }
        };
        team_events::notify(&mut *tx, notice.as_slice()).await?;
        tx.commit().await?;
    }
    Ok(count)
}

/// The plain-text and HTML bodies of `email`: opened, or as an email
/// queued before bodies were sealed kept them.
fn bodies(sealing: &SealingKey, email: &Claimed) -> Result<(String, String), String> {
    match (&email.body_sealed, &email.body_text, &email.body_html) {
        (Some(sealed), _, _) => {
            open_bodies(sealing, sealed, &email.recipient).map_err(|e| e.to_string())
        }
        (None, Some(text), Some(html)) => Ok((text.clone(), html.clone())),
        _ => Err("the email has no body".to_string()),
    }
}

/// Sends one email. The error text is safe to store and log: it never
/// contains the body (where the links are).
async fn send(
    transport: &Transport,
    from: &Mailbox,
    email: &Claimed,
    text: String,
    html: String,
) -> Result<(), String> {
    match transport {
        Transport::DevMailbox(mailbox) => {
            mailbox.push(&email.recipient, &email.subject, &text, &html);
            Ok(())
        }
        Transport::Smtp(smtp) => {
            let to: Mailbox = email
                .recipient
                .parse()
                .map_err(|e| format!("recipient address: {e}"))?;
            let message = Message::builder()
                .from(from.clone())
                .to(to)
                .subject(email.subject.clone())
                .multipart(
                    MultiPart::alternative()
                        .singlepart(
                            SinglePart::builder()
                                .header(ContentType::TEXT_PLAIN)
                                .body(text),
                        )
                        .singlepart(
                            SinglePart::builder()
                                .header(ContentType::TEXT_HTML)
                                .body(html),
                        ),
                )
                .map_err(|e| format!("building the message: {e}"))?;
            smtp.send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut s = WorkerSettings::new("Roster <roster@localhost>".parse().unwrap());
        s.backoff_base = Duration::from_secs(10);
        s.backoff_max = Duration::from_secs(60);
        assert_eq!(s.backoff(1), Duration::from_secs(10));
        assert_eq!(s.backoff(2), Duration::from_secs(20));
        assert_eq!(s.backoff(3), Duration::from_secs(40));
        assert_eq!(s.backoff(4), Duration::from_secs(60));
        assert_eq!(s.backoff(50), Duration::from_secs(60));
    }

    #[test]
    fn the_dev_mailbox_keeps_the_newest_emails() {
        let mailbox = DevMailbox::default();
        for i in 0..DevMailbox::CAPACITY + 5 {
            mailbox.push("a@example.com", &format!("s{i}"), "t", "h");
        }
        let list = mailbox.list();
        assert_eq!(list.len(), DevMailbox::CAPACITY);
        assert_eq!(list[0].subject, format!("s{}", DevMailbox::CAPACITY + 4));
        assert!(mailbox.get(list[0].id).is_some());
        assert!(mailbox.get(1).is_none(), "the oldest dropped off");
    }
}
