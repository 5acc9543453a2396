use std::process::ExitCode;

use clap::Parser;

mod libm_symbols;

fn main() -> ExitCode {
    let cli = regctl::cli::Cli::parse();
    match regctl::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line: the error and its causes, never a backtrace.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
