//! Passwords for `init`: new users get one (typed, piped in, or generated)
//! and the self-test logs in with one whose password is known.

use std::collections::BTreeMap;

use anyhow::bail;

use crate::htpasswd::Htpasswd;
use crate::layout::RegistryDir;
use crate::plan::PasswordOrigin;
use crate::secret::{self, PasswordSource};
use crate::setup::Setup;

/// Where `init`'s new passwords come from.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    /// `--password-stdin` or `--password-env`.
    pub given: Option<PasswordSource>,
    /// `--generate-password`.
    pub generate: bool,
    /// The wizard asks (a terminal, no `--yes`).
    pub interactive: bool,
}

/// Passwords for new users, and one known password for the self-test.
pub(crate) struct Passwords {
    pub new: BTreeMap<String, (String, PasswordOrigin)>,
    pub self_test: Option<(String, String)>,
}

/// `pull_user`, when `init` creates the pull Secret's user: its password
/// is always generated, whatever the other users get.
pub(crate) fn passwords(
    sources: &Sources,
    setup: &Setup,
    existing: &Htpasswd,
    layout: &RegistryDir,
    pull_user: Option<&str>,
) -> anyhow::Result<Passwords> {
    let new_users: Vec<&String> = setup
        .users
        .iter()
        .filter(|u| existing.get(u).is_none() && Some(u.as_str()) != pull_user)
        .collect();
    let given = match &sources.given {
        Some(src) => {
            let pw = secret::read_password(src, "Password")
                .map_err(|e| anyhow::anyhow!("cannot read the password: {e}"))?;
            if !new_users.is_empty() {
                secret::check_policy(&pw)?;
            }
            Some(pw)
        }
        None => None,
    };
    if given.is_some() && new_users.len() > 1 {
        bail!(
            "--password-stdin/--password-env give one password, but {} users are new ({}): add them one per run, or use --generate-password",
            new_users.len(),
            new_users
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut new = BTreeMap::new();
    for user in &new_users {
        let (pw, origin) = match &given {
            Some(pw) => (pw.clone(), PasswordOrigin::Given),
            None if sources.interactive && !sources.generate => {
                match crate::wizard::ask_password(user)? {
                    (_, PasswordOrigin::Generated) => {
                        (secret::generate_password()?, PasswordOrigin::Generated)
                    }
                    given => given,
                }
            }
            None => (secret::generate_password()?, PasswordOrigin::Generated),
        };
        new.insert(user.to_string(), (pw, origin));
    }
    // The self-test logs in as a user whose password is known.
    let mut self_test = new.iter().next().map(|(u, (p, _))| (u.clone(), p.clone()));
    if let Some(u) = pull_user {
        new.insert(
            u.to_string(),
            (secret::generate_password()?, PasswordOrigin::PullSecret),
        );
    }
    if self_test.is_none()
        && let Some(pw) = &given
    {
        match setup
            .users
            .iter()
            .find(|u| existing.verify(u, pw).unwrap_or(false))
        {
            Some(u) => self_test = Some((u.clone(), pw.clone())),
            None => crate::ui::warn(format_args!(
                "the password given matches none of the existing users ({}); their passwords are kept (change one with `regctl user passwd USER`)",
                setup.users.join(", ")
            )),
        }
    }
    if self_test.is_none() {
        for u in &setup.users {
            if let Ok(pw) = crate::fsutil::read_to_string(&layout.generated_password(u)) {
                let pw = pw.trim().to_string();
                if existing.verify(u, &pw).unwrap_or(false) {
                    self_test = Some((u.clone(), pw));
                    break;
                }
            }
        }
    }
    Ok(Passwords { new, self_test })
}
