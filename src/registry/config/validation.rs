//! `validation`: what a pushed manifest must satisfy beyond the spec.

use serde::Serialize;
use serde_norway::Value;

use super::tree::Section;
use super::{ConfigError, one_of};
use crate::registry::manifest::Platform;

/// `validation.manifests.indexes.platforms`: which child manifests of a
/// pushed index must already be in the repository. `All` by default; the
/// others accept sparse indexes (an index naming platforms the registry
/// does not hold), which tools that expect complete images may trip on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum IndexChildren {
    All,
    None,
    /// Only children whose platform is in the list.
    List(Vec<Platform>),
}

/// `validation`: only `manifests.indexes` (and `disabled`, which turns it
/// off as in distribution); `manifests.urls` is refused as unknown, since
/// regctl does not check foreign layer URLs.
pub(super) fn parse_validation(mut s: Section<'_>) -> Result<IndexChildren, ConfigError> {
    let disabled = s.bool("disabled", false)?;
    let mut children = IndexChildren::All;
    if let Some(mut m) = s.section("manifests")? {
        if let Some(mut i) = m.section("indexes")? {
            children = match one_of(&mut i, "platforms", &["all", "none", "list"])?.as_deref() {
                Some("none") => IndexChildren::None,
                Some("list") => {
                    let path = format!("{}.platformlist", i.path());
                    let list = match i.take("platformlist") {
                        Some(v) => platform_list(v, &path)?,
                        None => Vec::new(),
                    };
                    IndexChildren::List(list)
                }
                _ => IndexChildren::All,
            };
            i.finish()?;
        }
        m.finish()?;
    }
    s.finish()?;
    Ok(if disabled {
        IndexChildren::None
    } else {
        children
    })
}

fn platform_list(v: Value, path: &str) -> Result<Vec<Platform>, ConfigError> {
    let invalid = || ConfigError::Invalid {
        key: path.to_string(),
        message: "expected a list of {os, architecture}".into(),
    };
    let Value::Sequence(items) = v else {
        return Err(invalid());
    };
    items
        .into_iter()
        .map(|item| {
            let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            Ok(Platform {
                os: field("os").ok_or_else(invalid)?,
                architecture: field("architecture").ok_or_else(invalid)?,
            })
        })
        .collect()
}
