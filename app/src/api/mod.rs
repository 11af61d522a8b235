//! Server functions and the types they exchange with the browser. Each is
//! thin: find the actor, check permission and organisation, call the data
//! layer, map errors. Endpoints are stable (`/api/<endpoint>`) so that tests
//! and tools can call them directly.

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
