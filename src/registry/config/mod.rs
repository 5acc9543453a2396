//! `config.yml` in distribution's format (`version: 0.1`), for the keys
//! `regctl serve` implements. Anything else is a start-up error naming the
//! key, because a silently ignored setting (say, an auth section) is worse
//! than a registry that does not start.

pub(crate) mod duration;
mod http;
mod tree;
mod validation;

pub(crate) use http::{HttpConfig, Timeouts, TlsConfig};
pub(crate) use validation::IndexChildren;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use serde_norway::Value;

use tree::Section;

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("cannot read the configuration {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the configuration is not valid YAML: {0}")]
    Yaml(String),
    #[error("unknown or unsupported configuration key `{0}`")]
    UnknownKey(String),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: String, message: String },
    #[error("configuration key `{0}` is required")]
    Missing(String),
}

/// `log.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

/// `log.formatter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// Log settings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogConfig {
    pub level: LogLevel,
    pub formatter: LogFormat,
    pub accesslog_disabled: bool,
    /// Extra fields added to every access-log line.
    pub fields: Vec<(String, String)>,
}

/// `storage.maintenance.uploadpurging`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UploadPurging {
    pub enabled: bool,
    #[serde(serialize_with = "ser_duration")]
    pub age: Duration,
    #[serde(serialize_with = "ser_duration")]
    pub interval: Duration,
    pub dryrun: bool,
}

/// `storage.maintenance.gc`: regctl's scheduled online garbage collection
/// (distribution keeps `maintenance` free-form, so it tolerates the key).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GcSchedule {
    pub enabled: bool,
    #[serde(serialize_with = "ser_duration")]
    pub interval: Duration,
    /// A five-field cron schedule (`0 3 * * 0`); when set, it decides
    /// the runs instead of `interval`.
    #[serde(serialize_with = "ser_schedule")]
    pub schedule: Option<crate::cron::Schedule>,
    pub deleteuntagged: bool,
    #[serde(serialize_with = "ser_duration")]
    pub minage: Duration,
    pub dryrun: bool,
}

/// Storage settings (filesystem driver only).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StorageConfig {
    pub rootdirectory: PathBuf,
    pub delete_enabled: bool,
    pub readonly: bool,
    pub uploadpurging: UploadPurging,
    pub gc: GcSchedule,
}

/// `auth.htpasswd`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HtpasswdConfig {
    pub realm: String,
    pub path: PathBuf,
}

/// `health.storagedriver`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthConfig {
    pub enabled: bool,
    #[serde(serialize_with = "ser_duration")]
    pub interval: Duration,
    pub threshold: u64,
}

/// The effective configuration of `regctl serve`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Config {
    pub log: LogConfig,
    pub storage: StorageConfig,
    pub http: HttpConfig,
    pub auth: Option<HtpasswdConfig>,
    pub health: HealthConfig,
    pub index_children: IndexChildren,
}

fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&duration::format(*d))
}

fn ser_schedule<S: serde::Serializer>(
    v: &Option<crate::cron::Schedule>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(c) => s.serialize_str(&c.to_string()),
        None => s.serialize_none(),
    }
}

fn ser_secret<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("********"),
        None => s.serialize_none(),
    }
}

impl Config {
    /// Reads `path` and applies `REGISTRY_*` variables from `env`.
    pub(crate) fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg = Self::parse(&text, env)?;
        // Relative paths in the file are relative to the file, as people expect
        // when they move a registry directory around.
        if let Some(base) = path.parent() {
            cfg.resolve_relative(base);
        }
        Ok(cfg)
    }

    fn resolve_relative(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        fix(&mut self.storage.rootdirectory);
        if let Some(tls) = &mut self.http.tls {
            fix(&mut tls.certificate);
            fix(&mut tls.key);
            tls.clientcas.iter_mut().for_each(fix);
        }
        if let Some(a) = &mut self.auth {
            fix(&mut a.path);
        }
    }

    /// Parses YAML text with environment overrides.
    pub(crate) fn parse(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut value: Value =
            serde_norway::from_str(text).map_err(|e| ConfigError::Yaml(e.to_string()))?;
        let origins = tree::apply_env(&mut value, env);
        let mut root = Section::root(value, &origins)?;
        match root.string("version")? {
            Some(v) if v == "0.1" => {}
            Some(v) => {
                return Err(ConfigError::Invalid {
                    key: "version".into(),
                    message: format!("`{v}` is not supported; use 0.1"),
                });
            }
            None => return Err(ConfigError::Missing("version".into())),
        }
        let log = parse_log(root.section_or_empty("log")?)?;
        let storage = parse_storage(
            root.section("storage")?
                .ok_or_else(|| ConfigError::Missing("storage".into()))?,
        )?;
        let http = http::parse_http(root.section_or_empty("http")?)?;
        let auth = match root.section("auth")? {
            Some(s) => Some(parse_auth(s)?),
            None => None,
        };
        let health = parse_health(root.section_or_empty("health")?)?;
        let index_children = match root.section("validation")? {
            Some(v) => validation::parse_validation(v)?,
            None => IndexChildren::All,
        };
        root.finish()?;
        Ok(Config {
            log,
            storage,
            http,
            auth,
            health,
            index_children,
        })
    }

    /// The effective configuration as YAML, secrets masked.
    pub(crate) fn to_masked_yaml(&self) -> String {
        serde_norway::to_string(self).unwrap_or_default()
    }
}

fn one_of(s: &mut Section<'_>, key: &str, allowed: &[&str]) -> Result<Option<String>, ConfigError> {
    match s.string(key)? {
        Some(v) if allowed.contains(&v.to_ascii_lowercase().as_str()) => {
            Ok(Some(v.to_ascii_lowercase()))
        }
        Some(v) => Err(ConfigError::Invalid {
            key: format!("{}.{key}", s.path()),
            message: format!("`{v}` is not one of: {}", allowed.join(", ")),
        }),
        None => Ok(None),
    }
}

fn parse_log(mut s: Section<'_>) -> Result<LogConfig, ConfigError> {
    let level = match one_of(
        &mut s,
        "level",
        &["error", "warn", "warning", "info", "debug"],
    )?
    .as_deref()
    {
        Some("error") => LogLevel::Error,
        Some("warn" | "warning") => LogLevel::Warn,
        Some("debug") => LogLevel::Debug,
        _ => LogLevel::Info,
    };
    let formatter = match one_of(&mut s, "formatter", &["text", "json"])?.as_deref() {
        Some("json") => LogFormat::Json,
        _ => LogFormat::Text,
    };
    let accesslog_disabled = match s.section("accesslog")? {
        Some(mut a) => {
            let d = a.bool("disabled", false)?;
            a.finish()?;
            d
        }
        None => false,
    };
    let mut fields = Vec::new();
    if let Some(mut f) = s.section("fields")? {
        for (k, v) in f.drain() {
            let text = match v {
                Value::String(t) => t,
                other => serde_norway::to_string(&other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            fields.push((k, text));
        }
    }
    s.finish()?;
    Ok(LogConfig {
        level,
        formatter,
        accesslog_disabled,
        fields,
    })
}

fn parse_storage(mut s: Section<'_>) -> Result<StorageConfig, ConfigError> {
    let mut rootdirectory = PathBuf::from("/var/lib/registry");
    match s.section("filesystem")? {
        Some(mut fs) => {
            if let Some(r) = fs.string("rootdirectory")? {
                rootdirectory = PathBuf::from(r);
            }
            fs.finish()?;
        }
        None => {
            return Err(ConfigError::Invalid {
                key: "storage".into(),
                message: "regctl serve supports the `filesystem` storage driver; add storage.filesystem.rootdirectory".into(),
            });
        }
    }
    let delete_enabled = match s.section("delete")? {
        Some(mut d) => {
            let e = d.bool("enabled", false)?;
            d.finish()?;
            e
        }
        None => false,
    };
    let mut maintenance = s.section_or_empty("maintenance")?;
    let uploadpurging = {
        let mut p = maintenance.section_or_empty("uploadpurging")?;
        let v = UploadPurging {
            enabled: p.bool("enabled", true)?,
            age: p.duration("age", Duration::from_secs(168 * 3600))?,
            interval: p.duration("interval", Duration::from_secs(24 * 3600))?,
            dryrun: p.bool("dryrun", false)?,
        };
        p.finish()?;
        v
    };
    let gc = {
        let mut g = maintenance.section_or_empty("gc")?;
        let schedule =
            match g.string("schedule")? {
                Some(text) => Some(text.parse::<crate::cron::Schedule>().map_err(|e| {
                    ConfigError::Invalid {
                        key: "storage.maintenance.gc.schedule".into(),
                        message: e.to_string(),
                    }
                })?),
                None => None,
            };
        let v = GcSchedule {
            enabled: g.bool("enabled", false)?,
            interval: g.duration("interval", Duration::from_secs(24 * 3600))?,
            schedule,
            deleteuntagged: g.bool("deleteuntagged", false)?,
            minage: g.duration("minage", Duration::from_secs(3600))?,
            dryrun: g.bool("dryrun", false)?,
        };
        g.finish()?;
        v
    };
    let readonly = match maintenance.section("readonly")? {
        Some(mut r) => {
            let e = r.bool("enabled", false)?;
            r.finish()?;
            e
        }
        None => false,
    };
    maintenance.finish()?;
    // The stock distribution config asks for an in-memory descriptor cache;
    // regctl reads descriptors from storage directly, which is equivalent.
    if let Some(mut c) = s.section("cache")? {
        one_of(&mut c, "blobdescriptor", &["inmemory"])?;
        c.finish()?;
    }
    s.finish()?;
    Ok(StorageConfig {
        rootdirectory,
        delete_enabled,
        readonly,
        uploadpurging,
        gc,
    })
}

fn parse_auth(mut s: Section<'_>) -> Result<HtpasswdConfig, ConfigError> {
    let Some(mut h) = s.section("htpasswd")? else {
        let keys = s.remaining_keys();
        return Err(match keys.first() {
            Some(k) => {
                ConfigError::UnknownKey(format!("auth.{k} (regctl serve supports auth.htpasswd)"))
            }
            None => ConfigError::Missing("auth.htpasswd".into()),
        });
    };
    let realm = h
        .string("realm")?
        .unwrap_or_else(|| "Registry Realm".into());
    let path = h
        .string("path")?
        .ok_or_else(|| ConfigError::Missing("auth.htpasswd.path".into()))?;
    h.finish()?;
    s.finish()?;
    Ok(HtpasswdConfig {
        realm,
        path: PathBuf::from(path),
    })
}

fn parse_health(mut s: Section<'_>) -> Result<HealthConfig, ConfigError> {
    let cfg = match s.section("storagedriver")? {
        Some(mut d) => {
            let c = HealthConfig {
                enabled: d.bool("enabled", false)?,
                interval: d.duration("interval", Duration::from_secs(10))?,
                threshold: d.uint("threshold", 1)?.max(1),
            };
            d.finish()?;
            c
        }
        None => HealthConfig {
            enabled: false,
            interval: Duration::from_secs(10),
            threshold: 1,
        },
    };
    s.finish()?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /data\n";

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_env_overrides() {
        let c = Config::parse(BASE, env(&[])).unwrap();
        assert_eq!(c.http.addr, ":5000");
        assert!(!c.storage.delete_enabled);
        assert_eq!(c.storage.uploadpurging.age, Duration::from_secs(168 * 3600));
        let c = Config::parse(
            BASE,
            env(&[
                ("REGISTRY_HTTP_ADDR", ":6000"),
                ("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/elsewhere"),
                ("REGISTRY_STORAGE_DELETE_ENABLED", "true"),
                ("REGISTRY_AUTH_HTPASSWD_PATH", "/auth/htpasswd"),
                ("REGISTRY_AUTH_HTPASSWD_REALM", "r"),
                ("REGISTRY_HTTP_TLS_CLIENTCAS_0", "/ca.crt"),
                ("REGISTRY_HTTP_TLS_CERTIFICATE", "/c"),
                ("REGISTRY_HTTP_TLS_KEY", "/k"),
                ("REGISTRY_CONFIGURATION_PATH", "/ignored"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(c.http.addr, ":6000");
        assert_eq!(c.storage.rootdirectory, PathBuf::from("/elsewhere"));
        assert!(c.storage.delete_enabled);
        assert_eq!(c.auth.unwrap().path, PathBuf::from("/auth/htpasswd"));
        assert_eq!(
            c.http.tls.unwrap().clientcas,
            vec![PathBuf::from("/ca.crt")]
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let err =
            |text: &str, e: &[(&str, &str)]| Config::parse(text, env(e)).unwrap_err().to_string();
        assert!(err(&format!("{BASE}http:\n  bogus: 1\n"), &[]).contains("`http.bogus`"));
        assert!(
            err(&format!("{BASE}notifications:\n  endpoints: []\n"), &[])
                .contains("`notifications`")
        );
        assert!(err(&format!("{BASE}auth:\n  token:\n    realm: x\n"), &[]).contains("auth.token"));
        assert!(err(BASE, &[("REGISTRY_HTTP_NOPE", "1")]).contains("REGISTRY_HTTP_NOPE"));
        assert!(err("version: 0.1\nstorage:\n  s3:\n    bucket: b\n", &[]).contains("filesystem"));
        assert!(err("storage:\n  filesystem: {}\n", &[]).contains("`version` is required"));
        assert!(err(&format!("{BASE}log:\n  level: loud\n"), &[]).contains("`log.level`"));
        assert!(
            err(
                &format!("{BASE}storage:\n  maintenance:\n    uploadpurging:\n      age: 5d\n"),
                &[]
            )
            .contains("age")
        );
    }

    #[test]
    fn stock_distribution_config_is_accepted() {
        let stock = "version: 0.1\nlog:\n  fields:\n    service: registry\nstorage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: /var/lib/docker-registry\nhttp:\n  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\nhealth:\n  storagedriver:\n    enabled: true\n    interval: 10s\n    threshold: 3\n";
        let c = Config::parse(stock, env(&[])).unwrap();
        assert_eq!(
            c.http.headers,
            vec![(
                "X-Content-Type-Options".to_string(),
                vec!["nosniff".to_string()]
            )]
        );
        assert_eq!(
            c.log.fields,
            vec![("service".to_string(), "registry".to_string())]
        );
        assert!(c.health.enabled && c.health.threshold == 3);
    }

    #[test]
    fn secrets_are_masked() {
        let c = Config::parse(&format!("{BASE}http:\n  secret: hunter2\n"), env(&[])).unwrap();
        let y = c.to_masked_yaml();
        assert!(!y.contains("hunter2") && y.contains("********"), "{y}");
    }
}
