//! What the team table shows: a tab, a search, filters, a sort and a page.
//! The whole view lives in the page's URL, so it can be bookmarked and Back
//! restores it; this module reads and writes that URL form and decides which
//! filters mean something on which tab.

use super::keyset::PageAt;
use super::{DepartmentId, GroupId, RoleId, SiteId};
use serde::{Deserialize, Serialize};

/// Rows per page of the team table.
pub const PAGE_SIZE: usize = 50;

/// Longest search text the server accepts; longer input is cut.
pub const MAX_SEARCH_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TeamTab {
    /// Enabled members, with open invitations among them.
    #[default]
    Active,
    /// Disabled members.
    Inactive,
    /// Invitations: open ones, or closed ones behind the status filter.
    Invitations,
}

impl TeamTab {
    pub const ALL: [TeamTab; 3] = [Self::Active, Self::Inactive, Self::Invitations];

    pub fn key(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Invitations => "invitations",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
            Self::Invitations => "Invitations",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == value)
    }

    /// The status choices this tab's filter offers.
    pub fn statuses(self) -> &'static [StatusFilter] {
        match self {
            Self::Active => &[
                StatusFilter::Enabled,
                StatusFilter::Pending,
                StatusFilter::Expired,
            ],
            Self::Inactive => &[],
            Self::Invitations => &[
                StatusFilter::Pending,
                StatusFilter::Expired,
                StatusFilter::Accepted,
                StatusFilter::Revoked,
                StatusFilter::AnyInvitation,
            ],
        }
    }

    /// Whether the tab lists members, whose accounts have sign-in and
    /// two-factor facts to filter on.
    pub fn has_members(self) -> bool {
        self != Self::Invitations
    }

    pub fn default_sort(self) -> SortKey {
        match self {
            Self::Invitations => SortKey::Added,
            _ => SortKey::Name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusFilter {
    Enabled,
    Pending,
    Expired,
    Accepted,
    Revoked,
    /// Every invitation, open or closed.
    AnyInvitation,
}

impl StatusFilter {
    const ALL: [StatusFilter; 6] = [
        Self::Enabled,
        Self::Pending,
        Self::Expired,
        Self::Accepted,
        Self::Revoked,
        Self::AnyInvitation,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::AnyInvitation => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Enabled => "Enabled",
            Self::Pending => "Pending Invitation",
            Self::Expired => "Expired",
            Self::Accepted => "Accepted",
            Self::Revoked => "Revoked",
            Self::AnyInvitation => "All, including revoked and accepted",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == value)
    }
}

/// The last-sign-in filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignInFilter {
    Never,
    /// Last signed in more than [`STALE_SIGN_IN_DAYS`] days ago.
    Stale,
}

/// The two-factor filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TwoFactorFilter {
    SetUp,
    NotSetUp,
    /// Not set up, and the organisation's policy requires it of them (in
    /// their grace or past it): who is out of policy.
    Required,
}

impl TwoFactorFilter {
    pub const ALL: [Self; 3] = [Self::SetUp, Self::NotSetUp, Self::Required];

    pub fn key(self) -> &'static str {
        match self {
            Self::SetUp => "yes",
            Self::NotSetUp => "no",
            Self::Required => "required",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SetUp => "Set up",
            Self::NotSetUp => "Not set up",
            Self::Required => "Required, not set up",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == value)
    }
}

/// "Over 30 days ago" in the last-sign-in filter.
pub const STALE_SIGN_IN_DAYS: i64 = 30;

impl SignInFilter {
    pub fn key(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Stale => "stale",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Never => "Never signed in",
            Self::Stale => "Over 30 days ago",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [Self::Never, Self::Stale]
            .into_iter()
            .find(|s| s.key() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortKey {
    Name,
    Email,
    /// Role rank (Owner first), then name.
    Role,
    LastSignIn,
    /// When the member joined or the invitation was created.
    Added,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        Self::Name,
        Self::Email,
        Self::Role,
        Self::LastSignIn,
        Self::Added,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Role => "role",
            Self::LastSignIn => "last_sign_in",
            Self::Added => "added",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == value)
    }

    /// Dates read newest first unless asked otherwise; names A to Z.
    pub fn default_direction(self) -> Direction {
        match self {
            Self::LastSignIn | Self::Added => Direction::Desc,
            _ => Direction::Asc,
        }
    }

    /// What the sort picker calls this order.
    pub fn describe(self, direction: Direction) -> &'static str {
        match (self, direction) {
            (Self::Name, Direction::Asc) => "Name, A to Z",
            (Self::Name, Direction::Desc) => "Name, Z to A",
            (Self::Email, Direction::Asc) => "Email, A to Z",
            (Self::Email, Direction::Desc) => "Email, Z to A",
            (Self::Role, Direction::Asc) => "Role, owners first",
            (Self::Role, Direction::Desc) => "Role, owners last",
            (Self::LastSignIn, Direction::Desc) => "Last sign-in, recent first",
            (Self::LastSignIn, Direction::Asc) => "Last sign-in, oldest first",
            (Self::Added, Direction::Desc) => "Date added, newest first",
            (Self::Added, Direction::Asc) => "Date added, oldest first",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub fn key(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "asc" => Some(Self::Asc),
            "desc" => Some(Self::Desc),
            _ => None,
        }
    }
}

/// One view of the team table, exactly as its URL says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamQuery {
    pub tab: TeamTab,
    /// Part of a name or an email; empty for none.
    pub search: String,
    pub role: Option<RoleId>,
    pub department: Option<DepartmentId>,
    /// People in this group, and invitations that will put them in it.
    pub group: Option<GroupId>,
    /// People who belong to this site, and invitations onto it.
    pub site: Option<SiteId>,
    /// People holding this role at a site (the chosen one, or any), and
    /// invitations giving it.
    pub site_role: Option<RoleId>,
    pub status: Option<StatusFilter>,
    pub two_factor: Option<TwoFactorFilter>,
    pub sign_in: Option<SignInFilter>,
    /// `None`: the tab's default order.
    pub sort: Option<SortKey>,
    /// `None`: the sort's default direction.
    pub direction: Option<Direction>,
    pub page: PageAt,
}

impl super::url_view::UrlView for TeamQuery {
    const URL_KEYS: &'static [&'static str] = &TeamQuery::URL_KEYS;

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        TeamQuery::from_pairs(pairs)
    }

    fn first_page(&self) -> Self {
        TeamQuery::first_page(self)
    }

    fn page(&self) -> &PageAt {
        &self.page
    }

    fn href(&self) -> String {
        TeamQuery::href(self)
    }

    fn refines_search(&self, current: &Self) -> bool {
        let current = current.first_page();
        super::url_view::retyped(&self.search, &current.search)
            && TeamQuery {
                search: current.search.clone(),
                ..self.clone()
            } == current
    }
}

impl TeamQuery {
    /// Every URL query key a view uses.
    pub const URL_KEYS: [&'static str; 14] = [
        "tab",
        "q",
        "role",
        "department",
        "group",
        "site",
        "site_role",
        "status",
        "two_factor",
        "sign_in",
        "sort",
        "dir",
        "after",
        "before",
    ];

    pub fn for_tab(tab: TeamTab) -> Self {
        Self {
            tab,
            ..Self::default()
        }
    }

    /// Reads a view from URL query pairs. Lenient: a value it does not
    /// know is dropped, so an old bookmark still opens a sensible view.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "tab" => query.tab = TeamTab::parse(value).unwrap_or_default(),
                "q" => query.search = value.chars().take(MAX_SEARCH_CHARS).collect(),
                "role" => query.role = value.parse().ok(),
                "department" => query.department = value.parse().ok(),
                "group" => query.group = value.parse().ok(),
                "site" => query.site = value.parse().ok(),
                "site_role" => query.site_role = value.parse().ok(),
                "status" => query.status = StatusFilter::parse(value),
                "two_factor" => query.two_factor = TwoFactorFilter::parse(value),
                "sign_in" => query.sign_in = SignInFilter::parse(value),
                // The sort picker sends both halves in one value.
                "sort" => match value.split_once(':') {
                    Some((sort, direction)) => {
                        query.sort = SortKey::parse(sort);
                        query.direction = Direction::parse(direction);
                    }
                    None => query.sort = SortKey::parse(value),
                },
                "dir" => query.direction = Direction::parse(value),
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

    /// Drops what does not apply to the tab, and defaults spelled out, so
    /// that one view has one URL.
    pub fn normalised(mut self) -> Self {
        self.search = self.search.trim().to_string();
        if self
            .status
            .is_some_and(|s| !self.tab.statuses().contains(&s))
        {
            self.status = None;
        }
        if !self.tab.has_members() {
            self.two_factor = None;
            self.sign_in = None;
        }
        if self.sort == Some(self.tab.default_sort()) {
            self.sort = None;
        }
        if self.direction == Some(self.sort_key().default_direction()) {
            self.direction = None;
        }
        self
    }

    pub fn sort_key(&self) -> SortKey {
        self.sort.unwrap_or(self.tab.default_sort())
    }

    pub fn sort_direction(&self) -> Direction {
        self.direction
            .unwrap_or(self.sort_key().default_direction())
    }

    /// The same view from its first page.
    pub fn first_page(&self) -> Self {
        Self {
            page: PageAt::First,
            ..self.clone()
        }
    }

    /// Whether any search or filter narrows the tab.
    pub fn is_filtered(&self) -> bool {
        !self.search.is_empty() || self.filter_count() > 0
    }

    /// How many filters (not the search) narrow the tab: the phone's
    /// "Filters and sort" button shows it while the filters are folded away.
    pub fn filter_count(&self) -> usize {
        [
            self.role.is_some(),
            self.department.is_some(),
            self.group.is_some(),
            self.site.is_some(),
            self.site_role.is_some(),
            self.status.is_some(),
            self.two_factor.is_some(),
            self.sign_in.is_some(),
        ]
        .into_iter()
        .filter(|on| *on)
        .count()
    }

    /// Whether open invitations belong in this view at all. Sign-in and
    /// two-factor filters describe accounts, which invitees don't have yet.
    pub fn includes_invitations(&self) -> bool {
        match self.tab {
            TeamTab::Active => {
                !matches!(self.status, Some(StatusFilter::Enabled))
                    && self.two_factor.is_none()
                    && self.sign_in.is_none()
            }
            TeamTab::Inactive => false,
            TeamTab::Invitations => true,
        }
    }

    /// Whether members belong in this view at all.
    pub fn includes_members(&self) -> bool {
        match self.tab {
            TeamTab::Active => matches!(self.status, None | Some(StatusFilter::Enabled)),
            TeamTab::Inactive => true,
            TeamTab::Invitations => false,
        }
    }

    /// The URL query for this view (without `?`), leaving out defaults.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.tab != TeamTab::default() {
            pairs.push(("tab", self.tab.key().to_string()));
        }
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if let Some(role) = self.role {
            pairs.push(("role", role.to_string()));
        }
        if let Some(department) = self.department {
            pairs.push(("department", department.to_string()));
        }
        if let Some(group) = self.group {
            pairs.push(("group", group.to_string()));
        }
        if let Some(site) = self.site {
            pairs.push(("site", site.to_string()));
        }
        if let Some(role) = self.site_role {
            pairs.push(("site_role", role.to_string()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.key().to_string()));
        }
        if let Some(two_factor) = self.two_factor {
            pairs.push(("two_factor", two_factor.key().to_string()));
        }
        if let Some(sign_in) = self.sign_in {
            pairs.push(("sign_in", sign_in.key().to_string()));
        }
        if let Some(sort) = self.sort {
            pairs.push(("sort", sort.key().to_string()));
        }
        if let Some(direction) = self.direction {
            pairs.push(("dir", direction.key().to_string()));
        }
        pairs.extend(self.page.url_pair());
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The team page's path for this view.
    pub fn href(&self) -> String {
        let query = self.to_query_string();
        if query.is_empty() {
            "/team".to_string()
        } else {
            format!("/team?{query}")
        }
    }
}

/// Percent-encodes a URL query value (as `encodeURIComponent` does).
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Escapes `%`, `_` and `\` so a search text matches literally inside a SQL
/// `LIKE` pattern, and wraps it for a substring match, lowercased.
pub fn like_substring(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> TeamQuery {
        crate::domain::url_view::parse_query(query)
    }

    #[test]
    fn the_default_view_has_a_bare_url() {
        assert_eq!(TeamQuery::default().href(), "/team");
        assert_eq!(parse(""), TeamQuery::default());
    }

    #[test]
    fn every_part_round_trips_through_the_url() {
        let query = TeamQuery {
            tab: TeamTab::Active,
            search: "Zoë & co/50%".to_string(),
            role: Some("6f0d3c2e-1b7a-4d5e-9f3a-2b1c0d9e8f7a".parse().unwrap()),
            department: Some("0b4c6a1e-2d3f-4a5b-8c7d-9e0f1a2b3c4d".parse().unwrap()),
            group: Some("5d2e8f0a-3c4b-4e6d-a7f8-9b0c1d2e3f4a".parse().unwrap()),
            site: Some("7a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d".parse().unwrap()),
            site_role: Some("8b2c3d4e-5f6a-4b7c-9d8e-1f2a3b4c5d6e".parse().unwrap()),
            status: Some(StatusFilter::Pending),
            two_factor: Some(TwoFactorFilter::Required),
            sign_in: Some(SignInFilter::Stale),
            sort: Some(SortKey::Email),
            direction: Some(Direction::Desc),
            page: PageAt::After("abc-_123".to_string()),
        };
        let qs = query.to_query_string();
        assert!(!qs.contains(' ') && !qs.contains("&co"), "{qs}");
        assert_eq!(parse(&qs), query);
    }

    #[test]
    fn filters_are_counted_apart_from_the_search() {
        let searched = parse("q=ann");
        assert!(searched.is_filtered());
        assert_eq!(searched.filter_count(), 0);
        let filtered = parse("tab=inactive&two_factor=no&sign_in=never&dir=desc");
        assert!(filtered.is_filtered());
        assert_eq!(
            filtered.filter_count(),
            2,
            "sort and direction are not filters"
        );
        assert!(!parse("sort=email").is_filtered());
    }

    #[test]
    fn unknown_values_are_dropped_not_fatal() {
        let query = parse("tab=nope&status=weird&sort=colour&dir=up&role=not-a-uuid&sign_in=x");
        assert_eq!(query, TeamQuery::default());
    }

    #[test]
    fn filters_that_do_not_fit_the_tab_are_dropped() {
        let query = parse("tab=invitations&status=enabled&two_factor=yes&sign_in=never");
        assert_eq!(query.status, None);
        assert_eq!(query.two_factor, None);
        assert_eq!(query.sign_in, None);
        let query = parse("tab=inactive&status=pending");
        assert_eq!(query.status, None);
        let query = parse("tab=invitations&status=revoked");
        assert_eq!(query.status, Some(StatusFilter::Revoked));
    }

    #[test]
    fn defaults_spelled_out_collapse_to_one_url() {
        assert_eq!(parse("sort=name&dir=asc").href(), "/team");
        assert_eq!(
            parse("tab=invitations&sort=added&dir=desc").href(),
            "/team?tab=invitations"
        );
        assert_eq!(parse("sort=added").href(), "/team?sort=added");
        assert_eq!(parse("sort=added").sort_direction(), Direction::Desc);
    }

    #[test]
    fn the_sort_picker_sends_sort_and_direction_in_one_value() {
        let query = parse("sort=email%3Adesc");
        assert_eq!(query.sort_key(), SortKey::Email);
        assert_eq!(query.sort_direction(), Direction::Desc);
        assert_eq!(query.href(), "/team?sort=email&dir=desc");
    }

    #[test]
    fn long_searches_are_cut() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 20);
        assert_eq!(
            parse(&format!("q={long}")).search.chars().count(),
            MAX_SEARCH_CHARS
        );
    }

    #[test]
    fn which_rows_a_view_includes() {
        let active = TeamQuery::default();
        assert!(active.includes_members() && active.includes_invitations());
        let enabled_only = parse("status=enabled");
        assert!(enabled_only.includes_members() && !enabled_only.includes_invitations());
        let pending = parse("status=pending");
        assert!(!pending.includes_members() && pending.includes_invitations());
        let never = parse("sign_in=never");
        assert!(never.includes_members() && !never.includes_invitations());
        let inactive = TeamQuery::for_tab(TeamTab::Inactive);
        assert!(inactive.includes_members() && !inactive.includes_invitations());
        // Invitations carry the groups accepting puts them in.
        let group = parse("group=5d2e8f0a-3c4b-4e6d-a7f8-9b0c1d2e3f4a");
        assert!(group.includes_members() && group.includes_invitations());
        let site = parse("site=7a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d");
        assert!(site.includes_members() && site.includes_invitations());
    }

    #[test]
    fn search_text_matches_literally_in_like() {
        assert_eq!(like_substring("Ada"), "%ada%");
        assert_eq!(like_substring("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
