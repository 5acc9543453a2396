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
}

/// Checks basic credentials against an htpasswd file.
pub(crate) struct Authenticator {
    pub realm: String,
    path: PathBuf,
    state: Mutex<State>,
}

/// The htpasswd file could not be loaded at start-up.
#[derive(Debug, thiserror::Error)]
#[error("cannot load the htpasswd file {}: {source}", path.display())]
pub(crate) struct AuthLoadError {
    path: PathBuf,
    #[source]
    source: crate::htpasswd::HtpasswdError,
}

fn stamp(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Authenticator {
    pub(crate) fn load(realm: &str, path: PathBuf) -> Result<Self, AuthLoadError> {
        let file = Htpasswd::load(&path, false).map_err(|source| AuthLoadError {
            path: path.clone(),
            source,
        })?;
        warn_non_bcrypt(&file);
        Ok(Authenticator {
            realm: realm.to_string(),
            state: Mutex::new(State {
                file,
                stamp: stamp(&path),
                checked: Instant::now(),
                verified: HashSet::new(),
            }),
            path,
        })
    }

    /// The `WWW-Authenticate` challenge.
    pub(crate) fn challenge(&self) -> String {
        format!("Basic realm=\"{}\"", self.realm.replace('"', "'"))
    }

    fn refresh(&self, st: &mut State) {
        if st.checked.elapsed() < RECHECK {
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
        let hash = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            self.refresh(&mut st);
            if st.verified.contains(&key) {
                return AuthOutcome::Allowed(user);
            }
            match st.file.login_entry(&user) {
                Ok(e) => e.hash.clone(),
                Err(crate::htpasswd::HtpasswdError::NotBcrypt { .. }) => {
                    return AuthOutcome::Refused {
                        user,
                        reason: "entry is not bcrypt",
                    };
                }
                Err(_) => {
                    return AuthOutcome::Refused {
                        user,
                        reason: "unknown user",
                    };
                }
            }
        };
        let pw = password.clone();
        let ok = tokio::task::spawn_blocking(move || bcrypt::verify(pw, &hash).unwrap_or(false))
            .await
            .unwrap_or(false);
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
fn parse_basic(value: &[u8]) -> Option<(String, String)> {
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
