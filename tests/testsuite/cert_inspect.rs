//! `regctl cert inspect` on certificates made by the real `openssl`, each
//! broken the way tutorials break them.

use std::path::Path;

use crate::common::{openssl_ca, openssl_leaf, regctl, text};

fn inspect(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = regctl()
        .current_dir(dir)
        .args(["cert", "inspect"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), text(&out))
}

fn fixture() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    openssl_ca(t.path(), "ca");
    t
}

#[test]
fn common_name_only_is_caught() {
    let t = fixture();
    openssl_leaf(
        t.path(),
        "ca",
        "cnonly",
        "basicConstraints=CA:FALSE\n",
        "30",
    );
    let (code, out) = inspect(
        t.path(),
        &["cnonly.crt", "--host", "reg.lan", "--ca", "ca.crt"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[no-san]"), "{out}");
    assert!(
        out.contains("x509: certificate relies on legacy Common Name field, use SANs instead"),
        "{out}"
    );
    assert!(out.contains("fix: reissue with SANs"), "{out}");
}

#[test]
fn client_auth_only_eku_is_caught() {
    let t = fixture();
    openssl_leaf(
        t.path(),
        "ca",
        "client",
        "subjectAltName=DNS:reg.lan\nextendedKeyUsage=clientAuth\n",
        "30",
    );
    let (code, out) = inspect(
        t.path(),
        &["client.crt", "--host", "reg.lan", "--ca", "ca.crt"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("x509: certificate specifies an incompatible key usage"),
        "{out}"
    );
    assert!(
        !out.contains("unknown-authority"),
        "the chain itself is fine: {out}"
    );
}

#[test]
fn expired_and_expiring_certificates() {
    let t = fixture();
    openssl_leaf(
        t.path(),
        "ca",
        "expired",
        "subjectAltName=DNS:reg.lan\n",
        "-1",
    );
    let (code, out) = inspect(t.path(), &["expired.crt", "--host", "reg.lan"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("x509: certificate has expired or is not yet valid: current time"),
        "{out}"
    );
    assert!(out.contains("regctl cert renew"), "{out}");

    openssl_leaf(t.path(), "ca", "soon", "subjectAltName=DNS:reg.lan\n", "10");
    let (code, out) = inspect(
        t.path(),
        &["soon.crt", "--host", "reg.lan", "--ca", "ca.crt"],
    );
    assert_eq!(code, 0, "warnings alone exit 0: {out}");
    assert!(out.contains("warning[expiring-soon]"), "{out}");
}

#[test]
fn host_key_and_authority_mismatches() {
    let t = fixture();
    openssl_leaf(
        t.path(),
        "ca",
        "good",
        "subjectAltName=DNS:reg.lan,IP:10.0.0.5\nextendedKeyUsage=serverAuth\n",
        "90",
    );
    openssl_leaf(
        t.path(),
        "ca",
        "other",
        "subjectAltName=DNS:other.lan\n",
        "30",
    );
    openssl_ca(t.path(), "otherca");

    let (code, out) = inspect(
        t.path(),
        &[
            "good.crt",
            "--host",
            "reg.lan:5000",
            "--ca",
            "ca.crt",
            "--key",
            "good.key",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok: no problems found"), "{out}");

    let (code, out) = inspect(t.path(), &["good.crt", "--host", "registry.lan"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("x509: certificate is valid for reg.lan, not registry.lan"),
        "{out}"
    );
    assert!(out.contains("--san registry.lan --force"), "{out}");

    let (code, out) = inspect(t.path(), &["good.crt", "--host", "10.0.0.6"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("x509: certificate is valid for 10.0.0.5, not 10.0.0.6"),
        "{out}"
    );

    let (code, out) = inspect(t.path(), &["good.crt", "--key", "other.key"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("tls: private key does not match public key"),
        "{out}"
    );

    let (code, out) = inspect(t.path(), &["good.crt", "--ca", "otherca.crt"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("x509: certificate signed by unknown authority"),
        "{out}"
    );
}

#[test]
fn ca_and_server_certificates_swapped() {
    let t = fixture();
    openssl_leaf(t.path(), "ca", "good", "subjectAltName=DNS:reg.lan\n", "30");
    let (code, out) = inspect(t.path(), &["ca.crt", "--role", "server"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[ca-as-server]"), "{out}");

    let (code, out) = inspect(t.path(), &["good.crt", "--ca", "good.crt"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[server-cert-as-ca]"), "{out}");

    // A CA inspected on its own is linted as a CA and is fine.
    let (code, out) = inspect(t.path(), &["ca.crt"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("as a CA certificate"));
}

#[test]
fn json_output_for_scripts() {
    let t = fixture();
    openssl_leaf(
        t.path(),
        "ca",
        "client",
        "subjectAltName=DNS:reg.lan\nextendedKeyUsage=clientAuth\n",
        "30",
    );
    let out = regctl()
        .current_dir(t.path())
        .args(["cert", "inspect", "client.crt", "--host", "x.lan", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["certificate"]["dns_names"][0], "reg.lan");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"eku-no-server-auth") && codes.contains(&"host-not-in-san"),
        "{codes:?}"
    );
    // The fingerprint matches openssl's.
    let fp = crate::common::run_ok(
        "openssl",
        &[
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            "client.crt",
        ],
        t.path(),
    );
    assert!(
        fp.trim()
            .ends_with(doc["certificate"]["sha256_fingerprint"].as_str().unwrap()),
        "{fp}"
    );
}

#[test]
fn unreadable_or_malformed_input_is_one_line() {
    let t = fixture();
    std::fs::write(
        t.path().join("junk.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    std::fs::write(t.path().join("empty.pem"), "hello\n").unwrap();
    for (args, message) in [
        (vec!["missing.crt"], "cannot read missing.crt"),
        (vec!["junk.pem"], "junk.pem is not a usable certificate"),
        (vec!["empty.pem"], "no certificate found"),
        (
            vec!["ca.crt", "--key", "ca.crt"],
            "ca.crt is not a usable private key",
        ),
        (
            vec!["ca.crt", "--ca", "junk.pem"],
            "junk.pem is not a usable certificate",
        ),
    ] {
        let out = regctl()
            .current_dir(t.path())
            .args(["cert", "inspect"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "expected {message:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}
