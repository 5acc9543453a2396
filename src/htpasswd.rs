//! Apache-compatible htpasswd files, bcrypt only.
//!
//! distribution (and `regctl serve`) accept only bcrypt entries; an MD5
//! (`$apr1$`), SHA-1 (`{SHA}`), crypt or plain entry makes that user's logins
//! fail with a bare 401. So regctl writes `$2y$` (what `htpasswd -B` writes),
//! keeps every other line of an existing file untouched, and names the users
//! whose entries the registry will reject.

use std::fmt;
use std::path::Path;

use crate::fsutil::{self, MODE_SECRET, Overwrite};

/// bcrypt work factor when none is given. Apache's default is 5; 10 is the
/// floor recommended today and costs ~50 ms per login check.
pub(crate) const DEFAULT_COST: u32 = 10;

/// How an entry's password is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Bcrypt { cost: u32 },
    Md5Apr1,
    Sha1,
    Crypt,
    Plain,
}

impl Scheme {
    /// Classifies a hash the way Apache's `htpasswd` writes them.
    pub(crate) fn of(hash: &str) -> Scheme {
        if let Some(rest) = ["$2y$", "$2a$", "$2b$", "$2x$"]
            .iter()
            .find_map(|p| hash.strip_prefix(p))
        {
            let cost = rest.get(..2).and_then(|c| c.parse().ok()).unwrap_or(0);
            return Scheme::Bcrypt { cost };
        }
        if hash.starts_with("$apr1$") {
            Scheme::Md5Apr1
        } else if hash.starts_with("{SHA}") {
            Scheme::Sha1
        } else if hash.starts_with("$1$")
            || hash.starts_with("$5$")
            || hash.starts_with("$6$")
            || (hash.len() == 13
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/'))
        {
            Scheme::Crypt
        } else {
            Scheme::Plain
        }
    }

    /// Only bcrypt entries can log in to the registry.
    pub(crate) fn is_bcrypt(self) -> bool {
        matches!(self, Scheme::Bcrypt { .. })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::Bcrypt { cost } => write!(f, "bcrypt (cost {cost})"),
            Scheme::Md5Apr1 => f.write_str("MD5 (apr1)"),
            Scheme::Sha1 => f.write_str("SHA-1"),
            Scheme::Crypt => f.write_str("crypt"),
            Scheme::Plain => f.write_str("plain text"),
        }
    }
}

/// Errors from reading, changing or checking an htpasswd file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HtpasswdError {
    #[error(
        "invalid user name `{0}`: it must be 1-255 characters without `:`, spaces or control characters"
    )]
    BadUser(String),
    #[error("the password is empty")]
    EmptyPassword,
    #[error("bcrypt cost must be between 4 and 31, got {0}")]
    BadCost(u32),
    #[error("no user `{0}` in the file")]
    NoSuchUser(String),
    #[error(
        "user `{user}` has a {scheme} entry; the registry accepts only bcrypt, so this user cannot log in (reset it: regctl htpasswd add FILE {user})"
    )]
    NotBcrypt { user: String, scheme: Scheme },
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Read(#[from] fsutil::ReadError),
    #[error(transparent)]
    Write(#[from] fsutil::FsError),
}

/// One `user:hash` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub user: String,
    pub hash: String,
}

impl Entry {
    pub(crate) fn scheme(&self) -> Scheme {
        Scheme::of(&self.hash)
    }
}

#[derive(Debug, Clone)]
enum Line {
    Entry(Entry),
    /// Comments, blank lines and anything unparsed, kept as they were.
    Other(String),
}

/// Did [`Htpasswd::set`] add a user or change one?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Added,
    Updated,
}

/// An htpasswd file in memory, preserving lines regctl does not own.
#[derive(Debug, Clone, Default)]
pub(crate) struct Htpasswd {
    lines: Vec<Line>,
}

/// Checks a user name as Apache's `htpasswd` and distribution read it.
pub(crate) fn validate_user(user: &str) -> Result<(), HtpasswdError> {
    let ok = !user.is_empty()
        && user.len() <= 255
        && !user.contains(':')
        && !user.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(HtpasswdError::BadUser(user.to_string()))
    }
}

impl Htpasswd {
    /// Parses file text; never fails, unknown lines are kept verbatim.
    pub(crate) fn parse(text: &str) -> Self {
        let lines = text
            .lines()
            .map(|l| {
                let trimmed = l.trim();
                match trimmed.split_once(':') {
                    Some((user, hash)) if !trimmed.starts_with('#') && !user.is_empty() => {
                        Line::Entry(Entry {
                            user: user.to_string(),
                            hash: hash.trim().to_string(),
                        })
                    }
                    _ => Line::Other(l.to_string()),
                }
            })
            .collect();
        Htpasswd { lines }
    }

    /// Loads a file; with `missing_ok`, a missing file is an empty one.
    pub(crate) fn load(path: &Path, missing_ok: bool) -> Result<Self, HtpasswdError> {
        if missing_ok && !path.exists() {
            return Ok(Self::default());
        }
        Ok(Self::parse(&fsutil::read_to_string(path)?))
    }

    /// Writes the file atomically with mode 0600.
    pub(crate) fn save(&self, path: &Path) -> Result<(), HtpasswdError> {
        fsutil::write_atomic(
            path,
            self.render().as_bytes(),
            MODE_SECRET,
            Overwrite::Replace,
        )?;
        Ok(())
    }

    /// The file's text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Entry(e) => {
                    out.push_str(&e.user);
                    out.push(':');
                    out.push_str(&e.hash);
                }
                Line::Other(s) => out.push_str(s),
            }
            out.push('\n');
        }
        out
    }

    /// Every entry, in file order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.lines.iter().filter_map(|l| match l {
            Line::Entry(e) => Some(e),
            Line::Other(_) => None,
        })
    }

    /// The entry for `user`; the first one wins, as in distribution.
    pub(crate) fn get(&self, user: &str) -> Option<&Entry> {
        self.entries().find(|e| e.user == user)
    }

    /// Entries the registry will reject, with their schemes.
    pub(crate) fn non_bcrypt(&self) -> Vec<(&str, Scheme)> {
        self.entries()
            .filter(|e| !e.scheme().is_bcrypt())
            .map(|e| (e.user.as_str(), e.scheme()))
            .collect()
    }

    /// Adds `user` or replaces their password, with a bcrypt `$2y$` hash.
    pub(crate) fn set(
        &mut self,
        user: &str,
        password: &str,
        cost: u32,
    ) -> Result<Change, HtpasswdError> {
        validate_user(user)?;
        if password.is_empty() {
            return Err(HtpasswdError::EmptyPassword);
        }
        if !(4..=31).contains(&cost) {
            return Err(HtpasswdError::BadCost(cost));
        }
        let hash = bcrypt::hash_with_result(password, cost)
            .map_err(|e| HtpasswdError::Hash(e.to_string()))?
            .format_for_version(bcrypt::Version::TwoY);
        let entry = Entry {
            user: user.to_string(),
            hash,
        };
        let mut change = Change::Added;
        // Replace the first entry and drop duplicates, so the file has one answer.
        let mut replaced = false;
        self.lines.retain_mut(|l| match l {
            Line::Entry(e) if e.user == user => {
                if replaced {
                    false
                } else {
                    *e = entry.clone();
                    replaced = true;
                    change = Change::Updated;
                    true
                }
            }
            _ => true,
        });
        if !replaced {
            self.lines.push(Line::Entry(entry));
        }
        Ok(change)
    }

    /// Removes every entry for `user`.
    pub(crate) fn remove(&mut self, user: &str) -> Result<(), HtpasswdError> {
        let before = self.lines.len();
        self.lines
            .retain(|l| !matches!(l, Line::Entry(e) if e.user == user));
        if self.lines.len() == before {
            return Err(HtpasswdError::NoSuchUser(user.to_string()));
        }
        Ok(())
    }

    /// The entry the registry would check for `user`: it must exist and be
    /// bcrypt.
    pub(crate) fn login_entry(&self, user: &str) -> Result<&Entry, HtpasswdError> {
        let entry = self
            .get(user)
            .ok_or_else(|| HtpasswdError::NoSuchUser(user.to_string()))?;
        let scheme = entry.scheme();
        if !scheme.is_bcrypt() {
            return Err(HtpasswdError::NotBcrypt {
                user: user.to_string(),
                scheme,
            });
        }
        Ok(entry)
    }

    /// Checks a password as the registry would: bcrypt entries only.
    pub(crate) fn verify(&self, user: &str, password: &str) -> Result<bool, HtpasswdError> {
        let entry = self.login_entry(user)?;
        bcrypt::verify(password, &entry.hash).map_err(|e| HtpasswdError::Hash(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_foreign_lines_and_replaces_users() {
        let mut f = Htpasswd::parse("# admins\nalice:$apr1$x$y\n\nbob:{SHA}abc=\nalice:dup\n");
        assert_eq!(f.non_bcrypt().len(), 3);
        assert_eq!(f.set("alice", "pw", 4).unwrap(), Change::Updated);
        assert_eq!(f.set("carol", "pw", 4).unwrap(), Change::Added);
        let text = f.render();
        assert!(text.starts_with("# admins\nalice:$2y$04$"));
        assert!(text.contains("\n\nbob:{SHA}abc=\n"));
        assert_eq!(text.matches("alice:").count(), 1);
        assert!(f.verify("alice", "pw").unwrap());
        assert!(!f.verify("alice", "nope").unwrap());
        assert!(matches!(
            f.verify("bob", "x"),
            Err(HtpasswdError::NotBcrypt {
                scheme: Scheme::Sha1,
                ..
            })
        ));
    }

    #[test]
    fn rejects_bad_names_and_passwords() {
        let mut f = Htpasswd::default();
        for bad in ["", "a:b", "a b", "a\nb"] {
            assert!(matches!(
                f.set(bad, "pw", 4),
                Err(HtpasswdError::BadUser(_))
            ));
        }
        assert!(matches!(
            f.set("a", "", 4),
            Err(HtpasswdError::EmptyPassword)
        ));
        assert!(matches!(
            f.set("a", "pw", 3),
            Err(HtpasswdError::BadCost(3))
        ));
        assert!(matches!(
            f.remove("nobody"),
            Err(HtpasswdError::NoSuchUser(_))
        ));
    }

    #[test]
    fn classifies_schemes() {
        assert_eq!(Scheme::of("$2y$12$abc"), Scheme::Bcrypt { cost: 12 });
        assert_eq!(Scheme::of("$apr1$a$b"), Scheme::Md5Apr1);
        assert_eq!(Scheme::of("{SHA}x"), Scheme::Sha1);
        assert_eq!(Scheme::of("abcdefghijklm"), Scheme::Crypt);
        assert_eq!(Scheme::of("secret"), Scheme::Plain);
    }
}
