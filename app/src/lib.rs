//! Roster's application crate, shared by the server (`ssr`) and the browser
//! (`hydrate`) builds.
//!
//! - [`domain`]: types and rules with no I/O (validated inputs, permissions).
//! - [`error`]: the one error type that crosses the wire, and its messages.
//! - [`api`]: server functions: check the actor, call domain and data layer.
//! - [`server`]: server-only code (database access, sessions, hashing).
//! - [`ui`]: pages and components.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;
