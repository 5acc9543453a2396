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
