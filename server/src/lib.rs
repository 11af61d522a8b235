//! The Roster server: configuration, the embedded database, the HTTP
//! router and its middleware, and the command line around them (`cli`),
//! which `main.rs` and `bin/roster-test-hooks` run.

pub mod application;
pub mod assets;
pub mod cli;
pub mod config;
pub mod database;
pub mod embedded_pg;
pub mod housekeeping;
pub mod http;
pub mod mailer;
pub mod team_listener;
