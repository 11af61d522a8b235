//! The audit page's query: one organisation's events, newest first, one
//! keyset page at a time; and the actors its filter suggests.
//!
//! Built at run time with `QueryBuilder`, every value bound, for the reason
//! `team_view` gives: each combination of filters must stay a plain
//! `ORDER BY occurred_at DESC, id DESC LIMIT` that one of the indexes in
//! `migrations/20261123000004_audit_view.sql` serves, which a static query
//! with `$n IS NULL OR …` conditions would not. Nothing counts the whole
//! filtered log.

use super::keyset::Walk;
use crate::domain::audit_view::AuditQuery;
use crate::domain::keyset::Seek;
use crate::domain::team_view::like_substring;
use crate::domain::{AccountId, OrganisationId};
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

/// Where an event sits in the log's order (also the paging cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub occurred_at: DateTime<Utc>,
    pub id: i64,
}

/// One event as the page and the export show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// `occurred_at` in the organisation's time zone, `YYYY-MM-DD HH:MM:SS`.
    pub local_time: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<Uuid>,
    pub target_name: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

impl EventRow {
    pub fn position(&self) -> Position {
        Position {
            occurred_at: self.occurred_at,
            id: self.id,
        }
    }
}

/// The accounts whose email the actor and target texts match: events
/// keep names, not emails, so a search by email finds these accounts' ids.
#[derive(Debug, Clone, Default)]
pub struct EmailMatches {
    pub actors: Vec<Uuid>,
    pub targets: Vec<Uuid>,
}

impl EmailMatches {
    /// Looks the query's texts up among `org`'s members' emails.
    pub async fn find(
        db: &sqlx::PgPool,
        org: OrganisationId,
        query: &AuditQuery,
    ) -> sqlx::Result<Self> {
        let mut matches = Self::default();
        if !query.actor.is_empty() {
            matches.actors = members_by_email(db, org, &query.actor).await?;
        }
        if !query.target.is_empty() {
            matches.targets = members_by_email(db, org, &query.target).await?;
        }
        Ok(matches)
    }
}

/// The accounts of `org`'s members whose email contains `text`. Members
/// only: an email typed into the filter must not fan out over every
/// account of the deployment (names match anyone who appears in the log).
async fn members_by_email(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    text: &str,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "SELECT m.account_id FROM memberships m
         WHERE m.organisation_id = $1 AND m.sort_email LIKE $2",
        org as OrganisationId,
        like_substring(text)
    )
    .fetch_all(db)
    .await
}

/// The page of `org`'s events that `query` filters, after (older than) or
/// before (newer than) `from` (the newest when `None`), at most `limit`,
/// newest first. Dates are days in `time_zone` (an IANA name PostgreSQL
/// knows, such as the organisation's), the last one included. `emails` are
/// the accounts whose email the actor and target texts match.
pub async fn page(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    time_zone: &str,
    query: &AuditQuery,
    emails: &EmailMatches,
    from: Option<(Seek, Position)>,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    // The log reads newest first.
    let walk = Walk::new(false, from.map(|(seek, _)| seek));

    let mut sql = QueryBuilder::<Postgres>::new(
        "SELECT e.id, e.occurred_at, \
         to_char(e.occurred_at AT TIME ZONE ",
    );
    sql.push_bind(time_zone.to_string());
    sql.push(
        ", 'YYYY-MM-DD HH24:MI:SS') AS local_time, \
         e.actor_id, e.actor_name, e.action, e.target_type, e.target_id, e.target_name, \
         e.before, e.after, e.request_id, e.client_ip \
         FROM audit_events e WHERE e.organisation_id = ",
    );
    sql.push_bind(org.0);
    if !query.actor.is_empty() {
        push_person_match(&mut sql, "actor", &query.actor, &emails.actors);
    }
    if !query.target.is_empty() {
        push_person_match(&mut sql, "target", &query.target, &emails.targets);
    }
    if let Some(action) = &query.action {
        sql.push(" AND e.action = ");
        sql.push_bind(action.clone());
    }
    // A day starts at midnight in the zone; the last day runs until the
    // next one starts (23 or 25 hours on the days clocks change).
    if let Some(day) = query.from {
        sql.push(" AND e.occurred_at >= (");
        sql.push_bind(day);
        sql.push("::date::timestamp AT TIME ZONE ");
        sql.push_bind(time_zone.to_string());
        sql.push(")");
    }
    if let Some(day) = query.to {
        sql.push(" AND e.occurred_at < ((");
        sql.push_bind(day);
        sql.push("::date + 1)::timestamp AT TIME ZONE ");
        sql.push_bind(time_zone.to_string());
        sql.push(")");
    }
    let columns = ["e.occurred_at", "e.id"];
    if let Some((_, position)) = from {
        walk.push_beyond(&mut sql, &columns, |values| {
            values.push_bind(position.occurred_at);
            values.push_bind(position.id);
        });
    }
    walk.push_order(&mut sql, &columns);
    sql.push(" LIMIT ");
    sql.push_bind(limit);

    let rows: Vec<EventRow> = sql.build_query_as().fetch_all(db).await?;
    Ok(walk.finish(rows))
}

/// `e.{role}_name` contains `text`, or `e.{role}_id` is one of `ids` (the
/// accounts whose email contains it). Without such accounts the condition
/// is the name alone, which the name's trigram index serves; with them,
/// the planner can join that index and the organisation's
/// (…, {role}_id, …) one in a bitmap.
fn push_person_match(sql: &mut QueryBuilder<'_, Postgres>, role: &str, text: &str, ids: &[Uuid]) {
    sql.push(format!(" AND (lower(e.{role}_name) LIKE "));
    sql.push_bind(like_substring(text));
    if !ids.is_empty() {
        sql.push(format!(" OR e.{role}_id = ANY ("));
        sql.push_bind(ids.to_vec());
        sql.push(")");
    }
    sql.push(")");
}

/// Up to `limit` people who appear as actors in `org`'s log, each under
/// the name of their latest event there, by name. One index probe per
/// actor (a loose index scan), never a pass over the whole log.
pub async fn actors(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    limit: i64,
) -> sqlx::Result<Vec<(AccountId, String)>> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE actors AS (
               (SELECT actor_id FROM audit_events
                WHERE organisation_id = $1 AND actor_id IS NOT NULL
                ORDER BY actor_id LIMIT 1)
               UNION ALL
               SELECT (SELECT e.actor_id FROM audit_events e
                       WHERE e.organisation_id = $1 AND e.actor_id > a.actor_id
                       ORDER BY e.actor_id LIMIT 1)
               FROM actors a WHERE a.actor_id IS NOT NULL
           ),
           firsts AS (
               SELECT actor_id FROM actors WHERE actor_id IS NOT NULL LIMIT $2
           )
           SELECT s.actor_id AS "id!: AccountId",
                  (SELECT e.actor_name FROM audit_events e
                   WHERE e.organisation_id = $1 AND e.actor_id = s.actor_id
                   ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) AS name
           FROM firsts s"#,
        org as OrganisationId,
        limit
    )
    .fetch_all(db)
    .await?;
    let mut actors: Vec<(AccountId, String)> = rows
        .into_iter()
        .filter_map(|r| r.name.map(|name| (r.id, name)))
        .collect();
    actors.sort_by(|a, b| {
        a.1.to_lowercase()
            .cmp(&b.1.to_lowercase())
            .then(a.0.cmp(&b.0))
    });
    Ok(actors)
}
