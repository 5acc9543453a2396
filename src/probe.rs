//! A minimal HTTP(S) GET for container health checks: the bundled image is
//! `FROM scratch`, with no shell, curl or wget, so the binary checks itself.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProbeError {
    #[error("`{0}` is not an http:// or https:// URL")]
    BadUrl(String),
    #[error("https needs the CA to verify against: pass --cacert FILE")]
    NoCa,
    #[error("cannot read CA certificates from {0}")]
    Ca(String),
    #[error("{0}")]
    Io(String),
    #[error("timed out")]
    Timeout,
    #[error("unexpected answer: {0}")]
    Protocol(String),
}

struct Url<'a> {
    tls: bool,
    host: &'a str,
    port: u16,
    path: &'a str,
}

fn parse(url: &str) -> Result<Url<'_>, ProbeError> {
    let bad = || ProbeError::BadUrl(url.to_string());
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(bad());
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let default_port = if tls { 443 } else { 80 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad())?,
            None => default_port,
        };
        (h, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad())?),
            None => (authority, default_port),
        }
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Url {
        tls,
        host,
        port,
        path,
    })
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    u: &Url<'_>,
) -> Result<u16, ProbeError> {
    let req = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: regctl-probe\r\nConnection: close\r\n\r\n",
        u.path, u.host
    );
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| ProbeError::Io(e.to_string()))?;
    let mut buf = vec![0u8; 256];
    let mut n = 0;
    while n < 12 {
        let read = s
            .read(&mut buf[n..])
            .await
            .map_err(|e| ProbeError::Io(e.to_string()))?;
        if read == 0 {
            break;
        }
        n += read;
    }
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| ProbeError::Protocol(head.lines().next().unwrap_or("").to_string()))
}

/// GETs `url` and returns the HTTP status. With `connect` (`host:port`),
/// that address is dialled instead while the certificate is still checked
/// for the URL's host: a container checks itself on 127.0.0.1 against the
/// name clients use.
pub(crate) async fn probe(
    url: &str,
    cacert: Option<&Path>,
    connect: Option<&str>,
    timeout: Duration,
) -> Result<u16, ProbeError> {
    let u = parse(url)?;
    let work = async {
        let dial = connect
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}:{}", bracket(u.host), u.port));
        let tcp = tokio::net::TcpStream::connect(&dial)
            .await
            .map_err(|e| ProbeError::Io(format!("cannot connect to {dial}: {e}")))?;
        if !u.tls {
            return exchange(tcp, &u).await;
        }
        let ca = cacert.ok_or(ProbeError::NoCa)?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(ca)
            .map_err(|_| ProbeError::Ca(ca.display().to_string()))?
        {
            let cert = cert.map_err(|_| ProbeError::Ca(ca.display().to_string()))?;
            roots
                .add(cert)
                .map_err(|_| ProbeError::Ca(ca.display().to_string()))?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::Io(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let name = ServerName::try_from(u.host.to_string())
            .map_err(|_| ProbeError::BadUrl(url.to_string()))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| ProbeError::Io(format!("TLS: {e}")))?;
        exchange(tls, &u).await
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| ProbeError::Timeout)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse("https://127.0.0.1:5000/").unwrap();
        assert!(u.tls && u.host == "127.0.0.1" && u.port == 5000 && u.path == "/");
        let u = parse("http://[::1]/v2/").unwrap();
        assert!(!u.tls && u.host == "::1" && u.port == 80 && u.path == "/v2/");
        assert!(parse("ftp://x").is_err() && parse("https://:5").is_err());
    }
}
