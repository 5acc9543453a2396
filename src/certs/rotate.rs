//! `regctl cert rotate-ca`: a new CA without a moment in which a client
//! of this machine distrusts the registry.
//!
//! 1. the next CA is made (`certs/ca.next.{crt,key}`) and trusted beside the
//!    current one in every store regctl.yaml records: Docker, containerd
//!    and podman read a bundle of both, the system store, Java and NSS get
//!    it under a second name;
//! 2. the server certificate is issued by the next CA and the registry
//!    reloads it; the next CA becomes `certs/ca.{crt,key}`;
//! 3. every store is left holding only the new CA.
//!
//! An interrupted rotation resumes where it stopped (the next CA is kept),
//! and `--prepare` stops after step 1 so other machines can be given the
//! bundle before the switch.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::{default_ca_name, write_server};
use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite, Owner};
use crate::layout::RegistryDir;
use crate::pki::{self, CaOptions, KeyType, LoadedCa, ServerOptions};
use crate::setup::{Setup, TlsMode};
use crate::trust::ledger::Ledger;
use crate::trust::ops::{self, Disk, Exec, Scope};
use crate::trust::{RegistryAddr, StoreKind};
use crate::ui::outln;

/// What `rotate-ca` was asked.
pub(crate) struct RotateRequest {
    pub key_type: KeyType,
    pub days: u32,
    pub ca_days: u32,
    pub root: PathBuf,
    /// Stop once both CAs are trusted (step 1).
    pub prepare: bool,
}

fn stores_split(stores: &[StoreKind]) -> (Vec<StoreKind>, Vec<StoreKind>) {
    stores.iter().partition(|k| {
        matches!(
            k,
            StoreKind::Docker | StoreKind::Containerd | StoreKind::Podman
        )
    })
}

fn install(
    layout: &RegistryDir,
    hosts: &[RegistryAddr],
    stores: &[StoreKind],
    ca: &str,
    root: &Path,
) -> anyhow::Result<()> {
    if stores.is_empty() {
        return Ok(());
    }
    let request = ops::Request {
        scope: Scope::Host {
            root: root.to_path_buf(),
        },
        hosts: hosts.to_vec(),
        stores: stores.to_vec(),
        ca: Some(ca.to_string()),
    };
    crate::trust::request::install_recorded(layout, &request)
}

/// Takes the `next` names of the per-CA stores out again (step 3).
fn drop_next(layout: &RegistryDir, hosts: &[RegistryAddr], root: &Path) -> anyhow::Result<()> {
    let mut ledger = Ledger::load(&layout.trust_ledger())?;
    let keys: Vec<String> = hosts
        .iter()
        .map(|h| h.with_variant("next").ledger_key())
        .collect();
    let entries: Vec<_> = ledger
        .entries
        .iter()
        .filter(|e| keys.contains(&e.registry))
        .cloned()
        .collect();
    let plan = ops::plan_uninstall(&entries, &ledger, &Disk);
    let scope = Scope::Host {
        root: root.to_path_buf(),
    };
    ops::execute_uninstall(
        &plan,
        &Exec {
            scope: &scope,
            dry_run: false,
        },
    )?;
    for e in &entries {
        ledger.forget(&e.path, &e.registry);
    }
    ledger.save(&layout.trust_ledger())?;
    Ok(())
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    fsutil::write_atomic_as(path, bytes, mode, Overwrite::Replace, Owner::Keep)?;
    Ok(())
}

/// The next CA: the one an interrupted rotation left, or a new one.
fn next_ca(layout: &RegistryDir, req: &RotateRequest) -> anyhow::Result<LoadedCa> {
    if layout.next_ca_cert().exists() && layout.next_ca_key().exists() {
        outln!("resuming: {} exists", layout.next_ca_cert().display());
        return LoadedCa::load(
            &fsutil::read_to_string(&layout.next_ca_cert())?,
            &fsutil::read_to_string(&layout.next_ca_key())?,
        )
        .map_err(|e| anyhow::anyhow!("cannot use {}: {e}", layout.next_ca_cert().display()));
    }
    let pair = pki::issue::new_ca(&CaOptions {
        common_name: default_ca_name(),
        key_type: req.key_type,
        days: req.ca_days,
    })?;
    write(&layout.next_ca_key(), pair.key_pem.as_bytes(), MODE_SECRET)?;
    write(
        &layout.next_ca_cert(),
        pair.cert_pem.as_bytes(),
        MODE_PUBLIC,
    )?;
    outln!("1. made the next CA: {}", layout.next_ca_cert().display());
    Ok(LoadedCa::load(&pair.cert_pem, &pair.key_pem)?)
}

/// Rotates the CA of `layout`.
pub(crate) fn rotate_ca(
    layout: &RegistryDir,
    setup: &Setup,
    req: &RotateRequest,
) -> anyhow::Result<()> {
    if setup.tls != TlsMode::OwnCa {
        bail!(
            "regctl.yaml says tls: {:?}; only regctl's own CA can be rotated here (a brought or cluster CA rotates where it lives)",
            setup.tls
        );
    }
    let current =
        fsutil::read_to_string(&layout.ca_cert()).context("cannot read the current CA")?;
    let next = next_ca(layout, req)?;
    let hosts: Vec<RegistryAddr> = setup
        .registry_hosts()
        .iter()
        .map(|h| RegistryAddr::parse(h))
        .collect::<Result<_, _>>()?;
    let (per_host, per_ca) = stores_split(setup.trust_stores());
    let bundle = format!(
        "{}{}",
        pki::certs_to_pem(&pki::certs_from_bytes(current.as_bytes())?[..1]),
        next.cert_pem()
    );

    // 1. Both CAs trusted.
    install(layout, &hosts, &per_host, &bundle, &req.root)?;
    let next_hosts: Vec<RegistryAddr> = hosts.iter().map(|h| h.with_variant("next")).collect();
    install(layout, &next_hosts, &per_ca, next.cert_pem(), &req.root)?;
    outln!(
        "1. this machine's stores trust both CAs ({})",
        store_names(setup.trust_stores())
    );
    if req.prepare {
        outln!(
            "prepared: give other machines {} (the current and the next CA) with `regctl trust install --ca FILE`, then run `regctl cert rotate-ca` again to switch",
            write_bundle(layout, &bundle)?.display()
        );
        return Ok(());
    }

    // 2. The server certificate from the next CA; the next CA becomes the CA.
    let (info, sans) = super::current_server(layout)?;
    let pair = next.issue_server(&ServerOptions {
        sans,
        key_type: super::key_type_of(&info.public_key),
        days: req.days,
    })?;
    write_server(layout, &pair.key_pem, &pair.cert_pem, next.cert_pem())?;
    super::nudge_registry(layout);
    write(
        &layout.ca_key(),
        fsutil::read(&layout.next_ca_key())?.as_slice(),
        MODE_SECRET,
    )?;
    write(&layout.ca_cert(), next.cert_pem().as_bytes(), MODE_PUBLIC)?;
    let _ = std::fs::remove_file(layout.next_ca_key());
    let _ = std::fs::remove_file(layout.next_ca_cert());
    outln!("2. the registry serves a certificate from the new CA; certs/ca.crt is the new CA");

    // 3. Only the new CA.
    install(
        layout,
        &hosts,
        setup.trust_stores(),
        next.cert_pem(),
        &req.root,
    )?;
    drop_next(layout, &hosts, &req.root)?;
    outln!("3. the old CA is gone from this machine's stores");
    outln!(
        "Other machines that trusted the old CA need the new one: copy {} there and run `sudo regctl trust install --host {} --ca ca.crt`.",
        layout.ca_cert().display(),
        setup.registry_host()
    );
    Ok(())
}

fn store_names(stores: &[StoreKind]) -> String {
    if stores.is_empty() {
        return "none recorded in regctl.yaml".into();
    }
    stores
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_bundle(layout: &RegistryDir, bundle: &str) -> anyhow::Result<PathBuf> {
    let path = layout.certs().join("ca.rotation-bundle.crt");
    write(&path, bundle.as_bytes(), MODE_PUBLIC)?;
    Ok(path)
}
