//! `regctl trust install|uninstall|status`.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{TrustArgs, TrustCommand};
use crate::trust::request::{self, Flags};
use crate::ui::{self, outln};

fn flags(a: &TrustArgs) -> Flags {
    Flags {
        hosts: a.hosts.clone(),
        ca: a.ca.clone(),
        stores: a.store.iter().filter_map(|c| c.kind()).collect(),
        root: a.root.clone(),
        dry_run: a.dry_run,
        insecure: a.insecure,
        per_user: a.per_user,
    }
}

pub(super) fn run(dir: &Path, cmd: TrustCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TrustCommand::Install(a) => request::install(dir, &flags(&a))?,
        TrustCommand::Uninstall(a) => request::uninstall(dir, &flags(&a))?,
        TrustCommand::Status(a) => {
            let rows = request::status(dir, &flags(&a))?;
            if a.json.json {
                ui::json(&rows)?;
            } else {
                for r in rows {
                    if r.path.as_os_str().is_empty() {
                        outln!("{}: {}", r.store.name(), r.detail);
                    } else {
                        outln!("{}: {}: {}", r.store.name(), r.detail, r.path.display());
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
