//! htpasswd basic auth for the registry.
//!
//! bcrypt is deliberately slow (~50 ms at cost 10), so a successful check is
//! remembered by a SHA-256 of `user\0password` until the file changes; wrong
//! passwords always pay the full bcrypt cost. The file is re-read when its
//! modification time or size changes, checked at most once a second.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use sha2::{Digest as _, Sha256};

use crate::htpasswd::Htpasswd;

const RECHECK: Duration = Duration::from_secs(1);
const CACHE_LIMIT: usize = 10_000;

/// Outcome of checking an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthOutcome {
    Allowed(String),
    /// No credentials: answer with the challenge.
    Missing,
    /// Credentials given but refused; the reason is for the log only.
    Refused {
        user: String,
        reason: &'static str,
    },
}

struct State {
    file: Htpasswd,
    stamp: Option<(SystemTime, u64)>,
    checked: Instant,
    verified: HashSet<[u8; 32]>,
    /// A hash with the file's bcrypt cost, checked for an unknown user so a
    /// refusal takes as long as for a wrong password (no user discovery by
    /// timing).
    decoy: String,
}

/// A bcrypt hash of a random password at the cost most of `file`'s
/// entries use.
fn decoy_for(file: &Htpasswd) -> String {
    let mut costs: Vec<u32> = file
        .entries()
        .filter_map(|e| match e.scheme() {
            crate::htpasswd::Scheme::Bcrypt { cost } => Some(cost),
            _ => None,
        })
        .collect();
    costs.sort_unstable();
    let cost = costs
        .get(costs.len() / 2)
        .copied()
        .unwrap_or(crate::htpasswd::DEFAULT_COST)
        .clamp(4, 31);
    let mut seed = [0u8; 16];
    let _ = getrandom::fill(&mut seed);
    bcrypt::hash(hex::encode(seed), cost).unwrap_or_default()
}

/// Checks basic credentials against an htpasswd file.
pub(crate) struct Authenticator {
    pub realm: String,
    path: PathBuf,
    state: Mutex<State>,
}

/// The htpasswd file cannot serve logins.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthLoadError {
    #[error("cannot load the htpasswd file {}", path.display())]
    Load {
        path: PathBuf,
        #[source]
        source: crate::htpasswd::HtpasswdError,
    },
    #[error(
        "no user can log in with the htpasswd file {}: {}; add one with `regctl user add NAME` (bcrypt)",
        path.display(), problems.join("; ")
    )]
    NoUsableUser {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// What `serve --check-config` finds in an htpasswd file.
pub(crate) struct FileReport {
    /// Users that can log in.
    pub usable: usize,
    /// Every line that cannot serve a login, and why.
    pub problems: Vec<String>,
}

/// Checks every line of an htpasswd file as the registry reads it. Fails
/// when nobody could log in (an empty file, plaintext entries, or a file
/// that is not an htpasswd file at all, such as config.yml).
pub(crate) fn check_file(path: &std::path::Path) -> Result<FileReport, AuthLoadError> {
    let text = crate::fsutil::read_to_string(path).map_err(|e| AuthLoadError::Load {
        path: path.to_path_buf(),
        source: e.into(),
    })?;
    let report = check_text(&text);
    if report.usable == 0 {
        let mut problems = report.problems;
        if problems.is_empty() {
            problems.push("it has no entries".into());
        }
        return Err(AuthLoadError::NoUsableUser {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(report)
}

/// [`check_file`] on the file's text.
pub(crate) fn check_text(text: &str) -> FileReport {
    let mut usable = 0;
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let n = i + 1;
        match trimmed.split_once(':') {
            None => problems.push(format!("line {n} is not `user:hash`")),
            Some(("", _)) => problems.push(format!("line {n} has no user name")),
            Some((user, hash)) => {
                let scheme = crate::htpasswd::Scheme::of(hash.trim());
                if scheme.is_bcrypt() {
                    usable += 1;
                } else {
                    problems.push(format!(
                        "line {n}: `{}` has a {scheme} entry, and only bcrypt can log in",
                        super::server::log_token(user, false)
                    ));
                }
            }
        }
    }
    FileReport { usable, problems }
}

fn stamp(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Authenticator {
    pub(crate) fn load(realm: &str, path: PathBuf) -> Result<Self, AuthLoadError> {
        let file = Htpasswd::load(&path, false).map_err(|source| AuthLoadError::Load {
            path: path.clone(),
            source,
        })?;
        warn_non_bcrypt(&file);
        let decoy = decoy_for(&file);
        Ok(Authenticator {
            realm: realm.to_string(),
            state: Mutex::new(State {
                file,
                stamp: stamp(&path),
                checked: Instant::now(),
                verified: HashSet::new(),
                decoy,
            }),
            path,
        })
    }

    /// Re-reads the file now (SIGHUP), changed or not.
    pub(crate) fn reload_now(&self) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.stamp = None;
        self.refresh(&mut st, true);
    }

    /// The `WWW-Authenticate` challenge.
    pub(crate) fn challenge(&self) -> String {
        format!("Basic realm=\"{}\"", self.realm.replace('"', "'"))
    }

    fn refresh(&self, st: &mut State, force: bool) {
        if !force && st.checked.elapsed() < RECHECK {
            return;
        }
        st.checked = Instant::now();
        let now = stamp(&self.path);
        if now == st.stamp {
            return;
        }
        match Htpasswd::load(&self.path, false) {
            Ok(file) => {
                tracing::info!(path = %self.path.display(), "htpasswd file changed; reloaded");
                warn_non_bcrypt(&file);
                st.decoy = decoy_for(&file);
                st.file = file;
                st.stamp = now;
                st.verified.clear();
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot reload the htpasswd file; keeping the previous users")
            }
        }
    }

    /// Checks an `Authorization` header value.
    pub(crate) async fn check(&self, header: Option<&[u8]>) -> AuthOutcome {
        let Some((user, password)) = header.and_then(parse_basic) else {
            return AuthOutcome::Missing;
        };
        let key: [u8; 32] = Sha256::new()
            .chain_update(user.as_bytes())
            .chain_update([0u8])
            .chain_update(password.as_bytes())
            .finalize()
            .into();
        // Every refusal costs one bcrypt check, whatever the reason, so the
        // answer's timing does not tell whether a user exists.
        let (hash, refusal) = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            self.refresh(&mut st, false);
            if st.verified.contains(&key) {
                return AuthOutcome::Allowed(user);
            }
            match st.file.login_entry(&user) {
                Ok(e) => (e.hash.clone(), None),
                Err(crate::htpasswd::HtpasswdError::NotBcrypt { .. }) => {
                    (st.decoy.clone(), Some("entry is not bcrypt"))
                }
                Err(_) => (st.decoy.clone(), Some("unknown user")),
            }
        };
        let pw = password.clone();
        let ok = tokio::task::spawn_blocking(move || bcrypt::verify(pw, &hash).unwrap_or(false))
            .await
            .unwrap_or(false);
        if let Some(reason) = refusal {
            return AuthOutcome::Refused { user, reason };
        }
        if !ok {
            return AuthOutcome::Refused {
                user,
                reason: "wrong password",
            };
        }
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.verified.len() >= CACHE_LIMIT {
            st.verified.clear();
        }
        st.verified.insert(key);
        AuthOutcome::Allowed(user)
    }
}

fn warn_non_bcrypt(file: &Htpasswd) {
    for (user, scheme) in file.non_bcrypt() {
        tracing::warn!(user, %scheme, "htpasswd entry is not bcrypt; this user cannot log in (reset it with regctl htpasswd add)");
    }
}

/// Splits `Basic base64(user:password)`.
pub(crate) fn parse_basic(value: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(value).ok()?;
    let (scheme, cred) = text.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(cred.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (u, p) = decoded.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_basic_headers() {
        assert_eq!(
            parse_basic(b"Basic YWxpY2U6czNjcjp0"),
            Some(("alice".into(), "s3cr:t".into()))
        );
        assert_eq!(parse_basic(b"Bearer abc"), None);
        assert_eq!(parse_basic(b"Basic !!!"), None);
    }
}
