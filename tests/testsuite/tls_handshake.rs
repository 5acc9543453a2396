//! A real TLS handshake with the issued certificate: `openssl s_server` serves
//! it, and `openssl s_client` and `curl` verify it with only `ca.crt`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::{regctl, require, run, text, wait_for_port};

/// `openssl s_server` on a free loopback port, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(certs: &Path) -> Server {
        require("openssl");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server",
                "-quiet",
                "-www",
                "-accept",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("-cert")
            .arg(certs.join("registry.crt"))
            .arg("-key")
            .arg(certs.join("registry.key"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start openssl s_server");
        wait_for_port(port, || "openssl s_server did not start".into());
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s_client(server: &Server, ca: &Path, check: &[&str]) -> (bool, String) {
    let mut args = vec![
        "s_client".to_string(),
        "-connect".into(),
        format!("127.0.0.1:{}", server.port),
        "-CAfile".into(),
        ca.display().to_string(),
        "-verify_return_error".into(),
        "-brief".into(),
    ];
    args.extend(check.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run("openssl", &refs, Path::new("."));
    (out.status.success(), text(&out))
}

#[test]
fn every_san_verifies_and_other_names_fail() {
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
            "192.168.0.12",
            "--san",
            "localhost",
            "--san",
            "127.0.0.1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let certs = t.path().join("certs");
    let ca = certs.join("ca.crt");
    let server = Server::start(&certs);

    for name in ["registry.example.lan", "localhost"] {
        let (ok, log) = s_client(
            &server,
            &ca,
            &["-servername", name, "-verify_hostname", name],
        );
        assert!(ok, "{name} should verify: {log}");
    }
    for ip in ["192.168.0.12", "127.0.0.1"] {
        let (ok, log) = s_client(&server, &ca, &["-verify_ip", ip]);
        assert!(ok, "{ip} should verify: {log}");
    }
    let (ok, log) = s_client(&server, &ca, &["-verify_hostname", "other.example.lan"]);
    assert!(
        !ok && log.contains("hostname mismatch"),
        "a name outside the SANs must fail: {log}"
    );
    let (ok, log) = s_client(&server, &ca, &["-verify_ip", "10.9.9.9"]);
    assert!(
        !ok && log.contains("IP address mismatch"),
        "an IP outside the SANs must fail: {log}"
    );

    // curl, the way people test a registry by hand.
    let port = server.port.to_string();
    let curl = |host: &str| {
        run(
            "curl",
            &[
                "-sS",
                "-o",
                "/dev/null",
                "--cacert",
                ca.to_str().unwrap(),
                "--resolve",
                &format!("{host}:{port}:127.0.0.1"),
                &format!("https://{host}:{port}/"),
            ],
            Path::new("."),
        )
    };
    assert!(curl("registry.example.lan").status.success());
    assert!(curl("localhost").status.success());
    let wrong = curl("other.example.lan");
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("no alternative certificate subject name matches"),
        "{}",
        text(&wrong)
    );
    // Without the CA, curl refuses: the negative control.
    let untrusted = run(
        "curl",
        &[
            "-sS",
            "-o",
            "/dev/null",
            &format!("https://localhost:{port}/"),
        ],
        Path::new("."),
    );
    assert!(!untrusted.status.success());
}
