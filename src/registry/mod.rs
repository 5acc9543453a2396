//! The bundled registry: an OCI Distribution v1.1 server over distribution's
//! on-disk layout, configured by distribution's `config.yml`.

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod config;
pub(crate) mod digest;
pub(crate) mod errors;
pub(crate) mod gc;
pub(crate) mod maintenance;
pub(crate) mod manifest;
// glibc malloc tuning through libc.
#[allow(unsafe_code)]
pub(crate) mod memory;
pub(crate) mod names;
pub(crate) mod paths;
// Its tests map files to check that windows are released.
#[allow(unsafe_code)]
pub(crate) mod sendfile;
pub(crate) mod server;
pub(crate) mod storage;
pub(crate) mod store;
pub(crate) mod tls;
