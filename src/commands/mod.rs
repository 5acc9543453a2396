//! The command layer: each command turns its flags into a library call,
//! prints the result and decides the exit code. No command imports
//! another; what two commands share lives in the library.

mod cert;
mod completions;
mod doctor;
mod gc;
mod htpasswd;
mod image;
mod init;
mod inspect;
mod lifecycle;
mod probe;
mod render;
mod serve;
mod trust;
mod user;

use std::process::ExitCode;

use crate::cli::{CertCommand, Cli, Command, ImageCommand};

/// Runs one command; `Err` is reported by `main`.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let dir = cli.dir;
    match cli.command {
        Command::Init(args) => init::run(&dir, *args),
        Command::Start => lifecycle::start(&dir),
        Command::Stop => lifecycle::stop(&dir),
        Command::Restart => lifecycle::restart(&dir),
        Command::Status(args) => lifecycle::status(&dir, args),
        Command::Logs(args) => lifecycle::logs(&dir, &args),
        Command::User(cmd) => user::run(&dir, cmd),
        Command::Cert(CertCommand::Issue(args)) => cert::issue(&dir, &args),
        Command::Cert(CertCommand::Inspect(args)) => inspect::run(&args),
        Command::Cert(CertCommand::Renew(args)) => cert::renew(&dir, &args),
        Command::Cert(CertCommand::RotateCa(args)) => cert::rotate_ca(&dir, &args),
        Command::Htpasswd(cmd) => htpasswd::run(&dir, cmd),
        Command::Render(args) => render::run(&dir, &args),
        Command::Trust(cmd) => trust::run(&dir, cmd),
        Command::Image(ImageCommand::Build(args)) => image::build(&args),
        Command::Image(ImageCommand::Save(args)) => image::save(&args),
        Command::Doctor(args) => doctor::run(&dir, &args),
        Command::Probe(args) => probe::run(&args),
        Command::Serve(args) => serve::run(&dir, &args),
        Command::Gc(args) => gc::run(&dir, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => completions::man(&args),
    }
}
