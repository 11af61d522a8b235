//! CSV for exports that people open in spreadsheets.
//!
//! A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
//! return, which some spreadsheets skip before reading a formula) is run as
//! a formula by Excel, LibreOffice and Google Sheets. Names and emails come
//! from other people, so such cells get a leading `'`, which spreadsheets
//! show as text (OWASP's advice for CSV injection).

/// One cell: neutralised, then quoted when it holds a separator, a quote
/// or a line break.
pub fn cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One line of cells, ended with CRLF as RFC 4180 says.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        assert_eq!(cell("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(cell("ada@example.com"), "ada@example.com");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn separators_and_quotes_are_quoted() {
        assert_eq!(cell("O'Brien, Ann"), "\"O'Brien, Ann\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn rows_end_with_crlf() {
        assert_eq!(row(&["a", "=b", "c,d"]), "a,'=b,\"c,d\"\r\n");
    }
}
