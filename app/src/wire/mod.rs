//! What crosses the browser/server boundary: the values server functions
//! take and answer with, and [`AppError`], the one error they return. One
//! file per concept. Both `api` (the server functions) and `server` (the
//! code behind them) import from here, and nothing here imports either, so
//! the two never depend on each other in a circle.

pub mod accept;
pub mod audit;
pub mod choice;
pub mod departments;
pub mod email_verification;
pub mod error;
pub mod groups;
pub mod invitations;
pub mod members;
pub mod moment;
pub mod organisation;
pub mod password;
pub mod password_reset;
pub mod permissions;
pub mod profile;
pub mod roles;
pub mod session;
pub mod sites;
pub mod team;
pub mod two_factor;

pub use choice::Choice;
pub use error::{AppError, ShownError};
pub use moment::Moment;
