//! `regctl gc`.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::GcArgs;
use crate::registry::config::Config;
use crate::registry::gc::{self, GcOptions};
use crate::registry::storage::fs::FsDriver;

pub(super) fn run(dir: &std::path::Path, args: &GcArgs) -> anyhow::Result<ExitCode> {
    let path = super::serve::config_path(dir, args.config.clone());
    let config = Config::load(&path, std::env::vars())
        .with_context(|| format!("invalid registry configuration {}", path.display()))?;
    let root = &config.storage.rootdirectory;
    if !root.is_dir() {
        anyhow::bail!(
            "the storage root {} does not exist: check storage.filesystem.rootdirectory",
            root.display()
        );
    }
    let purging = &config.storage.uploadpurging;
    let opts = GcOptions {
        delete_untagged: args.delete_untagged,
        min_age: args.min_age,
        dry_run: args.dry_run,
        upload_age: purging.enabled.then_some(purging.age),
    };
    let report = gc::collect(&FsDriver::new(root.clone()), &opts)
        .with_context(|| format!("garbage collection in {}", root.display()))?;
    if args.json {
        crate::ui::outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if report.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for r in &report.repositories {
        crate::ui::outln!(
            "{}: {verb} {} manifest(s), {} layer link(s), {} upload(s)",
            r.name,
            r.manifests_removed.len(),
            r.layer_links_removed,
            r.uploads_removed
        );
        for m in &r.manifests_removed {
            crate::ui::outln!("  {m}");
        }
    }
    crate::ui::outln!(
        "blobs: {verb} {} ({}), kept {}; manifests kept {}; {} recent item(s) kept by the {} grace period; {} ms",
        report.blobs_removed,
        human_bytes(report.bytes_freed),
        report.blobs_kept,
        report.manifests_kept,
        report.recent_kept,
        crate::registry::config::duration::format(args.min_age),
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
