//! Flag groups several commands share (`#[command(flatten)]`), so one flag
//! means one thing everywhere: a password source, how kubectl reaches the
//! cluster, how a cluster signs, which key a new certificate gets.

use std::path::PathBuf;

use clap::Args;

use crate::pki::KeyType;
use crate::pki::issue::DEFAULT_SERVER_DAYS;

/// Where an existing user's password comes from (checking, logging in).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct PasswordArgs {
    /// Read the password from stdin (one line).
    #[arg(long, conflicts_with = "password_env")]
    pub password_stdin: bool,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
}

/// Where a new password comes from: stdin, a variable, generated, or (on
/// a terminal) a hidden prompt asked twice.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct NewPasswordArgs {
    /// Read the password from stdin (one line).
    #[arg(long, conflicts_with_all = ["password_env", "generate_password"])]
    pub password_stdin: bool,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "generate_password")]
    pub password_env: Option<String>,
    /// Generate a strong password (24 characters), printed once and kept in
    /// DIR/auth/USER.password (0600).
    #[arg(long)]
    pub generate_password: bool,
}

/// How kubectl reaches the cluster; recorded in regctl.yaml by `init`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct KubectlArgs {
    /// kubectl context [default: the kubeconfig's current one].
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// kubeconfig file for kubectl [default: kubectl's own choice].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
}

/// How a Kubernetes cluster signs the server certificate
/// (CertificateSigningRequest).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct CsrArgs {
    /// The signer: kubernetes.io/kubelet-serving (subject
    /// CN=system:node:NODE, O=system:nodes) or your own
    /// [default: kubernetes.io/kubelet-serving].
    #[arg(long, value_name = "NAME")]
    pub signer: Option<String>,
    /// The node name in a kubelet-serving subject [default: this machine's name].
    #[arg(long, value_name = "NAME")]
    pub node_name: Option<String>,
    /// Approve the request yourself (needs RBAC to approve for the signer).
    #[arg(long)]
    pub approve: bool,
    /// Give up waiting for the signature after this many seconds [default: 300].
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub csr_timeout: Option<u64>,
    /// The CA that signs for the signer [default: the kubeconfig's cluster
    /// CA, inline or by file]; required when the kubeconfig names none.
    #[arg(long = "signer-ca", value_name = "FILE")]
    pub signer_ca: Option<PathBuf>,
}

/// The key and validity of a new server certificate.
#[derive(Debug, Clone, Args)]
pub(crate) struct KeyArgs {
    /// Key algorithm for new keys.
    #[arg(long, default_value = "p256", value_parser = parse_key_type, value_name = "TYPE",
          help = "Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096")]
    pub key_type: KeyType,

    /// Validity of the server certificate, in days (Apple clients reject
    /// more than 825).
    #[arg(long, default_value_t = DEFAULT_SERVER_DAYS, value_name = "DAYS", value_parser = days)]
    pub days: u32,
}

fn parse_key_type(s: &str) -> Result<KeyType, String> {
    s.parse().map_err(|e: crate::pki::PkiError| e.to_string())
}

/// A whole number in `min..=max`, or an error that says what was expected
/// (never Rust's `invalid digit found in string`).
fn bounded<T>(s: &str, min: T, max: T, what: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match s.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("`{s}` is not {what} ({min} to {max})")),
    }
}

/// `--port`: 1-65535.
pub(crate) fn port(s: &str) -> Result<u16, String> {
    bounded(s, 1, u16::MAX, "a port number")
}

/// `--days`, `--ca-days`: at least one day (a certificate valid for none
/// is expired on arrival), at most a century.
pub(crate) fn days(s: &str) -> Result<u32, String> {
    bounded(s, 1, 36_500, "a number of days")
}

/// Counts such as `--replicas`.
pub(crate) fn count(s: &str) -> Result<u32, String> {
    bounded(s, 1, 1000, "a count")
}

/// Seconds to wait: at least one.
pub(crate) fn seconds(s: &str) -> Result<u64, String> {
    bounded(s, 1, 86_400 * 7, "a number of seconds")
}

/// Lines of a log.
pub(crate) fn lines(s: &str) -> Result<usize, String> {
    bounded(s, 0, 1_000_000, "a number of lines")
}

/// `--json` for commands whose output scripts read.
#[derive(Debug, Clone, Copy, Default, Args)]
pub(crate) struct JsonArgs {
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// Parses `--store` values with regctl's own message for an unknown store
/// (naming every store), while completions still offer the names.
#[derive(Clone, Copy)]
pub(crate) struct StoreParser {
    /// `init` also takes `none`.
    pub with_none: bool,
}

impl clap::builder::TypedValueParser for StoreParser {
    type Value = crate::trust::StoreChoice;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let text = value.to_string_lossy();
        let parsed = if self.with_none {
            crate::trust::StoreChoice::parse(&text)
        } else {
            crate::trust::StoreKind::parse(&text).map(Into::into)
        };
        parsed.map_err(|e| {
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{e}\n")).with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let none = self
            .with_none
            .then(|| clap::builder::PossibleValue::new("none"));
        Some(Box::new(
            none.into_iter().chain(
                crate::trust::StoreKind::ALL
                    .into_iter()
                    .map(|k| clap::builder::PossibleValue::new(k.name())),
            ),
        ))
    }
}
