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
# Stand-in for kubectl (see tests/testsuite/kubernetes_csr.rs). Files in
# $FAKE_KUBE_STATE switch behaviours: minor (server version), no-ca (the
# kubeconfig names no CA), deny, nosigner (approved, never signed),
# forbid-approve, forbid-delete.
state="$FAKE_KUBE_STATE"
printf '%s\n' "$*" >> "$state/calls"
forbidden() { echo "Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io is forbidden: User \"dev\" cannot $1 resource \"certificatesigningrequests\"" >&2; exit 1; }
case "$*" in
  *"version -o json"*)
    [ -f "$state/minor" ] || { echo "The connection to the server was refused" >&2; exit 1; }
    printf '{"serverVersion":{"major":"1","minor":"%s"}}' "$(cat "$state/minor")" ;;
  *"config view"*)
    # A CA given by file path is inlined only with --flatten.
    case "$*" in *--flatten*) ;; *) exit 0 ;; esac
    [ -f "$state/no-ca" ] || base64 -w0 "$state/cluster-ca.crt" ;;
  *"create -f -"*)
    cat > "$state/csr.yaml"
    # Signers before 1.25 sign only the exact usages of a kubelet's.
    if [ "$(cat "$state/minor" 2>/dev/null || echo 30)" -lt 25 ] && ! grep -q 'key encipherment' "$state/csr.yaml"; then
      touch "$state/usages-mismatch"
    fi ;;
  *"certificate approve"*)
    [ -f "$state/forbid-approve" ] && forbidden approve
    touch "$state/approved" ;;
  *"jsonpath={range .status.conditions"*)
    if [ -f "$state/deny" ]; then printf 'Denied=the policy does not allow this name;'; fi
    if [ -f "$state/approved" ]; then printf 'Approved=approved by the test;'; fi
    if [ -f "$state/approved" ] && [ -f "$state/usages-mismatch" ]; then
      printf 'Failed=invalid usage for client certificate: usages did not match [digital signature key encipherment server auth];'
    fi ;;
  *"jsonpath={.status.certificate}"*)
    if [ -f "$state/approved" ] && [ ! -f "$state/nosigner" ] && [ ! -f "$state/usages-mismatch" ]; then
      sed -n 's/^  request: //p' "$state/csr.yaml" | base64 -d > "$state/req.pem"
      openssl x509 -req -in "$state/req.pem" -CA "$state/cluster-ca.crt" -CAkey "$state/cluster-ca.key" \
        -days 30 -copy_extensions copyall -out "$state/signed.pem" 2>>"$state/openssl.log" || exit 1
      base64 -w0 "$state/signed.pem"
    fi ;;
  *"delete csr"*)
    [ -f "$state/forbid-delete" ] && forbidden delete
    echo "certificatesigningrequest deleted" ;;
  *"apply -k "*) echo "applied" ;;
  *"get namespaces"*) printf 'default kube-public kube-system' ;;
  *) echo "unexpected kubectl call: $*" >&2; exit 1 ;;
esac
"#;

const CONFIG_VIEW: &str = "config view --raw --minify --flatten -o jsonpath={.clusters[0].cluster.certificate-authority-data}";

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
    std::fs::write(state.join("minor"), "30").unwrap();
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
    // The CA is read before anything is created; the files are written
    // before the request object is deleted.
    assert_eq!(
        calls(&c),
        vec![
            format!("--context kind-test {CONFIG_VIEW}"),
            "--context kind-test version -o json".to_string(),
            "--context kind-test create -f -".to_string(),
            format!("--context kind-test certificate approve {name}"),
            format!("--context kind-test get csr {name} -o {jp_cond}"),
            format!("--context kind-test get csr {name} -o jsonpath={{.status.certificate}}"),
            format!("--context kind-test delete csr {name}"),
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

    // Never approved: the approve command is printed at once, the request
    // is deleted at the timeout, and the error says both.
    let c = cluster();
    let out = issue(&c, &[]);
    assert!(!out.status.success());
    let name = csr_name(&c);
    let said = text(&out);
    assert!(
        said.contains(&format!("waiting up to 2s for its approval: kubectl --context kind-test certificate approve {name}")),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "the CSR {name} was not approved within 2s (regctl deleted it)"
        )),
        "{said}"
    );
    assert!(
        said.contains("--approve") && said.contains("--csr-timeout"),
        "{said}"
    );
    assert_eq!(
        calls(&c).last().unwrap(),
        &format!("--context kind-test delete csr {name}")
    );
    nothing_written(&c.dir);

    // Approved, but no controller signs for the signer.
    let c = cluster();
    std::fs::write(c.state.join("nosigner"), "").unwrap();
    let ca = c.state.join("cluster-ca.crt");
    let out = issue(
        &c,
        &[
            "--approve",
            "--signer",
            "example.com/registry",
            "--signer-ca",
            ca.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("was approved but nobody signed it within 2s: no controller signs for example.com/registry"),
        "{said}"
    );
    assert!(calls(&c).iter().any(|l| l.contains("delete csr")));
    nothing_written(&c.dir);

    // The user may not approve: the request is not left behind.
    let c = cluster();
    std::fs::write(c.state.join("forbid-approve"), "").unwrap();
    let out = issue(&c, &["--approve"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot approve"), "{}", text(&out));
    assert!(
        calls(&c).last().unwrap().contains("delete csr"),
        "{:?}",
        calls(&c)
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
    assert!(
        calls.iter().any(|l| l == "--context kind-test create -f -"),
        "{calls:?}"
    );
    assert_eq!(
        calls.last().unwrap(),
        &format!("--context kind-test apply -k {}/k8s", c.dir.display()),
        "{calls:?}"
    );

    // Renewing a cluster-signed certificate asks the cluster again (there
    // is no CA key here to sign with).
    let before = std::fs::read(c.dir.join("certs/registry.crt")).unwrap();
    let path = format!("{}:{}", c.bin.display(), std::env::var("PATH").unwrap());
    let out = regctl()
        .env("PATH", path)
        .env("FAKE_KUBE_STATE", &c.state)
        .arg("--dir")
        .arg(&c.dir)
        .args(["cert", "renew"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(
        std::fs::read(c.dir.join("certs/registry.crt")).unwrap(),
        before
    );
    let creates = self::calls(&c)
        .iter()
        .filter(|l| l.ends_with("create -f -"))
        .count();
    assert_eq!(creates, 2);
    run_ok(
        "openssl",
        &["verify", "-CAfile", "certs/ca.crt", "certs/registry.crt"],
        &c.dir,
    );
}

/// The cluster CA from each kubeconfig shape: inline data (the default
/// here), a file path (inlined only by `--flatten`, which regctl passes),
/// or none, when --signer-ca is needed and nothing is created without it.
#[test]
fn every_kubeconfig_shape_gives_the_ca_or_a_clear_request_for_it() {
    let c = cluster();
    std::fs::write(c.state.join("no-ca"), "").unwrap();
    let out = issue(&c, &["--approve"]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("the kubeconfig names no CA for this cluster"),
        "{said}"
    );
    assert!(said.contains("--signer-ca FILE"), "{said}");
    assert!(
        !calls(&c).iter().any(|l| l.contains("create")),
        "a request was created before the CA was known: {:?}",
        calls(&c)
    );
    nothing_written(&c.dir);

    let ca = c.state.join("cluster-ca.crt");
    let out = issue(&c, &["--approve", "--signer-ca", ca.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("chains to the --signer-ca CA"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read(c.dir.join("certs/ca.crt")).unwrap(),
        std::fs::read(&ca).unwrap()
    );
}

/// A user who may create and approve but not delete requests still gets
/// the certificate, and is told which object is left.
#[test]
fn a_forbidden_delete_keeps_the_certificate_and_names_the_leftover() {
    let c = cluster();
    std::fs::write(c.state.join("forbid-delete"), "").unwrap();
    let out = issue(&c, &["--approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let name = csr_name(&c);
    let said = text(&out);
    assert!(
        said.contains(&format!(
            "the CertificateSigningRequest {name} is left in the cluster"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("kubectl --context kind-test delete csr {name}")),
        "{said}"
    );
    run_ok(
        "openssl",
        &["verify", "-CAfile", "certs/ca.crt", "certs/registry.crt"],
        &c.dir,
    );
}

fn usages(c: &Cluster) -> Vec<String> {
    let yaml = std::fs::read_to_string(c.state.join("csr.yaml")).unwrap();
    yaml.lines()
        .skip_while(|l| *l != "  usages:")
        .skip(1)
        .map(|l| l.trim_start_matches("  - ").to_string())
        .collect()
}

/// Clusters before 1.25 sign a kubelet-serving request only with the key
/// encipherment usage; regctl asks for it unless the server is 1.27 or
/// later (or the key is RSA).
#[test]
fn usages_fit_the_cluster_version_and_key() {
    for (minor, key, want_encipherment) in [
        (Some("24"), "p256", true),
        (Some("26"), "p256", true),
        (Some("30"), "p256", false),
        (Some("30"), "rsa2048", true),
        (None, "p256", true),
    ] {
        let c = cluster();
        match minor {
            Some(m) => std::fs::write(c.state.join("minor"), m).unwrap(),
            None => std::fs::remove_file(c.state.join("minor")).unwrap(),
        }
        let out = issue(&c, &["--approve", "--key-type", key]);
        assert!(out.status.success(), "1.{minor:?} {key}: {}", text(&out));
        assert_eq!(
            usages(&c).contains(&"key encipherment".to_string()),
            want_encipherment,
            "1.{minor:?} {key}: {:?}",
            usages(&c)
        );
    }
}

/// An own CA and the cluster's never overwrite each other: refused, or
/// with --force kept as own-ca.*; names come only from the registry.
#[test]
fn own_ca_and_cluster_ca_never_overwrite_each_other() {
    let c = cluster();
    let own = regctl()
        .arg("--dir")
        .arg(&c.dir)
        .args(["cert", "issue", "--no-host-ips", "--host", "reg.lan"])
        .output()
        .unwrap();
    assert!(own.status.success(), "{}", text(&own));
    let own_ca = std::fs::read(c.dir.join("certs/ca.crt")).unwrap();
    let out = issue(&c, &["--approve", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("own CA is kept as"), "{}", text(&out));
    assert_eq!(
        std::fs::read(c.dir.join("certs/own-ca.crt")).unwrap(),
        own_ca
    );
    assert!(c.dir.join("certs/own-ca.key").exists());
    assert!(!c.dir.join("certs/ca.key").exists());

    let c = cluster();
    let own = regctl()
        .arg("--dir")
        .arg(&c.dir)
        .args(["cert", "issue", "--no-host-ips", "--host", "reg.lan"])
        .output()
        .unwrap();
    assert!(own.status.success());
    let out = issue(&c, &["--approve"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("is regctl's own CA"), "{}", text(&out));
    assert!(!calls(&c).iter().any(|l| l.contains("create")));

    // No --host and no regctl.yaml: nothing of this machine goes in.
    let c = cluster();
    let path = format!("{}:{}", c.bin.display(), std::env::var("PATH").unwrap());
    let out = regctl()
        .env("PATH", path)
        .env("FAKE_KUBE_STATE", &c.state)
        .arg("--dir")
        .arg(&c.dir)
        .args(["cert", "issue", "--kubernetes", "--approve"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("--host NAME"), "{}", text(&out));
}

fn regctl_in(c: &Cluster, args: &[&str], stdin: &str) -> std::process::Output {
    let path = format!("{}:{}", c.bin.display(), std::env::var("PATH").unwrap());
    regctl()
        .env("PATH", path)
        .env("FAKE_KUBE_STATE", &c.state)
        .arg("--dir")
        .arg(&c.dir)
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap()
}

/// The pull Secret's user and password, from k8s/pull-secret.yaml.
fn pull_secret(c: &Cluster) -> Option<(String, String)> {
    let text = std::fs::read_to_string(c.dir.join("k8s/pull-secret.yaml")).ok()?;
    let b64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix(".dockerconfigjson: "))?;
    use base64::Engine as _;
    let json: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap();
    let entry = &json["auths"]["reg.lan:5000"];
    Some((
        entry["username"].as_str()?.to_string(),
        entry["password"].as_str()?.to_string(),
    ))
}

/// `init` on Kubernetes makes a dedicated pull user for the image pull
/// Secret; every later run keeps the Secret; a new password reaches it;
/// removing the user removes the Secret and no later `init` brings either
/// back; namespaces the cluster lacks are named before applying.
#[test]
fn the_pull_secret_has_its_own_user_and_survives_reruns() {
    let c = cluster();
    let init = |extra: &[&str], stdin: &str| {
        let mut args = vec![
            "init",
            "--yes",
            "--target",
            "kubernetes",
            "--host",
            "reg.lan",
            "--context",
            "kind-test",
        ];
        args.extend_from_slice(extra);
        regctl_in(&c, &args, stdin)
    };
    let out = init(&["--password-stdin"], "admin password 1\n");
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("regctl-registry-pull (user k8s-pull"),
        "{said}"
    );
    assert!(
        !said.contains("Generated password for k8s-pull"),
        "the pull user's password is never printed: {said}"
    );
    let (user, password) = pull_secret(&c).expect("a pull Secret");
    assert_eq!(user, "k8s-pull");
    assert_eq!(mode(&c.dir.join("auth/pull-credentials")), 0o600);
    assert_eq!(mode(&c.dir.join("k8s/pull-secret.yaml")), 0o600);
    let verify = crate::common::run(
        "htpasswd",
        &[
            "-vb",
            c.dir.join("auth/htpasswd").to_str().unwrap(),
            "k8s-pull",
            &password,
        ],
        Path::new("."),
    );
    assert!(verify.status.success(), "{}", text(&verify));
    let answers = std::fs::read_to_string(c.dir.join("regctl.yaml")).unwrap();
    assert!(
        answers.contains("- k8s-pull") && answers.contains("pull_user: k8s-pull"),
        "{answers}"
    );

    // Re-runs without the password, and with --apply, keep it unchanged.
    for extra in [&[][..], &["--apply"][..]] {
        let out = init(extra, "");
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(
            pull_secret(&c),
            Some((user.clone(), password.clone())),
            "{extra:?}"
        );
    }
    assert!(calls(&c).iter().any(|l| l.contains("apply -k")));

    // A new password for the pull user reaches the Secret.
    let out = regctl_in(
        &c,
        &["user", "passwd", "k8s-pull", "--password-stdin"],
        "the new pull password\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        pull_secret(&c),
        Some(("k8s-pull".into(), "the new pull password".into()))
    );

    // A namespace the cluster lacks is named before anything is applied.
    let answers = std::fs::read_to_string(c.dir.join("regctl.yaml"))
        .unwrap()
        .replace(
            "pull_secret_namespaces:\n  - default\n",
            "pull_secret_namespaces:\n  - default\n  - team-a\n",
        );
    std::fs::write(c.dir.join("regctl.yaml"), answers).unwrap();
    let out = init(&["--dry-run"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the cluster has no namespace team-a"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("kubectl --context kind-test create namespace team-a"),
        "{}",
        text(&out)
    );

    // Removing the user removes the Secret, for good.
    let out = regctl_in(&c, &["user", "remove", "k8s-pull"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("regctl-registry-pull"),
        "{}",
        text(&out)
    );
    assert!(!c.dir.join("k8s/pull-secret.yaml").exists());
    assert!(!c.dir.join("auth/pull-credentials").exists());
    let out = init(&[], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(pull_secret(&c).is_none());
    let answers = std::fs::read_to_string(c.dir.join("regctl.yaml")).unwrap();
    assert!(
        !answers.contains("- k8s-pull") && answers.contains("pull_user: null"),
        "{answers}"
    );
}

/// A NodePort Service gets its port at once, recorded, rendered, and in
/// the address the summary prints.
#[test]
fn a_node_port_service_gets_a_reachable_port() {
    let c = cluster();
    let out = regctl_in(
        &c,
        &[
            "init",
            "--yes",
            "--target",
            "kubernetes",
            "--host",
            "10.0.0.7",
            "--service-type",
            "NodePort",
            "--password-stdin",
        ],
        "admin password 1\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let answers = std::fs::read_to_string(c.dir.join("regctl.yaml")).unwrap();
    assert!(answers.contains("node_port: 32232"), "{answers}");
    let service = std::fs::read_to_string(c.dir.join("k8s/service.yaml")).unwrap();
    assert!(service.contains("nodePort: 32232"), "{service}");
    let said = text(&out);
    assert!(said.contains("Registry: https://10.0.0.7:32232"), "{said}");
    assert!(said.contains("opens port 32232 on every node"), "{said}");
    assert!(
        said.contains("regctl image save | ctr -n k8s.io images import -"),
        "{said}"
    );
}
