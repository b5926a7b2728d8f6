//! Integration tests: the real binary against a real HTTP server on 127.0.0.1.
//! One test binary (modules below) so the suite links once.

mod common;
mod create;
mod input;
mod prompt;
