//! The audit log, for owners: one page of a filtered view, and what its
//! filters offer. Both need
//! [`Permission::ViewAuditLog`](crate::domain::Permission::ViewAuditLog);
//! anyone else gets [`AppError::Forbidden`], never an empty log.

use crate::domain::audit_view::AuditQuery;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One event as the audit page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// The time in the organisation's time zone, `YYYY-MM-DD HH:MM:SS`.
    pub local_time: String,
    /// Who did it, as named then; `None` when nobody signed in did (a
    /// failed sign-in, a reset link asked for, the system).
    pub actor: Option<String>,
    /// The stable action key, such as `member.disabled`.
    pub action: String,
    /// What it was done to, as named then (an invitation by its email).
    pub target: Option<String>,
    /// Before and after, as readable lines ("Role: Member → Admin").
    pub details: Vec<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditListing {
    /// The view as the server understood it.
    pub query: AuditQuery,
    pub entries: Vec<AuditEntry>,
    /// Cursors for the neighbouring pages, when there are events there.
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// One page of `organisation_id`'s audit log as `query` describes it,
/// newest first. Dates are days in the organisation's time zone; a "To"
/// before the "From" is [`AppError::Invalid`] for the field `to`.
#[server(endpoint = "audit/list")]
pub async fn list_audit(
    organisation_id: crate::domain::OrganisationId,
    #[server(default)] query: AuditQuery,
) -> Result<AuditListing, AppError> {
    use crate::server::request::serve;
    serve(|scope| crate::server::audit::list(scope, organisation_id, query)).await
}

/// What the audit page's filters need: the organisation's time zone (dates
/// are read in it) and the names of people who appear as actors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditFilterChoices {
    pub time_zone: String,
    pub actors: Vec<String>,
}

#[server(endpoint = "audit/filters")]
pub async fn audit_filters() -> Result<AuditFilterChoices, AppError> {
    use crate::server::request::serve;
    serve(crate::server::audit::filters).await
}
