//! `regctl serve`: the bundled registry.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::registry;
use crate::ui;

pub(super) fn run(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let path = registry::config_path(
        dir,
        args.config.clone().or_else(|| args.config_file.clone()),
    );
    if args.check_config {
        let check = registry::check_config(&path)?;
        ui::out!("{}", check.masked_yaml);
        for w in &check.warnings {
            ui::warn(w);
        }
        let users = match check.users {
            Some(n) => format!("; {n} user(s) can log in"),
            None => String::new(),
        };
        ui::info(format_args!("configuration OK: {}{users}", path.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let config = registry::load_config(&path)?;
    registry::serve(config)?;
    Ok(ExitCode::SUCCESS)
}
