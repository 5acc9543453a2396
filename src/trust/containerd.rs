//! containerd's registry host configuration: `certs.d/<host:port>/hosts.toml`
//! naming the CA, and a check that containerd is told to read that
//! directory (`config_path`), which is not the default in containerd 1.x.

use std::path::Path;

use super::{RegistryAddr, Step, under};

const CERTS_D: &str = "/etc/containerd/certs.d";

/// `hosts.toml` that points containerd at the CA for this registry.
pub(crate) fn hosts_toml(reg: &RegistryAddr) -> String {
    let dir = reg.dir_name();
    format!(
        "# Written by regctl trust install.\nserver = \"https://{dir}\"\n\n[host.\"https://{dir}\"]\n  capabilities = [\"pull\", \"resolve\", \"push\"]\n  ca = \"{CERTS_D}/{dir}/ca.crt\"\n"
    )
}

/// Does containerd's config set `config_path` for the CRI registry plugin
/// (1.x `io.containerd.grpc.v1.cri`, 2.x `io.containerd.cri.v1.images`)?
pub(crate) fn config_path_set(config: &str) -> bool {
    let mut in_registry = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_registry = (line.contains("io.containerd.grpc.v1.cri")
                || line.contains("io.containerd.cri.v1.images"))
                && line.trim_end_matches(']').ends_with(".registry");
            continue;
        }
        if in_registry && line.starts_with("config_path") && line.contains(CERTS_D) {
            return true;
        }
    }
    false
}

pub(crate) fn install_steps(root: &Path, reg: &RegistryAddr, ca: &str) -> Vec<Step> {
    let dir = reg.dir_name();
    let mut steps = vec![
        Step::Write {
            path: under(root, &format!("{CERTS_D}/{dir}/ca.crt")),
            contents: ca.to_string(),
        },
        Step::Write {
            path: under(root, &format!("{CERTS_D}/{dir}/hosts.toml")),
            contents: hosts_toml(reg),
        },
    ];
    let config =
        std::fs::read_to_string(under(root, "/etc/containerd/config.toml")).unwrap_or_default();
    if !config_path_set(&config) {
        let v2 = config.contains("version = 3") || config.contains("io.containerd.cri.v1");
        let section = if v2 {
            "[plugins.\"io.containerd.cri.v1.images\".registry]"
        } else {
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]"
        };
        steps.push(Step::Advice(format!(
            "containerd does not read {CERTS_D} yet: add to /etc/containerd/config.toml\n    {section}\n      config_path = \"{CERTS_D}\"\n  then run: systemctl restart containerd"
        )));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_config_path_in_both_versions() {
        assert!(config_path_set(
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n"
        ));
        assert!(config_path_set(
            "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n   config_path = '/etc/containerd/certs.d'\n"
        ));
        assert!(!config_path_set(
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"\"\n"
        ));
        assert!(!config_path_set(
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  config_path = \"/etc/containerd/certs.d\"\n"
        ));
        assert!(!config_path_set(""));
    }
}
