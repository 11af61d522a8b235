//! Keyset paging in SQL, as the team table's and the audit log's page
//! queries both build it (each with its own sort keys and filters), and
//! the opaque cursor that carries a row's position between requests. What
//! a page and its cursors are is `domain::keyset`.

use crate::domain::keyset::Seek;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::query_builder::Separated;
use sqlx::{Postgres, QueryBuilder};

/// How one page read walks a view's order: forwards for the first page
/// and the page after a row; backwards from a row for the page before it,
/// which [`Walk::finish`] turns back into the view's order. Reading
/// backwards keeps it a plain `ORDER BY … LIMIT` over the view's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    backwards: bool,
    /// The order of this read, not of the view.
    ascending: bool,
}

impl Walk {
    /// A read of a view whose sort keys run ascending (or not), starting
    /// from the first row or from a side of a row.
    pub fn new(view_ascending: bool, seek: Option<Seek>) -> Self {
        let backwards = seek == Some(Seek::Before);
        Self {
            backwards,
            ascending: view_ascending != backwards,
        }
    }

    /// `ASC` or `DESC`: the direction of this read.
    pub fn order(self) -> &'static str {
        if self.ascending {
            "ASC"
        } else {
            "DESC"
        }
    }

    /// ` AND (c1, c2) > ($1, $2)` (`<` when reading downwards): the rows
    /// beyond the start row in this read's direction. `bind` binds the
    /// start row's values, one per column, in the columns' order.
    pub fn push_beyond<'args>(
        self,
        sql: &mut QueryBuilder<'args, Postgres>,
        columns: &[&str],
        bind: impl FnOnce(&mut Separated<'_, 'args, Postgres, &'static str>),
    ) {
        let compare = if self.ascending { ">" } else { "<" };
        sql.push(format!(" AND ({}) {compare} (", columns.join(", ")));
        bind(&mut sql.separated(", "));
        sql.push(")");
    }

    /// ` ORDER BY c1 ASC, c2 ASC`: every column in this read's direction.
    pub fn push_order(self, sql: &mut QueryBuilder<'_, Postgres>, columns: &[&str]) {
        let order = self.order();
        sql.push(" ORDER BY ");
        sql.push(
            columns
                .iter()
                .map(|c| format!("{c} {order}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }

    /// The rows as read, in the view's order.
    pub fn finish<R>(self, mut rows: Vec<R>) -> Vec<R> {
        if self.backwards {
            rows.reverse();
        }
        rows
    }
}

/// A page cursor: a row's position as URL-safe text. Opaque, not secret:
/// it holds sort keys of a row the viewer saw.
pub fn encode_cursor<P: Serialize>(position: &P) -> String {
    // Serialising plain data to JSON cannot fail.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

/// The position a cursor names; a made-up one names none.
pub fn decode_cursor<P: DeserializeOwned>(cursor: &str) -> Option<P> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Position {
        text: String,
        id: i64,
    }

    #[test]
    fn cursors_round_trip_and_made_up_ones_mean_nothing() {
        let position = Position {
            text: "zoë".to_string(),
            id: 42,
        };
        let cursor = encode_cursor(&position);
        assert!(cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode_cursor(&cursor), Some(position));
        assert_eq!(decode_cursor::<Position>("bm90LWEtY3Vyc29y"), None);
        assert_eq!(decode_cursor::<Position>("!!"), None);
    }

    fn sql(walk: Walk, from: bool) -> String {
        let mut sql = QueryBuilder::<Postgres>::new("SELECT … WHERE x = 1");
        if from {
            walk.push_beyond(&mut sql, &["a", "b"], |values| {
                values.push_bind(1);
                values.push_bind(2);
            });
        }
        walk.push_order(&mut sql, &["a", "b"]);
        sql.sql().to_string()
    }

    #[test]
    fn a_page_before_a_row_reads_the_view_backwards_and_flips_it() {
        let first = Walk::new(true, None);
        assert_eq!(
            sql(first, false),
            "SELECT … WHERE x = 1 ORDER BY a ASC, b ASC"
        );
        let after = Walk::new(true, Some(Seek::After));
        assert_eq!(
            sql(after, true),
            "SELECT … WHERE x = 1 AND (a, b) > ($1, $2) ORDER BY a ASC, b ASC"
        );
        let before = Walk::new(true, Some(Seek::Before));
        assert_eq!(
            sql(before, true),
            "SELECT … WHERE x = 1 AND (a, b) < ($1, $2) ORDER BY a DESC, b DESC"
        );
        assert_eq!(before.finish(vec![3, 2, 1]), [1, 2, 3]);
        assert_eq!(after.finish(vec![1, 2, 3]), [1, 2, 3]);
        // A view in descending order, such as the audit log's.
        let older = Walk::new(false, Some(Seek::After));
        assert_eq!(older.order(), "DESC");
        let newer = Walk::new(false, Some(Seek::Before));
        assert_eq!(
            sql(newer, true),
            "SELECT … WHERE x = 1 AND (a, b) > ($1, $2) ORDER BY a ASC, b ASC"
        );
    }
}
