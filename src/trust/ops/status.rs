//! `trust status`: what each store holds for a CA and its hosts.

use super::{Request, State, per_ca, steps_for};
use crate::trust::tool::Found;
use std::path::PathBuf;

use crate::trust::{RegistryAddr, Step, StoreKind};

/// Where a store stands, for `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct StoreStatus {
    pub store: StoreKind,
    pub path: PathBuf,
    /// `installed`, `different`, `missing`, `allowed`, `not allowed`,
    /// `unknown`, `not available`.
    pub state: String,
    pub detail: String,
}

/// What each store holds for the request's CA and hosts.
pub(crate) fn status(req: &Request, state: &dyn State) -> Vec<StoreStatus> {
    let mut rows = Vec::new();
    let ca = req.ca.clone().unwrap_or_default();
    for &kind in &req.stores {
        let hosts: &[RegistryAddr] = if per_ca(kind) {
            &req.hosts[..req.hosts.len().min(1)]
        } else {
            &req.hosts
        };
        let mut any = false;
        for reg in hosts {
            let Ok(steps) = steps_for(req, kind, reg) else {
                continue;
            };
            for step in steps {
                let row = |path: PathBuf, state: &str, detail: &str| StoreStatus {
                    store: kind,
                    path,
                    state: state.into(),
                    detail: detail.into(),
                };
                match step {
                    Step::Write { path, contents } => rows.push(match state.read(&path) {
                        Some(b) if b == contents.as_bytes() => {
                            row(path, "installed", "installed, matches the CA")
                        }
                        Some(_) => row(
                            path,
                            "different",
                            "present but DIFFERENT from this CA (re-run trust install)",
                        ),
                        None => row(path, "missing", "not installed"),
                    }),
                    Step::Present { path } => rows.push(row(path, "allowed", "allowed (insecure)")),
                    Step::Merge { path, .. } => {
                        rows.push(row(path, "not allowed", "not allowed yet"))
                    }
                    Step::Command { target, export, .. } => {
                        let found = state.tool_find(&export.unwrap_or_default(), &ca);
                        let (s, d) = match found {
                            Found::ThisCa => ("installed", "installed, matches the CA"),
                            Found::Other => (
                                "different",
                                "present but DIFFERENT from this CA (re-run trust install)",
                            ),
                            Found::Nothing => ("missing", "not installed"),
                            Found::Unknown => (
                                "unknown",
                                "unknown (the store's tool cannot list it, or is not installed)",
                            ),
                        };
                        let mut r = row(target.clone(), s, d);
                        if kind == StoreKind::Java && found == Found::Nothing {
                            // Debian's ca-certificates-java copies the system
                            // store into the JDK keystore under its own alias.
                            let alias = format!("debian:{}.pem", reg.file_stem());
                            let debian = crate::trust::java::export_alias(&target, &alias);
                            if state.tool_find(&debian, &ca) == Found::ThisCa {
                                r = row(
                                    target,
                                    "installed",
                                    &format!("installed through the system store (alias {alias})"),
                                );
                            }
                        }
                        rows.push(r);
                    }
                    Step::Run { .. } | Step::Advice(_) => continue,
                }
                any = true;
            }
        }
        if !any {
            rows.push(StoreStatus {
                store: kind,
                path: PathBuf::new(),
                state: "not available".into(),
                detail: "not available here".into(),
            });
        }
    }
    rows
}
