//! `regctl serve`: the bundled registry.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::layout::RegistryDir;
use crate::registry::config::Config;
use crate::registry::server::Server;

/// Picks the config file: `--config`, the positional path (as distribution's
/// `registry serve PATH`), `REGISTRY_CONFIGURATION_PATH`, then DIR/config.yml.
pub(super) fn config_path(dir: &std::path::Path, given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("REGISTRY_CONFIGURATION_PATH").map(PathBuf::from))
        .unwrap_or_else(|| RegistryDir::new(dir).config())
}

fn init_logging(cfg: &Config) {
    use std::io::IsTerminal;
    let level = match cfg.log.level.as_str() {
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        _ => tracing::Level::INFO,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if cfg.log.formatter == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

pub(super) fn run(dir: &std::path::Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let path = config_path(
        dir,
        args.config.clone().or_else(|| args.config_file.clone()),
    );
    let config = Config::load(&path, std::env::vars())
        .with_context(|| format!("invalid registry configuration {}", path.display()))?;
    if args.check_config {
        // Load everything the server would, so a bad certificate or htpasswd
        // file is caught here too.
        if let Some(tls) = &config.http.tls {
            crate::registry::tls::server_config(tls)?;
        }
        if let Some(a) = &config.auth {
            crate::registry::auth::Authenticator::load(&a.realm, a.path.clone())?;
        }
        crate::ui::out!("{}", config.to_masked_yaml());
        crate::ui::info(format_args!("configuration OK: {}", path.display()));
        return Ok(ExitCode::SUCCESS);
    }
    init_logging(&config);
    crate::registry::memory::keep_request_buffers();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let server = Server::bind(config).await?;
        crate::registry::memory::release_startup_memory();
        server.run().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
