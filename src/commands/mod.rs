//! Command handlers: turn parsed flags into library calls, with `anyhow`
//! context, and decide the exit code.

mod cert;
mod completions;
mod gc;
mod htpasswd;
mod serve;

use std::process::ExitCode;

use crate::cli::{CertCommand, Cli, Command};

/// Runs one command; `Err` is printed as a one-line error by `main`.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Cert(CertCommand::Issue(args)) => cert::issue(&cli.dir, &args),
        Command::Cert(CertCommand::Inspect(args)) => cert::inspect(&args),
        Command::Cert(CertCommand::Renew(args)) => cert::renew(&cli.dir, &args),
        Command::Htpasswd(cmd) => htpasswd::run(cmd),
        Command::Serve(args) => serve::run(&cli.dir, &args),
        Command::Gc(args) => gc::run(&cli.dir, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => completions::man(),
    }
}
