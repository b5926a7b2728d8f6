//! Every way a result reaches the user. stdout carries only the result; notes go to stderr.

use std::io::Write;

use serde_json::Value;

use crate::client::ApiResponse;
use crate::error::{Error, Result};

/// What `checkout create` prints on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The checkout URL, one line.
    Url,
    /// The API's whole response, pretty-printed.
    Json,
}

/// Prints the result of a create or retrieve in the chosen format.
pub fn print_checkout(
    resp: &ApiResponse,
    format: Format,
    idempotency_key: Option<&str>,
) -> Result<()> {
    match format {
        Format::Json => print_json(&resp.body),
        Format::Url => {
            let url = checkout_url(&resp.body).ok_or_else(|| Error::Network {
                message: format!(
                    "the API answered {} but the response has no data.checkout.url; run again with --json to see it",
                    resp.status
                ),
                idempotency_key: idempotency_key.map(str::to_string),
            })?;
            stdout_line(url)
        }
    }
}

pub fn checkout_url(body: &Value) -> Option<&str> {
    body.pointer("/data/checkout/url").and_then(Value::as_str)
}

/// Pretty JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
    stdout_line(&text)
}

/// Writes one line to stdout. A closed pipe (`| head`) is not worth a panic.
pub fn stdout_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|_| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| Error::Other(format!("cannot write to stdout: {e}")))
}

/// A note for the person at the terminal, on stderr.
pub fn note(text: &str) {
    eprintln!("{text}");
}
