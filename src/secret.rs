//! Reading passwords without ever taking them from argv.
//!
//! A password on the command line lands in shell history and in `ps` for every
//! user on the machine, so regctl reads it from stdin, a named environment
//! variable, or a hidden prompt.

use std::io::{IsTerminal, Read};

/// Where a password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PasswordSource {
    /// Read all of stdin; one trailing newline is dropped (as `docker login
    /// --password-stdin` does).
    Stdin,
    /// Read the named environment variable.
    Env(String),
    /// Ask on the terminal, hidden, optionally twice.
    Prompt { confirm: bool },
}

/// Why no password could be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecretError {
    #[error("environment variable {0} is not set (or not valid UTF-8)")]
    EnvMissing(String),
    #[error("no password on stdin")]
    EmptyStdin,
    #[error("the password on stdin spans several lines; give one line")]
    MultiLine,
    #[error("cannot read the password from stdin: {0}")]
    Stdin(std::io::Error),
    #[error(
        "no password given and stdin is not a terminal, so regctl cannot prompt: pass --password-stdin or --password-env VAR"
    )]
    NoTerminal,
    #[error("password prompt failed: {0}")]
    Prompt(String),
}

/// Reads a password from `source`; `prompt` labels the terminal prompt.
pub(crate) fn read_password(source: &PasswordSource, prompt: &str) -> Result<String, SecretError> {
    match source {
        PasswordSource::Stdin => {
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .map_err(SecretError::Stdin)?;
            let line = buf
                .strip_suffix('\n')
                .map(|s| s.strip_suffix('\r').unwrap_or(s))
                .unwrap_or(&buf);
            if line.contains('\n') {
                return Err(SecretError::MultiLine);
            }
            if line.is_empty() {
                return Err(SecretError::EmptyStdin);
            }
            Ok(line.to_string())
        }
        PasswordSource::Env(name) => {
            std::env::var(name).map_err(|_| SecretError::EnvMissing(name.clone()))
        }
        PasswordSource::Prompt { confirm } => {
            if !std::io::stdin().is_terminal() {
                return Err(SecretError::NoTerminal);
            }
            let mut p = dialoguer::Password::new().with_prompt(prompt);
            if *confirm {
                p = p.with_confirmation("Repeat the password", "The passwords do not match");
            }
            p.interact().map_err(|e| SecretError::Prompt(e.to_string()))
        }
    }
}
