//! The bundled registry: an OCI Distribution v1.1 server over distribution's
//! on-disk layout, configured by distribution's `config.yml`.

pub mod api;
pub mod auth;
pub mod config;
pub mod digest;
pub mod errors;
pub mod gc;
pub mod maintenance;
pub mod manifest;
pub mod memory;
pub mod names;
pub mod paths;
pub mod sendfile;
pub mod server;
pub mod storage;
pub mod store;
pub mod tls;
