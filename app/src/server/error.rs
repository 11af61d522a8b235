//! Failures inside the server, and how they become an [`AppError`].

use crate::wire::AppError;

/// What can go wrong below the server functions. Its text goes to the log,
/// never to the client: [`ServerError::into_app_error`] decides what crosses
/// the wire.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("password hashing: {0}")]
    Hashing(String),
    /// A blocking task (picture decoding) panicked or was cancelled.
    #[error("background task: {0}")]
    Task(String),
    /// A sealed secret did not open: the wrong `ROSTER_SECRET_KEY_FILE`.
    #[error("sealing: {0}")]
    Sealing(String),
    #[error("server state missing from the request context")]
    MissingState,
    /// A domain-level refusal that passes through unchanged.
    #[error("{0}")]
    App(#[from] AppError),
}

impl ServerError {
    /// Logs internal failures with the request id and turns them into the
    /// opaque [`AppError::Internal`]; domain refusals pass through.
    pub fn into_app_error(self, request_id: &str) -> AppError {
        match self {
            ServerError::App(e) => e,
            other => {
                tracing::error!(request_id, error = %other, "request failed");
                AppError::Internal {
                    reference: request_id.to_string(),
                }
            }
        }
    }
}

impl From<crate::domain::Refusal> for ServerError {
    fn from(refusal: crate::domain::Refusal) -> Self {
        Self::App(refusal.into())
    }
}

/// True when `error` is a unique-constraint violation (SQLSTATE 23505).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some("23505"))
}
