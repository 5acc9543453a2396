//! The registry's users: `regctl user add|passwd|remove|list`.
//!
//! One change keeps three things in step: `auth/htpasswd` (written with the
//! owner the registry process needs, so a container's non-root user can
//! still read it), the `users` list in regctl.yaml (so a later `init` never
//! brings a removed user back), and on Kubernetes the htpasswd Secret
//! (re-rendered, and applied with `--apply`). The running registry re-reads
//! the file within a second of the change; nothing restarts.

use std::path::PathBuf;

use serde::Serialize;

use crate::fsutil::{self, MODE_SECRET, Overwrite, Owner};
use crate::htpasswd::{DEFAULT_COST, Htpasswd, HtpasswdError};
use crate::layout::RegistryDir;
use crate::secret::NewPassword;
use crate::setup::{Setup, SetupError, Target};

/// Why a user change was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UserError {
    #[error("user `{0}` already exists: change the password with `regctl user passwd {0}`")]
    Exists(String),
    #[error("there is no user `{0}` (see `regctl user list`)")]
    Missing(String),
    #[error(transparent)]
    Htpasswd(#[from] HtpasswdError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: fsutil::FsError,
    },
    #[error(transparent)]
    Answers(#[from] SetupError),
    #[error("cannot update the Kubernetes Secret")]
    Render(#[source] crate::render::RenderError),
    #[error("kubectl apply failed")]
    Apply(#[source] crate::kube::KubeError),
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Change {
    Added,
    Updated,
    Removed,
}

/// The result of one change, for the person.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub user: String,
    pub change: Change,
    pub file: PathBuf,
    /// A generated password and the 0600 file that keeps it.
    pub generated: Option<(String, PathBuf)>,
    /// Kubernetes manifests re-rendered for the change.
    pub rendered: Vec<PathBuf>,
    /// `kubectl apply -k` ran.
    pub applied: bool,
    /// Things that work less well than they should.
    pub warnings: Vec<String>,
}

/// One user, for `list`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserRow {
    pub name: String,
    /// How the password is hashed.
    pub scheme: String,
    /// Whether the registry accepts the entry (bcrypt only).
    pub can_log_in: bool,
}

/// Writes the htpasswd file as the registry process needs it: 0600, owned
/// by the user it runs as where regctl can arrange that, else by whoever
/// owned the file before. Returns a warning when the registry may not be
/// able to read it.
pub(crate) fn save_htpasswd(
    layout: &RegistryDir,
    setup: &Setup,
    file: &Htpasswd,
) -> Result<Option<String>, UserError> {
    let path = layout.htpasswd();
    let wanted = crate::lifecycle::registry_owner(setup);
    let (owner, warning) = match wanted {
        Some((uid, gid)) if crate::platform::is_root() => (Owner::Id(uid, gid), None),
        Some((uid, _)) if crate::platform::owner_of(&path).is_some_and(|(u, _)| u != uid) => (
            Owner::Keep,
            Some(format!(
                "{} must be readable by uid {uid}, the user the registry runs as, but regctl is not root and cannot hand it over: run `sudo chown {uid} {}`",
                path.display(),
                path.display()
            )),
        ),
        _ => (Owner::Keep, None),
    };
    fsutil::write_atomic_as(
        &path,
        file.render().as_bytes(),
        MODE_SECRET,
        Overwrite::Replace,
        owner,
    )
    .map_err(|source| UserError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(warning)
}

/// Adds `user` (`adding`) or changes their password.
pub(crate) fn set_password(
    layout: &RegistryDir,
    setup: &Setup,
    user: &str,
    password: &NewPassword,
    adding: bool,
    apply: bool,
) -> Result<Outcome, UserError> {
    crate::htpasswd::validate_user(user)?;
    let mut file = Htpasswd::load(&layout.htpasswd(), true)?;
    let exists = file.get(user).is_some();
    if adding && exists {
        return Err(UserError::Exists(user.to_string()));
    }
    if !adding && !exists {
        return Err(UserError::Missing(user.to_string()));
    }
    file.set(user, &password.value, DEFAULT_COST)?;
    let mut warnings: Vec<String> = save_htpasswd(layout, setup, &file)?.into_iter().collect();
    let generated = if password.generated {
        let path = layout.generated_password(user);
        fsutil::write_atomic(
            &path,
            format!("{}\n", password.value).as_bytes(),
            MODE_SECRET,
            Overwrite::Replace,
        )
        .map_err(|source| UserError::Write {
            path: path.clone(),
            source,
        })?;
        Some((password.value.clone(), path))
    } else {
        // A password set by hand makes an older generated one wrong.
        let _ = std::fs::remove_file(layout.generated_password(user));
        None
    };
    let mut answers = setup.clone();
    if !answers.users.iter().any(|u| u == user) {
        answers.users.push(user.to_string());
        answers.save(&layout.answers())?;
    }
    // The pull Secret carries this user's password: it changes with it.
    if pull_user(layout).as_deref() == Some(user) {
        crate::render::save_pull_credentials(layout, user, &password.value)
            .map_err(UserError::Render)?;
    }
    let (rendered, applied) = kubernetes_follow_up(layout, &answers, apply, &mut warnings)?;
    Ok(Outcome {
        user: user.to_string(),
        change: if adding {
            Change::Added
        } else {
            Change::Updated
        },
        file: layout.htpasswd(),
        generated,
        rendered,
        applied,
        warnings,
    })
}

/// Removes `user` from the file and the answers.
pub(crate) fn remove(
    layout: &RegistryDir,
    setup: &Setup,
    user: &str,
    apply: bool,
) -> Result<Outcome, UserError> {
    let mut file = Htpasswd::load(&layout.htpasswd(), true)?;
    let in_answers = setup.users.iter().any(|u| u == user);
    let in_file = file.get(user).is_some();
    if !in_answers && !in_file {
        return Err(UserError::Missing(user.to_string()));
    }
    let mut warnings = Vec::new();
    if in_file {
        file.remove(user)?;
        warnings.extend(save_htpasswd(layout, setup, &file)?);
    }
    let _ = std::fs::remove_file(layout.generated_password(user));
    let mut answers = setup.clone();
    answers.users.retain(|u| u != user);
    if answers.kubernetes.pull_user.as_deref() == Some(user) {
        // So no later `init` creates it again.
        answers.kubernetes.pull_user = None;
    }
    answers.save(&layout.answers())?;
    if pull_user(layout).as_deref() == Some(user) {
        let _ = std::fs::remove_file(layout.pull_credentials());
        warnings.push(format!(
            "the image pull Secret used {user}: k8s/pull-secret.yaml is removed, so delete the Secret regctl-registry-pull from {} (or give it another user: regctl render k8s --pull-user USER --pull-password-stdin)",
            answers.kubernetes.pull_secret_namespaces.join(", ")
        ));
    }
    if answers.users.is_empty() && file.entries().next().is_none() {
        warnings.push(
            "no users are left: nobody can log in until you add one with `regctl user add NAME`"
                .into(),
        );
    }
    let (rendered, applied) = kubernetes_follow_up(layout, &answers, apply, &mut warnings)?;
    Ok(Outcome {
        user: user.to_string(),
        change: Change::Removed,
        file: layout.htpasswd(),
        generated: None,
        rendered,
        applied,
        warnings,
    })
}

/// The user whose credentials the image pull Secret carries.
fn pull_user(layout: &RegistryDir) -> Option<String> {
    crate::render::pull_credentials(layout)
        .ok()
        .flatten()
        .map(|(u, _)| u)
}

/// Every user in the htpasswd file.
pub(crate) fn list(layout: &RegistryDir) -> Result<Vec<UserRow>, UserError> {
    let file = Htpasswd::load(&layout.htpasswd(), true)?;
    Ok(file
        .entries()
        .map(|e| UserRow {
            name: e.user.clone(),
            scheme: e.scheme().to_string(),
            can_log_in: e.scheme().is_bcrypt(),
        })
        .collect())
}

/// On Kubernetes the users live in a Secret: re-render it, and apply it
/// when asked (otherwise say how).
fn kubernetes_follow_up(
    layout: &RegistryDir,
    setup: &Setup,
    apply: bool,
    warnings: &mut Vec<String>,
) -> Result<(Vec<PathBuf>, bool), UserError> {
    if setup.target != Target::Kubernetes {
        return Ok((Vec::new(), false));
    }
    let rendered = crate::render::rerender_kubernetes(layout, setup).map_err(UserError::Render)?;
    if apply {
        let k8s = layout.root().join("k8s");
        setup
            .kubernetes
            .kubectl()
            .run(&["apply", "-k", &k8s.display().to_string()], None)
            .map_err(UserError::Apply)?;
        return Ok((rendered, true));
    }
    warnings.push(format!(
        "the cluster still has the old users: apply the Secret with `regctl user ... --apply` or `kubectl apply -k {}`",
        layout.root().join("k8s").display()
    ));
    Ok((rendered, false))
}
