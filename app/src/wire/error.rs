//! The error that server functions return, and the one place that decides
//! what a person reads for each case.
//!
//! Nothing here carries internal detail (SQL text, file paths): server-side
//! failures become [`AppError::Internal`] with the request id, which matches
//! the server's log lines.

use crate::domain::sign_in_delay::wait_phrase;
use crate::domain::Refusal;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use server_fn::Bytes;

/// What [`AppError::Transport`] says: also what a page shows when its
/// answer could not be read at all.
/// The `field` of an [`AppError::Invalid`] about the request as a whole (a
/// body that does not decode), not one of its fields.
pub const REQUEST_FIELD: &str = "request";

pub const TRANSPORT_MESSAGE: &str = "Could not reach Roster. Check your connection and try again.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session: signed out, expired, revoked, or access removed.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Signed in, but this actor may not do this or see this data.
    #[error(
        "You don't have access to this. Ask an owner or admin of your organisation if you need it."
    )]
    Forbidden,
    /// The same message whether the email is unknown or the password wrong,
    /// so that the answer never reveals who has an account.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Too many recent failures for this account or from this address:
    /// the next attempt is judged after `seconds` (sent as `Retry-After`).
    #[error("Too many failed sign-in attempts. Try again in {}.", wait_phrase(*seconds))]
    RateLimited { seconds: u32 },
    /// More passwords are waiting to be checked than the server checks at
    /// once: shed at once rather than answered late.
    #[error("Roster is busy right now. Try again in a few seconds.")]
    Busy,
    /// One session holds as many live team streams as it may (a tab each).
    #[error("Roster is open in too many tabs. Close some, then reload this page.")]
    TooManyStreams,
    /// An inviter or organisation sent as many invitations this hour as it
    /// may; `minutes` until the next one may go.
    #[error("Too many invitations sent in the last hour. Try again in {}.", wait_phrase(*minutes * 60))]
    TooManyInvitations { minutes: u32 },
    /// Too many "Forgot password?" requests from one address, whatever
    /// emails they named: it says nothing about who has an account.
    #[error("Too many password reset requests from your network. Try again in {minutes} {}.", if *minutes == 1 { "minute" } else { "minutes" })]
    TooManyResetRequests { minutes: u32 },
    /// A risky action (an export, deleting a member, changing a role) with
    /// no proof of who is asking in the last 15 minutes: the person
    /// confirms their password (and a code, with `factor`) and the action
    /// is tried again (`ui::step_up`).
    #[error("To do this, confirm it's you: enter your password{} again.", if *factor { " and a code from your authenticator app" } else { "" })]
    StepUpRequired { factor: bool },
    /// The organisation requires a second factor of this person and their
    /// grace has run out: until they set one up, only factor setup, their
    /// profile and signing out answer (pages take them to the setup).
    #[error("Your organisation requires two-factor sign-in. Set up an authenticator app on your profile page to continue.")]
    TwoFactorSetupRequired,
    /// Correct password, but no organisation where the membership is enabled.
    #[error("Your access has been disabled. Contact an administrator of your organisation.")]
    AccessDisabled,
    /// Bad input: `field` names the form field the message belongs beside.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("That was not found.")]
    NotFound,
    /// A change that a rule of the organisation forbids (the last Owner,
    /// the primary contact, oneself) or that a link's state no longer
    /// allows; the [`Refusal`]'s message says what to do instead.
    #[error("{0}")]
    Refused(Refusal),
    /// A failure on our side. The reference matches the server's logs.
    #[error("Something went wrong on our side. Please try again (reference {reference}).")]
    Internal { reference: String },
    /// The request did not reach the server or its answer did not make sense.
    #[error("{}", TRANSPORT_MESSAGE)]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The form field this error's message belongs beside, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Refused(refusal) => refusal.field(),
            _ => None,
        }
    }

    /// The message for a form field, if this error belongs beside it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        (self.field() == Some(name)).then(|| self.to_string())
    }

    /// The HTTP status a server function or plain route answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden
            | Self::AccessDisabled
            | Self::StepUpRequired { .. }
            | Self::TwoFactorSetupRequired => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Refused(_) => StatusCode::CONFLICT,
            // The request as a whole: it did not decode.
            Self::Invalid { field, .. } if field == REQUEST_FIELD => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. }
            | Self::TooManyResetRequests { .. }
            | Self::Busy
            | Self::TooManyStreams
            | Self::TooManyInvitations { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal { .. } | Self::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`),
    /// for refusals that say when.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::RateLimited { seconds } => Some((*seconds).max(1)),
            Self::TooManyResetRequests { minutes } | Self::TooManyInvitations { minutes } => {
                Some(minutes.saturating_mul(60).max(1))
            }
            Self::Busy => Some(1),
            _ => None,
        }
    }
}

/// The one mapping from an error to an HTTP answer, for plain routes
/// (server functions get the same status from `server::request::serve`):
/// the status of [`AppError::status`] and the message as plain text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let retry_after = self.retry_after();
        let mut response = (self.status(), self.to_string()).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// An error as a person reads it, and the form field it belongs beside:
/// all that a form or a link page shows. The invitee pages decode only
/// this from an error's answer (see `Answer` below), so their bundle holds
/// neither the error's variants nor their messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownError {
    pub message: String,
    pub field: Option<String>,
}

impl ShownError {
    /// For an answer that did not arrive or could not be read.
    pub fn transport() -> Self {
        Self {
            message: TRANSPORT_MESSAGE.to_string(),
            field: None,
        }
    }

    /// The message for a form field, if this error belongs beside it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        (self.field.as_deref() == Some(name)).then(|| self.message.clone())
    }
}

impl std::fmt::Display for ShownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&AppError> for ShownError {
    fn from(error: &AppError) -> Self {
        Self {
            message: error.to_string(),
            field: error.field().map(str::to_string),
        }
    }
}

impl From<AppError> for ShownError {
    fn from(error: AppError) -> Self {
        Self::from(&error)
    }
}

/// A server function's error answer: the error, and beside it how it
/// reads. Pages and tests that act on the variant read `error`; a form
/// only shows `message` beside `field`, and reads only those
/// ([`ShownError`], which ignores `error`).
#[derive(Serialize, Deserialize)]
struct Answer<E> {
    error: E,
    message: String,
    field: Option<String>,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A request that does not decode, or could not be read, is bad
            // input, not our failure (answered 400, see `status`).
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                Self::invalid(REQUEST_FIELD, message)
            }
            // On the server these are the request's body (in the browser,
            // an answer that did not arrive whole: a transport failure).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) | ServerFnErrorErr::Request(message) => {
                Self::invalid(REQUEST_FIELD, message)
            }
            other => Self::Transport(other.to_string()),
        }
    }

    fn ser(&self) -> Bytes {
        let answer = Answer {
            error: self,
            message: self.to_string(),
            field: self.field().map(str::to_string),
        };
        // Nothing in an error fails to serialise; were it to, an empty
        // answer reads as a transport failure.
        serde_json::to_vec(&answer).unwrap_or_default().into()
    }

    fn de(data: Bytes) -> Self {
        serde_json::from_slice::<Answer<Self>>(&data)
            .map(|answer| answer.error)
            .unwrap_or_else(|e| Self::Transport(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_specific_and_leak_nothing() {
        assert_eq!(
            AppError::RateLimited { seconds: 1 }.to_string(),
            "Too many failed sign-in attempts. Try again in 1 second."
        );
        assert_eq!(
            AppError::RateLimited { seconds: 840 }.to_string(),
            "Too many failed sign-in attempts. Try again in 14 minutes."
        );
        assert_eq!(AppError::RateLimited { seconds: 8 }.retry_after(), Some(8));
        assert_eq!(AppError::Busy.retry_after(), Some(1));
        assert_eq!(AppError::Forbidden.retry_after(), None);
        let e = AppError::invalid("email", "Enter an email address.");
        assert_eq!(
            e.for_field("email").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(e.for_field("password"), None);
    }

    #[test]
    fn an_answer_carries_the_error_and_how_it_reads() {
        let errors = [
            AppError::invalid("email", "Enter an email address."),
            AppError::Refused(Refusal::AccountExists),
            AppError::RateLimited { seconds: 90 },
            AppError::Forbidden,
        ];
        for error in errors {
            let answer = error.ser();
            assert_eq!(AppError::de(answer.clone()), error, "the variant survives");
            let shown: ShownError = serde_json::from_slice(&answer).unwrap();
            assert_eq!(shown.message, error.to_string());
            assert_eq!(shown.field.as_deref(), error.field());
            assert_eq!(shown, ShownError::from(&error));
        }
        assert!(matches!(
            AppError::de("not json".into()),
            AppError::Transport(_)
        ));
        assert_eq!(
            ShownError::transport().to_string(),
            AppError::Transport(String::new()).to_string()
        );
    }
}
