//! `regctl doctor`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::DoctorArgs;
use crate::doctor::{self, Options};
use crate::layout::RegistryDir;
use crate::secret::{self, PasswordSource};

/// `64M`, `1G`, `512K`, `1000` → bytes.
fn parse_size(s: &str) -> anyhow::Result<u64> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => bail!("--push-test: `{s}` is not a size (like 64M or 1G)"),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: u64 = num
        .parse()
        .with_context(|| format!("--push-test: `{s}` is not a size (like 64M or 1G)"))?;
    Ok(n * mult)
}

fn existing(p: PathBuf) -> Option<PathBuf> {
    p.exists().then_some(p)
}

pub(super) fn run(dir: &Path, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let Some((host, port)) = doctor::parse_target(&args.registry) else {
        bail!(
            "`{}` is not HOST[:PORT] (for example registry.example.lan:5000)",
            args.registry
        );
    };
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
                    .context("reading the password")?,
            )
        }
        None => None,
    };
    let layout = RegistryDir::new(dir);
    let opts = Options {
        host,
        port,
        user: args.user.clone(),
        password,
        ca: args.ca.clone(),
        push_test: parse_size(&args.push_test)?,
        root: args.root.clone().unwrap_or_else(|| PathBuf::from("/")),
        htpasswd: args
            .htpasswd
            .clone()
            .or_else(|| existing(layout.htpasswd())),
        config: args.config.clone().or_else(|| existing(layout.config())),
    };
    let checks = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(doctor::run(&opts));
    if args.json {
        crate::ui::outln!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        crate::ui::out!("{}", doctor::render(&checks));
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
    }
}
