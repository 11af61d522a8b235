//! The Roster server: configuration, the embedded database, the HTTP
//! router and its middleware. `main.rs` is the command line around it.

pub mod application;
pub mod assets;
pub mod config;
pub mod database;
pub mod embedded_pg;
pub mod housekeeping;
pub mod http;
pub mod mailer;
pub mod team_listener;
