//! Manifest validation: which blobs and child manifests a manifest refers
//! to, its media type, subject and artifact type.

use serde::Serialize;
use serde_json::Value;

use super::digest::Digest;

pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub(crate) const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub(crate) const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
const DOCKER_SCHEMA1: [&str; 2] = [
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
];

/// Largest manifest accepted (the spec's floor for what registries accept).
pub(crate) const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// What a valid manifest says.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    pub media_type: String,
    /// Config and layers that must exist in the repository.
    pub blobs: Vec<Descriptor>,
    /// Child manifests (of an index) that must exist in the repository.
    pub children: Vec<Descriptor>,
    pub subject: Option<Digest>,
    /// `artifactType`, or the config's media type for image manifests.
    pub artifact_type: Option<String>,
    pub annotations: Option<Value>,
}

/// A reference to content: what a manifest says it is and how big.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Descriptor {
    pub digest: Digest,
    pub size: u64,
    /// An index entry's `platform` (os and architecture), when given.
    pub platform: Option<Platform>,
}

/// `platform.os` and `platform.architecture` of an index entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Platform {
    pub os: String,
    pub architecture: String,
}

/// Why a manifest was refused; becomes `MANIFEST_INVALID`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub(crate) struct Invalid(pub String);

fn bad(msg: impl Into<String>) -> Invalid {
    Invalid(msg.into())
}

fn descriptor(d: &Value, what: &str) -> Result<Descriptor, Invalid> {
    let text = d
        .get("digest")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{what} has no digest")))?;
    let size = d
        .get("size")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(format!("{what} has no valid size")))?;
    let digest = text
        .parse()
        .map_err(|_| bad(format!("{what} has an invalid digest `{text}`")))?;
    let platform = d.get("platform").and_then(|p| {
        Some(Platform {
            os: p.get("os")?.as_str()?.to_string(),
            architecture: p.get("architecture")?.as_str()?.to_string(),
        })
    });
    Ok(Descriptor {
        digest,
        size,
        platform,
    })
}

/// Checks a pushed manifest more strictly than [`parse`] does, as
/// distribution does: a `Content-Type` that is no media type, and fields of
/// the wrong JSON type, are refused. Stored manifests are read with
/// [`parse`] alone, so content accepted before these checks existed is still
/// understood (and kept by GC).
pub(crate) fn parse_pushed(content_type: Option<&str>, bytes: &[u8]) -> Result<Manifest, Invalid> {
    if let Some(ct) = content_type
        && !is_media_type(ct.split(';').next().unwrap_or(""))
    {
        return Err(bad(format!("Content-Type `{ct}` is not a media type")));
    }
    let doc = json(bytes)?;
    if !doc.is_object() {
        return Err(bad("a manifest is a JSON object"));
    }
    check_strings(&doc, "manifest")?;
    for (key, what) in [("config", "config"), ("subject", "subject")] {
        if let Some(d) = doc.get(key).filter(|d| !d.is_null()) {
            check_strings(d, what)?;
        }
    }
    for key in ["layers", "manifests"] {
        if let Some(list) = doc.get(key).and_then(Value::as_array) {
            for (i, d) in list.iter().enumerate() {
                check_strings(d, &format!("{key}[{i}]"))?;
            }
        }
    }
    let pushed = parse_doc(content_type, &doc)?;
    // What is stored is the bytes alone: GET and GC read the media type
    // from the `mediaType` field or, without one, from the shape. A push
    // whose Content-Type says otherwise than the shape would be served and
    // collected as something else (GC could miss its blobs), so it must
    // say what it is in the manifest itself.
    let stored = parse_doc(None, &doc).ok().map(|m| m.media_type);
    if stored.as_deref() != Some(pushed.media_type.as_str()) {
        return Err(bad(format!(
            "the manifest has no mediaType field and its shape is not a {}: add \"mediaType\": \"{}\"",
            pushed.media_type, pushed.media_type
        )));
    }
    Ok(pushed)
}

/// `type/subtype`, each a token (RFC 9110 5.6.2).
fn is_media_type(text: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    text.trim()
        .split_once('/')
        .is_some_and(|(t, sub)| token(t) && token(sub))
}

/// `mediaType` and `artifactType` are strings, `annotations` an object of
/// strings, wherever they appear in `v`.
fn check_strings(v: &Value, what: &str) -> Result<(), Invalid> {
    if !v.is_object() {
        return Err(bad(format!("{what} must be a JSON object")));
    }
    for key in ["mediaType", "artifactType"] {
        if v.get(key).is_some_and(|t| !t.is_string()) {
            return Err(bad(format!("{what}: {key} must be a string")));
        }
    }
    if let Some(a) = v.get("annotations") {
        let ok = a
            .as_object()
            .is_some_and(|m| m.values().all(Value::is_string));
        if !ok {
            return Err(bad(format!(
                "{what}: annotations must be an object of strings"
            )));
        }
    }
    Ok(())
}

fn json(bytes: &[u8]) -> Result<Value, Invalid> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("not valid JSON: {e}")))
}

/// Parses and checks a manifest; `content_type` is the request header.
pub(crate) fn parse(content_type: Option<&str>, bytes: &[u8]) -> Result<Manifest, Invalid> {
    parse_doc(content_type, &json(bytes)?)
}

/// [`parse`] of an already decoded document.
fn parse_doc(content_type: Option<&str>, doc: &Value) -> Result<Manifest, Invalid> {
    let header_type = content_type
        .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
        .filter(|c| !c.is_empty() && c != "application/json" && c != "application/octet-stream");
    let field_type = doc
        .get("mediaType")
        .and_then(Value::as_str)
        .map(str::to_string);
    if doc.get("schemaVersion").and_then(Value::as_i64) == Some(1)
        || [&header_type, &field_type]
            .iter()
            .any(|t| t.as_deref().is_some_and(|t| DOCKER_SCHEMA1.contains(&t)))
    {
        return Err(bad(
            "Docker schema 1 manifests are not supported; push with a current client (schema 2 or OCI)",
        ));
    }
    if doc.get("schemaVersion").and_then(Value::as_i64) != Some(2) {
        return Err(bad("schemaVersion must be 2"));
    }
    if let (Some(h), Some(f)) = (&header_type, &field_type)
        && h != f
    {
        return Err(bad(format!(
            "Content-Type `{h}` does not match the manifest's mediaType `{f}`"
        )));
    }
    let media_type = field_type.or(header_type).unwrap_or_else(|| {
        if doc.get("manifests").is_some() {
            OCI_INDEX.to_string()
        } else {
            OCI_MANIFEST.to_string()
        }
    });
    let subject = match doc.get("subject") {
        Some(s) if !s.is_null() => Some(descriptor(s, "subject")?.digest),
        _ => None,
    };
    let artifact_type = doc
        .get("artifactType")
        .and_then(Value::as_str)
        .map(str::to_string);
    let annotations = doc.get("annotations").filter(|a| a.is_object()).cloned();
    let mut m = Manifest {
        media_type: media_type.clone(),
        blobs: Vec::new(),
        children: Vec::new(),
        subject,
        artifact_type,
        annotations,
    };
    match media_type.as_str() {
        OCI_MANIFEST | DOCKER_MANIFEST => {
            let config = doc
                .get("config")
                .ok_or_else(|| bad("image manifest has no config"))?;
            m.blobs.push(descriptor(config, "config")?);
            if m.artifact_type.is_none() {
                m.artifact_type = config
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            let layers = doc
                .get("layers")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("image manifest has no layers array"))?;
            for (i, layer) in layers.iter().enumerate() {
                let d = descriptor(layer, &format!("layer {i}"))?;
                // Foreign layers (with `urls`) live elsewhere by design.
                if layer.get("urls").is_none() {
                    m.blobs.push(d);
                }
            }
        }
        OCI_INDEX | DOCKER_LIST => {
            let list = doc
                .get("manifests")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("index has no manifests array"))?;
            for (i, child) in list.iter().enumerate() {
                m.children
                    .push(descriptor(child, &format!("manifest {i}"))?);
            }
        }
        other => return Err(bad(format!("unsupported manifest media type `{other}`"))),
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> String {
        Digest::sha256_of(&[n]).to_string()
    }

    #[test]
    fn image_manifest_lists_blobs() {
        let m = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":2}},"layers":[{{"mediaType":"x","digest":"{}","size":3}},{{"mediaType":"x","digest":"{}","size":3,"urls":["https://f"]}}],"subject":{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":9}}}}"#,
            d(1),
            d(2),
            d(3),
            d(4)
        );
        let p = parse(Some(OCI_MANIFEST), m.as_bytes()).unwrap();
        assert_eq!(p.blobs.len(), 2);
        assert_eq!(p.blobs[1].size, 3);
        assert_eq!(p.subject.unwrap().to_string(), d(4));
        assert_eq!(
            p.artifact_type.as_deref(),
            Some("application/vnd.oci.image.config.v1+json")
        );
    }

    /// Found by the manifest fuzz target: a Content-Type that disagrees
    /// with the shape of a manifest without `mediaType` was accepted, then
    /// read back (by GET and GC) as an index.
    #[test]
    fn a_push_is_read_back_as_what_it_was_pushed_as() {
        let m = format!(
            r#"{{"schemaVersion":2,"config":{{"digest":"{}","size":2}},"layers":[],"manifests":{{}}}}"#,
            d(1)
        );
        let err = parse_pushed(Some(OCI_MANIFEST), m.as_bytes()).unwrap_err();
        assert!(err.0.contains("add \"mediaType\""), "{err}");
        let with_field = m.replacen('{', &format!(r#"{{"mediaType":"{OCI_MANIFEST}","#), 1);
        assert!(parse_pushed(Some(OCI_MANIFEST), with_field.as_bytes()).is_ok());
        assert!(parse(None, with_field.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_schema1_mismatch_and_garbage() {
        assert!(
            parse(None, br#"{"schemaVersion":1,"name":"x"}"#)
                .unwrap_err()
                .0
                .contains("schema 1")
        );
        assert!(parse(None, b"{nope").unwrap_err().0.contains("JSON"));
        let m = format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[]}}"#);
        assert!(
            parse(Some(OCI_MANIFEST), m.as_bytes())
                .unwrap_err()
                .0
                .contains("does not match")
        );
        assert!(parse(Some(OCI_INDEX), m.as_bytes()).is_ok());
        let bad_digest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"digest":"sha256:xyz","size":1}}]}}"#
        );
        assert!(
            parse(None, bad_digest.as_bytes())
                .unwrap_err()
                .0
                .contains("invalid digest")
        );
    }
}
