//! The team table's page query: which members and invitations a view
//! shows, in its order, one page at a time; and the tab counts.
//!
//! The page query is the one place where SQL is built at run time, with
//! `QueryBuilder` and every value bound: a view combines up to seven
//! filters, five sorts, two directions and two paging directions, and each
//! combination must keep a plain `ORDER BY … LIMIT` over the columns the
//! indexes in `migrations/20261123000001_team_view.sql`,
//! `…000005_member_order.sql` and `…000006_member_search.sql` cover, which one static
//! query with `CASE` orderings would not. It returns ids and sort keys
//! only; the rows' contents come from checked queries in `memberships` and
//! `invitations`.
//!
//! Paging is keyset paging: a page is the rows after (or before) the last
//! row seen, in the view's order, so any page costs about what the first
//! one does and nothing counts the whole filtered table. What the audit
//! log's page query shares with this one is in `keyset`.

use super::keyset::Walk;
use crate::domain::keyset::Seek;
use crate::domain::team_view::{like_substring, Direction, STALE_SIGN_IN_DAYS};
use crate::domain::team_view::{
    SignInFilter, SortKey, StatusFilter, TeamQuery, TeamTab, TwoFactorFilter,
};
use crate::domain::{OrganisationId, SiteId};
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

/// Where a row sits in a view's order: its sort key and a tie-breaker
/// (the account id for members, the invitation id for invitations).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct Position {
    #[sqlx(rename = "k_rank")]
    pub rank: i32,
    #[sqlx(rename = "k_text")]
    pub text: String,
    #[sqlx(rename = "k_time")]
    pub time: DateTime<Utc>,
    pub tiebreak: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Member,
    Invitation,
}

/// One row of a page: what it is and where it sits.
#[derive(Debug, Clone)]
pub struct PageRow {
    pub kind: RowKind,
    /// A membership id or an invitation id.
    pub id: Uuid,
    pub position: Position,
}

#[derive(sqlx::FromRow)]
struct RawRow {
    is_member: bool,
    id: Uuid,
    #[sqlx(flatten)]
    position: Position,
}

/// Sort-key expressions of one branch (members or invitations). The
/// members' must match the index expressions in the migration.
struct Keys {
    rank: &'static str,
    text: &'static str,
    time: &'static str,
    tiebreak: &'static str,
}

/// A constant for a sort-key column this sort does not use; constant
/// columns leave the order to the others.
const NO_RANK: &str = "0";
const NO_TEXT: &str = "''";
const NO_TIME: &str = "timestamptz 'epoch'";

fn member_keys(sort: SortKey) -> Keys {
    // The membership's copies of lower(a.display_name), lower(a.email) and
    // the role's rank (migrations 20261123000005 and 000006), so that one
    // index serves each order.
    let name = "m.sort_name";
    let (rank, text, time, tiebreak) = match sort {
        SortKey::Name => (NO_RANK, name, NO_TIME, "m.account_id"),
        SortKey::Email => (NO_RANK, "m.sort_email", NO_TIME, "m.account_id"),
        SortKey::Role => ("m.role_rank", name, NO_TIME, "m.account_id"),
        SortKey::LastSignIn => (
            NO_RANK,
            NO_TEXT,
            "coalesce(m.last_sign_in_at, timestamptz 'epoch')",
            "m.account_id",
        ),
        SortKey::Added => (NO_RANK, NO_TEXT, "m.joined_at", "m.account_id"),
    };
    Keys {
        rank,
        text,
        time,
        tiebreak,
    }
}

fn invitation_keys(sort: SortKey) -> Keys {
    let name = "lower(coalesce(nullif(i.display_name, ''), i.email))";
    let (rank, text, time) = match sort {
        SortKey::Name => (NO_RANK, name, NO_TIME),
        SortKey::Email => (NO_RANK, "lower(i.email)", NO_TIME),
        SortKey::Role => ("r.rank", name, NO_TIME),
        // Invitees have never signed in: they sort with "never".
        SortKey::LastSignIn => (NO_RANK, NO_TEXT, NO_TIME),
        SortKey::Added => (NO_RANK, NO_TEXT, "i.created_at"),
    };
    Keys {
        rank,
        text,
        time,
        tiebreak: "i.id",
    }
}

impl Keys {
    /// The expressions this sort orders by, in order.
    fn used(&self) -> Vec<&'static str> {
        [self.rank, self.text, self.time]
            .into_iter()
            .filter(|e| ![NO_RANK, NO_TEXT, NO_TIME].contains(e))
            .chain([self.tiebreak])
            .collect()
    }
}

/// The page of `org`'s view `query` after or before `from` (the first page
/// when `None`), at most `limit` rows, in the view's order; only the
/// people and invitations of the sites `within` when it names some.
/// `with_invitations` is false when the viewer may not see invitations.
pub async fn page(
    db: impl PgExecutor<'_>,
    org: OrganisationId,
    within: Option<&Within>,
    query: &TeamQuery,
    with_invitations: bool,
    from: Option<(Seek, &Position)>,
    limit: i64,
) -> sqlx::Result<Vec<PageRow>> {
    let sort = query.sort_key();
    let walk = Walk::new(
        query.sort_direction() == Direction::Asc,
        from.map(|(seek, _)| seek),
    );
    let from = from.map(|(_, position)| position);

    let mut sql = QueryBuilder::<Postgres>::new("SELECT * FROM (");
    let mut branches = 0;
    if query.includes_members() {
        let keys = member_keys(sort);
        sql.push("(SELECT true AS is_member, m.id");
        push_key_columns(&mut sql, &keys);
        // Every sort key and the search are on the membership and in its
        // indexes; the account is read only for what only it knows.
        match within {
            // A site manager's few hundred people, read by id and then
            // sorted: the fence (OFFSET 0) keeps the planner from walking
            // the organisation's whole name order for them instead, which
            // a search matching fewer than a page of them makes it read
            // to the end (157 ms at 100,000 members, against 4 ms).
            Some(within) => {
                sql.push(" FROM (SELECT * FROM memberships WHERE id = ANY (");
                sql.push_bind(within.members.clone());
                sql.push(") OFFSET 0) m");
            }
            None => {
                sql.push(" FROM memberships m");
            }
        }
        if query.two_factor.is_some() {
            sql.push(" JOIN accounts a ON a.id = m.account_id");
        }
        sql.push(" WHERE m.organisation_id = ");
        sql.push_bind(org.0);
        sql.push(" AND m.status = ");
        sql.push_bind(if query.tab == TeamTab::Inactive {
            "disabled"
        } else {
            "enabled"
        });
        push_common_filters(&mut sql, query, "m", "m.sort_name", "m.sort_email");
        sql.push(match query.two_factor {
            Some(TwoFactorFilter::SetUp) => " AND a.two_factor_enabled_at IS NOT NULL",
            Some(TwoFactorFilter::NotSetUp) => " AND a.two_factor_enabled_at IS NULL",
            Some(TwoFactorFilter::Required) => {
                " AND a.two_factor_enabled_at IS NULL AND m.two_factor_required_since IS NOT NULL"
            }
            None => "",
        });
        if let Some(group) = query.group {
            // The group's people read once (its primary key's index), then
            // looked up by id: the planner can combine that with the
            // department's index, where a correlated EXISTS let it walk
            // the whole name order probing each row (50 ms at 100,000
            // members with a department filter too; `scripts/bench`).
            sql.push(" AND m.id = ANY (ARRAY(SELECT gm.membership_id FROM group_members gm WHERE gm.group_id = ");
            sql.push_bind(group.0);
            sql.push("))");
        }
        if query.site.is_some() || query.site_role.is_some() {
            // As the group filter: the site's people (or the role's
            // holders at any site) read from their own index first.
            sql.push(
                " AND m.id = ANY (ARRAY(SELECT sm.membership_id FROM site_members sm WHERE true",
            );
            push_site_conditions(&mut sql, query, "sm");
            sql.push("))");
        }
        match query.sign_in {
            Some(SignInFilter::Never) => {
                sql.push(" AND m.last_sign_in_at IS NULL");
            }
            Some(SignInFilter::Stale) => {
                sql.push(" AND m.last_sign_in_at < now() - make_interval(days => ");
                sql.push_bind(STALE_SIGN_IN_DAYS as i32);
                sql.push(")");
            }
            None => {}
        }
        push_branch_tail(&mut sql, &keys, from, walk, limit);
        branches += 1;
    }
    if with_invitations && query.includes_invitations() {
        if branches > 0 {
            sql.push(" UNION ALL ");
        }
        let keys = invitation_keys(sort);
        sql.push("(SELECT false AS is_member, i.id");
        push_key_columns(&mut sql, &keys);
        // As for the members: a site manager's invitations, read by id.
        match within {
            Some(within) => {
                sql.push(" FROM (SELECT * FROM invitations WHERE id = ANY (");
                sql.push_bind(within.invitations.clone());
                sql.push(") OFFSET 0) i");
            }
            None => {
                sql.push(" FROM invitations i");
            }
        }
        sql.push(" JOIN roles r ON r.id = i.role_id WHERE i.organisation_id = ");
        sql.push_bind(org.0);
        let open = " AND i.revoked_at IS NULL AND i.accepted_at IS NULL";
        match query.status {
            Some(StatusFilter::Pending) => {
                sql.push(open);
                sql.push(" AND i.expires_at > now()");
            }
            Some(StatusFilter::Expired) => {
                sql.push(open);
                sql.push(" AND i.expires_at <= now()");
            }
            Some(StatusFilter::Accepted) => {
                sql.push(" AND i.accepted_at IS NOT NULL");
            }
            Some(StatusFilter::Revoked) => {
                sql.push(" AND i.revoked_at IS NOT NULL");
            }
            Some(StatusFilter::AnyInvitation) => {}
            Some(StatusFilter::Enabled) | None => {
                sql.push(open);
            }
        }
        push_common_filters(
            &mut sql,
            query,
            "i",
            "lower(i.display_name)",
            "lower(i.email)",
        );
        if let Some(group) = query.group {
            // The groups accepting will put them in.
            sql.push(" AND i.id = ANY (ARRAY(SELECT ig.invitation_id FROM invitation_groups ig WHERE ig.group_id = ");
            sql.push_bind(group.0);
            sql.push("))");
        }
        if query.site.is_some() || query.site_role.is_some() {
            // The sites accepting will put them on.
            sql.push(" AND i.id = ANY (ARRAY(SELECT isr.invitation_id FROM invitation_sites isr WHERE true");
            push_site_conditions(&mut sql, query, "isr");
            sql.push("))");
        }
        push_branch_tail(&mut sql, &keys, from, walk, limit);
        branches += 1;
    }
    if branches == 0 {
        return Ok(Vec::new());
    }
    sql.push(") page");
    walk.push_order(&mut sql, &["k_rank", "k_text", "k_time", "tiebreak"]);
    sql.push(" LIMIT ");
    sql.push_bind(limit);

    let rows: Vec<PageRow> = sql
        .build_query_as::<RawRow>()
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| PageRow {
            kind: if r.is_member {
                RowKind::Member
            } else {
                RowKind::Invitation
            },
            id: r.id,
            position: r.position,
        })
        .collect();
    Ok(walk.finish(rows))
}

fn push_key_columns(sql: &mut QueryBuilder<'_, Postgres>, keys: &Keys) {
    sql.push(format!(
        ", {} AS k_rank, {} AS k_text, {} AS k_time, {} AS tiebreak",
        keys.rank, keys.text, keys.time, keys.tiebreak
    ));
}

/// The site and site role filters, on a table of site assignments
/// (`site_members` or `invitation_sites`) called `table`.
fn push_site_conditions(sql: &mut QueryBuilder<'_, Postgres>, query: &TeamQuery, table: &str) {
    if let Some(site) = query.site {
        sql.push(format!(" AND {table}.site_id = "));
        sql.push_bind(site.0);
    }
    if let Some(role) = query.site_role {
        sql.push(format!(" AND {table}.role_id = "));
        sql.push_bind(role.0);
    }
}

/// Search, role and department: both branches have them. `name` and
/// `email` are lower-cased expressions that a trigram index covers.
fn push_common_filters(
    sql: &mut QueryBuilder<'_, Postgres>,
    query: &TeamQuery,
    table: &str,
    name: &str,
    email: &str,
) {
    if !query.search.is_empty() {
        // Two binds of one pattern: each LIKE can use its trigram index.
        let pattern = like_substring(&query.search);
        sql.push(format!(" AND ({name} LIKE "));
        sql.push_bind(pattern.clone());
        sql.push(format!(" OR {email} LIKE "));
        sql.push_bind(pattern);
        sql.push(")");
    }
    if let Some(role) = query.role {
        sql.push(format!(" AND {table}.role_id = "));
        sql.push_bind(role.0);
    }
    if let Some(department) = query.department {
        sql.push(format!(" AND ({table}.department_id = "));
        sql.push_bind(department.0);
        if table == "m" {
            // Members are in a department as their primary one or as
            // another; each side has its index, which the planner ORs.
            sql.push(" OR m.id = ANY (ARRAY(SELECT md.membership_id FROM member_departments md WHERE md.department_id = ");
            sql.push_bind(department.0);
            sql.push("))");
        }
        sql.push(")");
    }
}

/// The keyset condition, the branch's order and its limit: each branch
/// reads at most a page from its own index before the two are merged.
fn push_branch_tail(
    sql: &mut QueryBuilder<'_, Postgres>,
    keys: &Keys,
    from: Option<&Position>,
    walk: Walk,
    limit: i64,
) {
    let used = keys.used();
    if let Some(from) = from {
        walk.push_beyond(sql, &used, |values| {
            for expression in &used {
                if *expression == keys.rank {
                    values.push_bind(from.rank);
                } else if *expression == keys.text {
                    values.push_bind(from.text.clone());
                } else if *expression == keys.time {
                    values.push_bind(from.time);
                } else {
                    values.push_bind(from.tiebreak);
                }
            }
        });
    }
    walk.push_order(sql, &used);
    sql.push(" LIMIT ");
    sql.push_bind(limit);
    sql.push(")");
}

fn site_uuids(sites: &[SiteId]) -> Vec<Uuid> {
    sites.iter().map(|s| s.0).collect()
}

/// The people and invitations of a site manager's sites (a few hundred a
/// site), read before their page and bound to its query, which reads
/// them by id (see [`page`]): a site manager's search, which walked the
/// organisation's whole name order, measured 21.9 ms p95 at 100,000
/// members (`scripts/bench team-list`).
pub struct Within {
    members: Vec<Uuid>,
    invitations: Vec<Uuid>,
}

pub async fn within(db: impl PgExecutor<'_>, sites: &[SiteId]) -> sqlx::Result<Within> {
    let row = sqlx::query!(
        r#"SELECT ARRAY(SELECT DISTINCT sm.membership_id FROM site_members sm
                        WHERE sm.site_id = ANY ($1)) AS "members!",
                  ARRAY(SELECT DISTINCT isr.invitation_id FROM invitation_sites isr
                        WHERE isr.site_id = ANY ($1)) AS "invitations!""#,
        &site_uuids(sites)
    )
    .fetch_one(db)
    .await?;
    Ok(Within {
        members: row.members,
        invitations: row.invitations,
    })
}

/// Tab counts, unfiltered, kept by triggers (see the migration).
pub struct Counts {
    pub enabled_members: i32,
    pub disabled_members: i32,
    pub open_invitations: i32,
}

pub async fn counts(db: impl PgExecutor<'_>, org: OrganisationId) -> sqlx::Result<Counts> {
    let counts = sqlx::query_as!(
        Counts,
        "SELECT enabled_members, disabled_members, open_invitations
         FROM team_counts WHERE organisation_id = $1",
        org as OrganisationId
    )
    .fetch_optional(db)
    .await?;
    Ok(counts.unwrap_or(Counts {
        enabled_members: 0,
        disabled_members: 0,
        open_invitations: 0,
    }))
}

/// Tab counts of the people and open invitations of `sites`, for someone
/// who sees those sites only: counted as asked (a site of a few hundred
/// people), where the organisation's counts are kept by triggers.
pub async fn counts_at(db: impl PgExecutor<'_>, sites: &[SiteId]) -> sqlx::Result<Counts> {
    sqlx::query_as!(
        Counts,
        r#"WITH people AS (
               SELECT DISTINCT m.id, m.status FROM site_members sm
               JOIN memberships m ON m.id = sm.membership_id
               WHERE sm.site_id = ANY ($1))
           SELECT (SELECT count(*) FROM people WHERE status = 'enabled')::int AS "enabled_members!",
                  (SELECT count(*) FROM people WHERE status = 'disabled')::int AS "disabled_members!",
                  (SELECT count(DISTINCT i.id) FROM invitation_sites isr
                   JOIN invitations i ON i.id = isr.invitation_id
                   WHERE isr.site_id = ANY ($1)
                     AND i.revoked_at IS NULL AND i.accepted_at IS NULL)::int
                    AS "open_invitations!""#,
        &site_uuids(sites)
    )
    .fetch_one(db)
    .await
}
