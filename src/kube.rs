//! Signing the registry's certificate by a Kubernetes cluster through a
//! `certificates.k8s.io/v1` CertificateSigningRequest, with `kubectl`
//! (found with `which`; `--context` and `--kubeconfig` passed through).
//!
//! The steps are separate so the caller can order them safely: read the
//! CA to check against first (nothing is created when there is none),
//! submit (and approve when allowed), wait, write the files, and only
//! then delete the request object. A signed certificate is never thrown
//! away because cleaning up failed.

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
        "the CSR {name} was approved but nobody signed it within {}s: no controller signs for {signer} in this cluster (kube-controller-manager signs only the kubernetes.io/ signers; a signer of your own needs its controller running)",
        waited.as_secs()
    )]
    ApprovedNotSigned {
        name: String,
        signer: String,
        waited: Duration,
    },
    #[error(
        "the CSR {name} was not approved within {}s (regctl deleted it)",
        waited.as_secs()
    )]
    NotApproved { name: String, waited: Duration },
    #[error("the cluster returned something that is not a certificate: {0}")]
    BadCertificate(String),
    #[error(
        "the kubeconfig names no CA for this cluster (it trusts the system's CAs or skips verification)"
    )]
    NoClusterCa,
    #[error("the signed certificate does not chain to {0}")]
    NotFromCa(String),
    #[error(transparent)]
    Pki(#[from] PkiError),
}

impl KubeError {
    /// What to do about it, when there is something.
    pub(crate) fn hint(&self, signer: &str, kubectl: &Kubectl) -> Option<String> {
        match self {
            KubeError::NotApproved { name, .. } => Some(format!(
                "approve while regctl waits (`{}`, printed as soon as the request exists), pass --approve if your user may approve for {signer}, or wait longer with --csr-timeout SECONDS",
                kubectl.command_line(&["certificate", "approve", name])
            )),
            KubeError::Refused { message, .. } if message.contains("usages did not match") => Some(
                "this cluster's signer wants the key encipherment usage, which regctl adds when it can read the server's version (`kubectl version`); --key-type rsa2048 always carries it".into(),
            ),
            KubeError::NoClusterCa => Some(format!(
                "pass the CA that signs for {signer} with --signer-ca FILE (the cluster CA is /etc/kubernetes/pki/ca.crt on a kubeadm control-plane node)"
            )),
            KubeError::NotFromCa(_) => Some(format!(
                "{signer} signs with a CA of its own: pass that CA with --signer-ca FILE"
            )),
            _ => None,
        }
    }
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

    /// The command line a person would type, with the same flags.
    pub(crate) fn command_line(&self, args: &[&str]) -> String {
        let mut words = vec!["kubectl".to_string()];
        words.extend(self.flags.iter().cloned());
        words.extend(args.iter().map(|a| a.to_string()));
        words.join(" ")
    }

    /// Runs `kubectl FLAGS ARGS`, feeding `stdin`; returns stdout.
    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<String, KubeError> {
        let kubectl = which::which("kubectl").map_err(|_| KubeError::NoKubectl)?;
        let command = self.command_line(args);
        let failed = |message: String| KubeError::Kubectl {
            command: command.clone(),
            message,
        };
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
            .map_err(|e| failed(e.to_string()))?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes())
                .map_err(|e| failed(e.to_string()))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| failed(e.to_string()))?;
        if !out.status.success() {
            return Err(failed(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The API server's minor version (`1.24.17` → 24), when it answers.
    pub(crate) fn server_minor(&self) -> Option<u32> {
        let json = self.run(&["version", "-o", "json"], None).ok()?;
        let v: serde_json::Value = serde_json::from_str(&json).ok()?;
        let minor = v.get("serverVersion")?.get("minor")?.as_str()?;
        minor.trim_end_matches('+').parse().ok()
    }

    /// Which of `names` the cluster has no namespace for; `None` when the
    /// cluster cannot be asked (no kubectl, unreachable, not allowed).
    pub(crate) fn missing_namespaces(&self, names: &[String]) -> Option<Vec<String>> {
        let out = self
            .run(
                &[
                    "get",
                    "namespaces",
                    "--request-timeout=5s",
                    "-o",
                    "jsonpath={.items[*].metadata.name}",
                ],
                None,
            )
            .ok()?;
        let have: std::collections::HashSet<&str> = out.split_whitespace().collect();
        Some(
            names
                .iter()
                .filter(|n| !have.contains(n.as_str()))
                .cloned()
                .collect(),
        )
    }

    /// The current context's cluster CA (PEM), whichever way the
    /// kubeconfig holds it: inline data, or a file path (minikube's
    /// default), which `--flatten` inlines. `None` when it names none.
    pub(crate) fn cluster_ca(&self) -> Result<Option<String>, KubeError> {
        let data = self.run(
            &[
                "config",
                "view",
                "--raw",
                "--minify",
                "--flatten",
                "-o",
                "jsonpath={.clusters[0].cluster.certificate-authority-data}",
            ],
            None,
        )?;
        if data.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&b64(&data)?).into_owned()))
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

fn b64(text: &str) -> Result<Vec<u8>, KubeError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| KubeError::BadCertificate(e.to_string()))
}

/// A request object in the cluster, and the key that stays here.
pub(crate) struct Pending<'a> {
    kubectl: &'a Kubectl,
    pub name: String,
    pub signer: String,
    approved_by_us: bool,
    /// The private key (PEM) the certificate will belong to.
    pub key_pem: String,
}

/// Creates the CertificateSigningRequest (and approves it when asked).
pub(crate) fn submit<'a>(
    kubectl: &'a Kubectl,
    name: &str,
    opts: &CsrOptions,
    approve: bool,
) -> Result<Pending<'a>, KubeError> {
    let req: Request = csr::request(opts)?;
    kubectl.run(
        &["create", "-f", "-"],
        Some(&csr::manifest(name, &req, opts)),
    )?;
    let pending = Pending {
        kubectl,
        name: name.to_string(),
        signer: opts.signer.clone(),
        approved_by_us: approve,
        key_pem: req.key_pem,
    };
    if approve && let Err(e) = kubectl.run(&["certificate", "approve", name], None) {
        // Not left behind for nothing: nobody else was going to approve it.
        let _ = pending.delete();
        return Err(e);
    }
    Ok(pending)
}

impl Pending<'_> {
    /// Waits for the signature; the certificate (DER) when it comes.
    /// Denied, failed, and not signed in time are errors that say which.
    pub(crate) fn wait(&self, timeout: Duration) -> Result<Vec<u8>, KubeError> {
        let started = Instant::now();
        loop {
            let conditions = self.kubectl.run(
                &[
                    "get",
                    "csr",
                    &self.name,
                    "-o",
                    "jsonpath={range .status.conditions[*]}{.type}={.message};{end}",
                ],
                None,
            )?;
            let mut approved = self.approved_by_us;
            for cond in conditions.split(';').filter(|c| !c.is_empty()) {
                let (state, message) = cond.split_once('=').unwrap_or((cond, ""));
                match state {
                    "Denied" | "Failed" => {
                        return Err(KubeError::Refused {
                            name: self.name.clone(),
                            state: state.to_lowercase(),
                            message: message.to_string(),
                        });
                    }
                    "Approved" => approved = true,
                    _ => {}
                }
            }
            let cert = self.kubectl.run(
                &[
                    "get",
                    "csr",
                    &self.name,
                    "-o",
                    "jsonpath={.status.certificate}",
                ],
                None,
            )?;
            if !cert.trim().is_empty() {
                let pem = b64(&cert)?;
                let ders = pki::certs_from_bytes(&pem)
                    .map_err(|e| KubeError::BadCertificate(e.to_string()))?;
                return ders
                    .into_iter()
                    .next()
                    .ok_or_else(|| KubeError::BadCertificate("no certificate in it".into()));
            }
            let waited = started.elapsed();
            if waited > timeout {
                return Err(if approved {
                    KubeError::ApprovedNotSigned {
                        name: self.name.clone(),
                        signer: self.signer.clone(),
                        waited,
                    }
                } else {
                    KubeError::NotApproved {
                        name: self.name.clone(),
                        waited,
                    }
                });
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Deletes the request object (it has served its purpose).
    pub(crate) fn delete(&self) -> Result<(), KubeError> {
        self.kubectl
            .run(&["delete", "csr", &self.name], None)
            .map(|_| ())
    }
}

/// Checks that `cert_der` chains to one of the certificates in `ca_pem`.
pub(crate) fn check_chain(cert_der: &[u8], ca_pem: &str, ca_name: &str) -> Result<(), KubeError> {
    let anchors = pki::certs_from_bytes(ca_pem.as_bytes())?;
    let leaf = pki::parse(cert_der)?;
    let parsed: Vec<_> = anchors
        .iter()
        .map(|d| pki::parse(d))
        .collect::<Result<_, _>>()?;
    match pki::chain::verify(&leaf, &[], &parsed) {
        pki::chain::ChainOutcome::Trusted(_) => Ok(()),
        _ => Err(KubeError::NotFromCa(ca_name.to_string())),
    }
}
