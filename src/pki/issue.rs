//! Issuing a local CA and server certificates signed by it.
//!
//! The profiles are the ones every client accepts: a CA with `CA:TRUE,
//! pathlen:0` that may only sign leaf certificates, and a server certificate
//! with SANs, `CA:FALSE`, `digitalSignature, keyEncipherment` and
//! `serverAuth`, with subject and authority key identifiers so chains build
//! unambiguously.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SanType, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use super::keys::{self, KeyType};
use super::{PkiError, San};

/// Longest server validity Apple platforms accept (in days).
pub(crate) const APPLE_MAX_SERVER_DAYS: u32 = 825;
/// Default server certificate validity.
pub(crate) const DEFAULT_SERVER_DAYS: u32 = APPLE_MAX_SERVER_DAYS;
/// Default CA validity: ten years, since re-distributing a CA is the costly part.
pub(crate) const DEFAULT_CA_DAYS: u32 = 3650;
/// Back-dating so a node whose clock is a little behind still accepts a
/// freshly issued certificate.
const CLOCK_SKEW: Duration = Duration::hours(1);

/// A certificate and its private key, PEM-encoded.
#[derive(Debug, Clone)]
pub(crate) struct IssuedPair {
    pub cert_pem: String,
    pub key_pem: String,
    pub not_after: OffsetDateTime,
}

/// How to make a new CA.
#[derive(Debug, Clone)]
pub(crate) struct CaOptions {
    pub common_name: String,
    pub key_type: KeyType,
    pub days: u32,
}

/// How to make a server certificate.
#[derive(Debug, Clone)]
pub(crate) struct ServerOptions {
    pub sans: Vec<San>,
    pub key_type: KeyType,
    pub days: u32,
}

fn random_serial() -> Result<SerialNumber, PkiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| PkiError::Generation(e.to_string()))?;
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x01; // and not shortened by a leading zero
    Ok(SerialNumber::from(bytes.to_vec()))
}

fn gen_err(e: rcgen::Error) -> PkiError {
    PkiError::Generation(e.to_string())
}

/// Creates a self-signed CA that may sign server certificates only.
pub(crate) fn new_ca(opts: &CaOptions) -> Result<IssuedPair, PkiError> {
    let key = keys::generate(opts.key_type)?;
    let now = OffsetDateTime::now_utc();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, opts.common_name.as_str());
    dn.push(DnType::OrganizationName, "regctl");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = now - CLOCK_SKEW;
    // The span is exactly `days`, the back-dating included.
    params.not_after = params.not_before + Duration::days(i64::from(opts.days));
    params.serial_number = Some(random_serial()?);
    let cert = params.self_signed(&key).map_err(gen_err)?;
    Ok(IssuedPair {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        not_after: params.not_after,
    })
}

/// A CA that has been checked and can sign.
pub(crate) struct LoadedCa {
    cert_pem: String,
    key: KeyPair,
    not_after: OffsetDateTime,
}

impl LoadedCa {
    /// Loads a CA certificate and its key, refusing anything clients would
    /// reject: not a CA, a key that does not match, expired, no keyCertSign.
    pub(crate) fn load(cert_pem: &str, key_pem: &str) -> Result<Self, PkiError> {
        let ders = super::certs_from_bytes(cert_pem.as_bytes())?;
        let der = &ders[0];
        let cert = super::parse(der)?;
        if !cert.is_ca() {
            return Err(PkiError::NotCa(cert.subject().to_string()));
        }
        if let Ok(Some(ku)) = cert.key_usage()
            && !ku.value.key_cert_sign()
        {
            return Err(PkiError::CaCannotSign);
        }
        let key = keys::load_pem(key_pem)?;
        if key.subject_public_key_info() != cert.public_key().raw {
            return Err(PkiError::CaKeyMismatch);
        }
        let not_after = cert.validity().not_after.to_datetime();
        if not_after <= OffsetDateTime::now_utc() {
            return Err(PkiError::CaExpired(super::info::rfc3339(not_after)));
        }
        Ok(LoadedCa {
            cert_pem: super::certs_to_pem(std::slice::from_ref(der)),
            key,
            not_after,
        })
    }

    /// The CA certificate, PEM.
    pub(crate) fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Issues a server certificate. Its expiry is capped at the CA's, since
    /// clients reject a chain once the CA has expired anyway.
    pub(crate) fn issue_server(&self, opts: &ServerOptions) -> Result<IssuedPair, PkiError> {
        if opts.sans.is_empty() {
            return Err(PkiError::NoSans);
        }
        let key = keys::generate(opts.key_type)?;
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::default();
        let cn = opts
            .sans
            .iter()
            .find(|s| matches!(s, San::Dns(_)))
            .unwrap_or(&opts.sans[0])
            .to_string();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        dn.push(DnType::OrganizationName, "regctl");
        params.distinguished_name = dn;
        params.subject_alt_names = opts
            .sans
            .iter()
            .map(|s| match s {
                San::Dns(d) => d
                    .clone()
                    .try_into()
                    .map(SanType::DnsName)
                    .map_err(|e: rcgen::Error| PkiError::Generation(e.to_string())),
                San::Ip(ip) => Ok(SanType::IpAddress(*ip)),
            })
            .collect::<Result<_, _>>()?;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = now - CLOCK_SKEW;
        // The span is exactly `days`, the back-dating included: Apple
        // clients count from notBefore to notAfter.
        params.not_after =
            (params.not_before + Duration::days(i64::from(opts.days))).min(self.not_after);
        params.serial_number = Some(random_serial()?);
        let issuer = Issuer::from_ca_cert_pem(&self.cert_pem, &self.key).map_err(gen_err)?;
        let cert = params.signed_by(&key, &issuer).map_err(gen_err)?;
        Ok(IssuedPair {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            not_after: params.not_after,
        })
    }
}
