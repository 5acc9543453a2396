//! regctl: a private, TLS-secured, password-protected container registry in
//! one command. The library holds everything; `main` only parses and reports.

mod cli;
mod client;
mod commands;
mod doctor;
mod fsutil;
mod htpasswd;
mod image;
mod kube;
mod layout;
mod netinfo;
mod pki;
mod plan;
mod probe;
mod registry;
mod render;
mod secret;
mod selftest;
mod service;
mod setup;
mod trust;
mod ui;
mod wizard;

/// Parses the command line, runs the command and reports an error: the
/// whole of regctl's public surface, so everything else is crate-private
/// and the compiler reports what nothing uses.
pub fn main() -> std::process::ExitCode {
    use clap::Parser as _;
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            crate::ui::info(format_args!("error: {err:#}"));
            std::process::ExitCode::FAILURE
        }
    }
}
