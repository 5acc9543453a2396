//! Plans decided by value: fresh, repeated, changed and insecure runs.

use super::*;

fn setup() -> Setup {
    serde_norway::from_str("hosts: [reg.lan, 127.0.0.1]\nusers: [admin]\n").unwrap()
}

fn options() -> Options {
    Options {
        new_ca: false,
        key_type: KeyType::P256,
        days: 825,
        ca_days: 3650,
        ca_name: "regctl CA".into(),
        provided: None,
        csr: None,
        trust: vec![StoreKind::Docker],
        trust_root: "/".into(),
        new_passwords: BTreeMap::new(),
        http_secret: "s3cret".into(),
        start: true,
        self_test: true,
        kubectl_apply: None,
        exe: "/usr/local/bin/regctl".into(),
    }
}

fn rendered() -> Vec<Rendered> {
    vec![Rendered {
        path: "config.yml".into(),
        contents: "version: 0.1\n".into(),
        secret: true,
    }]
}

#[test]
fn fresh_directory_creates_everything_and_starts() {
    let facts = Facts {
        dir: "/r".into(),
        ..Facts::default()
    };
    let p = plan(&setup(), &options(), &facts, &rendered());
    assert!(p.replacements().is_empty());
    assert!(p.changes_anything());
    let kinds: Vec<String> = p.steps.iter().map(|s| s.action.to_string()).collect();
    assert!(kinds[0].starts_with("CA "), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.contains("generated password")));
    assert!(kinds.iter().any(|k| k == "config.yml (0600)"));
    assert!(matches!(
        p.steps.iter().rev().nth(1).unwrap().action,
        Action::WaitHealthy
    ));
    assert!(matches!(p.steps.last().unwrap().action, Action::SelfTest));
}

#[test]
fn second_run_keeps_everything() {
    let s = setup();
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("config.yml"), b"version: 0.1\n".to_vec());
    files.insert(PathBuf::from("auth/http-secret"), b"s3cret\n".to_vec());
    files.insert(PathBuf::from("regctl.yaml"), s.to_yaml().into_bytes());
    let facts = Facts {
        dir: "/r".into(),
        ca_exists: true,
        server_cert: Some(CertState::Fine),
        users: vec!["admin".into()],
        files,
        running: true,
        ..Facts::default()
    };
    let p = plan(&s, &options(), &facts, &rendered());
    assert!(!p.changes_anything(), "{p}");
    assert!(p.steps.iter().any(
        |st| st.action == Action::StartDetached { restart: false } && st.change == Change::Keep
    ));
}

#[test]
fn changed_answers_need_consent_and_restart() {
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("config.yml"), b"version: 0.1\nold\n".to_vec());
    let facts = Facts {
        dir: "/r".into(),
        ca_exists: true,
        server_cert: Some(CertState::Stale("reg2.lan is not covered".into())),
        users: vec!["admin".into()],
        files,
        running: true,
        ..Facts::default()
    };
    let p = plan(&setup(), &options(), &facts, &rendered());
    let replaced: Vec<String> = p
        .replacements()
        .iter()
        .map(|s| s.action.to_string())
        .collect();
    assert_eq!(replaced.len(), 2, "{replaced:?}");
    assert!(replaced[0].starts_with("server certificate"));
    assert_eq!(replaced[1], "config.yml (0600)");
    assert!(
        p.steps
            .iter()
            .any(|st| st.action == Action::StartDetached { restart: true })
    );
}

#[test]
fn new_ca_replaces_the_certificate_too() {
    let facts = Facts {
        ca_exists: true,
        server_cert: Some(CertState::Fine),
        ..Facts::default()
    };
    let mut o = options();
    o.new_ca = true;
    let p = plan(&setup(), &o, &facts, &rendered());
    assert_eq!(p.replacements().len(), 2, "{p}");
}

#[test]
fn plain_http_gets_no_trust_and_advice() {
    let mut s = setup();
    s.tls = TlsMode::None;
    let p = plan(&s, &options(), &Facts::default(), &rendered());
    assert!(!p.steps.iter().any(|st| matches!(
        st.action,
        Action::CreateCa { .. }
            | Action::InstallTrust {
                insecure: false,
                ..
            }
    )));
    assert!(
        p.steps
            .iter()
            .any(|st| matches!(st.action, Action::InstallTrust { insecure: true, .. }))
    );
    assert!(
        p.steps
            .iter()
            .any(|st| matches!(st.action, Action::InsecureAdvice { .. }))
    );
}
