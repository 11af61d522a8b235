//! Server functions and the types they exchange with the browser. Each is
//! thin: find the actor, check permission and organisation, call the data
//! layer, map errors. Endpoints are stable (`/api/<endpoint>`) so that tests
//! and tools can call them directly.

/// The server functions anyone may call without a session (their own
/// credentials are a token, a password or a pending sign-in, or they say
/// only what the caller's own cookie holds). Every other one answers 401
/// to a request with no session cookie before it reads the body
/// (`server::http::client_errors`); the authorization table test checks
/// this list against its own.
pub const PUBLIC_ENDPOINTS: [&str; 16] = [
    "session",
    "home",
    "sign_in",
    "sign_out",
    "sign_in/code",
    "sign_in/recovery_code",
    "invitation/view",
    "invitation/accept_new",
    "invitation/accept_existing",
    "invitation/sign_out",
    "invitation/password_hint",
    "password_reset/request",
    "password_reset/view",
    "password_reset/complete",
    "password_reset/password_hint",
    "email_verification/view",
];

pub mod accept;
pub mod audit;
pub mod auth;
pub mod departments;
pub mod email_verification;
pub mod groups;
pub mod invitations;
pub mod members;
pub mod organisation;
pub mod password_reset;
pub mod permissions;
pub mod profile;
pub mod roles;
pub mod sites;
pub mod team;
pub mod two_factor;
