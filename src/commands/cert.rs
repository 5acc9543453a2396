//! `regctl cert issue|inspect|renew`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use time::OffsetDateTime;

use crate::cli::{ExternalCaArgs, InspectArgs, IssueArgs, RenewArgs, RoleArg};
use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite};
use crate::layout::RegistryDir;
use crate::netinfo;
use crate::pki::issue::{self, new_ca};
use crate::pki::lint::{self, Report};
use crate::pki::{
    self, CaOptions, CertInfo, KeyType, LintOptions, LoadedCa, Role, San, ServerOptions, Severity,
};

/// A file to write once everything has been generated and checked.
struct PendingWrite {
    path: PathBuf,
    contents: Vec<u8>,
    mode: u32,
    overwrite: Overwrite,
}

/// Files are written only after every check passed, so a refused run
/// leaves the directory exactly as it was.
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
            fsutil::write_atomic(&w.path, &w.contents, w.mode, w.overwrite)?;
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

/// `--san` values plus, unless disabled, this machine's name and addresses.
fn collect_sans(given: &[String], host_ips: bool) -> anyhow::Result<Vec<San>> {
    let mut sans: Vec<San> = Vec::new();
    for s in given {
        let san: San = s.parse().context("invalid --san")?;
        if !sans.contains(&san) {
            sans.push(san);
        }
    }
    let mut extra: Vec<San> = Vec::new();
    if given.is_empty() {
        extra.push(San::Dns("localhost".into()));
        extra.push(San::Ip([127, 0, 0, 1].into()));
        extra.push(San::Ip(std::net::Ipv6Addr::LOCALHOST.into()));
    }
    if host_ips {
        if let Some(h) = netinfo::hostname() {
            extra.insert(0, San::Dns(h));
        }
        extra.extend(netinfo::host_addresses().into_iter().map(San::Ip));
    }
    for san in extra {
        if !sans.contains(&san) {
            sans.push(san);
        }
    }
    if sans.is_empty() {
        bail!(pki::PkiError::NoSans);
    }
    Ok(sans)
}

fn read_text(path: &Path, what: &str) -> anyhow::Result<String> {
    fsutil::read_to_string(path).with_context(|| format!("reading {what}"))
}

/// Where the signing CA came from, for the summary.
enum CaOrigin {
    Created,
    Reused,
    External(PathBuf),
}

fn load_external_ca(ext: &ExternalCaArgs) -> anyhow::Result<Option<(LoadedCa, PathBuf)>> {
    let (Some(cert), Some(key)) = (&ext.ca_cert, &ext.ca_key) else {
        return Ok(None);
    };
    let ca = LoadedCa::load(
        &read_text(cert, "the --ca-cert file")?,
        &read_text(key, "the --ca-key file")?,
    )
    .with_context(|| format!("cannot sign with {}", cert.display()))?;
    Ok(Some((ca, cert.clone())))
}

fn load_dir_ca(layout: &RegistryDir) -> anyhow::Result<LoadedCa> {
    let (cert, key) = (layout.ca_cert(), layout.ca_key());
    LoadedCa::load(
        &read_text(&cert, "the CA certificate")?,
        &read_text(&key, "the CA key")?,
    )
    .with_context(|| format!("cannot use the CA in {}", layout.certs().display()))
}

/// Picks the signing CA for `cert issue` and queues any CA files to write.
fn resolve_ca(
    layout: &RegistryDir,
    args: &IssueArgs,
    plan: &mut WritePlan,
) -> anyhow::Result<(LoadedCa, CaOrigin)> {
    if let Some((ca, source)) = load_external_ca(&args.external_ca)? {
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
                overwrite_if(args.force),
            );
        }
        return Ok((ca, CaOrigin::External(source)));
    }
    let (cert_exists, key_exists) = (layout.ca_cert().exists(), layout.ca_key().exists());
    if args.new_ca && (cert_exists || key_exists) && !args.force {
        bail!(
            "--new-ca replaces {}, which clients already trust; pass --force as well to confirm",
            layout.ca_cert().display()
        );
    }
    if !args.new_ca {
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
    let name = args
        .ca_name
        .clone()
        .unwrap_or_else(|| match netinfo::hostname() {
            Some(h) => format!("regctl CA ({h})"),
            None => "regctl CA".to_string(),
        });
    let pair = new_ca(&CaOptions {
        common_name: name,
        key_type: args.key.key_type,
        days: args.ca_days,
    })?;
    let ow = overwrite_if(args.new_ca && args.force);
    plan.add(layout.ca_key(), pair.key_pem.as_bytes(), MODE_SECRET, ow);
    plan.add(layout.ca_cert(), pair.cert_pem.as_bytes(), MODE_PUBLIC, ow);
    let ca = LoadedCa::load(&pair.cert_pem, &pair.key_pem)?;
    Ok((ca, CaOrigin::Created))
}

/// Issues the server certificate and queues its files.
fn queue_server(
    layout: &RegistryDir,
    ca: &LoadedCa,
    opts: &ServerOptions,
    overwrite: Overwrite,
    plan: &mut WritePlan,
) -> anyhow::Result<OffsetDateTime> {
    let server = ca.issue_server(opts)?;
    let fullchain = format!("{}{}", server.cert_pem, ca.cert_pem());
    plan.add(
        layout.server_key(),
        server.key_pem.as_bytes(),
        MODE_SECRET,
        overwrite,
    );
    plan.add(
        layout.server_cert(),
        server.cert_pem.as_bytes(),
        MODE_PUBLIC,
        overwrite,
    );
    plan.add(
        layout.server_fullchain(),
        fullchain.as_bytes(),
        MODE_PUBLIC,
        overwrite,
    );
    Ok(server.not_after)
}

/// `cert issue --kubernetes`: the cluster signs; certs/ca.crt becomes the
/// CA that signed (the cluster CA, or --signer-ca).
fn issue_kubernetes(dir: &Path, args: &IssueArgs) -> anyhow::Result<ExitCode> {
    let k = &args.kubernetes;
    if args.external_ca.ca_cert.is_some() || args.new_ca {
        bail!("--kubernetes has the cluster sign; it excludes --ca-cert and --new-ca");
    }
    let sans = collect_sans(&args.sans, !args.no_host_ips)?;
    let layout = RegistryDir::new(dir);
    let node = match &k.node_name {
        Some(n) => n.clone(),
        None => {
            netinfo::hostname().context("no host name to use as the node name: pass --node-name")?
        }
    };
    let kubectl = crate::kube::Kubectl::new(k.context.as_deref(), k.kubeconfig.as_deref());
    let signer_ca = match &k.signer_ca {
        Some(p) => Some(read_text(p, "the --signer-ca file")?),
        None => None,
    };
    let opts = pki::csr::CsrOptions {
        sans: sans.clone(),
        key_type: args.key.key_type,
        signer: k.signer.clone(),
        node,
        days: args.key.days,
    };
    let name = crate::kube::request_name(&sans[0].to_string())?;
    // Refuse before asking the cluster, so a signed certificate is never thrown away.
    let mut plan = WritePlan::default();
    let ow = overwrite_if(args.force);
    for p in [
        layout.server_key(),
        layout.server_cert(),
        layout.server_fullchain(),
    ] {
        plan.add(p, Vec::new(), MODE_PUBLIC, ow);
    }
    plan.check()?;
    let signed = crate::kube::sign(
        &kubectl,
        &name,
        &opts,
        k.approve,
        std::time::Duration::from_secs(k.csr_timeout),
        signer_ca,
        |line| crate::ui::outln!("{line}"),
    )?;
    let mut plan = WritePlan::default();
    plan.add(
        layout.server_key(),
        signed.key_pem.as_bytes(),
        MODE_SECRET,
        ow,
    );
    plan.add(
        layout.server_cert(),
        signed.cert_pem.as_bytes(),
        MODE_PUBLIC,
        ow,
    );
    let chain = format!("{}{}", signed.cert_pem, signed.ca_pem);
    plan.add(layout.server_fullchain(), chain.as_bytes(), MODE_PUBLIC, ow);
    plan.add(
        layout.ca_cert(),
        signed.ca_pem.as_bytes(),
        MODE_PUBLIC,
        Overwrite::Replace,
    );
    plan.commit()?;
    crate::ui::outln!(
        "{}: signed by the cluster ({}); {} is the cluster CA",
        layout.server_cert().display(),
        k.signer,
        layout.ca_cert().display()
    );
    crate::ui::outln!(
        "Container runtimes do not trust the cluster CA by default: install it on every node (k8s/node-trust.yaml from `regctl render`, or `regctl trust install --store containerd`)."
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn issue(dir: &Path, args: &IssueArgs) -> anyhow::Result<ExitCode> {
    if args.kubernetes.enabled {
        return issue_kubernetes(dir, args);
    }
    if args.new_ca && args.external_ca.ca_cert.is_some() {
        bail!("--new-ca and --ca-cert exclude each other: one creates a CA, the other brings one");
    }
    let sans = collect_sans(&args.sans, !args.no_host_ips)?;
    let layout = RegistryDir::new(dir);
    let mut plan = WritePlan::default();
    let (ca, origin) = resolve_ca(&layout, args, &mut plan)?;
    let opts = ServerOptions {
        sans: sans.clone(),
        key_type: args.key.key_type,
        days: args.key.days,
    };
    let not_after = queue_server(&layout, &ca, &opts, overwrite_if(args.force), &mut plan)?;
    plan.commit()?;

    let ca_line = match origin {
        CaOrigin::Created => "created a new CA",
        CaOrigin::Reused => "reused the existing CA",
        CaOrigin::External(_) => "signed with the CA given by --ca-cert",
    };
    crate::ui::outln!("{}: {ca_line}", layout.ca_cert().display());
    if let CaOrigin::External(src) = &origin {
        crate::ui::outln!(
            "  (copied from {}; its key stays where it is)",
            src.display()
        );
    }
    print_issued(&layout, &sans, args.key.key_type, not_after);
    if args.key.days > issue::APPLE_MAX_SERVER_DAYS {
        crate::ui::warn(format_args!(
            "macOS and iOS reject server certificates valid for more than {} days",
            issue::APPLE_MAX_SERVER_DAYS
        ));
    }
    crate::ui::outln!(
        "Clients must trust {} (Docker: /etc/docker/certs.d/HOST:PORT/ca.crt).",
        layout.ca_cert().display()
    );
    Ok(ExitCode::SUCCESS)
}

fn print_issued(layout: &RegistryDir, sans: &[San], key_type: KeyType, not_after: OffsetDateTime) {
    let names: Vec<String> = sans.iter().map(ToString::to_string).collect();
    crate::ui::outln!(
        "{}: {key_type} key, valid until {}, for {}",
        layout.server_cert().display(),
        not_after.date(),
        names.join(", ")
    );
    crate::ui::outln!(
        "private keys (0600): {}{}",
        layout.server_key().display(),
        if layout.ca_key().exists() {
            format!(", {}", layout.ca_key().display())
        } else {
            String::new()
        }
    );
}

pub(super) fn renew(dir: &Path, args: &RenewArgs) -> anyhow::Result<ExitCode> {
    let layout = RegistryDir::new(dir);
    let current =
        fsutil::read(&layout.server_cert()).context("reading the certificate to renew")?;
    let ders = pki::certs_from_bytes(&current)
        .with_context(|| format!("{} is not a certificate", layout.server_cert().display()))?;
    let info = CertInfo::from_der(&ders[0], OffsetDateTime::now_utc())?;
    let sans: Vec<San> = info
        .all_names()
        .iter()
        .map(|n| n.parse())
        .collect::<Result<_, _>>()
        .context("the current certificate has a name regctl cannot reissue")?;
    let key_type = key_type_of(&info.public_key);
    let ca = match load_external_ca(&args.external_ca)? {
        Some((ca, _)) => ca,
        None => load_dir_ca(&layout)?,
    };
    let mut plan = WritePlan::default();
    let opts = ServerOptions {
        sans: sans.clone(),
        key_type,
        days: args.days,
    };
    let not_after = queue_server(&layout, &ca, &opts, Overwrite::Replace, &mut plan)?;
    plan.commit()?;
    crate::ui::outln!("renewed (was valid until {})", info.not_after);
    print_issued(&layout, &sans, key_type, not_after);
    crate::ui::outln!("Restart or reload the registry to serve the new certificate.");
    Ok(ExitCode::SUCCESS)
}

/// Keeps a renewed certificate on the key type of the old one.
fn key_type_of(description: &str) -> KeyType {
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

pub(super) fn inspect(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let bytes = fsutil::read(&args.file).context("reading the certificate")?;
    let mut ders = pki::certs_from_bytes(&bytes)
        .with_context(|| format!("{} is not a usable certificate", args.file.display()))?;
    let leaf = ders.remove(0);
    let key = match &args.key {
        Some(path) => Some(
            pki::keys::load_pem(&read_text(path, "the --key file")?)
                .with_context(|| format!("{} is not a usable private key", path.display()))?,
        ),
        None => None,
    };
    let anchors = match &args.ca {
        Some(path) => {
            let bytes = fsutil::read(path).context("reading the --ca file")?;
            Some(
                pki::certs_from_bytes(&bytes)
                    .with_context(|| format!("{} is not a usable certificate", path.display()))?,
            )
        }
        None => None,
    };
    let now = OffsetDateTime::now_utc();
    let opts = LintOptions {
        role: match args.role {
            RoleArg::Auto => Role::Auto,
            RoleArg::Server => Role::Server,
            RoleArg::Ca => Role::Ca,
        },
        host: args.host.clone(),
        key,
        anchors,
        intermediates: ders,
        now,
    };
    let report = lint::lint(&leaf, &opts)?;
    let info = CertInfo::from_der(&leaf, now)?;
    if args.json {
        let doc = serde_json::json!({
            "file": args.file,
            "certificate": info,
            "role": report.role,
            "ok": !report.has_errors(),
            "findings": report.findings,
        });
        crate::ui::outln!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_info(&args.file, &info);
        print_report(&report, args);
    }
    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_info(file: &Path, info: &CertInfo) {
    let list = |v: &Option<Vec<String>>| match v {
        Some(v) if v.is_empty() => "(present, empty)".to_string(),
        Some(v) => v.join(", "),
        None => "(none)".to_string(),
    };
    let names = info.all_names();
    crate::ui::outln!("{}", file.display());
    crate::ui::outln!("  Subject:        {}", info.subject);
    crate::ui::outln!(
        "  Issuer:         {}{}",
        info.issuer,
        if info.self_signed {
            " (self-signed)"
        } else {
            ""
        }
    );
    crate::ui::outln!("  Serial:         {}", info.serial);
    crate::ui::outln!(
        "  Names (SAN):    {}",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    );
    crate::ui::outln!(
        "  CA:             {}",
        match (info.is_ca, info.path_len) {
            (true, Some(n)) => format!("yes, pathlen:{n}"),
            (true, None) => "yes".to_string(),
            (false, _) => "no".to_string(),
        }
    );
    crate::ui::outln!("  Key usage:      {}", list(&info.key_usage));
    crate::ui::outln!("  Extended usage: {}", list(&info.extended_key_usage));
    crate::ui::outln!(
        "  Valid:          {} to {} ({} days left)",
        info.not_before,
        info.not_after,
        info.days_left
    );
    crate::ui::outln!("  Public key:     {}", info.public_key);
    crate::ui::outln!("  Signature:      {}", info.signature_algorithm);
    crate::ui::outln!("  SHA-256:        {}", info.sha256_fingerprint);
}

fn print_report(report: &Report, args: &InspectArgs) {
    let mut checked = vec![match report.role {
        Role::Ca => "as a CA certificate".to_string(),
        _ => "as a server certificate".to_string(),
    }];
    if let Some(h) = &args.host {
        checked.push(format!("for {h}"));
    }
    if let Some(ca) = &args.ca {
        checked.push(format!("against {}", ca.display()));
    }
    if let Some(k) = &args.key {
        checked.push(format!("with key {}", k.display()));
    }
    crate::ui::outln!("  Checked:        {}", checked.join(", "));
    crate::ui::outln!();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        crate::ui::outln!("{level}[{}]: {}", f.code, f.message);
        if let Some(e) = &f.client_error {
            crate::ui::outln!("  clients say: {e}");
        }
        crate::ui::outln!("  fix: {}", f.fix);
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    if report.findings.is_empty() {
        crate::ui::outln!("ok: no problems found");
    } else {
        crate::ui::outln!("{errors} error(s), {warnings} warning(s)");
    }
}
