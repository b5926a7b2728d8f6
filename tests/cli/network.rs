//! The network layer against servers that misbehave on purpose: retries with one idempotency
//! key, timeouts, oversized and broken answers, redirects, TLS with a private CA, proxies,
//! and the verbose trace that never shows the key.

use std::collections::HashMap;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

fn run(cmd: &mut Command) -> (Output, Duration) {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    (out, started.elapsed())
}

fn keys(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.header("x-idempotency-key").unwrap_or("").to_string())
        .collect()
}

/// Every request carried the same key and the same bytes; returns the key.
fn one_key_one_body(server: &Server) -> String {
    let reqs = server.requests();
    let key = reqs[0].header("x-idempotency-key").unwrap().to_string();
    for r in &reqs {
        assert_eq!(r.header("x-idempotency-key"), Some(key.as_str()));
        assert_eq!(r.body, reqs[0].body, "the body changed between attempts");
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/v1/payment/checkouts");
    }
    assert_eq!(reqs[0].json(), create_body());
    key
}

fn assert_retry_hint(out: &Output, key: &str) {
    let err = stderr(out);
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.ends_with(&format!("--idempotency-key {key}")),
        "stderr must end with the retry flag: {err}"
    );
}

/// A fake API that keeps the idempotency promise: one checkout per key, replayed after that.
/// `first` decides how the very first request is answered once its checkout is created.
fn idempotent_api(
    first: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> (Server, Arc<Mutex<usize>>) {
    let created = Arc::new(Mutex::new(0));
    let count = created.clone();
    let seen: Mutex<HashMap<String, (Vec<u8>, String)>> = Mutex::default();
    let server = Server::start(move |req, n| {
        let key = req.header("x-idempotency-key").unwrap_or("").to_string();
        let mut seen = seen.lock().unwrap();
        if let Some((body, id)) = seen.get(&key) {
            if *body != req.body {
                return Reply::json(
                    409,
                    json!({"message": "Idempotency key reused with another body"}),
                );
            }
            return Reply::created(id).with_header("X-Idempotent-Replayed", "true");
        }
        let mut created = count.lock().unwrap();
        *created += 1;
        let id = format!("cs_once_{created}");
        seen.insert(key, (req.body.clone(), id.clone()));
        if n == 0 {
            first(&id)
        } else {
            Reply::created(&id)
        }
    });
    (server, created)
}

#[test]
fn a_503_then_201_is_one_checkout_two_requests_one_key() {
    let server = Server::start(|_, n| {
        if n == 0 {
            Reply::json(503, json!({"message": "Service Unavailable"}))
        } else {
            Reply::created("cs_second_try")
        }
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_second_try\n");
    assert_eq!(stderr(&out), "", "retries are shown only with --verbose");
    assert_eq!(server.requests().len(), 2);
    one_key_one_body(&server);
}

#[test]
fn a_connection_closed_after_the_create_gets_the_replay() {
    let (server, created) = idempotent_api(|_| Reply::Close);
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_once_1\n");
    assert_eq!(server.requests().len(), 2, "one retry");
    let key = one_key_one_body(&server);
    assert_eq!(*created.lock().unwrap(), 1, "exactly one checkout exists");
    let err = stderr(&out);
    assert!(
        err.contains("replayed") && err.contains(&key) && err.contains("nothing new was created"),
        "{err}"
    );
}

#[test]
fn a_201_cut_short_is_retried_for_the_replay() {
    let (server, created) = idempotent_api(|id| {
        let body = serde_json::to_vec(&checkout_body(id)).unwrap();
        let mut raw = format!(
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(&body[..body.len() / 2]);
        Reply::Raw(raw)
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_once_1\n");
    assert_eq!(server.requests().len(), 2);
    one_key_one_body(&server);
    assert_eq!(*created.lock().unwrap(), 1);
    assert!(stderr(&out).contains("replayed"), "{}", stderr(&out));
}

#[test]
fn retry_after_is_waited_for() {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let log = arrivals.clone();
    let server = Server::start(move |_, n| {
        log.lock().unwrap().push(Instant::now());
        if n == 0 {
            Reply::json(429, json!({"message": "Too many requests"}))
                .with_header("Retry-After", "1")
        } else {
            Reply::created("cs_after_wait")
        }
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 2);
    one_key_one_body(&server);
    let arrivals = arrivals.lock().unwrap();
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(1), "retried after only {gap:?}");
}

#[test]
fn a_503_on_every_try_is_exit_5_with_the_retry_hint() {
    let server = Server::start(|_, _| Reply::json(503, json!({"message": "Service down"})));
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 3, "one try and two retries");
    let key = one_key_one_body(&server);
    assert!(key.starts_with("orq_"));
    let err = stderr(&out);
    assert!(
        err.starts_with("orqex: the API answered 503: Service down; tried 3 times"),
        "{err}"
    );
    assert!(err.contains("req_test_0001"), "{err}");
    assert_retry_hint(&out, &key);
    assert!(out.stdout.is_empty());
    assert_no_key(&out);

    // Re-running with the hint's flag sends that same key.
    let again = Server::created("cs_replayed");
    let out = sb
        .cmd_for(&again)
        .args(CREATE)
        .args(["--idempotency-key", &key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(keys(&again), [key]);
}

#[test]
fn max_retries_sets_the_number_of_tries() {
    for (flag, tries) in [("0", 1), ("1", 2), ("3", 4)] {
        let server = Server::start(|_, _| Reply::json(500, json!({"message": "oops"})));
        let sb = Sandbox::new();
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args(["--max-retries", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{flag}");
        assert_eq!(server.requests().len(), tries, "--max-retries {flag}");
        one_key_one_body(&server);
    }
}

#[test]
fn client_errors_and_501_are_not_retried() {
    for status in [400, 404, 409, 422, 428, 501] {
        let server = Server::start(move |_, _| Reply::json(status, json!({"message": "no"})));
        let sb = Sandbox::new();
        let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
        assert_eq!(server.requests().len(), 1, "{status} was retried");
        let expected = if status == 501 { 5 } else { 4 };
        assert_eq!(out.status.code(), Some(expected), "{status}");
    }
}

#[test]
fn a_server_that_never_answers_times_out_by_itself() {
    let server = Server::start(|_, _| {
        Reply::After(
            Duration::from_secs(120),
            Box::new(Reply::created("cs_late")),
        )
    });
    let sb = Sandbox::new();
    let (out, took) = run(sb.cmd_for(&server).args(CREATE).args(["--timeout", "1"]));
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    // Three tries of 1 s and two backoffs of at most 0.2 and 0.4 s; generous for a busy CI.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(server.requests().len(), 3, "timeouts are retried");
    let key = one_key_one_body(&server);
    let err = stderr(&out);
    assert!(
        err.starts_with("orqex: timed out talking to 127.0.0.1:"),
        "{err}"
    );
    assert_retry_hint(&out, &key);
}

#[test]
fn an_html_502_is_one_readable_line() {
    let server = Server::start(|_, _| {
        Reply::text(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
        )
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "the error and the retry hint: {err}");
    assert!(
        lines[0].starts_with("orqex: the API answered 502: Bad Gateway, with an HTML page"),
        "{err}"
    );
    assert!(!err.contains('<'), "{err}");
    assert_retry_hint(&out, &one_key_one_body(&server));
}

#[test]
fn a_malformed_201_is_exit_6_with_the_key_and_not_retried() {
    let server = Server::start(|_, _| Reply::text(201, "application/json", "{\"data\": {\"chec"));
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(server.requests().len(), 1);
    let err = stderr(&out);
    assert!(
        err.contains("answered 201") && err.contains("not valid JSON"),
        "{err}"
    );
    assert_retry_hint(&out, &one_key_one_body(&server));
}

#[test]
fn an_oversized_answer_is_refused_without_reading_it() {
    // Declared too large: refused on the header. Had the body been read, the connection
    // closing after one byte would have been reported instead.
    let declared = Server::start(|_, _| {
        Reply::Raw(
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{"
                .to_vec(),
        )
    });
    // No length, just more than 10 MiB until the connection closes: cut off at the limit.
    let streamed = Server::start(|_, _| {
        let mut raw =
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n["
                .to_vec();
        raw.resize(raw.len() + 11 * 1024 * 1024, b' ');
        Reply::Raw(raw)
    });
    for server in [declared, streamed] {
        let sb = Sandbox::new();
        let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("answered 201") && err.contains("larger than 10 MiB; refused"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 1, "not retried");
        assert_retry_hint(&out, &one_key_one_body(&server));
    }
}

#[test]
fn a_redirect_to_another_port_carries_nothing_there() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = Server::created("cs_stolen");
        let target = format!("{}/payment/checkouts", elsewhere.url());
        let server = Server::start(move |_, _| Reply::Status {
            status,
            headers: vec![("Location".into(), target.clone())],
            body: Vec::new(),
        });
        let sb = Sandbox::new();
        let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{status}: {}", stderr(&out));
        assert!(elsewhere.requests().is_empty(), "{status} was followed");
        assert_eq!(server.requests().len(), 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("answered {status}")) && err.contains("not followed"),
            "{err}"
        );
        // The create may have happened before the redirect: the key to retry with is given.
        let key = server
            .only_request()
            .header("x-idempotency-key")
            .unwrap()
            .to_string();
        assert!(err.contains(&format!("--idempotency-key {key}")), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_redirect_within_the_origin_is_not_followed_for_a_create_either() {
    let server = Server::start(|_, n| {
        if n == 0 {
            Reply::Status {
                status: 308,
                headers: vec![("Location".into(), "/v2/payment/checkouts".into())],
                body: Vec::new(),
            }
        } else {
            Reply::created("cs_moved")
        }
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(server.requests().len(), 1);
}

fn https_url(server: &Server) -> String {
    format!("https://127.0.0.1:{}/v1", server.addr.port())
}

#[test]
fn https_with_a_private_ca_through_ca_bundle() {
    let server = Server::start_tls(|_, _| Reply::created("cs_tls"));
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", https_url(&server))
        .args(CREATE)
        .args(["--ca-bundle", TEST_CA])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_tls\n");
    let req = server.only_request();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.json(), create_body());

    // The same from the environment, and by host name.
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env(
            "ORQEX_BASE_URL",
            format!("https://localhost:{}/v1", server.addr.port()),
        )
        .env("ORQEX_CA_BUNDLE", TEST_CA)
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn https_ca_bundle_from_the_profile_relative_to_the_config_file() {
    let server = Server::start_tls(|_, _| Reply::created("cs_tls_profile"));
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[profiles.default]\nbase_url = \"{}\"\nca_bundle = \"corp-ca.pem\"\n",
        https_url(&server)
    ));
    std::fs::copy(TEST_CA, sb.config_dir().join("corp-ca.pem")).unwrap();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn https_with_an_untrusted_ca_is_refused_and_nothing_is_sent() {
    let server = Server::start_tls(|_, _| Reply::created("cs_never"));
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", https_url(&server))
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("not signed by a trusted authority") && err.contains("--ca-bundle"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(
        !err.contains("--idempotency-key"),
        "no hint when nothing was sent: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(server.requests().is_empty());
    assert_no_key(&out);
}

#[test]
fn a_ca_bundle_without_a_certificate_is_exit_2() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let empty = sb.home.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let text = sb.home.path().join("notes.pem");
    std::fs::write(&text, "this is not a certificate\n").unwrap();
    let key_only = sb.home.path().join("key.pem");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/server.key"),
        &key_only,
    )
    .unwrap();
    let missing = sb.home.path().join("missing.pem");
    for (path, needle) in [
        (&empty, "holds no certificate"),
        (&text, "holds no certificate"),
        (&key_only, "holds no certificate"),
        (&missing, "cannot read"),
    ] {
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .arg("--ca-bundle")
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("orqex: --ca-bundle")
                && err.contains(&path.display().to_string())
                && err.contains(needle),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // The environment variable is named the same way.
    let out = sb
        .cmd_for(&server)
        .env("ORQEX_CA_BUNDLE", &empty)
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("orqex: ORQEX_CA_BUNDLE"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn nothing_listening_says_nothing_was_created() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let err = stderr(&out);
    assert!(
        err.contains("connection refused; tried 3 times; nothing was sent, so nothing was created"),
        "{err}"
    );
    assert!(!err.contains("--idempotency-key"), "{err}");
}

#[test]
fn a_refusal_after_a_lost_answer_keeps_the_retry_hint() {
    // The first try may have created the checkout; the server is gone for the retry.
    let server = Server::start(|_, _| Reply::Close);
    let url = server.url();
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", url)
        .args(CREATE)
        .args(["--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let err = stderr(&out);
    assert!(
        err.contains("closed the connection without a complete answer"),
        "{err}"
    );
    assert_retry_hint(&out, &one_key_one_body(&server));
}

#[test]
fn proxies_from_the_environment_and_no_proxy() {
    for var in ["HTTPS_PROXY", "HTTP_PROXY"] {
        let api = Server::created("cs_direct");
        let proxy = Server::start(|_, _| Reply::text(502, "text/plain", "no"));
        let sb = Sandbox::new();
        let out = sb
            .cmd_for(&api)
            .env_remove("NO_PROXY")
            .env(var, format!("http://{}", proxy.addr))
            .args(CREATE)
            .args(["--max-retries", "0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{var}: {}", stderr(&out));
        let connect = proxy.only_request();
        assert_eq!(connect.method, "CONNECT");
        assert_eq!(connect.path, api.addr.to_string());
        assert_eq!(
            connect.header("authorization"),
            None,
            "the key stays in the tunnel"
        );
        assert!(api.requests().is_empty());
        let err = stderr(&out);
        assert!(
            err.contains("proxy") && err.contains("nothing was sent"),
            "{err}"
        );

        // NO_PROXY sends it direct.
        let out = sb
            .cmd_for(&api)
            .env("NO_PROXY", "127.0.0.1")
            .env(var, format!("http://{}", proxy.addr))
            .args(CREATE)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(api.requests().len(), 1);
        assert_eq!(proxy.requests().len(), 1);
    }
}

#[test]
fn bad_network_flags_are_usage_errors() {
    let sb = Sandbox::new();
    for args in [
        ["--timeout", "0"],
        ["--timeout", "abc"],
        ["--timeout", "3601"],
        ["--max-retries", "-1"],
        ["--max-retries", "11"],
    ] {
        let out = sb.cmd().args(CREATE).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(args[0]), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn verbose_traces_requests_answers_and_retries_with_the_key_masked() {
    let server = Server::start(|_, n| {
        if n == 0 {
            Reply::json(503, json!({"message": "busy"})).with_header("X-Request-Id", "req_first")
        } else {
            Reply::created("cs_verbose")
        }
    });
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).arg("-v").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_verbose\n");
    let key = one_key_one_body(&server);
    let err = stderr(&out);
    for needle in [
        format!("> POST {}/payment/checkouts", server.url()),
        format!("> Authorization: Bearer {KEY_MASKED}"),
        format!("> X-Idempotency-Key: {key}"),
        "> Content-Type: application/json".into(),
        "< 503 Service Unavailable (request id req_first) after ".into(),
        "* retry 1/2 in ".into(),
        "the API answered 503 Service Unavailable".into(),
        "< 201 Created (request id req_test_0001) after ".into(),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    }
    assert_no_key(&out);
}

/// Every failure case of this file, traced with `--verbose`: the key shows up masked and
/// never whole, even from a server that echoes it back.
#[test]
fn verbose_never_shows_the_key_in_any_failure() {
    type Case = (&'static str, Server, Vec<&'static str>);
    let echo = |req: &Recorded| req.header("authorization").unwrap_or("").to_string();
    let cases: Vec<Case> = vec![
        (
            "503 then 201",
            Server::start(|_, n| {
                if n == 0 {
                    Reply::json(503, json!({}))
                } else {
                    Reply::created("cs_v1")
                }
            }),
            vec![],
        ),
        (
            "closed then replay",
            idempotent_api(|_| Reply::Close).0,
            vec![],
        ),
        (
            "429 Retry-After",
            Server::start(|_, n| {
                if n == 0 {
                    Reply::json(429, json!({})).with_header("Retry-After", "1")
                } else {
                    Reply::created("cs_v2")
                }
            }),
            vec![],
        ),
        (
            "503 always",
            Server::start(|_, _| Reply::json(503, json!({"message": "down"}))),
            vec![],
        ),
        (
            "never answers",
            Server::start(|_, _| {
                Reply::After(Duration::from_secs(120), Box::new(Reply::created("x")))
            }),
            vec!["--timeout", "1"],
        ),
        (
            "HTML 502",
            Server::start(|_, _| Reply::text(502, "text/html", "<html>bad</html>")),
            vec![],
        ),
        (
            "malformed 201",
            Server::start(|_, _| Reply::text(201, "application/json", "{\"da")),
            vec![],
        ),
        (
            "oversized",
            Server::start(|_, _| {
                Reply::Raw(b"HTTP/1.1 201 Created\r\nContent-Length: 99999999999\r\n\r\n".to_vec())
            }),
            vec![],
        ),
        (
            "redirect",
            Server::start(|_, _| Reply::Status {
                status: 307,
                headers: vec![("Location".into(), "http://127.0.0.1:9/v1".into())],
                body: vec![],
            }),
            vec![],
        ),
        (
            "echoes the key",
            Server::start(move |req, _| {
                let mut errors = serde_json::Map::new();
                errors.insert(echo(req), json!([echo(req)]));
                Reply::json(
                    400,
                    json!({"message": format!("bad {}", echo(req)), "errors": errors}),
                )
                .with_header("X-Echo", &echo(req))
                .with_header("X-Request-Id", &echo(req))
            }),
            vec![],
        ),
    ];
    let dead = dead_url();
    let tls = Server::start_tls(|_, _| Reply::created("cs_never"));
    std::thread::scope(|s| {
        let mut runs = Vec::new();
        for (name, server, extra) in &cases {
            runs.push((
                *name,
                s.spawn(move || {
                    Sandbox::new()
                        .cmd_for(server)
                        .args(CREATE)
                        .arg("--verbose")
                        .args(extra)
                        .output()
                        .unwrap()
                }),
            ));
        }
        for (name, url) in [
            ("nothing listens", dead.clone()),
            ("untrusted TLS", https_url(&tls)),
        ] {
            runs.push((
                name,
                s.spawn(move || {
                    Sandbox::new()
                        .cmd()
                        .env("ORQEX_SECRET_KEY", KEY)
                        .env("ORQEX_BASE_URL", url)
                        .args(CREATE)
                        .arg("--verbose")
                        .output()
                        .unwrap()
                }),
            ));
        }
        for (name, run) in runs {
            let out = run.join().unwrap();
            assert_no_key(&out);
            assert!(
                stderr(&out).contains(&format!("Authorization: Bearer {KEY_MASKED}")),
                "{name}: the trace shows the masked key:\n{}",
                stderr(&out)
            );
        }
    });
}

#[test]
fn ctrl_c_while_a_create_is_in_flight_prints_the_key_to_retry_with() {
    let server = Server::start(|_, _| {
        Reply::After(Duration::from_secs(30), Box::new(Reply::created("cs_late")))
    });
    let sb = Sandbox::new();
    let child = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--idempotency-key", "order-1024-attempt"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = signal_once_sent(&server, 1, child, "INT");
    assert_died_by(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("interrupted while sending"), "{err}");
    assert!(
        err.contains("retry safely with: --idempotency-key order-1024-attempt"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert_no_key(&out);
}

#[test]
fn ctrl_c_during_a_batch_says_how_to_resume() {
    let server = Server::start(|_, _| {
        Reply::After(Duration::from_secs(30), Box::new(Reply::created("cs_late")))
    });
    let sb = Sandbox::new();
    let rows = sb.home.path().join("rows.jsonl");
    std::fs::write(
        &rows,
        r#"{"amount": 5, "currency": "XOF", "description": "d", "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}}"#,
    )
    .unwrap();
    let child = sb
        .cmd_for(&server)
        .args(["checkout", "create", "--batch"])
        .arg(&rows)
        .args(["--idempotency-key", "batch-2026-11-24"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = signal_once_sent(&server, 1, child, "INT");
    assert_died_by(&out, 2);
    assert!(
        stderr(&out).contains("re-run the same file with --idempotency-key batch-2026-11-24"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn escape_codes_from_the_api_never_reach_the_terminal() {
    let server = Server::start(|_, _| {
        Reply::json(
            422,
            json!({"message": "bad\u{1b}[2J\u{1b}]0;pwned\u{7}\nsecond line",
                   "errors": {"amount\u{1b}[31m": ["red\u{1b}[0m"]}}),
        )
    });
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--verbose")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("bad\\x1b[2J"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("orqex: the API answered 422") && l.contains("second line")),
        "the message stays on one line: {err}"
    );
}

#[test]
fn ctrl_c_while_waiting_after_a_create_keeps_the_way_back_to_it() {
    // The create answers at once; the checks of the wait then hang.
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            Reply::created("cs_wait_int")
        } else {
            Reply::After(
                Duration::from_secs(30),
                Box::new(Reply::created("cs_wait_int")),
            )
        }
    });
    for json in [false, true] {
        let sb = Sandbox::new();
        let mut cmd = sb.cmd_for(&server);
        cmd.args(CREATE).args([
            "--idempotency-key",
            "order-1024-wait",
            "--wait",
            "--interval",
            "0.1",
        ]);
        if json {
            cmd.arg("--json");
        }
        let before = server.requests().len();
        let child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the create and the first (hanging) check to arrive.
        let start = std::time::Instant::now();
        while server.requests().len() < before + 2 {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no check arrived"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_died_by(&out, 2);
        let err = stderr(&out);
        if json {
            let v: serde_json::Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
            assert_eq!(v["idempotency_key"], "order-1024-wait");
            assert_eq!(v["exit_code"], 130);
        } else {
            assert!(err.contains("--idempotency-key order-1024-wait"), "{err}");
            // The checkout exists: no "may or may not" here.
            assert!(
                err.contains("orqex: interrupted while waiting for payment\n  checkout cs_wait_int exists (created with --idempotency-key order-1024-wait); wait again with: orqex checkout get cs_wait_int --wait\n"),
                "{err}"
            );
            assert!(!err.contains("may or may not"), "{err}");
        }
    }
}
