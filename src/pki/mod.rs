//! Certificates and keys: a local CA, SAN server certificates, and the
//! inspection and lints that explain client TLS errors before clients hit them.

pub(crate) mod chain;
pub(crate) mod csr;
pub(crate) mod info;
pub(crate) mod issue;
pub(crate) mod keys;
pub(crate) mod lint;
pub(crate) mod san;

pub(crate) use info::CertInfo;
pub(crate) use issue::{CaOptions, LoadedCa, ServerOptions};
pub(crate) use keys::KeyType;
pub(crate) use lint::{LintOptions, Role, Severity};
pub(crate) use san::San;

/// Everything that can go wrong with certificate material.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PkiError {
    #[error("unknown key type `{0}` (expected one of: p256, p384, ed25519, rsa2048, rsa4096)")]
    UnknownKeyType(String),
    #[error("key generation failed: {0}")]
    KeyGeneration(String),
    #[error("not valid PEM: {0}")]
    NotPem(String),
    #[error("no private key found (expected a `-----BEGIN PRIVATE KEY-----` block)")]
    NoPrivateKey,
    #[error("no certificate found (expected a `-----BEGIN CERTIFICATE-----` block)")]
    NoCertificate,
    #[error("the private key is encrypted; decrypt it first: openssl pkey -in KEY -out KEY.plain")]
    EncryptedKey,
    #[error(
        "unsupported key format `{0}`; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8"
    )]
    UnsupportedKeyFormat(String),
    #[error("the private key cannot be used: {0}")]
    BadKey(String),
    #[error("the certificate cannot be parsed: {0}")]
    BadCertificate(String),
    #[error(
        "{0} is not a CA certificate (basicConstraints CA:FALSE or missing); a server certificate cannot sign others"
    )]
    NotCa(String),
    #[error("the CA key does not match the CA certificate")]
    CaKeyMismatch,
    #[error(
        "the CA certificate expired on {0}; create a new CA with --new-ca and re-install trust"
    )]
    CaExpired(String),
    #[error("the CA certificate's keyUsage lacks keyCertSign, so clients reject what it signs")]
    CaCannotSign,
    #[error("at least one subject alternative name is needed (--san NAME, or leave --host-ips on)")]
    NoSans,
    #[error("certificate generation failed: {0}")]
    Generation(String),
}

/// Reads every certificate in PEM text (or one DER certificate) as DER.
pub(crate) fn certs_from_bytes(bytes: &[u8]) -> Result<Vec<Vec<u8>>, PkiError> {
    if bytes.first() == Some(&0x30) {
        // Looks like DER: accept a single binary certificate.
        x509_parser::parse_x509_certificate(bytes)
            .map_err(|e| PkiError::BadCertificate(e.to_string()))?;
        return Ok(vec![bytes.to_vec()]);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| PkiError::NotPem("not text".into()))?;
    let blocks = pem::parse_many(text).map_err(|e| PkiError::NotPem(e.to_string()))?;
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE" || b.tag() == "TRUSTED CERTIFICATE")
        .map(|b| b.into_contents())
        .collect();
    if certs.is_empty() {
        return Err(PkiError::NoCertificate);
    }
    for der in &certs {
        x509_parser::parse_x509_certificate(der)
            .map_err(|e| PkiError::BadCertificate(e.to_string()))?;
    }
    Ok(certs)
}

/// Parses DER that [`certs_from_bytes`] already validated.
pub(crate) fn parse(der: &[u8]) -> Result<x509_parser::certificate::X509Certificate<'_>, PkiError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, c)| c)
        .map_err(|e| PkiError::BadCertificate(e.to_string()))
}

/// Encodes DER certificates as PEM.
pub(crate) fn certs_to_pem(ders: &[Vec<u8>]) -> String {
    ders.iter()
        .map(|d| {
            pem::encode_config(
                &pem::Pem::new("CERTIFICATE", d.clone()),
                pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
            )
        })
        .collect()
}
