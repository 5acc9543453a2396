//! `regctl render`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::absolute;
use crate::cli::{RenderArgs, RenderWhat};
use crate::layout::RegistryDir;
use crate::render::{self, Inputs, What};
use crate::secret::{self, PasswordSource};
use crate::setup::{Setup, Target};

pub(super) fn run(dir: &Path, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let answers = match &args.config {
        Some(p) => p.clone(),
        None => RegistryDir::new(dir).answers(),
    };
    let setup = Setup::load(&answers)?;
    let reg_dir = absolute(
        answers
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    let out = absolute(args.out.as_deref().unwrap_or(&reg_dir))?;
    let what = match args.what {
        RenderWhat::Config => What::Config,
        RenderWhat::Compose => What::Compose,
        RenderWhat::Systemd => What::Systemd,
        RenderWhat::K8s => What::K8s,
        RenderWhat::All => What::All,
    };
    let pull = match &args.pull_user {
        Some(user) => {
            let source = if args.pull_password_stdin {
                PasswordSource::Stdin
            } else if let Some(var) = &args.pull_password_env {
                PasswordSource::Env(var.clone())
            } else {
                PasswordSource::Prompt { confirm: false }
            };
            let pw =
                secret::read_password(&source, &format!("Password of {user} for the pull Secret"))
                    .context("reading the pull Secret's password")?;
            Some((user.clone(), pw))
        }
        None => None,
    };
    let inputs = Inputs {
        setup: &setup,
        dir: &reg_dir,
        templates: args.templates.as_deref(),
        http_secret: render::http_secret(&reg_dir)?,
        pull,
    };
    // Everything is rendered before anything is written.
    let files = render::render(&inputs, what)?;
    let written = render::write(&out, &files)?;
    if matches!(what, What::K8s | What::All) {
        for stale in render::remove_stale_k8s(&out, &files)? {
            crate::ui::outln!(
                "removed {} (no longer produced by the answers)",
                stale.display()
            );
        }
    }
    for (f, path) in files.iter().zip(&written) {
        let note = if f.secret {
            "  (0600, holds secrets)"
        } else {
            ""
        };
        crate::ui::outln!("wrote {}{note}", path.display());
    }
    let secrets: Vec<String> = files
        .iter()
        .zip(&written)
        .filter(|(f, _)| f.secret)
        .map(|(_, p)| p.display().to_string())
        .collect();
    if !secrets.is_empty() {
        crate::ui::outln!(
            "files holding secrets (keep them out of version control): {}",
            secrets.join(", ")
        );
    }
    if matches!(what, What::Compose | What::All) {
        crate::ui::outln!("\nwithout compose:\n  {}", render::docker_run(&inputs)?);
    }
    if matches!(what, What::K8s | What::All) {
        crate::ui::outln!(
            "\nKubernetes: kubectl apply -k {}",
            out.join("k8s").display()
        );
        if inputs.pull.is_none() {
            crate::ui::outln!(
                "  (no image pull Secret: re-run with --pull-user USER --pull-password-stdin, or\n   kubectl create secret docker-registry regctl-registry-pull --docker-server={} --docker-username=USER --docker-password-stdin)",
                setup.registry_host()
            );
        }
        if setup.target != Target::Kubernetes {
            crate::ui::outln!(
                "  (regctl.yaml says target: {:?}; the manifests are rendered anyway)",
                setup.target
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
