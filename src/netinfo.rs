//! This machine's names and addresses, for certificate defaults.
//!
//! Clients reach a registry by whatever name or address they have for it, and
//! the certificate must list every one; like the tutorials' `hostname -I`,
//! regctl offers the hostname and every non-loopback address.

use std::net::IpAddr;

use crate::pki::san::validate_dns_name;

/// The machine's host name, lower-cased, if it is a valid DNS name.
pub(crate) fn hostname() -> Option<String> {
    let name = gethostname::gethostname().into_string().ok()?;
    let name = name.trim().to_ascii_lowercase();
    validate_dns_name(&name).ok().map(|_| name)
}

/// Non-loopback addresses of this machine, IPv4 first. IPv6 link-local
/// addresses are left out: they need a zone and cannot be in a certificate
/// usefully.
pub(crate) fn host_addresses() -> Vec<IpAddr> {
    let mut addrs: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        .filter(|ip| match ip {
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
            IpAddr::V4(_) => true,
        })
        .collect();
    addrs.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    addrs.dedup();
    addrs
}

/// Whether a TCP port can be bound on every interface (what the registry
/// does); `Err` carries why not (in use, privileged).
pub(crate) fn port_free(port: u16) -> std::io::Result<()> {
    std::net::TcpListener::bind(("0.0.0.0", port)).map(|_| ())
}

/// The next port after `port` that nothing listens on.
pub(crate) fn next_free_port(port: u16) -> Option<u16> {
    (port.saturating_add(1)..=port.saturating_add(100)).find(|p| port_free(*p).is_ok())
}
