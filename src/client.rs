//! A small registry client: enough HTTP/1.1 over TLS to prove a registry
//! works (`init`'s self-test) and to diagnose one (`doctor`).
//!
//! It dials one address but verifies the certificate for another name, so a
//! self-test on `127.0.0.1` still proves the certificate covers the name
//! clients will use. One connection per request keeps it obvious.

pub(crate) mod challenge;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

/// Why a request did not get an answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("cannot read CA certificates from {0}")]
    Ca(String),
    #[error("`{0}` is not a valid TLS server name")]
    Name(String),
    #[error("cannot connect to {addr}: {message}")]
    Connect { addr: String, message: String },
    #[error("TLS handshake with {addr} failed: {message}")]
    Tls { addr: String, message: String },
    #[error("HTTP exchange failed: {0}")]
    Http(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

/// Runs a future to completion on a small runtime of its own: the client
/// is async (hyper), the commands that use it are not.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f))
}

/// Turns an upload `Location` (absolute or relative, as registries may
/// send either) into the request path to use next.
pub(crate) fn location_path(location: &str) -> String {
    match location.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into()),
        None => location.to_string(),
    }
}

/// An answer, read completely.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    /// A header as text, when present and printable.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Where and how to reach a registry.
#[derive(Clone)]
pub(crate) struct Client {
    /// `host:port` to dial.
    connect: String,
    /// Name the certificate must cover (and the `Host` header).
    server_name: String,
    port: u16,
    tls: Option<Arc<rustls::ClientConfig>>,
    authorization: Option<String>,
    timeout: Duration,
}

/// A TLS client configuration that trusts exactly the CAs in `ca`.
pub(crate) fn tls_config(ca: &Path) -> Result<Arc<rustls::ClientConfig>, ClientError> {
    let bad = || ClientError::Ca(ca.display().to_string());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).map_err(|_| bad())? {
        roots.add(cert.map_err(|_| bad())?).map_err(|_| bad())?;
    }
    if roots.is_empty() {
        return Err(bad());
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ClientError::Ca(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts any certificate, so a diagnosis can look at what the server
/// presents (and carry on to the API) even when clients would refuse it.
/// Signatures on the handshake are still checked.
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS configuration that does not verify the server (diagnosis only).
pub(crate) fn unverified_tls_config() -> Result<Arc<rustls::ClientConfig>, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls {
            addr: "(configuration)".into(),
            message: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

impl Client {
    /// A client that dials `connect` (`host:port`) and talks to
    /// `server_name:port`; `tls` is `None` for plain HTTP.
    pub(crate) fn new(
        connect: String,
        server_name: String,
        port: u16,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Self {
        Client {
            connect,
            server_name,
            port,
            tls,
            authorization: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// Sends HTTP basic credentials with every request.
    pub(crate) fn with_basic_auth(mut self, user: &str, password: &str) -> Self {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.authorization = Some(format!("Basic {token}"));
        self
    }

    /// The base URL clients would use.
    pub(crate) fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let host = if self.server_name.contains(':') {
            format!("[{}]", self.server_name)
        } else {
            self.server_name.clone()
        };
        format!("{scheme}://{host}:{}", self.port)
    }

    /// Only the TCP connection and TLS handshake.
    pub(crate) async fn handshake(&self) -> Result<(), ClientError> {
        let work = async {
            let tcp = self.tcp().await?;
            if let Some(config) = &self.tls {
                self.wrap_tls(config, tcp).await?;
            }
            Ok(())
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
    }

    /// The certificates the server presents (leaf first), DER; use a client
    /// made with [`unverified_tls_config`] to see chains clients would refuse.
    pub(crate) async fn peer_chain(&self) -> Result<Vec<Vec<u8>>, ClientError> {
        let work = async {
            let Some(config) = &self.tls else {
                return Err(ClientError::Name(format!(
                    "{} (a plain-HTTP client has no certificate chain)",
                    self.server_name
                )));
            };
            let tcp = self.tcp().await?;
            let tls = self.wrap_tls(config, tcp).await?;
            Ok(tls
                .get_ref()
                .1
                .peer_certificates()
                .unwrap_or_default()
                .iter()
                .map(|c| c.as_ref().to_vec())
                .collect())
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
    }

    async fn tcp(&self) -> Result<tokio::net::TcpStream, ClientError> {
        tokio::net::TcpStream::connect(&self.connect)
            .await
            .map_err(|e| ClientError::Connect {
                addr: self.connect.clone(),
                message: e.to_string(),
            })
    }

    async fn wrap_tls(
        &self,
        config: &Arc<rustls::ClientConfig>,
        tcp: tokio::net::TcpStream,
    ) -> Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>, ClientError> {
        let name = ServerName::try_from(self.server_name.clone())
            .map_err(|_| ClientError::Name(self.server_name.clone()))?;
        tokio_rustls::TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| ClientError::Tls {
                addr: format!("{} (as {})", self.connect, self.server_name),
                message: e.to_string(),
            })
    }

    /// Sends one request; `path` includes the query.
    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Response, ClientError> {
        tokio::time::timeout(self.timeout, self.exchange(method, path, headers, body))
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Response, ClientError> {
        let http = |e: &dyn std::fmt::Display| ClientError::Http(e.to_string());
        let host = self
            .base_url()
            .split_once("://")
            .map(|(_, h)| h.to_string())
            .unwrap_or_default();
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", host)
            .header("user-agent", concat!("regctl/", env!("CARGO_PKG_VERSION")));
        if let Some(auth) = &self.authorization {
            req = req.header("authorization", auth);
        }
        for (name, value) in headers {
            req = req.header(
                HeaderName::try_from(*name).map_err(|e| http(&e))?,
                HeaderValue::try_from(*value).map_err(|e| http(&e))?,
            );
        }
        let req = req.body(Full::new(body)).map_err(|e| http(&e))?;
        let tcp = self.tcp().await?;
        let resp = match &self.tls {
            Some(config) => {
                let tls = self.wrap_tls(config, tcp).await?;
                round_trip(TokioIo::new(tls), req).await?
            }
            None => round_trip(TokioIo::new(tcp), req).await?,
        };
        Ok(resp)
    }
}

async fn round_trip<T>(io: T, req: hyper::Request<Full<Bytes>>) -> Result<Response, ClientError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let http = |e: &dyn std::fmt::Display| ClientError::Http(e.to_string());
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| http(&e))?;
    let driver = tokio::spawn(conn);
    let resp = sender.send_request(req).await.map_err(|e| http(&e))?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(|e| http(&e))?.to_bytes();
    drop(sender);
    driver.abort();
    Ok(Response {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_locations() {
        assert_eq!(
            location_path("https://r.lan:5000/v2/x/blobs/uploads/1?_state=a"),
            "/v2/x/blobs/uploads/1?_state=a"
        );
        assert_eq!(
            location_path("/v2/x/blobs/uploads/1"),
            "/v2/x/blobs/uploads/1"
        );
    }
}
