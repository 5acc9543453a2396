//! `regctl doctor`: checks a registry the way Docker, containerd, podman and
//! Kubernetes would, in the order they hit problems, and for each failure
//! gives the error those clients print and the command that fixes it.
//!
//! Checks go on after a failure wherever they still can (the API is
//! examined even when the certificate would be refused, as `curl -k` would),
//! so one run shows everything that is wrong.

mod api;
mod local;
mod network;
mod tls;

use std::path::PathBuf;

use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Ok,
    Warning,
    Failure,
    /// Not run, because an earlier check failed or it does not apply.
    Skipped,
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Check {
    pub name: String,
    pub status: Status,
    pub message: String,
    /// What Docker, containerd or podman print when they hit this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_error: Option<String>,
    /// The command or edit that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &str, status: Status, message: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            status,
            message: message.into(),
            client_error: None,
            fix: None,
        }
    }

    fn ok(name: &str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Ok, message)
    }

    fn warning(name: &str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Warning, message)
    }

    fn failure(name: &str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Failure, message)
    }

    fn skipped(name: &str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Skipped, message)
    }

    fn says(mut self, client_error: impl Into<String>) -> Check {
        self.client_error = Some(client_error.into());
        self
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// What to check, and with what.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The CA the registry's certificate should chain to.
    pub ca: Option<PathBuf>,
    /// Bytes for the push test; 0 skips it.
    pub push_test: u64,
    /// Root for this machine's client configuration (`/`).
    pub root: PathBuf,
    /// The registry's htpasswd file, to explain a refused login.
    pub htpasswd: Option<PathBuf>,
    /// The registry's config.yml, to validate.
    pub config: Option<PathBuf>,
    /// The registry directory, when the registry checked is its own.
    pub registry_dir: Option<(crate::layout::RegistryDir, crate::setup::Setup)>,
}

impl Options {
    /// `host:port` as clients write it (brackets for IPv6).
    pub(crate) fn registry(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Parses `HOST[:PORT]` (`[v6]:PORT` for IPv6); the default port is 443,
/// as for Docker.
pub(crate) fn parse_target(s: &str) -> Option<(String, u16)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        h.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => 443,
            None => return None,
        };
        return Some((h.to_string(), port));
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (s, 443),
    };
    if host.is_empty() || port == 0 || host.contains('/') {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

/// Runs every check in order.
pub(crate) async fn run(opts: &Options) -> Vec<Check> {
    let mut checks = Vec::new();
    let Some(addr) = network::check(opts, &mut checks).await else {
        local::registry_dir(opts, &mut checks);
        return checks;
    };
    // Diagnosis looks at certificates clients would refuse, so it does not verify.
    let unverified = match crate::client::unverified_tls_config() {
        Ok(c) => c,
        Err(e) => {
            checks.push(Check::failure("protocol", e.to_string()));
            return checks;
        }
    };
    let tls = tls::check(opts, &addr, &unverified, &mut checks).await;
    api::check(opts, &addr, tls, &unverified, &mut checks).await;
    local::check(opts, tls, &mut checks);
    local::registry_dir(opts, &mut checks);
    checks
}

/// True when nothing failed.
pub(crate) fn passed(checks: &[Check]) -> bool {
    !checks.iter().any(|c| c.status == Status::Failure)
}

/// The report for people.
pub(crate) fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let tag = match c.status {
            Status::Ok => "  ok ",
            Status::Warning => " warn",
            Status::Failure => " FAIL",
            Status::Skipped => " skip",
        };
        out.push_str(&format!("[{tag}] {}: {}\n", c.name, c.message));
        if let Some(e) = &c.client_error {
            out.push_str(&format!("        clients say: {e}\n"));
        }
        if let Some(f) = &c.fix {
            out.push_str(&format!("        fix: {f}\n"));
        }
    }
    let failures = checks
        .iter()
        .filter(|c| c.status == Status::Failure)
        .count();
    let warnings = checks
        .iter()
        .filter(|c| c.status == Status::Warning)
        .count();
    out.push_str(&match (failures, warnings) {
        (0, 0) => "all checks passed\n".to_string(),
        (0, w) => format!("passed with {w} warning(s)\n"),
        (f, w) => format!("{f} failure(s), {w} warning(s)\n"),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("reg.lan:5000"), Some(("reg.lan".into(), 5000)));
        assert_eq!(parse_target("Reg.Lan"), Some(("reg.lan".into(), 443)));
        assert_eq!(parse_target("[::1]:5000"), Some(("::1".into(), 5000)));
        assert_eq!(parse_target("10.0.0.1:1"), Some(("10.0.0.1".into(), 1)));
        for bad in ["", ":5000", "reg:0", "reg:x", "[zz]:1", "https://reg/x"] {
            assert_eq!(parse_target(bad), None, "{bad}");
        }
    }
}
