//! `regctl cert inspect`: a certificate's facts and every problem clients
//! would hit, with the error they print and the fix.

use std::path::Path;
use std::process::ExitCode;

use time::OffsetDateTime;

use crate::cli::InspectArgs;
use crate::fsutil;
use crate::pki::lint::{self, Report};
use crate::pki::{self, CertInfo, LintOptions, Role, Severity};
use crate::ui::{self, outln};

pub(super) fn run(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let bytes = fsutil::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read the certificate: {e}"))?;
    let mut ders = pki::certs_from_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("{} is not a usable certificate: {e}", args.file.display()))?;
    let leaf = ders.remove(0);
    let key = match &args.key {
        Some(path) => {
            let text = fsutil::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read the --key file: {e}"))?;
            Some(pki::keys::load_pem(&text).map_err(|e| {
                anyhow::anyhow!("{} is not a usable private key: {e}", path.display())
            })?)
        }
        None => None,
    };
    let anchors = match &args.ca {
        Some(path) => {
            let bytes = fsutil::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read the --ca file: {e}"))?;
            Some(pki::certs_from_bytes(&bytes).map_err(|e| {
                anyhow::anyhow!("{} is not a usable certificate: {e}", path.display())
            })?)
        }
        None => None,
    };
    let now = OffsetDateTime::now_utc();
    let opts = LintOptions {
        role: args.role,
        host: args.host.clone(),
        key,
        anchors,
        intermediates: ders,
        now,
    };
    let report = lint::lint(&leaf, &opts)?;
    let info = CertInfo::from_der(&leaf, now)?;
    if args.json.json {
        ui::json(&serde_json::json!({
            "file": args.file,
            "certificate": info,
            "role": report.role,
            "ok": !report.has_errors(),
            "findings": report.findings,
        }))?;
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
    outln!("{}", file.display());
    outln!("  Subject:        {}", info.subject);
    outln!(
        "  Issuer:         {}{}",
        info.issuer,
        if info.self_signed {
            " (self-signed)"
        } else {
            ""
        }
    );
    outln!("  Serial:         {}", info.serial);
    outln!(
        "  Names (SAN):    {}",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    );
    outln!(
        "  CA:             {}",
        match (info.is_ca, info.path_len) {
            (true, Some(n)) => format!("yes, pathlen:{n}"),
            (true, None) => "yes".to_string(),
            (false, _) => "no".to_string(),
        }
    );
    outln!("  Key usage:      {}", list(&info.key_usage));
    outln!("  Extended usage: {}", list(&info.extended_key_usage));
    outln!(
        "  Valid:          {} to {} ({} days left)",
        info.not_before,
        info.not_after,
        info.days_left
    );
    outln!("  Public key:     {}", info.public_key);
    outln!("  Signature:      {}", info.signature_algorithm);
    outln!("  SHA-256:        {}", info.sha256_fingerprint);
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
    outln!("  Checked:        {}", checked.join(", "));
    outln!();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        outln!("{level}[{}]: {}", f.code, f.message);
        if let Some(e) = &f.client_error {
            outln!("  clients say: {e}");
        }
        outln!("  fix: {}", f.fix);
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    if report.findings.is_empty() {
        outln!("ok: no problems found");
    } else {
        outln!("{errors} error(s), {warnings} warning(s)");
    }
}
