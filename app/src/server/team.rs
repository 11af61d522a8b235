//! The team table: a page of a view, and the same view exported as CSV.

use super::actor::{authenticate, Actor};
use super::db::audit::{self, AuditEvent};
use super::db::keyset;
use super::db::team_view::{self, PageRow, Position, RowKind};
use super::db::{invitations, memberships, roles};
use super::error::ServerError;
use super::request::RequestScope;
use crate::domain::audit::AuditAction;
use crate::domain::keyset::{read_limit, Page, Seek};
use crate::domain::team_view::{SortKey, TeamQuery, TeamTab, PAGE_SIZE};
use crate::domain::{csv, InvitationId, MembershipId, OrganisationId, Permission, SiteId};
use crate::wire::choice::Choice;
use crate::wire::team::{FilterChoices, TabCounts, TeamEntry, TeamListing};
use crate::wire::AppError;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;

/// Rows read per query while exporting.
const EXPORT_BATCH: usize = 1000;

/// What a page cursor holds: a row's place in one sort. It is not secret
/// (a name or email prefix of a row the viewer saw), only opaque.
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: SortKey,
    position: Position,
}

fn encode_cursor(sort: SortKey, position: &Position) -> String {
    keyset::encode_cursor(&Cursor {
        sort,
        position: position.clone(),
    })
}

/// The position a cursor names, if it is one of ours for this sort. A
/// cursor from another sort (an edited URL) means the first page.
fn decode_cursor(cursor: &str, sort: SortKey) -> Option<Position> {
    let cursor: Cursor = keyset::decode_cursor(cursor)?;
    (cursor.sort == sort).then_some(cursor.position)
}

/// Who is looking at a view, and what of it they see.
struct Viewer {
    actor: Actor,
    /// The sites whose people (and invitations) they see; `None` for the
    /// whole organisation.
    within: Option<Vec<SiteId>>,
    with_invitations: bool,
}

impl Viewer {
    /// The people and invitations of the viewer's sites, which the page
    /// query reads by id; `None` when they see the whole organisation.
    async fn people(
        &self,
        db: impl PgExecutor<'_>,
    ) -> Result<Option<team_view::Within>, ServerError> {
        Ok(match &self.within {
            Some(sites) => Some(team_view::within(db, sites).await?),
            None => None,
        })
    }
}

/// The viewer, allowed to see the view `query` of their organisation
/// (which must be `org`, when the caller names one): its people across
/// the organisation, or at the sites where they may see the team; and
/// invitations when they may invite.
async fn viewer(
    scope: &RequestScope,
    org: Option<OrganisationId>,
    query: &TeamQuery,
) -> Result<Viewer, ServerError> {
    let actor = authenticate(scope).await?;
    if let Some(org) = org {
        actor.require_organisation(org)?;
    }
    let within = actor.require_reach(Permission::ViewTeam)?.sites();
    let with_invitations = actor.holdings().reach(Permission::InviteMembers).is_some();
    if query.tab == TeamTab::Invitations && !with_invitations {
        return Err(AppError::Forbidden.into());
    }
    Ok(Viewer {
        actor,
        within,
        with_invitations,
    })
}

pub async fn list(
    scope: RequestScope,
    org: OrganisationId,
    query: TeamQuery,
) -> Result<TeamListing, ServerError> {
    let query = query.normalised();
    let viewer = viewer(&scope, Some(org), &query).await?;
    // The page's reads share one connection: every time a pooled connection
    // goes back, sqlx pings it, and a page of several reads paid that round
    // trip for each (a signed-in /team render: 1,282 requests/s with a
    // connection per read, 1,379 with one).
    let mut conn = scope.state.pool.acquire().await?;
    let within_sites = viewer.people(&mut *conn).await?;
    let Viewer {
        actor,
        within,
        with_invitations,
    } = viewer;
    let sort = query.sort_key();
    let from = query.page.start(|c| decode_cursor(c, sort));
    let rows = team_view::page(
        &mut *conn,
        org,
        within_sites.as_ref(),
        &query,
        with_invitations,
        from.as_ref().map(|(seek, p)| (*seek, p)),
        read_limit(PAGE_SIZE),
    )
    .await?;
    let page = Page::cut(
        rows,
        PAGE_SIZE,
        from.map(|(seek, p)| (seek, encode_cursor(sort, &p))),
        |r: &PageRow| encode_cursor(sort, &r.position),
    );
    let entries = entries(&mut conn, &actor, &page.rows).await?;
    let counts = match &within {
        None => team_view::counts(&mut *conn, org).await?,
        Some(sites) => team_view::counts_at(&mut *conn, sites).await?,
    };
    let open_invitations = if with_invitations {
        i64::from(counts.open_invitations)
    } else {
        0
    };
    Ok(TeamListing {
        query,
        entries,
        next: page.next,
        previous: page.previous,
        counts: TabCounts {
            active: i64::from(counts.enabled_members) + open_invitations,
            inactive: i64::from(counts.disabled_members),
            invitations: open_invitations,
        },
        with_invitations,
    })
}

pub async fn filters(scope: RequestScope) -> Result<FilterChoices, ServerError> {
    let actor = authenticate(&scope).await?;
    let reach = actor.require_reach(Permission::ViewTeam)?;
    let mut conn = scope.state.pool.acquire().await?;
    let org = actor.organisation_id;
    let available = roles::available(&mut *conn, org).await?;
    let site_roles = super::assignment::site_role_choices(&available);
    let roles = available
        .into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    // Archived departments too: people stay in them until changed.
    let departments = super::db::departments::all(&mut *conn, org)
        .await?
        .into_iter()
        .map(|d| Choice {
            id: d.id,
            name: d.name,
        })
        .collect();
    let groups = super::db::groups::names(&mut *conn, org)
        .await?
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect();
    // Archived sites too: people stay on them until changed. Those who
    // see some sites only filter by theirs.
    let sites = super::db::sites::all(&mut *conn, org)
        .await?
        .into_iter()
        .filter(|s| reach.covers(s.id))
        .map(|s| Choice {
            id: s.id,
            name: s.name,
        })
        .collect();
    Ok(FilterChoices {
        roles,
        departments,
        groups,
        sites,
        site_roles,
    })
}

/// The rows of a page, in its order, read by id.
async fn entries(
    conn: &mut PgConnection,
    actor: &Actor,
    rows: &[PageRow],
) -> Result<Vec<TeamEntry>, ServerError> {
    let org = actor.organisation_id;
    let member_ids: Vec<MembershipId> = rows
        .iter()
        .filter(|r| r.kind == RowKind::Member)
        .map(|r| MembershipId(r.id))
        .collect();
    let invitation_ids: Vec<InvitationId> = rows
        .iter()
        .filter(|r| r.kind == RowKind::Invitation)
        .map(|r| InvitationId(r.id))
        .collect();
    // A kind the page has no rows of is not asked for.
    let mut members: HashMap<_, _> = HashMap::new();
    if !member_ids.is_empty() {
        members = memberships::team_rows(&mut *conn, org, actor.account_id, &member_ids)
            .await?
            .into_iter()
            .map(|m| (m.id.0, m))
            .collect();
    }
    let mut invitations: HashMap<_, _> = HashMap::new();
    if !invitation_ids.is_empty() {
        invitations = invitations::team_rows(&mut *conn, org, &invitation_ids)
            .await?
            .into_iter()
            .map(|i| (i.id.0, i))
            .collect();
    }
    // A row deleted between the two reads is left out, not an error.
    Ok(rows
        .iter()
        .filter_map(|r| match r.kind {
            RowKind::Member => members.remove(&r.id).map(TeamEntry::Member),
            RowKind::Invitation => invitations.remove(&r.id).map(TeamEntry::Invitation),
        })
        .collect())
}

/// The CSV file of a view: every row it has, not only one page, with
/// cells neutralised against spreadsheet formulas. Recorded in the audit
/// log, since it takes personal data out of Roster.
pub async fn export_csv(scope: RequestScope, query: TeamQuery) -> Result<String, ServerError> {
    let query = query.first_page();
    let viewer = viewer(&scope, None, &query).await?;
    viewer.actor.require_recent_proof(scope.state.clock.now())?;
    let pool = &scope.state.pool;
    let within_sites = viewer.people(pool).await?;
    let Viewer {
        actor,
        within,
        with_invitations,
    } = viewer;
    let org = actor.organisation_id;
    let mut out = csv::row(&[
        "Name",
        "Email",
        "Status",
        "Role",
        "Department",
        "Other departments",
        "Sites",
        "Two-factor",
        "Last sign-in (UTC)",
        "Added (UTC)",
    ]);
    let mut from: Option<Position> = None;
    let mut exported = 0usize;
    loop {
        let rows = team_view::page(
            pool,
            org,
            within_sites.as_ref(),
            &query,
            with_invitations,
            from.as_ref().map(|p| (Seek::After, p)),
            EXPORT_BATCH as i64,
        )
        .await?;
        for entry in entries(&mut *scope.state.pool.acquire().await?, &actor, &rows).await? {
            out.push_str(&export_line(&entry));
            exported += 1;
        }
        if rows.len() < EXPORT_BATCH {
            break;
        }
        from = rows.last().map(|r| r.position.clone());
    }
    let filters = serde_json::json!({
        "view": query.to_query_string(),
        "rows": exported,
        "sites": within,
    });
    let mut event = AuditEvent::new(AuditAction::TeamExported)
        .in_organisation(org)
        .by(actor.account_id, &actor.display_name);
    event.after = Some(filters);
    audit::record(pool, &scope.meta, event).await?;
    tracing::info!(request_id = %scope.meta.request_id, rows = exported, "team exported");
    Ok(out)
}

fn export_line(entry: &TeamEntry) -> String {
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match entry {
        TeamEntry::Member(m) => csv::row(&[
            m.name.clone(),
            m.email.clone(),
            m.status.label().to_string(),
            m.role.clone(),
            m.department.clone().unwrap_or_default(),
            m.other_departments.join("; "),
            m.sites.join("; "),
            if m.two_factor { "Set up" } else { "Not set up" }.to_string(),
            m.last_sign_in_at.map(time).unwrap_or_default(),
            time(m.joined_at),
        ]),
        TeamEntry::Invitation(i) => csv::row(&[
            i.name.clone(),
            i.email.clone(),
            i.status.member_label().to_string(),
            i.role.clone(),
            i.department.clone().unwrap_or_default(),
            String::new(),
            i.sites.join("; "),
            String::new(),
            String::new(),
            time(i.sent_at),
        ]),
    }
}
