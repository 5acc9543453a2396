//! Certificate signing requests for Kubernetes: a key generated here, a
//! CSR that a cluster signer accepts, and the `certificates.k8s.io/v1`
//! object that carries it.
//!
//! The built-in `kubernetes.io/kubelet-serving` signer only signs requests
//! that look like a kubelet's serving certificate: subject
//! `CN=system:node:<name>, O=system:nodes`, DNS and IP SANs only, usages
//! `digital signature`, `server auth`, and `key encipherment` for RSA keys
//! or for clusters before 1.27 (see [`key_encipherment`]). Other signers
//! get the registry's name as CN.

use base64::Engine as _;
use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, SanType};

use super::keys::{self, KeyType};
use super::{PkiError, San};

/// The signer most clusters have, and the default.
pub(crate) const KUBELET_SERVING: &str = "kubernetes.io/kubelet-serving";

/// What to request.
#[derive(Debug, Clone)]
pub(crate) struct CsrOptions {
    pub sans: Vec<San>,
    pub key_type: KeyType,
    pub signer: String,
    /// The node name for the kubelet-serving subject.
    pub node: String,
    /// `spec.expirationSeconds` (signers may shorten it).
    pub days: u32,
    /// Ask for the `key encipherment` usage too ([`key_encipherment`]).
    pub key_encipherment: bool,
}

/// Whether to ask for `key encipherment`. RSA keys use it in TLS 1.2's RSA
/// key exchange. For other keys it means nothing, but kubelet-serving
/// signers before Kubernetes 1.25 sign only the exact set
/// `[digital signature, key encipherment, server auth]`, and API
/// validation accepts the set without it only from 1.27, so it is asked
/// for unless the server is known to be 1.27 or later.
pub(crate) fn key_encipherment(signer: &str, key_type: KeyType, server_minor: Option<u32>) -> bool {
    key_type.rsa_bits().is_some()
        || (signer == KUBELET_SERVING && server_minor.is_none_or(|m| m < 27))
}

/// A generated key and its request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub key_pem: String,
    pub csr_pem: String,
}

fn gen_err(e: rcgen::Error) -> PkiError {
    PkiError::Generation(e.to_string())
}

/// The usages the signer is asked for.
pub(crate) fn usages(opts: &CsrOptions) -> Vec<&'static str> {
    let mut u = vec!["digital signature"];
    if opts.key_encipherment {
        u.push("key encipherment");
    }
    u.push("server auth");
    u
}

/// Generates the key and the CSR.
pub(crate) fn request(opts: &CsrOptions) -> Result<Request, PkiError> {
    if opts.sans.is_empty() {
        return Err(PkiError::NoSans);
    }
    let key = keys::generate(opts.key_type)?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    if opts.signer == KUBELET_SERVING {
        dn.push(DnType::CommonName, format!("system:node:{}", opts.node));
        dn.push(DnType::OrganizationName, "system:nodes");
    } else {
        dn.push(DnType::CommonName, opts.sans[0].to_string());
    }
    params.distinguished_name = dn;
    params.subject_alt_names = opts
        .sans
        .iter()
        .map(|s| match s {
            San::Dns(d) => d.clone().try_into().map(SanType::DnsName).map_err(gen_err),
            San::Ip(ip) => Ok(SanType::IpAddress(*ip)),
        })
        .collect::<Result<_, _>>()?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let csr = params.serialize_request(&key).map_err(gen_err)?;
    Ok(Request {
        key_pem: key.serialize_pem(),
        csr_pem: csr.pem().map_err(gen_err)?,
    })
}

/// The CertificateSigningRequest object, as YAML for `kubectl create -f -`.
pub(crate) fn manifest(name: &str, req: &Request, opts: &CsrOptions) -> String {
    let request = base64::engine::general_purpose::STANDARD.encode(req.csr_pem.as_bytes());
    let usages: String = usages(opts).iter().map(|u| format!("  - {u}\n")).collect();
    format!(
        "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/managed-by: regctl\nspec:\n  signerName: {}\n  expirationSeconds: {}\n  request: {request}\n  usages:\n{usages}",
        opts.signer,
        u64::from(opts.days) * 86_400
    )
}
