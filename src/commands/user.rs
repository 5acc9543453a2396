//! `regctl user add|passwd|remove|list`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{NewPasswordArgs, UserCommand, UserPasswordArgs};
use crate::layout::RegistryDir;
use crate::secret::{self, NewPasswordSource};
use crate::ui::{self, outln};
use crate::users::{self, Change, Outcome};

fn source(p: &NewPasswordArgs) -> NewPasswordSource {
    NewPasswordSource::from_flags(
        p.password_stdin,
        p.password_env.as_deref(),
        p.generate_password,
    )
}

fn set(dir: &Path, args: &UserPasswordArgs, adding: bool) -> anyhow::Result<Outcome> {
    let (layout, setup) = RegistryDir::open(dir)?;
    let name = &args.user.name;
    crate::htpasswd::validate_user(name)?;
    // A user that cannot be added fails before the prompt.
    let exists = users::list(&layout)?.iter().any(|u| &u.name == name);
    if adding && exists {
        return Err(users::UserError::Exists(name.clone()).into());
    }
    if !adding && !exists {
        return Err(users::UserError::Missing(name.clone()).into());
    }
    let password = secret::new_password(&source(&args.password), name)
        .with_context(|| format!("no password for {name}"))?;
    Ok(users::set_password(
        &layout,
        &setup,
        name,
        &password,
        adding,
        args.user.apply,
    )?)
}

fn report(o: &Outcome) {
    let verb = match o.change {
        Change::Added => "added",
        Change::Updated => "changed the password of",
        Change::Removed => "removed",
    };
    outln!("{verb} {} in {}", o.user, o.file.display());
    if let Some((pw, file)) = &o.generated {
        outln!(
            "generated password for {} (shown once, kept in {}, 0600): {pw}",
            o.user,
            file.display()
        );
    }
    for path in &o.rendered {
        outln!("rewrote {}", path.display());
    }
    if o.applied {
        outln!("applied to the cluster (kubectl apply -k)");
    } else if o.rendered.is_empty() {
        outln!("the running registry picks this up within a second; no restart needed");
    }
    for w in &o.warnings {
        ui::warn(w);
    }
}

pub(super) fn run(dir: &Path, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add(args) => report(&set(dir, &args, true)?),
        UserCommand::Passwd(args) => report(&set(dir, &args, false)?),
        UserCommand::Remove(args) => {
            let (layout, setup) = RegistryDir::open(dir)?;
            report(&users::remove(&layout, &setup, &args.name, args.apply)?);
        }
        UserCommand::List(args) => {
            let (layout, _) = RegistryDir::open(dir)?;
            let rows = users::list(&layout)?;
            if args.json {
                ui::json(&rows)?;
            } else {
                let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
                for r in &rows {
                    let note = if r.can_log_in {
                        ""
                    } else {
                        "  <- cannot log in (not bcrypt): regctl user passwd"
                    };
                    outln!("{:width$}  {}{note}", r.name, r.scheme);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
