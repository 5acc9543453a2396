//! Repository names, tags, references and upload ids, parsed at the edge
//! by the OCI spec's grammar into types that can only hold valid values.
//! `paths` takes only these types, so no unvalidated text from a client can
//! become a storage path: escaping the storage root is impossible by
//! construction, not by a comment.

use std::fmt;

use super::digest::Digest;

/// Longest repository name accepted (distribution's limit).
pub(crate) const MAX_NAME_LEN: usize = 255;

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_LEN && name.split('/').all(valid_component)
}

fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: `.`, `_`, `__`, or one or more `-`.
        let start = i;
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || i >= b.len() || !alnum(b[i]) {
            return false;
        }
    }
    true
}

/// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b[1..]
            .iter()
            .all(|&x| x.is_ascii_alphanumeric() || matches!(x, b'.' | b'_' | b'-'))
}

/// Text shown in an error about a client's value: bounded.
fn shown(s: &str) -> String {
    s.chars().take(300).collect()
}

/// A name or tag that does not follow the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InvalidName {
    #[error("invalid repository name `{}`", shown(.0))]
    Repository(String),
    #[error("invalid tag `{}`", shown(.0))]
    Tag(String),
    #[error("upload {} is unknown (finished, cancelled or expired)", shown(.0))]
    Upload(String),
}

/// A repository name, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RepoName(String);

impl RepoName {
    pub(crate) fn parse(s: &str) -> Result<RepoName, InvalidName> {
        if valid_name(s) {
            Ok(RepoName(s.to_string()))
        } else {
            Err(InvalidName::Repository(s.to_string()))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tag, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Tag(String);

impl Tag {
    pub(crate) fn parse(s: &str) -> Result<Tag, InvalidName> {
        if valid_tag(s) {
            Ok(Tag(s.to_string()))
        } else {
            Err(InvalidName::Tag(s.to_string()))
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A manifest reference: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reference {
    Tag(Tag),
    Digest(Digest),
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Tag(t) => t.fmt(f),
            Reference::Digest(d) => d.fmt(f),
        }
    }
}

/// An upload's id: a UUID this registry made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct UploadId(String);

impl UploadId {
    /// A fresh id.
    pub(crate) fn new() -> UploadId {
        UploadId(uuid::Uuid::new_v4().to_string())
    }

    pub(crate) fn parse(s: &str) -> Result<UploadId, InvalidName> {
        match uuid::Uuid::parse_str(s) {
            // The hyphenated form only: one text per id, as paths need.
            Ok(u) if u.hyphenated().to_string() == s => Ok(UploadId(s.to_string())),
            _ => Err(InvalidName::Upload(s.to_string())),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec() {
        for ok in [
            "a",
            "library/alpine",
            "my-org/my_app",
            "a__b",
            "a---b",
            "x.y/z9",
            "regctl-selftest",
        ] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in [
            "", "A", "a/", "/a", "a//b", "..", "a/../b", "a/./b", "-a", "a-", "a___b", "a_.b",
            "a b", "_uploads",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert!(!valid_name(&"a".repeat(256)));
    }

    #[test]
    fn tags_follow_the_spec() {
        for ok in ["latest", "v1.0.0", "_x", "A-b_c.d"] {
            assert!(valid_tag(ok), "{ok}");
        }
        for bad in ["", ".x", "-x", "a/b", "a:b"] {
            assert!(!valid_tag(bad), "{bad}");
        }
        assert!(!valid_tag(&"a".repeat(129)));
    }

    #[test]
    fn types_hold_only_valid_values() {
        assert_eq!(RepoName::parse("a/b").unwrap().as_str(), "a/b");
        for bad in ["../x", "a/../b", "A", "a//b", ""] {
            assert!(RepoName::parse(bad).is_err(), "{bad}");
        }
        assert!(Tag::parse("v1.0").is_ok() && Tag::parse("../x").is_err());
        let id = UploadId::new();
        assert_eq!(UploadId::parse(id.as_str()).unwrap(), id);
        for bad in [
            "..",
            "x",
            "6F9619FF-8B86-D011-B42D-00CF4FC964FF",
            "6f9619ff8b86d011b42d00cf4fc964ff",
        ] {
            assert!(UploadId::parse(bad).is_err(), "{bad}");
        }
    }
}
