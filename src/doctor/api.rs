//! The registry API: `/v2/`, the authentication challenge, credentials,
//! and a real chunked push that catches proxies in the way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use super::tls::Transport;
use super::{Check, Options};
use crate::client::{Client, Response, location_path};
use crate::htpasswd::Htpasswd;

const REPOSITORY: &str = "regctl-doctor";
const CHUNK: usize = 8 * 1024 * 1024;

fn client(
    opts: &Options,
    addr: &SocketAddr,
    transport: Transport,
    unverified: &Arc<rustls::ClientConfig>,
) -> Client {
    let tls = (transport == Transport::Https).then(|| unverified.clone());
    Client::new(addr.to_string(), opts.host.clone(), opts.port, tls)
}

pub(super) async fn check(
    opts: &Options,
    addr: &SocketAddr,
    transport: Transport,
    unverified: &Arc<rustls::ClientConfig>,
    checks: &mut Vec<Check>,
) {
    if transport == Transport::Broken {
        checks.push(Check::skipped("api", "no working transport"));
        return;
    }
    let anonymous = client(opts, addr, transport, unverified);
    let r = match anonymous.send("GET", "/v2/", &[], Bytes::new()).await {
        Ok(r) => r,
        Err(e) => {
            checks.push(Check::failure("api", format!("GET /v2/ failed: {e}")));
            return;
        }
    };
    let version = r
        .header("docker-distribution-api-version")
        .map(String::from);
    let challenge = r.header("www-authenticate").unwrap_or("").to_string();
    let challenges = crate::client::challenge::parse(&challenge);
    let asks = |scheme: &str| challenges.iter().find(|c| c.is(scheme));
    match (r.status, &version) {
        (200 | 401, Some(v)) => checks.push(Check::ok("api", format!("GET /v2/ answers {} ({v})", r.status))),
        (200 | 401, None) => checks.push(
            Check::warning("api", format!("GET /v2/ answers {} without Docker-Distribution-API-Version", r.status))
                .fix("something other than a registry answers, or a proxy drops the header: check the proxy passes /v2/ through unchanged"),
        ),
        (s, _) => {
            checks.push(
                Check::failure("api", format!("GET /v2/ answers {s}, not 200 or 401"))
                    .fix("check that the URL reaches the registry itself (a proxy or another service answers)"),
            );
            return;
        }
    }
    let authed = match r.status {
        200 => {
            checks.push(
                Check::warning("auth", "no authentication: anyone who reaches the port can push and delete")
                    .fix("add users: regctl htpasswd add DIR/auth/htpasswd USER, and auth.htpasswd in config.yml (regctl init does both)"),
            );
            anonymous.clone()
        }
        _ if asks("bearer").is_some() => {
            let realm = asks("bearer").and_then(|c| c.param("realm")).unwrap_or("");
            checks.push(Check::ok(
                "auth",
                format!("token authentication (token server {realm})"),
            ));
            checks.push(Check::skipped(
                "credentials",
                "token authentication: the token server checks credentials (docker login tests them)",
            ));
            return;
        }
        _ if asks("basic").is_some() => {
            let realm = asks("basic").and_then(|c| c.param("realm")).unwrap_or("");
            checks.push(Check::ok("auth", format!("HTTP basic (realm {realm})")));
            let (Some(user), Some(pw)) = (&opts.user, &opts.password) else {
                checks.push(
                    Check::warning("credentials", "not tested: no --user given")
                        .fix("pass --user USER --password-stdin to test login and push"),
                );
                return;
            };
            let authed = anonymous.clone().with_basic_auth(user, pw);
            match authed.send("GET", "/v2/", &[], Bytes::new()).await {
                Ok(r) if r.status == 200 => {
                    checks.push(Check::ok("credentials", format!("{user} logs in")));
                    authed
                }
                Ok(r) => {
                    checks.push(refused_login(opts, user, pw, r.status));
                    return;
                }
                Err(e) => {
                    checks.push(Check::failure("credentials", e.to_string()));
                    return;
                }
            }
        }
        _ => {
            checks.push(
                Check::failure("auth", format!("401 without a usable challenge (`{challenge}`)"))
                    .fix("the registry (or a proxy) must send WWW-Authenticate: Basic realm=... or Bearer realm=..."),
            );
            return;
        }
    };
    if opts.push_test > 0 {
        push_test(opts, &authed, transport, checks).await;
    }
}

/// A refused login, explained from the htpasswd file when it is here.
fn refused_login(opts: &Options, user: &str, password: &str, status: u16) -> Check {
    let base = |why: String| {
        Check::failure("credentials", why).says(format!(
            "Error response from daemon: login attempt to https://{}/v2/ failed with status: {status} Unauthorized",
            opts.registry()
        ))
    };
    let Some(path) = &opts.htpasswd else {
        return base(format!("{user} is refused ({status}): wrong user or password, or an entry the registry cannot check")).fix(
            "reset the password: regctl htpasswd add DIR/auth/htpasswd USER (pass --htpasswd FILE to doctor for a precise diagnosis)",
        );
    };
    let file = match Htpasswd::load(path, false) {
        Ok(f) => f,
        Err(e) => return base(format!("{user} is refused; {e}")),
    };
    let add = format!("regctl htpasswd add {} {user}", path.display());
    match file.get(user) {
        None => base(format!("{user} is not in {}", path.display())).fix(add),
        Some(e) if !e.scheme().is_bcrypt() => base(format!(
            "{user}'s entry in {} is {:?}, but the registry accepts only bcrypt",
            path.display(),
            e.scheme()
        ))
        .fix(format!("{add}   (rewrites the entry as bcrypt; `htpasswd -B` does too)")),
        Some(_) if file.verify(user, password).unwrap_or(false) => base(format!(
            "the password matches {} but the registry refuses it: it reads a different htpasswd file",
            path.display()
        ))
        .fix("check auth.htpasswd.path in config.yml (and the mount in compose/Kubernetes)"),
        Some(_) => base(format!("wrong password for {user}")).fix(add),
    }
}

fn status_error(step: &str, r: &Response) -> Check {
    let body: String = String::from_utf8_lossy(&r.body).chars().take(200).collect();
    if r.status == 413 {
        return Check::failure(
            "push",
            format!("{step}: 413 Request Entity Too Large: a proxy in front of the registry limits request bodies"),
        )
        .says("413 Request Entity Too Large")
        .fix("nginx: client_max_body_size 0; (and proxy_request_buffering off;) in the registry's server block; Ingress: nginx.ingress.kubernetes.io/proxy-body-size: \"0\"");
    }
    Check::failure(
        "push",
        format!(
            "{step}: the registry answered {}: {}",
            r.status,
            body.trim()
        ),
    )
}

/// Pushes a chunked blob, pulls it back, verifies it and deletes it.
async fn push_test(opts: &Options, client: &Client, transport: Transport, checks: &mut Vec<Check>) {
    let started = Instant::now();
    let size = opts.push_test as usize;
    let mut seed = [0u8; 32];
    let _ = getrandom::fill(&mut seed);
    let mut data = Vec::with_capacity(size);
    let mut block = Sha256::digest(seed);
    while data.len() < size {
        let take = (size - data.len()).min(block.len());
        data.extend_from_slice(&block[..take]);
        block = Sha256::digest(block);
    }
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(&data)));
    let r = match client
        .send(
            "POST",
            &format!("/v2/{REPOSITORY}/blobs/uploads/"),
            &[],
            Bytes::new(),
        )
        .await
    {
        Ok(r) if r.status == 202 => r,
        Ok(r) => return checks.push(status_error("start upload", &r)),
        Err(e) => return checks.push(Check::failure("push", e.to_string())),
    };
    let Some(mut location) = r.header("location").map(String::from) else {
        return checks.push(Check::failure(
            "push",
            "the upload answer has no Location header",
        ));
    };
    let want = if transport == Transport::Https {
        "https://"
    } else {
        "http://"
    };
    if location.contains("://") && !location.starts_with(want) {
        checks.push(
            Check::failure(
                "upload location",
                format!("the upload Location is `{}`: it switches to another scheme than the {want} clients use", location.split('?').next().unwrap_or("")),
            )
            .says(format!("http: server gave HTTP response to HTTPS client (the push follows {location:.40}...)"))
            .fix("behind a TLS-terminating proxy, pass the scheme: nginx `proxy_set_header X-Forwarded-Proto $scheme;` (or set http.relativeurls: true in config.yml)"),
        );
    } else {
        checks.push(Check::ok("upload location", "keeps the scheme clients use"));
    }
    let mut offset = 0usize;
    for chunk in data.chunks(CHUNK) {
        let path = location_path(&location);
        let range = format!("{}-{}", offset, offset + chunk.len() - 1);
        let r = match client
            .send(
                "PATCH",
                &path,
                &[
                    ("content-type", "application/octet-stream"),
                    ("content-range", &range),
                ],
                Bytes::copy_from_slice(chunk),
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return checks.push(Check::failure("push", format!("chunk at {offset}: {e}")));
            }
        };
        if r.status != 202 {
            return checks.push(status_error(&format!("chunk at byte {offset}"), &r));
        }
        if let Some(l) = r.header("location") {
            location = l.to_string();
        }
        offset += chunk.len();
    }
    let path = location_path(&location);
    let sep = if path.contains('?') { '&' } else { '?' };
    match client
        .send(
            "PUT",
            &format!("{path}{sep}digest={digest}"),
            &[],
            Bytes::new(),
        )
        .await
    {
        Ok(r) if r.status == 201 => {}
        Ok(r) => return checks.push(status_error("finish upload", &r)),
        Err(e) => return checks.push(Check::failure("push", e.to_string())),
    }
    let pulled = match client
        .send(
            "GET",
            &format!("/v2/{REPOSITORY}/blobs/{digest}"),
            &[],
            Bytes::new(),
        )
        .await
    {
        Ok(r) if r.status == 200 => r.body,
        Ok(r) => return checks.push(status_error("pull back", &r)),
        Err(e) => return checks.push(Check::failure("push", e.to_string())),
    };
    if format!("sha256:{}", hex::encode(Sha256::digest(&pulled))) != digest {
        return checks.push(Check::failure(
            "push",
            "the blob pulled back differs from the one pushed",
        ));
    }
    let note = match client
        .send(
            "DELETE",
            &format!("/v2/{REPOSITORY}/blobs/{digest}"),
            &[],
            Bytes::new(),
        )
        .await
    {
        Ok(r) if r.status == 202 => "deleted again".to_string(),
        Ok(r) if r.status == 405 => format!("deletes are disabled, so it stays in {REPOSITORY}"),
        Ok(r) => format!("delete answered {}", r.status),
        Err(e) => format!("delete failed: {e}"),
    };
    let mib = size as f64 / 1_048_576.0;
    checks.push(Check::ok(
        "push",
        format!(
            "{mib:.0} MiB in {} chunks pushed, pulled back, digest verified, {note} ({:.1} s)",
            data.len().div_ceil(CHUNK),
            started.elapsed().as_secs_f64()
        ),
    ));
}
