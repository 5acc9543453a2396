//! The bundled registry: an OCI Distribution v1.1 server over distribution's
//! on-disk layout, configured by distribution's `config.yml`.
//!
//! The rest of regctl reaches it only through the few functions here
//! (serve, check a configuration, collect garbage, read a configuration for
//! `doctor`); everything below is private to the registry, so the request
//! path cannot grow a dependency on the command line. The layout of what
//! comes next (auth/, proxy/, storage backends, ui/, metrics) is described
//! in docs/architecture.md.

mod api;
mod auth;
mod config;
mod connection;
mod digest;
mod errors;
#[cfg(any(test, fuzzing))]
pub(crate) mod fuzzing;
mod gc;
mod maintenance;
mod manifest;
mod names;
mod paths;
// Its tests map files to check that windows are released.
#[allow(unsafe_code)]
mod sendfile;
mod server;
mod storage;
mod store;
mod tls;

use std::path::{Path, PathBuf};

pub(crate) use config::Config;
pub(crate) use config::duration;
pub(crate) use gc::GcReport;

/// Why the registry (or one of its tools) could not do its job.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RegistryError {
    #[error("invalid registry configuration")]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Serve(#[from] server::ServeError),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error(transparent)]
    Auth(#[from] auth::AuthLoadError),
    #[error(
        "the storage root {} does not exist: check storage.filesystem.rootdirectory",
        .0.display()
    )]
    NoStorage(PathBuf),
    #[error("garbage collection in {} failed", path.display())]
    Gc {
        path: PathBuf,
        #[source]
        source: storage::StorageError,
    },
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
}

/// The config file to use: the one given (`--config`, or the positional
/// path as distribution's `registry serve PATH`), else
/// `REGISTRY_CONFIGURATION_PATH`, else `DIR/config.yml`.
pub(crate) fn config_path(dir: &Path, given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("REGISTRY_CONFIGURATION_PATH").map(PathBuf::from))
        .unwrap_or_else(|| crate::layout::RegistryDir::new(dir).config())
}

/// Loads a configuration with the `REGISTRY_*` variables of this process.
pub(crate) fn load_config(path: &Path) -> Result<Config, RegistryError> {
    Ok(Config::load(path, std::env::vars())?)
}

/// What `serve --check-config` found.
pub(crate) struct ConfigCheck {
    /// The effective configuration, secrets masked.
    pub masked_yaml: String,
    /// Users that can log in (`None` without auth).
    pub users: Option<usize>,
    /// Things that work, but not as the file suggests.
    pub warnings: Vec<String>,
}

/// Loads everything the server would (certificate, key, users), so a bad
/// file fails here rather than at the first request.
pub(crate) fn check_config(path: &Path) -> Result<ConfigCheck, RegistryError> {
    let config = load_config(path)?;
    if let Some(tls) = &config.http.tls {
        tls::server_config(tls).map(|_| ())?;
    }
    let mut warnings = Vec::new();
    let users = match &config.auth {
        Some(a) => {
            let report = auth::check_file(&a.path)?;
            warnings.extend(report.problems);
            Some(report.usable)
        }
        None => None,
    };
    Ok(ConfigCheck {
        masked_yaml: config.to_masked_yaml(),
        users,
        warnings,
    })
}

/// Runs the registry until SIGTERM or SIGINT.
pub(crate) fn serve(config: Config) -> Result<(), RegistryError> {
    server::init_logging(&config);
    crate::platform::keep_request_buffers();
    let limit = crate::platform::raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(RegistryError::Runtime)?;
    runtime.block_on(async {
        let server = server::Server::bind(config).await?;
        if let Some(n) = limit {
            tracing::debug!(open_files = n, "file descriptor limit");
        }
        crate::platform::release_startup_memory();
        server.run().await;
        Ok(())
    })
}

/// How `collect_garbage` collects.
pub(crate) use gc::GcOptions;

/// Collects garbage in the storage of `config` (safe while it serves).
pub(crate) fn collect_garbage(
    config: &Config,
    mut opts: GcOptions,
) -> Result<GcReport, RegistryError> {
    let root = &config.storage.rootdirectory;
    if !root.is_dir() {
        return Err(RegistryError::NoStorage(root.clone()));
    }
    let purging = &config.storage.uploadpurging;
    opts.upload_age = purging.enabled.then_some(purging.age);
    gc::collect(&storage::fs::FsDriver::new(root.clone()), &opts).map_err(|source| {
        RegistryError::Gc {
            path: root.clone(),
            source,
        }
    })
}
