//! Argon2id password hashing, off the async threads and bounded.

use super::error::ServerError;
use crate::wire::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{Semaphore, SemaphorePermit};

/// A password as typed. Never `Debug`-printed, never serialised.
pub struct Password(String);

impl Password {
    pub fn new(value: String) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// OWASP's recommended Argon2id parameters: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Result<Argon2<'static>, ServerError> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| ServerError::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes and verifies on tokio's blocking pool, at most `permits` at once:
/// each hash takes 19 MiB and tens of milliseconds of CPU, so an unbounded
/// burst of sign-ins could exhaust memory or starve other requests. Past
/// that, at most `max_waiting` wait their turn; any more are refused at
/// once with [`AppError::Busy`] (429, `Retry-After`), so that a burst is
/// shed instead of every sign-in answering late.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    /// Verified against when the email is unknown, so that unknown and known
    /// emails take the same time.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    /// Hashes `max_concurrent` passwords at once (the cores), with twice
    /// as many waiting.
    pub fn new(max_concurrent: usize) -> Result<Self, ServerError> {
        let max_concurrent = max_concurrent.max(1);
        Self::with_queue(max_concurrent, 2 * max_concurrent)
    }

    pub fn with_queue(max_concurrent: usize, max_waiting: usize) -> Result<Self, ServerError> {
        let dummy = hash_blocking("roster-dummy-password-for-timing")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
            dummy_hash: dummy.into(),
        })
    }

    /// A turn to hash: at once if one is free, after waiting if fewer than
    /// `max_waiting` already wait, otherwise [`AppError::Busy`].
    async fn turn(&self) -> Result<SemaphorePermit<'_>, ServerError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        let _waiting = Waiting::join(&self.waiting, self.max_waiting).ok_or(AppError::Busy)?;
        self.permits
            .acquire()
            .await
            .map_err(|e| ServerError::Hashing(e.to_string()))
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ServerError> {
        let _permit = self.turn().await?;
        let password = password.expose().to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| ServerError::Hashing(e.to_string()))?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when
    /// there is no stored hash (unknown email, or no password set yet), in
    /// which case the answer is always `false`.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<&str>,
    ) -> Result<bool, ServerError> {
        let _permit = self.turn().await?;
        let known = stored.is_some();
        let hash = stored
            .map(str::to_owned)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let password = password.expose().to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
            .await
            .map_err(|e| ServerError::Hashing(e.to_string()))??;
        Ok(known && matches)
    }
}

/// One place in the queue of waiting hashes, given back when dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicUsize, max: usize) -> Option<Self> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Self(count))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Hashes synchronously. For seeding and tests; request paths use
/// [`PasswordHasher::hash`].
pub fn hash_blocking(password: &str) -> Result<String, ServerError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Hashing(e.to_string()))
}

fn verify_blocking(password: &str, stored: &str) -> Result<bool, ServerError> {
    let parsed = PasswordHash::new(stored).map_err(|e| ServerError::Hashing(e.to_string()))?;
    // Verification uses the parameters recorded in the PHC string, so hashes
    // made with older parameters keep working.
    Ok(argon2()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_with_owasp_parameters() {
        let hash = hash_blocking("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking("correct horse battery staple", &hash).unwrap());
        assert!(!verify_blocking("wrong", &hash).unwrap());
    }

    /// With every hashing turn taken and the queue full, the next password
    /// is refused at once as busy; once the queue has room it waits again.
    #[tokio::test]
    async fn a_full_queue_sheds_at_once() {
        let hasher = PasswordHasher::with_queue(1, 2).unwrap();
        let held = hasher.permits.clone().try_acquire_owned().unwrap();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move {
                    hasher
                        .verify(&Password::new("waiting".into()), None)
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        while hasher.waiting.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        let shed = hasher
            .verify(&Password::new("one too many".into()), None)
            .await;
        assert!(
            matches!(shed, Err(ServerError::App(AppError::Busy))),
            "{shed:?}"
        );
        drop(held);
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap(), Ok(false), "waited, then verified");
        }
        assert_eq!(hasher.waiting.load(Ordering::Acquire), 0);
        assert_eq!(
            PasswordHasher::new(4).unwrap().max_waiting,
            8,
            "twice the cores"
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = PasswordHasher::new(2).unwrap();
        let pw = Password::new("roster-dummy-password-for-timing".into());
        assert!(!hasher.verify(&pw, None).await.unwrap());
        assert!(!format!("{pw:?}").contains("dummy"));
    }
}
