//! A real `regctl serve` process on a free loopback port with TLS and
//! htpasswd, and curl as the client.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{regctl, require, run_ok};

pub(crate) const USER: &str = "alice";
pub(crate) const PASSWORD: &str = "correct horse";

/// What to put in the generated config.yml.
#[derive(Clone)]
pub(crate) struct Options {
    pub tls: bool,
    pub auth: bool,
    pub delete: bool,
    pub readonly: bool,
    /// Extra top-level YAML appended verbatim.
    pub extra: String,
    /// Extra lines of the `http:` section, indented by the caller.
    pub http: String,
    /// Run the server with this soft and hard open-file limit (`prlimit`).
    pub nofile: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: true,
            auth: true,
            delete: true,
            readonly: false,
            extra: String::new(),
            http: String::new(),
            nofile: None,
        }
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running registry; killed on drop.
pub(crate) struct Registry {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub opts: Options,
    child: Option<Child>,
}

/// What curl got back.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The first OCI error code in the body.
    pub(crate) fn code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Registry {
    pub(crate) fn start() -> Registry {
        Self::start_with(Options::default())
    }

    pub(crate) fn start_with(opts: Options) -> Registry {
        require("curl");
        let dir = tempfile::tempdir().unwrap();
        let out = regctl()
            .arg("--dir")
            .arg(dir.path())
            .args([
                "cert",
                "issue",
                "--no-host-ips",
                "--san",
                "localhost",
                "--san",
                "127.0.0.1",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = regctl()
            .args(["htpasswd", "add"])
            .arg(dir.path().join("auth/htpasswd"))
            .args([USER, "--password-stdin", "--cost", "4"])
            .write_stdin(format!("{PASSWORD}\n"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let mut reg = Registry {
            dir,
            port: free_port(),
            opts,
            child: None,
        };
        reg.write_config();
        reg.spawn();
        reg
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn config_path(&self) -> PathBuf {
        self.path().join("config.yml")
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    pub(crate) fn ca(&self) -> PathBuf {
        self.path().join("certs/ca.crt")
    }

    pub(crate) fn write_config(&self) {
        let o = &self.opts;
        let mut cfg = format!(
            "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: data\n  delete:\n    enabled: {}\n  maintenance:\n    readonly:\n      enabled: {}\nhttp:\n  addr: 127.0.0.1:{}\n  secret: test-secret\n",
            o.delete, o.readonly, self.port
        );
        cfg.push_str(&o.http);
        if o.tls {
            cfg.push_str(
                "  tls:\n    certificate: certs/registry.crt\n    key: certs/registry.key\n",
            );
        }
        if o.auth {
            cfg.push_str("auth:\n  htpasswd:\n    realm: regctl-test\n    path: auth/htpasswd\n");
        }
        cfg.push_str(&o.extra);
        std::fs::write(self.config_path(), cfg).unwrap();
    }

    pub(crate) fn spawn(&mut self) {
        let log = std::fs::File::create(self.path().join("serve.log")).unwrap();
        let regctl = assert_cmd::cargo::cargo_bin("regctl");
        let mut cmd = match self.opts.nofile {
            Some(n) => {
                require("prlimit");
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={n}:{n}")).arg(&regctl);
                c
            }
            None => Command::new(&regctl),
        };
        let child = cmd
            .args(["serve", "--config"])
            .arg(self.config_path())
            .env_remove("REGCTL_DIR")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start regctl serve");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("regctl serve exited with {status}: {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "regctl serve did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("serve.log")).unwrap_or_default()
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL, as a crash.
    pub(crate) fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait, as a clean stop.
    pub(crate) fn stop(&mut self) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("running");
        run_ok("kill", &["-TERM", &c.id().to_string()], Path::new("."));
        c.wait().unwrap()
    }

    /// Runs skopeo with this registry's CA and the test user's credentials.
    pub(crate) fn skopeo(&self, args: &[&str]) -> std::process::Output {
        require("skopeo");
        // skopeo reads every *.crt in the directory as a CA.
        let certs = self.path().join("skopeo-certs");
        std::fs::create_dir_all(&certs).unwrap();
        std::fs::copy(self.ca(), certs.join("ca.crt")).unwrap();
        let (certs, creds) = (certs.display().to_string(), format!("{USER}:{PASSWORD}"));
        let mut full = vec![args[0].to_string()];
        if args[0] == "copy" {
            full.extend(
                [
                    "--src-cert-dir",
                    &certs,
                    "--dest-cert-dir",
                    &certs,
                    "--src-creds",
                    &creds,
                    "--dest-creds",
                    &creds,
                ]
                .map(String::from),
            );
        } else {
            full.extend(["--cert-dir", &certs, "--creds", &creds].map(String::from));
        }
        full.extend(args[1..].iter().map(|s| s.to_string()));
        let refs: Vec<&str> = full.iter().map(String::as_str).collect();
        super::run("skopeo", &refs, Path::new("."))
    }

    pub(crate) fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        let scheme = if self.opts.tls { "https" } else { "http" };
        format!("{scheme}://localhost:{}{path}", self.port)
    }

    /// A request with the test user's credentials.
    pub(crate) fn req(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: Option<&[u8]>,
    ) -> Reply {
        self.request(method, path, headers, body, Some((USER, PASSWORD)))
    }

    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: Option<&[u8]>,
        creds: Option<(&str, &str)>,
    ) -> Reply {
        self.try_request(method, path, headers, body, creds)
            .unwrap_or_else(|e| panic!("curl failed: {e}"))
    }

    /// Like [`request`](Self::request) but a transport failure (server
    /// gone) is an `Err`, for tests that kill the server mid-flight.
    pub(crate) fn try_request(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: Option<&[u8]>,
        creds: Option<(&str, &str)>,
    ) -> Result<Reply, String> {
        let tmp = tempfile::tempdir().unwrap();
        let (bf, hf) = (tmp.path().join("body"), tmp.path().join("headers"));
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--path-as-is", "-o"])
            .arg(&bf)
            .arg("-D")
            .arg(&hf)
            .args(["-w", "%{http_code}"]);
        if self.opts.tls {
            cmd.arg("--cacert").arg(self.ca());
        }
        if let Some((u, p)) = creds {
            cmd.arg("-u").arg(format!("{u}:{p}"));
        }
        if method == "HEAD" {
            cmd.arg("--head");
        } else {
            cmd.args(["-X", method]);
        }
        for h in headers {
            cmd.args(["-H", h]);
        }
        if let Some(b) = body {
            let f = tmp.path().join("upload");
            std::fs::write(&f, b).unwrap();
            cmd.arg("--data-binary").arg(format!("@{}", f.display()));
            if !headers
                .iter()
                .any(|h| h.to_ascii_lowercase().starts_with("content-type"))
            {
                cmd.args(["-H", "Content-Type: application/octet-stream"]);
            }
        }
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        let out = cmd.arg(url).stdin(Stdio::null()).output().unwrap();
        let status: u16 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        if status == 0 {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let raw = std::fs::read_to_string(&hf).unwrap_or_default();
        // With 100-continue there are several header blocks; keep the last.
        let block = raw
            .split("\r\n\r\n")
            .filter(|b| !b.trim().is_empty())
            .last()
            .unwrap_or("");
        let headers = block
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        // With --head curl writes the headers to the output file; a HEAD
        // response has no body.
        let body = if method == "HEAD" {
            Vec::new()
        } else {
            std::fs::read(&bf).unwrap_or_default()
        };
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Pushes a blob monolithically; returns its digest.
    pub(crate) fn push_blob(&self, repo: &str, data: &[u8]) -> String {
        let d = sha256(data);
        let r = self.req(
            "POST",
            &format!("/v2/{repo}/blobs/uploads/?digest={d}"),
            &[],
            Some(data),
        );
        assert_eq!(
            r.status,
            201,
            "push blob: {}",
            String::from_utf8_lossy(&r.body)
        );
        d
    }

    /// Pushes a manifest; returns its digest.
    pub(crate) fn push_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        body: &[u8],
    ) -> String {
        let r = self.req(
            "PUT",
            &format!("/v2/{repo}/manifests/{reference}"),
            &[&format!("Content-Type: {media_type}")],
            Some(body),
        );
        assert_eq!(
            r.status,
            201,
            "push manifest: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.header("docker-content-digest").unwrap().to_string()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.kill();
    }
}

pub(crate) fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(data)))
}

pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// An image manifest over pushed blobs.
pub(crate) fn image_manifest(
    config: (&str, usize),
    layers: &[(&str, usize)],
    extra: serde_json::Value,
) -> Vec<u8> {
    let mut m = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config.0, "size": config.1},
        "layers": layers.iter().map(|(d, s)| serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s})).collect::<Vec<_>>(),
    });
    if let serde_json::Value::Object(extra) = extra {
        for (k, v) in extra {
            m[k] = v;
        }
    }
    serde_json::to_vec(&m).unwrap()
}
