//! `--tls provided`: a certificate, key and CA the person brought, checked
//! with the `cert inspect` lints for every host before anything is copied.

use anyhow::{Context as _, bail};
use time::OffsetDateTime;

use crate::fsutil;
use crate::pki::{self, LintOptions, Role, Severity};
use crate::plan::ProvidedTls;
use crate::setup::{Setup, TlsMode};
use crate::wizard::ProvidedFiles;

/// The brought files for `tls: provided` (checked), `None` otherwise.
pub(super) fn resolve(setup: &Setup, files: &ProvidedFiles) -> anyhow::Result<Option<ProvidedTls>> {
    if setup.tls != TlsMode::Provided {
        if setup.tls == TlsMode::None && (files.cert.is_some() || files.key.is_some()) {
            bail!(
                "--tls none serves plain HTTP, so --cert and --key would be ignored: drop them, or use --tls provided"
            );
        }
        return Ok(None);
    }
    let (Some(cert), Some(key)) = (&files.cert, &files.key) else {
        bail!("--tls provided needs --cert FILE --key FILE --ca FILE");
    };
    let ca = files
        .ca
        .clone()
        .ok_or_else(|| anyhow::anyhow!("--tls provided needs --ca FILE (the CA clients trust)"))?;
    let p = super::provided_tls(cert, key, &ca);
    check(&p, setup)?;
    Ok(Some(p))
}

/// Checks a brought certificate for every host; the first error found is
/// the message, with its fix.
pub(crate) fn check(p: &ProvidedTls, setup: &Setup) -> anyhow::Result<()> {
    let cert = fsutil::read(&p.cert).context("cannot read --cert")?;
    let ders = pki::certs_from_bytes(&cert)
        .map_err(|e| anyhow::anyhow!("{} is not a certificate: {e}", p.cert.display()))?;
    let key_text = fsutil::read_to_string(&p.key).context("cannot read --key")?;
    let ca = fsutil::read(&p.ca).context("cannot read --ca")?;
    crate::trust::check_ca(&ca).map_err(|e| anyhow::anyhow!("--ca {}: {e}", p.ca.display()))?;
    let anchors = pki::certs_from_bytes(&ca)?;
    pki::keys::load_pem(&key_text)
        .map_err(|e| anyhow::anyhow!("{} is not a private key: {e}", p.key.display()))?;
    for host in &setup.hosts {
        let opts = LintOptions {
            role: Role::Server,
            host: Some(host.clone()),
            key: pki::keys::load_pem(&key_text).ok(),
            anchors: Some(anchors.clone()),
            intermediates: ders[1..].to_vec(),
            now: OffsetDateTime::now_utc(),
        };
        let report = pki::lint::lint(&ders[0], &opts)?;
        if let Some(f) = report
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
        {
            bail!(
                "--cert {} cannot serve {host}: {} (fix: {})",
                p.cert.display(),
                f.message,
                provided_fix(f.code, &f.fix)
            );
        }
    }
    Ok(())
}

/// A lint's fix re-issues with regctl's own CA; for a certificate the
/// person brought, the fix is at their CA.
fn provided_fix(code: &str, fix: &str) -> String {
    match code {
        "host-not-in-san" | "no-san" | "expired" | "not-yet-valid" | "eku-no-server-auth" => {
            "have your CA issue a certificate that covers every --host (subjectAltName), valid now, with serverAuth; or use --tls own-ca".into()
        }
        _ => fix.to_string(),
    }
}
