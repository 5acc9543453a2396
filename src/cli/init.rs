//! `regctl init`'s flags: the answers (kept in regctl.yaml) and the choices
//! that belong to one run.

use std::path::PathBuf;

use clap::Args;

use super::groups::{self, CsrArgs, KeyArgs, KubectlArgs, NewPasswordArgs};
use crate::setup::{Engine, ServiceType, Target, TlsMode};
use crate::trust::StoreChoice;

/// Every answer a flag can give; what is not given comes from regctl.yaml
/// (or the defaults on a first run). `Setup::resolve` applies them.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct SetupFlags {
    /// Where the registry runs.
    #[arg(long, value_enum)]
    pub target: Option<Target>,
    /// A host name or IP address clients use (repeatable); the first is the
    /// registry's address [default: a name or address other machines reach,
    /// then this machine's other addresses, localhost, 127.0.0.1].
    #[arg(long = "host", visible_alias = "san", value_name = "NAME")]
    pub hosts: Vec<String>,
    /// Port clients connect to [default: 5000].
    #[arg(long, value_parser = groups::port)]
    pub port: Option<u16>,
    /// How clients come to trust the registry.
    #[arg(long, value_enum)]
    pub tls: Option<TlsMode>,
    /// An htpasswd user (repeatable) [default: admin]. Users already in
    /// regctl.yaml stay; manage them later with `regctl user`.
    #[arg(long = "user", short = 'u', value_name = "NAME")]
    pub users: Vec<String>,
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
    pub engine: Option<Engine>,
    /// Container image to run instead of the engine's default
    /// (regctl:VERSION, built by `regctl image build`, or registry:2.8.3).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Redis blob-descriptor cache (distribution engine).
    #[arg(long)]
    pub redis: bool,
    /// Replicas (Kubernetes; more than 1 needs a ReadWriteMany volume).
    #[arg(long, value_parser = groups::count)]
    pub replicas: Option<u32>,
    /// Kubernetes namespace [default: registry].
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// Ingress host name (Kubernetes); no Ingress when unset.
    #[arg(long, value_name = "HOST")]
    pub ingress_host: Option<String>,
    /// Kubernetes Service type.
    #[arg(long, value_enum, ignore_case = true, value_name = "TYPE")]
    pub service_type: Option<ServiceType>,
    /// The NodePort (30000-32767) for --service-type NodePort [default: derived from --port].
    #[arg(long, value_parser = groups::port, value_name = "PORT")]
    pub node_port: Option<u16>,
    /// Pin the registry to control-plane nodes (single-node clusters).
    #[arg(long)]
    pub pin_control_plane: bool,
    /// Only these networks (CIDRs) may reach the registry through the
    /// Ingress and a NetworkPolicy (repeatable, Kubernetes).
    #[arg(long = "allow-from", value_name = "CIDR")]
    pub allow_from: Vec<String>,
    /// A trust store on this machine to install the CA into (repeatable),
    /// or `none`; recorded, so later runs use the same stores
    /// [default on a first run: the stores found here].
    #[arg(long = "store", alias = "trust", value_name = "STORE",
          value_parser = groups::StoreParser { with_none: true })]
    pub stores: Vec<StoreChoice>,
    #[command(flatten)]
    pub kubectl: KubectlArgs,
    #[command(flatten)]
    pub csr: CsrArgs,
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
    /// Create a new CA even though one exists; every client must then trust
    /// it (`regctl cert rotate-ca` does this without a gap).
    #[arg(long)]
    pub new_ca: bool,
    /// Replay an answers file [default: DIR/regctl.yaml when it exists].
    #[arg(long = "answers", alias = "config", value_name = "FILE")]
    pub answers: Option<PathBuf>,

    #[command(flatten)]
    pub setup: SetupFlags,

    /// Your server certificate (PEM, full chain allowed), with --tls provided.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// The private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// The CA clients trust: the one that signed --cert, or with --tls
    /// kubernetes-csr the signer's CA (as --signer-ca).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    #[command(flatten)]
    pub key_opts: KeyArgs,

    #[command(flatten)]
    pub password: NewPasswordArgs,

    /// Stage trust changes under this directory instead of the real host.
    #[arg(long = "root", alias = "trust-root", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Write everything but do not start the registry (or run kubectl).
    #[arg(long)]
    pub no_start: bool,
    /// Skip the push/pull self-test.
    #[arg(long)]
    pub no_self_test: bool,
    /// Kubernetes: run `kubectl apply -k DIR/k8s`.
    #[arg(long)]
    pub apply: bool,
    /// Directory of templates overriding the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}
