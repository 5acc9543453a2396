//! Signing the registry's certificate by a Kubernetes cluster through a
//! `certificates.k8s.io/v1` CertificateSigningRequest, with `kubectl`
//! (found with `which`; `--context` and `--kubeconfig` passed through).
//!
//! The flow is the documented one: create the CSR object, approve it when
//! allowed, wait for the signer, fetch the certificate, check it against
//! the cluster CA from the kubeconfig, and delete the CSR object.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::pki::csr::{self, CsrOptions, Request};
use crate::pki::{self, PkiError};

/// Why the cluster did not sign.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KubeError {
    #[error(
        "kubectl is not installed (or not on PATH); install it, or issue the certificate another way and use --tls provided"
    )]
    NoKubectl,
    #[error("`{command}` failed: {message}")]
    Kubectl { command: String, message: String },
    #[error("the CSR {name} was {state}: {message}")]
    Refused {
        name: String,
        state: String,
        message: String,
    },
    #[error(
        "the CSR {0} was not signed within {1:?}; approve it (kubectl certificate approve {0}) or pass --approve when your user may"
    )]
    Timeout(String, Duration),
    #[error("the cluster returned something that is not a certificate: {0}")]
    BadCertificate(String),
    #[error(
        "the kubeconfig has no certificate-authority-data for this cluster; pass the cluster CA with --ca FILE"
    )]
    NoClusterCa,
    #[error(
        "the signed certificate does not chain to the cluster CA (a custom signer has its own CA: pass it with --ca FILE)"
    )]
    NotFromClusterCa,
    #[error(transparent)]
    Pki(#[from] PkiError),
}

/// How to reach the cluster.
#[derive(Debug, Clone, Default)]
pub(crate) struct Kubectl {
    /// `--context X`, `--kubeconfig Y`.
    pub flags: Vec<String>,
}

impl Kubectl {
    /// kubectl with `--context` and `--kubeconfig` when given.
    pub(crate) fn new(context: Option<&str>, kubeconfig: Option<&std::path::Path>) -> Self {
        let mut flags = Vec::new();
        if let Some(c) = context {
            flags.extend(["--context".to_string(), c.to_string()]);
        }
        if let Some(k) = kubeconfig {
            flags.extend(["--kubeconfig".to_string(), k.display().to_string()]);
        }
        Kubectl { flags }
    }

    /// Runs `kubectl FLAGS ARGS`, feeding `stdin`; returns stdout.
    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<String, KubeError> {
        let kubectl = which::which("kubectl").map_err(|_| KubeError::NoKubectl)?;
        let command =
            format!("kubectl {} {}", self.flags.join(" "), args.join(" ")).replace("  ", " ");
        let mut child = Command::new(kubectl)
            .args(&self.flags)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| KubeError::Kubectl {
                command: command.clone(),
                message: e.to_string(),
            })?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes())
                .map_err(|e| KubeError::Kubectl {
                    command: command.clone(),
                    message: e.to_string(),
                })?;
        }
        let out = child.wait_with_output().map_err(|e| KubeError::Kubectl {
            command: command.clone(),
            message: e.to_string(),
        })?;
        if !out.status.success() {
            return Err(KubeError::Kubectl {
                command,
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// A fresh CertificateSigningRequest name for `host`: readable, and unique
/// so a retry never collides with a request left behind.
pub(crate) fn request_name(host: &str) -> Result<String, KubeError> {
    let mut suffix = [0u8; 4];
    getrandom::fill(&mut suffix).map_err(|e| KubeError::Kubectl {
        command: "(naming the request)".into(),
        message: format!("no randomness: {e}"),
    })?;
    let host = host.replace([':', '.', '[', ']'], "-");
    Ok(format!("regctl-{host}-{}", hex::encode(suffix)))
}

/// What the cluster signed.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub key_pem: String,
    pub cert_pem: String,
    /// The CA to trust (the cluster's, or the one given).
    pub ca_pem: String,
}

fn b64(text: &str) -> Result<Vec<u8>, KubeError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| KubeError::BadCertificate(e.to_string()))
}

/// Runs the whole flow; `ca_pem` overrides the kubeconfig's cluster CA
/// (custom signers sign with their own CA).
pub(crate) fn sign(
    kubectl: &Kubectl,
    name: &str,
    opts: &CsrOptions,
    approve: bool,
    timeout: Duration,
    ca_pem: Option<String>,
    mut progress: impl FnMut(&str),
) -> Result<Signed, KubeError> {
    let req: Request = csr::request(opts)?;
    kubectl.run(
        &["create", "-f", "-"],
        Some(&csr::manifest(name, &req, opts)),
    )?;
    progress(&format!(
        "created CertificateSigningRequest {name} (signer {})",
        opts.signer
    ));
    let result = wait_signed(kubectl, name, approve, timeout, &mut progress);
    // The CSR object has served its purpose either way.
    let deleted = kubectl.run(&["delete", "csr", name], None);
    let cert_der = result?;
    deleted?;
    progress(&format!("deleted CertificateSigningRequest {name}"));
    let ca_pem = match ca_pem {
        Some(p) => p,
        None => {
            let data = kubectl.run(
                &[
                    "config",
                    "view",
                    "--raw",
                    "--minify",
                    "-o",
                    "jsonpath={.clusters[0].cluster.certificate-authority-data}",
                ],
                None,
            )?;
            if data.trim().is_empty() {
                return Err(KubeError::NoClusterCa);
            }
            String::from_utf8_lossy(&b64(&data)?).into_owned()
        }
    };
    let anchors = pki::certs_from_bytes(ca_pem.as_bytes())?;
    let leaf = pki::parse(&cert_der)?;
    let parsed: Vec<_> = anchors
        .iter()
        .map(|d| pki::parse(d))
        .collect::<Result<_, _>>()?;
    if !matches!(
        pki::chain::verify(&leaf, &[], &parsed),
        pki::chain::ChainOutcome::Trusted(_)
    ) {
        return Err(KubeError::NotFromClusterCa);
    }
    progress("the certificate chains to the cluster CA");
    Ok(Signed {
        key_pem: req.key_pem,
        cert_pem: pki::certs_to_pem(std::slice::from_ref(&cert_der)),
        ca_pem,
    })
}

fn wait_signed(
    kubectl: &Kubectl,
    name: &str,
    approve: bool,
    timeout: Duration,
    progress: &mut impl FnMut(&str),
) -> Result<Vec<u8>, KubeError> {
    if approve {
        kubectl.run(&["certificate", "approve", name], None)?;
        progress(&format!("approved {name}"));
    }
    let started = Instant::now();
    loop {
        let conditions = kubectl.run(
            &[
                "get",
                "csr",
                name,
                "-o",
                "jsonpath={range .status.conditions[*]}{.type}={.message};{end}",
            ],
            None,
        )?;
        for cond in conditions.split(';').filter(|c| !c.is_empty()) {
            let (state, message) = cond.split_once('=').unwrap_or((cond, ""));
            if state == "Denied" || state == "Failed" {
                return Err(KubeError::Refused {
                    name: name.to_string(),
                    state: state.to_lowercase(),
                    message: message.to_string(),
                });
            }
        }
        let cert = kubectl.run(
            &["get", "csr", name, "-o", "jsonpath={.status.certificate}"],
            None,
        )?;
        if !cert.trim().is_empty() {
            let pem = b64(&cert)?;
            let ders = pki::certs_from_bytes(&pem)
                .map_err(|e| KubeError::BadCertificate(e.to_string()))?;
            return Ok(ders[0].clone());
        }
        if started.elapsed() > timeout {
            return Err(KubeError::Timeout(name.to_string(), timeout));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
