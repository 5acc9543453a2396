//! Walking a YAML tree key by key, so every key the registry does not know
//! is reported with its full dotted path, and applying `REGISTRY_*`
//! environment overrides the way distribution does.

use std::collections::HashMap;
use std::time::Duration;

use serde_norway::{Mapping, Value};

use super::{ConfigError, duration};

/// Dotted key paths that came from the environment, for error messages.
pub(super) type EnvOrigins = HashMap<String, String>;

/// A mapping being consumed; leftovers are unknown keys.
pub(super) struct Section<'a> {
    path: String,
    map: Mapping,
    origins: &'a EnvOrigins,
}

fn key_name(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => serde_norway::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

impl<'a> Section<'a> {
    pub(super) fn root(value: Value, origins: &'a EnvOrigins) -> Result<Self, ConfigError> {
        match value {
            Value::Mapping(map) => Ok(Section {
                path: String::new(),
                map,
                origins,
            }),
            Value::Null => Ok(Section {
                path: String::new(),
                map: Mapping::new(),
                origins,
            }),
            _ => Err(ConfigError::Invalid {
                key: "(top level)".into(),
                message: "the configuration must be a YAML mapping".into(),
            }),
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let path = self.key_path(key);
        let message = match self.origins.get(&path) {
            Some(var) => format!("{} (set by {var})", message.into()),
            None => message.into(),
        };
        ConfigError::Invalid { key: path, message }
    }

    /// Removes a key, matching case-insensitively as distribution does.
    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        let found = self
            .map
            .keys()
            .find(|k| key_name(k).eq_ignore_ascii_case(key))
            .cloned()?;
        self.map.remove(&found)
    }

    pub(super) fn section(&mut self, key: &str) -> Result<Option<Section<'a>>, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Mapping(map)) => Ok(Some(Section {
                path: self.key_path(key),
                map,
                origins: self.origins,
            })),
            Some(_) => Err(self.invalid(key, "expected a mapping")),
        }
    }

    /// A section that defaults to empty when absent.
    pub(super) fn section_or_empty(&mut self, key: &str) -> Result<Section<'a>, ConfigError> {
        Ok(self.section(key)?.unwrap_or_else(|| Section {
            path: self.key_path(key),
            map: Mapping::new(),
            origins: self.origins,
        }))
    }

    pub(super) fn string(&mut self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(self.invalid(key, "expected a string")),
        }
    }

    pub(super) fn bool(&mut self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(self.invalid(key, "expected true or false")),
        }
    }

    pub(super) fn uint(&mut self, key: &str, default: u64) -> Result<u64, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64().unwrap_or(default)),
            Some(Value::String(s)) => s
                .parse()
                .map_err(|_| self.invalid(key, "expected a non-negative integer")),
            Some(_) => Err(self.invalid(key, "expected a non-negative integer")),
        }
    }

    /// A Go duration; a bare integer is nanoseconds, as in Go.
    pub(super) fn duration(
        &mut self,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Duration::from_nanos)
                .ok_or_else(|| self.invalid(key, "expected a duration such as 10s or 168h")),
            Some(Value::String(s)) => duration::parse(&s)
                .map_err(|e| self.invalid(key, format!("{e}; use e.g. 10s or 168h"))),
            Some(_) => Err(self.invalid(key, "expected a duration such as 10s or 168h")),
        }
    }

    pub(super) fn string_list(&mut self, key: &str) -> Result<Vec<String>, ConfigError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s]),
            Some(Value::Sequence(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(self.invalid(key, "expected a list of strings")),
                })
                .collect(),
            Some(_) => Err(self.invalid(key, "expected a list of strings")),
        }
    }

    /// Remaining keys with their values (for free-form maps like headers).
    pub(super) fn drain(&mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.map)
            .into_iter()
            .map(|(k, v)| (key_name(&k), v))
            .collect()
    }

    /// The name of the only remaining key, for one-of sections (storage
    /// drivers, auth schemes).
    pub(super) fn remaining_keys(&self) -> Vec<String> {
        self.map.keys().map(key_name).collect()
    }

    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// Fails on any key left unconsumed.
    pub(super) fn finish(self) -> Result<(), ConfigError> {
        if let Some(k) = self.map.keys().next() {
            let path = self.key_path(&key_name(k));
            let from = self
                .origins
                .get(&path)
                .map(|v| format!(" (set by environment variable {v})"))
                .unwrap_or_default();
            return Err(ConfigError::UnknownKey(format!("{path}{from}")));
        }
        Ok(())
    }
}

/// Applies `REGISTRY_SECTION_KEY=value` variables onto the tree.
pub(super) fn apply_env(
    root: &mut Value,
    vars: impl IntoIterator<Item = (String, String)>,
) -> EnvOrigins {
    let mut origins = EnvOrigins::new();
    for (var, raw) in vars {
        let Some(rest) = var.strip_prefix("REGISTRY_") else {
            continue;
        };
        if rest == "CONFIGURATION_PATH" || rest.is_empty() {
            continue;
        }
        let segments: Vec<String> = rest.split('_').map(|s| s.to_ascii_lowercase()).collect();
        let value = if raw.is_empty() {
            Value::String(String::new())
        } else {
            serde_norway::from_str::<Value>(&raw).unwrap_or(Value::String(raw.clone()))
        };
        let value = match value {
            // Keep scalars that YAML would mangle (e.g. `:5000`) as text.
            Value::Mapping(_) | Value::Null => Value::String(raw.clone()),
            v => v,
        };
        let dotted = set_path(root, &segments, value);
        origins.insert(dotted, var);
    }
    origins
}

/// Sets a value at a path of case-insensitive keys; returns the dotted path
/// with the spelling found in the file.
fn set_path(node: &mut Value, segments: &[String], value: Value) -> String {
    let (first, rest) = match segments.split_first() {
        Some(x) => x,
        None => {
            *node = value;
            return String::new();
        }
    };
    if matches!(node, Value::Null) && first.parse::<usize>().is_ok() {
        *node = Value::Sequence(Vec::new());
    }
    if let (Value::Sequence(items), Ok(index)) = (&mut *node, first.parse::<usize>()) {
        while items.len() <= index {
            items.push(Value::Null);
        }
        let sub = set_path(&mut items[index], rest, value);
        return join(first, &sub);
    }
    if !matches!(node, Value::Mapping(_)) {
        *node = Value::Mapping(Mapping::new());
    }
    let Value::Mapping(map) = node else {
        unreachable!("just made a mapping")
    };
    let key = map
        .keys()
        .find(|k| key_name(k).eq_ignore_ascii_case(first))
        .cloned()
        .unwrap_or_else(|| Value::String(first.clone()));
    let name = key_name(&key);
    let child = map.entry(key).or_insert(Value::Null);
    let sub = set_path(child, rest, value);
    join(&name, &sub)
}

fn join(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a}.{b}")
    }
}
