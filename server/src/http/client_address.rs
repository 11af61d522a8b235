//! Which address a request comes from. The TCP peer, unless the peer is a
//! proxy the operator trusts (`ROSTER_TRUSTED_PROXIES`); then the rightmost
//! address in the configured header (`ROSTER_CLIENT_IP_HEADER`) that is not
//! itself a trusted proxy. Everything left of that was written by the
//! client and proves nothing. `X-Forwarded-Host` and `X-Forwarded-Proto`
//! are never read: the host and scheme come from `PUBLIC_BASE_URL`.

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The header a trusted proxy reports the client's address in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientIpHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2`
    #[default]
    XForwardedFor,
    /// RFC 7239: `Forwarded: for=client;proto=https, for="[2001:db8::1]:443"`
    Forwarded,
}

impl ClientIpHeader {
    /// Reads `ROSTER_CLIENT_IP_HEADER`'s value.
    pub fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Some(Self::XForwardedFor),
            "forwarded" => Some(Self::Forwarded),
            _ => None,
        }
    }

    fn name(self) -> HeaderName {
        match self {
            Self::XForwardedFor => HeaderName::from_static("x-forwarded-for"),
            Self::Forwarded => axum::http::header::FORWARDED,
        }
    }
}

/// Parses `ROSTER_TRUSTED_PROXIES`: CIDR blocks or single addresses,
/// separated by commas or spaces.
pub fn parse_trusted_proxies(value: &str) -> Result<Vec<IpNet>, String> {
    value
        .split([',', ' ', '\t'])
        .filter(|s| !s.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| format!("{entry:?} is not an address or CIDR block like 10.0.0.0/8"))
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct ClientAddresses {
    trusted: Vec<IpNet>,
    header: ClientIpHeader,
}

impl ClientAddresses {
    pub fn new(trusted: Vec<IpNet>, header: ClientIpHeader) -> Self {
        Self { trusted, header }
    }

    /// Whether any proxy is trusted: then requests may come through one.
    pub fn trusts_any(&self) -> bool {
        !self.trusted.is_empty()
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer` carrying `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted(peer) {
            return peer;
        }
        // The hops, nearest last, across every instance of the header.
        let hops: Vec<Option<IpAddr>> = headers
            .get_all(self.header.name())
            .iter()
            .flat_map(|value| {
                let text = value.to_str().unwrap_or("");
                match self.header {
                    ClientIpHeader::XForwardedFor => {
                        text.split(',').map(parse_hop).collect::<Vec<_>>()
                    }
                    ClientIpHeader::Forwarded => forwarded_for(text),
                }
            })
            .collect();
        let mut nearest_trusted = peer;
        for hop in hops.into_iter().rev() {
            match hop {
                Some(ip) if self.is_trusted(ip) => nearest_trusted = ip.to_canonical(),
                Some(ip) => return ip.to_canonical(),
                // A trusted proxy wrote something that is no address
                // (`unknown`, an obfuscated name): what is left of it cannot
                // be read, so the client is as far as we can see.
                None => return nearest_trusted,
            }
        }
        nearest_trusted
    }
}

/// One hop as proxies write it: `192.0.2.7`, `192.0.2.7:4711`,
/// `2001:db8::1`, `[2001:db8::1]:4711`, quoted or not.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

/// The `for=` of each element of a `Forwarded` header, in order; an element
/// without one counts as a hop we cannot read.
fn forwarded_for(text: &str) -> Vec<Option<IpAddr>> {
    split_outside_quotes(text, ',')
        .into_iter()
        .map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| parse_hop(value))
        })
        .collect()
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(name: &str, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn behind(trusted: &str, header: ClientIpHeader) -> ClientAddresses {
        ClientAddresses::new(parse_trusted_proxies(trusted).unwrap(), header)
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let none = ClientAddresses::default();
        let spoof = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(none.client(ip("198.51.100.1"), &spoof), ip("198.51.100.1"));
        let other = behind("10.0.0.0/8", ClientIpHeader::XForwardedFor);
        assert_eq!(other.client(ip("198.51.100.1"), &spoof), ip("198.51.100.1"));
    }

    #[test]
    fn a_trusted_chain_is_read_rightmost_first() {
        let proxies = behind("10.0.0.0/8, 192.0.2.1", ClientIpHeader::XForwardedFor);
        let chain = headers("x-forwarded-for", &["1.1.1.1, 203.0.113.9, 10.1.1.1"]);
        assert_eq!(proxies.client(ip("192.0.2.1"), &chain), ip("203.0.113.9"));
        // Split across two header lines, as some proxies append.
        let split = headers("x-forwarded-for", &["1.1.1.1, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &split), ip("203.0.113.9"));
        // No header: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.5"), &HeaderMap::new()),
            ip("10.0.0.5")
        );
        // Garbage where the client should be: the nearest proxy we can read.
        let garbage = headers("x-forwarded-for", &["nonsense, 10.1.1.1"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &garbage), ip("10.1.1.1"));
    }

    #[test]
    fn forwarded_elements_with_ports_quotes_and_ipv6() {
        let proxies = behind("127.0.0.1/32", ClientIpHeader::Forwarded);
        let value = headers(
            "forwarded",
            &[
                r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711";proto=https"#,
            ],
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &value),
            ip("2001:db8:cafe::17")
        );
        let v4_port = headers("forwarded", &[r#"for="198.51.100.17:4711""#]);
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &v4_port),
            ip("198.51.100.17")
        );
        let hidden = headers("forwarded", &["for=_hidden"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &hidden), ip("127.0.0.1"));
        // The other header is not read.
        let xff = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &xff), ip("127.0.0.1"));
    }

    #[test]
    fn ipv4_mapped_peers_and_hops_are_ipv4() {
        let proxies = behind("10.0.0.0/8", ClientIpHeader::XForwardedFor);
        let chain = headers("x-forwarded-for", &["::ffff:203.0.113.9"]);
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.5"), &chain),
            ip("203.0.113.9")
        );
        assert_eq!(
            ClientAddresses::default().client(ip("::ffff:198.51.100.1"), &HeaderMap::new()),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn trusted_proxy_lists() {
        assert_eq!(parse_trusted_proxies("").unwrap(), vec![]);
        assert_eq!(
            parse_trusted_proxies("10.0.0.0/8 ::1,192.0.2.7")
                .unwrap()
                .len(),
            3
        );
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.local").is_err());
        assert_eq!(
            ClientIpHeader::parse("X-Forwarded-For"),
            Some(ClientIpHeader::XForwardedFor)
        );
        assert_eq!(
            ClientIpHeader::parse("forwarded"),
            Some(ClientIpHeader::Forwarded)
        );
        assert_eq!(ClientIpHeader::parse("X-Real-IP"), None);
    }
}
