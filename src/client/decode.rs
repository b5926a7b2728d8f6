//! An answer's head and body turned into the API's JSON or an API error, whatever arrived:
//! JSON, an HTML page from a proxy, a body cut short or too large.

use serde_json::Value;
use ureq::Body;
use ureq::http::Response;

use super::failure::{Failure, Problem, resp_reason};
use super::{ApiResponse, MAX_BODY, describe::describe};
use crate::error::ApiError;

pub(super) fn header(resp: &Response<Body>, name: &str) -> Option<String> {
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

pub(super) fn decode(mut resp: Response<Body>, base_url: &str) -> Result<ApiResponse, Failure> {
    let status = resp.status().as_u16();
    let request_id = header(&resp, "x-request-id");
    let replayed =
        header(&resp, "x-idempotent-replayed").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let content_type = header(&resp, "content-type").unwrap_or_default();
    let retry_after = header(&resp, "retry-after")
        .and_then(|v| super::retry::parse_retry_after(&v, std::time::SystemTime::now()));
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
                        describe(&e, base_url, None)
                    ),
                    true,
                ));
            }
        };
        // 204 No Content says there is no body to read (a DELETE's usual answer).
        if status == 204 && bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(ApiResponse {
                status,
                request_id,
                replayed,
                body: Value::Null,
            });
        }
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
