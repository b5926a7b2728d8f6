//! HTTP to the Orqex API: the agent, headers, idempotency and response/error decoding.
//!
//! Knows nothing of terminals: it returns the API's JSON or an `Error` carrying an exit code.

use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::http::{Method, Response};

use crate::error::{ApiError, Error, Result};
use crate::secret::SecretKey;

pub const USER_AGENT: &str = concat!("orqex/", env!("CARGO_PKG_VERSION"));
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Larger answers are refused without being read whole.
pub const MAX_BODY: u64 = 10 * 1024 * 1024;

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
}

impl Client {
    pub fn new(base_url: &str, key: SecretKey) -> Client {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(DEFAULT_TIMEOUT))
            // A redirect would strip or leak the Authorization header and turn a POST into
            // a GET; an API client is better off reporting it.
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .build()
            .into();
        Client {
            agent,
            base_url: base_url.to_string(),
            key,
        }
    }

    /// `POST /payment/checkouts` with the exact bytes given.
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
        let id = checkout_id(id)?;
        self.send(Method::GET, &format!("/payment/checkouts/{id}"), None, None)
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<ApiResponse> {
        let url = format!("{}{}", self.base_url, path);
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Authorization", format!("Bearer {}", self.key.expose()))
            .header("Accept", "application/json");
        if body.is_some() {
            req = req.header("Content-Type", "application/json");
        }
        if let Some(k) = idempotency_key {
            req = req.header("X-Idempotency-Key", k);
        }
        let network = |message: String| Error::Network {
            message,
            idempotency_key: idempotency_key.map(str::to_string),
        };
        let req = req
            .body(body.map(<[u8]>::to_vec).unwrap_or_default())
            .map_err(|e| Error::usage(format!("cannot build a request to {url}: {e}")))?;
        let resp = self
            .agent
            .run(req)
            .map_err(|e| network(describe(&e, &self.base_url)))?;
        decode(resp).map_err(|e| match e {
            Decode::Api(error) => Error::Api {
                error,
                idempotency_key: idempotency_key.map(str::to_string),
            },
            Decode::Unreadable(message) => network(message),
        })
    }
}

/// A checkout id as a path segment: letters, digits, `_` and `-` only, so that no `/`, `?`,
/// `#`, `%` or `..` can turn `GET /payment/checkouts/{id}` into another request.
pub fn checkout_id(id: &str) -> Result<&str> {
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

enum Decode {
    Api(ApiError),
    Unreadable(String),
}

fn header(resp: &Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn decode(mut resp: Response<ureq::Body>) -> Result<ApiResponse, Decode> {
    let status = resp.status().as_u16();
    let request_id = header(&resp, "x-request-id");
    let replayed =
        header(&resp, "x-idempotent-replayed").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let content_type = header(&resp, "content-type").unwrap_or_default();
    let location = header(&resp, "location");
    let bytes = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec();
    let rid = request_id
        .as_ref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default();

    if (200..300).contains(&status) {
        let bytes = bytes.map_err(|e| {
            Decode::Unreadable(format!(
                "the API answered {status}{rid} but its body could not be read: {}",
                describe(&e, "")
            ))
        })?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Decode::Unreadable(format!(
                "the API answered {status}{rid} but its body is not valid JSON ({e})"
            ))
        })?;
        return Ok(ApiResponse {
            status,
            request_id,
            replayed,
            body,
        });
    }

    let reason = resp_reason(status);
    if (300..400).contains(&status) {
        return Err(Decode::Api(ApiError {
            status,
            message: format!(
                "redirect to {} not followed (the key is never sent to another address); check ORQEX_BASE_URL",
                location.as_deref().unwrap_or("an unnamed location")
            ),
            errors: Vec::new(),
            request_id,
        }));
    }
    let json = bytes
        .as_deref()
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        .filter(Value::is_object);
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
            let kind = if content_type.contains("html") {
                "an HTML page".to_string()
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
    Err(Decode::Api(error))
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

/// One readable line for a transport failure. `ureq::Error` has no `source()`, so the words
/// are ours; none of them can contain the key (it travels only in a header).
pub fn describe(err: &ureq::Error, base_url: &str) -> String {
    use std::io::ErrorKind;
    let host = base_url
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| base_url.to_string());
    match err {
        ureq::Error::Timeout(t) => format!("timed out talking to {host} ({t})"),
        ureq::Error::HostNotFound => {
            format!("cannot resolve {host}: check the address and your DNS")
        }
        ureq::Error::ConnectionFailed => format!("cannot connect to {host}"),
        ureq::Error::Io(e) => match e.kind() {
            ErrorKind::ConnectionRefused => format!("cannot connect to {host}: connection refused"),
            ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted => {
                format!("{host} closed the connection without a complete answer")
            }
            ErrorKind::TimedOut => format!("timed out talking to {host}"),
            _ if e.to_string().contains("failed to lookup address") => {
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
