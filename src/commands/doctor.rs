//! `regctl doctor`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use crate::cli::DoctorArgs;
use crate::doctor::{self, Options};
use crate::layout::RegistryDir;
use crate::secret::{self, PasswordSource};
use crate::ui::{self, HintExt as _};

/// `64M`, `1G`, `512K`, `1000` → bytes.
fn parse_size(s: &str) -> anyhow::Result<u64> {
    let bad = || anyhow::anyhow!("--push-test: `{s}` is not a size (like 64M or 1G)");
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(bad()),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    n.checked_mul(mult).ok_or_else(bad)
}

fn existing(p: PathBuf) -> Option<PathBuf> {
    p.exists().then_some(p)
}

pub(super) fn run(dir: &Path, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let layout = RegistryDir::new(dir);
    let setup = layout.setup_if_any()?;
    let target = match (&args.registry, &setup) {
        (Some(r), _) => r.clone(),
        (None, Some(s)) => s.registry_host(),
        (None, None) => {
            return Err(anyhow::anyhow!("no registry to check")).hint(
                || "name it (regctl doctor HOST[:PORT]), or point --dir at a registry directory",
            );
        }
    };
    let Some((host, port)) = doctor::parse_target(&target) else {
        bail!("`{target}` is not HOST[:PORT] (for example registry.example.lan:5000)");
    };
    // The directory's own registry when it is one of its hosts.
    let own =
        setup.filter(|s| s.port == port && s.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)));
    let password = match &args.user {
        Some(user) => {
            let source = if args.password.password_stdin {
                PasswordSource::Stdin
            } else if let Some(var) = &args.password.password_env {
                PasswordSource::Env(var.clone())
            } else {
                PasswordSource::Prompt { confirm: false }
            };
            Some(
                secret::read_password(&source, &format!("Password of {user}"))
                    .map_err(|e| anyhow::anyhow!("cannot read the password: {e}"))?,
            )
        }
        None => None,
    };
    let ca = args
        .ca
        .clone()
        .or_else(|| own.as_ref().and_then(|_| existing(layout.ca_cert())))
        .map(|c| crate::fsutil::absolute(&c));
    let opts = Options {
        host,
        port,
        user: args.user.clone(),
        password,
        ca,
        push_test: parse_size(&args.push_test)?,
        root: args.root.clone().unwrap_or_else(|| PathBuf::from("/")),
        htpasswd: args
            .htpasswd
            .clone()
            .or_else(|| existing(layout.htpasswd())),
        config: args.config.clone().or_else(|| existing(layout.config())),
        registry_dir: own.map(|s| (layout.clone(), s)),
    };
    let checks = crate::client::block_on(doctor::run(&opts))?;
    if args.json.json {
        ui::json(&checks)?;
    } else {
        ui::out!("{}", doctor::render(&checks));
    }
    Ok(if doctor::passed(&checks) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("1g").unwrap(), 1 << 30);
        assert_eq!(parse_size("0").unwrap(), 0);
        assert!(parse_size("lots").is_err() && parse_size("5X").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }
}
