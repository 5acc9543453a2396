//! The macOS keychain: the System keychain's admin trust settings for
//! everyone, the login keychain with `--user`; changed with `security`.
//! Built into every regctl, offered only where it runs on macOS.

use super::Step;
use super::tool::{self, CA_FILE};

const SYSTEM_KEYCHAIN: &str = "/Library/Keychains/System.keychain";

/// `ca_sha1` is the CA's SHA-1 fingerprint in hex, which `security
/// delete-certificate -Z` names it by; `ca_name` its common name, which
/// `find-certificate -c` selects by, so that `status` compares this CA with
/// certificates of its name only and not with every one in the keychain
/// (without a name it cannot tell, and install runs anyway: adding a trusted
/// certificate twice is harmless); `home` is set for the login keychain.
pub(crate) fn install_steps(
    ca_sha1: &str,
    ca_name: Option<&str>,
    home: Option<&std::path::Path>,
) -> Vec<Step> {
    let (keychain, domain): (String, &[&str]) = match home {
        Some(h) => (
            h.join("Library/Keychains/login.keychain-db")
                .display()
                .to_string(),
            &[],
        ),
        None => (SYSTEM_KEYCHAIN.to_string(), &["-d"]),
    };
    let security = |args: &[&str]| tool::argv("security", args);
    let mut add = vec!["add-trusted-cert"];
    add.extend_from_slice(domain);
    add.extend(["-r", "trustRoot", "-k", &keychain, CA_FILE]);
    let mut untrust = vec!["remove-trusted-cert"];
    untrust.extend_from_slice(domain);
    untrust.push(CA_FILE);
    vec![Step::Command {
        target: keychain.clone().into(),
        install: security(&add),
        undo: vec![
            security(&untrust),
            security(&["delete-certificate", "-Z", ca_sha1, &keychain]),
        ],
        export: ca_name
            .map(|name| security(&["find-certificate", "-a", "-c", name, "-p", &keychain])),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_login_keychains() {
        let steps = install_steps("AB12", Some("regctl CA"), None);
        let Step::Command {
            install,
            undo,
            export,
            ..
        } = &steps[0]
        else {
            panic!("a command step")
        };
        assert_eq!(
            install.join(" "),
            "security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {CA_FILE}"
        );
        assert_eq!(
            undo[1].join(" "),
            "security delete-certificate -Z AB12 /Library/Keychains/System.keychain"
        );
        assert_eq!(
            export.as_ref().unwrap(),
            &[
                "security",
                "find-certificate",
                "-a",
                "-c",
                "regctl CA",
                "-p",
                "/Library/Keychains/System.keychain"
            ]
        );
        let home = std::path::Path::new("/Users/ann");
        let Step::Command {
            install, export, ..
        } = &install_steps("AB12", None, Some(home))[0]
        else {
            panic!("a command step")
        };
        assert_eq!(
            install.join(" "),
            "security add-trusted-cert -r trustRoot -k /Users/ann/Library/Keychains/login.keychain-db {CA_FILE}"
        );
        assert_eq!(export, &None, "a CA without a name cannot be told apart");
    }
}
