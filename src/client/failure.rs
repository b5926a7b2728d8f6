//! Why one attempt failed, in the terms the rest of the client decides with.

use std::time::Duration;

use crate::error::ApiError;

/// Why one attempt failed, and what that means for the next.
pub(super) struct Failure {
    pub(super) problem: Problem,
    pub(super) retryable: bool,
    /// The server's `Retry-After`, uncapped.
    pub(super) retry_after: Option<Duration>,
    /// The request may have reached the API (false only when that is certain not to be so).
    pub(super) reached: bool,
}

pub(super) enum Problem {
    Api(ApiError),
    Network(String),
    Usage(String),
}

impl Failure {
    pub(super) fn reason(&self) -> String {
        match &self.problem {
            Problem::Api(e) => {
                let mut r = format!("the API answered {} {}", e.status, resp_reason(e.status));
                if let Some(after) = self.retry_after {
                    r.push_str(&format!(
                        " with Retry-After {}",
                        crate::text::duration(after)
                    ));
                }
                r
            }
            Problem::Network(m) | Problem::Usage(m) => m.clone(),
        }
    }
}

/// The standard words for an HTTP status.
pub(super) fn resp_reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("HTTP error")
}
