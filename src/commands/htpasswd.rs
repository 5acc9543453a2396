//! `regctl htpasswd add|remove|verify|list`: the low-level tool for any
//! htpasswd file. On the registry directory's own file it also keeps the
//! users of regctl.yaml in step, as `regctl user` does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use crate::cli::{HtpasswdCommand, HtpasswdUserArgs, PasswordArgs};
use crate::htpasswd::{Change, Htpasswd};
use crate::layout::RegistryDir;
use crate::secret::{self, PasswordSource};
use crate::ui::{self, outln};

/// `[FILE] USER`: the file named, `--file`, or DIR/auth/htpasswd. A first
/// word that names no file (no such path, no `/`) is refused rather than
/// created: `htpasswd add alice bob` would otherwise make a file `alice`.
fn target(dir: &Path, t: &HtpasswdUserArgs) -> anyhow::Result<(PathBuf, String)> {
    match t.words.as_slice() {
        [user] => Ok((
            t.file
                .clone()
                .unwrap_or_else(|| RegistryDir::new(dir).htpasswd()),
            user.clone(),
        )),
        [file, user] => {
            if t.file.is_some() {
                bail!("give the file once: as the first argument or with --file");
            }
            let path = PathBuf::from(file);
            let looks_like_a_path =
                path.exists() || file.contains('/') || file.ends_with("htpasswd");
            if !looks_like_a_path {
                bail!(
                    "`{file}` is not an htpasswd file (no such file, and not a path): to add users of the registry run `regctl user add {user}` (the file is {})",
                    RegistryDir::new(dir).htpasswd().display()
                );
            }
            Ok((path, user.clone()))
        }
        _ => bail!("name one user: regctl htpasswd add [FILE] USER"),
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
        .map_err(|e| anyhow::anyhow!("cannot read the password for {user}: {e}"))
}

/// The registry directory whose file this is, with its answers.
fn owning_registry(dir: &Path, file: &Path) -> Option<(RegistryDir, crate::setup::Setup)> {
    let layout = RegistryDir::new(dir);
    let same = crate::fsutil::absolute(file) == layout.htpasswd();
    let setup = layout.setup_if_any().ok().flatten()?;
    same.then_some((layout, setup))
}

pub(super) fn run(dir: &Path, cmd: HtpasswdCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        HtpasswdCommand::Add(a) => {
            let (file, user) = target(dir, &a.target)?;
            crate::htpasswd::validate_user(&user)?;
            if !(4..=31).contains(&a.cost) {
                return Err(crate::htpasswd::HtpasswdError::BadCost(a.cost).into());
            }
            // Load first: a malformed or unreadable file fails before the prompt.
            let mut ht = Htpasswd::load(&file, true)?;
            let password = password(&a.password, &user, true)?;
            secret::check_policy(&password)?;
            let change = ht.set(&user, &password, a.cost)?;
            match owning_registry(dir, &file) {
                Some((layout, setup)) => {
                    if let Some(w) = crate::users::save_htpasswd(&layout, &setup, &ht)? {
                        ui::warn(w);
                    }
                    if !setup.users.contains(&user) {
                        let mut answers = setup.clone();
                        answers.users.push(user.clone());
                        answers.save(&layout.answers())?;
                    }
                }
                None => ht.save(&file)?,
            }
            let verb = match change {
                Change::Added => "added",
                Change::Updated => "updated password for",
            };
            outln!(
                "{verb} {user} in {} (bcrypt, cost {})",
                file.display(),
                a.cost
            );
            warn_non_bcrypt(&ht, &file);
        }
        HtpasswdCommand::Remove(a) => {
            let (file, user) = target(dir, &a)?;
            let mut ht = Htpasswd::load(&file, false)?;
            ht.remove(&user)?;
            match owning_registry(dir, &file) {
                Some((layout, setup)) => {
                    if let Some(w) = crate::users::save_htpasswd(&layout, &setup, &ht)? {
                        ui::warn(w);
                    }
                    let mut answers = setup.clone();
                    answers.users.retain(|u| *u != user);
                    if answers != setup {
                        answers.save(&layout.answers())?;
                    }
                }
                None => ht.save(&file)?,
            }
            outln!("removed {user} from {}", file.display());
        }
        HtpasswdCommand::Verify(a) => {
            let (file, user) = target(dir, &a.target)?;
            let ht = Htpasswd::load(&file, false)?;
            // Fail on an unknown user or non-bcrypt entry before asking.
            ht.login_entry(&user)?;
            let password = password(&a.password, &user, false)?;
            if ht.verify(&user, &password)? {
                outln!("password for {user} is correct");
            } else {
                ui::info(format_args!(
                    "error: wrong password for {user} in {}",
                    file.display()
                ));
                return Ok(ExitCode::FAILURE);
            }
        }
        HtpasswdCommand::List(a) => {
            let file = a.file.unwrap_or_else(|| RegistryDir::new(dir).htpasswd());
            let ht = Htpasswd::load(&file, false)?;
            let width = ht.entries().map(|e| e.user.len()).max().unwrap_or(0);
            for e in ht.entries() {
                let note = if e.scheme().is_bcrypt() {
                    ""
                } else {
                    "  <- rejected by the registry"
                };
                outln!("{:width$}  {}{note}", e.user, e.scheme());
            }
            warn_non_bcrypt(&ht, &file);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn warn_non_bcrypt(ht: &Htpasswd, file: &Path) {
    let bad = ht.non_bcrypt();
    if bad.is_empty() {
        return;
    }
    let list: Vec<String> = bad.iter().map(|(u, s)| format!("{u} ({s})")).collect();
    ui::warn(format_args!(
        "{} has entries the registry rejects (bcrypt only): {}; reset each with: regctl htpasswd add {} USER",
        file.display(),
        list.join(", "),
        file.display()
    ));
}
