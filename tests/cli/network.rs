//! The network layer against servers that misbehave on purpose: retries with one idempotency
//! key, timeouts, oversized and broken answers, redirects, TLS with a private CA, proxies,
//! and the verbose trace that never shows the key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

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

/// stderr ends with the flag to retry with.
fn retry_hint(key: &str) -> impl Predicate<str> {
    predicate::str::ends_with(format!("--idempotency-key {key}\n"))
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
    Sandbox::new()
        .create(&server)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_second_try\n")
        // Retries are shown only with --verbose.
        .stderr("");
    server.assert_hits(2);
    one_key_one_body(&server);
}

#[test]
fn a_connection_closed_after_the_create_gets_the_replay() {
    let (server, created) = idempotent_api(|_| Reply::Close);
    let assert = Sandbox::new()
        .create(&server)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_once_1\n");
    // One retry.
    server.assert_hits(2);
    let key = one_key_one_body(&server);
    assert_eq!(*created.lock().unwrap(), 1, "exactly one checkout exists");
    assert.stderr(contains_all(["replayed", &key, "nothing new was created"]));
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
    Sandbox::new()
        .create(&server)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_once_1\n")
        .stderr(contains("replayed"));
    server.assert_hits(2);
    one_key_one_body(&server);
    assert_eq!(*created.lock().unwrap(), 1);
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
    Sandbox::new().create(&server).assert().code(0);
    server.assert_hits(2);
    one_key_one_body(&server);
    let arrivals = arrivals.lock().unwrap();
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(1), "retried after only {gap:?}");
}

#[test]
fn a_retry_never_comes_sooner_than_200ms() {
    // The official SDK's floor: max(200 ms, backoff × rand(0.5, 1.0)). Before it, the first
    // retry after a 503 came 1 to 159 ms later.
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let log = arrivals.clone();
    let server = Server::start(move |_, n| {
        log.lock().unwrap().push(Instant::now());
        if n < 2 {
            Reply::json(503, json!({"message": "Service Unavailable"}))
        } else {
            Reply::created("cs_after_floor")
        }
    });
    Sandbox::new().create(&server).assert().code(0);
    server.assert_hits(3);
    one_key_one_body(&server);
    let arrivals = arrivals.lock().unwrap();
    for pair in arrivals.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(200),
            "retried after only {gap:?}"
        );
    }
}

#[test]
fn a_503_on_every_try_is_exit_5_with_the_retry_hint() {
    let server = Server::start(|_, _| Reply::json(503, json!({"message": "Service down"})));
    let sb = Sandbox::new();
    let assert = sb.create(&server).assert().code(5).stdout("");
    // One try and two retries.
    server.assert_hits(3);
    let key = one_key_one_body(&server);
    assert!(key.starts_with("orq_"));
    let assert = assert
        .stderr(predicate::str::starts_with(
            "orqex: the API answered 503: Service down; tried 3 times",
        ))
        .stderr(contains("req_test_0001"))
        .stderr(retry_hint(&key));
    assert_no_key(assert.get_output());

    // Re-running with the hint's flag sends that same key.
    let again = Server::created("cs_replayed");
    sb.create(&again)
        .args(["--idempotency-key", &key])
        .assert()
        .code(0);
    assert_eq!(keys(&again), [key]);
}

#[test]
fn max_retries_sets_the_number_of_tries() {
    for (flag, tries) in [("0", 1), ("1", 2), ("3", 4)] {
        let server = Server::start(|_, _| Reply::json(500, json!({"message": "oops"})));
        Sandbox::new()
            .create(&server)
            .args(["--max-retries", flag])
            .assert()
            .append_context("--max-retries", flag)
            .code(5);
        server.assert_hits(tries);
        one_key_one_body(&server);
    }
}

#[test]
fn client_errors_and_501_are_not_retried() {
    for status in [400, 404, 409, 422, 428, 501] {
        let server = Server::start(move |_, _| Reply::json(status, json!({"message": "no"})));
        let expected = if status == 501 { 5 } else { 4 };
        Sandbox::new()
            .create(&server)
            .assert()
            .append_context("status", status)
            .code(expected);
        // Not retried.
        server.assert_hits(1);
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
    let started = Instant::now();
    let assert = Sandbox::new()
        .create(&server)
        .args(["--timeout", "1"])
        .assert()
        .code(6);
    let took = started.elapsed();
    // Three tries of 1 s and two backoffs of at most 0.2 and 0.4 s; generous for a busy CI.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // Timeouts are retried.
    assert_eq!(server.requests().len(), 3);
    let key = one_key_one_body(&server);
    assert
        .stderr(predicate::str::starts_with(
            "orqex: timed out talking to 127.0.0.1:",
        ))
        .stderr(retry_hint(&key));
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
    let assert = Sandbox::new().create(&server).assert().code(5);
    let err = stderr(assert.get_output());
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "the error and the retry hint: {err}");
    assert!(
        lines[0].starts_with("orqex: the API answered 502: Bad Gateway, with an HTML page"),
        "{err}"
    );
    assert
        .stderr(contains("<").not())
        .stderr(retry_hint(&one_key_one_body(&server)));
}

#[test]
fn a_malformed_201_is_exit_6_with_the_key_and_not_retried() {
    let server = Server::start(|_, _| Reply::text(201, "application/json", "{\"data\": {\"chec"));
    let assert = Sandbox::new()
        .create(&server)
        .assert()
        .code(6)
        .stderr(contains_all(["answered 201", "not valid JSON"]));
    server.assert_hits(1);
    assert.stderr(retry_hint(&one_key_one_body(&server)));
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
        let assert = Sandbox::new()
            .create(&server)
            .assert()
            .code(6)
            .stderr(contains_all([
                "answered 201",
                "larger than 10 MiB; refused",
            ]));
        // Not retried.
        server.assert_hits(1);
        assert.stderr(retry_hint(&one_key_one_body(&server)));
    }
}

#[test]
fn an_answer_with_30_kib_of_headers_is_read() {
    // Under the 32 KiB limit: read whole, however small the first read of the answer.
    let server = Server::start(|_, _| {
        Reply::created("cs_big_head").with_header("X-Padding", &"a".repeat(30 * 1024))
    });
    Sandbox::new()
        .create(&server)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_big_head\n");
}

#[test]
fn an_answer_with_oversized_headers_is_refused_and_keeps_the_way_back() {
    // 40 KiB of headers: over the 32 KiB orqex reads before a body. The request was sent,
    // so the checkout may exist: the key to retry with is given, and nothing is retried.
    let server = Server::start(|_, _| {
        let mut raw = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n".to_vec();
        for i in 0..40 {
            raw.extend(format!("X-Padding-{i}: {}\r\n", "a".repeat(1000)).as_bytes());
        }
        raw.extend(b"Content-Length: 2\r\n\r\n{}");
        Reply::Raw(raw)
    });
    let assert = Sandbox::new()
        .create(&server)
        .assert()
        .code(6)
        .stdout("")
        .stderr(contains(format!(
            "the answer from {} has headers larger than 32 KiB (with any interim 1xx answers before it); refused",
            server.addr
        )));
    server.assert_hits(1);
    assert.stderr(retry_hint(&one_key_one_body(&server)));
}

#[test]
fn an_answer_with_too_many_headers_is_named_as_such_and_keeps_the_way_back() {
    // 130 short headers (4 KiB in all): over the 128 headers orqex reads, not over the size.
    let server = Server::start(|_, _| {
        let mut raw = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n".to_vec();
        for i in 0..130 {
            raw.extend(format!("X-H{i}: a\r\n").as_bytes());
        }
        raw.extend(b"Content-Length: 2\r\n\r\n{}");
        Reply::Raw(raw)
    });
    let assert = Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stdout("")
        .stderr(contains(format!(
            "orqex: the answer from {} has more than 128 headers; refused\n",
            server.addr
        )));
    assert.stderr(retry_hint(&one_key_one_body(&server)));
}

#[test]
fn a_status_outside_every_http_class_keeps_the_way_back() {
    // 600 is no refusal of the request (that would be 4xx): the checkout may exist.
    let server = Server::start(|_, _| Reply::json(600, json!({"message": "Weird"})));
    let assert = Sandbox::new()
        .create(&server)
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains(
            "orqex: the API answered 600: Weird (request id req_test_0001)\n",
        ));
    server.assert_hits(1);
    assert.stderr(retry_hint(&one_key_one_body(&server)));
}

#[test]
fn a_created_checkout_whose_answer_cannot_be_used_is_seen_again_only_with_its_key() {
    // Running the create again without the key would create a second checkout.
    let server =
        Server::start(|_, _| Reply::json(201, json!({"data": {"checkout": {"id": "cs_9"}}})));
    let assert = Sandbox::new()
        .create(&server)
        .assert()
        .code(6)
        .stdout("")
        .stderr(contains(
            "orqex: the API answered 201 but the response has no data.checkout.url; to see the answer, run the same command again with --output json and the --idempotency-key below (the API replays it; nothing is created twice)\n",
        ));
    assert.stderr(retry_hint(&one_key_one_body(&server)));
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
        let assert = Sandbox::new()
            .create(&server)
            .assert()
            .append_context("status", status)
            .code(1)
            .stderr(contains_all([
                format!("answered {status}"),
                "not followed".into(),
            ]));
        // Not followed.
        elsewhere.assert_hits(0);
        // The create may have happened before the redirect: the key to retry with is given,
        // on a second line, as after any answer whose outcome is unknown.
        let key = server
            .only_request()
            .header("x-idempotency-key")
            .unwrap()
            .to_string();
        assert
            .stderr(retry_hint(&key))
            .stderr(predicate::function(|text: &str| text.lines().count() == 2));
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
    Sandbox::new().create(&server).assert().code(1);
    server.assert_hits(1);
}

fn https_url(server: &Server) -> String {
    format!("https://127.0.0.1:{}/v1", server.addr.port())
}

#[test]
fn https_with_a_private_ca_through_ca_bundle() {
    let server = Server::start_tls(|_, _| Reply::created("cs_tls"));
    let sb = Sandbox::new();
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", https_url(&server))
        .args(CREATE)
        .args(["--ca-bundle", TEST_CA])
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_tls\n");
    let req = server.only_request();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.json(), create_body());

    // The same from the environment, and by host name.
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env(
            "ORQEX_BASE_URL",
            format!("https://localhost:{}/v1", server.addr.port()),
        )
        .env("ORQEX_CA_BUNDLE", TEST_CA)
        .args(CREATE)
        .assert()
        .code(0);
    server.assert_hits(2);
}

#[test]
fn an_address_that_cannot_be_reached_names_where_it_was_set() {
    // From the profile: the config file is named. (From ORQEX_BASE_URL: the catalogue.)
    let sb = Sandbox::new();
    let dead = dead_url();
    let config = sb.write_config(&format!("[profiles.default]\nbase_url = \"{dead}\"\n"));
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .args(CREATE)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::ends_with(format!(
            "connection refused; nothing was sent, so nothing was created (the API's address is from config file {})\n",
            config.display()
        )));
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
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .args(CREATE)
        .assert()
        .code(0);
    server.assert_hits(1);
}

#[test]
fn https_with_an_untrusted_ca_is_refused_and_nothing_is_sent() {
    let server = Server::start_tls(|_, _| Reply::created("cs_never"));
    let assert = Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", https_url(&server))
        .args(CREATE)
        .assert()
        .code(6)
        .stderr(contains_all([
            "not signed by a trusted authority",
            "--ca-bundle",
            "nothing was sent",
        ]))
        // No hint when nothing was sent.
        .stderr(contains("--idempotency-key").not())
        .stderr(one_line());
    server.assert_hits(0);
    assert_no_key(assert.get_output());
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
        sb.create(&server)
            .arg("--ca-bundle")
            .arg(path)
            .assert()
            .code(2)
            .stderr(
                predicate::str::starts_with("orqex: --ca-bundle")
                    .and(contains(path.display().to_string()))
                    .and(contains(needle))
                    .and(one_line()),
            );
    }
    // The environment variable is named the same way.
    sb.create(&server)
        .env("ORQEX_CA_BUNDLE", &empty)
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("orqex: ORQEX_CA_BUNDLE"));
    server.assert_hits(0);
}

#[test]
fn nothing_listening_says_nothing_was_created() {
    Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .assert()
        .code(6)
        .stderr(contains(
            "connection refused; tried 3 times; nothing was sent, so nothing was created",
        ))
        .stderr(contains("--idempotency-key").not());
}

#[test]
fn a_refusal_after_a_lost_answer_keeps_the_retry_hint() {
    // The first try may have created the checkout; the server is gone for the retry.
    let server = Server::start(|_, _| Reply::Close);
    Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stderr(contains("closed the connection without a complete answer"))
        .stderr(retry_hint(&one_key_one_body(&server)));
}

#[test]
fn proxies_from_the_environment_and_no_proxy() {
    for var in ["HTTPS_PROXY", "HTTP_PROXY"] {
        let api = Server::created("cs_direct");
        let proxy = Server::start(|_, _| Reply::text(502, "text/plain", "no"));
        let sb = Sandbox::new();
        sb.create(&api)
            .env_remove("NO_PROXY")
            .env(var, format!("http://{}", proxy.addr))
            .args(["--max-retries", "0"])
            .assert()
            .append_context("variable", var)
            .code(6)
            .stderr(contains_all(["proxy", "nothing was sent"]));
        let connect = proxy.only_request();
        assert_eq!(connect.method, "CONNECT");
        assert_eq!(connect.path, api.addr.to_string());
        assert_eq!(
            connect.header("authorization"),
            None,
            "the key stays in the tunnel"
        );
        api.assert_hits(0);

        // NO_PROXY sends it direct.
        sb.create(&api)
            .env("NO_PROXY", "127.0.0.1")
            .env(var, format!("http://{}", proxy.addr))
            .assert()
            .code(0);
        api.assert_hits(1);
        proxy.assert_hits(1);
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
        sb.cmd()
            .args(CREATE)
            .args(args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stderr(contains(args[0]));
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
    let assert = Sandbox::new()
        .create(&server)
        .arg("-v")
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_verbose\n");
    let key = one_key_one_body(&server);
    let assert = assert.stderr(contains_all([
        format!("> POST {}/payment/checkouts", server.url()),
        format!("> Authorization: Bearer {KEY_MASKED}"),
        format!("> X-Idempotency-Key: {key}"),
        "> Content-Type: application/json".into(),
        "< 503 Service Unavailable (request id req_first) after ".into(),
        "* retry 1/2 in ".into(),
        "the API answered 503 Service Unavailable".into(),
        "< 201 Created (request id req_test_0001) after ".into(),
    ]));
    assert_no_key(assert.get_output());
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
                        .create(server)
                        .arg("--verbose")
                        .args(extra)
                        .assert()
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
                        .assert()
                }),
            ));
        }
        for (name, run) in runs {
            let assert = run.join().unwrap();
            assert_no_key(assert.get_output());
            // The trace shows the masked key.
            assert
                .append_context("case", name)
                .stderr(contains(format!("Authorization: Bearer {KEY_MASKED}")));
        }
    });
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_a_create_is_in_flight_prints_the_key_to_retry_with() {
    let server = Server::start(|_, _| {
        Reply::After(Duration::from_secs(30), Box::new(Reply::created("cs_late")))
    });
    let child = spawn_piped(
        Sandbox::new()
            .create(&server)
            .args(["--idempotency-key", "order-1024-attempt"]),
    );
    let out = signal_once_sent(&server, 1, child, "INT");
    assert_died_by(&out, 2);
    assert_no_key(&out);
    out.assert().stdout("").stderr(contains_all([
        "interrupted while sending",
        "retry safely with: --idempotency-key order-1024-attempt",
    ]));
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_batch_says_how_to_resume() {
    let server = Server::start(|_, _| {
        Reply::After(Duration::from_secs(30), Box::new(Reply::created("cs_late")))
    });
    let sb = Sandbox::new();
    let rows = sb.file("rows.jsonl", ONE_ROW);
    let child = spawn_piped(
        sb.cmd_for(&server)
            .args(["checkout", "create", "--batch"])
            .arg(&rows)
            .args(["--idempotency-key", "batch-2026-11-24"]),
    );
    let out = signal_once_sent(&server, 1, child, "INT");
    assert_died_by(&out, 2);
    out.assert().stderr(contains(
        "re-run the same file with --idempotency-key batch-2026-11-24",
    ));
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
    let assert = Sandbox::new()
        .create(&server)
        .arg("--verbose")
        .assert()
        .code(4)
        .stderr(contains("\u{1b}").not().and(contains("\u{7}").not()))
        .stderr(contains("bad\\x1b[2J"));
    let err = stderr(assert.get_output());
    assert!(
        err.lines()
            .any(|l| l.starts_with("orqex: the API answered 422") && l.contains("second line")),
        "the message stays on one line: {err}"
    );
}

#[cfg(unix)]
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
        let mut cmd = sb.create(&server);
        cmd.args([
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
        // Once the create and the first (hanging) check have arrived.
        let out = signal_once_sent(&server, before + 2, spawn_piped(&mut cmd), "INT");
        assert_died_by(&out, 2);
        if json {
            let v = last_json_line(&out);
            assert_eq!(v["idempotency_key"], "order-1024-wait");
            assert_eq!(v["exit_code"], 130);
        } else {
            out.assert()
                .stderr(contains("--idempotency-key order-1024-wait"))
                // The checkout exists: no "may or may not" here.
                .stderr(contains("orqex: interrupted while waiting for payment\n  checkout cs_wait_int exists (created with --idempotency-key order-1024-wait); wait again with: orqex checkout get cs_wait_int --wait\n"))
                .stderr(contains("may or may not").not());
        }
    }
}
