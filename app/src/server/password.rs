//! Argon2id password hashing, off the async threads and bounded.

use super::error::ServerError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

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
/// burst of sign-ins could exhaust memory or starve other requests.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the email is unknown, so that unknown and known
    /// emails take the same time.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new(max_concurrent: usize) -> Result<Self, ServerError> {
        let dummy = hash_blocking("roster-dummy-password-for-timing")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: dummy.into(),
        })
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ServerError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServerError::Hashing(e.to_string()))?;
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
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServerError::Hashing(e.to_string()))?;
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

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = PasswordHasher::new(2).unwrap();
        let pw = Password::new("roster-dummy-password-for-timing".into());
        assert!(!hasher.verify(&pw, None).await.unwrap());
        assert!(!format!("{pw:?}").contains("dummy"));
    }
}
