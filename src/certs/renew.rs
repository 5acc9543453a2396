//! `regctl cert renew`: the same names and key type, from the CA that
//! signed the current certificate (regctl's own, one you bring, or the
//! cluster again), and then proof that the running registry serves it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use time::OffsetDateTime;

use super::{ClusterSigning, key_type_of, load_dir_ca, served_serial, write_server};
use crate::fsutil;
use crate::layout::RegistryDir;
use crate::pki::{KeyType, LoadedCa, San, ServerOptions};
use crate::setup::TlsMode;

/// What the running registry serves after the renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Served {
    /// The new certificate (its serial), without a restart.
    New(String),
    /// Still the old one after waiting.
    Old(String),
    /// Nothing answers on this machine.
    NotRunning,
}

/// The outcome, for the report.
pub(crate) struct Renewed {
    pub was_until: String,
    pub sans: Vec<San>,
    pub key_type: KeyType,
    pub not_after: OffsetDateTime,
    pub by_cluster: bool,
    pub served: Served,
}

/// Renews the server certificate of `layout`; `ca` is a CA brought with
/// `--ca/--ca-key`.
pub(crate) fn renew(
    layout: &RegistryDir,
    days: u32,
    ca: Option<(PathBuf, PathBuf)>,
) -> anyhow::Result<Renewed> {
    let (info, sans) = super::current_server(layout)?;
    let key_type = key_type_of(&info.public_key);
    let setup = layout.setup_if_any()?;
    let old_serial = served_serial(layout);
    let by_cluster = ca.is_none()
        && !layout.ca_key().exists()
        && setup
            .as_ref()
            .is_some_and(|s| s.tls == TlsMode::KubernetesCsr);
    let not_after = if by_cluster {
        let setup = setup.as_ref().context("no regctl.yaml")?;
        let csr = &setup.kubernetes.csr;
        let signer_ca = match &csr.signer_ca {
            Some(p) => {
                Some(fsutil::read_to_string(p).context("cannot read kubernetes.csr.signer_ca")?)
            }
            None => None,
        };
        let node = csr
            .node_name
            .clone()
            .unwrap_or_else(|| super::DEFAULT_CSR_NODE.into());
        let signed = super::sign_with_cluster(
            layout,
            &setup.kubernetes.kubectl(),
            &ClusterSigning {
                sans: sans.clone(),
                key_type,
                days,
                signer: csr.signer.clone(),
                node,
                approve: csr.approve,
                timeout: Duration::from_secs(csr.timeout),
                signer_ca,
                keep_own_ca_aside: false,
            },
        )?;
        // Says when the cluster granted less than was asked for.
        signed.report();
        signed.not_after
    } else {
        let signer = match &ca {
            Some((cert, key)) => LoadedCa::load(
                &fsutil::read_to_string(cert).context("cannot read the --ca file")?,
                &fsutil::read_to_string(key).context("cannot read the --ca-key file")?,
            )
            .map_err(|e| anyhow::anyhow!("cannot sign with {}: {e}", cert.display()))?,
            None => load_dir_ca(layout)?,
        };
        let pair = signer.issue_server(&ServerOptions {
            sans: sans.clone(),
            key_type,
            days,
        })?;
        write_server(layout, &pair.key_pem, &pair.cert_pem, signer.cert_pem())?;
        pair.not_after
    };
    super::nudge_registry(layout);
    let served = match old_serial {
        None => Served::NotRunning,
        Some(old) => wait_for_new_serial(layout, &old),
    };
    Ok(Renewed {
        was_until: info.not_after,
        sans,
        key_type,
        not_after,
        by_cluster,
        served,
    })
}

/// Waits a few seconds for the registry to pick the new certificate up.
fn wait_for_new_serial(layout: &RegistryDir, old: &str) -> Served {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match served_serial(layout) {
            Some(s) if s != old => return Served::New(s),
            Some(s) if Instant::now() > deadline => return Served::Old(s),
            None if Instant::now() > deadline => return Served::NotRunning,
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}
