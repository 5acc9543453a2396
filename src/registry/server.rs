//! The listener: plain HTTP or rustls, HTTP/1.1 and HTTP/2, graceful
//! shutdown on SIGTERM/SIGINT, and the background upkeep tasks.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpListener;

use super::api::{self, App};
use super::auth::{AuthLoadError, Authenticator};
use super::config::{Config, LogFormat, LogLevel};
use super::maintenance;
use super::sendfile::SendfileStream;
use super::storage::fs::FsDriver;
use super::store::Store;
use super::tls::{self, TlsError};

/// hyper's per-connection read buffer ceiling (its default is ~400 KiB).
const MAX_READ_BUF: usize = 128 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    #[error("cannot listen on {addr}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("http.addr `{0}` is not HOST:PORT or :PORT")]
    BadAddr(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    Auth(#[from] AuthLoadError),
    #[error("cannot create the storage root {}", path.display())]
    Storage {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A bound, configured registry, ready to serve.
pub(crate) struct Server {
    listener: TcpListener,
    app: Arc<App>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    serving: Option<Arc<tls::ServingCert>>,
    config: Config,
    healthy: Arc<AtomicBool>,
}

async fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    let bind_err = |source| ServeError::Bind {
        addr: addr.to_string(),
        source,
    };
    if let Some(port) = addr.strip_prefix(':') {
        let port: u16 = port.parse().map_err(|_| ServeError::BadAddr(addr.into()))?;
        // All interfaces: dual-stack where IPv6 exists, IPv4 otherwise.
        return match TcpListener::bind(("::", port)).await {
            Ok(l) => Ok(l),
            Err(_) => TcpListener::bind(("0.0.0.0", port)).await.map_err(bind_err),
        };
    }
    TcpListener::bind(addr).await.map_err(bind_err)
}

impl Server {
    /// Loads TLS and users, prepares storage and binds the port.
    pub(crate) async fn bind(config: Config) -> Result<Server, ServeError> {
        let root = &config.storage.rootdirectory;
        std::fs::create_dir_all(root).map_err(|source| ServeError::Storage {
            path: root.clone(),
            source,
        })?;
        let (tls, serving) = match &config.http.tls {
            Some(t) => {
                let (cfg, serving) = tls::server_config(t)?;
                tls::log_certificate_findings(t);
                (Some(tokio_rustls::TlsAcceptor::from(cfg)), Some(serving))
            }
            None => (None, None),
        };
        let auth = match &config.auth {
            Some(a) => Some(Authenticator::load(&a.realm, a.path.clone())?),
            None => None,
        };
        if auth.is_some() && tls.is_none() {
            tracing::warn!(
                "htpasswd auth without TLS sends passwords in clear text; configure http.tls"
            );
        }
        let secret = match &config.http.secret {
            Some(s) => s.as_bytes().to_vec(),
            None => {
                tracing::warn!(
                    "http.secret is not set: upload URLs are valid on this instance only; set it when running replicas"
                );
                let mut b = vec![0u8; 32];
                getrandom::fill(&mut b).map_err(|e| ServeError::Storage {
                    path: root.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
                b
            }
        };
        let mut extra_headers = HeaderMap::new();
        for (name, values) in &config.http.headers {
            for v in values {
                if let (Ok(n), Ok(v)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(v),
                ) {
                    extra_headers.append(n, v);
                }
            }
        }
        let store = Arc::new(Store::new(Arc::new(FsDriver::new(root.clone()))));
        let healthy = Arc::new(AtomicBool::new(true));
        let app = Arc::new(App {
            store,
            auth,
            delete_enabled: config.storage.delete_enabled,
            readonly: config.storage.readonly,
            base_url: if config.http.relativeurls {
                None
            } else {
                config.http.host.clone()
            },
            secret,
            extra_headers,
            access_log: !config.log.accesslog_disabled,
            log_fields: config
                .log
                .fields
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            healthy: healthy.clone(),
        });
        let listener = bind(&config.http.addr).await?;
        Ok(Server {
            listener,
            app,
            tls,
            serving,
            config,
            healthy,
        })
    }

    /// Serves until SIGTERM or SIGINT, then drains connections.
    pub(crate) async fn run(self) {
        let Server {
            listener,
            app,
            tls,
            serving,
            config,
            healthy,
        } = self;
        spawn_reloads(app.clone(), serving);
        maintenance::spawn_purging(app.store.clone(), config.storage.uploadpurging.clone());
        maintenance::spawn_health(app.store.clone(), config.health.clone(), healthy);
        let purging = &config.storage.uploadpurging;
        maintenance::spawn_gc(
            app.store.clone(),
            config.storage.gc.clone(),
            purging.enabled.then_some(purging.age),
        );
        tracing::info!(
            addr = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(),
            tls = tls.is_some(),
            auth = app.auth.is_some(),
            root = %config.storage.rootdirectory.display(),
            "regctl registry listening"
        );
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let shutdown = shutdown_signal();
        tokio::pin!(shutdown);
        loop {
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let app = app.clone();
            let tls = tls.clone();
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, Infallible>(api::handle(app, req, remote).await) }
                });
                let mut builder =
                    hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                builder
                    .http1()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(60))
                    // Body chunks share the read buffer's allocation until
                    // written to disk; a smaller ceiling keeps 32 concurrent
                    // pushes well under 100 MiB without costing throughput.
                    .max_buf_size(MAX_READ_BUF);
                let result = match tls {
                    Some(acceptor) => {
                        match tokio::time::timeout(Duration::from_secs(30), acceptor.accept(stream))
                            .await
                        {
                            Ok(Ok(s)) => {
                                watcher
                                    .watch(
                                        builder.serve_connection(TokioIo::new(s), svc).into_owned(),
                                    )
                                    .await
                            }
                            Ok(Err(e)) => {
                                tracing::debug!(%remote, error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => return,
                        }
                    }
                    None => {
                        watcher
                            .watch(
                                builder
                                    .serve_connection(
                                        TokioIo::new(SendfileStream::new(stream)),
                                        svc,
                                    )
                                    .into_owned(),
                            )
                            .await
                    }
                };
                if let Err(e) = result {
                    tracing::debug!(%remote, error = %e, "connection ended with an error");
                }
            });
        }
        drop(listener);
        tracing::info!(timeout = ?config.http.draintimeout, "shutting down; draining connections");
        if tokio::time::timeout(config.http.draintimeout, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("connections still open after the drain timeout; closing");
        }
    }
}

/// A field value as one token: control characters escaped (a client's
/// `\n` cannot start a forged log line), and with `quote` put in quotes
/// when it holds spaces, `=` or quotes.
pub(super) fn log_token(text: &str, quote: bool) -> String {
    let already_quoted = text.len() >= 2 && text.starts_with('"') && text.ends_with('"');
    let needs_quotes = quote
        && !already_quoted
        && text
            .chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"');
    let mut out = String::with_capacity(text.len() + 2);
    if needs_quotes {
        out.push('"');
    }
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' if needs_quotes => out.push_str("\\\""),
            '\\' if needs_quotes => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    if needs_quotes {
        out.push('"');
    }
    out
}

/// Logs to stderr at `log.level`, as text or JSON (`log.formatter`). In
/// text every field value is escaped ([`log_token`]); the JSON formatter
/// escapes by itself.
pub(super) fn init_logging(cfg: &Config) {
    use std::io::IsTerminal;
    use tracing_subscriber::field::MakeExt as _;
    let level = match cfg.log.level {
        LogLevel::Error => tracing::Level::ERROR,
        LogLevel::Warn => tracing::Level::WARN,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Debug => tracing::Level::DEBUG,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match cfg.log.formatter {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => {
            let fields = tracing_subscriber::fmt::format::debug_fn(|w, field, value| {
                let message = field.name() == "message";
                let text = log_token(&format!("{value:?}"), !message);
                if message {
                    write!(w, "{text}")
                } else {
                    write!(w, "{}={text}", field.name())
                }
            })
            .delimited(" ");
            builder.fmt_fields(fields).try_init()
        }
    };
}

/// Every two seconds the certificate files are checked for a change, and
/// SIGHUP reloads certificate and users at once: renewals, rotations and
/// `regctl user` changes take effect without a restart.
fn spawn_reloads(app: Arc<App>, serving: Option<Arc<tls::ServingCert>>) {
    if let Some(serving) = serving.clone() {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                serving.refresh(false);
            }
        });
    }
    let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        return;
    };
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the certificate and the users");
            if let Some(s) = &serving {
                s.refresh(true);
            }
            if let Some(auth) = &app.auth {
                auth.reload_now();
            }
        }
    });
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {},
    }
}
