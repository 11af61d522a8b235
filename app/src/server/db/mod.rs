//! Database access, one module per concept. Every query is checked against
//! the schema at compile time (`sqlx::query!`, offline data in `.sqlx/`),
//! except the page queries of the team table and the audit log, which
//! `team_view` and `audit_view` explain.

pub mod accounts;
pub mod audit;
pub mod audit_view;
pub mod avatars;
pub mod credential_failures;
pub mod departments;
pub mod email_verifications;
pub mod grants;
pub mod groups;
pub mod invitations;
pub mod keyset;
pub mod memberships;
pub mod organisations;
pub mod outbox;
pub mod password_resets;
pub mod product_permissions;
pub mod roles;
pub mod sessions;
pub mod sign_in_attempts;
pub mod sites;
pub mod team_events;
pub mod team_view;
pub mod two_factor;
