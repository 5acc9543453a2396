//! Command-line definitions: commands, flags and help texts, nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pki::KeyType;
use crate::pki::issue::{DEFAULT_CA_DAYS, DEFAULT_SERVER_DAYS};

/// From nothing to a private, TLS-secured, password-protected container
/// registry that Docker, containerd, podman and Kubernetes trust.
#[derive(Debug, Parser)]
#[command(name = "regctl", version, propagate_version = true)]
pub(crate) struct Cli {
    /// The registry directory every command reads and writes.
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
    /// the CA, keys, users and data, and shows what would change.
    Init(Box<InitArgs>),
    /// Start the local registry (systemd unit, or `regctl serve` in the background).
    Start,
    /// Stop the local registry.
    Stop,
    /// Is the local registry running, and does /v2/ answer?
    Status,
    /// Show the local registry's log.
    Logs(LogsArgs),
    /// Issue, inspect and renew TLS certificates.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Manage the registry's bcrypt htpasswd file.
    #[command(subcommand)]
    Htpasswd(HtpasswdCommand),
    /// Generate config.yml, docker-compose.yml, a systemd unit and Kubernetes
    /// manifests from the answers file.
    Render(RenderArgs),
    /// Make clients trust the registry's CA (system, Docker, containerd,
    /// podman), show where it is trusted, or undo it.
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
    /// Print the man page (roff) to stdout.
    Man,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Create (or reuse) the local CA and issue the registry's server certificate.
    ///
    /// Writes DIR/certs/{ca.crt, ca.key, registry.crt, registry.key,
    /// registry.fullchain.crt}; keys are 0600. An existing CA is always
    /// reused: clients trust it, so it is replaced only with --new-ca.
    Issue(IssueArgs),
    /// Show a certificate and explain every problem clients would hit.
    ///
    /// Exits 1 when any error is found, 0 when there are only warnings.
    Inspect(InspectArgs),
    /// Reissue the server certificate with the same names before it expires.
    Renew(RenewArgs),
}

#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// A DNS name or IP address clients use to reach the registry
    /// (repeatable). The first DNS name is also the Common Name.
    #[arg(long = "san", value_name = "NAME")]
    pub sans: Vec<String>,

    /// Leave out this machine's host name and non-loopback addresses (added
    /// by default, like `hostname -I`).
    #[arg(long)]
    pub no_host_ips: bool,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Validity of a new CA, in days.
    #[arg(long, default_value_t = DEFAULT_CA_DAYS, value_name = "DAYS")]
    pub ca_days: u32,

    /// Common Name of a new CA [default: "regctl CA (HOSTNAME)"].
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

    #[command(flatten)]
    pub kubernetes: KubernetesCsrArgs,
}

#[derive(Debug, Args)]
pub(crate) struct KubernetesCsrArgs {
    /// Have the Kubernetes cluster sign the certificate through a
    /// CertificateSigningRequest (kubectl); certs/ca.crt becomes the cluster CA.
    #[arg(long = "kubernetes")]
    pub enabled: bool,
    /// The signer: kubernetes.io/kubelet-serving (subject
    /// CN=system:node:NODE, O=system:nodes) or your own.
    #[arg(long, default_value = crate::pki::csr::KUBELET_SERVING, requires = "enabled")]
    pub signer: String,
    /// The node name for the kubelet-serving subject [default: this machine's name].
    #[arg(long, value_name = "NAME", requires = "enabled")]
    pub node_name: Option<String>,
    /// Approve the request yourself (needs RBAC to approve for the signer).
    #[arg(long, requires = "enabled")]
    pub approve: bool,
    /// Give up waiting for the signature after this many seconds.
    #[arg(
        long,
        default_value_t = 300,
        value_name = "SECONDS",
        requires = "enabled"
    )]
    pub csr_timeout: u64,
    /// The CA that signs for a custom signer [default: the kubeconfig's cluster CA].
    #[arg(long = "signer-ca", value_name = "FILE", requires = "enabled")]
    pub signer_ca: Option<PathBuf>,
    /// kubectl context.
    #[arg(long, value_name = "NAME", requires = "enabled")]
    pub context: Option<String>,
    /// kubeconfig file for kubectl.
    #[arg(long, value_name = "FILE", requires = "enabled")]
    pub kubeconfig: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    /// Key algorithm for new keys.
    #[arg(long, default_value = "p256", value_parser = parse_key_type, value_name = "TYPE",
          help = "Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096")]
    pub key_type: KeyType,

    /// Validity of the server certificate, in days (Apple clients reject more than 825).
    #[arg(long, default_value_t = DEFAULT_SERVER_DAYS, value_name = "DAYS")]
    pub days: u32,
}

#[derive(Debug, Args)]
pub(crate) struct ExternalCaArgs {
    /// Sign with an existing CA certificate instead of regctl's own CA
    /// (copied to DIR/certs/ca.crt; the key is not copied).
    #[arg(long, value_name = "FILE", requires = "ca_key")]
    pub ca_cert: Option<PathBuf>,

    /// The private key of --ca-cert (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted).
    #[arg(long, value_name = "FILE", requires = "ca_cert")]
    pub ca_key: Option<PathBuf>,
}

fn parse_key_type(s: &str) -> Result<KeyType, String> {
    s.parse().map_err(|e: crate::pki::PkiError| e.to_string())
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
    #[arg(long, value_name = "CA")]
    pub ca: Option<PathBuf>,

    /// Private key that must match the certificate.
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,

    /// What the certificate is for; `auto` treats a CA:TRUE certificate as a CA
    /// unless --host or --key is given.
    #[arg(long, value_enum, default_value_t = RoleArg::Auto)]
    pub role: RoleArg,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RoleArg {
    Auto,
    Server,
    Ca,
}

#[derive(Debug, Args)]
pub(crate) struct RenewArgs {
    /// Validity of the new certificate, in days.
    #[arg(long, default_value_t = DEFAULT_SERVER_DAYS, value_name = "DAYS")]
    pub days: u32,

    #[command(flatten)]
    pub external_ca: ExternalCaArgs,
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
    /// The htpasswd file (DIR/auth/htpasswd for a regctl registry).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The user name.
    #[arg(value_name = "USER")]
    pub user: String,
}

#[derive(Debug, Args)]
pub(crate) struct PasswordArgs {
    /// Read the password from stdin (one line).
    #[arg(long, conflicts_with = "password_env")]
    pub password_stdin: bool,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
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
    /// The htpasswd file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
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
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::registry::config::duration::parse(s)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RenderWhat {
    Config,
    Compose,
    Systemd,
    K8s,
    All,
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// What to generate.
    #[arg(value_enum, default_value_t = RenderWhat::All)]
    pub what: RenderWhat,
    /// The answers file [default: DIR/regctl.yaml]; the registry directory is
    /// the file's directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output directory [default: the registry directory].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Directory of templates overriding the built-in ones (same names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// User for the Kubernetes image pull Secret (password from
    /// --pull-password-stdin or --pull-password-env).
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
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Dial this address instead of the URL's host; the certificate is
    /// still checked for the URL's host.
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustCommand {
    /// Install the CA into the stores (detected ones unless --store is given).
    Install(TrustArgs),
    /// Remove exactly what install added (from the ledger in DIR).
    Uninstall(TrustArgs),
    /// Show, per store, whether the CA is installed and matches.
    Status(TrustArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// The registry as clients address it.
    #[arg(long, value_name = "HOST:PORT")]
    pub registry: String,
    /// The CA certificate [default: DIR/certs/ca.crt].
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// A store to use (repeatable): system, docker, containerd, podman;
    /// nss (browsers: /etc/pki/nssdb, or with --user Firefox profiles and
    /// ~/.pki/nssdb) and java (a JDK's cacerts, via keytool) only when
    /// named; macos, windows on those systems. Without --store: every one
    /// of system, docker, containerd and podman found here.
    #[arg(long, value_name = "STORE")]
    pub store: Vec<String>,
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
    #[arg(long, conflicts_with_all = ["root", "insecure"])]
    pub user: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TargetArg {
    /// The bundled `regctl serve` on this machine.
    Local,
    /// docker compose.
    Compose,
    /// Kubernetes manifests (applied with --apply).
    Kubernetes,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TlsArg {
    /// regctl's own CA (the default).
    OwnCa,
    /// Your certificate and key (--cert, --key, --ca).
    Provided,
    /// Signed by the cluster through a CertificateSigningRequest.
    KubernetesCsr,
    /// Plain HTTP: every client must list the registry as insecure.
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum EngineArg {
    /// The `regctl serve` image.
    Bundled,
    /// distribution (`registry:2`).
    Distribution,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Accept the default of every question that was not answered by a flag.
    #[arg(short, long)]
    pub yes: bool,
    /// Print the plan (files with modes, commands, trust stores, services);
    /// change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files that would change without asking (the CA is still kept).
    #[arg(long)]
    pub force: bool,
    /// Create a new CA even though one exists; every client must then trust it.
    #[arg(long)]
    pub new_ca: bool,
    /// Replay an answers file (regctl.yaml) [default: DIR/regctl.yaml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where the registry runs.
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// A host name or IP address clients use (repeatable); the first is the
    /// registry's address [default: this machine's name, localhost, its addresses].
    #[arg(long = "host", visible_alias = "san", value_name = "NAME")]
    pub hosts: Vec<String>,
    /// Port clients connect to [default: 5000].
    #[arg(long)]
    pub port: Option<u16>,
    /// How clients come to trust the registry.
    #[arg(long, value_enum)]
    pub tls: Option<TlsArg>,
    /// Your server certificate (PEM, full chain allowed), with --tls provided.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// The private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// The CA that signed --cert (what clients trust).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    #[command(flatten)]
    pub key_opts: KeyArgs,

    /// An htpasswd user (repeatable) [default: admin].
    #[arg(long = "user", value_name = "NAME")]
    pub users: Vec<String>,
    /// Read the new user's password from stdin (one line).
    #[arg(long, conflicts_with_all = ["password_env", "generate_password"])]
    pub password_stdin: bool,
    /// Read the new user's password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "generate_password")]
    pub password_env: Option<String>,
    /// Generate strong passwords for new users (the default with --yes),
    /// printed once and kept in DIR/auth/USER.password (0600).
    #[arg(long)]
    pub generate_password: bool,

    /// Data directory, relative to DIR [default: data].
    #[arg(long, value_name = "PATH")]
    pub data_dir: Option<String>,
    /// Volume size for Kubernetes [default: 20Gi].
    #[arg(long, value_name = "SIZE")]
    pub size: Option<String>,
    /// Refuse deletes (the API answers 405; GC then only removes untagged uploads).
    #[arg(long)]
    pub no_delete: bool,
    /// Garbage collection schedule (5-field cron) [default: "0 3 * * 0"].
    #[arg(long, value_name = "CRON")]
    pub gc_schedule: Option<String>,
    /// Which server runs in containers.
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Container image to run instead of the engine's default
    /// (regctl:VERSION, built by `regctl image build`, or registry:2.8.3).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Redis blob-descriptor cache (distribution engine).
    #[arg(long)]
    pub redis: bool,
    /// Replicas (Kubernetes; more than 1 needs a ReadWriteMany volume).
    #[arg(long)]
    pub replicas: Option<u32>,
    /// Kubernetes namespace [default: registry].
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// Ingress host name (Kubernetes); no Ingress when unset.
    #[arg(long, value_name = "HOST")]
    pub ingress_host: Option<String>,
    /// Kubernetes Service type: ClusterIP, NodePort or LoadBalancer.
    #[arg(long, value_name = "TYPE")]
    pub service_type: Option<String>,
    /// Pin the registry to control-plane nodes (single-node clusters).
    #[arg(long)]
    pub pin_control_plane: bool,

    /// A trust store on this machine to install the CA into (repeatable):
    /// system, docker, containerd, podman, or `none` [default: those detected].
    #[arg(long = "trust", value_name = "STORE")]
    pub trust: Vec<String>,
    /// Stage trust changes under this directory instead of the real host.
    #[arg(long, value_name = "DIR")]
    pub trust_root: Option<PathBuf>,
    /// Write everything but do not start the registry (or run kubectl).
    #[arg(long)]
    pub no_start: bool,
    /// Skip the push/pull self-test.
    #[arg(long)]
    pub no_self_test: bool,
    /// Kubernetes: run `kubectl apply -k DIR/k8s`.
    #[arg(long)]
    pub apply: bool,
    /// With --tls kubernetes-csr: the signer (kubernetes.io/kubelet-serving,
    /// or your own).
    #[arg(long, default_value = crate::pki::csr::KUBELET_SERVING)]
    pub signer: String,
    /// With --tls kubernetes-csr: approve the request yourself.
    #[arg(long)]
    pub approve: bool,
    /// With --tls kubernetes-csr: node name for the kubelet-serving subject.
    #[arg(long, value_name = "NAME")]
    pub node_name: Option<String>,
    /// Kubernetes context for kubectl.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// kubeconfig for kubectl.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Directory of templates overriding the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// How many lines from the end.
    #[arg(short = 'n', long, default_value_t = 100)]
    pub lines: usize,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImageCommand {
    /// Build the image with the Docker engine: this regctl binary (static,
    /// or with the shared libraries it loads), a non-root user, and
    /// distribution's config path /etc/docker/registry/config.yml.
    Build(ImageBuildArgs),
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
    /// The registry as clients address it: HOST[:PORT] (default port 443).
    #[arg(value_name = "HOST[:PORT]")]
    pub registry: String,
    /// User to test login and push with.
    #[arg(long, short)]
    pub user: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// The CA the certificate should chain to.
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
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}
