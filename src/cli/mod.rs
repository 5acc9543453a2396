//! Command-line definitions: commands, flags and help texts, nothing else.
//!
//! One vocabulary: `--dir` is the registry directory for every command that
//! acts on one; `--host` a name clients use, `--ca` a CA certificate file,
//! `--store` a trust store, `--root` a staging directory for host paths,
//! `-u/--user` a registry user, `--json` output for scripts. Old spellings
//! stay as hidden aliases.

mod examples;
mod groups;
mod init;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) use groups::{CsrArgs, JsonArgs, KeyArgs, KubectlArgs, NewPasswordArgs, PasswordArgs};
pub(crate) use init::{InitArgs, SetupFlags};

use crate::pki::issue::DEFAULT_CA_DAYS;

/// From nothing to a private, TLS-secured, password-protected container
/// registry that Docker, containerd, podman and Kubernetes trust.
#[derive(Debug, Parser)]
#[command(name = "regctl", version, propagate_version = true)]
pub(crate) struct Cli {
    /// The registry directory (regctl.yaml and the files beside it) every
    /// command reads and keeps true.
    #[arg(long, global = true, env = "REGCTL_DIR", default_value = "registry")]
    pub dir: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Set up a registry from nothing: certificates, users, config, trust,
    /// start it, and prove it with a push and a pull.
    ///
    /// Asks step by step on a terminal; every answer is also a flag, and
    /// with --yes (or without a terminal) nothing is asked. Re-running keeps
    /// the CA, keys, users and data, records every answer in regctl.yaml,
    /// and shows what would change.
    #[command(after_help = examples::INIT)]
    Init(Box<InitArgs>),
    /// Start the registry (background process, systemd, compose or Kubernetes,
    /// as regctl.yaml says).
    Start,
    /// Stop the registry.
    Stop,
    /// Restart the registry (it also reloads certificates and users by itself).
    Restart,
    /// Is the registry running, and does /v2/ answer? Exit 3 when it is not running.
    Status(JsonArgs),
    /// Show the registry's log.
    Logs(LogsArgs),
    /// Add, remove and list the registry's users; the running registry picks
    /// changes up without a restart.
    #[command(subcommand, after_help = examples::USER)]
    User(UserCommand),
    /// Issue, inspect, renew and rotate TLS certificates.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Low-level tool for any htpasswd file [default: DIR/auth/htpasswd];
    /// `regctl user` keeps regctl.yaml in step as well.
    #[command(subcommand)]
    Htpasswd(HtpasswdCommand),
    /// Generate config.yml, the compose file or systemd unit, and Kubernetes
    /// manifests from regctl.yaml.
    Render(RenderArgs),
    /// Make clients trust the registry's CA (system, Docker, containerd,
    /// podman, ...), show where it is trusted, or undo it.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Package the bundled registry as a container image (`FROM scratch`).
    #[command(subcommand)]
    Image(ImageCommand),
    /// Find out why a client cannot use a registry, and how to fix it.
    ///
    /// Checks name resolution, TCP, TLS or plain HTTP, the certificate and
    /// which clients here trust it, the API and its authentication, the
    /// credentials, a chunked push through any proxy, and this machine's
    /// client configuration. Exit 0 when nothing failed.
    Doctor(DoctorArgs),
    /// Check that a registry answers 2xx/3xx on URL (container health checks).
    Probe(ProbeArgs),
    /// Run the bundled OCI registry (reads distribution's config.yml).
    Serve(ServeArgs),
    /// Remove unreferenced manifests, links and blobs; safe while the registry runs.
    Gc(GcArgs),
    /// Print a shell completion script (or write all of them to a directory).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one per command to a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// How many lines from the end.
    #[arg(short = 'n', long, default_value_t = 100, value_parser = groups::lines)]
    pub lines: usize,
    /// Keep printing new lines as they come (Ctrl-C to stop).
    #[arg(short, long)]
    pub follow: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user (the password from a hidden prompt, --password-stdin,
    /// --password-env or --generate-password).
    Add(UserPasswordArgs),
    /// Change a user's password.
    Passwd(UserPasswordArgs),
    /// Remove a user; their logins are refused from the next request on.
    Remove(UserNameArgs),
    /// List the users.
    List(JsonArgs),
}

#[derive(Debug, Args)]
pub(crate) struct UserNameArgs {
    /// The user name.
    #[arg(value_name = "USER")]
    pub name: String,
    /// Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k).
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub(crate) struct UserPasswordArgs {
    #[command(flatten)]
    pub user: UserNameArgs,
    #[command(flatten)]
    pub password: NewPasswordArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Create (or reuse) the local CA and issue the registry's server certificate.
    ///
    /// Writes DIR/certs/{ca.crt, ca.key, registry.crt, registry.key,
    /// registry.fullchain.crt}; keys are 0600. An existing CA is always
    /// reused: clients trust it, so it is replaced only with --new-ca (or
    /// without a gap by `regctl cert rotate-ca`). Names default to the hosts
    /// in regctl.yaml.
    #[command(after_help = examples::CERT_ISSUE)]
    Issue(Box<IssueArgs>),
    /// Show a certificate and explain every problem clients would hit.
    ///
    /// Exits 1 when any error is found, 0 when there are only warnings.
    Inspect(InspectArgs),
    /// Reissue the server certificate with the same names before it
    /// expires; the running registry serves it at once.
    Renew(RenewArgs),
    /// Replace the CA without leaving any client untrusting: the new CA goes
    /// into every recorded trust store first, then the server certificate
    /// switches, then the old CA is removed.
    RotateCa(RotateCaArgs),
}

#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// A DNS name or IP address clients use (repeatable); the first DNS name
    /// is also the Common Name [default: the hosts in regctl.yaml].
    #[arg(long = "host", visible_alias = "san", value_name = "NAME")]
    pub hosts: Vec<String>,

    /// Leave out this machine's host name and non-loopback addresses (added
    /// by default when no regctl.yaml names the hosts, like `hostname -I`).
    #[arg(long)]
    pub no_host_ips: bool,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Validity of a new CA, in days.
    #[arg(long, default_value_t = DEFAULT_CA_DAYS, value_name = "DAYS", value_parser = groups::days)]
    pub ca_days: u32,

    /// Common Name of a new CA [default: "regctl CA (HOSTNAME) ID"].
    #[arg(long, value_name = "NAME")]
    pub ca_name: Option<String>,

    #[command(flatten)]
    pub external_ca: ExternalCaArgs,

    /// Replace existing server certificate and key files (the CA is kept).
    #[arg(long)]
    pub force: bool,

    /// Create a new CA even though one exists (with --force); every client
    /// must then trust the new one.
    #[arg(long)]
    pub new_ca: bool,

    /// Have the Kubernetes cluster sign through a CertificateSigningRequest
    /// (kubectl); certs/ca.crt becomes the signer's CA.
    #[arg(long)]
    pub kubernetes: bool,
    #[command(flatten)]
    pub csr: CsrArgs,
    #[command(flatten)]
    pub kubectl: KubectlArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ExternalCaArgs {
    /// Sign with an existing CA certificate instead of regctl's own CA
    /// (copied to DIR/certs/ca.crt; the key is not copied). The cluster's
    /// CA for --kubernetes is --signer-ca.
    #[arg(
        long = "ca",
        alias = "ca-cert",
        value_name = "FILE",
        requires = "ca_key"
    )]
    pub ca_cert: Option<PathBuf>,

    /// The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted).
    #[arg(long, value_name = "FILE", requires = "ca_cert")]
    pub ca_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Certificate file (PEM, possibly a full chain, or DER).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The host name or IP clients dial (with or without :port).
    #[arg(long)]
    pub host: Option<String>,

    /// CA certificate(s) the chain must verify against.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// Private key that must match the certificate.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// What the certificate is for; `auto` treats a CA:TRUE certificate as a CA
    /// unless --host or --key is given.
    #[arg(long, value_enum, default_value_t = crate::pki::Role::Auto)]
    pub role: crate::pki::Role,

    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RenewArgs {
    /// Validity of the new certificate, in days.
    #[arg(long, default_value_t = crate::pki::issue::DEFAULT_SERVER_DAYS, value_name = "DAYS",
          value_parser = groups::days)]
    pub days: u32,

    #[command(flatten)]
    pub external_ca: ExternalCaArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RotateCaArgs {
    #[command(flatten)]
    pub key: KeyArgs,
    /// Validity of the new CA, in days.
    #[arg(long, default_value_t = DEFAULT_CA_DAYS, value_name = "DAYS", value_parser = groups::days)]
    pub ca_days: u32,
    /// Stage trust changes under this directory instead of the real host.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Stop once both CAs are trusted here, leaving
    /// certs/ca.rotation-bundle.crt for other machines; run again to switch.
    #[arg(long)]
    pub prepare: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HtpasswdCommand {
    /// Add a user, or change their password (bcrypt `$2y$`).
    Add(HtpasswdAddArgs),
    /// Remove a user.
    Remove(HtpasswdUserArgs),
    /// Check a user's password as the registry would (exit 1 if it does not match).
    Verify(HtpasswdVerifyArgs),
    /// List users and their hash schemes; non-bcrypt entries are flagged.
    List(HtpasswdListArgs),
}

#[derive(Debug, Args)]
pub(crate) struct HtpasswdUserArgs {
    /// `[FILE] USER`: the user, optionally after the htpasswd file
    /// [default file: DIR/auth/htpasswd].
    #[arg(value_name = "[FILE] USER", num_args = 1..=2, required = true)]
    pub words: Vec<String>,
    /// The htpasswd file [default: DIR/auth/htpasswd].
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct HtpasswdAddArgs {
    #[command(flatten)]
    pub target: HtpasswdUserArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// bcrypt cost (4-31); each step doubles the work per login.
    #[arg(long, default_value_t = crate::htpasswd::DEFAULT_COST)]
    pub cost: u32,
}

#[derive(Debug, Args)]
pub(crate) struct HtpasswdVerifyArgs {
    #[command(flatten)]
    pub target: HtpasswdUserArgs,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub(crate) struct HtpasswdListArgs {
    /// The htpasswd file [default: DIR/auth/htpasswd].
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to print a script for.
    #[arg(value_enum, required_unless_present = "out_dir")]
    pub shell: Option<clap_complete::Shell>,
    /// Write scripts for every shell into this directory instead.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write regctl.1 and one page per command (regctl-cert-issue.1, ...)
    /// into this directory instead of printing regctl.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Configuration file, as `registry serve PATH` takes it
    /// [default: $REGISTRY_CONFIGURATION_PATH, else DIR/config.yml].
    #[arg(value_name = "CONFIG")]
    pub config_file: Option<PathBuf>,
    /// Configuration file (same as the positional argument).
    #[arg(long, value_name = "FILE", conflicts_with = "config_file")]
    pub config: Option<PathBuf>,
    /// Validate the configuration, print it with secrets masked, and exit.
    #[arg(long)]
    pub check_config: bool,
}

#[derive(Debug, Args)]
pub(crate) struct GcArgs {
    /// The registry's config.yml [default: $REGISTRY_CONFIGURATION_PATH, else DIR/config.yml].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report what would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove manifests no tag reaches (index children, referrers of
    /// kept manifests and their blobs are kept).
    #[arg(long)]
    pub delete_untagged: bool,
    /// Keep anything modified more recently than this (pushes in progress).
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = parse_duration)]
    pub min_age: std::time::Duration,
    #[command(flatten)]
    pub json: JsonArgs,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::registry::duration::parse(s)
}

/// What `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RenderWhat {
    /// config.yml.
    Config,
    /// config.yml and docker-compose.yml.
    Compose,
    /// config.yml and the systemd unit.
    Systemd,
    /// Kubernetes manifests under k8s/.
    K8s,
    /// Everything above.
    All,
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// What to generate [default: what the target in regctl.yaml uses].
    #[arg(value_enum)]
    pub what: Option<RenderWhat>,
    /// The answers file [default: DIR/regctl.yaml].
    #[arg(long = "answers", alias = "config", value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Output directory [default: the registry directory].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Directory of templates overriding the built-in ones (same names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Replace files edited by hand since regctl wrote them.
    #[arg(long)]
    pub force: bool,
    /// User for the Kubernetes image pull Secret (password from
    /// --pull-password-stdin or --pull-password-env; kept 0600 in
    /// DIR/auth/pull-credentials so later renders keep the Secret).
    #[arg(long, value_name = "USER")]
    pub pull_user: Option<String>,
    /// Read the pull Secret's password from stdin.
    #[arg(long, requires = "pull_user", conflicts_with = "pull_password_env")]
    pub pull_password_stdin: bool,
    /// Read the pull Secret's password from this environment variable.
    #[arg(long, value_name = "VAR", requires = "pull_user")]
    pub pull_password_env: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// http:// or https:// URL, e.g. https://127.0.0.1:5000/
    #[arg(value_name = "URL")]
    pub url: String,
    /// CA certificate to verify https against.
    #[arg(long = "ca", alias = "cacert", value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Dial this address instead of the URL's host; the certificate is
    /// still checked for the URL's host.
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 5, value_parser = groups::seconds)]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustCommand {
    /// Install the CA into the stores (regctl.yaml's, else detected ones,
    /// unless --store is given), for every host clients use.
    #[command(after_help = examples::TRUST_INSTALL)]
    Install(TrustArgs),
    /// Remove exactly what install added (from the ledger in DIR).
    Uninstall(TrustArgs),
    /// Show, per store, whether the CA is installed and matches.
    Status(TrustArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// The registry as clients address it, HOST:PORT (repeatable)
    /// [default: every host in regctl.yaml with its port].
    #[arg(long = "host", alias = "registry", value_name = "HOST:PORT")]
    pub hosts: Vec<String>,
    /// The CA certificate [default: DIR/certs/ca.crt].
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// A store to use (repeatable): system, docker, containerd, podman;
    /// nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles
    /// and ~/.pki/nssdb) and java (a JDK's cacerts, via keytool) only when
    /// named; macos, windows on those systems [default: regctl.yaml's
    /// stores, else every one of system, docker, containerd and podman
    /// found here].
    #[arg(long, value_name = "STORE", value_parser = groups::StoreParser { with_none: false })]
    pub store: Vec<crate::trust::StoreChoice>,
    /// Stage every path under this directory instead of the real host
    /// (tests, image builds, node bootstrap); commands are reported, not run.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print each file and command; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Plain HTTP registry: merge it into Docker's insecure-registries
    /// (daemon.json, with a backup), write containerd hosts.toml with an
    /// http:// server and podman's registries.conf.d `insecure = true`.
    /// NOT SECURE.
    #[arg(long)]
    pub insecure: bool,
    /// For this user only, without root: rootless Docker
    /// (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d,
    /// when it exists), podman/skopeo/buildah (~/.config/containers/certs.d),
    /// and with --store nss the user's browser databases.
    #[arg(long, alias = "user", conflicts_with_all = ["root", "insecure"])]
    pub per_user: bool,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImageCommand {
    /// Build the image with the Docker engine: this regctl binary (static,
    /// or with the shared libraries it loads), a non-root user, and
    /// distribution's config path /etc/docker/registry/config.yml.
    Build(ImageBuildArgs),
    /// Write the image as an archive, without Docker, for nodes that
    /// cannot pull it yet: `regctl image save | ctr -n k8s.io images import -`
    /// on a Kubernetes node, or `-o regctl.tar` and `docker load -i` /
    /// `podman load -i` elsewhere.
    Save(ImageSaveArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImageSaveArgs {
    /// The image name in the archive.
    #[arg(long, default_value = crate::render::BUNDLED_IMAGE)]
    pub tag: String,
    /// The regctl binary to package [default: this one].
    #[arg(long, value_name = "FILE")]
    pub binary: Option<PathBuf>,
    /// Write the archive here instead of to standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ImageBuildArgs {
    /// The image tag.
    #[arg(long, default_value = crate::render::BUNDLED_IMAGE)]
    pub tag: String,
    /// The regctl binary to package [default: this one]. For the smallest
    /// image build it static: RUSTFLAGS='-C target-feature=+crt-static' cargo build --release
    #[arg(long, value_name = "FILE")]
    pub binary: Option<PathBuf>,
    /// Write the build context (Dockerfile and rootfs) here and stop.
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// The registry as clients address it: HOST[:PORT] (default port 443)
    /// [default: the registry in DIR/regctl.yaml].
    #[arg(value_name = "HOST[:PORT]")]
    pub registry: Option<String>,
    /// User to test login and push with.
    #[arg(long, short)]
    pub user: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// The CA the certificate should chain to [default: DIR/certs/ca.crt
    /// when the registry is DIR's].
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Size of the chunked push test (e.g. 64M, 1G; 0 to skip).
    #[arg(long, default_value = "64M", value_name = "SIZE")]
    pub push_test: String,
    /// The registry's htpasswd file, to explain a refused login
    /// [default: DIR/auth/htpasswd when it exists].
    #[arg(long, value_name = "FILE")]
    pub htpasswd: Option<PathBuf>,
    /// The registry's config.yml, to validate [default: DIR/config.yml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Look for client configuration under this directory instead of /.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
