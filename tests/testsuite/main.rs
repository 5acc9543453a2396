//! regctl's integration tests, one binary with a module per area (as
//! cargo's own testsuite): one link instead of seventeen, and the compiler
//! sees every helper's use. Tests talk to real programs; `scripts/test`
//! installs them. Tests that change the real host (its trust stores, the
//! Docker engine's configuration) hold `common::host_lock()`.

// Tests report what they measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

mod adversarial;
mod cert_inspect;
mod cert_issue;
mod cli;
mod day_two;
mod docker_compose;
mod doctor;
mod gc;
mod htpasswd_apache;
mod image_save;
mod init;
mod kubernetes_csr;
mod registry_api;
mod registry_clients;
mod registry_robustness;
mod render;
mod serve_cli;
mod tls_handshake;
mod trust;
