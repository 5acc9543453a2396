//! The Windows certificate store: Trusted Root Certification Authorities of
//! the machine, or of the current user with `--user`; changed with
//! `certutil.exe`. Built into every regctl, offered only on Windows.

use super::Step;
use super::tool::{self, CA_FILE};

/// `serial` is the CA's serial number in hex, which `certutil -delstore`
/// names it by.
pub(crate) fn install_steps(serial: &str, user: bool) -> Vec<Step> {
    let certutil = |args: &[&str]| {
        let mut argv = tool::argv("certutil", if user { &["-user"] } else { &[] });
        argv.extend(args.iter().map(|a| a.to_string()));
        argv
    };
    vec![Step::Command {
        target: if user {
            "CurrentUser\\ROOT"
        } else {
            "LocalMachine\\ROOT"
        }
        .into(),
        // -f replaces an existing copy, so installing twice is harmless.
        install: certutil(&["-addstore", "-f", "ROOT", CA_FILE]),
        undo: vec![certutil(&["-delstore", "ROOT", serial])],
        export: None,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_and_user_root_stores() {
        let Step::Command { install, undo, .. } = &install_steps("0a1b", false)[0] else {
            panic!("a command step")
        };
        assert_eq!(install.join(" "), "certutil -addstore -f ROOT {CA_FILE}");
        assert_eq!(undo[0].join(" "), "certutil -delstore ROOT 0a1b");
        let Step::Command { install, .. } = &install_steps("0a1b", true)[0] else {
            panic!("a command step")
        };
        assert_eq!(
            install.join(" "),
            "certutil -user -addstore -f ROOT {CA_FILE}"
        );
    }
}
