//! Entry points for the fuzz targets (`fuzz/`) into the registry's
//! parsers of untrusted bytes, each with the invariants a result must
//! keep. Built for `cargo fuzz` (`--cfg fuzzing`) and for the unit test
//! that replays the kept regression corpus.

use std::str::FromStr as _;

use super::api::blobs::{Range, parse_range};
use super::api::route::{parse_query, route};
use super::api::upload_token;
use super::api::uploads::parse_content_range;
use super::auth::{check_text, parse_basic};
use super::config::Config;
use super::digest::Digest;
use super::manifest;
use super::names::{RepoName, Tag, UploadId};

/// The first line, as text, and the rest.
fn split_first_line(data: &[u8]) -> (String, &[u8]) {
    match data.iter().position(|b| *b == b'\n') {
        Some(i) => (
            String::from_utf8_lossy(&data[..i]).into_owned(),
            &data[i + 1..],
        ),
        None => (String::new(), data),
    }
}

/// A pushed manifest: first line the Content-Type, the rest the body.
/// What the strict push check accepts, the stored-manifest reader accepts
/// too (GC must understand everything the registry stored).
pub(crate) fn manifest(data: &[u8]) {
    let (content_type, body) = split_first_line(data);
    let ct = (!content_type.is_empty()).then_some(content_type.as_str());
    if let Ok(pushed) = manifest::parse_pushed(ct, body) {
        let stored = manifest::parse(None, body).expect("a pushed manifest reads back");
        assert_eq!(pushed.media_type, stored.media_type);
        assert_eq!(pushed.blobs, stored.blobs);
        assert_eq!(pushed.children, stored.children);
    }
}

/// Names, tags, digests and upload ids, and the router over them: what
/// parses keeps its text, and routing never panics.
pub(crate) fn names(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(d) = Digest::from_str(&text) {
        assert_eq!(d.to_string(), text);
    }
    if let Ok(n) = RepoName::parse(&text) {
        assert_eq!(n.as_str(), text);
        assert!(
            !n.as_str()
                .split('/')
                .any(|c| c == ".." || c == "." || c.is_empty())
        );
    }
    if let Ok(t) = Tag::parse(&text) {
        assert_eq!(t.to_string(), text);
    }
    if let Ok(id) = UploadId::parse(&text) {
        assert!(!id.as_str().contains(['/', '.']));
    }
    for method in [
        hyper::Method::GET,
        hyper::Method::PUT,
        hyper::Method::POST,
        hyper::Method::DELETE,
    ] {
        let _ = route(&method, &text);
    }
    let _ = parse_query(Some(&text));
}

/// `Range` against a blob size (first 8 bytes) and `Content-Range`: a part
/// is always inside the blob, a chunk never ends before it starts.
pub(crate) fn ranges(data: &[u8]) {
    let (size_bytes, rest) = data.split_at(data.len().min(8));
    let mut size = [0u8; 8];
    size[..size_bytes.len()].copy_from_slice(size_bytes);
    let size = u64::from_le_bytes(size);
    let text = String::from_utf8_lossy(rest);
    if let Range::Part(start, end) = parse_range(Some(&text), size) {
        assert!(start <= end && end < size, "{start}-{end} of {size}");
    }
    if let Some((start, end)) = parse_content_range(&text) {
        assert!(start <= end);
    }
}

/// A client's `_state` token: only the token `sign` made verifies.
pub(crate) fn upload_state(data: &[u8]) {
    let name = RepoName::parse("fuzz/app").expect("a valid name");
    let id = UploadId::parse("0b8f6c2e-1d4a-4e5b-9c6d-7e8f9a0b1c2d").expect("a valid id");
    let token = String::from_utf8_lossy(data);
    let signed = upload_token::sign(b"fuzz secret", &name, &id);
    assert_eq!(
        upload_token::verify(b"fuzz secret", &name, &id, &token),
        token.eq_ignore_ascii_case(&signed)
    );
}

/// htpasswd lines as `serve` reads them, and a Basic header: never more
/// usable users than lines.
pub(crate) fn htpasswd(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let report = check_text(&text);
    assert!(report.usable <= text.lines().count());
    let file = crate::htpasswd::Htpasswd::parse(&text);
    let _ = file.render();
    if let Some((user, _)) = parse_basic(data) {
        assert!(!user.contains(':'));
    }
}

/// `config.yml`: parses or says why, and what parses prints.
pub(crate) fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(c) = Config::parse(&text, std::iter::empty()) {
        let _ = c.to_masked_yaml();
    }
}
