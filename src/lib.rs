//! regctl: a private, TLS-secured, password-protected container registry in
//! one command. The library holds everything; `main` only calls [`main`].
//!
//! The layers and what each may not do are in docs/architecture.md.

#![deny(unsafe_code)]

mod apply;
mod certs;
mod cli;
mod client;
mod commands;
mod cron;
mod doctor;
mod fsutil;
/// Fuzz entry points: public only to `cargo fuzz` (`--cfg fuzzing`).
#[cfg(fuzzing)]
pub mod fuzzing;
#[cfg(all(test, not(fuzzing)))]
#[allow(unreachable_pub)]
mod fuzzing;
mod htpasswd;
mod image;
mod init;
mod kube;
mod layout;
mod lifecycle;
mod manpages;
mod netinfo;
mod pki;
mod plan;
mod platform;
mod probe;
mod registry;
mod render;
mod secret;
mod selftest;
mod setup;
mod trust;
mod ui;
mod users;
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
            ui::report(&err);
            std::process::ExitCode::FAILURE
        }
    }
}
