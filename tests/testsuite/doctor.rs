//! `regctl doctor` against real failures: `regctl serve` with broken
//! certificates, plain HTTP, wrong passwords and non-bcrypt entries;
//! Debian's `docker-registry`; and Debian's nginx as a TLS-terminating
//! proxy with a body limit, without `X-Forwarded-Proto`, and configured
//! right. Every failure must name the client error and the fix.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::registry::{Options, PASSWORD, Registry, USER, free_port};
use crate::common::{regctl, require, run_ok, text};
use serde_json::Value;

/// Runs doctor with --json; returns the exit code and the checks.
fn doctor(dir: &Path, target: &str, extra: &[&str], password: Option<&str>) -> (i32, Vec<Value>) {
    let mut cmd = regctl();
    cmd.arg("--dir").arg(dir).args(["doctor", target, "--json"]);
    cmd.args(extra);
    if let Some(pw) = password {
        cmd.args(["--user", USER, "--password-stdin"])
            .write_stdin(pw);
    }
    let out = cmd.output().unwrap();
    let checks: Vec<Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)));
    (out.status.code().unwrap_or(-1), checks)
}

fn find<'a>(checks: &'a [Value], name: &str, status: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["name"] == name && c["status"] == status)
        .unwrap_or_else(|| panic!("no {status} `{name}` in {checks:#?}"))
}

/// A failure that names what clients print and how to fix it.
fn failure<'a>(checks: &'a [Value], name: &str, says: &str, fix: &str) -> &'a Value {
    let c = find(checks, name, "failure");
    let client = c["client_error"].as_str().unwrap_or("");
    assert!(
        client.contains(says),
        "`{name}` says `{client}`, want `{says}`"
    );
    let f = c["fix"].as_str().unwrap_or("");
    assert!(f.contains(fix), "`{name}` fix `{f}`, want `{fix}`");
    c
}

/// A root where every client trusts `ca` (the system bundle and certs.d).
fn trusting_root(base: &Path, ca: &Path, registry: &str) -> PathBuf {
    let root = base.join("root");
    let bundle = root.join("etc/ssl/certs");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::copy(ca, bundle.join("ca-certificates.crt")).unwrap();
    let docker = root.join(format!("etc/docker/certs.d/{registry}"));
    std::fs::create_dir_all(&docker).unwrap();
    std::fs::copy(ca, docker.join("ca.crt")).unwrap();
    root
}

#[test]
fn healthy_registry_passes_every_check() {
    let reg = Registry::start();
    let target = format!("localhost:{}", reg.port);
    let root = trusting_root(reg.path(), &reg.ca(), &target);
    let (code, checks) = doctor(
        reg.path(),
        &target,
        &["--root", root.to_str().unwrap(), "--push-test", "20M"],
        Some(PASSWORD),
    );
    assert_eq!(code, 0, "{checks:#?}");
    for name in [
        "resolve",
        "connect",
        "protocol",
        "certificate",
        "trust",
        "api",
        "auth",
        "credentials",
        "upload location",
        "push",
    ] {
        find(&checks, name, "ok");
    }
    let push = find(&checks, "push", "ok")["message"].as_str().unwrap();
    assert!(push.contains("20 MiB in 3 chunks"), "{push}");

    // The same registry, with the CA installed nowhere: clients would refuse it.
    let (code, checks) = doctor(
        reg.path(),
        &target,
        &["--root", "/nonexistent", "--push-test", "0"],
        Some(PASSWORD),
    );
    assert_eq!(code, 1);
    failure(
        &checks,
        "trust",
        "certificate signed by unknown authority",
        "regctl trust install --host",
    );

    // A wrong password, and nothing listening.
    let (code, checks) = doctor(reg.path(), &target, &["--push-test", "0"], Some("nope"));
    assert_eq!(code, 1);
    failure(
        &checks,
        "credentials",
        "401 Unauthorized",
        "regctl htpasswd add",
    );
    assert!(
        find(&checks, "credentials", "failure")["message"]
            .as_str()
            .unwrap()
            .contains("wrong password")
    );
    let (code, checks) = doctor(reg.path(), &format!("127.0.0.1:{}", free_port()), &[], None);
    assert_eq!(code, 1);
    failure(&checks, "connect", "connection refused", "regctl start");
}

#[test]
fn non_bcrypt_entries_are_named() {
    require("htpasswd");
    let reg = Registry::start();
    run_ok(
        "htpasswd",
        &["-b", "-m", "auth/htpasswd", "bob", "md5-password"],
        reg.path(),
    );
    let out = regctl()
        .arg("--dir")
        .arg(reg.path())
        .args(["doctor", &format!("localhost:{}", reg.port), "--json"])
        .args(["--user", "bob", "--password-stdin", "--push-test", "0"])
        .write_stdin("md5-password")
        .output()
        .unwrap();
    let checks: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let c = failure(&checks, "credentials", "401", "regctl htpasswd add");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("accepts only bcrypt"),
        "{c}"
    );
    let h = find(&checks, "htpasswd", "warning");
    assert!(h["message"].as_str().unwrap().contains("bob"), "{h}");
}

#[test]
fn plain_http_is_explained() {
    let reg = Registry::start_with(Options {
        tls: false,
        ..Options::default()
    });
    let (code, checks) = doctor(
        reg.path(),
        &format!("127.0.0.1:{}", reg.port),
        &["--push-test", "0"],
        Some(PASSWORD),
    );
    assert_eq!(code, 1);
    failure(
        &checks,
        "protocol",
        "server gave HTTP response to HTTPS client",
        "trust install --insecure",
    );
    // The API is still examined over HTTP.
    find(&checks, "credentials", "ok");
}

/// Serves `ext` (openssl extension lines) as the registry's certificate.
fn with_certificate(ext: &str, days: &str) -> (Registry, PathBuf) {
    let mut reg = Registry::start();
    reg.stop();
    let pki = reg.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    crate::common::openssl_ca(&pki, "corp");
    crate::common::openssl_leaf(&pki, "corp", "leaf", ext, days);
    std::fs::copy(pki.join("leaf.crt"), reg.path().join("certs/registry.crt")).unwrap();
    std::fs::copy(pki.join("leaf.key"), reg.path().join("certs/registry.key")).unwrap();
    reg.spawn();
    (reg, pki.join("corp.crt"))
}

#[test]
fn certificate_problems_give_the_client_error_and_the_fix() {
    for (ext, days, says, fix) in [
        (
            "extendedKeyUsage=serverAuth",
            "30",
            "legacy Common Name field",
            "regctl cert issue",
        ),
        (
            "subjectAltName=DNS:other.lan\nextendedKeyUsage=serverAuth",
            "30",
            "not localhost",
            "regctl cert issue",
        ),
        (
            "subjectAltName=DNS:localhost\nextendedKeyUsage=clientAuth",
            "30",
            "incompatible key usage",
            "regctl cert issue",
        ),
        (
            "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth",
            "-1",
            "expired",
            "regctl cert",
        ),
    ] {
        let (reg, ca) = with_certificate(ext, days);
        let target = format!("localhost:{}", reg.port);
        let (code, checks) = doctor(
            reg.path(),
            &target,
            &["--ca", ca.to_str().unwrap(), "--push-test", "0"],
            Some(PASSWORD),
        );
        assert_eq!(code, 1, "{ext}");
        failure(&checks, "certificate", says, fix);
        find(&checks, "chain", "ok");
    }
}

/// Debian's distribution 2.8 on `data`, TLS or plain, killed on drop.
struct Distribution(Child);

impl Drop for Distribution {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn distribution(reg: &Registry, port: u16, tls: bool) -> Distribution {
    require("docker-registry");
    let p = |f: &str| reg.path().join(f).display().to_string();
    let mut cfg = format!(
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: s\n",
        p("dist-data")
    );
    if tls {
        cfg.push_str(&format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            p("certs/registry.crt"),
            p("certs/registry.key")
        ));
    }
    cfg.push_str(&format!(
        "auth:\n  htpasswd:\n    realm: dist\n    path: {}\n",
        p("auth/htpasswd")
    ));
    let file = reg.path().join(format!("dist-{port}.yml"));
    std::fs::write(&file, cfg).unwrap();
    let log = std::fs::File::create(reg.path().join(format!("dist-{port}.log"))).unwrap();
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let log_path = reg.path().join(format!("dist-{port}.log"));
    crate::common::wait_for_port(port, || {
        std::fs::read_to_string(&log_path).unwrap_or_default()
    });
    Distribution(child)
}

#[test]
fn distribution_is_diagnosed_the_same_way() {
    let reg = Registry::start();
    let port = free_port();
    let _dist = distribution(&reg, port, true);
    let target = format!("localhost:{port}");
    let root = trusting_root(reg.path(), &reg.ca(), &target);
    let (code, checks) = doctor(
        reg.path(),
        &target,
        &["--root", root.to_str().unwrap(), "--push-test", "10M"],
        Some(PASSWORD),
    );
    assert_eq!(code, 0, "{checks:#?}");
    find(&checks, "push", "ok");
    let (code, checks) = doctor(reg.path(), &target, &["--push-test", "0"], Some("bad"));
    assert_eq!(code, 1);
    failure(&checks, "credentials", "401", "regctl htpasswd add");
}

/// nginx terminating TLS in front of a plain-HTTP distribution.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: the master then stops its workers too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn nginx(reg: &Registry, listen: u16, upstream: u16, extra: &str) -> Nginx {
    require("nginx");
    let prefix = reg.path().join(format!("nginx-{listen}"));
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let conf = format!(
        "daemon off;\nworker_processes 1;\nerror_log {p}/logs/error.log;\npid {p}/nginx.pid;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  server {{\n    listen 127.0.0.1:{listen} ssl;\n    ssl_certificate {crt};\n    ssl_certificate_key {key};\n{extra}\n    location /v2/ {{\n      proxy_pass http://127.0.0.1:{upstream};\n      proxy_set_header Host $http_host;\n      proxy_read_timeout 900;\n{headers}\n    }}\n  }}\n}}\n",
        p = prefix.display(),
        crt = reg.path().join("certs/registry.fullchain.crt").display(),
        key = reg.path().join("certs/registry.key").display(),
        extra = extra,
        headers = if extra.contains("NO_PROTO") {
            ""
        } else {
            "      proxy_set_header X-Forwarded-Proto $scheme;"
        },
    );
    let file = prefix.join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    let child = Command::new("nginx")
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    crate::common::wait_for_port(listen, || {
        std::fs::read_to_string(prefix.join("logs/error.log")).unwrap_or_default()
    });
    Nginx(child)
}

#[test]
fn nginx_in_front_body_limit_missing_forwarded_proto_and_the_right_config() {
    let reg = Registry::start();
    let upstream = free_port();
    let _dist = distribution(&reg, upstream, false);
    let run = |extra: &str| {
        let listen = free_port();
        let _proxy = nginx(&reg, listen, upstream, extra);
        let target = format!("localhost:{listen}");
        let root = trusting_root(reg.path(), &reg.ca(), &target);
        doctor(
            reg.path(),
            &target,
            &["--root", root.to_str().unwrap(), "--push-test", "12M"],
            Some(PASSWORD),
        )
    };

    let (code, checks) = run("    client_max_body_size 1m;");
    assert_eq!(code, 1);
    failure(
        &checks,
        "push",
        "413 Request Entity Too Large",
        "client_max_body_size 0",
    );

    let (code, checks) = run("    client_max_body_size 0; # NO_PROTO");
    assert_eq!(code, 1);
    failure(
        &checks,
        "upload location",
        "server gave HTTP response to HTTPS client",
        "X-Forwarded-Proto",
    );

    let (code, checks) = run("    client_max_body_size 0;");
    assert_eq!(code, 0, "{checks:#?}");
    find(&checks, "upload location", "ok");
    find(&checks, "push", "ok");
}
