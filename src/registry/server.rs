//! The listener: plain HTTP or rustls, HTTP/1.1 and HTTP/2, graceful
//! shutdown on SIGTERM/SIGINT, and the background upkeep tasks.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::net::TcpListener;

use super::api::App;
use super::auth::{AuthLoadError, Authenticator};
use super::config::{Config, LogFormat, LogLevel};
use super::connection;
use super::maintenance;
use super::storage::fs::FsDriver;
use super::store::Store;
use super::tls::{self, TlsError};

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

/// Headers sent with every answer: `http.headers`, over two defaults on
/// TLS that distribution leaves to its sample config. `nosniff` stops a
/// browser from running a blob as a page; HSTS keeps a browser that once
/// reached the registry over TLS from being downgraded to plain HTTP.
/// Naming a header in `http.headers` replaces its default; an empty list
/// removes it.
fn response_headers(configured: &[(String, Vec<String>)], tls: bool) -> HeaderMap {
    let defaults: &[(&str, &str)] = if tls {
        &[
            ("x-content-type-options", "nosniff"),
            ("strict-transport-security", "max-age=31536000"),
        ]
    } else {
        &[("x-content-type-options", "nosniff")]
    };
    let mut headers = HeaderMap::new();
    for (name, value) in defaults {
        let overridden = configured.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !overridden {
            headers.insert(*name, HeaderValue::from_static(value));
        }
    }
    for (name, values) in configured {
        for v in values {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.append(n, v);
            }
        }
    }
    headers
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
        let extra_headers = response_headers(&config.http.headers, tls.is_some());
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
            timeouts: config.http.timeout,
            index_children: config.index_children.clone(),
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
        let limits = config.http.timeout;
        let mut backoff = AcceptBackoff::default();
        loop {
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(x) => {
                        backoff.succeeded();
                        x
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait longer
                        // each time, keep serving, and say so now and then.
                        tokio::time::sleep(backoff.failed(&e)).await;
                        continue;
                    }
                },
                _ = &mut shutdown => break,
            };
            tokio::spawn(connection::serve(
                stream,
                remote,
                app.clone(),
                tls.clone(),
                graceful.watcher(),
                limits,
            ));
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

/// How long the accept loop waits after a failure, and when it says so: a
/// failure that repeats (no file descriptor left) backs off up to a second
/// and is logged at most every ten seconds, with the count.
#[derive(Default)]
struct AcceptBackoff {
    failures: u32,
    suppressed: u64,
    last_log: Option<std::time::Instant>,
}

impl AcceptBackoff {
    fn failed(&mut self, e: &std::io::Error) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let due = self
            .last_log
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(10));
        if due {
            tracing::warn!(error = %e, repeated = self.suppressed, "accept failed (no file descriptors left? raise LimitNOFILE or `ulimit -n`)");
            self.last_log = Some(std::time::Instant::now());
            self.suppressed = 0;
        } else {
            self.suppressed += 1;
        }
        Duration::from_millis(10u64 << self.failures.min(7)).min(Duration::from_secs(1))
    }

    fn succeeded(&mut self) {
        self.failures = 0;
    }
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
