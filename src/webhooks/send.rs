//! POSTing a delivery to a handler: `listen --forward-to` passes one on, `trigger` sends a
//! made-up one. Neither carries the Orqex API key: the agent is built by `connect` as the
//! API's is (same roots, CA bundle, proxy rules, resolver), but it is not `client`'s and knows
//! no key.
//!
//! Redirects are never followed (a handler that redirects a webhook has a bug worth seeing,
//! and ureq would turn the POST into a GET without its body); 4xx and 5xx are answers, not
//! errors. A handler on this machine is reached directly, whatever the proxy variables say;
//! any other goes through the proxy they name, as the API does.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use ureq::Agent;

use crate::connect::{self, CaBundle, Connect, Lookup, Route};
use crate::text::duration;

/// The most of a handler's answer that is read; a webhook's answer is a few bytes.
const MAX_ANSWER: u64 = crate::limits::HANDLER_ANSWER_BYTES;

pub const USER_AGENT: &str = concat!("orqex/", env!("CARGO_PKG_VERSION"), " (webhooks)");

/// What a handler answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub latency: Duration,
}

/// Why there is no answer, in words that complete "the handler at URL ...".
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: FailureKind,
    pub why: String,
    pub latency: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer within the time limit (`listen` answers 504).
    Timeout,
    /// Not reached, or it answered with something that is not HTTP (`listen` answers 502).
    Unreachable,
}

/// The agent for one target URL and time limit, trusting `ca_bundle` besides the built-in
/// roots.
pub fn agent(url: &str, timeout: Duration, ca_bundle: Option<CaBundle>, lookup: &Lookup) -> Agent {
    connect::agent_with(
        &Connect {
            ca_bundle,
            route: if super::is_loopback(url) {
                Route::Direct
            } else {
                Route::Environment
            },
            ..Connect::new(timeout, USER_AGENT)
        },
        lookup,
    )
}

/// POSTs `body` with `headers` (name, value) to `url` and reads the answer.
pub fn post(
    agent: &Agent,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> Result<Answer, Failure> {
    let started = Instant::now();
    let mut request = agent.post(url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let fail = |e: &ureq::Error| {
        let (kind, why) = describe(e, timeout);
        Failure {
            kind,
            why,
            latency: started.elapsed(),
        }
    };
    let mut response = request.send(body).map_err(|e| fail(&e))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|e| fail(&e))?;
    Ok(Answer {
        status,
        content_type,
        body,
        latency: started.elapsed(),
    })
}

/// A transport failure in words. `ureq::Error` has no `source()`, so the words are ours.
fn describe(err: &ureq::Error, timeout: Duration) -> (FailureKind, String) {
    use FailureKind::{Timeout, Unreachable};
    match err {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => (
            Unreachable,
            format!(
                "could not be connected to within {}",
                duration(connect::CONNECT_TIMEOUT.min(timeout))
            ),
        ),
        ureq::Error::Timeout(_) => (
            Timeout,
            format!("did not answer within {}", duration(timeout)),
        ),
        ureq::Error::HostNotFound => (Unreachable, "has a name that does not resolve".into()),
        ureq::Error::ConnectionFailed => (Unreachable, "could not be connected to".into()),
        ureq::Error::ConnectProxyFailed(why) => (
            Unreachable,
            format!(
                "could not be reached through the proxy ({why}); check HTTPS_PROXY and NO_PROXY"
            ),
        ),
        ureq::Error::BodyExceedsLimit(_) => {
            (Unreachable, "answered with a body larger than 1 MiB".into())
        }
        ureq::Error::Protocol(ureq_proto::Error::HttpParseTooManyHeaders) => (
            Unreachable,
            format!(
                "answered with more than {} headers",
                ureq_proto::client::MAX_RESPONSE_HEADERS
            ),
        ),
        ureq::Error::LargeResponseHeader(_, limit) => (
            Unreachable,
            format!("answered with headers larger than {} KiB", limit / 1024),
        ),
        ureq::Error::Protocol(e) => (Unreachable, format!("answered with broken HTTP: {e}")),
        ureq::Error::Tls(m) => (Unreachable, format!("failed TLS: {m}")),
        ureq::Error::Io(e) => match (connect::tls_error(e), e.kind()) {
            (Some(tls), _) => (
                Unreachable,
                match connect::tls_reason(tls) {
                    Some(why) => format!("failed TLS: {why}; verification stays on"),
                    None => format!(
                        "presented a TLS certificate no trusted authority signed; {}",
                        connect::TRUST_HINT
                    ),
                },
            ),
            (None, ErrorKind::ConnectionRefused) => (
                Unreachable,
                "refused the connection (is it running, on that port?)".into(),
            ),
            (
                None,
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted,
            ) => (
                Unreachable,
                "closed the connection without an answer".into(),
            ),
            (None, ErrorKind::TimedOut | ErrorKind::WouldBlock) => (
                Timeout,
                format!("did not answer within {}", duration(timeout)),
            ),
            _ if e.to_string().contains("failed to lookup address") => {
                (Unreachable, "has a name that does not resolve".into())
            }
            _ => (
                Unreachable,
                format!("could not be reached: {}", crate::text::io_reason(e)),
            ),
        },
        other => (Unreachable, format!("could not be reached: {other}")),
    }
}

/// The first characters of an answer's body, on one line, for a message: enough to recognise
/// an error page, never a whole one.
pub fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".into();
    }
    match one_line.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt(b""), "(empty body)");
        assert_eq!(excerpt(b"  \n"), "(empty body)");
        assert_eq!(
            excerpt(b"<h1>Oops</h1>\n<p>broken</p>"),
            "<h1>Oops</h1> <p>broken</p>"
        );
        let long = excerpt("é".repeat(300).as_bytes());
        assert_eq!(long.chars().count(), 203);
        assert!(long.ends_with("..."));
    }
}
