//! Keyset paging, as the team table and the audit log both page: a page is
//! the rows after (or before) a row already seen, in the view's order, so
//! any page costs about what the first one does and nothing counts the
//! whole filtered list. Each view keeps its own sort keys and SQL (and
//! `server::db::keyset` the SQL they share); this module says which page a
//! URL asks for, and cuts a page and its neighbours' cursors out of one
//! read of a row more than a page.

use serde::{Deserialize, Serialize};

/// Which page: the first, the one after a row, or the one before a row.
/// Cursors are opaque to everyone but the server, which made them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PageAt {
    #[default]
    First,
    After(String),
    Before(String),
}

impl PageAt {
    /// The page a URL query pair names: `after` or `before` with a cursor.
    pub fn from_url_pair(key: &str, value: &str) -> Option<Self> {
        match key {
            "after" if !value.is_empty() => Some(Self::After(value.to_string())),
            "before" if !value.is_empty() => Some(Self::Before(value.to_string())),
            _ => None,
        }
    }

    /// The URL query pair for this page; the first page needs none.
    pub fn url_pair(&self) -> Option<(&'static str, String)> {
        match self {
            Self::First => None,
            Self::After(cursor) => Some(("after", cursor.clone())),
            Self::Before(cursor) => Some(("before", cursor.clone())),
        }
    }

    /// Where the page starts: a side of a row, and that row's position as
    /// `decode` reads it from the cursor. `None` for the first page, and
    /// for a cursor `decode` refuses (an edited URL), which means the
    /// first page too.
    pub fn start<P>(&self, decode: impl FnOnce(&str) -> Option<P>) -> Option<(Seek, P)> {
        match self {
            Self::First => None,
            Self::After(cursor) => decode(cursor).map(|p| (Seek::After, p)),
            Self::Before(cursor) => decode(cursor).map(|p| (Seek::Before, p)),
        }
    }
}

/// Which side of a row a page starts from, in the view's order. In the
/// audit log, newest first, "after" is older.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    /// The next page.
    After,
    /// The previous page.
    Before,
}

/// How many rows to read for a page of `page_size`: the one row more says
/// whether there is a page beyond.
pub fn read_limit(page_size: usize) -> i64 {
    i64::try_from(page_size).map_or(i64::MAX, |size| size.saturating_add(1))
}

/// A page of rows in the view's order, with the cursors of the pages
/// beside it when there are rows there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<R> {
    pub rows: Vec<R>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

impl<R> Page<R> {
    /// Cuts a page of `page_size` out of `read`: up to [`read_limit`] rows
    /// in the view's order, read from the first row or from `from` (the
    /// side, and the cursor of the row the page starts from). `cursor`
    /// names a row's position.
    ///
    /// Coming from a cursor, the rows on its side exist, so even an empty
    /// page (everything beyond it was deleted) links back across it.
    pub fn cut(
        mut read: Vec<R>,
        page_size: usize,
        from: Option<(Seek, String)>,
        cursor: impl Fn(&R) -> String,
    ) -> Self {
        let more = read.len() > page_size;
        let backwards = matches!(from, Some((Seek::Before, _)));
        if more {
            // The extra row is the one farthest from where the read began.
            if backwards {
                read.drain(..read.len() - page_size);
            } else {
                read.truncate(page_size);
            }
        }
        let first = read.first().map(&cursor);
        let last = read.last().map(&cursor);
        let (next, previous) = match from {
            None => (last.filter(|_| more), None),
            Some((Seek::After, from)) => (last.filter(|_| more), first.or(Some(from))),
            Some((Seek::Before, from)) => (last.or(Some(from)), first.filter(|_| more)),
        };
        Self {
            rows: read,
            next,
            previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(read: &[u32], from: Option<(Seek, &str)>) -> Page<u32> {
        Page::cut(
            read.to_vec(),
            3,
            from.map(|(seek, c)| (seek, c.to_string())),
            |row| format!("c{row}"),
        )
    }

    fn page(rows: &[u32], next: Option<&str>, previous: Option<&str>) -> Page<u32> {
        Page {
            rows: rows.to_vec(),
            next: next.map(String::from),
            previous: previous.map(String::from),
        }
    }

    #[test]
    fn the_page_is_read_with_one_row_more() {
        assert_eq!(read_limit(50), 51);
    }

    #[test]
    fn the_first_page_links_onwards_only_when_there_is_more() {
        assert_eq!(cut(&[1, 2, 3, 4], None), page(&[1, 2, 3], Some("c3"), None));
        assert_eq!(cut(&[1, 2, 3], None), page(&[1, 2, 3], None, None));
        assert_eq!(cut(&[], None), page(&[], None, None));
    }

    #[test]
    fn a_page_after_a_row_links_back_to_it() {
        let after = Some((Seek::After, "c3"));
        assert_eq!(
            cut(&[4, 5, 6, 7], after),
            page(&[4, 5, 6], Some("c6"), Some("c4"))
        );
        assert_eq!(cut(&[4, 5], after), page(&[4, 5], None, Some("c4")));
        assert_eq!(cut(&[], after), page(&[], None, Some("c3")));
    }

    #[test]
    fn a_page_before_a_row_drops_the_extra_row_at_its_start() {
        let before = Some((Seek::Before, "c8"));
        assert_eq!(
            cut(&[4, 5, 6, 7], before),
            page(&[5, 6, 7], Some("c7"), Some("c5"))
        );
        assert_eq!(cut(&[6, 7], before), page(&[6, 7], Some("c7"), None));
        assert_eq!(cut(&[], before), page(&[], Some("c8"), None));
    }

    #[test]
    fn pages_round_trip_through_the_url_and_empty_cursors_mean_the_first() {
        for page in [PageAt::After("abc".into()), PageAt::Before("abc".into())] {
            let (key, value) = page.url_pair().unwrap();
            assert_eq!(PageAt::from_url_pair(key, &value), Some(page));
        }
        assert_eq!(PageAt::First.url_pair(), None);
        assert_eq!(PageAt::from_url_pair("after", ""), None);
        assert_eq!(PageAt::from_url_pair("q", "abc"), None);
    }

    #[test]
    fn a_cursor_the_view_refuses_means_the_first_page() {
        let decode = |c: &str| c.parse::<u32>().ok();
        assert_eq!(PageAt::First.start(decode), None);
        assert_eq!(
            PageAt::After("7".into()).start(decode),
            Some((Seek::After, 7))
        );
        assert_eq!(
            PageAt::Before("7".into()).start(decode),
            Some((Seek::Before, 7))
        );
        assert_eq!(PageAt::After("made-up".into()).start(decode), None);
    }
}
