//! `regctl cert issue|renew|rotate-ca`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use time::OffsetDateTime;

use crate::certs::{self, IssueRequest, Issued, RotateRequest};
use crate::cli::{IssueArgs, RenewArgs, RotateCaArgs};
use crate::layout::RegistryDir;
use crate::pki::issue::APPLE_MAX_SERVER_DAYS;
use crate::pki::{KeyType, San};
use crate::ui::{self, outln};

pub(super) fn issue(dir: &Path, args: &IssueArgs) -> anyhow::Result<ExitCode> {
    let layout = RegistryDir::new(dir);
    let kubernetes = args.kubernetes.then(|| certs::issue::ClusterOptions {
        kubectl: crate::kube::Kubectl::new(
            args.kubectl.context.as_deref(),
            args.kubectl.kubeconfig.as_deref(),
        ),
        signer: args
            .csr
            .signer
            .clone()
            .unwrap_or_else(|| crate::pki::csr::KUBELET_SERVING.into()),
        node: args.csr.node_name.clone(),
        approve: args.csr.approve,
        timeout: Duration::from_secs(args.csr.csr_timeout.unwrap_or(300)),
        signer_ca: args.csr.signer_ca.clone(),
    });
    let req = IssueRequest {
        hosts: args.hosts.clone(),
        no_host_ips: args.no_host_ips,
        key_type: args.key.key_type,
        days: args.key.days,
        ca_days: args.ca_days,
        ca_name: args.ca_name.clone(),
        ca_cert: args.external_ca.ca_cert.clone(),
        ca_key: args.external_ca.ca_key.clone(),
        force: args.force,
        new_ca: args.new_ca,
        kubernetes,
    };
    match certs::issue(&layout, &req)? {
        Issued::Cluster(signed) => {
            outln!("{}: signed by the cluster", layout.server_cert().display());
            signed.report();
            outln!(
                "Container runtimes do not trust the {} by default: install it on every node (k8s/node-trust.yaml from `regctl render`, or `regctl trust install --store containerd`).",
                if signed.custom_ca {
                    "signer's CA"
                } else {
                    "cluster CA"
                }
            );
        }
        Issued::Own {
            origin,
            sans,
            key_type,
            not_after,
        } => {
            let ca_line = match &origin {
                certs::issue::CaOrigin::Created => "created a new CA",
                certs::issue::CaOrigin::Reused => "reused the existing CA",
                certs::issue::CaOrigin::External(_) => "signed with the CA given by --ca",
            };
            outln!("{}: {ca_line}", layout.ca_cert().display());
            if let certs::issue::CaOrigin::External(src) = &origin {
                outln!(
                    "  (copied from {}; its key stays where it is)",
                    src.display()
                );
            }
            print_issued(&layout, &sans, key_type, not_after);
            if args.key.days > APPLE_MAX_SERVER_DAYS {
                ui::warn(format_args!(
                    "macOS and iOS reject server certificates valid for more than {APPLE_MAX_SERVER_DAYS} days"
                ));
            }
            outln!(
                "Clients must trust {} (regctl trust install; Docker: /etc/docker/certs.d/HOST:PORT/ca.crt).",
                layout.ca_cert().display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_issued(layout: &RegistryDir, sans: &[San], key_type: KeyType, not_after: OffsetDateTime) {
    let names: Vec<String> = sans.iter().map(ToString::to_string).collect();
    outln!(
        "{}: {key_type} key, valid until {}, for {}",
        layout.server_cert().display(),
        not_after.date(),
        names.join(", ")
    );
    outln!(
        "private keys (0600): {}{}",
        layout.server_key().display(),
        if layout.ca_key().exists() {
            format!(", {}", layout.ca_key().display())
        } else {
            String::new()
        }
    );
}

pub(super) fn renew(dir: &Path, args: &RenewArgs) -> anyhow::Result<ExitCode> {
    let layout = RegistryDir::new(dir);
    let ca = args
        .external_ca
        .ca_cert
        .clone()
        .zip(args.external_ca.ca_key.clone());
    let r = certs::renew(&layout, args.days, ca)?;
    outln!(
        "renewed{} (was valid until {})",
        if r.by_cluster { " by the cluster" } else { "" },
        r.was_until
    );
    print_issued(&layout, &r.sans, r.key_type, r.not_after);
    match r.served {
        certs::renew::Served::New(serial) => outln!(
            "The running registry now serves the new certificate (serial {serial}); nothing was restarted."
        ),
        certs::renew::Served::Old(serial) => ui::warn(format_args!(
            "the running registry still serves the old certificate (serial {serial}); restart it: regctl restart --dir {}",
            layout.root().display()
        )),
        certs::renew::Served::NotRunning => outln!(
            "The registry is not running here; it serves the new certificate when it starts (regctl start --dir {}).",
            layout.root().display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn rotate_ca(dir: &Path, args: &RotateCaArgs) -> anyhow::Result<ExitCode> {
    let (layout, setup) = RegistryDir::open(dir)?;
    certs::rotate_ca(
        &layout,
        &setup,
        &RotateRequest {
            key_type: args.key.key_type,
            days: args.key.days,
            ca_days: args.ca_days,
            root: args.root.clone().unwrap_or_else(|| "/".into()),
            prepare: args.prepare,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
