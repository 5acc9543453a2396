//! `regctl cert issue --kubernetes`: the CertificateSigningRequest flow.
//!
//! No Kubernetes control plane runs on the machines this is tested on, so
//! `kubectl` is a recording stand-in on PATH: it logs every call and its
//! stdin, and signs the request with openssl the way the cluster's signer
//! would once the CSR is approved. The arguments and the YAML are checked
//! exactly; the key, the CSR and the certificate are checked with openssl.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{mode, regctl, run_ok, text};

const FAKE_KUBECTL: &str = r#"#!/bin/sh
# Stand-in for kubectl (see tests/kubernetes_csr.rs).
state="$FAKE_KUBE_STATE"
printf '%s\n' "$*" >> "$state/calls"
case "$*" in
  *"create -f -"*) cat > "$state/csr.yaml" ;;
  *"certificate approve"*) touch "$state/approved" ;;
  *"jsonpath={range .status.conditions"*)
    if [ -f "$state/deny" ]; then printf 'Denied=the policy does not allow this name;'; fi
    if [ -f "$state/approved" ]; then printf 'Approved=approved by the test;'; fi ;;
  *"jsonpath={.status.certificate}"*)
    if [ -f "$state/approved" ]; then
      sed -n 's/^  request: //p' "$state/csr.yaml" | base64 -d > "$state/req.pem"
      openssl x509 -req -in "$state/req.pem" -CA "$state/cluster-ca.crt" -CAkey "$state/cluster-ca.key" \
        -days 30 -copy_extensions copyall -out "$state/signed.pem" 2>>"$state/openssl.log" || exit 1
      base64 -w0 "$state/signed.pem"
    fi ;;
  *"delete csr"*) echo "certificatesigningrequest deleted" ;;
  *"apply -k "*) echo "applied" ;;
  *"config view"*) base64 -w0 "$state/cluster-ca.crt" ;;
  *) echo "unexpected kubectl call: $*" >&2; exit 1 ;;
esac
"#;

struct Cluster {
    _tmp: tempfile::TempDir,
    bin: PathBuf,
    state: PathBuf,
    dir: PathBuf,
}

fn cluster() -> Cluster {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    let state = tmp.path().join("state");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&state).unwrap();
    let kubectl = bin.join("kubectl");
    std::fs::write(&kubectl, FAKE_KUBECTL).unwrap();
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    crate::common::openssl_ca(&state, "cluster-ca");
    let dir = tmp.path().join("reg");
    Cluster {
        bin,
        state,
        dir,
        _tmp: tmp,
    }
}

fn issue(c: &Cluster, extra: &[&str]) -> std::process::Output {
    let path = format!("{}:{}", c.bin.display(), std::env::var("PATH").unwrap());
    regctl()
        .env("PATH", path)
        .env("FAKE_KUBE_STATE", &c.state)
        .arg("--dir")
        .arg(&c.dir)
        .args(["cert", "issue", "--kubernetes", "--no-host-ips"])
        .args([
            "--san",
            "reg.lan",
            "--san",
            "10.0.0.7",
            "--node-name",
            "node-1",
        ])
        .args(["--context", "kind-test", "--csr-timeout", "2"])
        .args(extra)
        .output()
        .unwrap()
}

fn calls(c: &Cluster) -> Vec<String> {
    std::fs::read_to_string(c.state.join("calls"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

fn csr_name(c: &Cluster) -> String {
    let yaml = std::fs::read_to_string(c.state.join("csr.yaml")).unwrap();
    let name = yaml
        .lines()
        .find_map(|l| l.strip_prefix("  name: "))
        .unwrap()
        .to_string();
    let suffix = name.strip_prefix("regctl-reg-lan-").unwrap_or("");
    assert!(
        suffix.len() == 8 && suffix.chars().all(|ch| ch.is_ascii_hexdigit()),
        "{name}"
    );
    name
}

#[test]
fn approved_request_becomes_the_registry_certificate() {
    let c = cluster();
    let out = issue(&c, &["--approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let name = csr_name(&c);
    let jp_cond = "jsonpath={range .status.conditions[*]}{.type}={.message};{end}";
    assert_eq!(
        calls(&c),
        vec![
            "--context kind-test create -f -".to_string(),
            format!("--context kind-test certificate approve {name}"),
            format!("--context kind-test get csr {name} -o {jp_cond}"),
            format!("--context kind-test get csr {name} -o jsonpath={{.status.certificate}}"),
            format!("--context kind-test delete csr {name}"),
            "--context kind-test config view --raw --minify -o jsonpath={.clusters[0].cluster.certificate-authority-data}".to_string(),
        ]
    );

    // The object, field by field (the request is checked with openssl).
    let yaml = std::fs::read_to_string(c.state.join("csr.yaml")).unwrap();
    let without_request: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with("  request: "))
        .collect();
    assert_eq!(
        without_request,
        vec![
            "apiVersion: certificates.k8s.io/v1",
            "kind: CertificateSigningRequest",
            "metadata:",
            &format!("  name: {name}"),
            "  labels:",
            "    app.kubernetes.io/managed-by: regctl",
            "spec:",
            "  signerName: kubernetes.io/kubelet-serving",
            "  expirationSeconds: 71280000",
            "  usages:",
            "  - digital signature",
            "  - server auth",
        ]
    );
    let req = run_ok(
        "openssl",
        &[
            "req", "-in", "req.pem", "-noout", "-verify", "-subject", "-text",
        ],
        &c.state,
    );
    assert!(
        req.contains("CN = system:node:node-1, O = system:nodes"),
        "{req}"
    );
    assert!(req.contains("DNS:reg.lan, IP Address:10.0.0.7"), "{req}");

    // The files: the key never left this machine and matches; the chain is
    // the cluster's.
    assert_eq!(mode(&c.dir.join("certs/registry.key")), 0o600);
    assert_eq!(
        std::fs::read(c.dir.join("certs/ca.crt")).unwrap(),
        std::fs::read(c.state.join("cluster-ca.crt")).unwrap()
    );
    run_ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            "certs/ca.crt",
            "-purpose",
            "sslserver",
            "certs/registry.crt",
        ],
        &c.dir,
    );
    let inspect = regctl()
        .args(["cert", "inspect"])
        .arg(c.dir.join("certs/registry.crt"))
        .arg("--key")
        .arg(c.dir.join("certs/registry.key"))
        .arg("--ca")
        .arg(c.dir.join("certs/ca.crt"))
        .args(["--host", "reg.lan:5000"])
        .output()
        .unwrap();
    assert!(inspect.status.success(), "{}", text(&inspect));
    assert!(
        text(&out).contains("do not trust the cluster CA"),
        "{}",
        text(&out)
    );
}

fn nothing_written(dir: &Path) {
    assert!(!dir.join("certs/registry.crt").exists());
    assert!(!dir.join("certs/registry.key").exists());
}

#[test]
fn denied_unapproved_and_missing_kubectl_are_clear_errors() {
    // Denied by the cluster: the reason is shown, the CSR object is deleted.
    let c = cluster();
    std::fs::write(c.state.join("deny"), "").unwrap();
    let out = issue(&c, &[]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("was denied: the policy does not allow this name"),
        "{}",
        text(&out)
    );
    assert!(calls(&c).iter().any(|l| l.contains("delete csr")));
    nothing_written(&c.dir);

    // Never approved: a timeout that says how to approve.
    let c = cluster();
    let out = issue(&c, &[]);
    assert!(!out.status.success());
    let name = csr_name(&c);
    assert!(
        text(&out).contains(&format!("kubectl certificate approve {name}")),
        "{}",
        text(&out)
    );
    nothing_written(&c.dir);

    // No kubectl at all.
    let c = cluster();
    let out = regctl()
        .env("PATH", "/nonexistent")
        .arg("--dir")
        .arg(&c.dir)
        .args([
            "cert",
            "issue",
            "--kubernetes",
            "--no-host-ips",
            "--san",
            "reg.lan",
        ])
        .args(["--node-name", "n"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("kubectl is not installed"),
        "{}",
        text(&out)
    );
    nothing_written(&c.dir);
}

#[test]
fn init_for_kubernetes_has_the_cluster_sign_and_renders_manifests() {
    let c = cluster();
    let path = format!("{}:{}", c.bin.display(), std::env::var("PATH").unwrap());
    let out = regctl()
        .env("PATH", path)
        .env("FAKE_KUBE_STATE", &c.state)
        .arg("--dir")
        .arg(&c.dir)
        .args([
            "init",
            "--yes",
            "--target",
            "kubernetes",
            "--tls",
            "kubernetes-csr",
        ])
        .args([
            "--host",
            "registry.registry.svc",
            "--approve",
            "--node-name",
            "node-1",
        ])
        .args(["--apply", "--context", "kind-test", "--password-stdin"])
        .write_stdin("k8s-password\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("node-trust.yaml"), "{}", text(&out));
    run_ok(
        "openssl",
        &["verify", "-CAfile", "certs/ca.crt", "certs/registry.crt"],
        &c.dir,
    );
    assert_eq!(
        std::fs::read(c.dir.join("certs/ca.crt")).unwrap(),
        std::fs::read(c.state.join("cluster-ca.crt")).unwrap()
    );
    let secrets = std::fs::read_to_string(c.dir.join("k8s/secrets.yaml")).unwrap();
    assert!(secrets.contains("tls.crt"), "{secrets}");
    assert_eq!(mode(&c.dir.join("k8s/secrets.yaml")), 0o600);
    assert!(c.dir.join("k8s/node-trust.yaml").exists());
    let calls = calls(&c);
    assert_eq!(calls[0], "--context kind-test create -f -", "{calls:?}");
    assert_eq!(
        calls.last().unwrap(),
        &format!("--context kind-test apply -k {}/k8s", c.dir.display()),
        "{calls:?}"
    );
}
