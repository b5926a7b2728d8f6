//! An answer's head and body turned into the API's JSON or an API error, whatever arrived:
//! JSON, an HTML page from a proxy, a body cut short or too large.

use serde_json::Value;
use ureq::Body;
use ureq::http::Response;

use super::failure::{Failure, Problem, resp_reason};
use super::{AnswerBody, ApiResponse, MAX_BODY, describe::describe};
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

pub(super) fn decode<B: AnswerBody>(
    mut resp: Response<Body>,
    base_url: &str,
) -> Result<ApiResponse<B>, Failure> {
    let status = resp.status().as_u16();
    // Quoted back in errors (and the JSON error): a header of kilobytes is cut there.
    let request_id = header(&resp, "x-request-id").map(|id| crate::text::echoed(&id).into_owned());
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
                body: B::none(),
            });
        }
        if let Some(why) = crate::limits::too_deep(&bytes) {
            return Err(unreadable(
                format!("the API answered {status}{rid} but its body {why}"),
                false,
            ));
        }
        let body = B::parse(bytes).map_err(|e| {
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
                    crate::text::echoed(content_type.split(';').next().unwrap_or("").trim())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{self, Read};
    use std::time::Duration;

    const BASE: &str = "https://api.orqex.com/v1";

    fn response(status: u16, headers: &[(&str, &str)], body: Body) -> Response<Body> {
        let mut r = Response::builder().status(status);
        for (name, value) in headers {
            r = r.header(*name, *value);
        }
        r.body(body).unwrap()
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response<Body> {
        response(status, headers, Body::builder().data(body.to_string()))
    }

    fn failed(r: Response<Body>) -> Failure {
        match decode::<Value>(r, BASE) {
            Ok(ok) => panic!("expected a failure, got {ok:?}"),
            Err(f) => f,
        }
    }

    fn passed(r: Response<Body>) -> ApiResponse {
        decode(r, BASE).unwrap_or_else(|f| panic!("expected an answer, got {}", f.reason()))
    }

    fn api_error(f: &Failure) -> &ApiError {
        match &f.problem {
            Problem::Api(e) => e,
            _ => panic!("expected an API error, got {}", f.reason()),
        }
    }

    /// A reader that fails like a connection reset in the middle of a body.
    struct Reset;

    impl Read for Reset {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"))
        }
    }

    #[test]
    fn headers_are_read_by_name() {
        let r = answer(200, &[("X-Request-Id", "req_1")], "{}");
        assert_eq!(header(&r, "x-request-id").as_deref(), Some("req_1"));
        assert_eq!(header(&r, "x-other"), None);
    }

    #[test]
    fn a_success_is_its_json_with_request_id_and_replay() {
        let ok = passed(answer(
            201,
            &[("x-request-id", "req_1"), ("x-idempotent-replayed", "TRUE")],
            r#"{"data": {"id": "cs_1"}}"#,
        ));
        assert_eq!(ok.status, 201);
        assert_eq!(ok.request_id.as_deref(), Some("req_1"));
        assert!(ok.replayed);
        assert_eq!(ok.body, serde_json::json!({"data": {"id": "cs_1"}}));
        let ok = passed(answer(200, &[("x-idempotent-replayed", "no")], "[]"));
        assert!(!ok.replayed);
        assert_eq!(ok.request_id, None);
    }

    #[test]
    fn no_content_has_no_body_but_other_statuses_need_one() {
        for body in ["", " \r\n"] {
            let ok = passed(answer(204, &[], body));
            assert_eq!((ok.status, ok.body), (204, Value::Null));
        }
        // A 204 that has a body after all is read.
        let ok = passed(answer(204, &[], r#"{"a": 1}"#));
        assert_eq!(ok.body, serde_json::json!({"a": 1}));
        let f = failed(answer(200, &[("x-request-id", "req_2")], ""));
        assert!(
            f.reason().starts_with(
                "the API answered 200 (request id req_2) but its body is not valid JSON ("
            ),
            "{}",
            f.reason()
        );
        assert!(!f.retryable && f.reached);
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        // Declared too long: not read at all.
        let declared = response(
            200,
            &[],
            Body::builder().limit(MAX_BODY + 1).data(b"{}".to_vec()),
        );
        let f = failed(declared);
        assert_eq!(
            f.reason(),
            "the API answered 200 with a body larger than 10 MiB; refused without reading it"
        );
        assert!(!f.retryable && f.reached);
        // Not declared: read up to the limit.
        let endless = response(200, &[], Body::builder().reader(io::repeat(b' ')));
        assert_eq!(
            failed(endless).reason(),
            "the API answered 200 with a body larger than 10 MiB; refused after reading its first 10 MiB"
        );
        // Exactly the limit is fine.
        let mut exact = vec![b' '; MAX_BODY as usize];
        exact[0] = b'1';
        let ok = passed(response(200, &[], Body::builder().data(exact)));
        assert_eq!(ok.body, serde_json::json!(1));
        // An error's body over the limit is not read either.
        let f = failed(response(
            503,
            &[],
            Body::builder().limit(MAX_BODY + 1).data(b"{}".to_vec()),
        ));
        assert_eq!(
            api_error(&f).message,
            "Service Unavailable, with a body over 10 MiB (not read) instead of the API's JSON (a proxy or gateway may be in the way)"
        );
    }

    #[test]
    fn a_body_lost_on_the_way_is_retried() {
        let f = failed(response(
            201,
            &[("x-request-id", "req_3")],
            Body::builder().reader(Reset),
        ));
        assert_eq!(
            f.reason(),
            "the API answered 201 (request id req_3) but its body could not be read: api.orqex.com closed the connection without a complete answer"
        );
        assert!(f.retryable && f.reached);
    }

    #[test]
    fn an_error_answer_keeps_the_api_s_message_and_field_errors() {
        let f = failed(answer(
            422,
            &[("x-request-id", "req_4"), ("retry-after", "2")],
            r#"{"message": "The given data was invalid.",
                "errors": {"amount": ["is too small", 5], "currency": "unknown", "x": {"y": 1}}}"#,
        ));
        let e = api_error(&f);
        assert_eq!(e.status, 422);
        assert_eq!(e.message, "The given data was invalid.");
        assert_eq!(e.request_id.as_deref(), Some("req_4"));
        assert_eq!(
            e.errors,
            [
                (
                    "amount".to_string(),
                    vec!["is too small".to_string(), "5".into()]
                ),
                ("currency".to_string(), vec!["unknown".to_string()]),
                ("x".to_string(), vec![r#"{"y":1}"#.to_string()]),
            ]
        );
        assert_eq!(f.retry_after, Some(Duration::from_secs(2)));
        assert!(!f.retryable && f.reached);
        // Without a message, the status's words; without errors, none.
        let f = failed(answer(404, &[], r#"{"errors": []}"#));
        assert_eq!(api_error(&f).message, "Not Found");
        assert!(api_error(&f).errors.is_empty());
        assert_eq!(f.retry_after, None);
    }

    #[test]
    fn an_answer_that_is_not_the_api_s_says_what_it_was() {
        let message = |status, headers: &[(&str, &str)], body| {
            api_error(&failed(answer(status, headers, body)))
                .message
                .clone()
        };
        let tail = "instead of the API's JSON (a proxy or gateway may be in the way)";
        assert_eq!(
            message(502, &[("content-type", "text/html")], "<html></html>"),
            format!("Bad Gateway, with an HTML page {tail}")
        );
        assert_eq!(
            message(500, &[("content-type", "application/json")], "[1]"),
            format!("Internal Server Error, with JSON that is not an error object {tail}")
        );
        assert_eq!(
            message(500, &[], "oops"),
            format!("Internal Server Error, with a body that is not JSON {tail}")
        );
        assert_eq!(
            message(
                500,
                &[("content-type", "text/plain; charset=utf-8")],
                "oops"
            ),
            format!("Internal Server Error, with a non-JSON body (text/plain) {tail}")
        );
    }

    #[test]
    fn only_a_temporary_status_is_retried() {
        let retryable = |status| failed(answer(status, &[], "{}")).retryable;
        for status in [429, 500, 502, 503, 504, 599] {
            assert!(retryable(status), "{status}");
        }
        for status in [400, 401, 404, 409, 422, 428, 430, 501, 600] {
            assert!(!retryable(status), "{status}");
        }
    }
}
