//! NSS certificate databases, where Firefox (every profile) and Chrome or
//! Chromium on Linux (`~/.pki/nssdb`) keep the CAs they trust, ignoring the
//! system store; `/etc/pki/nssdb` is the system-wide one on Fedora and
//! RHEL. Changed with `certutil` (libnss3-tools on Debian, nss-tools on
//! Fedora, `brew install nss` on macOS).

use std::path::{Path, PathBuf};

use super::tool::{self, CA_FILE};
use super::{RegistryAddr, Step, TrustError, under};

/// The certificate's name in the database. certutil reads `A:B` as token
/// `A`, nickname `B`, so the name must not hold a colon: `host:port` would
/// install fine and then never be found again.
pub(crate) fn nickname(reg: &RegistryAddr) -> String {
    reg.file_stem()
}

/// certutil's database argument: `sql:` for cert9.db, `dbm:` for the old
/// cert8.db; `None` when the directory holds neither.
fn database(dir: &Path) -> Option<String> {
    if dir.join("cert9.db").is_file() {
        Some(format!("sql:{}", dir.display()))
    } else if dir.join("cert8.db").is_file() {
        Some(format!("dbm:{}", dir.display()))
    } else {
        None
    }
}

/// Every NSS database of the user whose home is `home`.
pub(crate) fn user_databases(home: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![
        home.join(".pki/nssdb"),
        home.join("snap/chromium/current/.pki/nssdb"),
    ];
    for profiles in [
        ".mozilla/firefox",
        "snap/firefox/common/.mozilla/firefox",
        ".var/app/org.mozilla.firefox/.mozilla/firefox",
        "Library/Application Support/Firefox/Profiles",
    ] {
        if let Ok(entries) = std::fs::read_dir(home.join(profiles)) {
            let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            found.sort();
            dirs.extend(found);
        }
    }
    dirs.retain(|d| database(d).is_some());
    dirs
}

/// The system-wide database under `root`, if there is one.
pub(crate) fn system_databases(root: &Path) -> Vec<PathBuf> {
    let dir = under(root, "/etc/pki/nssdb");
    if database(&dir).is_some() {
        vec![dir]
    } else {
        Vec::new()
    }
}

/// One certutil step per database.
pub(crate) fn install_steps(dbs: &[PathBuf], reg: &RegistryAddr) -> Result<Vec<Step>, TrustError> {
    if dbs.is_empty() {
        return Err(TrustError::NoNssDatabase);
    }
    let nick = nickname(reg);
    Ok(dbs
        .iter()
        .filter_map(|dir| {
            let db = database(dir)?;
            let certutil = |args: &[&str]| tool::argv("certutil", args);
            Some(Step::Command {
                target: dir.clone(),
                install: certutil(&["-A", "-d", &db, "-t", "C,,", "-n", &nick, "-i", CA_FILE]),
                undo: vec![certutil(&["-D", "-d", &db, "-n", &nick])],
                export: Some(certutil(&["-L", "-d", &db, "-n", &nick, "-a"])),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_chrome_and_firefox_databases_and_names_without_a_colon() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        for (dir, file) in [
            (".pki/nssdb", "cert9.db"),
            (".mozilla/firefox/abcd.default-release", "cert9.db"),
            (".mozilla/firefox/old.default", "cert8.db"),
            (".mozilla/firefox/empty.profile", "prefs.js"),
        ] {
            std::fs::create_dir_all(h.join(dir)).unwrap();
            std::fs::write(h.join(dir).join(file), b"").unwrap();
        }
        let dbs = user_databases(h);
        assert_eq!(dbs.len(), 3, "{dbs:?}");
        let reg = RegistryAddr::parse("reg.lan:5000").unwrap();
        assert!(!nickname(&reg).contains(':'));
        let steps = install_steps(&dbs, &reg).unwrap();
        let Step::Command { install, .. } = &steps[2] else {
            panic!("a command step")
        };
        assert!(install.iter().any(|a| a.starts_with("dbm:")), "{install:?}");
        assert!(matches!(
            install_steps(&[], &reg),
            Err(TrustError::NoNssDatabase)
        ));
    }
}
