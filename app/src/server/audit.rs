//! The owners' audit log: a page of a filtered view, the filters' choices,
//! and the same view exported as CSV.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::audit_view::{self, EmailMatches, EventRow, Position, Seek};
use super::db::organisations;
use super::error::ServerError;
use super::request::RequestScope;
use crate::api::audit::{AuditEntry, AuditFilterChoices, AuditListing};
use crate::domain::audit::{action_label, describe_change, AuditAction};
use crate::domain::audit_view::{AuditQuery, PAGE_SIZE};
use crate::domain::team_view::PageAt;
use crate::domain::{csv, OrganisationId, Permission};
use crate::error::AppError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Events read per query while exporting.
const EXPORT_BATCH: i64 = 1000;

/// How many actors the filter suggests.
const ACTOR_SUGGESTIONS: i64 = 200;

/// A page cursor: an event's place in the log. Opaque, not secret.
fn encode_cursor(position: &Position) -> String {
    // Serialising plain data to JSON cannot fail.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

/// The position a cursor names; a made-up one means the first page.
fn decode_cursor(cursor: &str) -> Option<Position> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The viewer, allowed to read the audit log of their organisation (which
/// must be `org`, when the caller names one).
async fn viewer(scope: &RequestScope, org: Option<OrganisationId>) -> Result<Actor, ServerError> {
    let actor = authenticate(scope).await?;
    if let Some(org) = org {
        actor.require_organisation(org)?;
    }
    actor.require(Permission::ViewAuditLog)?;
    Ok(actor)
}

/// Refuses a view whose dates are the wrong way round, beside the field.
fn check(query: &AuditQuery) -> Result<(), AppError> {
    match query.problem() {
        Some(problem) => Err(AppError::invalid(problem.field, problem.message)),
        None => Ok(()),
    }
}

pub async fn list(
    scope: RequestScope,
    org: OrganisationId,
    query: AuditQuery,
) -> Result<AuditListing, ServerError> {
    let query = query.normalised();
    let actor = viewer(&scope, Some(org)).await?;
    check(&query)?;
    let pool = &scope.state.pool;
    let time_zone = organisations::settings(pool, actor.organisation_id)
        .await?
        .time_zone;
    let from = match &query.page {
        PageAt::First => None,
        PageAt::After(c) => decode_cursor(c).map(|p| (Seek::Older, p)),
        PageAt::Before(c) => decode_cursor(c).map(|p| (Seek::Newer, p)),
    };
    let emails = EmailMatches::find(pool, org, &query).await?;
    let limit = PAGE_SIZE as i64 + 1;
    let mut rows = audit_view::page(pool, org, &time_zone, &query, &emails, from, limit).await?;
    // One event more than a page says whether there is a page beyond.
    let more = rows.len() > PAGE_SIZE;
    let newer = matches!(from, Some((Seek::Newer, _)));
    if more {
        if newer {
            rows.remove(0);
        } else {
            rows.truncate(PAGE_SIZE);
        }
    }
    let cursor_at = |row: Option<&EventRow>| row.map(|r| encode_cursor(&r.position()));
    let from_cursor = from.map(|(_, p)| encode_cursor(&p));
    // As on the team table: from a cursor, the events on its side exist,
    // so an empty page still links back across it.
    let (next, previous) = match (from, newer) {
        (None, _) => (more.then(|| cursor_at(rows.last())).flatten(), None),
        (Some(_), false) => (
            more.then(|| cursor_at(rows.last())).flatten(),
            cursor_at(rows.first()).or(from_cursor),
        ),
        (Some(_), true) => (
            cursor_at(rows.last()).or(from_cursor),
            more.then(|| cursor_at(rows.first())).flatten(),
        ),
    };
    Ok(AuditListing {
        query,
        entries: rows.into_iter().map(entry).collect(),
        next,
        previous,
    })
}

fn entry(row: EventRow) -> AuditEntry {
    AuditEntry {
        details: describe_change(row.before.as_ref(), row.after.as_ref()),
        id: row.id,
        occurred_at: row.occurred_at,
        local_time: row.local_time,
        actor: row.actor_name,
        action: row.action,
        target: row.target_name,
        client_ip: row.client_ip,
        request_id: row.request_id,
    }
}

pub async fn filters(scope: RequestScope) -> Result<AuditFilterChoices, ServerError> {
    let actor = viewer(&scope, None).await?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let time_zone = organisations::settings(pool, org).await?.time_zone;
    let mut actors: Vec<String> = audit_view::actors(pool, org, ACTOR_SUGGESTIONS)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    // Two people of one name are one suggestion: the filter matches text.
    actors.dedup();
    Ok(AuditFilterChoices { time_zone, actors })
}

/// The CSV file of a view: every event it has, not only one page, times in
/// ISO 8601 UTC, cells neutralised against spreadsheet formulas. The
/// export itself is recorded in the log, after the events it exports.
pub async fn export_csv(scope: RequestScope, query: AuditQuery) -> Result<String, ServerError> {
    let query = query.normalised().first_page();
    let actor = viewer(&scope, None).await?;
    check(&query)?;
    let pool = &scope.state.pool;
    let org = actor.organisation_id;
    let time_zone = organisations::settings(pool, org).await?.time_zone;
    let mut out = csv::row(&[
        "Time (UTC)",
        "Actor",
        "Actor id",
        "Action",
        "Action key",
        "Target",
        "Target type",
        "Target id",
        "Details",
        "Before",
        "After",
        "Client address",
        "Request id",
    ]);
    let emails = EmailMatches::find(pool, org, &query).await?;
    let mut from: Option<Position> = None;
    let mut exported = 0usize;
    loop {
        let rows = audit_view::page(
            pool,
            org,
            &time_zone,
            &query,
            &emails,
            from.map(|p| (Seek::Older, p)),
            EXPORT_BATCH,
        )
        .await?;
        for row in &rows {
            out.push_str(&export_line(row));
            exported += 1;
        }
        if rows.len() < EXPORT_BATCH as usize {
            break;
        }
        from = rows.last().map(EventRow::position);
    }
    let mut event = AuditEvent::new(AuditAction::AuditExported)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name);
    event.after = Some(serde_json::json!({ "view": query.to_query_string(), "rows": exported }));
    audit::record(pool, &scope.meta, event).await?;
    tracing::info!(request_id = %scope.meta.request_id, rows = exported, "audit log exported");
    Ok(out)
}

fn export_line(row: &EventRow) -> String {
    let id = |id: Option<uuid::Uuid>| id.map(|i| i.to_string()).unwrap_or_default();
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    csv::row(&[
        row.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        row.actor_name.clone().unwrap_or_default(),
        id(row.actor_id),
        action_label(&row.action).to_string(),
        row.action.clone(),
        row.target_name.clone().unwrap_or_default(),
        row.target_type.clone().unwrap_or_default(),
        id(row.target_id),
        describe_change(row.before.as_ref(), row.after.as_ref()).join("; "),
        json(&row.before),
        json(&row.after),
        row.client_ip.clone().unwrap_or_default(),
        row.request_id.clone().unwrap_or_default(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_made_up_ones_mean_nothing() {
        let position = Position {
            occurred_at: chrono::Utc::now(),
            id: 42,
        };
        assert_eq!(decode_cursor(&encode_cursor(&position)), Some(position));
        assert_eq!(decode_cursor("bm90LWEtY3Vyc29y"), None);
        assert_eq!(decode_cursor("!!"), None);
    }
}
