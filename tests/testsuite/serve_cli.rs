//! `regctl serve` as a command: configuration errors, `--check-config`,
//! environment overrides and TLS settings.

use std::path::Path;

use crate::common::registry::{Options, Registry, free_port};
use crate::common::{regctl, run, text};

fn base_config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("config.yml");
    std::fs::write(
        &path,
        format!("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: data\n{extra}"),
    )
    .unwrap();
    path
}

#[test]
fn unknown_or_broken_configuration_stops_start_up_naming_the_key() {
    let t = tempfile::tempdir().unwrap();
    for (extra, env, message) in [
        (
            "http:\n  addr: :0\n  bogus: 1\n",
            None,
            "unknown or unsupported configuration key `http.bogus`",
        ),
        ("notifications:\n  endpoints: []\n", None, "`notifications`"),
        ("auth:\n  token:\n    realm: x\n", None, "auth.token"),
        (
            "http:\n  addr: :0\n",
            Some(("REGISTRY_HTTP_NOPE", "1")),
            "REGISTRY_HTTP_NOPE",
        ),
        ("log:\n  level: chatty\n", None, "`log.level`"),
        (
            "http:\n  addr: :0\n  tls:\n    certificate: missing.crt\n    key: missing.key\n",
            None,
            "missing.crt",
        ),
        (
            "auth:\n  htpasswd:\n    realm: r\n    path: missing-htpasswd\n",
            None,
            "missing-htpasswd",
        ),
        ("  : [\n", None, "not valid YAML"),
    ] {
        let cfg = base_config(t.path(), extra);
        for check in [true, false] {
            let mut cmd = regctl();
            cmd.args(["serve", "--config"]).arg(&cfg);
            if check {
                cmd.arg("--check-config");
            }
            if let Some((k, v)) = env {
                cmd.env(k, v);
            }
            let out = cmd
                .timeout(std::time::Duration::from_secs(20))
                .output()
                .unwrap();
            assert!(!out.status.success(), "{extra:?} should fail");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(message),
                "{extra:?}: expected {message:?} in {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    let out = regctl()
        .args(["serve", "--config", "/nonexistent/config.yml"])
        .output()
        .unwrap();
    assert!(text(&out).contains("cannot read the configuration /nonexistent/config.yml"));
}

#[test]
fn check_config_prints_the_effective_configuration_with_secrets_masked() {
    let t = tempfile::tempdir().unwrap();
    let cfg = base_config(t.path(), "http:\n  addr: :5000\n  secret: hunter2-secret\n");
    let out = regctl()
        .args(["serve", "--check-config", "--config"])
        .arg(&cfg)
        .env("REGISTRY_HTTP_ADDR", "127.0.0.1:7000")
        .env("REGISTRY_STORAGE_DELETE_ENABLED", "true")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("addr: 127.0.0.1:7000"), "{stdout}");
    assert!(stdout.contains("delete_enabled: true"), "{stdout}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
    assert!(stdout.contains("'********'"));
    // Relative paths are resolved against the config file's directory.
    assert!(
        stdout.contains(&t.path().join("data").display().to_string()),
        "{stdout}"
    );
    // REGISTRY_CONFIGURATION_PATH is honoured as distribution does.
    let out = regctl()
        .args(["serve", "--check-config"])
        .env("REGISTRY_CONFIGURATION_PATH", &cfg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn environment_overrides_apply_at_run_time() {
    let mut reg = Registry::start();
    reg.kill();
    let port = free_port();
    let log = std::fs::File::create(reg.path().join("env.log")).unwrap();
    let child = crate::common::ChildGuard(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("regctl"))
            .args(["serve"])
            .arg(reg.config_path())
            .env("REGISTRY_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("REGISTRY_LOG_FORMATTER", "json")
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    crate::common::wait_for_port(port, || {
        "did not listen on the overridden address".to_string()
    });
    drop(child);
    let log = std::fs::read_to_string(reg.path().join("env.log")).unwrap();
    let first = log.lines().find(|l| l.contains("listening")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(first).expect("JSON log lines");
    assert_eq!(parsed["level"], "INFO");
}

#[test]
fn minimum_tls_and_clean_shutdown() {
    let mut reg = Registry::start_with(Options {
        extra: String::new(),
        ..Options::default()
    });
    reg.kill();
    let cfg = std::fs::read_to_string(reg.config_path()).unwrap().replace(
        "    key: certs/registry.key\n",
        "    key: certs/registry.key\n    minimumtls: tls1.3\n",
    );
    std::fs::write(reg.config_path(), cfg).unwrap();
    reg.spawn();
    assert!(s_client(&reg, "-tls1_3").status.success());
    assert!(
        !s_client(&reg, "-tls1_2").status.success(),
        "TLS 1.2 must be refused with minimumtls: tls1.3"
    );
    // HTTP/2 is offered.
    let out = run(
        "curl",
        &[
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_version}",
            "--cacert",
            reg.ca().to_str().unwrap(),
            &reg.url("/"),
        ],
        Path::new("."),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2");
    // SIGTERM drains and exits 0.
    let status = reg.stop();
    assert!(status.success(), "{status}");
    assert!(reg.log().contains("shutting down"));
}

/// `openssl s_client` to the registry with one version flag, verifying
/// its certificate against the registry's CA.
fn s_client(reg: &Registry, version: &str) -> std::process::Output {
    run(
        "openssl",
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", reg.port),
            version,
            "-CAfile",
            reg.ca().to_str().unwrap(),
            "-verify_return_error",
            "-brief",
        ],
        Path::new("."),
    )
}

/// Both TLS versions settle on AES-128-GCM, whatever the client lists
/// first (OpenSSL lists AES-256 first): it costs both ends of a pull less.
#[test]
fn aes_128_gcm_is_chosen_over_the_clients_order() {
    let reg = Registry::start_with(Options::default());
    for (version, suite) in [
        ("-tls1_3", "TLS_AES_128_GCM_SHA256"),
        ("-tls1_2", "ECDHE-ECDSA-AES128-GCM-SHA256"),
    ] {
        let out = s_client(&reg, version);
        let log = text(&out);
        assert!(out.status.success(), "{version}: {log}");
        assert!(
            log.contains(&format!("Ciphersuite: {suite}")),
            "{version}: {log}"
        );
    }
}

#[test]
fn plain_http_without_tls_serves_too() {
    let reg = Registry::start_with(Options {
        tls: false,
        auth: false,
        ..Options::default()
    });
    let r = reg.request("GET", "/v2/", &[], None, None);
    assert_eq!(r.status, 200);
    let d = reg.push_blob("open", b"no auth here");
    assert_eq!(
        reg.request("GET", &format!("/v2/open/blobs/{d}"), &[], None, None)
            .body,
        b"no auth here"
    );
}

/// The binary carries its own `pow` and `log` (src/libm_symbols.rs) so a
/// running server never loads libm.so.6; the runtime's workers, which call
/// `pow`, still serve.
#[test]
fn a_serving_registry_has_not_loaded_libm() {
    let reg = Registry::start_with(Options {
        tls: false,
        auth: false,
        ..Options::default()
    });
    for i in 0..20 {
        let body = format!("blob {i}");
        let d = reg.push_blob("maths", body.as_bytes());
        let r = reg.request("GET", &format!("/v2/maths/blobs/{d}"), &[], None, None);
        assert_eq!(r.body, body.as_bytes());
    }
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", reg.pid())).unwrap();
    assert!(
        maps.contains("libc.so"),
        "not a dynamic glibc build:\n{maps}"
    );
    assert!(
        !maps.contains("libm.so"),
        "regctl serve mapped libm:\n{maps}"
    );
}

#[test]
fn host_headers_and_client_certificates() {
    let mut reg = Registry::start_with(Options {
        extra: String::new(),
        ..Options::default()
    });
    reg.kill();
    // A client certificate signed by an openssl CA, required by clientcas.
    let w = reg.path().to_path_buf();
    crate::common::openssl_ca(&w, "clientca");
    crate::common::openssl_leaf(
        &w,
        "clientca",
        "client",
        "extendedKeyUsage=clientAuth\n",
        "30",
    );
    let cfg = std::fs::read_to_string(reg.config_path())
        .unwrap()
        .replace("  secret: test-secret\n", "  secret: test-secret\n  host: https://registry.example.lan:443\n  headers:\n    X-Content-Type-Options: [nosniff]\n")
        .replace("    key: certs/registry.key\n", "    key: certs/registry.key\n    clientcas:\n      - clientca.crt\n");
    std::fs::write(reg.config_path(), cfg).unwrap();
    reg.spawn();
    let base = [
        "-sS".to_string(),
        "-o".into(),
        "/dev/null".into(),
        "-D".into(),
        "-".into(),
        "--cacert".into(),
        reg.ca().display().to_string(),
        "-u".into(),
        format!(
            "{}:{}",
            crate::common::registry::USER,
            crate::common::registry::PASSWORD
        ),
        "-X".into(),
        "POST".into(),
        reg.url("/v2/app/blobs/uploads/"),
    ];
    let refs: Vec<&str> = base.iter().map(String::as_str).collect();
    let without = run("curl", &refs, &w);
    assert!(
        !without.status.success(),
        "no client certificate must fail the handshake"
    );
    let mut with: Vec<&str> = refs.clone();
    with.extend(["--cert", "client.crt", "--key", "client.key"]);
    let out = run("curl", &with, &w);
    assert!(out.status.success(), "{}", text(&out));
    let headers = String::from_utf8_lossy(&out.stdout).to_ascii_lowercase();
    assert!(
        headers.contains("location: https://registry.example.lan:443/v2/app/blobs/uploads/"),
        "{headers}"
    );
    assert!(
        headers.contains("x-content-type-options: nosniff"),
        "{headers}"
    );
}
