//! `trust install --insecure`: for people who run the registry over plain
//! HTTP. Nothing here makes it secure; it tells each client to stop
//! insisting on TLS, and every change is recorded so `uninstall` takes it
//! back.
//!
//! Docker's `daemon.json` is shared with everything else on the machine, so
//! it is merged, never replaced: valid JSON in, valid JSON out, other keys
//! and other registries untouched, a backup kept beside it.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{RegistryAddr, Step, StoreKind, TrustError, under};

/// Docker's daemon configuration.
pub(crate) const DAEMON_JSON: &str = "/etc/docker/daemon.json";

/// The backup of a `daemon.json` regctl changed.
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".regctl-backup");
    path.with_file_name(name)
}

fn parse_object(path: &Path, existing: &str) -> Result<Map<String, Value>, TrustError> {
    if existing.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(existing) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(TrustError::DaemonJson {
            path: path.display().to_string(),
            message: "the top level is not a JSON object".into(),
        }),
        Err(e) => Err(TrustError::DaemonJson {
            path: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

fn render(map: Map<String, Value>) -> String {
    let mut text = serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

/// `existing` (absent, empty or an object) with `registry` added to
/// `insecure-registries`; `None` when it is already there.
pub(crate) fn merge_daemon_json(
    path: &Path,
    existing: Option<&str>,
    registry: &str,
) -> Result<Option<String>, TrustError> {
    let mut map = parse_object(path, existing.unwrap_or(""))?;
    let list = map
        .entry("insecure-registries")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(items) = list else {
        return Err(TrustError::DaemonJson {
            path: path.display().to_string(),
            message: "\"insecure-registries\" is not an array".into(),
        });
    };
    if items.iter().any(|v| v.as_str() == Some(registry)) {
        return Ok(None);
    }
    items.push(Value::String(registry.to_string()));
    Ok(Some(render(map)))
}

/// `existing` without `registry` in `insecure-registries` (the key goes
/// when it ends up empty).
pub(crate) fn remove_from_daemon_json(
    path: &Path,
    existing: &str,
    registry: &str,
) -> Result<String, TrustError> {
    let mut map = parse_object(path, existing)?;
    if let Some(Value::Array(items)) = map.get_mut("insecure-registries") {
        items.retain(|v| v.as_str() != Some(registry));
        if items.is_empty() {
            map.remove("insecure-registries");
        }
    }
    Ok(render(map))
}

/// Do two daemon.json texts hold the same settings (formatting aside)? An
/// empty file counts as `{}`, as dockerd reads it.
pub(crate) fn same_settings(a: &str, b: &str) -> bool {
    let parse = |t: &str| -> Option<Value> {
        if t.trim().is_empty() {
            Some(Value::Object(Default::default()))
        } else {
            serde_json::from_str(t).ok()
        }
    };
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// containerd: plain HTTP (and no certificate checks should it be HTTPS).
pub(crate) fn containerd_hosts_toml(reg: &RegistryAddr) -> String {
    let dir = reg.dir_name();
    format!(
        "# Written by regctl trust install --insecure: plain HTTP, NOT SECURE.\nserver = \"http://{dir}\"\n\n[host.\"http://{dir}\"]\n  capabilities = [\"pull\", \"resolve\", \"push\"]\n  skip_verify = true\n"
    )
}

/// podman, CRI-O, skopeo, buildah: a drop-in for registries.conf.
pub(crate) fn podman_conf(reg: &RegistryAddr) -> String {
    format!(
        "# Written by regctl trust install --insecure: plain HTTP, NOT SECURE.\n[[registry]]\nlocation = \"{}\"\ninsecure = true\n",
        reg.dir_name()
    )
}

/// The steps that let `store`'s clients use `reg` over plain HTTP.
pub(crate) fn install_steps(
    root: &Path,
    store: StoreKind,
    reg: &RegistryAddr,
) -> Result<Vec<Step>, TrustError> {
    Ok(match store {
        StoreKind::System
        | StoreKind::Nss
        | StoreKind::Java
        | StoreKind::Macos
        | StoreKind::Windows => return Err(TrustError::InsecureCaStore(store.name())),
        StoreKind::Docker => {
            let path = under(root, DAEMON_JSON);
            let existing = match std::fs::read_to_string(&path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(TrustError::DaemonJson {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    });
                }
            };
            let merged = merge_daemon_json(&path, existing.as_deref(), &reg.dir_name())?;
            let reload = Step::Advice(
                "dockerd reads insecure-registries on reload: `systemctl reload docker` (or `kill -HUP $(pidof dockerd)`)".into(),
            );
            match merged {
                Some(contents) => vec![
                    Step::Merge {
                        path,
                        contents,
                        existed: existing.is_some(),
                    },
                    reload,
                ],
                None => vec![Step::Present { path }],
            }
        }
        StoreKind::Containerd => vec![Step::Write {
            path: under(
                root,
                &format!("/etc/containerd/certs.d/{}/hosts.toml", reg.dir_name()),
            ),
            contents: containerd_hosts_toml(reg),
        }],
        StoreKind::Podman => vec![Step::Write {
            path: under(
                root,
                &format!("/etc/containers/registries.conf.d/{}.conf", reg.file_stem()),
            ),
            contents: podman_conf(reg),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG: &str = "10.0.0.5:5000";

    fn merge(existing: Option<&str>) -> Result<Option<String>, TrustError> {
        merge_daemon_json(Path::new("daemon.json"), existing, REG)
    }

    #[test]
    fn missing_and_empty_files_get_just_the_key() {
        for existing in [None, Some(""), Some("  \n")] {
            let out = merge(existing).unwrap().unwrap();
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v, serde_json::json!({"insecure-registries": [REG]}));
        }
    }

    #[test]
    fn other_keys_and_registries_are_kept() {
        let existing = r#"{"log-driver": "journald", "insecure-registries": ["old:5000"], "features": {"buildkit": true}}"#;
        let out = merge(Some(existing)).unwrap().unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "log-driver": "journald",
                "insecure-registries": ["old:5000", REG],
                "features": {"buildkit": true}
            })
        );
        // Already there: nothing to do.
        assert!(merge(Some(&out)).unwrap().is_none());
        // And back out again, leaving the other registry.
        let back = remove_from_daemon_json(Path::new("d"), &out, REG).unwrap();
        let v: Value = serde_json::from_str(&back).unwrap();
        assert_eq!(v["insecure-registries"], serde_json::json!(["old:5000"]));
    }

    #[test]
    fn invalid_json_is_refused() {
        for bad in ["{not json", "[1, 2]", r#"{"insecure-registries": "x"}"#] {
            let err = merge(Some(bad)).unwrap_err().to_string();
            assert!(err.contains("daemon.json"), "{err}");
        }
    }
}
