//! OCI image layouts built by the tests themselves (real tar layers), for
//! skopeo's `oci:` transport.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::registry::{OCI_INDEX, OCI_MANIFEST, sha256};
use super::run_ok;

/// A descriptor as it goes into an index.
#[derive(Clone, Debug)]
pub(crate) struct Desc {
    pub media_type: String,
    pub digest: String,
    pub size: usize,
}

impl Desc {
    fn json(&self) -> Value {
        json!({"mediaType": self.media_type, "digest": self.digest, "size": self.size})
    }
}

pub(crate) struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    pub(crate) fn new(dir: &Path) -> Layout {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout {
            dir: dir.to_path_buf(),
        }
    }

    pub(crate) fn blob(&self, data: &[u8], media_type: &str) -> Desc {
        let digest = sha256(data);
        std::fs::write(
            self.dir
                .join("blobs/sha256")
                .join(digest.trim_start_matches("sha256:")),
            data,
        )
        .unwrap();
        Desc {
            media_type: media_type.into(),
            digest,
            size: data.len(),
        }
    }

    /// A real tar layer holding one file.
    pub(crate) fn tar_layer(&self, name: &str, content: &[u8]) -> Desc {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(name), content).unwrap();
        let tar = tmp.path().join("layer.tar");
        run_ok(
            "tar",
            &[
                "--sort=name",
                "--mtime=@0",
                "--owner=0",
                "--group=0",
                "-cf",
                tar.to_str().unwrap(),
                "-C",
                tmp.path().to_str().unwrap(),
                name,
            ],
            tmp.path(),
        );
        self.blob(
            &std::fs::read(tar).unwrap(),
            "application/vnd.oci.image.layer.v1.tar",
        )
    }

    /// An image for `arch` with the given layers.
    pub(crate) fn image(&self, arch: &str, layers: &[Desc]) -> Desc {
        let config = json!({
            "architecture": arch, "os": "linux", "config": {},
            "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.digest.clone()).collect::<Vec<_>>()},
        });
        let config = self.blob(
            &serde_json::to_vec(&config).unwrap(),
            "application/vnd.oci.image.config.v1+json",
        );
        let manifest = json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config.json(),
            "layers": layers.iter().map(Desc::json).collect::<Vec<_>>(),
        });
        self.blob(&serde_json::to_vec(&manifest).unwrap(), OCI_MANIFEST)
    }

    /// An index over per-platform images.
    pub(crate) fn index(&self, images: &[(&str, Desc)]) -> Desc {
        let manifests: Vec<Value> = images
            .iter()
            .map(|(arch, d)| {
                let mut j = d.json();
                j["platform"] = json!({"architecture": arch, "os": "linux"});
                j
            })
            .collect();
        let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
        self.blob(&serde_json::to_vec(&index).unwrap(), OCI_INDEX)
    }

    /// Writes index.json naming each descriptor by its tag.
    pub(crate) fn tag_all(&self, tags: &[(&str, &Desc)]) {
        let manifests: Vec<Value> = tags
            .iter()
            .map(|(tag, d)| {
                let mut j = d.json();
                j["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
                j
            })
            .collect();
        let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
        std::fs::write(
            self.dir.join("index.json"),
            serde_json::to_vec(&index).unwrap(),
        )
        .unwrap();
    }

    /// The digest index.json gives for `tag`.
    pub(crate) fn digest_of(&self, tag: &str) -> String {
        let index: Value =
            serde_json::from_slice(&std::fs::read(self.dir.join("index.json")).unwrap()).unwrap();
        index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
            .unwrap_or_else(|| panic!("{tag} not in {index}"))["digest"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub(crate) fn has_blob(&self, digest: &str) -> bool {
        let path = self
            .dir
            .join("blobs/sha256")
            .join(digest.trim_start_matches("sha256:"));
        std::fs::read(path).is_ok_and(|b| sha256(&b) == digest)
    }
}
