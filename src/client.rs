//! HTTP to the Orqex API: the agent, headers, retries, idempotency, redirects and
//! response/error decoding.
//!
//! Knows nothing of terminals: it returns the API's JSON or an `Error` carrying an exit code.
//! Its only words for a person are the `--verbose` trace, handed to `output::note` with the
//! key masked.
//!
//! One `Client` may be shared by several threads: it holds no state that a request changes.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::http::{Method, Request, Response, Uri};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::{Agent, Body, Timeout};

use crate::error::{ApiError, Error, Result};
use crate::output;
use crate::secret::SecretKey;

pub const USER_AGENT: &str = concat!("orqex/", env!("CARGO_PKG_VERSION"));
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Larger answers are refused without being read whole.
pub const MAX_BODY: u64 = 10 * 1024 * 1024;
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(2);
/// A `Retry-After` longer than this is not waited for in full: a CI job should fail, not hang.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
const MAX_GET_REDIRECTS: u32 = 5;

/// How requests travel, resolved from flags, environment and profile by the commands layer.
#[derive(Clone)]
pub struct ClientOptions {
    /// Retries after a failure that may be temporary; 0 sends each request once.
    pub max_retries: u32,
    /// The most one attempt may take in all, answer included.
    pub timeout: Duration,
    /// CA certificates trusted on top of the built-in roots.
    pub ca_bundle: Option<CaBundle>,
    /// Trace every request, response and retry on stderr.
    pub verbose: bool,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            ca_bundle: None,
            verbose: false,
        }
    }
}

/// PEM CA certificates, each checked to be usable as a trust anchor. ureq would skip a broken
/// one silently and the user would only see an unknown-issuer failure later.
#[derive(Debug, Clone)]
pub struct CaBundle(Vec<Certificate<'static>>);

impl CaBundle {
    /// The error completes a sentence that starts with the file's name.
    pub fn from_pem(pem: &[u8]) -> std::result::Result<CaBundle, String> {
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(c)) => certs.push(c),
                // A key next to the certificates is not ours to use, and harmless.
                Ok(_) => {}
                // The parser's own error is a Rust debug dump; say what it means instead.
                Err(_) => {
                    return Err(
                        "is not valid PEM (a block is cut short or damaged); give the CA certificate in PEM form"
                            .into(),
                    );
                }
            }
        }
        if certs.is_empty() {
            return Err(
                "holds no certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate in PEM form"
                    .into(),
            );
        }
        let mut store = rustls::RootCertStore::empty();
        let n = certs.len();
        for (i, c) in certs.iter().enumerate() {
            store
                .add(rustls::pki_types::CertificateDer::from(c.der()))
                .map_err(|_| {
                    format!(
                        "certificate {} of {n} is damaged or not an X.509 certificate; give the CA certificate in PEM form",
                        i + 1
                    )
                })?;
        }
        Ok(CaBundle(certs))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Mozilla's roots, which ureq trusts by default, plus ours: ureq's `Specific` roots
    /// replace the defaults, and a private CA must not cost the public ones.
    fn with_default_roots(&self) -> RootCerts {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()))
            .chain(self.0.iter().cloned())
            .into()
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

pub struct Client {
    agent: Agent,
    base_url: String,
    key: SecretKey,
    max_retries: u32,
    timeout: Duration,
    verbose: bool,
}

/// How long a request still at work when a deadline passes may go on: enough for one answer.
const PAST_DEADLINE_GRACE: Duration = Duration::from_secs(5);

impl Client {
    pub fn new(base_url: &str, key: SecretKey, options: ClientOptions) -> Client {
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(options.timeout))
            // `send` decides about redirects itself: ureq would turn a POST into a GET, and
            // its rules know nothing of our idempotency key.
            .max_redirects(0)
            .user_agent(USER_AGENT);
        if let Some(bundle) = &options.ca_bundle {
            config = config.tls_config(
                TlsConfig::builder()
                    .root_certs(bundle.with_default_roots())
                    .build(),
            );
        }
        let client = Client {
            agent: config.build().into(),
            base_url: base_url.to_string(),
            key,
            max_retries: options.max_retries,
            timeout: options.timeout,
            verbose: options.verbose,
        };
        client.trace(|| {
            let mut lines = vec![format!(
                "* timeouts: connect {}, whole request {}; up to {} retr{}",
                crate::output::duration(CONNECT_TIMEOUT),
                crate::output::duration(options.timeout),
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
            if let Some(p) = client.agent.config().proxy()
                && let Ok(uri) = client.base_url.parse::<Uri>()
                && !p.is_no_proxy(&uri)
            {
                // Host and port only: a proxy URL may carry a password.
                lines.push(format!("* through proxy {}:{}", p.host(), p.port()));
            }
            lines.join("\n")
        });
        client
    }

    /// `POST /payment/checkouts` with the exact bytes given. Every retry sends the same bytes
    /// and the same key, so the API replays a create that already happened.
    pub fn create_checkout(&self, body: &[u8], idempotency_key: &str) -> Result<ApiResponse> {
        self.send(
            Method::POST,
            "/payment/checkouts",
            Some(body),
            Some(idempotency_key),
        )
    }

    /// `GET /payment/checkouts/{id}`. The id is checked first so it cannot change the path.
    pub fn get_checkout(&self, id: &str) -> Result<ApiResponse> {
        self.get_checkout_by(id, None)
    }

    /// `get_checkout` that gives up retrying at `deadline`, and lets an attempt still at work
    /// then run only a short grace: a `--wait` must end near its `--wait-timeout`.
    pub fn get_checkout_by(&self, id: &str, deadline: Option<Instant>) -> Result<ApiResponse> {
        let id = checkout_id(id)?;
        let path = format!("/payment/checkouts/{id}");
        self.send_by(Method::GET, &path, None, None, deadline)
    }

    /// One logical request, retried while it fails in a way that may pass. A GET follows
    /// redirects within the same origin; anything else reports a redirect instead.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<ApiResponse> {
        self.send_by(method, path, body, idempotency_key, None)
    }

    fn send_by(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse> {
        let url = format!("{}{}", self.base_url, path);
        let mut retries = 0;
        // Whether any attempt may have reached the API: only then is the outcome unknown.
        let mut reached = false;
        loop {
            let failure = match self.attempt(&method, &url, body, idempotency_key, deadline) {
                Ok(resp) => return Ok(resp),
                Err(f) => f,
            };
            reached |= failure.reached;
            if !failure.retryable || retries >= self.max_retries {
                return Err(self.give_up(failure, retries + 1, reached, idempotency_key));
            }
            let delay = retry_delay(retries, failure.retry_after, random());
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                return Err(self.give_up(failure, retries + 1, reached, idempotency_key));
            }
            retries += 1;
            self.trace(|| {
                format!(
                    "* retry {retries}/{} in {}: {}",
                    self.max_retries,
                    crate::output::duration(delay),
                    failure.reason()
                )
            });
            std::thread::sleep(delay);
        }
    }

    /// One attempt: the exchange, and for a GET the same-origin redirects after it.
    fn attempt(
        &self,
        method: &Method,
        url: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse, Failure> {
        let mut url = url.to_string();
        let mut hops = 0;
        loop {
            let resp = self.exchange(method, &url, body, idempotency_key, deadline)?;
            let status = resp.status().as_u16();
            if !(300..400).contains(&status) {
                return decode(resp, &self.base_url).map(|mut ok| {
                    ok.request_id = ok.request_id.map(|id| self.scrub(&id));
                    self.mask_key_in(&mut ok.body);
                    ok
                });
            }
            let location = header(&resp, "location");
            let why = match location.as_deref().map(|l| redirect_target(&url, l)) {
                _ if *method != Method::GET => {
                    "a create is never redirected: it could run twice, or carry the key elsewhere"
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
                    message: format!(
                        "redirect to {} not followed ({why}); check ORQEX_BASE_URL{}",
                        location.as_deref().unwrap_or("nowhere"),
                        // A 303 after a POST can mean it was done; the key makes a retry safe.
                        idempotency_key
                            .map(|k| format!(
                                ", then run again with --idempotency-key {k} in case the create happened"
                            ))
                            .unwrap_or_default()
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
    fn exchange(
        &self,
        method: &Method,
        url: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<Response<Body>, Failure> {
        let auth = format!("Bearer {}", self.key.expose());
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Accept", "application/json"),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(k) = idempotency_key {
            headers.push(("X-Idempotency-Key", k));
        }
        self.trace(|| {
            let mut lines = vec![format!("> {method} {url}")];
            for (name, value) in &headers {
                if *name == "Authorization" {
                    lines.push(format!("> {name}: Bearer {}", self.key.masked()));
                } else {
                    lines.push(format!("> {name}: {value}"));
                }
            }
            lines.push(format!("> User-Agent: {USER_AGENT}"));
            if let Some(b) = body {
                lines.push(format!("> ({} bytes of JSON)", b.len()));
            }
            lines.join("\n")
        });
        let mut req = Request::builder().method(method.clone()).uri(url);
        for (name, value) in &headers {
            req = req.header(*name, *value);
        }
        let req = req
            .body(body.map(<[u8]>::to_vec).unwrap_or_default())
            .map_err(|e| Failure {
                problem: Problem::Usage(format!("cannot build a request to {url}: {e}")),
                retryable: false,
                retry_after: None,
                reached: false,
            })?;
        let started = Instant::now();
        let sent = match deadline {
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
            let failure = transport_failure(&e, &self.base_url);
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

    /// The error for a request that will not be tried again.
    fn give_up(
        &self,
        failure: Failure,
        attempts: u32,
        reached: bool,
        idempotency_key: Option<&str>,
    ) -> Error {
        let key = idempotency_key.map(str::to_string);
        let tries = if attempts > 1 {
            format!("; tried {attempts} times")
        } else {
            String::new()
        };
        match failure.problem {
            Problem::Api(mut error) => {
                error.message = format!("{}{tries}", self.scrub(&error.message));
                error.request_id = error.request_id.map(|id| self.scrub(&id));
                for (field, messages) in &mut error.errors {
                    *field = self.scrub(field);
                    for m in messages.iter_mut() {
                        *m = self.scrub(m);
                    }
                }
                Error::Api {
                    error,
                    idempotency_key: key,
                }
            }
            // Certain that no attempt left the machine: no hint, the create did not happen.
            Problem::Network(message) if !reached => Error::Network {
                message: format!(
                    "{}{tries}; nothing was sent{}",
                    self.scrub(&message),
                    // Only a create (the one write, which carries a key) can create anything.
                    if idempotency_key.is_some() {
                        ", so nothing was created"
                    } else {
                        ""
                    }
                ),
                idempotency_key: None,
            },
            Problem::Network(message) => Error::Network {
                message: format!("{}{tries}", self.scrub(&message)),
                idempotency_key: key,
            },
            Problem::Usage(message) => Error::Usage(message),
        }
    }

    /// A hostile server or proxy could echo the key back; nothing from outside is shown
    /// without passing here.
    /// Also writes control characters out as escapes: text from the network must not move the
    /// cursor, recolour or retitle the user's terminal, nor add lines to a one-line error.
    fn scrub(&self, text: &str) -> String {
        crate::output::printable(&text.replace(self.key.expose(), &self.key.masked()))
    }

    /// An answer echoing the key would print it with `--json` or in a wait's messages: every
    /// string in it is masked. Nothing else changes, so `--json` stays faithful.
    fn mask_key_in(&self, value: &mut Value) {
        match value {
            Value::String(s) if s.contains(self.key.expose()) => {
                *s = s.replace(self.key.expose(), &self.key.masked());
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.mask_key_in(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.mask_key_in(v)),
            _ => {}
        }
    }

    fn trace(&self, lines: impl FnOnce() -> String) {
        if self.verbose {
            // One call per block, so blocks from concurrent requests do not interleave.
            let block: Vec<String> = lines().lines().map(|l| self.scrub(l)).collect();
            output::note(&block.join("\n"));
        }
    }
}

/// Why one attempt failed, and what that means for the next.
struct Failure {
    problem: Problem,
    retryable: bool,
    /// The server's `Retry-After`, uncapped.
    retry_after: Option<Duration>,
    /// The request may have reached the API (false only when that is certain not to be so).
    reached: bool,
}

enum Problem {
    Api(ApiError),
    Network(String),
    Usage(String),
}

impl Failure {
    fn reason(&self) -> String {
        match &self.problem {
            Problem::Api(e) => {
                let mut r = format!("the API answered {} {}", e.status, resp_reason(e.status));
                if let Some(after) = self.retry_after {
                    r.push_str(&format!(
                        " with Retry-After {}",
                        crate::output::duration(after)
                    ));
                }
                r
            }
            Problem::Network(m) | Problem::Usage(m) => m.clone(),
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
            shown.escape_debug()
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

/// Upper bound of the backoff before retry `retry` (0 for the first): base·2ʳ, at most the cap.
pub fn backoff_ceiling(retry: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(retry))
        .min(BACKOFF_CAP)
}

/// Full jitter: a point of `[0, ceiling]` in whole milliseconds, chosen by `random`.
pub fn full_jitter(ceiling: Duration, random: u64) -> Duration {
    let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(random % ms.saturating_add(1))
}

/// The wait before retry `retry`: jittered backoff, but at least the server's `Retry-After`
/// (capped).
pub fn retry_delay(retry: u32, retry_after: Option<Duration>, random: u64) -> Duration {
    let backoff = full_jitter(backoff_ceiling(retry), random);
    match retry_after {
        Some(after) => backoff.max(after.min(RETRY_AFTER_CAP)),
        None => backoff,
    }
}

/// `Retry-After` as the API sends it (whole seconds), as some proxies do (decimal seconds), or
/// as an HTTP date (RFC 9110), which is read against `now`; a date already past means no wait.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !value.starts_with('.') {
        return value
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn random() -> u64 {
    // Without randomness any fixed point of the range is still a valid full-jitter wait;
    // getrandom failing on a supported OS is all but impossible.
    getrandom::u64().unwrap_or(u64::MAX)
}

/// The absolute URL a redirect from `from` to `location` leads to, if it stays on the same
/// origin (scheme, host and port); `None` when it leaves it or cannot be read.
fn redirect_target(from: &str, location: &str) -> Option<String> {
    let base: Uri = from.parse().ok()?;
    let scheme = base.scheme_str()?;
    let authority = base.authority()?;
    let loc = location.trim();
    let absolute = if loc.starts_with("//") {
        format!("{scheme}:{loc}")
    } else if loc.starts_with('/') {
        format!("{scheme}://{authority}{loc}")
    } else if loc
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        loc.to_string()
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{scheme}://{authority}{dir}{loc}")
    };
    let target: Uri = absolute.parse().ok()?;
    (origin(&base)? == origin(&target)?).then(|| target.to_string())
}

fn origin(uri: &Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let port = uri.port_u16().or(match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    })?;
    Some((scheme, uri.host()?.to_ascii_lowercase(), port))
}

fn header(resp: &Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// What became of an answer's body.
enum BodyRead {
    Bytes(Vec<u8>),
    /// Over the limit; `unread` when the declared length said so before a byte was read.
    TooLarge {
        unread: bool,
    },
    Broken(ureq::Error),
}

fn read_body(resp: &mut Response<Body>) -> BodyRead {
    // A declared length over the limit is refused before a byte is read.
    if resp.body().content_length().is_some_and(|n| n > MAX_BODY) {
        return BodyRead::TooLarge { unread: true };
    }
    match resp.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
        Ok(b) => BodyRead::Bytes(b),
        Err(ureq::Error::BodyExceedsLimit(_)) => BodyRead::TooLarge { unread: false },
        Err(e) => BodyRead::Broken(e),
    }
}

fn decode(mut resp: Response<Body>, base_url: &str) -> Result<ApiResponse, Failure> {
    let status = resp.status().as_u16();
    let request_id = header(&resp, "x-request-id");
    let replayed =
        header(&resp, "x-idempotent-replayed").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let content_type = header(&resp, "content-type").unwrap_or_default();
    let retry_after = header(&resp, "retry-after")
        .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
    let body = read_body(&mut resp);
    let rid = request_id
        .as_ref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default();

    if (200..300).contains(&status) {
        let unreadable = |message: String, retryable: bool| Failure {
            problem: Problem::Network(message),
            retryable,
            retry_after: None,
            reached: true,
        };
        let bytes = match body {
            BodyRead::Bytes(b) => b,
            BodyRead::TooLarge { unread } => {
                let mib = MAX_BODY / (1024 * 1024);
                return Err(unreadable(
                    format!(
                        "the API answered {status}{rid} with a body larger than {mib} MiB; refused {}",
                        if unread {
                            "without reading it".to_string()
                        } else {
                            format!("after reading its first {mib} MiB")
                        },
                    ),
                    false,
                ));
            }
            // The answer was lost on the way, like a dropped connection: asking again with
            // the same key gets the replay.
            BodyRead::Broken(e) => {
                return Err(unreadable(
                    format!(
                        "the API answered {status}{rid} but its body could not be read: {}",
                        describe(&e, base_url)
                    ),
                    true,
                ));
            }
        };
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
            unreadable(
                format!("the API answered {status}{rid} but its body is not valid JSON ({e})"),
                false,
            )
        })?;
        return Ok(ApiResponse {
            status,
            request_id,
            replayed,
            body,
        });
    }

    let reason = resp_reason(status);
    let json = match &body {
        BodyRead::Bytes(b) => serde_json::from_slice::<Value>(b)
            .ok()
            .filter(Value::is_object),
        _ => None,
    };
    let error = match json {
        Some(v) => ApiError {
            status,
            message: v
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| reason.to_string()),
            errors: field_errors(&v),
            request_id,
        },
        None => {
            let kind = if matches!(body, BodyRead::TooLarge { .. }) {
                format!("a body over {} MiB (not read)", MAX_BODY / (1024 * 1024))
            } else if content_type.contains("html") {
                "an HTML page".to_string()
            } else if matches!(&body, BodyRead::Bytes(b) if serde_json::from_slice::<Value>(b).is_ok())
            {
                "JSON that is not an error object".to_string()
            } else if content_type.is_empty() {
                "a body that is not JSON".to_string()
            } else {
                format!(
                    "a non-JSON body ({})",
                    content_type.split(';').next().unwrap_or("").trim()
                )
            };
            ApiError {
                status,
                message: format!(
                    "{reason}, with {kind} instead of the API's JSON (a proxy or gateway may be in the way)"
                ),
                errors: Vec::new(),
                request_id,
            }
        }
    };
    Err(Failure {
        problem: Problem::Api(error),
        // 501 says the API cannot do this at all; other 4xx will not change by asking again.
        retryable: status == 429 || ((500..600).contains(&status) && status != 501),
        retry_after,
        reached: true,
    })
}

fn field_errors(v: &Value) -> Vec<(String, Vec<String>)> {
    let Some(map) = v.get("errors").and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .map(|(field, msgs)| {
            let list = match msgs {
                Value::Array(a) => a
                    .iter()
                    .map(|m| {
                        m.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| m.to_string())
                    })
                    .collect(),
                Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            (field.clone(), list)
        })
        .collect()
}

fn resp_reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("HTTP error")
}

fn transport_failure(err: &ureq::Error, base_url: &str) -> Failure {
    let (retryable, reached) = classify(err);
    Failure {
        problem: Problem::Network(describe(err, base_url)),
        retryable,
        retry_after: None,
        reached,
    }
}

/// Whether a transport failure is worth retrying, and whether the request may have reached
/// the API. Unsure means reached: a wrong "nothing was created" is the one costly mistake.
fn classify(err: &ureq::Error) -> (bool, bool) {
    match err {
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => (true, false),
        ureq::Error::Timeout(_) => (true, true),
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_) => (true, false),
        ureq::Error::Tls(_) => (false, false),
        ureq::Error::Io(e) => {
            if let Some(tls) = tls_error(e) {
                // The certificate is checked before any request byte is sent.
                return (false, !rejected_in_handshake(tls));
            }
            match e.kind() {
                ErrorKind::ConnectionRefused
                | ErrorKind::NetworkUnreachable
                | ErrorKind::HostUnreachable
                | ErrorKind::AddrNotAvailable => (true, false),
                _ if is_dns_failure(e) => (true, false),
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::TimedOut
                | ErrorKind::WouldBlock
                | ErrorKind::Interrupted => (true, true),
                _ => (false, true),
            }
        }
        _ => (false, true),
    }
}

fn tls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

fn rejected_in_handshake(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
            | rustls::Error::PeerIncompatible(_)
    )
}

fn is_dns_failure(e: &std::io::Error) -> bool {
    e.to_string().contains("failed to lookup address")
}

/// One readable line for a transport failure. `ureq::Error` has no `source()`, so the words
/// are ours; none of them can contain the key (it travels only in a header).
pub fn describe(err: &ureq::Error, base_url: &str) -> String {
    let host = base_url
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| base_url.to_string());
    match err {
        ureq::Error::Timeout(t) => {
            let phase = match t {
                ureq::Timeout::Connect | ureq::Timeout::Resolve => {
                    "connecting took longer than 10 s"
                }
                _ => "the request took longer than its time limit (--timeout)",
            };
            format!("timed out talking to {host}: {phase}")
        }
        ureq::Error::HostNotFound => {
            format!("cannot resolve {host}: check the address and your DNS")
        }
        ureq::Error::ConnectionFailed => format!("cannot connect to {host}"),
        ureq::Error::ConnectProxyFailed(why) => {
            format!("the proxy would not connect to {host} ({why}); check HTTPS_PROXY and NO_PROXY")
        }
        ureq::Error::Io(e) => match (tls_error(e), e.kind()) {
            (Some(tls), _) => describe_tls(tls, &host),
            (None, ErrorKind::ConnectionRefused) => {
                format!("cannot connect to {host}: connection refused")
            }
            (
                None,
                ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted,
            ) => {
                format!("{host} closed the connection without a complete answer")
            }
            (None, ErrorKind::TimedOut) => format!("timed out talking to {host}"),
            _ if is_dns_failure(e) => {
                format!("cannot resolve {host}: check the address and your DNS")
            }
            _ => format!("network error talking to {host}: {e}"),
        },
        ureq::Error::Tls(m) => format!("TLS failure with {host}: {m}"),
        ureq::Error::BodyExceedsLimit(n) => {
            format!(
                "the answer from {host} is larger than {} MiB; refused",
                n / (1024 * 1024)
            )
        }
        ureq::Error::Protocol(e) => format!("{host} answered with broken HTTP: {e}"),
        other => format!("request to {host} failed: {other}"),
    }
}

fn describe_tls(e: &rustls::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    let why = match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            return format!(
                "the TLS certificate of {host} is not signed by a trusted authority; if a private \
                 CA signs it (private deployment, corporate proxy), trust that CA with \
                 --ca-bundle FILE or ORQEX_CA_BUNDLE"
            );
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "its certificate is for another name".to_string(),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "its certificate has expired".to_string()
        }
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "its certificate is not valid yet (check this machine's clock)".to_string()
        }
        rustls::Error::InvalidCertificate(C::BadSignature | C::BadEncoding) => {
            "its certificate is damaged or badly signed".to_string()
        }
        rustls::Error::InvalidCertificate(C::Revoked) => "its certificate was revoked".to_string(),
        rustls::Error::InvalidCertificate(_) => {
            // rustls names the rest in Rust's own terms; what the user can do is the same.
            "its certificate was refused (not a server certificate this client can trust)"
                .to_string()
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "it did not answer in TLS (is it plain http? then the URL should say http://)"
                .to_string()
        }
        other => other.to_string(),
    };
    format!("TLS failure with {host}: {why}; verification stays on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_200ms_up_to_2s() {
        let ceilings: Vec<u128> = (0..7).map(|r| backoff_ceiling(r).as_millis()).collect();
        assert_eq!(ceilings, [200, 400, 800, 1600, 2000, 2000, 2000]);
        assert_eq!(backoff_ceiling(u32::MAX), BACKOFF_CAP);
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling() {
        let c = Duration::from_millis(400);
        assert_eq!(full_jitter(c, 0), Duration::ZERO);
        assert_eq!(full_jitter(c, 400), c);
        assert_eq!(full_jitter(c, 401), Duration::ZERO);
        assert_eq!(full_jitter(c, 1234), Duration::from_millis(1234 % 401));
        assert!(full_jitter(c, u64::MAX) <= c);
        assert_eq!(full_jitter(Duration::ZERO, u64::MAX), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_a_floor_capped_at_60s() {
        let s = Duration::from_secs;
        // Backoff alone.
        assert_eq!(retry_delay(0, None, 150), Duration::from_millis(150));
        assert_eq!(retry_delay(1, None, 400), Duration::from_millis(400));
        // Retry-After wins when longer than the jittered backoff...
        assert_eq!(retry_delay(0, Some(s(1)), 150), s(1));
        // ...and the backoff when longer than Retry-After.
        assert_eq!(
            retry_delay(3, Some(s(1)), 1600),
            Duration::from_millis(1600)
        );
        assert_eq!(retry_delay(0, Some(s(0)), 7), Duration::from_millis(7));
        // A huge Retry-After is capped.
        assert_eq!(retry_delay(0, Some(s(3600)), 0), s(60));
    }

    #[test]
    fn retry_after_in_seconds_decimals_or_a_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        let p = |v| parse_retry_after(v, now);
        assert_eq!(p("1"), Some(Duration::from_secs(1)));
        assert_eq!(p(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(p("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(
            p("Wed, 21 Oct 2026 07:28:30 GMT"),
            Some(Duration::from_secs(30))
        );
        // A date in the past: no wait, not an error.
        assert_eq!(p("Wed, 21 Oct 2026 07:00:00 GMT"), Some(Duration::ZERO));
        for bad in ["-1", "", ".5", "1.2.3", "soon", "1e3"] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn redirects_resolve_and_stay_on_their_origin() {
        let from = "http://127.0.0.1:8080/v1/payment/checkouts/cs_1";
        let t = |loc| redirect_target(from, loc);
        assert_eq!(
            t("/v1/payment/checkouts/cs_2").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_2")
        );
        assert_eq!(
            t("cs_3?x=1").as_deref(),
            Some("http://127.0.0.1:8080/v1/payment/checkouts/cs_3?x=1")
        );
        assert_eq!(
            t("HTTP://127.0.0.1:8080/v2").as_deref(),
            Some("http://127.0.0.1:8080/v2")
        );
        assert_eq!(
            t("//127.0.0.1:8080/v2").as_deref(),
            Some("http://127.0.0.1:8080/v2")
        );
        // Another port, host or scheme is another origin.
        assert_eq!(t("http://127.0.0.1:8081/v1"), None);
        assert_eq!(t("http://localhost:8080/v1"), None);
        assert_eq!(t("https://127.0.0.1:8080/v1"), None);
        assert_eq!(t("//evil.example/v1"), None);
        assert_eq!(t("http://127.0.0.1:8080@evil.example/"), None);
        // Default ports are the same origin as explicit ones.
        assert_eq!(
            redirect_target(
                "https://api.orqex.com/v1/a",
                "https://api.orqex.com:443/v1/b"
            )
            .as_deref(),
            Some("https://api.orqex.com:443/v1/b")
        );
    }

    #[test]
    fn a_bundle_without_certificates_is_refused() {
        assert!(
            CaBundle::from_pem(b"")
                .unwrap_err()
                .contains("no certificate")
        );
        assert!(
            CaBundle::from_pem(b"just some text\n")
                .unwrap_err()
                .contains("no certificate")
        );
        let broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(CaBundle::from_pem(broken).is_err());
    }

    #[test]
    fn a_bundle_adds_to_the_default_roots() {
        let pem = include_bytes!("../tests/fixtures/tls/ca.pem");
        let bundle = CaBundle::from_pem(pem).unwrap();
        assert_eq!(bundle.len(), 1);
        let RootCerts::Specific(roots) = bundle.with_default_roots() else {
            panic!("expected specific roots");
        };
        assert_eq!(
            roots.len(),
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() + 1
        );
        assert_eq!(roots.last().unwrap().der(), bundle.0[0].der());
    }

    #[test]
    fn a_client_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Client>();
    }

    /// GET follows a redirect only within its origin; POST never does. Driven through a
    /// real socket, since no command sends a GET yet.
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
                .send(Method::GET, "/payment/checkouts/old", None, None)
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
                .send(Method::GET, "/payment/checkouts/cs_1", None, None)
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
            assert!(err.to_string().contains("never redirected"), "{err}");
            assert_eq!(seen.lock().unwrap().len(), 1);
        }

        #[test]
        fn get_stops_after_a_few_hops() {
            let (base, seen) = server(|_| redirect("/v1/loop"));
            let err = client(&base)
                .send(Method::GET, "/loop", None, None)
                .unwrap_err();
            assert!(err.to_string().contains("too many redirects"), "{err}");
            assert_eq!(seen.lock().unwrap().len(), MAX_GET_REDIRECTS as usize + 1);
        }
    }
}
