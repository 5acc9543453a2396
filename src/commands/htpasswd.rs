//! `regctl htpasswd add|remove|verify|list`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{HtpasswdCommand, PasswordArgs};
use crate::htpasswd::{BCRYPT_MAX_PASSWORD, Change, Htpasswd};
use crate::secret::{self, PasswordSource};

pub(super) fn run(cmd: HtpasswdCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        HtpasswdCommand::Add(a) => {
            let (file, user) = (&a.target.file, &a.target.user);
            crate::htpasswd::validate_user(user)?;
            // Load first: a malformed or unreadable file fails before the prompt.
            let mut ht = Htpasswd::load(file, true)?;
            let password = password(&a.password, user, true)?;
            if password.len() > BCRYPT_MAX_PASSWORD {
                crate::ui::warn(format_args!(
                    "bcrypt uses only the first {BCRYPT_MAX_PASSWORD} bytes of a password"
                ));
            }
            let change = ht.set(user, &password, a.cost)?;
            ht.save(file)?;
            let verb = match change {
                Change::Added => "added",
                Change::Updated => "updated password for",
            };
            crate::ui::outln!(
                "{verb} {user} in {} (bcrypt, cost {})",
                file.display(),
                a.cost
            );
            warn_non_bcrypt(&ht, file);
            Ok(ExitCode::SUCCESS)
        }
        HtpasswdCommand::Remove(a) => {
            let mut ht = Htpasswd::load(&a.file, false)?;
            ht.remove(&a.user)?;
            ht.save(&a.file)?;
            crate::ui::outln!("removed {} from {}", a.user, a.file.display());
            Ok(ExitCode::SUCCESS)
        }
        HtpasswdCommand::Verify(a) => {
            let (file, user) = (&a.target.file, &a.target.user);
            let ht = Htpasswd::load(file, false)?;
            // Fail on an unknown user or non-bcrypt entry before asking.
            ht.login_entry(user)?;
            let password = password(&a.password, user, false)?;
            if ht.verify(user, &password)? {
                crate::ui::outln!("password for {user} is correct");
                Ok(ExitCode::SUCCESS)
            } else {
                crate::ui::info(format_args!(
                    "error: wrong password for {user} in {}",
                    file.display()
                ));
                Ok(ExitCode::FAILURE)
            }
        }
        HtpasswdCommand::List(a) => {
            let ht = Htpasswd::load(&a.file, false)?;
            let width = ht.entries().map(|e| e.user.len()).max().unwrap_or(0);
            for e in ht.entries() {
                let note = if e.scheme().is_bcrypt() {
                    ""
                } else {
                    "  <- rejected by the registry"
                };
                crate::ui::outln!("{:width$}  {}{note}", e.user, e.scheme());
            }
            warn_non_bcrypt(&ht, &a.file);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn password(args: &PasswordArgs, user: &str, confirm: bool) -> anyhow::Result<String> {
    let source = if args.password_stdin {
        PasswordSource::Stdin
    } else if let Some(var) = &args.password_env {
        PasswordSource::Env(var.clone())
    } else {
        PasswordSource::Prompt { confirm }
    };
    secret::read_password(&source, &format!("Password for {user}"))
        .with_context(|| format!("reading the password for {user}"))
}

fn warn_non_bcrypt(ht: &Htpasswd, file: &Path) {
    let bad = ht.non_bcrypt();
    if bad.is_empty() {
        return;
    }
    let list: Vec<String> = bad.iter().map(|(u, s)| format!("{u} ({s})")).collect();
    crate::ui::warn(format_args!(
        "{} has entries the registry rejects (bcrypt only): {}; reset each with: regctl htpasswd add {} USER",
        file.display(),
        list.join(", "),
        file.display()
    ));
}
