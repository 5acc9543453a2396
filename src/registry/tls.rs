//! rustls server configuration from `http.tls`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::config::TlsConfig;

/// Why TLS could not be set up; names the file involved.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("cannot read certificates from {}: {message}", path.display())]
    Certs { path: PathBuf, message: String },
    #[error("cannot read the private key {}: {message}", path.display())]
    Key { path: PathBuf, message: String },
    #[error("http.tls: {0}")]
    Config(String),
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let err = |message: String| TlsError::Certs {
        path: path.to_path_buf(),
        message,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    if certs.is_empty() {
        return Err(err("no CERTIFICATE block found".into()));
    }
    Ok(certs)
}

/// Builds the server config: TLS 1.2+ (or 1.3 only), h2 and http/1.1, and
/// client certificate verification when `clientcas` is set.
pub(crate) fn server_config(tls: &TlsConfig) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = load_certs(&tls.certificate)?;
    let key = PrivateKeyDer::from_pem_file(&tls.key).map_err(|e| TlsError::Key {
        path: tls.key.clone(),
        message: e.to_string(),
    })?;
    let versions: &[&rustls::SupportedProtocolVersion] = if tls.minimumtls == "tls1.3" {
        &[&rustls::version::TLS13]
    } else {
        &[&rustls::version::TLS13, &rustls::version::TLS12]
    };
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = if tls.clientcas.is_empty() {
        builder.with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        for path in &tls.clientcas {
            for cert in load_certs(path)? {
                roots.add(cert).map_err(|e| TlsError::Certs {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| TlsError::Config(e.to_string()))?;
        builder.with_client_cert_verifier(verifier)
    };
    let mut config = builder.with_single_cert(certs, key).map_err(|e| {
        TlsError::Config(format!(
            "{} and {} do not form a usable pair: {e}",
            tls.certificate.display(),
            tls.key.display()
        ))
    })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Logs what `regctl cert inspect` would say about the serving certificate,
/// so an expired or CN-only certificate shows up in the registry's log.
pub(crate) fn log_certificate_findings(tls: &TlsConfig) {
    let Ok(bytes) = std::fs::read(&tls.certificate) else {
        return;
    };
    let Ok(mut ders) = crate::pki::certs_from_bytes(&bytes) else {
        return;
    };
    let leaf = ders.remove(0);
    let opts = crate::pki::LintOptions {
        role: crate::pki::Role::Server,
        host: None,
        key: None,
        anchors: None,
        intermediates: ders,
        now: time::OffsetDateTime::now_utc(),
    };
    if let Ok(report) = crate::pki::lint::lint(&leaf, &opts) {
        for f in report.findings {
            tracing::warn!(code = f.code, client_error = f.client_error.as_deref().unwrap_or(""), fix = %f.fix, "TLS certificate: {}", f.message);
        }
    }
}
