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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, retry_after: Option<Duration>) -> Failure {
        Failure {
            problem: Problem::Api(ApiError {
                status,
                message: "ignored here".into(),
                ..ApiError::default()
            }),
            retryable: true,
            retry_after,
            reached: true,
        }
    }

    #[test]
    fn statuses_have_their_standard_words() {
        assert_eq!(resp_reason(404), "Not Found");
        assert_eq!(resp_reason(503), "Service Unavailable");
        assert_eq!(resp_reason(599), "HTTP error");
        assert_eq!(resp_reason(1000), "HTTP error");
    }

    #[test]
    fn a_reason_names_the_status_and_any_retry_after() {
        assert_eq!(
            api(503, None).reason(),
            "the API answered 503 Service Unavailable"
        );
        assert_eq!(
            api(429, Some(Duration::from_millis(1500))).reason(),
            "the API answered 429 Too Many Requests with Retry-After 1s 500ms"
        );
        for problem in [
            Problem::Network("cannot connect".into()),
            Problem::Usage("cannot connect".into()),
        ] {
            let f = Failure {
                problem,
                retryable: false,
                retry_after: None,
                reached: false,
            };
            assert_eq!(f.reason(), "cannot connect");
        }
    }
}
