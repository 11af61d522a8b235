//! Roster's application crate, shared by the server (`ssr`) and the browser
//! (`hydrate`) builds.
//!
//! - [`domain`]: types and rules with no I/O (validated inputs, permissions).
//! - [`wire`]: the types that cross the browser/server boundary, with
//!   [`wire::AppError`], the one error type, and its messages.
//! - [`api`]: the `#[server]` functions only: each hands its request to
//!   [`server`] code and returns a [`wire`] type.
//! - [`server`]: server-only code (database access, sessions, hashing).
//! - [`ui`]: pages and components.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;
pub mod wire;
