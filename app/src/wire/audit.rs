//! The owners' audit log: one page of events and the filters' choices.

use crate::domain::audit_view::AuditQuery;
use chrono::{DateTime, Utc};
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

/// What the audit page's filters need: the organisation's time zone (dates
/// are read in it) and the names of people who appear as actors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditFilterChoices {
    pub time_zone: String,
    pub actors: Vec<String>,
}
