//! A list page's view (its search, filters, sort and page) kept in the
//! URL, so a view can be bookmarked and Back returns to the last one. The
//! team table and the audit log both work this way; the UI side that reads
//! the URL and a filter form is `ui::url_view`.

use super::keyset::PageAt;

pub trait UrlView: Clone + PartialEq + Send + Sync + 'static {
    /// The query-string keys the view is read from, and a filter form's
    /// field names.
    const URL_KEYS: &'static [&'static str];

    /// The view that key/value pairs describe; unknown keys and values
    /// that do not parse are left out, never an error.
    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self;

    /// The same view from its first page.
    fn first_page(&self) -> Self;

    fn page(&self) -> &PageAt;

    /// The page's path with this view's query string.
    fn href(&self) -> String;

    /// Whether going from `current` to this view only changes the text of
    /// one search box already in use: that replaces the history entry, so
    /// Back leaves the search, not each letter typed.
    fn refines_search(&self, current: &Self) -> bool;
}

/// Whether one text filter changed from one non-empty text to another.
pub fn retyped(new: &str, old: &str) -> bool {
    !new.is_empty() && !old.is_empty() && new != old
}

/// The view a query string (`a=1&b=x%20y`) describes, for tests: it
/// percent-decodes just enough to round-trip what [`UrlView::href`] encodes.
#[cfg(test)]
pub(crate) fn parse_query<V: UrlView>(query: &str) -> V {
    fn decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect();
    V::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

#[cfg(test)]
mod tests {
    use super::UrlView;
    use crate::domain::audit_view::AuditQuery;
    use crate::domain::keyset::PageAt;
    use crate::domain::team_view::TeamQuery;

    fn team(pairs: &[(&str, &str)]) -> TeamQuery {
        <TeamQuery as UrlView>::from_pairs(pairs.iter().copied())
    }

    fn audit(pairs: &[(&str, &str)]) -> AuditQuery {
        <AuditQuery as UrlView>::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn only_retyping_a_search_in_use_replaces_the_history_entry() {
        let ada = team(&[("q", "ada"), ("tab", "inactive")]);
        assert!(team(&[("q", "adam"), ("tab", "inactive")]).refines_search(&ada));
        // From a later page too: the new view starts on the first.
        let later = TeamQuery {
            page: PageAt::After("cursor".into()),
            ..ada.clone()
        };
        assert!(team(&[("q", "ad"), ("tab", "inactive")]).refines_search(&later));
        // Starting or clearing a search, or changing anything else, is a
        // step Back should return from.
        assert!(!ada.refines_search(&team(&[("tab", "inactive")])));
        assert!(!team(&[("tab", "inactive")]).refines_search(&ada));
        assert!(!team(&[("q", "adam")]).refines_search(&ada));
        assert!(!ada.refines_search(&ada));
    }

    #[test]
    fn the_audit_logs_actor_and_target_are_each_a_search() {
        let both = audit(&[("actor", "ada"), ("target", "bob")]);
        assert!(audit(&[("actor", "adam"), ("target", "bob")]).refines_search(&both));
        assert!(audit(&[("actor", "ada"), ("target", "bo")]).refines_search(&both));
        assert!(!audit(&[("actor", "adam"), ("target", "bo")]).refines_search(&both));
        assert!(!audit(&[("actor", "adam")]).refines_search(&both));
    }
}
