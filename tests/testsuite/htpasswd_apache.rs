//! `regctl htpasswd` interoperating with Apache's `htpasswd` both ways.

use std::path::Path;

use crate::common::{mode, regctl, require, run, run_ok, snapshot, text};

fn ht(dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    regctl()
        .current_dir(dir)
        .arg("htpasswd")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn apache_accepts_what_regctl_writes() {
    require("htpasswd");
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let out = ht(
        d,
        &["add", "auth/htpasswd", "alice", "--password-stdin"],
        "s3cret pass\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = d.join("auth/htpasswd");
    assert_eq!(mode(&file), 0o600);
    let content = std::fs::read_to_string(&file).unwrap();
    assert!(content.starts_with("alice:$2y$10$"), "{content}");

    assert!(
        run(
            "htpasswd",
            &["-vb", "auth/htpasswd", "alice", "s3cret pass"],
            d
        )
        .status
        .success()
    );
    let wrong = run("htpasswd", &["-vb", "auth/htpasswd", "alice", "s3cret"], d);
    assert!(!wrong.status.success());

    // Changing the password keeps one entry; the old password stops working.
    let out = ht(
        d,
        &[
            "add",
            "auth/htpasswd",
            "alice",
            "--password-stdin",
            "--cost",
            "12",
        ],
        "new-pass\n",
    );
    assert!(
        out.status.success() && text(&out).contains("updated"),
        "{}",
        text(&out)
    );
    assert!(
        run(
            "htpasswd",
            &["-vb", "auth/htpasswd", "alice", "new-pass"],
            d
        )
        .status
        .success()
    );
    assert!(
        !run(
            "htpasswd",
            &["-vb", "auth/htpasswd", "alice", "s3cret pass"],
            d
        )
        .status
        .success()
    );
    let content = std::fs::read_to_string(&file).unwrap();
    assert_eq!(content.lines().count(), 1);
    assert!(content.starts_with("alice:$2y$12$"));

    // Password from a named environment variable.
    let out = regctl()
        .current_dir(d)
        .args([
            "htpasswd",
            "add",
            "auth/htpasswd",
            "bob",
            "--password-env",
            "BOB_PW",
        ])
        .env("BOB_PW", "from-env")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        run("htpasswd", &["-vb", "auth/htpasswd", "bob", "from-env"], d)
            .status
            .success()
    );

    let out = ht(d, &["remove", "auth/htpasswd", "alice"], "");
    assert!(out.status.success());
    let gone = run(
        "htpasswd",
        &["-vb", "auth/htpasswd", "alice", "new-pass"],
        d,
    );
    assert!(text(&gone).contains("not found"), "{}", text(&gone));
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn regctl_accepts_what_apache_writes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok(
        "htpasswd",
        &["-B", "-b", "-c", "users", "carol", "pa55word"],
        d,
    );
    let out = ht(
        d,
        &["verify", "users", "carol", "--password-stdin"],
        "pa55word\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = ht(
        d,
        &["verify", "users", "carol", "--password-stdin"],
        "wrong\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("wrong password for carol"),
        "{}",
        text(&out)
    );
}

#[test]
fn legacy_entries_are_named_and_kept() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok("htpasswd", &["-m", "-b", "-c", "users", "md5user", "pw"], d);
    run_ok("htpasswd", &["-s", "-b", "users", "shauser", "pw"], d);
    run_ok("htpasswd", &["-B", "-b", "users", "good", "pw"], d);
    let md5_line = std::fs::read_to_string(d.join("users"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();

    let out = ht(d, &["list", "users"], "");
    assert!(out.status.success());
    let listing = text(&out);
    assert!(
        listing.contains("md5user") && listing.contains("MD5 (apr1)"),
        "{listing}"
    );
    assert!(
        listing.contains("shauser") && listing.contains("SHA-1"),
        "{listing}"
    );
    assert!(listing.contains("registry rejects"), "{listing}");
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("good") && !l.contains("rejected")),
        "{listing}"
    );

    let out = ht(
        d,
        &["verify", "users", "md5user", "--password-stdin"],
        "pw\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("MD5 (apr1) entry; the registry accepts only bcrypt"),
        "{}",
        text(&out)
    );

    // Adding a user keeps the legacy lines byte for byte, and warns about them.
    let out = ht(
        d,
        &["add", "users", "dave", "--password-stdin"],
        "dave-password\n",
    );
    assert!(out.status.success());
    assert!(
        text(&out).contains("md5user (MD5 (apr1))"),
        "{}",
        text(&out)
    );
    let after = std::fs::read_to_string(d.join("users")).unwrap();
    assert!(after.contains(&md5_line));
    assert!(
        run("htpasswd", &["-vb", "users", "dave", "dave-password"], d)
            .status
            .success()
    );
    assert!(
        run("htpasswd", &["-vb", "users", "md5user", "pw"], d)
            .status
            .success()
    );
}

#[test]
fn bad_input_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok("htpasswd", &["-B", "-b", "-c", "users", "erin", "pw"], d);
    let before = snapshot(d);
    for (args, stdin, message) in [
        (
            vec!["add", "users", "a:b", "--password-stdin"],
            "pw\n",
            "invalid user name `a:b`",
        ),
        (
            vec!["add", "users", "frank", "--password-stdin"],
            "",
            "no password on stdin",
        ),
        (vec!["add", "users", "frank"], "", "--password-stdin"),
        (
            vec![
                "add",
                "users",
                "frank",
                "--password-env",
                "REGCTL_TEST_UNSET",
            ],
            "",
            "REGCTL_TEST_UNSET is not set",
        ),
        (
            vec!["add", "users", "frank", "--password-stdin", "--cost", "3"],
            "pw\n",
            "bcrypt cost must be between 4 and 31",
        ),
        (vec!["remove", "users", "nobody"], "", "no user `nobody`"),
        (
            vec!["verify", "users", "nobody", "--password-stdin"],
            "pw\n",
            "no user `nobody`",
        ),
        (vec!["list", "missing"], "", "cannot read missing"),
        (
            vec!["add", ".", "frank", "--password-stdin"],
            "pw\n",
            "cannot read .",
        ),
    ] {
        let out = ht(d, &args, stdin);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(message),
            "{args:?}: expected {message:?} in {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert_eq!(snapshot(d), before, "{args:?} changed files");
    }
}
