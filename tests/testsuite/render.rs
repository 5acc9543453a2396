//! `regctl render`, checked by the tools that consume its output:
//! kubernetes-validate (strict, two Kubernetes versions), yamllint,
//! docker-compose, `regctl serve --check-config`, and Debian's
//! docker-registry serving skopeo with the rendered config.

use std::path::Path;

use crate::common::registry::{PASSWORD, USER, free_port};
use crate::common::{mode, regctl, require, run, run_ok, text};
use base64::Engine;

/// A registry directory with certificates, a user and the given answers.
fn registry_dir(answers: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let out = regctl()
        .arg("--dir")
        .arg(t.path())
        .args([
            "cert",
            "issue",
            "--no-host-ips",
            "--san",
            "registry.example.lan",
            "--san",
            "localhost",
            "--san",
            "127.0.0.1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = regctl()
        .args(["htpasswd", "add"])
        .arg(t.path().join("auth/htpasswd"))
        .args([USER, "--password-stdin", "--cost", "4"])
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(t.path().join("regctl.yaml"), answers).unwrap();
    t
}

/// `regctl render` (everything unless `extra` names what) for the answers in `dir`.
fn render(dir: &Path, extra: &[&str], stdin: &str) -> std::process::Output {
    let what: &[&str] = if extra.first().is_none_or(|a| a.starts_with("--")) {
        &["all"]
    } else {
        &[]
    };
    regctl()
        .args(["render", "--config"])
        .arg(dir.join("regctl.yaml"))
        .args(what)
        .args(extra)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

const K8S_ANSWERS: &str = "target: kubernetes\nhosts: [registry.example.lan, 10.1.2.3]\nusers: [alice]\nstorage:\n  size: 50Gi\n  host_path: /srv/registry\nkubernetes:\n  namespace: registry\n  service_type: NodePort\n  node_port: 30500\n  pin_control_plane: true\n  ingress:\n    host: registry.example.lan\n    class: nginx\n  pull_secret_namespaces: [default, apps]\n";

fn k8s_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir.join("k8s"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

fn validate_k8s(dir: &Path) {
    require("kubernetes-validate");
    // Traefik's Middleware is a CRD, which has no schema offline.
    let files: Vec<String> = k8s_files(dir)
        .into_iter()
        .filter(|f| f != "kustomization.yaml" && f != "traefik-allow.yaml")
        .map(|f| format!("k8s/{f}"))
        .collect();
    for version in ["1.31.0", "1.37.0"] {
        let mut args = vec!["--strict", "--quiet", "-k", version];
        args.extend(files.iter().map(String::as_str));
        let out = run("kubernetes-validate", &args, dir);
        assert!(out.status.success(), "Kubernetes {version}: {}", text(&out));
    }
    restricted_pods(dir);
    let kustomization = std::fs::read_to_string(dir.join("k8s/kustomization.yaml")).unwrap();
    for f in k8s_files(dir).iter().filter(|f| *f != "kustomization.yaml") {
        assert!(
            kustomization.contains(&format!("  - {f}\n")),
            "{f} missing from kustomization.yaml"
        );
    }
}

/// Every pod template in the registry's namespace against the Pod Security
/// Standards' restricted profile, field by field (the namespace enforces
/// it); the node-trust DaemonSet must be elsewhere, in a namespace labelled
/// privileged.
fn restricted_pods(dir: &Path) {
    use serde_norway::Value;
    let mut namespaces: Vec<(String, String)> = Vec::new();
    let mut pods: Vec<(String, String, Value)> = Vec::new();
    for f in k8s_files(dir).iter().filter(|f| *f != "kustomization.yaml") {
        for doc in documents(&dir.join("k8s").join(f)) {
            let kind = doc["kind"].as_str().unwrap_or("").to_string();
            let ns = doc["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let name = format!(
                "{f}: {kind} {}",
                doc["metadata"]["name"].as_str().unwrap_or("")
            );
            match kind.as_str() {
                "Namespace" => namespaces.push((
                    doc["metadata"]["name"].as_str().unwrap().to_string(),
                    doc["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )),
                "Deployment" | "DaemonSet" | "StatefulSet" => {
                    pods.push((name, ns, doc["spec"]["template"]["spec"].clone()))
                }
                "CronJob" => pods.push((
                    name,
                    ns,
                    doc["spec"]["jobTemplate"]["spec"]["template"]["spec"].clone(),
                )),
                _ => {}
            }
        }
    }
    let level = |ns: &str| {
        namespaces
            .iter()
            .find(|(n, _)| n == ns)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| panic!("namespace {ns} is not rendered"))
    };
    assert!(!pods.is_empty());
    for (name, ns, spec) in &pods {
        if name.contains("node-trust") {
            assert_eq!(level(ns), "privileged", "{name}");
            continue;
        }
        assert_eq!(level(ns), "restricted", "{name}");
        let pod_sc = &spec["securityContext"];
        for forbidden in ["hostNetwork", "hostPID", "hostIPC"] {
            assert!(
                spec[forbidden].as_bool() != Some(true),
                "{name}: {forbidden}"
            );
        }
        for v in spec["volumes"].as_sequence().into_iter().flatten() {
            let allowed = [
                "configMap",
                "csi",
                "downwardAPI",
                "emptyDir",
                "ephemeral",
                "persistentVolumeClaim",
                "projected",
                "secret",
            ];
            let kinds: Vec<&str> = v
                .as_mapping()
                .unwrap()
                .keys()
                .filter_map(|k| k.as_str())
                .filter(|k| *k != "name")
                .collect();
            assert!(
                kinds.iter().all(|k| allowed.contains(k)),
                "{name}: volume {kinds:?}"
            );
        }
        let containers = spec["containers"]
            .as_sequence()
            .into_iter()
            .chain(spec["initContainers"].as_sequence())
            .flatten();
        for c in containers {
            let cname = format!("{name}, container {}", c["name"].as_str().unwrap_or(""));
            let sc = &c["securityContext"];
            let either = |key: &str| {
                if sc[key].is_null() {
                    pod_sc[key].clone()
                } else {
                    sc[key].clone()
                }
            };
            assert_eq!(
                either("runAsNonRoot").as_bool(),
                Some(true),
                "{cname}: runAsNonRoot"
            );
            assert_ne!(
                either("runAsUser").as_u64(),
                Some(0),
                "{cname}: runAsUser 0"
            );
            let seccomp = either("seccompProfile");
            assert!(
                matches!(
                    seccomp["type"].as_str(),
                    Some("RuntimeDefault" | "Localhost")
                ),
                "{cname}: seccompProfile"
            );
            assert_eq!(
                sc["allowPrivilegeEscalation"].as_bool(),
                Some(false),
                "{cname}: allowPrivilegeEscalation"
            );
            assert!(
                sc["privileged"].as_bool() != Some(true),
                "{cname}: privileged"
            );
            let drop: Vec<&str> = sc["capabilities"]["drop"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .collect();
            assert!(drop.contains(&"ALL"), "{cname}: capabilities.drop ALL");
            for add in sc["capabilities"]["add"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                assert_eq!(
                    add.as_str(),
                    Some("NET_BIND_SERVICE"),
                    "{cname}: capabilities.add"
                );
            }
            for p in c["ports"].as_sequence().into_iter().flatten() {
                assert!(p["hostPort"].is_null(), "{cname}: hostPort");
            }
        }
    }
}

fn yamllint(dir: &Path, paths: &[&str]) {
    require("yamllint");
    let mut args = vec![
        "-s",
        "-d",
        "{extends: default, rules: {line-length: disable, document-start: disable}}",
    ];
    args.extend_from_slice(paths);
    let out = run("yamllint", &args, dir);
    assert!(out.status.success(), "yamllint: {}", text(&out));
}

fn decode(b64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap()
}

fn documents(path: &Path) -> Vec<serde_norway::Value> {
    use serde::Deserialize;
    let text = std::fs::read_to_string(path).unwrap();
    serde_norway::Deserializer::from_str(&text)
        .map(|d| serde_norway::Value::deserialize(d).unwrap())
        .collect()
}

#[test]
fn kubernetes_manifests_validate_and_secrets_hold_the_real_files() {
    let t = registry_dir(K8S_ANSWERS);
    let d = t.path();
    let out = render(
        d,
        &["--pull-user", USER, "--pull-password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("holds secrets") && stdout.contains("kubectl apply -k"),
        "{stdout}"
    );
    validate_k8s(d);
    yamllint(d, &["k8s", "docker-compose.yml", "config.yml"]);
    for (file, m) in [
        ("config.yml", 0o600),
        ("k8s/secrets.yaml", 0o600),
        ("k8s/pull-secret.yaml", 0o600),
        ("auth/http-secret", 0o600),
        ("k8s/deployment.yaml", 0o644),
        ("docker-compose.yml", 0o644),
    ] {
        assert_eq!(mode(&d.join(file)), m, "{file}");
    }
    // No secret outside Secrets and 0600 files.
    let http_secret = std::fs::read_to_string(d.join("auth/http-secret"))
        .unwrap()
        .trim()
        .to_string();
    for f in k8s_files(d).iter().filter(|f| !f.contains("secret")) {
        let body = std::fs::read_to_string(d.join("k8s").join(f)).unwrap();
        assert!(
            !body.contains(&http_secret)
                && !body.contains("PRIVATE KEY")
                && !body.contains(PASSWORD),
            "{f} leaks a secret"
        );
    }
    // The base64 in Secrets decodes to the real files.
    let docs = documents(&d.join("k8s/secrets.yaml"));
    let tls = docs
        .iter()
        .find(|doc| doc["metadata"]["name"] == "registry-tls")
        .unwrap();
    assert_eq!(tls["type"], "kubernetes.io/tls");
    assert_eq!(
        decode(tls["data"]["tls.crt"].as_str().unwrap()),
        std::fs::read(d.join("certs/registry.fullchain.crt")).unwrap()
    );
    assert_eq!(
        decode(tls["data"]["tls.key"].as_str().unwrap()),
        std::fs::read(d.join("certs/registry.key")).unwrap()
    );
    assert_eq!(
        decode(tls["data"]["ca.crt"].as_str().unwrap()),
        std::fs::read(d.join("certs/ca.crt")).unwrap()
    );
    let auth = docs
        .iter()
        .find(|doc| doc["metadata"]["name"] == "registry-auth")
        .unwrap();
    assert_eq!(
        decode(auth["data"]["htpasswd"].as_str().unwrap()),
        std::fs::read(d.join("auth/htpasswd")).unwrap()
    );
    assert_eq!(
        String::from_utf8(decode(auth["data"]["http-secret"].as_str().unwrap())).unwrap(),
        http_secret
    );
    // The pull Secret names the user and the registry host, in every namespace asked for.
    let pulls = documents(&d.join("k8s/pull-secret.yaml"));
    assert_eq!(
        pulls
            .iter()
            .map(|p| p["metadata"]["namespace"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["default", "apps"]
    );
    let cfg: serde_json::Value = serde_json::from_slice(&decode(
        pulls[0]["data"][".dockerconfigjson"].as_str().unwrap(),
    ))
    .unwrap();
    // A NodePort Service: clients (and the kubelet) use the node port.
    let entry = &cfg["auths"]["registry.example.lan:30500"];
    assert_eq!(entry["username"], USER);
    assert_eq!(
        String::from_utf8(decode(entry["auth"].as_str().unwrap())).unwrap(),
        format!("{USER}:{PASSWORD}")
    );
    // Ingress annotations that prevent 413s; node trust for the registry host.
    let ingress = std::fs::read_to_string(d.join("k8s/ingress.yaml")).unwrap();
    assert!(ingress.contains("nginx.ingress.kubernetes.io/proxy-body-size: \"0\""));
    let trust = std::fs::read_to_string(d.join("k8s/node-trust.yaml")).unwrap();
    assert!(
        trust.contains("/etc/containerd/certs.d")
            && trust.contains("registry.example.lan:30500/hosts.toml")
    );
    // http.secret survives a re-render.
    let before = std::fs::read_to_string(d.join("config.yml")).unwrap();
    assert!(render(d, &[], "").status.success());
    assert_eq!(
        std::fs::read_to_string(d.join("config.yml")).unwrap(),
        before
    );
    assert!(
        !d.join("k8s/pull-secret.yaml").exists() || mode(&d.join("k8s/pull-secret.yaml")) == 0o600
    );
}

#[test]
fn variants_validate_too() {
    for answers in [
        "target: kubernetes\nhosts: [reg.lan]\nengine: distribution\ndistribution_version: 3\nredis: true\nreplicas: 3\nstorage:\n  access_mode: ReadWriteMany\n  storage_class: nfs\nkubernetes:\n  service_type: LoadBalancer\n  ingress:\n    host: reg.lan\n    class: traefik\n",
        "target: kubernetes\nhosts: [10.0.0.9]\ntls: none\nkubernetes:\n  service_type: ClusterIP\n  external_ips: [10.0.0.9]\n  node_selector:\n    disk: ssd\n",
        "target: kubernetes\nhosts: [reg.lan]\nengine: distribution\nredis: true\nkubernetes:\n  allow_from: [10.0.0.0/8, 192.168.1.0/24]\n  ingress:\n    host: reg.lan\n",
        "target: kubernetes\nhosts: [reg.lan]\nkubernetes:\n  allow_from: [10.0.0.0/8]\n  ingress:\n    host: reg.lan\n    class: traefik\n",
    ] {
        let t = registry_dir(answers);
        let out = render(t.path(), &[], "");
        assert!(out.status.success(), "{}", text(&out));
        validate_k8s(t.path());
        yamllint(t.path(), &["k8s", "docker-compose.yml", "config.yml"]);
        require("docker-compose");
        let out = run(
            "docker-compose",
            &["-f", "docker-compose.yml", "config", "-q"],
            t.path(),
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    // Only internal traffic: the ingress allow lists and a NetworkPolicy.
    for class in ["nginx", "traefik"] {
        let t = registry_dir(&format!(
            "target: kubernetes\nhosts: [reg.lan]\nkubernetes:\n  allow_from: [10.0.0.0/8, 192.168.1.0/24]\n  ingress:\n    host: reg.lan\n    class: {class}\n"
        ));
        assert!(render(t.path(), &[], "").status.success());
        let policy = documents(&t.path().join("k8s/networkpolicy.yaml"));
        let from = &policy[0]["spec"]["ingress"][0]["from"];
        assert_eq!(from[0]["ipBlock"]["cidr"], "10.0.0.0/8");
        assert_eq!(from[1]["ipBlock"]["cidr"], "192.168.1.0/24");
        let controller = if class == "nginx" {
            "ingress-nginx"
        } else {
            "kube-system"
        };
        assert_eq!(
            from[2]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            controller
        );
        let ingress = std::fs::read_to_string(t.path().join("k8s/ingress.yaml")).unwrap();
        if class == "nginx" {
            assert!(ingress.contains(
                "nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8,192.168.1.0/24\""
            ));
        } else {
            assert!(
                ingress.contains("router.middlewares: registry-registry-allow-from@kubernetescrd")
            );
            let mw = documents(&t.path().join("k8s/traefik-allow.yaml"));
            assert_eq!(mw[0]["kind"], "Middleware");
            assert_eq!(
                mw[0]["spec"]["ipAllowList"]["sourceRange"][1],
                "192.168.1.0/24"
            );
        }
    }
    let t = registry_dir(
        "target: kubernetes\nhosts: [reg.lan]\nengine: distribution\ndistribution_version: 3\nredis: true\nreplicas: 2\nstorage:\n  access_mode: ReadWriteMany\n",
    );
    assert!(render(t.path(), &[], "").status.success());
    let compose = std::fs::read_to_string(t.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("image: registry:3")
            && compose.contains("/etc/distribution/config.yml")
            && compose.contains("allkeys-lru")
    );
    let cfg = std::fs::read_to_string(t.path().join("config.yml")).unwrap();
    assert!(cfg.contains("blobdescriptor: redis") && cfg.contains("redis:\n  addr:"));
    assert!(
        !t.path().join("k8s/gc-cronjob.yaml").exists(),
        "no online GC CronJob against distribution"
    );
}

#[test]
fn compose_systemd_and_docker_run() {
    let t = registry_dir(
        "target: compose\nhosts: [registry.example.lan]\nport: 5443\nusers: [alice]\nsystemd:\n  user: registry\n",
    );
    let out = render(t.path(), &["compose"], "");
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("docker run -d --name regctl-registry --restart always -p 5443:5000"),
        "{stdout}"
    );
    require("docker-compose");
    let cfg = run_ok(
        "docker-compose",
        &["-f", "docker-compose.yml", "config"],
        t.path(),
    );
    assert!(
        cfg.contains("published: 5443") || cfg.contains("5443:5000"),
        "{cfg}"
    );
    assert!(
        cfg.contains("REGISTRY_HTTP_TLS_CERTIFICATE") && cfg.contains("healthcheck"),
        "{cfg}"
    );
    assert!(render(t.path(), &["systemd"], "").status.success());
    let unit = std::fs::read_to_string(t.path().join("regctl-registry.service")).unwrap();
    let root = t.path().display().to_string();
    assert!(
        unit.contains(&format!(
            "ExecStart=/usr/local/bin/regctl serve --config {root}/config.yml"
        )),
        "{unit}"
    );
    for line in [
        "User=registry",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "PrivateTmp=true",
        "Restart=on-failure",
        &format!("ReadWritePaths={root}/data"),
    ] {
        assert!(unit.contains(line), "{line} missing:\n{unit}");
    }
}

#[test]
fn rendered_config_runs_regctl_serve_and_distribution() {
    require("docker-registry");
    let port = free_port();
    let t = registry_dir(&format!(
        "hosts: [localhost]\nport: {port}\nusers: [alice]\n"
    ));
    let d = t.path();
    assert!(render(d, &["config"], "").status.success());
    let out = regctl()
        .args(["serve", "--check-config", "--config"])
        .arg(d.join("config.yml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // distribution serves with it (TLS and htpasswd), and skopeo pushes and pulls.
    let _child = crate::common::ChildGuard(
        std::process::Command::new("docker-registry")
            .arg("serve")
            .arg(d.join("config.yml"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(d.join("dist.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    crate::common::wait_for_port(port, || {
        std::fs::read_to_string(d.join("dist.log")).unwrap_or_default()
    });
    let certs = d.join("skopeo-certs");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(d.join("certs/ca.crt"), certs.join("ca.crt")).unwrap();
    let layout = crate::common::oci::Layout::new(&d.join("oci"));
    let img = layout.image("amd64", &[layout.tar_layer("f", b"rendered config works")]);
    layout.tag_all(&[("v1", &img)]);
    let creds = format!("{USER}:{PASSWORD}");
    let dest = format!("docker://localhost:{port}/rendered/app:v1");
    let c = certs.to_str().unwrap();
    let out = run(
        "skopeo",
        &[
            "copy",
            "--preserve-digests",
            "--dest-cert-dir",
            c,
            "--dest-creds",
            &creds,
            &format!("oci:{}:v1", layout.dir.display()),
            &dest,
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out));
    let raw = run(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--cert-dir",
            c,
            "--creds",
            &creds,
            &dest,
        ],
        d,
    );
    assert_eq!(crate::common::registry::sha256(&raw.stdout), img.digest);
}

#[test]
fn bad_answers_name_the_field_and_write_nothing() {
    for (answers, field) in [
        ("hosts: [reg.lan]\nbogus: 1\n", "bogus"),
        ("port: 5000\n", "hosts"),
        ("hosts: [reg.lan]\nreplicas: 2\n", "storage.access_mode"),
        ("hosts: [bad_host!]\n", "hosts[0]"),
        (
            "hosts: [reg.lan]\nkubernetes:\n  ingress:\n    host: -x-\n",
            "kubernetes.ingress.host",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("regctl.yaml"), answers).unwrap();
        let out_dir = t.path().join("out");
        let out = regctl()
            .args(["render", "--config"])
            .arg(t.path().join("regctl.yaml"))
            .arg("-o")
            .arg(&out_dir)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{answers}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(field), "expected {field} in {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!out_dir.exists(), "no partial output");
    }
    let out = regctl()
        .args(["render", "--config", "/nonexistent/regctl.yaml"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot read the answers file /nonexistent/regctl.yaml")
    );
    // Kubernetes output needs the certificates.
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("regctl.yaml"), "hosts: [reg.lan]\n").unwrap();
    let out = regctl()
        .args(["render", "k8s", "--config"])
        .arg(t.path().join("regctl.yaml"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("regctl cert issue"),
        "{}",
        text(&out)
    );
    assert!(!t.path().join("k8s").exists());
}

#[test]
fn templates_can_be_overridden() {
    let t = registry_dir("hosts: [reg.lan]\n");
    let custom = t.path().join("my-templates");
    std::fs::create_dir_all(&custom).unwrap();
    std::fs::write(
        custom.join("regctl-registry.service.j2"),
        "# custom unit for {{ registry_host }}\n",
    )
    .unwrap();
    let out = render(
        t.path(),
        &["systemd", "--templates", custom.to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(t.path().join("regctl-registry.service")).unwrap(),
        "# custom unit for reg.lan:5000\n"
    );
}

#[test]
fn snapshots_of_every_template() {
    let t = registry_dir(K8S_ANSWERS);
    let d = t.path();
    assert!(
        render(
            d,
            &["--pull-user", USER, "--pull-password-stdin"],
            &format!("{PASSWORD}\n")
        )
        .status
        .success()
    );
    let root = d.display().to_string();
    let mut files = vec![
        "config.yml".to_string(),
        "docker-compose.yml".into(),
        "regctl-registry.service".into(),
    ];
    files.extend(k8s_files(d).into_iter().map(|f| format!("k8s/{f}")));
    for f in files {
        let body = std::fs::read_to_string(d.join(&f))
            .unwrap()
            .replace(&root, "[DIR]");
        insta::with_settings!({filters => vec![
            (r"secret: [0-9a-f]{64}", "secret: [HTTP_SECRET]"),
            (r"(tls\.crt|tls\.key|ca\.crt|htpasswd|http-secret|\.dockerconfigjson): [A-Za-z0-9+/=]{16,}", "$1: [BASE64]"),
            (r"config-sha256: [0-9a-f]{64}", "config-sha256: [SHA]"),
            (r"(?s)-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", "[CA CERTIFICATE]"),
        ]}, {
            insta::assert_snapshot!(f.replace('/', "__"), body);
        });
    }
}
