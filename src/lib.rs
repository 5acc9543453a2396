//! regctl: a private, TLS-secured, password-protected container registry in
//! one command. The library holds everything; `main` only parses and reports.

pub mod cli;
pub mod client;
pub mod commands;
pub mod doctor;
pub mod fsutil;
pub mod htpasswd;
pub mod image;
pub mod kube;
pub mod layout;
pub mod netinfo;
pub mod pki;
pub mod plan;
pub mod probe;
pub mod registry;
pub mod render;
pub mod secret;
pub mod selftest;
pub mod service;
pub mod setup;
pub mod trust;
pub mod wizard;
