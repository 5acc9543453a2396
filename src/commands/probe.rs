//! `regctl probe`: the health check of the scratch image.

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::ProbeArgs;

pub(super) fn run(args: &ProbeArgs) -> anyhow::Result<ExitCode> {
    let status = crate::client::block_on(crate::probe::probe(
        &args.url,
        args.ca.as_deref(),
        args.connect.as_deref(),
        Duration::from_secs(args.timeout),
    ))?;
    match status {
        Ok(code) if (200..400).contains(&code) => Ok(ExitCode::SUCCESS),
        Ok(code) => anyhow::bail!("{} answered {code}", args.url),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot probe {}", args.url))),
    }
}
