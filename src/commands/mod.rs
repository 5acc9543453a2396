//! Command handlers: turn parsed flags into library calls, with `anyhow`
//! context, and decide the exit code.

mod apply;
mod cert;
mod completions;
mod doctor;
mod gc;
mod htpasswd;
mod image;
mod init;
mod render;
mod serve;
mod service;
mod trust;

use std::process::ExitCode;

use crate::cli::{CertCommand, Cli, Command};

/// `p` made absolute against the current directory (paths that end up in
/// generated files and in a detached process must not depend on it).
fn absolute(p: &std::path::Path) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context as _;
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .context("finding the current directory")?
            .join(p)
    })
}

/// Runs one command; `Err` is printed as a one-line error by `main`.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(&cli.dir, &args),
        Command::Start => service::start(&cli.dir),
        Command::Stop => service::stop(&cli.dir),
        Command::Status => service::status(&cli.dir),
        Command::Logs(args) => service::logs(&cli.dir, &args),
        Command::Cert(CertCommand::Issue(args)) => cert::issue(&cli.dir, &args),
        Command::Cert(CertCommand::Inspect(args)) => cert::inspect(&args),
        Command::Cert(CertCommand::Renew(args)) => cert::renew(&cli.dir, &args),
        Command::Htpasswd(cmd) => htpasswd::run(cmd),
        Command::Render(args) => render::run(&cli.dir, &args),
        Command::Trust(cmd) => trust::run(&cli.dir, cmd),
        Command::Image(crate::cli::ImageCommand::Build(args)) => image::build(&args),
        Command::Doctor(args) => doctor::run(&cli.dir, &args),
        Command::Probe(args) => probe(&args),
        Command::Serve(args) => serve::run(&cli.dir, &args),
        Command::Gc(args) => gc::run(&cli.dir, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => completions::man(),
    }
}

fn probe(args: &crate::cli::ProbeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let status = rt.block_on(crate::probe::probe(
        &args.url,
        args.cacert.as_deref(),
        args.connect.as_deref(),
        std::time::Duration::from_secs(args.timeout),
    ));
    match status {
        Ok(code) if (200..400).contains(&code) => Ok(ExitCode::SUCCESS),
        Ok(code) => anyhow::bail!("{} answered {code}", args.url),
        Err(e) => Err(anyhow::Error::new(e).context(format!("probing {}", args.url))),
    }
}
