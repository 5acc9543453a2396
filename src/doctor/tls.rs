//! Protocol and certificate: plain HTTP or TLS, what the certificate says,
//! and which clients on this machine would trust it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

use super::{Check, Options};
use crate::client::Client;
use crate::pki::chain::{self, ChainOutcome};
use crate::pki::{self, LintOptions, Role, Severity};
use crate::trust::under;

/// What the registry speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transport {
    Https,
    PlainHttp,
    /// Neither worked; later checks are skipped.
    Broken,
}

/// CA bundles of the common distributions (the system store).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

fn read_anchors(files: &[PathBuf]) -> Vec<Vec<u8>> {
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter_map(|b| pki::certs_from_bytes(&b).ok())
        .flatten()
        .collect()
}

fn crt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "crt"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn chains_to(chain: &[Vec<u8>], anchors: &[Vec<u8>]) -> bool {
    let Ok(leaf) = pki::parse(&chain[0]) else {
        return false;
    };
    let inter: Vec<_> = chain[1..]
        .iter()
        .filter_map(|d| pki::parse(d).ok())
        .collect();
    let roots: Vec<_> = anchors.iter().filter_map(|d| pki::parse(d).ok()).collect();
    matches!(
        chain::verify(&leaf, &inter, &roots),
        ChainOutcome::Trusted(_)
    )
}

/// Probes the transport, then examines the certificate.
pub(super) async fn check(
    opts: &Options,
    addr: &SocketAddr,
    unverified: &Arc<rustls::ClientConfig>,
    checks: &mut Vec<Check>,
) -> Transport {
    let registry = opts.registry();
    let tls_client = Client::new(
        addr.to_string(),
        opts.host.clone(),
        opts.port,
        Some(unverified.clone()),
    );
    let chain = match tls_client.peer_chain().await {
        Ok(c) if !c.is_empty() => c,
        Ok(_) | Err(_) => {
            let plain = Client::new(addr.to_string(), opts.host.clone(), opts.port, None);
            if let Ok(r) = plain.send("GET", "/v2/", &[], bytes::Bytes::new()).await {
                checks.push(
                    Check::failure(
                        "protocol",
                        format!("{registry} speaks plain HTTP (answered {}), not HTTPS", r.status),
                    )
                    .says("http: server gave HTTP response to HTTPS client")
                    .fix(format!(
                        "serve TLS: `regctl init --host {host}` (or `regctl cert issue --san {host}` and http.tls in config.yml); to accept plain HTTP anyway (insecure): `regctl trust install --insecure --registry {registry}` on every client",
                        host = opts.host
                    )),
                );
                return Transport::PlainHttp;
            }
            let why = match tls_client.peer_chain().await {
                Err(e) => e.to_string(),
                Ok(_) => "no certificate was presented".into(),
            };
            checks.push(
                Check::failure("protocol", format!("neither TLS nor HTTP works: {why}"))
                    .fix("check that the port belongs to the registry (not another service) and read its log"),
            );
            return Transport::Broken;
        }
    };
    checks.push(Check::ok("protocol", "HTTPS"));

    // What the certificate itself says, against the name clients dial.
    let now = OffsetDateTime::now_utc();
    let lint = pki::lint::lint(
        &chain[0],
        &LintOptions {
            role: Role::Server,
            host: Some(registry.clone()),
            key: None,
            anchors: None,
            intermediates: chain[1..].to_vec(),
            now,
        },
    );
    match lint {
        Ok(report) if report.findings.is_empty() => {
            let info = pki::CertInfo::from_der(&chain[0], now).ok();
            checks.push(Check::ok(
                "certificate",
                match info {
                    Some(i) => format!(
                        "valid for {} (SAN), serverAuth, {} days left",
                        opts.host, i.days_left
                    ),
                    None => "valid".into(),
                },
            ));
        }
        Ok(report) => {
            for f in report.findings {
                let c = match f.severity {
                    Severity::Error => Check::failure("certificate", f.message),
                    _ => Check::warning("certificate", f.message),
                };
                let c = c.fix(f.fix);
                checks.push(match f.client_error {
                    Some(e) => c.says(e),
                    None => c,
                });
            }
        }
        Err(e) => checks.push(Check::failure("certificate", e.to_string())),
    }

    trust(opts, &chain, checks);
    Transport::Https
}

/// Which clients on this machine trust the chain: each uses the system
/// store plus its own `certs.d`.
fn trust(opts: &Options, chain: &[Vec<u8>], checks: &mut Vec<Check>) {
    let registry = opts.registry();
    if let Some(ca) = &opts.ca {
        let anchors = read_anchors(std::slice::from_ref(ca));
        if chains_to(chain, &anchors) {
            checks.push(Check::ok("chain", format!("chains to {}", ca.display())));
        } else {
            checks.push(
                Check::failure(
                    "chain",
                    format!("the certificate was not signed by {}", ca.display()),
                )
                .says("x509: certificate signed by unknown authority")
                .fix("give the CA that signed the server certificate (certs/ca.crt of the registry directory), or reissue the certificate: regctl cert issue --force"),
            );
        }
    }
    let root = &opts.root;
    let system: Vec<PathBuf> = SYSTEM_BUNDLES.iter().map(|b| under(root, b)).collect();
    let system_anchors = read_anchors(&system);
    let system_ok = chains_to(chain, &system_anchors);
    let mut trusted = Vec::new();
    let mut untrusted = Vec::new();
    for (client, dir) in [
        ("docker", "/etc/docker/certs.d"),
        ("containerd", "/etc/containerd/certs.d"),
        ("podman/skopeo", "/etc/containers/certs.d"),
    ] {
        let files = crt_files(&under(root, &format!("{dir}/{registry}")));
        if system_ok || chains_to(chain, &read_anchors(&files)) {
            trusted.push(client);
        } else {
            untrusted.push(client);
        }
    }
    if system_ok {
        trusted.insert(0, "system (curl)");
    } else {
        untrusted.insert(0, "system (curl)");
    }
    let ca_hint = opts
        .ca
        .as_ref()
        .map(|c| crate::fsutil::absolute(c).display().to_string())
        .unwrap_or_else(|| "CA_FILE".into());
    if untrusted.is_empty() {
        checks.push(Check::ok(
            "trust",
            format!("trusted by {}", trusted.join(", ")),
        ));
    } else if trusted.is_empty() {
        checks.push(
            Check::failure(
                "trust",
                format!("no client on this machine trusts the certificate ({})", untrusted.join(", ")),
            )
            .says("x509: certificate signed by unknown authority")
            .fix(format!(
                "sudo regctl trust install --host {registry} --ca {ca_hint}   (Docker alone: /etc/docker/certs.d/{registry}/ca.crt)"
            )),
        );
    } else {
        let stores: Vec<&str> = untrusted
            .iter()
            .map(|c| match *c {
                "system (curl)" => "system",
                "podman/skopeo" => "podman",
                other => other,
            })
            .collect();
        checks.push(
            Check::warning(
                "trust",
                format!(
                    "trusted by {}; NOT by {}",
                    trusted.join(", "),
                    untrusted.join(", ")
                ),
            )
            .says("x509: certificate signed by unknown authority")
            .fix(format!(
                "sudo regctl trust install --registry {registry} --ca {ca_hint} --store {}",
                stores.join(" --store ")
            )),
        );
    }
}
