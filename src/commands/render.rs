//! `regctl render`.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{RenderArgs, RenderWhat};
use crate::layout::RegistryDir;
use crate::render::{self, Inputs, What};
use crate::secret::{self, PasswordSource};
use crate::setup::{Setup, Target};
use crate::ui::{self, outln};

/// What a bare `render` writes: what the target uses.
fn default_what(target: Target) -> What {
    match target {
        Target::Local => What::Systemd,
        Target::Compose => What::Compose,
        Target::Kubernetes => What::K8s,
    }
}

pub(super) fn run(dir: &Path, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let answers = match &args.answers {
        Some(p) => crate::fsutil::absolute(p),
        None => RegistryDir::new(dir).answers(),
    };
    let setup = Setup::load(&answers)?;
    let layout = RegistryDir::new(answers.parent().unwrap_or(Path::new(".")));
    let out = crate::fsutil::absolute(args.out.as_deref().unwrap_or(layout.root()));
    let what = match args.what {
        None => default_what(setup.target),
        Some(RenderWhat::Config) => What::Config,
        Some(RenderWhat::Compose) => What::Compose,
        Some(RenderWhat::Systemd) => What::Systemd,
        Some(RenderWhat::K8s) => What::K8s,
        Some(RenderWhat::All) => What::All,
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
                    .map_err(|e| anyhow::anyhow!("cannot read the pull Secret's password: {e}"))?;
            render::save_pull_credentials(&layout, user, &pw)?;
            Some((user.clone(), pw))
        }
        None => render::pull_credentials(&layout)?,
    };
    let inputs = Inputs {
        setup: &setup,
        dir: layout.root(),
        templates: args.templates.as_deref(),
        http_secret: render::http_secret(layout.root())?,
        pull,
    };
    // Everything is rendered before anything is written.
    let files = render::render(&inputs, what)?;
    let written = render::write_checked(&layout, &out, &files, args.force)?;
    if matches!(what, What::K8s | What::All) {
        for stale in render::remove_stale_k8s(&out, &files)? {
            outln!(
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
        outln!("wrote {}{note}", path.display());
    }
    let secrets: Vec<String> = files
        .iter()
        .zip(&written)
        .filter(|(f, _)| f.secret)
        .map(|(_, p)| p.display().to_string())
        .collect();
    if !secrets.is_empty() {
        outln!(
            "files holding secrets (keep them out of version control): {}",
            secrets.join(", ")
        );
    }
    if matches!(what, What::Compose | What::All) {
        outln!("\nwithout compose:\n  {}", render::docker_run(&inputs)?);
    }
    if matches!(what, What::K8s | What::All) {
        outln!(
            "\nKubernetes: kubectl apply -k {}",
            out.join("k8s").display()
        );
        if inputs.pull.is_none() {
            outln!(
                "  (no image pull Secret: re-run with --pull-user USER --pull-password-stdin; it is kept for later renders)"
            );
        } else {
            for warning in render::missing_pull_namespaces(&setup) {
                ui::warn(warning);
            }
        }
        if setup.target != Target::Kubernetes {
            ui::note(format_args!(
                "regctl.yaml says target: {:?}; the manifests are rendered anyway",
                setup.target
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
