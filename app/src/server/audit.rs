//! The owners' audit log: a page of a filtered view, the filters' choices,
//! and the same view exported as CSV.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::audit_view::{self, EmailMatches, EventRow, Position};
use super::db::keyset::{decode_cursor, encode_cursor};
use super::db::organisations;
use super::error::ServerError;
use super::request::RequestScope;
use crate::domain::audit::{action_label, describe_change, AuditAction};
use crate::domain::audit_view::{AuditQuery, PAGE_SIZE};
use crate::domain::keyset::{read_limit, Page, Seek};
use crate::domain::{csv, OrganisationId, Permission};
use crate::wire::audit::{AuditEntry, AuditFilterChoices, AuditListing};
use crate::wire::AppError;

/// Events read per query while exporting.
const EXPORT_BATCH: i64 = 1000;

/// How many actors the filter suggests.
const ACTOR_SUGGESTIONS: i64 = 200;

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
    // A cursor names an event's place in the log; a made-up one, none.
    let from = query.page.start(decode_cursor::<Position>);
    let emails = EmailMatches::find(pool, org, &query).await?;
    let limit = read_limit(PAGE_SIZE);
    let rows = audit_view::page(pool, org, &time_zone, &query, &emails, from, limit).await?;
    let page = Page::cut(
        rows,
        PAGE_SIZE,
        from.map(|(seek, p)| (seek, encode_cursor(&p))),
        |r: &EventRow| encode_cursor(&r.position()),
    );
    Ok(AuditListing {
        query,
        entries: page.rows.into_iter().map(entry).collect(),
        next: page.next,
        previous: page.previous,
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
    actor.require_recent_proof(scope.state.clock.now())?;
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
            from.map(|p| (Seek::After, p)),
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
