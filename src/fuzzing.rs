//! The fuzz targets' way in: `cargo fuzz` builds with `--cfg fuzzing`,
//! which makes this module public (the only public item besides `main`),
//! and each target in `fuzz/fuzz_targets/` calls [`run`] with its name.
//! The unit test below replays every input kept under `fuzz/seeds/` and
//! `fuzz/regressions/` in the normal suite, so a crash found once stays
//! fixed.

/// Every target, by the name of its file in `fuzz/fuzz_targets/`.
pub const TARGETS: &[&str] = &[
    "manifest",
    "names",
    "ranges",
    "upload_state",
    "htpasswd",
    "config",
    "setup",
    "www_authenticate",
];

/// Feeds `data` to the parser behind `target`; panics (a finding) when an
/// invariant breaks.
pub fn run(target: &str, data: &[u8]) {
    use crate::registry::fuzzing as registry;
    match target {
        "manifest" => registry::manifest(data),
        "names" => registry::names(data),
        "ranges" => registry::ranges(data),
        "upload_state" => registry::upload_state(data),
        "htpasswd" => registry::htpasswd(data),
        "config" => registry::config(data),
        "setup" => setup(data),
        "www_authenticate" => www_authenticate(data),
        other => panic!("no fuzz target `{other}`"),
    }
}

/// `regctl.yaml`: what parses writes back to YAML that parses again.
fn setup(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = std::path::Path::new("regctl.yaml");
    if let Ok(s) = crate::setup::Setup::parse(&text, path) {
        let again = s.to_yaml();
        crate::setup::Setup::parse(&again, path).expect("written regctl.yaml reads back");
    }
}

/// A `WWW-Authenticate` header from whatever answers on the network.
fn www_authenticate(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for c in crate::client::challenge::parse(&text) {
        assert!(!c.scheme.is_empty());
        let _ = c.param("realm");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kept input of every target still passes.
    #[test]
    fn kept_fuzz_inputs_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut replayed = 0;
        for target in TARGETS {
            for kind in ["seeds", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else {
                    continue;
                };
                for entry in entries {
                    let path = entry.unwrap().path();
                    let data = std::fs::read(&path).unwrap();
                    let outcome = std::panic::catch_unwind(|| run(target, &data));
                    assert!(outcome.is_ok(), "{target}: {} fails", path.display());
                    replayed += 1;
                }
            }
        }
        for target in TARGETS {
            assert!(
                root.join("seeds").join(target).is_dir(),
                "no seeds for the fuzz target {target}"
            );
        }
        assert!(replayed >= TARGETS.len());
    }
}
