//! Server-only code: compiled into the `ssr` build, never into the WASM
//! bundle. Database access lives in [`db`], one module per concept.

pub mod actor;
pub mod assignment;
pub mod audit;
pub mod avatar;
pub mod clock;
pub mod credential_limits;
pub mod db;
pub mod departments;
pub mod email_templates;
pub mod email_verification;
pub mod error;
pub mod event_hub;
pub mod form_errors;
pub mod groups;
pub mod home;
pub mod invitation_limits;
pub mod invitations;
pub mod member_access;
pub mod members;
pub mod organisations;
pub mod page_data;
pub mod password;
pub mod password_resets;
pub mod password_strength;
pub mod product_permissions;
pub mod profile;
pub mod request;
pub mod roles;
pub mod sealing;
pub mod seed;
pub mod session;
pub mod sign_in;
pub mod sites;
pub mod state;
pub mod step_up;
pub mod team;
pub mod token;
pub mod totp;
pub mod two_factor;

pub use error::ServerError;
pub use event_hub::TeamEvents;
pub use state::{AppState, AuthSettings, Links, OutboxSignal};

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
