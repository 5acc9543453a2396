//! `regctl init`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::init::{Request, Sources};
use crate::secret::PasswordSource;
use crate::wizard::ProvidedFiles;

pub(super) fn run(dir: &Path, args: InitArgs) -> anyhow::Result<ExitCode> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let given = if args.password.password_stdin {
        Some(PasswordSource::Stdin)
    } else {
        args.password.password_env.clone().map(PasswordSource::Env)
    };
    crate::init::run(Request {
        dir: dir.to_path_buf(),
        answers: args.answers,
        flags: args.setup,
        interactive,
        dry_run: args.dry_run,
        force: args.force,
        new_ca: args.new_ca,
        provided: ProvidedFiles {
            cert: args.cert,
            key: args.key,
            ca: args.ca,
        },
        key_type: args.key_opts.key_type,
        days: args.key_opts.days,
        passwords: Sources {
            given,
            generate: args.password.generate_password,
            interactive,
        },
        root: args.root,
        start: !args.no_start,
        self_test: !args.no_self_test,
        apply: args.apply,
        templates: args.templates,
    })?;
    Ok(ExitCode::SUCCESS)
}
