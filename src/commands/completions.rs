//! Shell completions and man pages, generated from the clap definitions so
//! they never drift from the real flags.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
use crate::ui::{self, outln};

/// The file name each shell expects.
fn file_name(shell: Shell) -> String {
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
fn script(shell: Shell) -> Vec<u8> {
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
                    .with_context(|| format!("cannot write the {s} completions"))?;
                outln!("wrote {}", path.display());
            }
        }
        (None, Some(s)) => ui::out_bytes(&script(s)),
        (None, None) => {
            anyhow::bail!("name a shell (bash, zsh, fish, powershell, elvish) or pass --out-dir")
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn man(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let pages = crate::manpages::pages()?;
    match &args.out_dir {
        Some(dir) => write_pages(dir, &pages)?,
        None => ui::out_bytes(&pages[0].1),
    }
    Ok(ExitCode::SUCCESS)
}

fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    for (name, page) in pages {
        let path = dir.join(name);
        fsutil::write_atomic(&path, page, MODE_PUBLIC, Overwrite::Replace)
            .with_context(|| format!("cannot write {}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    Ok(())
}
