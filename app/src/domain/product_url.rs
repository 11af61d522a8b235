//! The address of an organisation's own product, which its members' home
//! page links to: their way on after joining Roster's organisation.

use std::fmt;

/// At most this many characters, as the database also holds.
pub const MAX_LENGTH: usize = 2048;

/// An absolute `http` or `https` address with a host and without
/// credentials. Held as typed, with the scheme in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductUrlError {
    #[error("Enter an address that starts with https:// (or http://).")]
    Scheme,
    #[error("Enter the address with its host name, such as https://app.example.com.")]
    Host,
    #[error("Leave out the user name and password: everyone who opens the link would see them.")]
    Credentials,
    #[error("An address cannot contain spaces or letters outside A to Z: copy it from your browser's address bar, which encodes them.")]
    Characters,
    #[error("That address is too long: at most 2,048 characters.")]
    TooLong,
}

impl ProductUrl {
    /// What an owner typed; empty means no link.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ProductUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        if input.chars().count() > MAX_LENGTH {
            return Err(ProductUrlError::TooLong);
        }
        // Plain visible ASCII only: no spaces, nothing invisible, no look-alike
        // letters; browsers copy addresses percent-encoded.
        if !input.chars().all(|c| c.is_ascii_graphic()) {
            return Err(ProductUrlError::Characters);
        }
        let (scheme, rest) = input.split_once("://").ok_or(ProductUrlError::Scheme)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(ProductUrlError::Scheme);
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(ProductUrlError::Credentials);
        }
        if !is_host_and_port(authority) {
            return Err(ProductUrlError::Host);
        }
        Ok(Some(Self(format!("{scheme}://{rest}"))))
    }

    /// Trusts a value the server validated before it was stored.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, as a link's text shows it ("app.example.com").
    pub fn host(&self) -> &str {
        host_of(&self.0)
    }
}

/// The host part of an address already checked by [`ProductUrl`] (shared
/// with the browser build, which gets the address as text).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map_or(authority, |(host, _)| &authority[..=host.len()]);
    }
    authority.split(':').next().unwrap_or_default()
}

impl fmt::Display for ProductUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `host` or `host:port`: DNS labels (letters, digits, hyphens) or an IPv6
/// address in brackets.
fn is_host_and_port(authority: &str) -> bool {
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let Some((address, after)) = inner.split_once(']') else {
            return false;
        };
        if address.is_empty()
            || !address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return false;
        }
        (
            None,
            after
                .strip_prefix(':')
                .map(Some)
                .unwrap_or(if after.is_empty() { None } else { Some("x") }),
        )
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    let host_ok = host.is_none_or(|host| {
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    });
    port_ok && host_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Result<Option<String>, ProductUrlError> {
        ProductUrl::parse_optional(input).map(|url| url.map(|u| u.to_string()))
    }

    #[test]
    fn addresses_of_products_are_taken() {
        assert_eq!(parse("  "), Ok(None));
        assert_eq!(
            parse(" https://app.example.com/start?from=roster#top "),
            Ok(Some("https://app.example.com/start?from=roster#top".into()))
        );
        assert_eq!(
            parse("HTTP://localhost:8080"),
            Ok(Some("http://localhost:8080".into()))
        );
        assert_eq!(
            parse("https://[::1]:3000/x"),
            Ok(Some("https://[::1]:3000/x".into()))
        );
        assert_eq!(
            parse("https://192.168.1.10/"),
            Ok(Some("https://192.168.1.10/".into()))
        );
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        use ProductUrlError::*;
        assert_eq!(parse("app.example.com"), Err(Scheme));
        assert_eq!(parse("javascript://alert(1)"), Err(Scheme));
        assert_eq!(parse("ftp://files.example.com"), Err(Scheme));
        assert_eq!(parse("https://"), Err(Host));
        assert_eq!(parse("https:///path"), Err(Host));
        assert_eq!(parse("https://-bad.example.com"), Err(Host));
        assert_eq!(parse("https://app.example.com:port"), Err(Host));
        assert_eq!(parse("https://[::1"), Err(Host));
        assert_eq!(
            parse("https://user:secret@app.example.com"),
            Err(Credentials)
        );
        assert_eq!(parse("https://app.example.com/a b"), Err(Characters));
        assert_eq!(parse("https://app.example.com/\u{200b}"), Err(Characters));
        assert_eq!(
            parse("https://аpp.example.com"),
            Err(Characters),
            "a Cyrillic a"
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_LENGTH));
        assert_eq!(parse(&long), Err(TooLong));
    }

    #[test]
    fn the_host_is_what_a_link_shows() {
        let host = |s: &str| {
            ProductUrl::parse_optional(s)
                .unwrap()
                .unwrap()
                .host()
                .to_string()
        };
        assert_eq!(host("https://app.example.com/start"), "app.example.com");
        assert_eq!(host("http://localhost:8080"), "localhost");
        assert_eq!(host("https://[::1]:3000/x"), "[::1]");
        assert_eq!(host_of("https://app.example.com?x"), "app.example.com");
    }
}
