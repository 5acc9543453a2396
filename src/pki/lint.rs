//! Lints that predict the TLS errors Docker, containerd, Kubernetes and
//! browsers would print, each with the fix.
//!
//! The `client_error` strings are the ones Go's `crypto/x509` and `crypto/tls`
//! produce (Docker, containerd, kubelet, skopeo and podman are Go programs),
//! so a person can search their log for the exact line.

use std::net::IpAddr;

use rcgen::{KeyPair, PublicKeyData};
use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;

use super::PkiError;
use super::chain::{self, ChainOutcome};
use super::info::{self, INSECURE_SIGNATURES};
use super::issue::APPLE_MAX_SERVER_DAYS;
use super::san::{dns_matches, strip_port};

/// How bad a finding is: errors make `cert inspect` exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Warning,
    Error,
}

/// One problem, the client error it causes, and what to do.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Finding {
    pub severity: Severity,
    /// Stable identifier for scripts, e.g. `host-not-in-san`.
    pub code: &'static str,
    pub message: String,
    /// The error a client prints when it hits this, where there is one.
    pub client_error: Option<String>,
    pub fix: String,
}

/// What the certificate is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Role {
    /// Decide from the certificate and the options given.
    Auto,
    /// A TLS server certificate (`http.tls.certificate`).
    Server,
    /// A CA certificate that clients trust.
    Ca,
}

/// Inputs to [`lint`].
pub(crate) struct LintOptions {
    pub role: Role,
    /// The name or address clients dial, with or without `:port`.
    pub host: Option<String>,
    /// The private key that should belong to the certificate.
    pub key: Option<KeyPair>,
    /// CA certificates (DER) the chain must verify against.
    pub anchors: Option<Vec<Vec<u8>>>,
    /// Further certificates from the inspected file (a full chain).
    pub intermediates: Vec<Vec<u8>>,
    pub now: OffsetDateTime,
}

/// The role that was checked and what was found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub role: Role,
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when any finding is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

const EXPIRY_WARNING_DAYS: i64 = 30;

struct Findings(Vec<Finding>);

impl Findings {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        client_error: Option<String>,
        fix: impl Into<String>,
    ) {
        self.0.push(Finding {
            severity,
            code,
            message: message.into(),
            client_error,
            fix: fix.into(),
        });
    }
}

/// Checks a certificate (DER) for everything that would make clients refuse it.
pub(crate) fn lint(der: &[u8], opts: &LintOptions) -> Result<Report, PkiError> {
    let cert = super::parse(der)?;
    let role = match opts.role {
        Role::Auto if opts.host.is_some() || opts.key.is_some() => Role::Server,
        Role::Auto if cert.is_ca() => Role::Ca,
        Role::Auto => Role::Server,
        other => other,
    };
    let mut out = Findings(Vec::new());
    validity(&cert, opts.now, role, &mut out);
    signature(&cert, &mut out);
    match role {
        Role::Server => server_profile(&cert, opts.host.as_deref(), &mut out),
        _ => ca_profile(&cert, &mut out),
    }
    if let Some(key) = &opts.key
        && key.subject_public_key_info() != cert.public_key().raw
    {
        out.push(
            Severity::Error,
            "key-mismatch",
            "the private key does not belong to this certificate",
            Some("tls: private key does not match public key".into()),
            "use the key generated together with this certificate, or reissue both: regctl cert issue --force",
        );
    }
    if let Some(anchors) = &opts.anchors {
        chain_check(&cert, opts, anchors, &mut out)?;
    }
    out.0.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok(Report {
        role,
        findings: out.0,
    })
}

fn validity(cert: &X509Certificate<'_>, now: OffsetDateTime, role: Role, out: &mut Findings) {
    let not_before = cert.validity().not_before.to_datetime();
    let not_after = cert.validity().not_after.to_datetime();
    let renew = match role {
        Role::Ca => {
            "create a new CA (regctl cert issue --new-ca --force) and re-install trust on every client"
        }
        _ => "renew it: regctl cert renew",
    };
    if now > not_after {
        out.push(
            Severity::Error,
            "expired",
            format!("the certificate expired on {}", info::rfc3339(not_after)),
            Some(format!(
                "x509: certificate has expired or is not yet valid: current time {} is after {}",
                info::rfc3339(now),
                info::rfc3339(not_after)
            )),
            renew,
        );
    } else if now < not_before {
        out.push(
            Severity::Error,
            "not-yet-valid",
            format!("the certificate is not valid before {}", info::rfc3339(not_before)),
            Some(format!(
                "x509: certificate has expired or is not yet valid: current time {} is before {}",
                info::rfc3339(now),
                info::rfc3339(not_before)
            )),
            "check this machine's clock and the issuer's (timedatectl status), or reissue the certificate",
        );
    } else {
        let days_left = (not_after - now).whole_days();
        if days_left < EXPIRY_WARNING_DAYS {
            out.push(
                Severity::Warning,
                "expiring-soon",
                format!(
                    "the certificate expires in {days_left} days ({})",
                    info::rfc3339(not_after)
                ),
                None,
                renew,
            );
        }
    }
    let lifetime = not_after - not_before;
    if role == Role::Server && lifetime > time::Duration::days(i64::from(APPLE_MAX_SERVER_DAYS)) {
        out.push(
            Severity::Warning,
            "validity-too-long",
            format!("the certificate is valid for {}; macOS and iOS reject server certificates valid for more than {APPLE_MAX_SERVER_DAYS} days", span(lifetime)),
            Some("NET::ERR_CERT_VALIDITY_TOO_LONG".into()),
            format!("reissue with --days {APPLE_MAX_SERVER_DAYS} or less if Apple clients use this registry"),
        );
    }
}

/// "825 days", "825 days and 1 hour": exact enough that a span just over
/// a limit does not read as within it.
fn span(d: time::Duration) -> String {
    let days = d.whole_days();
    let hours = (d - time::Duration::days(days)).whole_hours();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match hours {
        0 => plural(days, "day"),
        h => format!("{} and {}", plural(days, "day"), plural(h, "hour")),
    }
}

fn signature(cert: &X509Certificate<'_>, out: &mut Findings) {
    let alg = info::signature_algorithm(cert);
    if INSECURE_SIGNATURES.contains(&alg.as_str()) {
        out.push(
            Severity::Error,
            "insecure-signature",
            format!("the certificate is signed with {alg}, which clients no longer accept"),
            Some(format!(
                "x509: cannot verify signature: insecure algorithm {alg}"
            )),
            "reissue it with a SHA-256 signature: regctl cert issue --force",
        );
    }
}

fn server_profile(cert: &X509Certificate<'_>, host: Option<&str>, out: &mut Findings) {
    let self_signed = cert.subject().as_raw() == cert.issuer().as_raw();
    let has_names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .is_some_and(|s| !s.value.general_names.is_empty());
    if cert.is_ca() && self_signed && has_names {
        // What `openssl req -x509` makes, as the tutorials do: Go clients
        // take a directly trusted self-signed certificate whatever its
        // basicConstraints; rustls and webpki do not.
        out.push(
            Severity::Warning,
            "ca-as-server",
            "this self-signed certificate says CA:TRUE; Docker, containerd, podman and curl accept it once trusted, but rustls-based clients (and regctl's own) refuse it",
            Some("invalid peer certificate: CaUsedAsEndEntity (rustls clients only)".into()),
            "issue a proper server certificate from a CA: regctl cert issue --force",
        );
    } else if cert.is_ca() {
        out.push(
            Severity::Error,
            "ca-as-server",
            "this is a CA certificate (CA:TRUE) used as a server certificate",
            Some("invalid peer certificate: CaUsedAsEndEntity".into()),
            "configure the server certificate (certs/registry.crt) in http.tls.certificate; the CA certificate belongs only in clients' trust stores",
        );
    }
    let (dns, ips) = info::san_lists(cert);
    let has_san = cert.subject_alternative_name().ok().flatten().is_some();
    if !has_san || (dns.is_empty() && ips.is_empty()) {
        out.push(
            Severity::Error,
            "no-san",
            "the certificate has no subject alternative names; clients ignore the Common Name",
            Some("x509: certificate relies on legacy Common Name field, use SANs instead".into()),
            "reissue with SANs for every name clients use: regctl cert issue --san HOST --force",
        );
    } else if let Some(target) = host {
        host_check(strip_port(target), &dns, &ips, out);
    }
    if let Ok(Some(eku)) = cert.extended_key_usage()
        && !eku.value.server_auth
        && !eku.value.any
    {
        out.push(
            Severity::Error,
            "eku-no-server-auth",
            "extendedKeyUsage does not include serverAuth",
            Some("x509: certificate specifies an incompatible key usage".into()),
            "reissue with extendedKeyUsage serverAuth: regctl cert issue --force",
        );
    }
    if let Ok(Some(ku)) = cert.key_usage()
        && !ku.value.digital_signature()
    {
        out.push(
            Severity::Warning,
            "key-usage-no-digital-signature",
            "keyUsage lacks digitalSignature, which TLS 1.3 and ECDSA handshakes need",
            Some("invalid peer certificate: Other(... KeyUsage ...) (rustls), handshake failure (OpenSSL)".into()),
            "reissue with keyUsage digitalSignature, keyEncipherment: regctl cert issue --force",
        );
    }
}

fn host_check(host: &str, dns: &[String], ips: &[String], out: &mut Findings) {
    let covered = match host.parse::<IpAddr>() {
        Ok(ip) => ips.iter().any(|s| s.parse::<IpAddr>().ok() == Some(ip)),
        Err(_) => dns.iter().any(|d| dns_matches(d, host)),
    };
    if covered {
        return;
    }
    let client_error = match host.parse::<IpAddr>() {
        Ok(_) if ips.is_empty() => format!(
            "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
        ),
        Ok(_) => format!(
            "x509: certificate is valid for {}, not {host}",
            ips.join(", ")
        ),
        Err(_) if dns.is_empty() => {
            format!("x509: certificate is not valid for any names, but wanted to match {host}")
        }
        Err(_) => format!(
            "x509: certificate is valid for {}, not {host}",
            dns.join(", ")
        ),
    };
    let mut names: Vec<&str> = dns.iter().chain(ips.iter()).map(String::as_str).collect();
    names.push(host);
    let sans: String = names.iter().map(|n| format!(" --san {n}")).collect();
    out.push(
        Severity::Error,
        "host-not-in-san",
        format!("{host} is not among the certificate's names"),
        Some(client_error),
        format!("reissue with the host added (the CA is kept):  regctl cert issue{sans} --force"),
    );
}

fn ca_profile(cert: &X509Certificate<'_>, out: &mut Findings) {
    if !cert.is_ca() {
        out.push(
            Severity::Error,
            "not-a-ca",
            "this is not a CA certificate (CA:FALSE or no basicConstraints), so it cannot vouch for a server certificate",
            Some("x509: certificate signed by unknown authority".into()),
            "give clients the CA certificate that signed the server certificate (certs/ca.crt), not the server certificate itself",
        );
        return;
    }
    if let Ok(Some(ku)) = cert.key_usage()
        && !ku.value.key_cert_sign()
    {
        out.push(
            Severity::Error,
            "ca-no-key-cert-sign",
            "the CA's keyUsage lacks keyCertSign",
            Some("x509: certificate signed by unknown authority".into()),
            "create a new CA: regctl cert issue --new-ca --force",
        );
    }
}

fn chain_check(
    leaf: &X509Certificate<'_>,
    opts: &LintOptions,
    anchors: &[Vec<u8>],
    out: &mut Findings,
) -> Result<(), PkiError> {
    let anchors: Vec<X509Certificate<'_>> = anchors
        .iter()
        .map(|d| super::parse(d))
        .collect::<Result<_, _>>()?;
    for anchor in anchors.iter().filter(|a| !a.is_ca()) {
        out.push(
            Severity::Error,
            "server-cert-as-ca",
            format!(
                "the certificate given as --ca ({}) is not a CA certificate",
                anchor.subject()
            ),
            Some("x509: certificate signed by unknown authority".into()),
            "pass the CA certificate (certs/ca.crt) as --ca; a server certificate cannot sign others",
        );
    }
    let intermediates: Vec<X509Certificate<'_>> = opts
        .intermediates
        .iter()
        .map(|d| super::parse(d))
        .collect::<Result<_, _>>()?;
    if chain::verify(leaf, &intermediates, &anchors) == ChainOutcome::UnknownAuthority {
        out.push(
            Severity::Error,
            "unknown-authority",
            "the certificate was not signed by the given CA",
            Some("x509: certificate signed by unknown authority".into()),
            "pass the CA that issued this certificate as --ca, or reissue the certificate from that CA: regctl cert issue --force",
        );
    }
    for anchor in anchors.iter().filter(|a| a.is_ca()) {
        let not_after = anchor.validity().not_after.to_datetime();
        if opts.now > not_after {
            out.push(
                Severity::Error,
                "ca-expired",
                format!("the CA certificate {} expired on {}", anchor.subject(), info::rfc3339(not_after)),
                Some(format!(
                    "x509: certificate has expired or is not yet valid: current time {} is after {}",
                    info::rfc3339(opts.now),
                    info::rfc3339(not_after)
                )),
                "create a new CA (regctl cert issue --new-ca --force) and re-install trust on every client",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn server_cert(not_before: OffsetDateTime, not_after: OffsetDateTime) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["registry.example".into()]).unwrap();
        params.not_before = not_before;
        params.not_after = not_after;
        params.self_signed(&key).unwrap().der().to_vec()
    }

    fn too_long(der: &[u8], now: OffsetDateTime) -> Option<String> {
        let opts = LintOptions {
            role: Role::Server,
            host: None,
            key: None,
            anchors: None,
            intermediates: Vec::new(),
            now,
        };
        lint(der, &opts)
            .unwrap()
            .findings
            .into_iter()
            .find(|f| f.code == "validity-too-long")
            .map(|f| f.message)
    }

    /// The limit is on notAfter − notBefore, to the second: a certificate
    /// back-dated an hour and valid 825 days from now is over it (the
    /// issue-24 defect), one of exactly 825 days is not.
    #[test]
    fn validity_limit_is_exact() {
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let before = now - Duration::hours(1);
        let over = server_cert(before, now + Duration::days(825));
        let message = too_long(&over, now).expect("825 days and 1 hour is too long");
        assert!(message.contains("825 days and 1 hour"), "{message}");
        let exact = server_cert(before, before + Duration::days(825));
        assert_eq!(too_long(&exact, now), None);
    }
}
