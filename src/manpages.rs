//! Man pages from the clap definitions: `regctl.1` and one page per
//! command (`regctl-cert-issue.1`, ...), the names `regctl.1`'s SEE ALSO
//! refers to, so `man regctl-cert-issue` works once they are installed.

use clap::CommandFactory;

use crate::cli::Cli;

/// Every page as (file name, roff), `regctl.1` first.
pub(crate) fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut root = Cli::command();
    root.build();
    let mut out = Vec::new();
    collect(&root, "regctl", &mut out)?;
    Ok(out)
}

fn collect(
    cmd: &clap::Command,
    name: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    let mut page = Vec::new();
    // clap names are `&'static str` without its `string` feature; these
    // few strings live until the short `regctl man` process ends anyway.
    let page_name: &'static str = Box::leak(name.to_string().into_boxed_str());
    let bin_name: &'static str = Box::leak(name.replace('-', " ").into_boxed_str());
    let named = cmd.clone().name(page_name).bin_name(bin_name);
    clap_mangen::Man::new(named).render(&mut page)?;
    out.push((format!("{name}.1"), page));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_has_a_page() {
        let pages = super::pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "regctl.1",
            "regctl-init.1",
            "regctl-cert-issue.1",
            "regctl-user-add.1",
            "regctl-trust-install.1",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        let issue = &pages
            .iter()
            .find(|(n, _)| n == "regctl-cert-issue.1")
            .unwrap()
            .1;
        let text = String::from_utf8_lossy(issue);
        assert!(text.contains("\\-\\-host"), "{text}");
    }
}
