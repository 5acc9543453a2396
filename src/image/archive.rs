//! The bundled image as an archive, without Docker: the build context's
//! files as one uncompressed layer, in the layout `docker save` writes
//! today (an OCI image layout with Docker's `manifest.json` beside it), so
//! `ctr images import`, `docker load` and `podman load` all take it. That
//! is how Kubernetes nodes get the image when no registry they trust has
//! it yet (the registry being set up is the one that would).

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::fsutil::sha256_hex;

use super::{CONFIG_PATH, UID};

/// Why the archive could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ArchiveError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the archive")]
    Write(#[source] std::io::Error),
    #[error("{0} is too long a path for a tar archive")]
    LongPath(String),
}

fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&text.as_bytes()[text.len() - digits..]);
    field[digits] = 0;
}

/// A POSIX ustar header; long paths go in the prefix field.
fn header(
    path: &str,
    size: u64,
    mode: u32,
    owner: u32,
    kind: u8,
) -> Result<[u8; 512], ArchiveError> {
    let mut h = [0u8; 512];
    let bytes = path.as_bytes();
    let (prefix, name) = if bytes.len() <= 100 {
        (&b""[..], bytes)
    } else {
        let split = path[..path.len().min(156)]
            .rfind('/')
            .filter(|i| path.len() - i - 1 <= 100)
            .ok_or_else(|| ArchiveError::LongPath(path.to_string()))?;
        (&bytes[..split], &bytes[split + 1..])
    };
    h[..name.len()].copy_from_slice(name);
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], u64::from(owner));
    octal(&mut h[116..124], u64::from(owner));
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], 0);
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix);
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|b| u64::from(*b)).sum();
    octal(&mut h[148..155], sum);
    h[155] = b' ';
    Ok(h)
}

/// A tar stream, hashed as it is written.
struct Tar<W: Write> {
    out: W,
    hash: Sha256,
    len: u64,
}

impl<W: Write> Tar<W> {
    fn new(out: W) -> Self {
        Tar {
            out,
            hash: Sha256::new(),
            len: 0,
        }
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), ArchiveError> {
        self.hash.update(bytes);
        self.len += bytes.len() as u64;
        self.out.write_all(bytes).map_err(ArchiveError::Write)
    }

    fn pad(&mut self, size: u64) -> Result<(), ArchiveError> {
        let rest = (512 - size % 512) % 512;
        self.raw(&vec![0u8; rest as usize])
    }

    fn dir(&mut self, path: &str, owner: u32) -> Result<(), ArchiveError> {
        self.raw(&header(&format!("{path}/"), 0, 0o755, owner, b'5')?)
    }

    fn bytes(&mut self, path: &str, data: &[u8], mode: u32) -> Result<(), ArchiveError> {
        self.raw(&header(path, data.len() as u64, mode, 0, b'0')?)?;
        self.raw(data)?;
        self.pad(data.len() as u64)
    }

    fn file(
        &mut self,
        path: &str,
        mut from: impl Read,
        size: u64,
        mode: u32,
    ) -> Result<(), ArchiveError> {
        self.raw(&header(path, size, mode, 0, b'0')?)?;
        const CHUNK: usize = 1 << 20;
        let mut buf = vec![0u8; CHUNK];
        let mut left = size;
        while left > 0 {
            let want = left.min(CHUNK as u64) as usize;
            let n = from.read(&mut buf[..want]).map_err(ArchiveError::Write)?;
            if n == 0 {
                return Err(ArchiveError::Write(
                    std::io::ErrorKind::UnexpectedEof.into(),
                ));
            }
            self.raw(&buf[..n])?;
            left -= n as u64;
        }
        self.pad(size)
    }

    fn finish(mut self) -> Result<(W, String, u64), ArchiveError> {
        self.raw(&[0u8; 1024])?;
        self.out.flush().map_err(ArchiveError::Write)?;
        Ok((self.out, hex::encode(self.hash.finalize()), self.len))
    }
}

/// Every file under `dir`, relative, sorted (a reproducible layer).
fn walk(dir: &Path, rel: &Path, out: &mut Vec<(PathBuf, bool)>) -> Result<(), ArchiveError> {
    let read_err = |source| ArchiveError::Read {
        path: dir.join(rel),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(rel))
        .map_err(read_err)?
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = rel.join(e.file_name());
        let is_dir = e.file_type().map_err(read_err)?.is_dir();
        out.push((path.clone(), is_dir));
        if is_dir {
            walk(dir, &path, out)?;
        }
    }
    Ok(())
}

/// The image's one layer, from a build context's `rootfs/`: into `out`,
/// returning its sha256 (hex) and size.
fn layer(rootfs: &Path, out: impl Write) -> Result<(String, u64), ArchiveError> {
    let mut entries = Vec::new();
    walk(rootfs, Path::new(""), &mut entries)?;
    let mut tar = Tar::new(out);
    for (rel, is_dir) in entries {
        let name = rel.to_string_lossy();
        if is_dir {
            tar.dir(&name, 0)?;
            continue;
        }
        let path = rootfs.join(&rel);
        let file = std::fs::File::open(&path).map_err(|source| ArchiveError::Read {
            path: path.clone(),
            source,
        })?;
        let meta = file.metadata().map_err(|source| ArchiveError::Read {
            path: path.clone(),
            source,
        })?;
        let mode = if name == "regctl" || name.contains(".so") {
            0o755
        } else {
            0o644
        };
        tar.file(&name, file, meta.len(), mode)?;
    }
    // The data volume's mount point, owned by the user the registry runs as.
    tar.dir("var", 0)?;
    tar.dir("var/lib", 0)?;
    tar.dir("var/lib/registry", UID)?;
    let (_, digest, size) = tar.finish()?;
    Ok((digest, size))
}

/// Writes the image `reference` (`regctl:VERSION`) built from the context
/// in `context` as an archive to `out`.
pub(crate) fn write(context: &Path, reference: &str, out: impl Write) -> Result<(), ArchiveError> {
    let mut layer_file = tempfile::tempfile().map_err(ArchiveError::Write)?;
    let (layer_digest, layer_size) = layer(&context.join("rootfs"), &mut layer_file)?;
    layer_file
        .seek(std::io::SeekFrom::Start(0))
        .map_err(ArchiveError::Write)?;
    let config = serde_json::json!({
        "architecture": std::env::consts::ARCH.replace("x86_64", "amd64").replace("aarch64", "arm64"),
        "os": "linux",
        "config": {
            "User": format!("{UID}:{UID}"),
            "ExposedPorts": {"5000/tcp": {}},
            "Entrypoint": ["/regctl", "serve"],
            "Cmd": [CONFIG_PATH],
            "Volumes": {"/var/lib/registry": {}},
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{layer_digest}")]},
        "history": [{"created_by": "regctl image save"}],
    })
    .to_string();
    let config_digest = sha256_hex(config.as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": format!("sha256:{config_digest}"), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": format!("sha256:{layer_digest}"), "size": layer_size}],
    })
    .to_string();
    let manifest_digest = sha256_hex(manifest.as_bytes());
    let tag = reference.rsplit_once(':').map_or("latest", |(_, t)| t);
    let full_name = if reference.contains('/') {
        reference.to_string()
    } else {
        format!("docker.io/library/{reference}")
    };
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": format!("sha256:{manifest_digest}"),
            "size": manifest.len(),
            "annotations": {
                "io.containerd.image.name": full_name,
                "org.opencontainers.image.ref.name": tag,
            },
        }],
    })
    .to_string();
    let docker_manifest = serde_json::json!([{
        "Config": format!("blobs/sha256/{config_digest}"),
        "RepoTags": [reference],
        "Layers": [format!("blobs/sha256/{layer_digest}")],
    }])
    .to_string();
    let mut tar = Tar::new(out);
    tar.bytes("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#, 0o644)?;
    tar.dir("blobs", 0)?;
    tar.dir("blobs/sha256", 0)?;
    tar.file(
        &format!("blobs/sha256/{layer_digest}"),
        &mut layer_file,
        layer_size,
        0o644,
    )?;
    tar.bytes(
        &format!("blobs/sha256/{config_digest}"),
        config.as_bytes(),
        0o644,
    )?;
    tar.bytes(
        &format!("blobs/sha256/{manifest_digest}"),
        manifest.as_bytes(),
        0o644,
    )?;
    tar.bytes("index.json", index.as_bytes(), 0o644)?;
    tar.bytes("manifest.json", docker_manifest.as_bytes(), 0o644)?;
    tar.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GNU tar reads what the writer wrote, long paths and owners included.
    #[test]
    fn headers_are_what_tar_reads() {
        let long = format!("{}/file", "d".repeat(120));
        let mut tar = Tar::new(Vec::new());
        tar.dir("var/lib/registry", UID).unwrap();
        tar.bytes(&long, b"hello", 0o644).unwrap();
        let (bytes, _, len) = tar.finish().unwrap();
        assert_eq!(len as usize, bytes.len());
        assert_eq!(bytes.len() % 512, 0);
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("t.tar");
        std::fs::write(&archive, &bytes).unwrap();
        let out = std::process::Command::new("tar")
            .args(["-tvf"])
            .arg(&archive)
            .args(["--numeric-owner"])
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(listing.contains(&format!("{UID}/{UID}")), "{listing}");
        assert!(listing.contains(&long), "{listing}");
        assert!(header(&"x".repeat(300), 0, 0o644, 0, b'0').is_err());
    }
}
