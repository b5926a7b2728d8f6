//! HTTP to the Orqex API: one `Call` at a time, retried, with idempotency, redirects and
//! answers decoded. One file per concern: `retry` (backoff and the final error), `decode`
//! (answers), `describe` (transport failures in words), `redirect`. The agent (TLS, proxy,
//! timeouts, resolver) is built by `connect`, as every outgoing connection is.
//!
//! Knows nothing of terminals: it returns the API's JSON or an `Error` carrying an exit code.
//! Its only words for a person are the `--verbose` trace, handed to the sink its caller gives.
//!
//! One `Client` may be shared by several threads: it holds no state that a request changes.

mod decode;
mod describe;
mod failure;
mod pages;
mod redirect;
mod retry;

use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::http::{Method, Request, Response, Uri};
use ureq::{Agent, Body};

pub use crate::connect::CaBundle;
use crate::connect::{self, Connect};
use decode::header;
use failure::{Failure, Problem};
pub use pages::Pages;

use crate::error::{ApiError, Error, Result};
use crate::secret::SecretKey;
use crate::text::duration;

pub const USER_AGENT: &str = concat!("orqex/", env!("CARGO_PKG_VERSION"));
use crate::connect::CONNECT_TIMEOUT;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Larger answers are refused without being read whole.
pub const MAX_BODY: u64 = crate::limits::ANSWER_BYTES;
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
    /// Hosts sent to a given address, their names kept (`--resolve`).
    pub pins: Vec<crate::connect::Pin>,
    /// Where the trace of every request, answer and retry goes (`--verbose`), if anywhere.
    pub trace: Option<fn(&str)>,
    /// How many requests may run at once (a batch's concurrency): the idle connections kept.
    pub connections: usize,
    /// Where a base URL other than the default was set (`environment variable
    /// ORQEX_BASE_URL`), named when it cannot be reached: a stale setting is the usual cause.
    pub base_url_from: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            ca_bundle: None,
            pins: Vec::new(),
            trace: None,
            connections: 1,
            base_url_from: None,
        }
    }
}

/// A successful answer from the API.
#[derive(Debug)]
pub struct ApiResponse<B = Value> {
    pub status: u16,
    pub request_id: Option<String>,
    /// The API replayed an earlier answer for this idempotency key.
    pub replayed: bool,
    /// The whole JSON body, unknown fields included.
    pub body: B,
}

/// What a successful answer's body is read into.
pub trait AnswerBody: Sized {
    /// A 204's body, which is none.
    fn none() -> Self;
    fn parse(bytes: Vec<u8>) -> serde_json::Result<Self>;
}

impl AnswerBody for Value {
    fn none() -> Value {
        Value::Null
    }

    fn parse(bytes: Vec<u8>) -> serde_json::Result<Value> {
        serde_json::from_slice(&bytes)
    }
}

/// An answer's bytes, checked to be one JSON value but not built into a `Value`: a
/// `serde_json::Value` of many small objects costs ten times the text or more, which an
/// answer only passed on to stdout need not pay.
#[derive(Debug, Default)]
pub struct RawJson(pub Vec<u8>);

impl AnswerBody for RawJson {
    fn none() -> RawJson {
        RawJson::default()
    }

    fn parse(bytes: Vec<u8>) -> serde_json::Result<RawJson> {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)?;
        Ok(RawJson(bytes))
    }
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
    /// The user's own headers (`orqex api -H`), checked already; an `Accept` or
    /// `Content-Type` among them replaces orqex's.
    pub headers: &'a [(String, String)],
}

impl<'a> Call<'a> {
    pub fn get(path: &'a str) -> Call<'a> {
        Call {
            method: Method::GET,
            path,
            body: None,
            idempotency_key: None,
            deadline: None,
            headers: &[],
        }
    }

    pub fn post(path: &'a str, body: &'a [u8], idempotency_key: &'a str) -> Call<'a> {
        Call {
            method: Method::POST,
            path,
            body: Some(body),
            idempotency_key: Some(idempotency_key),
            deadline: None,
            headers: &[],
        }
    }
}

pub struct Client {
    agent: Agent,
    base_url: String,
    /// The proxy requests go through (`host:port`), if any.
    proxy: Option<String>,
    key: SecretKey,
    base_url_from: Option<String>,
    max_retries: u32,
    timeout: Duration,
    trace: Option<fn(&str)>,
}

impl Client {
    pub fn new(base_url: &str, key: SecretKey, options: ClientOptions) -> Client {
        let agent = connect::agent(&Connect {
            connect_timeout: CONNECT_TIMEOUT,
            ca_bundle: options.ca_bundle.clone(),
            pins: options.pins.clone(),
            connections: options.connections,
            ..Connect::new(options.timeout, USER_AGENT)
        });
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
            base_url_from: options.base_url_from.clone(),
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
            for pin in &options.pins {
                lines.push(format!(
                    "* {}:{} goes to {} (--resolve); TLS still checks the name {}",
                    pin.host, pin.port, pin.addr, pin.host
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
        self.send_as(call)
    }

    /// `send`, with the answer's body left as its bytes (checked to be JSON).
    pub fn send_raw(&self, call: &Call<'_>) -> Result<ApiResponse<RawJson>> {
        self.send_as(call)
    }

    fn send_as<B: AnswerBody>(&self, call: &Call<'_>) -> Result<ApiResponse<B>> {
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
                let error = retry::give_up(failure, retries + 1, reached, call.idempotency_key);
                return Err(match (error, &self.base_url_from) {
                    (Error::Network { message, .. }, Some(from)) if !reached => Error::Network {
                        message: format!("{message} (the API's address is from {from})"),
                        idempotency_key: None,
                    },
                    (error, _) => error,
                });
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
    fn attempt<B: AnswerBody>(
        &self,
        call: &Call<'_>,
        url: &str,
    ) -> Result<ApiResponse<B>, Failure> {
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
        let given = |name: &str| {
            call.headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let mut headers = vec![("Authorization", auth.as_str())];
        if !given("accept") {
            headers.push(("Accept", "application/json"));
        }
        if call.body.is_some() && !given("content-type") {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(k) = call.idempotency_key {
            headers.push(("X-Idempotency-Key", k));
        }
        headers.extend(call.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
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
    crate::random::fill(&mut bytes).map_err(|e| {
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

    /// The request line and the headers of one request read from a test server's socket.
    fn read_head(reader: &mut impl std::io::BufRead) -> (String, Vec<(String, String)>) {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            if h.trim().is_empty() {
                return (line, headers);
            }
            if let Some((name, value)) = h.split_once(':') {
                headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }

    fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_client_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Client>();
    }

    /// GET follows a redirect only within its origin; POST never does. Driven through a
    /// real socket, with the client alone, so each rule is seen without a command around it.
    mod redirects {
        use super::*;
        use std::io::{BufReader, Write};
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
                    let (line, headers) = read_head(&mut reader);
                    let auth = header_of(&headers, "authorization").map(str::to_string);
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

        /// Stops even though one more hop would answer: so a miscount fails here at once
        /// instead of looping until a timeout.
        #[test]
        fn get_stops_after_a_few_hops() {
            let hops = std::sync::atomic::AtomicU32::new(0);
            let (base, seen) = server(move |_| {
                if hops.fetch_add(1, std::sync::atomic::Ordering::SeqCst) <= MAX_GET_REDIRECTS {
                    redirect("/v1/loop")
                } else {
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                        .to_string()
                }
            });
            let err = client(&base).send(&Call::get("/loop")).unwrap_err();
            assert!(err.to_string().contains("too many redirects"), "{err}");
            assert_eq!(seen.lock().unwrap().len(), MAX_GET_REDIRECTS as usize + 1);
        }
    }

    #[test]
    fn a_checkout_id_is_one_safe_path_segment() {
        for ok in ["cs_abc123", "cs-1", "A", "0", "_", "-"] {
            assert_eq!(checkout_id(ok).unwrap(), ok);
        }
        let longest = "c".repeat(255);
        assert_eq!(checkout_id(&longest).unwrap(), longest);
        for bad in [
            "",
            "cs/1",
            "cs?x=1",
            "cs#1",
            "cs%2F1",
            "..",
            "cs.1",
            "cs 1",
            "cś",
            "cs_1/../x",
        ] {
            assert!(checkout_id(bad).is_err(), "{bad}");
        }
        assert!(checkout_id(&"c".repeat(256)).is_err());
    }

    #[test]
    fn a_refused_checkout_id_is_quoted_safely_and_cut_after_64_characters() {
        let message = |id: &str| checkout_id(id).unwrap_err().to_string();
        let tail = "` is not a checkout id: use the id `checkout create --output id` prints, like cs_abc123 (letters, digits, `_` and `-`)";
        assert_eq!(message("a/b"), format!("CHECKOUT_ID `a/b{tail}"));
        assert_eq!(message("a\nb"), format!("CHECKOUT_ID `a\\nb{tail}"));
        let sixty_four = format!("{}/", "x".repeat(63));
        assert_eq!(
            message(&sixty_four),
            format!("CHECKOUT_ID `{sixty_four}{tail}")
        );
        let sixty_five = format!("{sixty_four}y");
        assert_eq!(
            message(&sixty_five),
            format!("CHECKOUT_ID `{sixty_four}...{tail}")
        );
        assert!(
            message("sk_sandbox_test_0000")
                .starts_with("CHECKOUT_ID looks like a secret key, not a checkout id"),
            "{}",
            message("sk_sandbox_test_0000")
        );
    }

    #[test]
    fn idempotency_keys_are_fresh_and_in_the_sdk_s_shape() {
        let a = new_idempotency_key().unwrap();
        let b = new_idempotency_key().unwrap();
        assert_ne!(a, b);
        for k in [&a, &b] {
            let hex_part = k.strip_prefix("orq_").unwrap_or_else(|| panic!("{k}"));
            assert_eq!(hex_part.len(), 32, "{k}");
            assert!(
                hex_part
                    .bytes()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
                "{k}"
            );
        }
        assert_eq!(hex(&[0x00, 0x01, 0x0a, 0xab, 0xff]), "00010aabff");
        assert_eq!(hex(&[]), "");
    }

    /// Retries, deadlines and the trace, through a real socket: the server answers the n-th
    /// request (from 0) with `reply(n)`, or closes the connection unanswered on `None`. Each
    /// server answers a success once the requests expected are over, so that a miscounted
    /// retry fails its test at once instead of looping until a timeout.
    mod sending {
        use super::*;
        use std::cell::RefCell;
        use std::io::{BufReader, Read, Write};
        use std::net::TcpListener;
        use std::sync::{Arc, Mutex};

        const KEY: &str = "orq_0123456789abcdef";

        type Seen = Arc<Mutex<Vec<String>>>;

        fn server(reply: impl Fn(usize) -> Option<String> + Send + 'static) -> (String, Seen) {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let base = format!("http://{}/v1", listener.local_addr().unwrap());
            let seen: Seen = Arc::default();
            let log = seen.clone();
            std::thread::spawn(move || {
                for (n, stream) in listener.incoming().enumerate() {
                    let mut stream = stream.unwrap();
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let (line, headers) = read_head(&mut reader);
                    let length =
                        header_of(&headers, "content-length").map_or(0, |v| v.parse().unwrap());
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    log.lock().unwrap().push(line.trim().to_string());
                    if let Some(answer) = reply(n) {
                        let _ = stream.write_all(answer.as_bytes());
                    }
                }
            });
            (base, seen)
        }

        fn status(line: &str, headers: &str, body: &str) -> String {
            format!(
                "HTTP/1.1 {line}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }

        fn unavailable(retry_after: u32) -> String {
            status(
                "503 Service Unavailable",
                &format!("Retry-After: {retry_after}\r\n"),
                r#"{"message": "busy"}"#,
            )
        }

        fn created() -> String {
            status(
                "201 Created",
                "X-Request-Id: req_1\r\n",
                r#"{"data": {"id": "cs_1"}}"#,
            )
        }

        thread_local! {
            static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
        }

        fn record(block: &str) {
            TRACE.with(|t| t.borrow_mut().push(block.to_string()));
        }

        fn traced() -> String {
            TRACE.with(|t| t.borrow_mut().drain(..).collect::<Vec<_>>().join("\n"))
        }

        fn client(base: &str, max_retries: u32) -> Client {
            let key = SecretKey::parse("sk_sandbox_test_0000_0000_fake").unwrap();
            let options = ClientOptions {
                max_retries,
                trace: Some(record),
                ..ClientOptions::default()
            };
            Client::new(base, key, options)
        }

        /// A create with a deadline far off, which no right wait reaches: a wait gone wrong
        /// (longer than the backoff allows) then gives up at once instead of sleeping.
        fn create() -> Call<'static> {
            Call {
                deadline: Some(Instant::now() + Duration::from_secs(60)),
                ..Call::post("/payment/checkouts", b"{}", KEY)
            }
        }

        fn count(seen: &Seen) -> usize {
            seen.lock().unwrap().len()
        }

        #[test]
        fn a_temporary_failure_is_retried_up_to_max_retries_under_one_key() {
            let (base, seen) = server(|n| Some(if n < 3 { unavailable(0) } else { created() }));
            let err = client(&base, 2).send(&create()).unwrap_err();
            assert_eq!(count(&seen), 3);
            match err {
                Error::Api {
                    error,
                    idempotency_key,
                } => {
                    assert_eq!(error.status, 503);
                    assert_eq!(error.message, "busy; tried 3 times");
                    assert_eq!(idempotency_key.as_deref(), Some(KEY));
                }
                other => panic!("{other:?}"),
            }
            let trace = traced();
            assert!(trace.contains("* retry 1/2 in "), "{trace}");
            assert!(
                trace.contains(": the API answered 503 Service Unavailable with Retry-After 0s"),
                "{trace}"
            );
            assert!(trace.contains("* retry 2/2 in "), "{trace}");
            assert!(!trace.contains("* retry 3/"), "{trace}");
        }

        #[test]
        fn a_retry_that_passes_returns_its_answer() {
            let (base, seen) = server(|n| Some(if n == 0 { unavailable(0) } else { created() }));
            let resp = client(&base, 2).send(&create()).unwrap();
            assert_eq!(count(&seen), 2);
            assert_eq!(resp.status, 201);
            assert_eq!(resp.request_id.as_deref(), Some("req_1"));
        }

        #[test]
        fn a_failure_that_will_not_pass_is_not_retried() {
            let (base, seen) = server(|n| {
                Some(if n == 0 {
                    status("404 Not Found", "", r#"{"message": "No such checkout"}"#)
                } else {
                    created()
                })
            });
            let err = client(&base, 2).get_checkout("cs_1", None).unwrap_err();
            assert_eq!(count(&seen), 1);
            assert_eq!(
                seen.lock().unwrap()[0],
                "GET /v1/payment/checkouts/cs_1 HTTP/1.1"
            );
            assert!(
                matches!(&err, Error::Api { error, .. } if error.message == "No such checkout"),
                "{err:?}"
            );
        }

        #[test]
        fn a_bad_checkout_id_sends_nothing() {
            let (base, seen) = server(|_| Some(created()));
            assert!(client(&base, 2).get_checkout("cs/1", None).is_err());
            assert_eq!(count(&seen), 0);
        }

        #[test]
        fn retries_stop_at_the_deadline() {
            // The next wait (Retry-After 1 s) would end past the deadline: no retry.
            let (base, seen) = server(|n| Some(if n == 0 { unavailable(1) } else { created() }));
            let deadline = Instant::now() + Duration::from_millis(500);
            let err = client(&base, 2)
                .get_checkout("cs_1", Some(deadline))
                .unwrap_err();
            assert_eq!(count(&seen), 1);
            assert!(matches!(&err, Error::Api { error, .. } if error.message == "busy"));
            // A deadline far off leaves every retry.
            let (base, seen) = server(|n| Some(if n < 3 { unavailable(0) } else { created() }));
            let deadline = Instant::now() + Duration::from_secs(60);
            let err = client(&base, 2)
                .get_checkout("cs_1", Some(deadline))
                .unwrap_err();
            assert_eq!(count(&seen), 3);
            assert!(
                matches!(&err, Error::Api { error, .. } if error.message == "busy; tried 3 times")
            );
        }

        #[test]
        fn an_answer_lost_after_sending_leaves_the_outcome_unknown() {
            let (base, seen) = server(|n| (n > 0).then(created));
            let err = client(&base, 0).create_checkout(b"{}", KEY).unwrap_err();
            assert_eq!(count(&seen), 1);
            match err {
                Error::Network {
                    message,
                    idempotency_key,
                } => {
                    assert!(!message.contains("nothing was sent"), "{message}");
                    assert_eq!(idempotency_key.as_deref(), Some(KEY));
                }
                other => panic!("{other:?}"),
            }
        }

        #[test]
        fn a_refused_connection_sent_nothing_and_created_nothing() {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let base = format!("http://127.0.0.1:{port}/v1");
            // The deadline only bounds a miscounted retry loop.
            let call = Call {
                deadline: Some(Instant::now() + Duration::from_secs(5)),
                ..Call::post("/payment/checkouts", b"{}", KEY)
            };
            let err = client(&base, 0).send(&call).unwrap_err();
            match err {
                Error::Network {
                    message,
                    idempotency_key,
                } => {
                    assert!(
                        message.ends_with("; nothing was sent, so nothing was created"),
                        "{message}"
                    );
                    assert!(!message.contains("tried"), "{message}");
                    assert_eq!(idempotency_key, None);
                }
                other => panic!("{other:?}"),
            }
        }

        #[test]
        fn the_trace_shows_each_request_and_answer_with_the_key_masked() {
            let (base, _seen) = server(|_| Some(created()));
            let c = client(&base, 1);
            c.create_checkout(b"{\"a\":1}", KEY).unwrap();
            let trace = traced();
            let masked = c.key.masked();
            for line in [
                "* timeouts: connect 10s, whole request 30s; up to 1 retry".to_string(),
                format!("> POST {base}/payment/checkouts"),
                format!("> Authorization: Bearer {masked}"),
                "> Accept: application/json".into(),
                "> Content-Type: application/json".into(),
                format!("> X-Idempotency-Key: {KEY}"),
                format!("> User-Agent: {USER_AGENT}"),
                "> (7 bytes of JSON)".into(),
            ] {
                assert!(trace.lines().any(|l| l == line), "{line} not in\n{trace}");
            }
            assert!(
                trace.contains("< 201 Created (request id req_1) after "),
                "{trace}"
            );
            assert!(trace.contains("< x-request-id: req_1"), "{trace}");
            assert!(!trace.contains("sk_sandbox_test_0000_0000_fake"), "{trace}");
        }
    }
}
