//! `regctl image build|save`.

use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

use crate::cli::{ImageBuildArgs, ImageSaveArgs};
use crate::image;
use crate::ui::{self, outln};

/// Builds the image (or only writes its context) and reports its size.
pub(super) fn build(args: &ImageBuildArgs) -> anyhow::Result<ExitCode> {
    let binary = match &args.binary {
        Some(b) => b.clone(),
        None => std::env::current_exe().context("cannot find the regctl binary")?,
    };
    let tmp;
    let dir = match &args.context {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir().context("cannot create a build directory")?;
            tmp.path().to_path_buf()
        }
    };
    let libs = image::write_context(&binary, &dir)?;
    if libs.is_empty() {
        outln!("{}: statically linked", binary.display());
    } else {
        outln!(
            "{}: dynamically linked; bundling {}",
            binary.display(),
            libs.iter()
                .map(|l| l.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if args.context.is_some() {
        outln!(
            "wrote {}; build it with: docker build -t {} {}",
            dir.join("Dockerfile").display(),
            args.tag,
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let out = Command::new("docker")
        .args(["build", "-q", "-t", &args.tag])
        .arg(&dir)
        .output()
        .context("cannot run docker build (is Docker installed?)")?;
    if !out.status.success() {
        bail!(
            "docker build failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let size = Command::new("docker")
        .args(["image", "inspect", "-f", "{{.Size}}", &args.tag])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
    outln!("built {} ({:.1} MB)", args.tag, size as f64 / 1_000_000.0);
    Ok(ExitCode::SUCCESS)
}

/// Writes the image archive to a file or standard output.
pub(super) fn save(args: &ImageSaveArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal as _;
    if args.output.is_none() && std::io::stdout().is_terminal() {
        bail!(
            "refusing to write a tar archive to the terminal: pipe it (regctl image save | ctr -n k8s.io images import -) or pass -o FILE"
        );
    }
    let binary = match &args.binary {
        Some(b) => b.clone(),
        None => std::env::current_exe().context("cannot find the regctl binary")?,
    };
    let context = tempfile::tempdir().context("cannot create a build directory")?;
    image::write_context(&binary, context.path())?;
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            image::archive::write(context.path(), &args.tag, std::io::BufWriter::new(file))?;
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            ui::note(format_args!(
                "wrote {} ({}, {:.1} MB): import it with `ctr -n k8s.io images import {}` on a node, or `docker load -i {}`",
                path.display(),
                args.tag,
                size as f64 / 1_000_000.0,
                path.display(),
                path.display()
            ));
        }
        None => {
            let stdout = std::io::stdout().lock();
            image::archive::write(context.path(), &args.tag, std::io::BufWriter::new(stdout))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
