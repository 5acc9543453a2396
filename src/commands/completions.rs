//! Shell completions and the man page, generated from the clap definitions so
//! they never drift from the real flags.

use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};

/// The file name each shell expects.
pub(super) fn file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => "regctl.bash".into(),
        Shell::Zsh => "_regctl".into(),
        Shell::Fish => "regctl.fish".into(),
        Shell::PowerShell => "_regctl.ps1".into(),
        Shell::Elvish => "regctl.elv".into(),
        other => format!("regctl.{other}"),
    }
}

/// The completion script for `shell`.
pub(super) fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "regctl", &mut out);
    out
}

pub(super) fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    match (&args.out_dir, args.shell) {
        (Some(dir), shell) => {
            let shells: Vec<Shell> = match shell {
                Some(s) => vec![s],
                None => Shell::value_variants().to_vec(),
            };
            for s in shells {
                let path = dir.join(file_name(s));
                fsutil::write_atomic(&path, &script(s), MODE_PUBLIC, Overwrite::Replace)
                    .with_context(|| format!("writing {s} completions"))?;
                crate::ui::outln!("wrote {}", path.display());
            }
        }
        (None, Some(s)) => {
            use std::io::Write;
            std::io::stdout().write_all(&script(s))?;
        }
        (None, None) => {
            anyhow::bail!("name a shell (bash, zsh, fish, powershell, elvish) or pass --out-dir")
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn man() -> anyhow::Result<ExitCode> {
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .context("rendering the man page")?;
    Ok(ExitCode::SUCCESS)
}
