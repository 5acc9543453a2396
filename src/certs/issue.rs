//! `regctl cert issue`: the CA (created, reused or brought) and the server
//! certificate, or the cluster's signature. Every file is generated and
//! checked before the first is written, so a refused run leaves the
//! directory exactly as it was.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use time::OffsetDateTime;

use super::{ClusterSigned, ClusterSigning, collect_sans, default_ca_name, load_dir_ca};
use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite, Owner};
use crate::layout::RegistryDir;
use crate::pki::issue::new_ca;
use crate::pki::{self, CaOptions, KeyType, LoadedCa, San, ServerOptions};

/// What `cert issue` was asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct IssueRequest {
    pub hosts: Vec<String>,
    pub no_host_ips: bool,
    pub key_type: KeyType,
    pub days: u32,
    pub ca_days: u32,
    pub ca_name: Option<String>,
    /// `--ca` and `--ca-key`: sign with a CA you bring.
    pub ca_cert: Option<PathBuf>,
    pub ca_key: Option<PathBuf>,
    pub force: bool,
    pub new_ca: bool,
    /// `--kubernetes`: the cluster signs.
    pub kubernetes: Option<ClusterOptions>,
}

/// How to reach and ask the cluster.
#[derive(Debug, Clone)]
pub(crate) struct ClusterOptions {
    pub kubectl: crate::kube::Kubectl,
    pub signer: String,
    pub node: Option<String>,
    pub approve: bool,
    pub timeout: Duration,
    pub signer_ca: Option<PathBuf>,
}

/// Where the signing CA came from.
pub(crate) enum CaOrigin {
    Created,
    Reused,
    External(PathBuf),
}

/// What was issued, for the report.
pub(crate) enum Issued {
    Own {
        origin: CaOrigin,
        sans: Vec<San>,
        key_type: KeyType,
        not_after: OffsetDateTime,
    },
    Cluster(ClusterSigned),
}

/// A file to write once everything has been generated and checked.
struct PendingWrite {
    path: PathBuf,
    contents: Vec<u8>,
    mode: u32,
    overwrite: Overwrite,
}

#[derive(Default)]
struct WritePlan(Vec<PendingWrite>);

impl WritePlan {
    fn add(
        &mut self,
        path: PathBuf,
        contents: impl Into<Vec<u8>>,
        mode: u32,
        overwrite: Overwrite,
    ) {
        self.0.push(PendingWrite {
            path,
            contents: contents.into(),
            mode,
            overwrite,
        });
    }

    /// Refuses when a file would be overwritten without --force.
    fn check(&self) -> anyhow::Result<()> {
        let blocked: Vec<String> = self
            .0
            .iter()
            .filter(|w| w.overwrite == Overwrite::Never && w.path.symlink_metadata().is_ok())
            .map(|w| w.path.display().to_string())
            .collect();
        if !blocked.is_empty() {
            bail!(
                "refusing to overwrite {}: pass --force to replace {} (the CA is kept)",
                blocked.join(", "),
                if blocked.len() == 1 { "it" } else { "them" }
            );
        }
        Ok(())
    }

    fn commit(self) -> anyhow::Result<()> {
        self.check()?;
        for w in self.0 {
            fsutil::write_atomic_as(&w.path, &w.contents, w.mode, w.overwrite, Owner::Keep)?;
        }
        Ok(())
    }
}

fn overwrite_if(force: bool) -> Overwrite {
    if force {
        Overwrite::Replace
    } else {
        Overwrite::Never
    }
}

fn read_text(path: &std::path::Path, what: &str) -> anyhow::Result<String> {
    fsutil::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {what}: {e}"))
}

fn load_external_ca(req: &IssueRequest) -> anyhow::Result<Option<(LoadedCa, PathBuf)>> {
    let (Some(cert), Some(key)) = (&req.ca_cert, &req.ca_key) else {
        return Ok(None);
    };
    let ca = LoadedCa::load(
        &read_text(cert, "the --ca file")?,
        &read_text(key, "the --ca-key file")?,
    )
    .map_err(|e| anyhow::anyhow!("cannot sign with {}: {e}", cert.display()))?;
    Ok(Some((ca, cert.clone())))
}

/// Picks the signing CA and queues any CA files to write.
fn resolve_ca(
    layout: &RegistryDir,
    req: &IssueRequest,
    plan: &mut WritePlan,
) -> anyhow::Result<(LoadedCa, CaOrigin)> {
    if let Some((ca, source)) = load_external_ca(req)? {
        let existing = std::fs::read_to_string(layout.ca_cert()).ok();
        let same = existing
            .as_deref()
            .and_then(|e| pki::certs_from_bytes(e.as_bytes()).ok())
            .zip(pki::certs_from_bytes(ca.cert_pem().as_bytes()).ok())
            .is_some_and(|(a, b)| a.first() == b.first());
        if !same {
            plan.add(
                layout.ca_cert(),
                ca.cert_pem(),
                MODE_PUBLIC,
                overwrite_if(req.force),
            );
        }
        return Ok((ca, CaOrigin::External(source)));
    }
    let (cert_exists, key_exists) = (layout.ca_cert().exists(), layout.ca_key().exists());
    if req.new_ca && (cert_exists || key_exists) && !req.force {
        bail!(
            "--new-ca replaces {}, which clients already trust; pass --force as well to confirm (or use `regctl cert rotate-ca`, which keeps every client trusting the registry)",
            layout.ca_cert().display()
        );
    }
    if !req.new_ca {
        match (cert_exists, key_exists) {
            (true, true) => return Ok((load_dir_ca(layout)?, CaOrigin::Reused)),
            (true, false) | (false, true) => {
                let (have, missing) = if cert_exists {
                    (layout.ca_cert(), layout.ca_key())
                } else {
                    (layout.ca_key(), layout.ca_cert())
                };
                bail!(
                    "{} exists but {} is missing: restore it, or create a new CA with --new-ca --force",
                    have.display(),
                    missing.display()
                );
            }
            (false, false) => {}
        }
    }
    let pair = new_ca(&CaOptions {
        common_name: req.ca_name.clone().unwrap_or_else(default_ca_name),
        key_type: req.key_type,
        days: req.ca_days,
    })?;
    let ow = overwrite_if(req.new_ca && req.force);
    plan.add(layout.ca_key(), pair.key_pem.as_bytes(), MODE_SECRET, ow);
    plan.add(layout.ca_cert(), pair.cert_pem.as_bytes(), MODE_PUBLIC, ow);
    let ca = LoadedCa::load(&pair.cert_pem, &pair.key_pem)?;
    Ok((ca, CaOrigin::Created))
}

/// Issues the certificate `req` asks for in `layout`.
pub(crate) fn issue(layout: &RegistryDir, req: &IssueRequest) -> anyhow::Result<Issued> {
    let saved = layout.setup_if_any()?.map(|s| s.hosts);
    if let Some(k) = &req.kubernetes {
        // Only the registry's names: this machine's names and addresses
        // have no place in a certificate the cluster vouches for.
        let named = if req.hosts.is_empty() {
            saved.unwrap_or_default()
        } else {
            req.hosts.clone()
        };
        if named.is_empty() {
            bail!(
                "name the registry for the cluster to sign: --host NAME (the name clients use, such as registry.registry.svc or the ingress host)"
            );
        }
        let sans = collect_sans(&named, None, false)?;
        return issue_kubernetes(layout, req, k, sans).map(Issued::Cluster);
    }
    let sans = collect_sans(&req.hosts, saved.as_deref(), !req.no_host_ips)?;
    if req.new_ca && req.ca_cert.is_some() {
        bail!("--new-ca and --ca exclude each other: one creates a CA, the other brings one");
    }
    let mut plan = WritePlan::default();
    let (ca, origin) = resolve_ca(layout, req, &mut plan)?;
    let server = ca.issue_server(&ServerOptions {
        sans: sans.clone(),
        key_type: req.key_type,
        days: req.days,
    })?;
    let ow = overwrite_if(req.force);
    plan.add(
        layout.server_key(),
        server.key_pem.as_bytes(),
        MODE_SECRET,
        ow,
    );
    plan.add(
        layout.server_fullchain(),
        format!("{}{}", server.cert_pem, ca.cert_pem()).into_bytes(),
        MODE_PUBLIC,
        ow,
    );
    plan.add(
        layout.server_cert(),
        server.cert_pem.as_bytes(),
        MODE_PUBLIC,
        ow,
    );
    plan.commit()?;
    super::nudge_registry(layout);
    Ok(Issued::Own {
        origin,
        sans,
        key_type: req.key_type,
        not_after: server.not_after,
    })
}

/// `--kubernetes`: the cluster signs; certs/ca.crt becomes the signer's CA.
fn issue_kubernetes(
    layout: &RegistryDir,
    req: &IssueRequest,
    k: &ClusterOptions,
    sans: Vec<San>,
) -> anyhow::Result<ClusterSigned> {
    if req.ca_cert.is_some() || req.new_ca {
        bail!(
            "--kubernetes has the cluster sign; it excludes --ca/--ca-key and --new-ca (the signer's CA is --signer-ca)"
        );
    }
    let node = k
        .node
        .clone()
        .unwrap_or_else(|| super::DEFAULT_CSR_NODE.into());
    let signer_ca = match &k.signer_ca {
        Some(p) => Some(read_text(p, "the --signer-ca file")?),
        None => None,
    };
    // Refuse before asking the cluster, so a signed certificate is never thrown away.
    super::check_own_ca(layout, req.force)?;
    let mut plan = WritePlan::default();
    let ow = overwrite_if(req.force);
    for p in [
        layout.server_key(),
        layout.server_cert(),
        layout.server_fullchain(),
    ] {
        plan.add(p, Vec::new(), MODE_PUBLIC, ow);
    }
    plan.check()?;
    if k.signer == crate::pki::csr::KUBELET_SERVING {
        crate::ui::warn(format!(
            "{} certificates identify a node (this one CN=system:node:{node}): never give --node-name a real node's name, and keep certs/registry.key as safe as a node's key",
            k.signer
        ));
    }
    let signed = super::sign_with_cluster(
        layout,
        &k.kubectl,
        &ClusterSigning {
            sans,
            key_type: req.key_type,
            days: req.days,
            signer: k.signer.clone(),
            node,
            approve: k.approve,
            timeout: k.timeout,
            signer_ca,
            keep_own_ca_aside: req.force,
        },
    )?;
    super::nudge_registry(layout);
    Ok(signed)
}
