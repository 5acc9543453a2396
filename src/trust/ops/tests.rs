//! The planners' decisions, by value: no machine is touched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::install::Install;
use super::uninstall::Uninstall;
use super::*;
use crate::trust::ledger::{Entry, Ledger};

#[derive(Default)]
struct Fake {
    files: HashMap<PathBuf, Vec<u8>>,
    tool: Option<Found>,
}

impl State for Fake {
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.files.get(path).cloned()
    }
    fn tool_find(&self, _export: &[String], _ca: &str) -> Found {
        self.tool.unwrap_or(Found::Nothing)
    }
}

fn merged(path: &str, registry: &str, contents: &str, backup: Option<&str>) -> Entry {
    Entry::merged(
        StoreKind::Docker,
        registry,
        Path::new(path),
        contents.as_bytes(),
        backup.map(PathBuf::from),
    )
}

const DAEMON: &str = "/etc/docker/daemon.json";
const BACKUP: &str = "/etc/docker/daemon.json.regctl-backup";

#[test]
fn a_merge_as_regctl_left_it_gets_its_backup_back() {
    let after = "{\n  \"insecure-registries\": [\"a:5000\"]\n}\n";
    let e = merged(DAEMON, "a:5000", after, Some(BACKUP));
    let mut state = Fake::default();
    state.files.insert(DAEMON.into(), after.into());
    state
        .files
        .insert(BACKUP.into(), b"{\"debug\": true}".to_vec());
    let ledger = Ledger {
        entries: vec![e.clone()],
    };
    assert_eq!(
        plan_uninstall(std::slice::from_ref(&e), &ledger, &state),
        vec![Uninstall::Restore {
            store: StoreKind::Docker,
            path: DAEMON.into(),
            backup: BACKUP.into()
        }]
    );
    // Without a backup, regctl had created the file: it goes.
    state.files.remove(Path::new(BACKUP));
    assert_eq!(
        plan_uninstall(&[e], &ledger, &state),
        vec![Uninstall::RemoveCreated {
            store: StoreKind::Docker,
            path: DAEMON.into()
        }]
    );
}

#[test]
fn a_shared_or_edited_merge_only_loses_this_registry() {
    let both = "{\n  \"insecure-registries\": [\"a:5000\", \"b:5000\"]\n}\n";
    let a = merged(DAEMON, "a:5000", both, Some(BACKUP));
    let b = merged(DAEMON, "b:5000", both, Some(BACKUP));
    let mut state = Fake::default();
    state.files.insert(DAEMON.into(), both.into());
    state.files.insert(BACKUP.into(), b"{}".to_vec());
    let ledger = Ledger {
        entries: vec![a.clone(), b],
    };
    let plan = plan_uninstall(std::slice::from_ref(&a), &ledger, &state);
    let [
        Uninstall::Rewrite {
            contents,
            shared: true,
            ..
        },
    ] = plan.as_slice()
    else {
        panic!("{plan:?}")
    };
    assert!(contents.contains("b:5000") && !contents.contains("a:5000"));

    // Alone but edited since (a key added): rewritten, not restored.
    let edited = "{\"insecure-registries\": [\"a:5000\"], \"debug\": true}";
    state.files.insert(DAEMON.into(), edited.into());
    let ledger = Ledger {
        entries: vec![a.clone()],
    };
    let plan = plan_uninstall(std::slice::from_ref(&a), &ledger, &state);
    assert!(
        matches!(plan.as_slice(), [Uninstall::Rewrite { shared: false, .. }]),
        "{plan:?}"
    );

    // Edited back to exactly the original settings: the original bytes return.
    state.files.insert(
        DAEMON.into(),
        "{\"insecure-registries\": [\"a:5000\"]}".into(),
    );
    let plan = plan_uninstall(&[a], &ledger, &state);
    assert!(
        matches!(plan.as_slice(), [Uninstall::Restore { .. }]),
        "{plan:?}"
    );
}

#[test]
fn files_are_removed_only_as_written_and_debian_rebuilds_fresh() {
    let anchor = Path::new("/usr/local/share/ca-certificates/regctl-a-5000.crt");
    let e = Entry::file(
        StoreKind::System,
        "a:5000",
        anchor,
        b"CA",
        vec!["update-ca-certificates".into()],
    );
    let certs_d = Path::new("/etc/docker/certs.d/a:5000/ca.crt");
    let d = Entry::file(StoreKind::Docker, "a:5000", certs_d, b"CA", Vec::new());
    let mut state = Fake::default();
    state.files.insert(anchor.into(), b"CA".to_vec());
    state.files.insert(certs_d.into(), b"CA".to_vec());
    let ledger = Ledger {
        entries: vec![e.clone(), d.clone()],
    };
    assert_eq!(
        plan_uninstall(&[e.clone(), d.clone()], &ledger, &state),
        vec![
            Uninstall::Remove {
                store: StoreKind::System,
                path: anchor.into(),
                dir: None
            },
            Uninstall::Remove {
                store: StoreKind::Docker,
                path: certs_d.into(),
                dir: Some("/etc/docker/certs.d/a:5000".into())
            },
            Uninstall::Update {
                argv: vec!["update-ca-certificates".into(), "--fresh".into()]
            },
        ]
    );
    state.files.insert(certs_d.into(), b"edited".to_vec());
    state.files.remove(anchor);
    assert_eq!(
        plan_uninstall(&[e, d], &ledger, &state),
        vec![
            Uninstall::Gone {
                store: StoreKind::System,
                path: anchor.into()
            },
            Uninstall::Edited {
                store: StoreKind::Docker,
                path: certs_d.into()
            },
        ]
    );
}

#[test]
fn tool_entries_already_removed_are_forgotten() {
    let e = Entry::command(
        StoreKind::Java,
        "a:5000",
        Path::new("/jdk/cacerts"),
        "CA",
        vec![vec!["keytool".into(), "-delete".into()]],
        vec!["keytool".into(), "-exportcert".into()],
    );
    let ledger = Ledger {
        entries: vec![e.clone()],
    };
    let mut state = Fake::default();
    assert!(matches!(
        plan_uninstall(std::slice::from_ref(&e), &ledger, &state).as_slice(),
        [Uninstall::Gone { .. }]
    ));
    state.tool = Some(Found::ThisCa);
    assert!(matches!(
        plan_uninstall(&[e], &ledger, &state).as_slice(),
        [Uninstall::ToolRemove { .. }]
    ));
}

#[test]
fn install_writes_per_host_and_once_per_ca() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("usr/local/share/ca-certificates")).unwrap();
    let hosts: Vec<RegistryAddr> = ["reg.lan:5000", "10.0.0.5:5000"]
        .iter()
        .map(|h| RegistryAddr::parse(h).unwrap())
        .collect();
    let req = Request {
        scope: Scope::Host {
            root: r.to_path_buf(),
        },
        hosts,
        stores: vec![StoreKind::System, StoreKind::Docker],
        ca: Some("CA\n".into()),
    };
    let mut state = Fake::default();
    let plan = plan_install(&req, &state).unwrap();
    let writes: Vec<String> = plan
        .iter()
        .filter_map(|a| match a {
            Install::Write { path, .. } => {
                Some(path.strip_prefix(r).unwrap().display().to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        writes,
        [
            "usr/local/share/ca-certificates/regctl-reg.lan-5000.crt",
            "etc/docker/certs.d/reg.lan:5000/ca.crt",
            "etc/docker/certs.d/10.0.0.5:5000/ca.crt",
        ]
    );
    assert!(plan.contains(&Install::Update {
        argv: vec!["update-ca-certificates".into()]
    }));
    // Everything in place: nothing written, nothing rebuilt.
    for a in &plan {
        if let Install::Write { path, contents, .. } = a {
            state
                .files
                .insert(path.clone(), contents.clone().into_bytes());
        }
    }
    let again = plan_install(&req, &state).unwrap();
    assert!(
        again.iter().all(|a| matches!(a, Install::Unchanged { .. })),
        "{again:?}"
    );
}
