//! What the audit page shows: filters by actor, target, action and dates,
//! and a page. Like the team table's view, the whole of it lives in the
//! page's URL (bookmarkable, Back restores it); this module reads and
//! writes that URL form and says when the dates make no sense.

use super::audit::AuditAction;
use super::keyset::PageAt;
use super::team_view::{encode_component, MAX_SEARCH_CHARS};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Events per page of the audit log.
pub const PAGE_SIZE: usize = 50;

/// Dates outside these years are dropped from the URL: nothing happened
/// then, and the bounds keep date arithmetic far from overflowing.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=9999;

/// One view of the audit log, exactly as its URL says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// Part of the name or email of who did it; empty for anyone.
    pub actor: String,
    /// Part of the name or email of what it was done to; empty for anything.
    pub target: String,
    /// A known action's key.
    pub action: Option<String>,
    /// The first day, in the organisation's time zone.
    pub from: Option<NaiveDate>,
    /// The last day (included), in the organisation's time zone.
    pub to: Option<NaiveDate>,
    pub page: PageAt,
}

/// Why a view cannot be shown: the field and the message beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    pub field: &'static str,
    pub message: &'static str,
}

impl super::url_view::UrlView for AuditQuery {
    const URL_KEYS: &'static [&'static str] = &AuditQuery::URL_KEYS;

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        AuditQuery::from_pairs(pairs)
    }

    fn first_page(&self) -> Self {
        AuditQuery::first_page(self)
    }

    fn page(&self) -> &PageAt {
        &self.page
    }

    fn href(&self) -> String {
        AuditQuery::href(self)
    }

    /// The actor and the target are two search boxes; either may be retyped.
    fn refines_search(&self, current: &Self) -> bool {
        let current = current.first_page();
        let retyped = super::url_view::retyped;
        (retyped(&self.actor, &current.actor)
            && AuditQuery {
                actor: current.actor.clone(),
                ..self.clone()
            } == current)
            || (retyped(&self.target, &current.target)
                && AuditQuery {
                    target: current.target.clone(),
                    ..self.clone()
                } == current)
    }
}

impl AuditQuery {
    /// Every URL query key a view uses.
    pub const URL_KEYS: [&'static str; 7] =
        ["actor", "target", "action", "from", "to", "after", "before"];

    /// Reads a view from URL query pairs. Lenient: a value it does not
    /// know (an unknown action, a malformed date) is dropped.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "actor" => query.actor = value.chars().take(MAX_SEARCH_CHARS).collect(),
                "target" => query.target = value.chars().take(MAX_SEARCH_CHARS).collect(),
                "action" => query.action = Some(value.to_string()),
                "from" => query.from = parse_date(value),
                "to" => query.to = parse_date(value),
                "after" | "before" => {
                    if let Some(page) = PageAt::from_url_pair(key, value) {
                        query.page = page;
                    }
                }
                _ => {}
            }
        }
        query.normalised()
    }

    /// Trims the texts, drops unknown actions and dates out of range, so
    /// that one view has one URL and the server needs no other checks.
    pub fn normalised(mut self) -> Self {
        self.actor = self.actor.trim().chars().take(MAX_SEARCH_CHARS).collect();
        self.target = self.target.trim().chars().take(MAX_SEARCH_CHARS).collect();
        self.action = self
            .action
            .as_deref()
            .and_then(AuditAction::from_key)
            .map(|a| a.key().to_string());
        self.from = self.from.filter(in_range);
        self.to = self.to.filter(in_range);
        self
    }

    /// The reason this view cannot be shown, if there is one.
    pub fn problem(&self) -> Option<QueryProblem> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from > to => Some(QueryProblem {
                field: "to",
                message: "The end date is before the start date. Choose a “To” date on or after the “From” date.",
            }),
            _ => None,
        }
    }

    /// The same view from its first page.
    pub fn first_page(&self) -> Self {
        Self {
            page: PageAt::First,
            ..self.clone()
        }
    }

    /// Whether any filter narrows the log.
    pub fn is_filtered(&self) -> bool {
        !self.actor.is_empty()
            || !self.target.is_empty()
            || self.action.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// The URL query for this view (without `?`), leaving out defaults.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.actor.is_empty() {
            pairs.push(("actor", self.actor.clone()));
        }
        if !self.target.is_empty() {
            pairs.push(("target", self.target.clone()));
        }
        if let Some(action) = &self.action {
            pairs.push(("action", action.clone()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        pairs.extend(self.page.url_pair());
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The audit page's path for this view.
    pub fn href(&self) -> String {
        let query = self.to_query_string();
        if query.is_empty() {
            "/audit".to_string()
        } else {
            format!("/audit?{query}")
        }
    }
}

/// `YYYY-MM-DD`, as `<input type="date">` sends it.
fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

fn in_range(date: &NaiveDate) -> bool {
    use chrono::Datelike as _;
    YEARS.contains(&date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> AuditQuery {
        crate::domain::url_view::parse_query(query)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_view_has_a_bare_url() {
        assert_eq!(AuditQuery::default().href(), "/audit");
        assert_eq!(parse(""), AuditQuery::default());
    }

    #[test]
    fn every_part_round_trips_through_the_url() {
        let query = AuditQuery {
            actor: "Zoë & co".to_string(),
            target: "50%_off@example.com".to_string(),
            action: Some("member.role_changed".to_string()),
            from: Some(date("2026-11-01")),
            to: Some(date("2026-11-23")),
            page: PageAt::Before("abc-_123".to_string()),
        };
        let qs = query.to_query_string();
        assert!(!qs.contains(' ') && !qs.contains("&co"), "{qs}");
        assert_eq!(parse(&qs), query);
        assert_eq!(
            AuditQuery {
                action: Some("member.disabled".to_string()),
                ..Default::default()
            }
            .href(),
            "/audit?action=member.disabled"
        );
    }

    #[test]
    fn unknown_values_are_dropped_not_fatal() {
        let query = parse("action=member.exploded&from=yesterday&to=2026-13-40&colour=red");
        assert_eq!(query, AuditQuery::default());
        assert_eq!(parse("from=1066-10-14").from, None);
        assert_eq!(parse("actor=%20%20&target=").href(), "/audit");
    }

    #[test]
    fn dates_in_the_wrong_order_are_a_problem_beside_the_end_date() {
        let query = parse("from=2026-11-23&to=2026-11-01");
        let problem = query.problem().unwrap();
        assert_eq!(problem.field, "to");
        assert!(problem.message.contains("before the start date"));
        assert_eq!(parse("from=2026-11-23&to=2026-11-23").problem(), None);
        assert_eq!(parse("from=2026-11-23").problem(), None);
    }

    #[test]
    fn long_searches_are_cut() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 20);
        let query = parse(&format!("actor={long}&target={long}"));
        assert_eq!(query.actor.chars().count(), MAX_SEARCH_CHARS);
        assert_eq!(query.target.chars().count(), MAX_SEARCH_CHARS);
    }

    #[test]
    fn filtered_means_any_filter() {
        assert!(!AuditQuery::default().is_filtered());
        assert!(parse("to=2026-11-01").is_filtered());
        assert!(parse("actor=adam").is_filtered());
        assert!(!parse("after=abc").is_filtered());
    }
}
