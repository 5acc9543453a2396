//! The whole on-disk layout, in one place, identical to distribution's so
//! data moves freely between `regctl serve` and `registry:2`/`registry:3`.
//!
//! Every function takes parsed names ([`RepoName`], [`Tag`], [`UploadId`],
//! [`Digest`]), which can only hold values of the spec's grammar: no text
//! from a client reaches the filesystem unchecked.

use super::digest::Digest;
use super::names::{RepoName, Tag, UploadId};

const ROOT: &str = "docker/registry/v2";

pub(crate) fn repositories() -> String {
    format!("{ROOT}/repositories")
}

pub(crate) fn repository(name: &RepoName) -> String {
    format!("{ROOT}/repositories/{name}")
}

/// Blob content: `blobs/<alg>/<first two hex>/<hex>/data`.
pub(crate) fn blob_data(d: &Digest) -> String {
    format!("{}/data", blob_dir(d))
}

pub(crate) fn blob_dir(d: &Digest) -> String {
    let hex = d.hex();
    format!("{ROOT}/blobs/{}/{}/{hex}", d.algorithm().name(), &hex[..2])
}

pub(crate) fn blobs_root() -> String {
    format!("{ROOT}/blobs")
}

/// A repository's link to a layer or config blob.
pub(crate) fn layer_link(name: &RepoName, d: &Digest) -> String {
    format!(
        "{ROOT}/repositories/{name}/_layers/{}/{}/link",
        d.algorithm().name(),
        d.hex()
    )
}

pub(crate) fn layers_root(name: &RepoName) -> String {
    format!("{ROOT}/repositories/{name}/_layers")
}

/// A repository's link to a manifest revision.
pub(crate) fn revision_link(name: &RepoName, d: &Digest) -> String {
    format!(
        "{}/{}/{}/link",
        revisions_root(name),
        d.algorithm().name(),
        d.hex()
    )
}

pub(crate) fn revision_dir(name: &RepoName, d: &Digest) -> String {
    format!(
        "{}/{}/{}",
        revisions_root(name),
        d.algorithm().name(),
        d.hex()
    )
}

pub(crate) fn revisions_root(name: &RepoName) -> String {
    format!("{ROOT}/repositories/{name}/_manifests/revisions")
}

pub(crate) fn tags_root(name: &RepoName) -> String {
    format!("{ROOT}/repositories/{name}/_manifests/tags")
}

pub(crate) fn tag_dir(name: &RepoName, tag: &Tag) -> String {
    format!("{}/{tag}", tags_root(name))
}

/// The tag's current target.
pub(crate) fn tag_current_link(name: &RepoName, tag: &Tag) -> String {
    format!("{}/{tag}/current/link", tags_root(name))
}

/// Every digest the tag has pointed at (distribution keeps this history).
pub(crate) fn tag_index_link(name: &RepoName, tag: &Tag, d: &Digest) -> String {
    format!(
        "{}/{tag}/index/{}/{}/link",
        tags_root(name),
        d.algorithm().name(),
        d.hex()
    )
}

pub(crate) fn uploads_root(name: &RepoName) -> String {
    format!("{ROOT}/repositories/{name}/_uploads")
}

pub(crate) fn upload_dir(name: &RepoName, id: &UploadId) -> String {
    format!("{}/{id}", uploads_root(name))
}

pub(crate) fn upload_data(name: &RepoName, id: &UploadId) -> String {
    format!("{}/{id}/data", uploads_root(name))
}

pub(crate) fn upload_started_at(name: &RepoName, id: &UploadId) -> String {
    format!("{}/{id}/startedat", uploads_root(name))
}
