//! HTTP to the Orqex API: one `Call` at a time, retried, with idempotency, redirects and
//! answers decoded. One file per concern: `agent` (ureq and TLS), `retry` (backoff and the
//! final error), `decode` (answers), `describe` (transport failures in words), `redirect`.
//!
//! Knows nothing of terminals: it returns the API's JSON or an `Error` carrying an exit code.
//! Its only words for a person are the `--verbose` trace, handed to the sink its caller gives.
//!
//! One `Client` may be shared by several threads: it holds no state that a request changes.

mod agent;
mod decode;
mod describe;
mod failure;
mod redirect;
mod resolve;
mod retry;

use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::http::{Method, Request, Response, Uri};
use ureq::{Agent, Body};

pub use agent::CaBundle;
use decode::header;
use failure::{Failure, Problem};

use crate::error::{ApiError, Error, Result};
use crate::secret::SecretKey;
use crate::text::duration;

pub const USER_AGENT: &str = concat!("orqex/", env!("CARGO_PKG_VERSION"));
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Larger answers are refused without being read whole.
pub const MAX_BODY: u64 = 10 * 1024 * 1024;
const MAX_GET_REDIRECTS: u32 = 5;
/// How long a request still at work when a deadline passes may go on: enough for one answer.
const PAST_DEADLINE_GRACE: Duration = Duration::from_secs(5);

/// How requests travel, resolved from flags, environment and profile by the commands layer.
#[derive(Clone)]
pub struct ClientOptions {
    /// Retries after a failure that may be temporary; 0 sends each request once.
    pub max_retries: u32,
    /// The most one attempt may take in all, answer included.
    pub timeout: Duration,
    /// CA certificates trusted on top of the built-in roots.
    pub ca_bundle: Option<CaBundle>,
    /// Where the trace of every request, answer and retry goes (`--verbose`), if anywhere.
    pub trace: Option<fn(&str)>,
    /// How many requests may run at once (a batch's concurrency): the idle connections kept.
    pub connections: usize,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            ca_bundle: None,
            trace: None,
            connections: 1,
        }
    }
}

/// A successful answer from the API.
#[derive(Debug)]
pub struct ApiResponse {
    pub status: u16,
    pub request_id: Option<String>,
    /// The API replayed an earlier answer for this idempotency key.
    pub replayed: bool,
    /// The whole JSON body, unknown fields included.
    pub body: Value,
}

/// One logical request: what `Client::send` sends, the same on every retry.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: Method,
    /// Relative to the base URL, query included (`/payment/checkouts/cs_1`).
    pub path: &'a str,
    /// The exact bytes sent, JSON.
    pub body: Option<&'a [u8]>,
    /// Sent as `X-Idempotency-Key`; a write without one is never retried blind.
    pub idempotency_key: Option<&'a str>,
    /// Retries stop here, and an attempt still at work then gets only a short grace.
    pub deadline: Option<Instant>,
}

impl<'a> Call<'a> {
    pub fn get(path: &'a str) -> Call<'a> {
        Call {
            method: Method::GET,
            path,
            body: None,
            idempotency_key: None,
            deadline: None,
        }
    }

    pub fn post(path: &'a str, body: &'a [u8], idempotency_key: &'a str) -> Call<'a> {
        Call {
            method: Method::POST,
            path,
            body: Some(body),
            idempotency_key: Some(idempotency_key),
            deadline: None,
        }
    }
}

pub struct Client {
    agent: Agent,
    base_url: String,
    /// The proxy requests go through (`host:port`), if any.
    proxy: Option<String>,
    key: SecretKey,
    max_retries: u32,
    timeout: Duration,
    trace: Option<fn(&str)>,
}

impl Client {
    pub fn new(base_url: &str, key: SecretKey, options: ClientOptions) -> Client {
        let agent = agent::build(&options);
        // Host and port only: a proxy URL may carry a password.
        let proxy = agent
            .config()
            .proxy()
            .filter(|p| {
                base_url
                    .parse::<Uri>()
                    .is_ok_and(|uri| !p.is_no_proxy(&uri))
            })
            .map(|p| format!("{}:{}", p.host(), p.port()));
        let client = Client {
            agent,
            proxy,
            base_url: base_url.to_string(),
            key,
            max_retries: options.max_retries,
            timeout: options.timeout,
            trace: options.trace,
        };
        client.trace(|| {
            let mut lines = vec![format!(
                "* timeouts: connect {}, whole request {}; up to {} retr{}",
                duration(CONNECT_TIMEOUT),
                duration(options.timeout),
                options.max_retries,
                if options.max_retries == 1 { "y" } else { "ies" }
            )];
            if let Some(b) = &options.ca_bundle {
                lines.push(format!(
                    "* trusting {} extra CA certificate{} besides the built-in roots",
                    b.len(),
                    if b.len() == 1 { "" } else { "s" }
                ));
            }
            if let Some(p) = &client.proxy {
                lines.push(format!("* through proxy {p}"));
            }
            lines.join("\n")
        });
        client
    }

    /// `POST /payment/checkouts` with the exact bytes given. Every retry sends the same bytes
    /// and the same key, so the API replays a create that already happened.
    pub fn create_checkout(&self, body: &[u8], idempotency_key: &str) -> Result<ApiResponse> {
        self.send(&Call::post("/payment/checkouts", body, idempotency_key))
    }

    /// `GET /payment/checkouts/{id}`, giving up retrying at `deadline` if one is given. The id
    /// is checked first so it cannot change the path.
    pub fn get_checkout(&self, id: &str, deadline: Option<Instant>) -> Result<ApiResponse> {
        let path = format!("/payment/checkouts/{}", checkout_id(id)?);
        self.send(&Call {
            deadline,
            ..Call::get(&path)
        })
    }

    /// One logical request, retried while it fails in a way that may pass. A GET follows
    /// redirects within the same origin; anything else reports a redirect instead.
    pub fn send(&self, call: &Call<'_>) -> Result<ApiResponse> {
        let url = format!("{}{}", self.base_url, call.path);
        let mut retries = 0;
        // Whether any attempt may have reached the API: only then is the outcome unknown.
        let mut reached = false;
        loop {
            let failure = match self.attempt(call, &url) {
                Ok(resp) => return Ok(resp),
                Err(f) => f,
            };
            reached |= failure.reached;
            let delay = retry::delay(retries, failure.retry_after, retry::random());
            let out_of_time = call.deadline.is_some_and(|d| Instant::now() + delay >= d);
            if !failure.retryable || retries >= self.max_retries || out_of_time {
                return Err(retry::give_up(
                    failure,
                    retries + 1,
                    reached,
                    call.idempotency_key,
                ));
            }
            retries += 1;
            self.trace(|| {
                format!(
                    "* retry {retries}/{} in {}: {}",
                    self.max_retries,
                    duration(delay),
                    failure.reason()
                )
            });
            std::thread::sleep(delay);
        }
    }

    /// One attempt: the exchange, and for a GET the same-origin redirects after it.
    fn attempt(&self, call: &Call<'_>, url: &str) -> Result<ApiResponse, Failure> {
        let mut url = url.to_string();
        let mut hops = 0;
        loop {
            let resp = self.exchange(call, &url)?;
            let status = resp.status().as_u16();
            if !(300..400).contains(&status) {
                return decode::decode(resp, &self.base_url);
            }
            let location = header(&resp, "location");
            let why = match location.as_deref().map(|l| redirect::target(&url, l)) {
                _ if call.method != Method::GET => {
                    "only a GET follows a redirect: a write could run twice, or carry the key elsewhere"
                }
                None => "the answer names no valid Location",
                Some(None) => "it leads to another origin, where the key must not go",
                Some(Some(_)) if hops >= MAX_GET_REDIRECTS => "too many redirects in a row",
                Some(Some(next)) => {
                    self.trace(|| format!("* following redirect to {next} (same origin)"));
                    url = next;
                    hops += 1;
                    continue;
                }
            };
            return Err(Failure {
                problem: Problem::Api(ApiError {
                    status,
                    // A redirect after a write can come after the write was done: the retry
                    // hint goes below, as `Error::outcome_unknown` says.
                    message: format!(
                        "redirect to {} not followed ({why}); check ORQEX_BASE_URL",
                        location.as_deref().unwrap_or("nowhere"),
                    ),
                    errors: Vec::new(),
                    request_id: header(&resp, "x-request-id"),
                }),
                retryable: false,
                retry_after: None,
                reached: true,
            });
        }
    }

    /// Sends one request and receives the answer's head, tracing both.
    fn exchange(&self, call: &Call<'_>, url: &str) -> Result<Response<Body>, Failure> {
        let auth = format!("Bearer {}", self.key.expose());
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Accept", "application/json"),
        ];
        if call.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(k) = call.idempotency_key {
            headers.push(("X-Idempotency-Key", k));
        }
        self.trace(|| {
            let mut lines = vec![format!("> {} {url}", call.method)];
            for (name, value) in &headers {
                if *name == "Authorization" {
                    lines.push(format!("> {name}: Bearer {}", self.key.masked()));
                } else {
                    lines.push(format!("> {name}: {value}"));
                }
            }
            lines.push(format!("> User-Agent: {USER_AGENT}"));
            if let Some(b) = call.body {
                lines.push(format!("> ({} bytes of JSON)", b.len()));
            }
            lines.join("\n")
        });
        let mut req = Request::builder().method(call.method.clone()).uri(url);
        for (name, value) in &headers {
            req = req.header(*name, *value);
        }
        let req = req
            .body(call.body.map(<[u8]>::to_vec).unwrap_or_default())
            .map_err(|e| Failure {
                problem: Problem::Usage(format!("cannot build a request to {url}: {e}")),
                retryable: false,
                retry_after: None,
                reached: false,
            })?;
        let started = Instant::now();
        let sent = match call.deadline {
            None => self.agent.run(req),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                ureq::RequestExt::with_agent(req, &self.agent)
                    .configure()
                    .timeout_global(Some(self.timeout.min(left.max(PAST_DEADLINE_GRACE))))
                    .build()
                    .run()
            }
        };
        let resp = sent.map_err(|e| {
            let failure = describe::transport_failure(&e, &self.base_url, self.proxy.as_deref());
            self.trace(|| {
                format!(
                    "* failed after {} ms: {}",
                    started.elapsed().as_millis(),
                    failure.reason()
                )
            });
            failure
        })?;
        self.trace(|| {
            let status = resp.status();
            let mut lines = vec![format!(
                "< {} {}{} after {} ms",
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                header(&resp, "x-request-id")
                    .map(|id| format!(" (request id {id})"))
                    .unwrap_or_default(),
                started.elapsed().as_millis()
            )];
            for (name, value) in resp.headers() {
                lines.push(format!(
                    "< {name}: {}",
                    value.to_str().unwrap_or("(not text)")
                ));
            }
            lines.join("\n")
        });
        Ok(resp)
    }

    /// The `--verbose` trace, one call per block so blocks from concurrent requests do not
    /// interleave. The sink masks the key, like every writer.
    fn trace(&self, lines: impl FnOnce() -> String) {
        if let Some(sink) = self.trace {
            sink(&lines());
        }
    }
}

/// A checkout id as a path segment: letters, digits, `_` and `-` only, so that no `/`, `?`,
/// `#`, `%` or `..` can turn `GET /payment/checkouts/{id}` into another request.
pub fn checkout_id(id: &str) -> Result<&str> {
    if id.starts_with("sk_") {
        // It would travel in the URL, into every access log on the way.
        return Err(Error::usage(
            "CHECKOUT_ID looks like a secret key, not a checkout id: give the id `checkout create --output id` prints, like cs_abc123",
        ));
    }
    let ok = !id.is_empty()
        && id.len() <= 255
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(id)
    } else {
        let shown: String = id.chars().take(64).collect();
        let more = if shown.len() < id.len() { "..." } else { "" };
        Err(Error::usage(format!(
            "CHECKOUT_ID `{}{more}` is not a checkout id: use the id `checkout create --output id` prints, like cs_abc123 (letters, digits, `_` and `-`)",
            crate::text::printable(&shown)
        )))
    }
}

/// A fresh idempotency key in the official SDK's shape: `orq_` and 32 hex characters.
pub fn new_idempotency_key() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::Other(format!(
            "cannot get random bytes for an idempotency key: {e}"
        ))
    })?;
    Ok(format!("orq_{}", hex(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Client>();
    }

    /// GET follows a redirect only within its origin; POST never does. Driven through a
    /// real socket, with the client alone, so each rule is seen without a command around it.
    mod redirects {
        use super::*;
        use std::io::{BufRead, BufReader, Write};
        use std::net::TcpListener;
        use std::sync::{Arc, Mutex};

        type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

        /// Answers each request with `reply(path)`; records request line and Authorization.
        fn server(reply: impl Fn(&str) -> String + Send + 'static) -> (String, Seen) {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let seen: Seen = Arc::default();
            let log = seen.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let mut stream = stream.unwrap();
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let mut auth = None;
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = h.split_once(':')
                            && name.eq_ignore_ascii_case("authorization")
                        {
                            auth = Some(value.trim().to_string());
                        }
                    }
                    let path = line.split(' ').nth(1).unwrap_or("").to_string();
                    log.lock().unwrap().push((line.trim().to_string(), auth));
                    let _ = stream.write_all(reply(&path).as_bytes());
                }
            });
            (base, seen)
        }

        fn redirect(to: &str) -> String {
            format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        }

        fn client(base: &str) -> Client {
            let key = SecretKey::parse("sk_sandbox_test_0000_0000_fake").unwrap();
            let options = ClientOptions {
                max_retries: 0,
                ..ClientOptions::default()
            };
            Client::new(&format!("{base}/v1"), key, options)
        }

        #[test]
        fn get_follows_within_the_origin_with_the_key() {
            let (base, seen) = server(|path| {
                if path.ends_with("/old") {
                    redirect("/v1/payment/checkouts/new")
                } else {
                    let body = r#"{"data":{"checkout":{"id":"new"}}}"#;
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
            });
            let resp = client(&base)
                .send(&Call::get("/payment/checkouts/old"))
                .unwrap();
            assert_eq!(resp.body["data"]["checkout"]["id"], "new");
            let seen = seen.lock().unwrap().clone();
            assert_eq!(seen.len(), 2, "{seen:?}");
            assert_eq!(seen[1].0, "GET /v1/payment/checkouts/new HTTP/1.1");
            assert_eq!(
                seen[1].1.as_deref(),
                Some("Bearer sk_sandbox_test_0000_0000_fake")
            );
        }

        #[test]
        fn get_does_not_follow_to_another_port() {
            let (other, other_seen) = server(|_| redirect("/"));
            let (base, seen) = server(move |_| redirect(&format!("{other}/v1/steal")));
            let err = client(&base)
                .send(&Call::get("/payment/checkouts/cs_1"))
                .unwrap_err();
            assert!(err.to_string().contains("another origin"), "{err}");
            assert_eq!(seen.lock().unwrap().len(), 1);
            assert!(other_seen.lock().unwrap().is_empty());
        }

        #[test]
        fn post_follows_no_redirect_even_within_the_origin() {
            let (base, seen) = server(|_| redirect("/v1/payment/checkouts/again"));
            let err = client(&base)
                .create_checkout(b"{}", "orq_0123456789abcdef")
                .unwrap_err();
            assert!(
                err.to_string().contains("only a GET follows a redirect"),
                "{err}"
            );
            assert_eq!(seen.lock().unwrap().len(), 1);
        }

        #[test]
        fn get_stops_after_a_few_hops() {
            let (base, seen) = server(|_| redirect("/v1/loop"));
            let err = client(&base).send(&Call::get("/loop")).unwrap_err();
            assert!(err.to_string().contains("too many redirects"), "{err}");
            assert_eq!(seen.lock().unwrap().len(), MAX_GET_REDIRECTS as usize + 1);
        }
    }
}
