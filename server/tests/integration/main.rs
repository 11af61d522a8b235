//! Roster's integration tests: one binary (one link), many modules. Each
//! test gets its own database, cloned from a migrated template in a
//! PostgreSQL cluster that this binary starts for itself.

// Test code: an unwrap that fails is a test failure with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_model;
mod audit;
mod authorization;
mod bundles;
mod client_address;
mod delegated;
mod departments;
mod email_verification;
mod groups;
mod harness;
mod invitations;
mod limits;
mod live;
mod member_access;
mod members;
mod organisation_settings;
mod password_reset;
mod product_permissions;
mod profile;
mod roles;

mod config_files;
mod database_roles;
mod embedded_database;
mod security;
mod sign_in;
mod sites;
mod step_up;
mod switch_organisation;
mod team;
mod team_view;
mod two_factor;
mod two_factor_policy;
