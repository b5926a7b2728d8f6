//! Integration tests: the real binary against a real HTTP server on 127.0.0.1.
//! One test binary (modules below) so the suite links once.

mod api;
mod batch;
mod beyond;
mod catalogue;
mod common;
mod completions;
mod create;
mod everyday;
mod fake_api;
mod get;
mod harness;
mod help;
mod hostile;
mod input;
mod install;
#[cfg(unix)]
mod install_checks;
// The keyring here is the Secret Service, spoken over D-Bus: Linux only.
#[cfg(target_os = "linux")]
mod keyring;
mod limits;
mod network;
mod output;
mod pages;
mod payments;
#[cfg(unix)]
mod payments_pty;
mod profiles;
mod prompt;
mod refunds;
mod resolve;
mod wait;
mod webhooks;
mod webhooks_net;
mod whoami;
