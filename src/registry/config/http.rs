//! `http`: the listener, TLS, headers and the time limits of a connection.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_norway::Value;

use super::tree::Section;
use super::{ConfigError, one_of, ser_duration, ser_secret};

/// `http.tls`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TlsConfig {
    pub certificate: PathBuf,
    pub key: PathBuf,
    pub clientcas: Vec<PathBuf>,
    pub minimumtls: String,
}

/// `http.timeout` (regctl's; distribution 3.1 has none): how long a
/// client may keep a connection without making progress.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Timeouts {
    /// The first byte and the whole request head must arrive within this
    /// (also the TLS handshake, and the pause between keep-alive requests).
    #[serde(serialize_with = "ser_duration")]
    pub header: Duration,
    /// A connection that moves no byte either way for this long is closed
    /// (idle HTTP/2 connections, clients that stopped reading).
    #[serde(serialize_with = "ser_duration")]
    pub idle: Duration,
    /// A request body that sends nothing for this long is aborted.
    #[serde(serialize_with = "ser_duration")]
    pub body: Duration,
    /// After the body timeout has passed once, a body arriving slower than
    /// this many bytes a second on average is aborted (a trickle).
    pub minrate: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(30),
            idle: Duration::from_secs(120),
            body: Duration::from_secs(60),
            minrate: 1024,
        }
    }
}

/// HTTP settings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HttpConfig {
    pub addr: String,
    /// External base URL; when set, `Location` headers are absolute.
    pub host: Option<String>,
    #[serde(serialize_with = "ser_secret")]
    pub secret: Option<String>,
    pub relativeurls: bool,
    #[serde(serialize_with = "ser_duration")]
    pub draintimeout: Duration,
    pub tls: Option<TlsConfig>,
    pub headers: Vec<(String, Vec<String>)>,
    pub timeout: Timeouts,
}

pub(super) fn parse_http(mut s: Section<'_>) -> Result<HttpConfig, ConfigError> {
    let addr = s.string("addr")?.unwrap_or_else(|| ":5000".into());
    let host = s.string("host")?.filter(|h| !h.is_empty());
    if let Some(h) = &host
        && !(h.starts_with("http://") || h.starts_with("https://"))
    {
        return Err(ConfigError::Invalid {
            key: "http.host".into(),
            message: format!("`{h}` must be a URL such as https://registry.example.lan:5000"),
        });
    }
    let secret = s.string("secret")?.filter(|v| !v.is_empty());
    let relativeurls = s.bool("relativeurls", false)?;
    let draintimeout = s.duration("draintimeout", Duration::from_secs(10))?;
    let tls = match s.section("tls")? {
        Some(mut t) => {
            let certificate = t
                .string("certificate")?
                .ok_or_else(|| ConfigError::Missing("http.tls.certificate".into()))?;
            let key = t
                .string("key")?
                .ok_or_else(|| ConfigError::Missing("http.tls.key".into()))?;
            let clientcas = t
                .string_list("clientcas")?
                .into_iter()
                .map(PathBuf::from)
                .collect();
            let minimumtls = match one_of(
                &mut t,
                "minimumtls",
                &["tls1.0", "tls1.1", "tls1.2", "tls1.3"],
            )? {
                Some(v) if v == "tls1.0" || v == "tls1.1" => {
                    return Err(ConfigError::Invalid {
                        key: "http.tls.minimumtls".into(),
                        message: format!(
                            "`{v}` is insecure and not supported; use tls1.2 or tls1.3"
                        ),
                    });
                }
                Some(v) => v,
                None => "tls1.2".into(),
            };
            t.finish()?;
            Some(TlsConfig {
                certificate: PathBuf::from(certificate),
                key: PathBuf::from(key),
                clientcas,
                minimumtls,
            })
        }
        None => None,
    };
    let timeout = match s.section("timeout")? {
        Some(mut t) => {
            let d = Timeouts::default();
            let v = Timeouts {
                header: t.duration("header", d.header)?,
                idle: t.duration("idle", d.idle)?,
                body: t.duration("body", d.body)?,
                minrate: t.uint("minrate", d.minrate)?,
            };
            let path = t.path().to_string();
            t.finish()?;
            for (key, value) in [("header", v.header), ("idle", v.idle), ("body", v.body)] {
                if value.is_zero() {
                    return Err(ConfigError::Invalid {
                        key: format!("{path}.{key}"),
                        message: "must be longer than 0".into(),
                    });
                }
            }
            v
        }
        None => Timeouts::default(),
    };
    let mut headers = Vec::new();
    if let Some(mut h) = s.section("headers")? {
        let path = h.path().to_string();
        for (name, value) in h.drain() {
            let values = match value {
                Value::Sequence(items) => items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(t) => Ok(t),
                        other => Ok(serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string()),
                    })
                    .collect::<Result<Vec<_>, ConfigError>>()?,
                Value::String(t) => vec![t],
                _ => {
                    return Err(ConfigError::Invalid {
                        key: format!("{path}.{name}"),
                        message: "expected a list of header values".into(),
                    });
                }
            };
            if hyper::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                || values
                    .iter()
                    .any(|v| hyper::header::HeaderValue::from_str(v).is_err())
            {
                return Err(ConfigError::Invalid {
                    key: format!("{path}.{name}"),
                    message: "not a valid HTTP header".into(),
                });
            }
            headers.push((name, values));
        }
    }
    s.finish()?;
    Ok(HttpConfig {
        addr,
        host,
        secret,
        relativeurls,
        draintimeout,
        tls,
        headers,
        timeout,
    })
}
