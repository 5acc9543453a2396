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

/// The certificate and key files' identity: a change of either reloads.
type Stamp = Vec<Option<(std::time::SystemTime, u64)>>;

fn stamp(tls: &TlsConfig) -> Stamp {
    [&tls.certificate, &tls.key]
        .iter()
        .map(|p| {
            let m = std::fs::metadata(p).ok()?;
            Some((m.modified().ok()?, m.len()))
        })
        .collect()
}

/// The serving certificate, reloaded when its files change or on SIGHUP,
/// so a renewed or rotated certificate is served without a restart and
/// without dropping a connection (each handshake asks for the current one).
pub(crate) struct ServingCert {
    tls: TlsConfig,
    provider: Arc<rustls::crypto::CryptoProvider>,
    current: std::sync::RwLock<(Arc<rustls::sign::CertifiedKey>, Stamp)>,
}

impl std::fmt::Debug for ServingCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServingCert")
            .field("certificate", &self.tls.certificate)
            .finish()
    }
}

fn load_pair(
    tls: &TlsConfig,
    provider: &rustls::crypto::CryptoProvider,
) -> Result<Arc<rustls::sign::CertifiedKey>, TlsError> {
    let certs = load_certs(&tls.certificate)?;
    let key = PrivateKeyDer::from_pem_file(&tls.key).map_err(|e| TlsError::Key {
        path: tls.key.clone(),
        message: e.to_string(),
    })?;
    rustls::sign::CertifiedKey::from_der(certs, key, provider)
        .map(Arc::new)
        .map_err(|e| {
            TlsError::Config(format!(
                "{} and {} do not form a usable pair: {e}",
                tls.certificate.display(),
                tls.key.display()
            ))
        })
}

impl ServingCert {
    fn load(
        tls: &TlsConfig,
        provider: Arc<rustls::crypto::CryptoProvider>,
    ) -> Result<Self, TlsError> {
        let stamp = stamp(tls);
        let pair = load_pair(tls, &provider)?;
        Ok(ServingCert {
            tls: tls.clone(),
            provider,
            current: std::sync::RwLock::new((pair, stamp)),
        })
    }

    /// Loads the files again when they changed (or always with `force`).
    /// A pair caught half-written (a key without its certificate yet) keeps
    /// the one being served and is tried again at the next check.
    pub(crate) fn refresh(&self, force: bool) -> bool {
        let now = stamp(&self.tls);
        {
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            if !force && current.1 == now {
                return false;
            }
        }
        match load_pair(&self.tls, &self.provider) {
            Ok(pair) => {
                let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
                let changed = current.0.cert != pair.cert;
                *current = (pair, now);
                if changed {
                    tracing::info!(certificate = %self.tls.certificate.display(), "TLS certificate reloaded");
                    log_certificate_findings(&self.tls);
                }
                changed
            }
            Err(e) => {
                tracing::warn!(error = %e, "TLS certificate changed but cannot be loaded yet; serving the previous one");
                false
            }
        }
    }
}

impl rustls::server::ResolvesServerCert for ServingCert {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .0
                .clone(),
        )
    }
}

/// ring's suites with AES-128-GCM first, as Go's server orders them.
/// AES-128 runs four fewer rounds than AES-256 for the same GHASH, and both
/// ends of every pull pay for it: measured with curl, a 256 MiB pull over
/// TLS went from 1,157-1,215 to 1,274-1,295 MB/s (medians of nine,
/// docs/benchmarks.md). Both are 128-bit-secure or better against every
/// known attack; ChaCha20 stays last, for clients without AES hardware.
fn provider_preferring_aes128() -> rustls::crypto::CryptoProvider {
    use rustls::CipherSuite as S;
    let mut provider = rustls::crypto::ring::default_provider();
    provider
        .cipher_suites
        .sort_by_key(|suite| match suite.suite() {
            S::TLS13_AES_128_GCM_SHA256
            | S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => 0,
            S::TLS13_AES_256_GCM_SHA384
            | S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => 1,
            _ => 2,
        });
    provider
}

/// Builds the server config: TLS 1.2+ (or 1.3 only), h2 and http/1.1, and
/// client certificate verification when `clientcas` is set; the
/// certificate comes from the returned [`ServingCert`], which reloads.
pub(crate) fn server_config(
    tls: &TlsConfig,
) -> Result<(Arc<rustls::ServerConfig>, Arc<ServingCert>), TlsError> {
    let provider = Arc::new(provider_preferring_aes128());
    let serving = Arc::new(ServingCert::load(tls, provider.clone())?);
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
    let mut config = builder.with_cert_resolver(serving.clone());
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // The server's order of cipher suites (AES-GCM and ChaCha20 with
    // forward secrecy only), not the client's.
    config.ignore_client_order = true;
    Ok((Arc::new(config), serving))
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
