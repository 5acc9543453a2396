//! `regctl cert issue|renew` checked with the real `openssl`.

use std::path::Path;

use crate::common::{mode, openssl_ca, regctl, run, run_ok, snapshot, text};

fn x509_text(cert: &Path) -> String {
    run_ok(
        "openssl",
        &["x509", "-noout", "-text", "-in", cert.to_str().unwrap()],
        Path::new("."),
    )
}

/// notAfter − notBefore as openssl reads them.
fn validity_seconds(cert: &Path) -> i64 {
    let dates = run_ok(
        "openssl",
        &[
            "x509",
            "-noout",
            "-dates",
            "-dateopt",
            "iso_8601",
            "-in",
            cert.to_str().unwrap(),
        ],
        Path::new("."),
    );
    let field = |name: &str| {
        let line = dates
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {dates}"));
        let format =
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
        time::PrimitiveDateTime::parse(line.trim(), format)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .assume_utc()
    };
    (field("notAfter=") - field("notBefore=")).whole_seconds()
}

fn verify(ca: &Path, cert: &Path) -> std::process::Output {
    run(
        "openssl",
        &[
            "verify",
            "-CAfile",
            ca.to_str().unwrap(),
            cert.to_str().unwrap(),
        ],
        Path::new("."),
    )
}

fn issue(dir: &Path, extra: &[&str]) -> std::process::Output {
    regctl()
        .arg("--dir")
        .arg(dir)
        .args(["cert", "issue"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn server_and_ca_profiles_are_what_clients_require() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("registry");
    let out = issue(
        &dir,
        &[
            "--no-host-ips",
            "--san",
            "registry.example.lan",
            "--san",
            "192.168.0.12",
            "--san",
            "localhost",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let certs = dir.join("certs");
    let (ca, crt) = (certs.join("ca.crt"), certs.join("registry.crt"));

    let v = verify(&ca, &crt);
    assert!(v.status.success(), "openssl verify: {}", text(&v));
    // The full chain is the server certificate followed by the CA.
    let chain = std::fs::read_to_string(certs.join("registry.fullchain.crt")).unwrap();
    let leaf = std::fs::read_to_string(&crt).unwrap();
    assert!(chain.starts_with(&leaf));
    assert!(chain.ends_with(&std::fs::read_to_string(&ca).unwrap()));

    let server = x509_text(&crt);
    for want in [
        "DNS:registry.example.lan",
        "IP Address:192.168.0.12",
        "DNS:localhost",
        "CA:FALSE",
        "Digital Signature, Key Encipherment",
        "TLS Web Server Authentication",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "Subject: CN = registry.example.lan",
        "ASN1 OID: prime256v1",
    ] {
        assert!(
            server.contains(want),
            "server cert lacks {want:?}:\n{server}"
        );
    }
    assert!(!server.contains("Client Authentication"));

    let ca_text = x509_text(&ca);
    for want in [
        "CA:TRUE, pathlen:0",
        "Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
    ] {
        assert!(ca_text.contains(want), "CA cert lacks {want:?}:\n{ca_text}");
    }

    // Validity: at most 825 days for Apple clients, but close to it.
    let checkend = |days: u64, cert: &Path| {
        run(
            "openssl",
            &[
                "x509",
                "-noout",
                "-checkend",
                &(days * 86400).to_string(),
                "-in",
                cert.to_str().unwrap(),
            ],
            Path::new("."),
        )
        .status
        .success()
    };
    assert!(checkend(824, &crt));
    assert!(!checkend(826, &crt));
    assert!(checkend(3649, &ca));
    // The whole span, back-dating included, is within Apple's limit.
    assert_eq!(validity_seconds(&crt), 825 * 86400);

    assert_eq!(mode(&certs.join("ca.key")), 0o600);
    assert_eq!(mode(&certs.join("registry.key")), 0o600);
    assert_eq!(mode(&crt), 0o644);
}

#[test]
fn host_ips_default_adds_this_machines_addresses() {
    let t = tempfile::tempdir().unwrap();
    let out = issue(t.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    let san = x509_text(&t.path().join("certs/registry.crt"));
    assert!(san.contains("DNS:localhost") && san.contains("IP Address:127.0.0.1"));
    let addrs = run_ok("hostname", &["-I"], Path::new("."));
    for addr in addrs.split_whitespace().filter(|a| !a.contains(':')) {
        assert!(
            san.contains(&format!("IP Address:{addr}")),
            "{addr} missing:\n{san}"
        );
    }
}

#[test]
fn ca_is_reused_and_replaced_only_on_request() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let args = ["--no-host-ips", "--san", "reg.lan"];
    assert!(issue(dir, &args).status.success());
    let ca_before = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    let crt_before = std::fs::read(dir.join("certs/registry.crt")).unwrap();

    // Without --force nothing is touched, and the error names the files.
    let before = snapshot(dir);
    let out = issue(dir, &args);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("registry.crt") && text(&out).contains("--force"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(dir), before);

    // --force replaces the server certificate but keeps the CA.
    let out = issue(dir, &["--no-host-ips", "--san", "reg.lan", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("reused the existing CA"));
    assert_eq!(std::fs::read(dir.join("certs/ca.crt")).unwrap(), ca_before);
    assert_ne!(
        std::fs::read(dir.join("certs/registry.crt")).unwrap(),
        crt_before
    );
    assert!(
        verify(&dir.join("certs/ca.crt"), &dir.join("certs/registry.crt"))
            .status
            .success()
    );

    // --new-ca alone is refused: clients trust the old CA.
    let before = snapshot(dir);
    let out = issue(dir, &["--no-host-ips", "--san", "reg.lan", "--new-ca"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--force"));
    assert_eq!(snapshot(dir), before);

    let out = issue(
        dir,
        &["--no-host-ips", "--san", "reg.lan", "--new-ca", "--force"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(std::fs::read(dir.join("certs/ca.crt")).unwrap(), ca_before);
    assert!(
        verify(&dir.join("certs/ca.crt"), &dir.join("certs/registry.crt"))
            .status
            .success()
    );
}

#[test]
fn every_key_type_verifies() {
    for (kind, marker) in [
        ("p384", "NIST CURVE: P-384"),
        ("ed25519", "ED25519"),
        ("rsa2048", "Public-Key: (2048 bit)"),
        ("rsa4096", "Public-Key: (4096 bit)"),
    ] {
        let t = tempfile::tempdir().unwrap();
        let out = issue(
            t.path(),
            &["--no-host-ips", "--san", "reg.lan", "--key-type", kind],
        );
        assert!(out.status.success(), "{kind}: {}", text(&out));
        let crt = t.path().join("certs/registry.crt");
        assert!(
            verify(&t.path().join("certs/ca.crt"), &crt)
                .status
                .success(),
            "{kind}"
        );
        assert!(x509_text(&crt).contains(marker), "{kind}");
        // openssl can load the key and it matches the certificate.
        let key_pub = run_ok(
            "openssl",
            &[
                "pkey",
                "-pubout",
                "-in",
                t.path().join("certs/registry.key").to_str().unwrap(),
            ],
            Path::new("."),
        );
        let crt_pub = run_ok(
            "openssl",
            &["x509", "-noout", "-pubkey", "-in", crt.to_str().unwrap()],
            Path::new("."),
        );
        assert_eq!(key_pub, crt_pub, "{kind}");
    }
}

#[test]
fn signs_with_a_brought_ca_in_every_pem_key_format() {
    let t = tempfile::tempdir().unwrap();
    let w = t.path();
    openssl_ca(w, "pkcs8ca");
    // SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY", as older guides make them.
    run_ok(
        "openssl",
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "sec1ca.key",
        ],
        w,
    );
    run_ok(
        "openssl",
        &["genrsa", "-traditional", "-out", "pkcs1ca.key", "2048"],
        w,
    );
    for name in ["sec1ca", "pkcs1ca"] {
        run_ok(
            "openssl",
            &[
                "req",
                "-x509",
                "-key",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.crt"),
                "-subj",
                &format!("/CN={name}"),
                "-days",
                "30",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
            w,
        );
    }
    assert!(
        std::fs::read_to_string(w.join("sec1ca.key"))
            .unwrap()
            .contains("EC PRIVATE KEY")
    );
    assert!(
        std::fs::read_to_string(w.join("pkcs1ca.key"))
            .unwrap()
            .contains("RSA PRIVATE KEY")
    );

    for name in ["pkcs8ca", "sec1ca", "pkcs1ca"] {
        let dir = w.join(format!("reg-{name}"));
        let ca = w.join(format!("{name}.crt"));
        let out = issue(
            &dir,
            &[
                "--no-host-ips",
                "--san",
                "reg.lan",
                "--ca-cert",
                ca.to_str().unwrap(),
                "--ca-key",
                w.join(format!("{name}.key")).to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{name}: {}", text(&out));
        let v = verify(&ca, &dir.join("certs/registry.crt"));
        assert!(v.status.success(), "{name}: {}", text(&v));
        // The CA certificate is copied for trust installation; its key is not.
        let copied = run_ok(
            "openssl",
            &[
                "x509",
                "-noout",
                "-fingerprint",
                "-in",
                dir.join("certs/ca.crt").to_str().unwrap(),
            ],
            w,
        );
        let original = run_ok(
            "openssl",
            &[
                "x509",
                "-noout",
                "-fingerprint",
                "-in",
                ca.to_str().unwrap(),
            ],
            w,
        );
        assert_eq!(copied, original);
        assert!(!dir.join("certs/ca.key").exists());
    }
}

#[test]
fn refuses_unusable_cas_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let w = t.path();
    assert!(
        issue(&w.join("first"), &["--no-host-ips", "--san", "reg.lan"])
            .status
            .success()
    );
    openssl_ca(w, "other");
    let server_crt = w.join("first/certs/registry.crt");
    let server_key = w.join("first/certs/registry.key");
    let target = w.join("second");
    let cases: [(&Path, &Path, &str); 3] = [
        (&server_crt, &server_key, "is not a CA certificate"),
        (
            &w.join("other.crt"),
            &w.join("first/certs/ca.key"),
            "does not match",
        ),
        (&server_key, &server_key, "no certificate found"),
    ];
    for (crt, key, message) in cases {
        let out = issue(
            &target,
            &[
                "--no-host-ips",
                "--san",
                "reg.lan",
                "--ca-cert",
                crt.to_str().unwrap(),
                "--ca-key",
                key.to_str().unwrap(),
            ],
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "expected {message:?} in {err}");
        assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
        assert!(!target.exists(), "nothing may be written");
    }
}

#[test]
fn bad_input_is_one_clear_line_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("reg");
    for (args, message) in [
        (
            vec!["--san", "bad_name!"],
            "`bad_name!` is neither a DNS name nor an IP address",
        ),
        (
            vec!["--san", "300.1.2.3"],
            "`300.1.2.3` is neither a DNS name nor an IP address",
        ),
        (
            vec!["--san", "reg.lan", "--key-type", "dsa"],
            "unknown key type `dsa`",
        ),
        (
            vec![
                "--san",
                "reg.lan",
                "--ca-cert",
                "/nonexistent/ca.crt",
                "--ca-key",
                "/nonexistent/ca.key",
            ],
            "cannot read /nonexistent/ca.crt",
        ),
    ] {
        let out = issue(&dir, &args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "expected {message:?} in {err}");
        assert!(!dir.exists());
    }
}

#[test]
fn renew_keeps_names_and_ca() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    assert!(
        issue(
            dir,
            &[
                "--no-host-ips",
                "--san",
                "reg.lan",
                "--san",
                "10.1.2.3",
                "--key-type",
                "p384"
            ]
        )
        .status
        .success()
    );
    let ca_before = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    let serial = |d: &Path| {
        run_ok(
            "openssl",
            &[
                "x509",
                "-noout",
                "-serial",
                "-in",
                d.join("certs/registry.crt").to_str().unwrap(),
            ],
            d,
        )
    };
    let old_serial = serial(dir);
    let out = regctl()
        .arg("--dir")
        .arg(dir)
        .args(["cert", "renew"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(serial(dir), old_serial);
    assert_eq!(std::fs::read(dir.join("certs/ca.crt")).unwrap(), ca_before);
    let renewed = x509_text(&dir.join("certs/registry.crt"));
    assert!(renewed.contains("DNS:reg.lan") && renewed.contains("IP Address:10.1.2.3"));
    assert!(renewed.contains("NIST CURVE: P-384"));
    assert!(
        verify(&dir.join("certs/ca.crt"), &dir.join("certs/registry.crt"))
            .status
            .success()
    );
    assert_eq!(mode(&dir.join("certs/registry.key")), 0o600);
}
