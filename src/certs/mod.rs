//! The certificate files of a registry directory: issuing them (own CA, a
//! CA you bring, or the cluster's), renewing, rotating the CA, and telling
//! the running registry. `pki` holds the cryptography; this module decides
//! which files change and in what order.

pub(crate) mod issue;
pub(crate) mod renew;
mod rotate;

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;

use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite, Owner};
use crate::layout::RegistryDir;
use crate::pki::{self, KeyType, LoadedCa, San};
use crate::ui::outln;
pub(crate) use issue::{IssueRequest, Issued, issue};
pub(crate) use renew::renew;
pub(crate) use rotate::{RotateRequest, rotate_ca};

/// The CA in the registry directory (certificate and key).
pub(crate) fn load_dir_ca(layout: &RegistryDir) -> anyhow::Result<LoadedCa> {
    let (cert, key) = (layout.ca_cert(), layout.ca_key());
    let cert_pem = fsutil::read_to_string(&cert).context("cannot read the CA certificate")?;
    let key_pem = match fsutil::read_to_string(&key) {
        Ok(k) => k,
        Err(_) if !key.exists() => anyhow::bail!(
            "{} has no key beside it ({}), so regctl cannot sign with it: it came from another CA or the cluster; renew through that CA (`cert renew --ca FILE --ca-key FILE`, or `cert issue --kubernetes --force`), or make regctl's own with `cert issue --new-ca --force`",
            cert.display(),
            key.display()
        ),
        Err(e) => return Err(e).context("cannot read the CA key"),
    };
    LoadedCa::load(&cert_pem, &key_pem)
        .map_err(|e| anyhow::anyhow!("cannot use the CA in {}: {e}", layout.certs().display()))
}

/// Writes the server key, certificate and full chain, keeping each file's
/// owner (the key stays readable by a container's user).
pub(crate) fn write_server(
    layout: &RegistryDir,
    key_pem: &str,
    cert_pem: &str,
    ca_pem: &str,
) -> anyhow::Result<()> {
    let write = |path: &Path, bytes: &[u8], mode: u32| {
        fsutil::write_atomic_as(path, bytes, mode, Overwrite::Replace, Owner::Keep)
    };
    // Key and certificate must match whenever the registry reloads: the
    // key first, then the chain it serves, then the leaf alone.
    write(&layout.server_key(), key_pem.as_bytes(), MODE_SECRET)?;
    write(
        &layout.server_fullchain(),
        format!("{cert_pem}{ca_pem}").as_bytes(),
        MODE_PUBLIC,
    )?;
    write(&layout.server_cert(), cert_pem.as_bytes(), MODE_PUBLIC)?;
    Ok(())
}

/// The server certificate in the directory and the names it carries, for
/// a new one with the same names (renewal, CA rotation).
pub(crate) fn current_server(layout: &RegistryDir) -> anyhow::Result<(pki::CertInfo, Vec<San>)> {
    let current = fsutil::read(&layout.server_cert())
        .context("cannot read the current server certificate")?;
    let ders = pki::certs_from_bytes(&current).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a certificate: {e}",
            layout.server_cert().display()
        )
    })?;
    let first = ders
        .first()
        .with_context(|| format!("{} holds no certificate", layout.server_cert().display()))?;
    let info = pki::CertInfo::from_der(first, time::OffsetDateTime::now_utc())?;
    let sans = info
        .all_names()
        .iter()
        .map(|n| n.parse())
        .collect::<Result<_, _>>()
        .context("the current certificate has a name regctl cannot reissue")?;
    Ok((info, sans))
}

/// `--host` values, else the hosts of regctl.yaml, else (no registry yet)
/// `localhost`, `127.0.0.1`, `::1`; plus, unless disabled, this machine's
/// name and addresses when nothing named the hosts.
pub(crate) fn collect_sans(
    given: &[String],
    saved: Option<&[String]>,
    host_ips: bool,
) -> anyhow::Result<Vec<San>> {
    let mut sans: Vec<San> = Vec::new();
    let mut push = |san: San| {
        if !sans.contains(&san) {
            sans.push(san);
        }
    };
    let named: &[String] = if given.is_empty() {
        saved.unwrap_or_default()
    } else {
        given
    };
    for s in named {
        push(s.parse().context("invalid --host")?);
    }
    if named.is_empty() {
        let mut extra = Vec::new();
        if host_ips && let Some(h) = crate::netinfo::hostname() {
            extra.push(San::Dns(h));
        }
        extra.push(San::Dns("localhost".into()));
        extra.push(San::Ip([127, 0, 0, 1].into()));
        extra.push(San::Ip(std::net::Ipv6Addr::LOCALHOST.into()));
        if host_ips {
            extra.extend(crate::netinfo::host_addresses().into_iter().map(San::Ip));
        }
        for san in extra {
            push(san);
        }
    } else if host_ips && !given.is_empty() {
        if let Some(h) = crate::netinfo::hostname() {
            push(San::Dns(h));
        }
        for ip in crate::netinfo::host_addresses() {
            push(San::Ip(ip));
        }
    }
    if sans.is_empty() {
        anyhow::bail!(pki::PkiError::NoSans);
    }
    Ok(sans)
}

/// A unique CA name: `regctl CA (HOST) 3f9a2c`, so two registries' CAs are
/// never confused in a trust store listing.
pub(crate) fn default_ca_name() -> String {
    let id = crate::secret::random_bytes(3)
        .map(hex::encode)
        .unwrap_or_default();
    match crate::netinfo::hostname() {
        Some(h) => format!("regctl CA ({h}) {id}"),
        None => format!("regctl CA {id}"),
    }
}

/// Keeps a renewed certificate on the key type of the old one.
pub(crate) fn key_type_of(description: &str) -> KeyType {
    match description {
        "ECDSA P-384" => KeyType::P384,
        "Ed25519" => KeyType::Ed25519,
        d if d.starts_with("RSA") => {
            if d.trim_start_matches("RSA ").parse::<u32>().unwrap_or(2048) > 2048 {
                KeyType::Rsa4096
            } else {
                KeyType::Rsa2048
            }
        }
        _ => KeyType::P256,
    }
}

/// The node name in a kubelet-serving subject when none is given. No node
/// has it, so the certificate cannot pass for a real node's kubelet (a
/// default of this machine's name would, on a cluster node).
pub(crate) const DEFAULT_CSR_NODE: &str = "regctl-registry";

/// How the cluster is to sign.
#[derive(Debug, Clone)]
pub(crate) struct ClusterSigning {
    pub sans: Vec<San>,
    pub key_type: KeyType,
    pub days: u32,
    pub signer: String,
    pub node: String,
    pub approve: bool,
    pub timeout: Duration,
    /// The signer's CA (PEM), when the kubeconfig's is not the one.
    pub signer_ca: Option<String>,
    /// A CA of regctl's own in the directory moves to `own-ca.*` instead
    /// of being refused.
    pub keep_own_ca_aside: bool,
}

/// What the cluster signed, for the report.
pub(crate) struct ClusterSigned {
    pub signer: String,
    pub custom_ca: bool,
    pub not_after: time::OffsetDateTime,
    pub days_asked: u32,
    pub ca_path: std::path::PathBuf,
    /// Where the own CA went, when it was moved aside.
    pub own_ca_kept: Option<std::path::PathBuf>,
}

impl ClusterSigned {
    pub(crate) fn report(&self) {
        let granted = (self.not_after - time::OffsetDateTime::now_utc()).whole_days();
        outln!(
            "  signed by {} ({}); valid until {} ({granted} days{})",
            self.signer,
            if self.custom_ca {
                "checked against the signer CA you gave"
            } else {
                "checked against the kubeconfig's cluster CA"
            },
            self.not_after.date(),
            if granted + 1 < i64::from(self.days_asked) {
                format!(", the cluster shortened the {} asked for", self.days_asked)
            } else {
                String::new()
            }
        );
        outln!(
            "  {} is {}",
            self.ca_path.display(),
            if self.custom_ca {
                "the signer's CA"
            } else {
                "the cluster CA"
            }
        );
        if let Some(kept) = &self.own_ca_kept {
            outln!("  regctl's own CA is kept as {}", kept.display());
        }
    }
}

/// A [`KubeError`](crate::kube::KubeError) with its advice.
fn kube_error(
    e: crate::kube::KubeError,
    signer: &str,
    kubectl: &crate::kube::Kubectl,
) -> anyhow::Error {
    use crate::ui::HintExt as _;
    match e.hint(signer, kubectl) {
        Some(h) => Err::<(), _>(e).hint(|| h).unwrap_err(),
        None => e.into(),
    }
}

/// Refuses, before the cluster is asked, when the signer's CA would
/// replace a CA of regctl's own that is not to be kept aside.
pub(crate) fn check_own_ca(layout: &RegistryDir, keep_aside: bool) -> anyhow::Result<()> {
    if !layout.ca_key().exists() {
        return Ok(());
    }
    if !keep_aside {
        anyhow::bail!(
            "{} is regctl's own CA (its key is beside it) and the cluster's CA would take its place; pass --force to keep it as {} and {}, or issue from it without --kubernetes",
            layout.ca_cert().display(),
            layout.own_ca_cert().display(),
            layout.own_ca_key().display()
        );
    }
    if layout.own_ca_cert().exists() || layout.own_ca_key().exists() {
        anyhow::bail!(
            "{} already exists: move it away first, so no CA is lost",
            layout.own_ca_cert().display()
        );
    }
    Ok(())
}

/// Has the cluster sign the server certificate and writes key, certificate
/// and the signer's CA. The order keeps every outcome recoverable: the CA
/// to check against is read before anything is created; the files are
/// written before the request object is deleted, so a user who may not
/// delete requests still gets the certificate (and a warning naming the
/// object left behind); a request that fails or times out is deleted, and
/// the error says so.
pub(crate) fn sign_with_cluster(
    layout: &RegistryDir,
    kubectl: &crate::kube::Kubectl,
    req: &ClusterSigning,
) -> anyhow::Result<ClusterSigned> {
    let signer = req.signer.as_str();
    let fail = |e| kube_error(e, signer, kubectl);
    check_own_ca(layout, req.keep_own_ca_aside)?;
    let (ca_pem, ca_name) = match &req.signer_ca {
        Some(pem) => (pem.clone(), "the --signer-ca CA".to_string()),
        None => (
            kubectl
                .cluster_ca()
                .map_err(fail)?
                .ok_or(crate::kube::KubeError::NoClusterCa)
                .map_err(fail)?,
            "the kubeconfig's cluster CA".to_string(),
        ),
    };
    let minor = kubectl.server_minor();
    let opts = pki::csr::CsrOptions {
        sans: req.sans.clone(),
        key_type: req.key_type,
        signer: req.signer.clone(),
        node: req.node.clone(),
        days: req.days,
        key_encipherment: pki::csr::key_encipherment(signer, req.key_type, minor),
    };
    let name = crate::kube::request_name(&req.sans[0].to_string())?;
    let pending = crate::kube::submit(kubectl, &name, &opts, req.approve).map_err(fail)?;
    outln!("  created CertificateSigningRequest {name} (signer {signer})");
    if req.approve {
        outln!("  approved {name}");
    } else {
        outln!(
            "  waiting up to {}s for its approval: {}",
            req.timeout.as_secs(),
            kubectl.command_line(&["certificate", "approve", &name])
        );
    }
    let spinner = crate::ui::Spinner::start(&format!("waiting for {signer} to sign {name}"));
    let waited = pending.wait(req.timeout);
    spinner.finish();
    let checked = waited.and_then(|der| {
        crate::kube::check_chain(&der, &ca_pem, &ca_name)?;
        Ok(der)
    });
    let cert_der = match checked {
        Ok(der) => der,
        Err(e) => {
            if let Err(d) = pending.delete() {
                crate::ui::warn(format!(
                    "the CertificateSigningRequest {name} is left in the cluster ({d}); delete it with `{}`",
                    kubectl.command_line(&["delete", "csr", &name])
                ));
            }
            return Err(fail(e));
        }
    };
    outln!("  the certificate chains to {ca_name}");
    let own_ca_kept = if layout.ca_key().exists() {
        std::fs::rename(layout.ca_key(), layout.own_ca_key()).with_context(|| {
            format!(
                "cannot keep the own CA key as {}",
                layout.own_ca_key().display()
            )
        })?;
        std::fs::rename(layout.ca_cert(), layout.own_ca_cert()).with_context(|| {
            format!(
                "cannot keep the own CA as {}",
                layout.own_ca_cert().display()
            )
        })?;
        Some(layout.own_ca_cert())
    } else {
        None
    };
    let cert_pem = pki::certs_to_pem(std::slice::from_ref(&cert_der));
    write_server(layout, &pending.key_pem, &cert_pem, &ca_pem)?;
    fsutil::write_atomic(
        &layout.ca_cert(),
        ca_pem.as_bytes(),
        MODE_PUBLIC,
        Overwrite::Replace,
    )?;
    match pending.delete() {
        Ok(()) => outln!("  deleted CertificateSigningRequest {name}"),
        Err(e) => crate::ui::warn(format!(
            "the certificate is written, but the CertificateSigningRequest {name} is left in the cluster ({e}); delete it when you can: `{}`",
            kubectl.command_line(&["delete", "csr", &name])
        )),
    }
    let not_after = pki::parse(&cert_der)?.validity().not_after.to_datetime();
    Ok(ClusterSigned {
        signer: req.signer.clone(),
        custom_ca: req.signer_ca.is_some(),
        not_after,
        days_asked: req.days,
        ca_path: layout.ca_cert(),
        own_ca_kept,
    })
}

/// Tells the running registry of a directory to load new certificate or
/// user files now (it also notices them by itself within seconds).
pub(crate) fn nudge_registry(layout: &RegistryDir) {
    if let Ok(Some(setup)) = layout.setup_if_any()
        && let Ok(runner) = crate::lifecycle::Runner::for_registry(layout, &setup)
    {
        let _ = runner.reload();
    }
}

/// The serial of the certificate the running registry serves on this
/// machine, if it answers.
pub(crate) fn served_serial(layout: &RegistryDir) -> Option<String> {
    let setup = layout.setup_if_any().ok()??;
    if setup.tls == crate::setup::TlsMode::None {
        return None;
    }
    let unverified = crate::client::unverified_tls_config().ok()?;
    let probe = crate::client::Client::new(
        format!("127.0.0.1:{}", setup.port),
        setup.hosts.first()?.clone(),
        setup.port,
        Some(unverified),
    );
    let chain = crate::client::block_on(probe.peer_chain()).ok()?.ok()?;
    let info = pki::CertInfo::from_der(chain.first()?, time::OffsetDateTime::now_utc()).ok()?;
    Some(info.serial)
}
