//! A certificate's facts, as people and scripts read them.

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::public_key::PublicKey;

use super::PkiError;

/// What `regctl cert inspect` prints, and `--json` emits.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    pub is_ca: bool,
    pub path_len: Option<u32>,
    /// `None` when the certificate has no keyUsage extension.
    pub key_usage: Option<Vec<String>>,
    /// `None` when the certificate has no extendedKeyUsage extension.
    pub extended_key_usage: Option<Vec<String>>,
    pub not_before: String,
    pub not_after: String,
    /// Whole days until expiry; negative once expired.
    pub days_left: i64,
    pub sha256_fingerprint: String,
    pub public_key: String,
    pub signature_algorithm: String,
    pub self_signed: bool,
}

impl CertInfo {
    /// Extracts the facts from DER.
    pub(crate) fn from_der(der: &[u8], now: OffsetDateTime) -> Result<Self, PkiError> {
        let cert = super::parse(der)?;
        let (dns_names, ip_addresses) = san_lists(&cert);
        let not_after = cert.validity().not_after.to_datetime();
        Ok(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            common_name: common_name(&cert),
            dns_names,
            ip_addresses,
            is_ca: cert.is_ca(),
            path_len: cert
                .basic_constraints()
                .ok()
                .flatten()
                .and_then(|bc| bc.value.path_len_constraint),
            key_usage: key_usage(&cert),
            extended_key_usage: extended_key_usage(&cert),
            not_before: rfc3339(cert.validity().not_before.to_datetime()),
            not_after: rfc3339(not_after),
            days_left: (not_after - now).whole_days(),
            sha256_fingerprint: fingerprint(der),
            public_key: public_key_description(&cert),
            signature_algorithm: signature_algorithm(&cert),
            self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        })
    }

    /// Every SAN, DNS names first, as written in the certificate.
    pub(crate) fn all_names(&self) -> Vec<String> {
        self.dns_names
            .iter()
            .chain(self.ip_addresses.iter())
            .cloned()
            .collect()
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// `AB:CD:...`, as `openssl x509 -fingerprint -sha256` prints it.
pub(crate) fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

pub(crate) fn common_name(cert: &X509Certificate<'_>) -> Option<String> {
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string)
}

/// DNS names and IP addresses from the SAN extension.
pub(crate) fn san_lists(cert: &X509Certificate<'_>) -> (Vec<String>, Vec<String>) {
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => dns.push(d.to_string()),
                GeneralName::IPAddress(bytes) => {
                    if let Some(ip) = ip_from_bytes(bytes) {
                        ips.push(ip.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    (dns, ips)
}

pub(crate) fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

fn key_usage(cert: &X509Certificate<'_>) -> Option<Vec<String>> {
    let ku = cert.key_usage().ok().flatten()?.value;
    let flags = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    Some(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| n.to_string())
            .collect(),
    )
}

fn extended_key_usage(cert: &X509Certificate<'_>) -> Option<Vec<String>> {
    let eku = cert.extended_key_usage().ok().flatten()?.value;
    let mut out: Vec<String> = [
        (eku.any, "any"),
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_string())
    .collect();
    out.extend(eku.other.iter().map(|oid| oid.to_id_string()));
    Some(out)
}

fn public_key_description(cert: &X509Certificate<'_>) -> String {
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "ECDSA P-256".into(),
                Some("1.3.132.0.34") => "ECDSA P-384".into(),
                Some("1.3.132.0.35") => "ECDSA P-521".into(),
                Some(other) => format!("ECDSA ({other})"),
                None => "ECDSA".into(),
            }
        }
        _ => match spki.algorithm.algorithm.to_id_string().as_str() {
            "1.3.101.112" => "Ed25519".into(),
            "1.3.101.113" => "Ed448".into(),
            other => other.to_string(),
        },
    }
}

/// Signature algorithms Go and browsers refuse outright.
pub(crate) const INSECURE_SIGNATURES: [&str; 3] = ["SHA1-RSA", "ECDSA-SHA1", "MD5-RSA"];

/// Names in Go's spelling, so lint messages match what clients print.
pub(crate) fn signature_algorithm(cert: &X509Certificate<'_>) -> String {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.4" => "MD5-RSA".into(),
        "1.2.840.113549.1.1.5" => "SHA1-RSA".into(),
        "1.2.840.113549.1.1.10" => "RSASSA-PSS".into(),
        "1.2.840.113549.1.1.11" => "SHA256-RSA".into(),
        "1.2.840.113549.1.1.12" => "SHA384-RSA".into(),
        "1.2.840.113549.1.1.13" => "SHA512-RSA".into(),
        "1.2.840.10045.4.1" => "ECDSA-SHA1".into(),
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256".into(),
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384".into(),
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512".into(),
        "1.3.101.112" => "Ed25519".into(),
        _ => oid,
    }
}
