//! The closing summary: where things are and exactly what to type next,
//! for what this run actually did (started or not, trusted or not).

use std::time::Duration;

use super::{ApplyContext, Report};
use crate::netinfo::is_loopback_host;
use crate::setup::{Target, TlsMode};
use crate::ui::{self, outln};

pub(crate) fn summary(ctx: &ApplyContext<'_>, report: &Report) {
    let s = ctx.setup;
    let host = s.registry_host();
    let root = ctx.layout.root().display();
    outln!();
    outln!("Registry: {}://{host}   (files in {root})", s.scheme());
    let others: Vec<String> = s.registry_hosts().into_iter().skip(1).collect();
    if !others.is_empty() {
        outln!("Also reachable as: {}", others.join(", "));
    }
    if !report.self_test.is_empty() {
        let total: Duration = report.self_test.iter().map(|p| p.elapsed).sum();
        outln!(
            "Self-test passed: {} steps in {}{}",
            report.self_test.len(),
            ui::duration(total),
            if report.login_skipped {
                " (login not tested: the password is not known to this run; pass --password-stdin)"
            } else {
                ""
            }
        );
    }
    for (user, file) in &report.generated {
        if let Some(pw) = ctx.passwords.get(user) {
            outln!("Generated password for {user} (shown once, kept in {file}, 0600): {pw}");
        }
    }
    let user = s.users.first().map(String::as_str).unwrap_or("USER");
    outln!();
    outln!("Next:");
    match s.target {
        Target::Kubernetes => kubernetes_next(ctx, report),
        _ => {
            let running = report.started || !report.self_test.is_empty();
            let trusted_here = !report.trusted.is_empty() || s.tls == TlsMode::None;
            if !running {
                outln!("  regctl start --dir {root}      # nothing was started (--no-start)");
            }
            if !trusted_here {
                outln!(
                    "  This machine's clients do not trust the CA yet: sudo regctl trust install --dir {root}"
                );
            }
            if running && trusted_here {
                outln!("  docker login {host} -u {user}");
                outln!("  docker tag IMAGE {host}/IMAGE");
                outln!("  docker push {host}/IMAGE");
            } else if running {
                outln!("  then log in: docker login {host} -u {user}");
            }
        }
    }
    if s.tls != TlsMode::None && s.target != Target::Kubernetes {
        let reachable: Vec<String> = s
            .registry_hosts()
            .into_iter()
            .filter(|h| !is_loopback_host(h.rsplit_once(':').map_or(h.as_str(), |x| x.0)))
            .collect();
        let name = reachable.first().cloned().unwrap_or_else(|| host.clone());
        outln!(
            "  Other machines: copy {root}/certs/ca.crt there and run `sudo regctl trust install --host {name} --ca ca.crt` (or put it in /etc/docker/certs.d/{name}/ca.crt)."
        );
        if reachable.is_empty() {
            ui::warn(format_args!(
                "every host in regctl.yaml is a loopback name, which other machines cannot reach; add one with `regctl init --host NAME`"
            ));
        }
    }
    if s.tls == TlsMode::None {
        outln!(
            "  WARNING: plain HTTP sends passwords and images in clear text. Every client must list {host} as insecure: Docker \"insecure-registries\": [\"{host}\"] in /etc/docker/daemon.json, containerd hosts.toml with server = \"http://{host}\"."
        );
    }
    if s.target != Target::Kubernetes {
        outln!("  regctl status | logs | restart | stop | start   (with --dir {root})");
        outln!("  regctl user add NAME | user list | cert renew    (day two: see README)");
    }
}

fn kubernetes_next(ctx: &ApplyContext<'_>, report: &Report) {
    let s = ctx.setup;
    let root = ctx.layout.root().display();
    let kubectl = s.kubernetes.kubectl().command_line(&[]);
    if report.applied {
        outln!(
            "  {kubectl} -n {} rollout status deployment/registry",
            s.kubernetes.namespace
        );
    } else {
        outln!("  {kubectl} apply -k {root}/k8s      # or re-run with --apply");
    }
    if s.kubernetes.service_type == crate::setup::ServiceType::NodePort {
        outln!(
            "  The Service opens port {} on every node: clients and the nodes' container runtimes use {}, so {} must be a node's address (or a name for the nodes).",
            s.client_port(),
            s.registry_host(),
            s.hosts
                .first()
                .map(String::as_str)
                .unwrap_or("the first host")
        );
    }
    if s.image.is_none() && s.engine == crate::setup::Engine::Bundled {
        outln!(
            "  The nodes need the image {} (it is in no registry they can pull from): on each node run `regctl image save | ctr -n k8s.io images import -`, or save it once (`regctl image save -o regctl.tar`) and import that file on each node; or push it to a registry the nodes trust and pass --image.",
            crate::render::BUNDLED_IMAGE
        );
    }
    match crate::render::pull_credentials(ctx.layout) {
        Ok(Some((user, _))) => {
            outln!(
                "  Pods in {} pull with the Secret regctl-registry-pull (user {user}{}): add `imagePullSecrets: [{{name: regctl-registry-pull}}]` to their pod spec, or to the namespace's default ServiceAccount: {kubectl} -n NS patch serviceaccount default -p '{{\"imagePullSecrets\":[{{\"name\":\"regctl-registry-pull\"}}]}}'",
                s.kubernetes.pull_secret_namespaces.join(", "),
                if s.kubernetes.pull_user.as_deref() == Some(user.as_str()) {
                    ", made for it; until per-repository permissions exist it can push too"
                } else {
                    ""
                }
            );
        }
        _ => outln!(
            "  No image pull Secret yet: regctl render k8s --pull-user USER --pull-password-stdin (then apply again)"
        ),
    }
    if s.tls == TlsMode::KubernetesCsr {
        outln!(
            "  The certificate is signed by the cluster CA, which container runtimes do not trust by default: k8s/node-trust.yaml installs it on every node."
        );
    } else if s.tls != TlsMode::None {
        outln!(
            "  Nodes' container runtimes must trust certs/ca.crt: k8s/node-trust.yaml (a DaemonSet) installs it into /etc/containerd/certs.d/{}/ on every node.",
            s.registry_host()
        );
    }
}
