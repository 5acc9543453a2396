//! The command line as a whole: completions stay in sync, the man page
//! renders, and mistakes get clear errors.

use crate::common::{regctl, text};

const SHELLS: [(&str, &str); 5] = [
    ("bash", "regctl.bash"),
    ("zsh", "_regctl"),
    ("fish", "regctl.fish"),
    ("powershell", "_regctl.ps1"),
    ("elvish", "regctl.elv"),
];

#[test]
fn committed_completions_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SHELLS {
        let out = regctl().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(!out.stdout.is_empty());
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `cargo run -- completions --out-dir completions` and commit it"
        );
    }
}

#[test]
fn completions_cover_the_commands() {
    let out = regctl().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    for word in [
        "issue",
        "inspect",
        "renew",
        "htpasswd",
        "--password-stdin",
        "--key-type",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
}

/// `docs/man` holds a page per command, as `regctl man --out-dir` writes
/// them; a stale page fails here.
#[test]
fn committed_man_pages_are_current() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let fresh = tempfile::tempdir().unwrap();
    let out = regctl()
        .args(["man", "--out-dir"])
        .arg(fresh.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&committed),
        names(fresh.path()),
        "docs/man is stale: run `cargo run -- man --out-dir docs/man` and commit it"
    );
    for name in names(fresh.path()) {
        assert!(
            std::fs::read(committed.join(&name)).unwrap()
                == std::fs::read(fresh.path().join(&name)).unwrap(),
            "docs/man/{name} is stale: run `cargo run -- man --out-dir docs/man` and commit it"
        );
    }
    assert!(names(fresh.path()).contains(&"regctl-cert-renew.1".to_string()));
}

#[test]
fn man_page_renders() {
    let out = regctl().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH regctl"),
        "{page}"
    );
}

#[test]
fn wrong_flags_are_reported() {
    let out = regctl()
        .args(["cert", "issue", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("unexpected argument '--bogus'"));

    let out = regctl()
        .args(["cert", "issue", "--ca-cert", "x.crt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--ca-key"), "{}", text(&out));

    let out = regctl().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
