//! Integration tests: the real binary against a real HTTP server on 127.0.0.1.
//! One test binary (modules below) so the suite links once.

mod batch;
mod common;
mod completions;
mod create;
mod everyday;
mod get;
mod hostile;
mod input;
mod install;
mod network;
mod output;
mod profiles;
mod prompt;
mod wait;
mod webhooks;
