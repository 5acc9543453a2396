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
    #[error("the password is too short: use at least {MIN_PASSWORD} characters")]
    TooShort,
    #[error(
        "the password is longer than {MAX_PASSWORD} bytes, and bcrypt ignores everything after them: use a shorter one"
    )]
    TooLong,
    #[error("the password contains a control character (a stray newline or tab?)")]
    Control,
    #[error("no randomness for a generated password: {0}")]
    Random(String),
}

/// The shortest password accepted anywhere (init, the wizard, `user`,
/// `htpasswd`): one policy, so a user the wizard refuses cannot be added
/// another way.
pub(crate) const MIN_PASSWORD: usize = 8;
/// bcrypt reads only this many bytes; a longer password would silently
/// match any other with the same start.
pub(crate) const MAX_PASSWORD: usize = 72;

/// The password policy.
pub(crate) fn check_policy(password: &str) -> Result<(), SecretError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(SecretError::TooShort);
    }
    if password.len() > MAX_PASSWORD {
        return Err(SecretError::TooLong);
    }
    if password.chars().any(char::is_control) {
        return Err(SecretError::Control);
    }
    Ok(())
}

/// Cryptographically random bytes.
pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, SecretError> {
    let mut raw = vec![0u8; n];
    getrandom::fill(&mut raw).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(raw)
}

/// A 24-character password from an alphabet without look-alikes (~140 bits).
pub(crate) fn generate_password() -> Result<String, SecretError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut out = String::new();
    while out.len() < 24 {
        for b in random_bytes(32)? {
            // Rejection sampling keeps every character equally likely.
            if usize::from(b) < 256 - 256 % ALPHABET.len() && out.len() < 24 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

/// Where a new password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NewPasswordSource {
    /// Read from stdin, a variable, or a prompt asked twice.
    Read(PasswordSource),
    /// Generated, printed once and kept in a 0600 file.
    Generate,
}

impl NewPasswordSource {
    /// From `--password-stdin`, `--password-env VAR`, `--generate-password`;
    /// without any of them, a hidden prompt asked twice.
    pub(crate) fn from_flags(stdin: bool, env: Option<&str>, generate: bool) -> Self {
        if generate {
            NewPasswordSource::Generate
        } else if stdin {
            NewPasswordSource::Read(PasswordSource::Stdin)
        } else if let Some(var) = env {
            NewPasswordSource::Read(PasswordSource::Env(var.to_string()))
        } else {
            NewPasswordSource::Read(PasswordSource::Prompt { confirm: true })
        }
    }
}

/// A new password and whether it was generated.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NewPassword {
    pub value: String,
    pub generated: bool,
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never a secret in a panic or a log.
        f.debug_struct("NewPassword")
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

/// Reads or generates a new password for `user`, checked against the policy.
pub(crate) fn new_password(
    source: &NewPasswordSource,
    user: &str,
) -> Result<NewPassword, SecretError> {
    match source {
        NewPasswordSource::Generate => Ok(NewPassword {
            value: generate_password()?,
            generated: true,
        }),
        NewPasswordSource::Read(src) => {
            let value = read_password(src, &format!("Password for {user}"))?;
            check_policy(&value)?;
            Ok(NewPassword {
                value,
                generated: false,
            })
        }
    }
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
                p = p
                    .with_confirmation("Repeat the password", "The passwords do not match")
                    .validate_with(|pw: &String| check_policy(pw).map_err(|e| e.to_string()));
            }
            p.interact().map_err(|e| SecretError::Prompt(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_policy() {
        assert!(matches!(check_policy("x"), Err(SecretError::TooShort)));
        assert!(matches!(
            check_policy("seven77"),
            Err(SecretError::TooShort)
        ));
        assert!(check_policy("eight888").is_ok());
        assert!(matches!(
            check_policy(&"a".repeat(73)),
            Err(SecretError::TooLong)
        ));
        assert!(matches!(
            check_policy("tab\there!"),
            Err(SecretError::Control)
        ));
        let generated = generate_password().unwrap();
        assert_eq!(generated.len(), 24);
        assert!(check_policy(&generated).is_ok());
        assert_ne!(generated, generate_password().unwrap());
    }
}
