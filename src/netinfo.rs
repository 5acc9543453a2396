//! This machine's names and addresses, for certificate defaults.
//!
//! Clients reach a registry by whatever name or address they have for it, and
//! the certificate must list every one; like the tutorials' `hostname -I`,
//! regctl offers the hostname and every non-loopback address.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};

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

/// Whether `name` resolves to an address other machines can use (not
/// loopback). Debian maps the host name to 127.0.1.1, which they cannot.
/// A resolver that does not answer within a second counts as "no": the
/// default must not make `init` wait for an unreachable DNS server.
fn resolves_beyond_loopback(name: &str) -> bool {
    let name = name.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let found = (name.as_str(), 0u16)
            .to_socket_addrs()
            .map(|addrs| {
                addrs
                    .map(|a| a.ip())
                    .any(|ip| !ip.is_loopback() && !ip.is_unspecified())
            })
            .unwrap_or(false);
        let _ = tx.send(found);
    });
    rx.recv_timeout(std::time::Duration::from_secs(1))
        .unwrap_or(false)
}

/// The address this machine sends from on its default route: the one other
/// machines most likely reach. A connected UDP socket picks it without
/// sending anything.
fn primary_address() -> Option<IpAddr> {
    let probe = |bind: &str, to: SocketAddr| {
        let socket = UdpSocket::bind(bind).ok()?;
        socket.connect(to).ok()?;
        let ip = socket.local_addr().ok()?.ip();
        (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
    };
    probe("0.0.0.0:0", SocketAddr::from(([192, 0, 2, 1], 9)))
        .or_else(|| probe("[::]:0", "[2001:db8::1]:9".parse().ok()?))
}

/// The hosts offered when none are given. The first is the registry's
/// address, so it must be one other machines can reach: this machine's
/// name when it resolves beyond loopback, else its primary address. Then
/// the other addresses, the name, and the loopback names for this machine.
pub(crate) fn default_hosts() -> Vec<String> {
    let name = hostname();
    let addresses = host_addresses();
    let mut hosts: Vec<String> = Vec::new();
    let mut push = |h: String| {
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    };
    match &name {
        Some(n) if resolves_beyond_loopback(n) => push(n.clone()),
        _ => {
            if let Some(ip) = primary_address().or_else(|| addresses.first().copied()) {
                push(ip.to_string());
            }
        }
    }
    for ip in &addresses {
        push(ip.to_string());
    }
    if let Some(n) = name {
        push(n);
    }
    push("localhost".into());
    push("127.0.0.1".into());
    hosts
}

/// Whether a host is only reachable from this machine (loopback).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks `a.b.c.d/n` or an IPv6 CIDR.
pub(crate) fn parse_cidr(s: &str) -> Result<(IpAddr, u8), &'static str> {
    let (ip, len) = s
        .split_once('/')
        .ok_or("not ADDRESS/PREFIX (e.g. 10.0.0.0/8)")?;
    let ip: IpAddr = ip.parse().map_err(|_| "the address is not an IP address")?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len: u8 = len
        .parse()
        .ok()
        .filter(|n| *n <= max)
        .ok_or("the prefix length is out of range")?;
    Ok((ip, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_and_loopback() {
        assert!(parse_cidr("10.0.0.0/8").is_ok());
        assert!(parse_cidr("fd00::/64").is_ok());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(is_loopback_host("127.0.0.1") && is_loopback_host("localhost"));
        assert!(!is_loopback_host("172.17.0.1") && !is_loopback_host("reg.lan"));
    }

    #[test]
    fn the_first_default_host_is_not_loopback() {
        let hosts = default_hosts();
        let first = &hosts[0];
        // A machine with no network at all falls back to a loopback name.
        if !host_addresses().is_empty() {
            assert!(!is_loopback_host(first), "{hosts:?}");
        }
        assert!(hosts.contains(&"127.0.0.1".to_string()));
    }
}
