//! Name resolution and TCP: the first things every client does.

use std::net::SocketAddr;
use std::time::Duration;

use super::{Check, Options};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Resolves the host and connects to every address; returns the first
/// address that answers.
pub(super) async fn check(opts: &Options, checks: &mut Vec<Check>) -> Option<SocketAddr> {
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((opts.host.as_str(), opts.port))
        .await
    {
        Ok(a) => a.collect(),
        Err(e) => {
            checks.push(
                Check::failure("resolve", format!("{} does not resolve: {e}", opts.host))
                    .says(format!("dial tcp: lookup {}: no such host", opts.host))
                    .fix(format!(
                        "add the name to DNS, or to /etc/hosts on every client and node: echo 'ADDRESS {}' >> /etc/hosts",
                        opts.host
                    )),
            );
            return None;
        }
    };
    let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    checks.push(Check::ok(
        "resolve",
        format!("{} -> {}", opts.host, list.join(", ")),
    ));
    let mut first = None;
    let mut refused = Vec::new();
    for addr in &addrs {
        match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_)) => {
                first.get_or_insert(*addr);
            }
            Ok(Err(e)) => refused.push(format!("{addr}: {e}")),
            Err(_) => refused.push(format!("{addr}: no answer within {CONNECT_TIMEOUT:?}")),
        }
    }
    match (first, refused.is_empty()) {
        (Some(a), true) => checks.push(Check::ok("connect", format!("TCP {a} accepts connections"))),
        (Some(a), false) => checks.push(
            Check::warning(
                "connect",
                format!("{a} answers, but not {}", refused.join("; ")),
            )
            .fix("clients may pick any address: make the registry listen on all of them (http.addr: :PORT), or remove the dead address from DNS"),
        ),
        (None, _) => checks.push(
            Check::failure("connect", format!("nothing accepts connections: {}", refused.join("; ")))
                .says(format!("dial tcp {}: connect: connection refused", opts.registry()))
                .fix(match &opts.registry_dir {
                    Some((layout, _)) => format!(
                        "start the registry: regctl start --dir {} (see `regctl status` and `regctl logs` with the same --dir)",
                        layout.root().display()
                    ),
                    None => format!(
                        "start the registry (regctl start --dir DIR, or docker compose up -d) and check it listens on port {} and no firewall blocks it",
                        opts.port
                    ),
                }),
        ),
    }
    first
}
