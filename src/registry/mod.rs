//! The bundled registry: an OCI Distribution v1.1 server over distribution's
//! on-disk layout, configured by distribution's `config.yml`.

pub mod config;
pub mod digest;
pub mod errors;
pub mod names;
pub mod paths;
pub mod storage;
pub mod store;
