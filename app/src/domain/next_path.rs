//! Where to go after signing in.

/// Where a signed-in person who may see the team lands when no (safe)
/// `next` was given.
pub const DEFAULT_LANDING: &str = "/team";

/// Where everyone else lands: their home page.
pub const HOME: &str = "/welcome";

/// Where someone goes whom the organisation's two-factor policy shuts out
/// until they set up a factor: the setup on their profile page.
pub const TWO_FACTOR_SETUP: &str = "/profile#two-factor";

/// The query parameter a plain form's action carries its page's own
/// address in (path and query). Pages whose address holds a token send no
/// `Referer`, which is what `server_fn` sends a plain form post back to;
/// the server puts this in its place (`server::http::form_errors`).
pub const BACK_PARAMETER: &str = "__back";

/// Returns `next` when it is a path on this site, or `None`.
///
/// Only a path that starts with exactly one `/` is local: `//evil.example`
/// and `/\evil.example` are read by browsers as other hosts. Control
/// characters are refused because browsers strip some of them (a tab or a
/// newline inside `/\t/evil.example` disappears), which would turn a path
/// into a host.
pub fn safe_next_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let first = chars.next()?;
    let second = chars.next();
    let local = first == '/'
        && !matches!(second, Some('/') | Some('\\'))
        && !next.contains('\\')
        && next.len() <= 2048
        && !next.chars().any(char::is_control);
    local.then_some(next)
}

/// Whether `token` looks like the link tokens Roster makes (URL-safe
/// base64), so that it may be put back into a path without escaping. A
/// link page that sends its visitor elsewhere and back checks this first.
pub fn is_link_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 256
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_url_safe_base64_only() {
        assert!(is_link_token("abc_DEF-123"));
        for bad in ["", "a&next=//evil", "a b", "a/b", "a%2F"] {
            assert!(!is_link_token(bad), "{bad}");
        }
    }

    #[test]
    fn keeps_local_paths() {
        for good in ["/", "/team", "/team?tab=inactive#x", "/a/b//c"] {
            assert_eq!(safe_next_path(good), Some(good));
        }
    }

    #[test]
    fn refuses_anything_that_leaves_the_site() {
        for bad in [
            "",
            "team",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/team\\..\\x",
        ] {
            assert_eq!(safe_next_path(bad), None, "{bad:?}");
        }
    }
}
