//! Running a store's own tool for a [`Step::Command`](super::Step::Command):
//! certutil for NSS, keytool for Java, `security` on macOS, certutil.exe on
//! Windows. The CA reaches the tool as a private temporary file
//! (`{CA_FILE}`), a keystore password through the environment.

use std::io::Write as _;
use std::process::{Command, Output};

/// Stands for a file holding the CA in a step's command lines.
pub(crate) const CA_FILE: &str = "{CA_FILE}";

#[derive(Debug, thiserror::Error)]
pub(crate) enum ToolError {
    #[error("{tool} is not installed: {hint}")]
    Missing { tool: String, hint: &'static str },
    #[error("`{line}` failed ({status}): {stderr}")]
    Failed {
        line: String,
        status: String,
        stderr: String,
    },
    #[error("cannot run {tool}")]
    Io {
        tool: String,
        #[source]
        source: std::io::Error,
    },
}

fn hint(tool: &str) -> &'static str {
    match tool {
        "certutil" if cfg!(windows) => "it ships with Windows; run from an elevated prompt",
        "certutil" => {
            "install libnss3-tools (Debian, Ubuntu), nss-tools (Fedora, RHEL) or `brew install nss` (macOS)"
        }
        "keytool" => "it comes with every JDK; put the JDK's bin/ on PATH or set JAVA_HOME",
        "security" => "it ships with macOS",
        _ => "install it and run this again",
    }
}

/// A command line: the tool, then its arguments.
pub(crate) fn argv(tool: &str, args: &[&str]) -> Vec<String> {
    std::iter::once(tool)
        .chain(args.iter().copied())
        .map(str::to_string)
        .collect()
}

/// Fails with an install hint when the tool is not on PATH.
pub(crate) fn ensure(argv: &[String]) -> Result<(), ToolError> {
    let tool = argv.first().map(String::as_str).unwrap_or_default();
    which::which(tool)
        .map(|_| ())
        .map_err(|_| ToolError::Missing {
            tool: tool.to_string(),
            hint: hint(tool),
        })
}

/// The command line as people would type it (`{CA_FILE}` stays a
/// placeholder; the file exists only while the command runs).
pub(crate) fn display(argv: &[String]) -> String {
    argv.join(" ")
}

/// Runs one command, with `ca` in a temporary file where the command line
/// says `{CA_FILE}`. A non-zero exit is an error carrying stderr.
pub(crate) fn run(argv: &[String], ca: &str) -> Result<Output, ToolError> {
    let out = run_unchecked(argv, ca)?;
    if out.status.success() {
        return Ok(out);
    }
    Err(ToolError::Failed {
        line: display(argv),
        status: out.status.to_string(),
        stderr: String::from_utf8_lossy(&out.stderr)
            .trim()
            .lines()
            .last()
            .unwrap_or_default()
            .to_string(),
    })
}

fn run_unchecked(argv: &[String], ca: &str) -> Result<Output, ToolError> {
    let tool = argv.first().cloned().unwrap_or_default();
    let io = |source| ToolError::Io {
        tool: tool.clone(),
        source,
    };
    let mut file = None;
    if argv.iter().any(|a| a == CA_FILE) {
        let mut f = tempfile::Builder::new()
            .prefix("regctl-ca-")
            .suffix(".crt")
            .tempfile()
            .map_err(io)?;
        f.write_all(ca.as_bytes()).map_err(io)?;
        f.flush().map_err(io)?;
        file = Some(f);
    }
    let args = argv[1..].iter().map(|a| match &file {
        Some(f) if a == CA_FILE => f.path().as_os_str().to_owned(),
        _ => a.into(),
    });
    let mut cmd = Command::new(&tool);
    cmd.args(args);
    // Only the tool that reads it gets the keystore password.
    if argv.iter().any(|a| a == super::java::STOREPASS_ENV) {
        cmd.env(super::java::STOREPASS_ENV, super::java::storepass());
    }
    cmd.output().map_err(io)
}

/// What a store holds under regctl's name for a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// The store's tool cannot list it (Windows): install anyway, it is
    /// idempotent there.
    Unknown,
    Nothing,
    /// This CA.
    ThisCa,
    /// Another certificate: an older CA of the same registry.
    Other,
}

/// Runs the export command and compares what it prints with `ca`.
pub(crate) fn find(export: Option<&Vec<String>>, ca: &str) -> Result<Found, ToolError> {
    let Some(argv) = export else {
        return Ok(Found::Unknown);
    };
    let out = run_unchecked(argv, ca)?;
    let found = match crate::pki::certs_from_bytes(&out.stdout) {
        Ok(certs) if out.status.success() => certs,
        _ => return Ok(Found::Nothing),
    };
    let wanted = crate::pki::certs_from_bytes(ca.as_bytes()).unwrap_or_default();
    Ok(if wanted.first().is_some_and(|w| found.contains(w)) {
        Found::ThisCa
    } else {
        Found::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_reaches_the_tool_as_a_file_and_failures_carry_stderr() {
        let ca = "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n";
        let argv: Vec<String> = ["cat", CA_FILE].iter().map(|s| s.to_string()).collect();
        let out = run(&argv, ca).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), ca);
        let argv: Vec<String> = ["sh", "-c", "echo no such alias >&2; exit 3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = run(&argv, ca).unwrap_err().to_string();
        assert!(err.contains("no such alias") && err.contains('3'), "{err}");
        let missing = vec!["certutil-that-is-not-there".to_string()];
        assert!(matches!(ensure(&missing), Err(ToolError::Missing { .. })));
    }
}
