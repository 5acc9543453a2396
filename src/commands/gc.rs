//! `regctl gc`.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::GcArgs;
use crate::registry::{self, GcOptions};
use crate::ui::{self, outln};

pub(super) fn run(dir: &Path, args: &GcArgs) -> anyhow::Result<ExitCode> {
    let path = registry::config_path(dir, args.config.clone());
    let config = registry::load_config(&path)?;
    let report = registry::collect_garbage(
        &config,
        GcOptions {
            delete_untagged: args.delete_untagged,
            min_age: args.min_age,
            dry_run: args.dry_run,
            upload_age: None,
        },
    )?;
    if args.json.json {
        ui::json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if report.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for r in &report.repositories {
        outln!(
            "{}: {verb} {} manifest(s), {} layer link(s), {} upload(s)",
            r.name,
            r.manifests_removed.len(),
            r.layer_links_removed,
            r.uploads_removed
        );
        for m in &r.manifests_removed {
            outln!("  {m}");
        }
    }
    outln!(
        "blobs: {verb} {} ({}), kept {}; manifests kept {}; {} recent item(s) kept by the {} grace period; {} ms",
        report.blobs_removed,
        human_bytes(report.bytes_freed),
        report.blobs_kept,
        report.manifests_kept,
        report.recent_kept,
        registry::duration::format(args.min_age),
        report.duration_ms
    );
    Ok(ExitCode::SUCCESS)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}
