//! Secrets Roster must read back (authenticator keys), sealed with
//! AES-256-GCM under a key kept outside the database
//! (`ROSTER_SECRET_KEY_FILE`): a copy of the database alone, or a backup
//! of it, gives no one the keys that make sign-in codes.
//!
//! A sealed value is the 96-bit random nonce followed by the ciphertext
//! and its tag. Each is bound to what it belongs to (the account's id as
//! associated data), so a sealed value copied onto another account's row
//! does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore as _;
use std::path::Path;
use std::sync::Arc;

/// The length of a key file: 32 random bytes, nothing else.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// Shared: the key schedule is about 1 KB, and every request's state
/// holds the key.
#[derive(Clone)]
pub struct SealingKey(Arc<Aes256Gcm>);

/// Why a key file could not be used, in words for the operator.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyFileError {
    #[error("cannot read {path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path} must hold exactly 32 bytes (it holds {len}); make one with `head -c 32 /dev/urandom > {path}`")]
    WrongLength { path: String, len: usize },
    #[error("{path} may be read by other users (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: String, mode: u32 },
    #[error("cannot create {path}: {message}")]
    Uncreatable { path: String, message: String },
}

/// A sealed value that did not open: the wrong key, another owner's
/// value, or a damaged one.
#[derive(Debug, thiserror::Error)]
#[error("a sealed secret did not open (is ROSTER_SECRET_KEY_FILE the key it was sealed with?)")]
pub struct Unsealable;

impl SealingKey {
    pub fn from_bytes(bytes: &[u8; KEY_BYTES]) -> Self {
        Self(Arc::new(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(
            bytes,
        ))))
    }

    /// A new random key, for tests and for a first start.
    pub fn generate() -> ([u8; KEY_BYTES], Self) {
        let mut bytes = [0u8; KEY_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let key = Self::from_bytes(&bytes);
        (bytes, key)
    }

    /// Reads the key at `path`. The file must hold exactly 32 bytes and be
    /// readable by its owner only.
    pub fn read(path: &Path) -> Result<Self, KeyFileError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| KeyFileError::Unreadable {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if let Ok(meta) = std::fs::metadata(path) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(KeyFileError::TooOpen { path: shown, mode });
                }
            }
        }
        let bytes: [u8; KEY_BYTES] =
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| KeyFileError::WrongLength {
                    path: shown,
                    len: bytes.len(),
                })?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Reads the key at `path`, or makes one there (mode 0600, written
    /// before anything is sealed with it) when there is none: what the
    /// embedded mode does under its data directory.
    pub fn read_or_create(path: &Path) -> Result<Self, KeyFileError> {
        if path.exists() {
            return Self::read(path);
        }
        let uncreatable = |e: std::io::Error| KeyFileError::Uncreatable {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let (bytes, key) = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        use std::io::Write as _;
        let mut file = options.open(path).map_err(uncreatable)?;
        file.write_all(&bytes).map_err(uncreatable)?;
        file.sync_all().map_err(uncreatable)?;
        Ok(key)
    }

    /// `secret` sealed for `owner`.
    pub fn seal(&self, secret: &[u8], owner: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: secret,
            aad: owner,
        };
        // Encrypting into a Vec fails only when it cannot allocate.
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// What [`SealingKey::seal`] sealed for `owner`.
    pub fn open(&self, sealed: &[u8], owner: &[u8]) -> Result<Vec<u8>, Unsealable> {
        if sealed.len() < NONCE_BYTES {
            return Err(Unsealable);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: owner,
        };
        self.0
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| Unsealable)
    }
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_key_and_owner() {
        let (_, key) = SealingKey::generate();
        let (_, other) = SealingKey::generate();
        let sealed = key.seal(b"twenty bytes secret!", b"account-a");
        assert_eq!(sealed.len(), 12 + 20 + 16);
        assert!(!sealed.windows(6).any(|w| w == b"twenty"));
        assert_eq!(
            key.open(&sealed, b"account-a").unwrap(),
            b"twenty bytes secret!"
        );
        assert!(key.open(&sealed, b"account-b").is_err());
        assert!(other.open(&sealed, b"account-a").is_err());
        let mut damaged = sealed.clone();
        damaged[20] ^= 1;
        assert!(key.open(&damaged, b"account-a").is_err());
        assert!(key.open(&sealed[..5], b"account-a").is_err());
        // A new nonce each time.
        assert_ne!(key.seal(b"x", b"a"), key.seal(b"x", b"a"));
    }

    #[test]
    fn a_key_file_is_made_private_and_read_back() {
        let dir =
            std::env::temp_dir().join(format!("roster-key-{}", super::super::token::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        let made = SealingKey::read_or_create(&path).unwrap();
        let sealed = made.seal(b"s", b"o");
        let again = SealingKey::read_or_create(&path).unwrap();
        assert_eq!(again.open(&sealed, b"o").unwrap(), b"s");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                SealingKey::read(&path),
                Err(KeyFileError::TooOpen { .. })
            ));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(
            SealingKey::read(&path),
            Err(KeyFileError::WrongLength { len: 5, .. })
        ));
        assert!(matches!(
            SealingKey::read(&dir.join("missing")),
            Err(KeyFileError::Unreadable { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
