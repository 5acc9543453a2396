//! Subject alternative names: the only names modern clients check.
//!
//! Go (Docker, containerd, Kubernetes) ignores the Common Name since 1.15, so
//! every name a client will dial must be here, as a DNS name or an IP address.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One subject alternative name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum San {
    /// A DNS name, lower-cased; may start with a `*.` wildcard label.
    Dns(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

/// A name that is neither a DNS name nor an IP address.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{name}` is neither a DNS name nor an IP address: {reason}")]
pub(crate) struct InvalidSan {
    pub name: String,
    pub reason: &'static str,
}

impl FromStr for San {
    type Err = InvalidSan;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        // Accept bracketed IPv6 as people paste it from URLs.
        let unbracketed = trimmed
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(trimmed);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(San::Ip(ip));
        }
        validate_dns_name(trimmed).map_err(|reason| InvalidSan {
            name: s.to_string(),
            reason,
        })?;
        Ok(San::Dns(trimmed.to_ascii_lowercase()))
    }
}

impl fmt::Display for San {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            San::Dns(d) => f.write_str(d),
            San::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Checks RFC 1123 host-name syntax, allowing a leading `*.` wildcard label.
pub(crate) fn validate_dns_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.len() > 253 {
        return Err("it is longer than 253 characters");
    }
    let body = name.strip_prefix("*.").unwrap_or(name);
    if body.is_empty() {
        return Err("a wildcard needs a domain after `*.`");
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (`..` or a leading dot)");
        }
        if label.len() > 63 {
            return Err("a label is longer than 63 characters");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label starts or ends with `-`");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("only letters, digits, `-` and `.` are allowed");
        }
    }
    if body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err("it looks like an IP address but is not a valid one");
    }
    Ok(())
}

/// Does the certificate name `pattern` (a SAN) cover `host`?
///
/// A wildcard covers exactly one leftmost label, as RFC 6125 and Go say.
pub(crate) fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => match host.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == suffix,
            None => false,
        },
        None => pattern == host,
    }
}

/// Splits `host[:port]` or `[v6]:port` into the host part.
pub(crate) fn strip_port(target: &str) -> &str {
    if let Some(rest) = target.strip_prefix('[') {
        return rest.split_once(']').map(|(h, _)| h).unwrap_or(rest);
    }
    // A bare IPv6 address has several colons and no port.
    if target.matches(':').count() == 1 {
        return target.split_once(':').map(|(h, _)| h).unwrap_or(target);
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_addresses() {
        assert_eq!(
            "Registry.Example.LAN".parse(),
            Ok(San::Dns("registry.example.lan".into()))
        );
        assert_eq!(
            "192.168.0.12".parse(),
            Ok(San::Ip("192.168.0.12".parse().unwrap()))
        );
        assert_eq!("[::1]".parse(), Ok(San::Ip("::1".parse().unwrap())));
        assert!("*.example.lan".parse::<San>().is_ok());
        for bad in ["", "a..b", "-a.b", "a_b.lan", "300.1.1.1", "*.", "exa mple"] {
            assert!(bad.parse::<San>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn wildcard_covers_one_label() {
        assert!(dns_matches("*.example.lan", "reg.example.lan"));
        assert!(!dns_matches("*.example.lan", "a.reg.example.lan"));
        assert!(!dns_matches("*.example.lan", "example.lan"));
        assert!(dns_matches("Reg.Example.lan", "reg.example.LAN."));
    }

    #[test]
    fn strips_ports() {
        assert_eq!(strip_port("reg:5000"), "reg");
        assert_eq!(strip_port("[::1]:5000"), "::1");
        assert_eq!(strip_port("::1"), "::1");
        assert_eq!(strip_port("reg"), "reg");
    }
}
