//! `orqex webhooks`: listen (against deliveries sent here over loopback, and an app started
//! here), trigger (against handlers started here), verify, and the signing secret's handling.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

/// An obviously fake signing secret, long enough that its mask shows a tail.
const SECRET: &str = "whsec_test_0000_0000_fake";
const SECRET_MASKED: &str = "whsec_***fake";
/// What must never show: the secret's own characters.
const SECRET_PART: &str = "test_0000_0000";

const EVENT_BODY: &str = r#"{"event":"payment.completed","payment":{"id":"TRX1A2B3C4D","amount":{"value":5000,"formatted":"50.00 XOF","currency":"XOF"},"status":"completed","metadata":{"order_id":"1024"}},"timestamp":"2026-06-08T12:00:00+00:00"}"#;

/// HMAC-SHA256 of `body` with `secret`, lowercase hex: computed here with ring directly, not
/// through orqex's code.
/// `cmd` run with `input` on stdin, its output kept for the checks that follow.
fn with_stdin(cmd: &mut Command, input: impl Into<Vec<u8>>) -> std::process::Output {
    cmd.write_stdin(input).output().unwrap()
}

fn signature(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    ring::hmac::sign(&key, body)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_test_signature_matches_an_independent_computation() {
    // Python: hmac.new(b"whsec_test_0000_0000_fake", b'{"event":"payment.completed"}', hashlib.sha256).hexdigest()
    assert_eq!(
        signature(SECRET, br#"{"event":"payment.completed"}"#),
        "ae615761740f4ac347110d6f0caa5e02b4bffacafd07a0fe5b49f7f9a0a72d0f"
    );
}

/// Fails when the signing secret, or its secret part, shows anywhere in the output.
fn assert_no_secret(stdout: &str, stderr: &str) {
    for (name, text) in [("stdout", stdout), ("stderr", stderr)] {
        assert!(!text.contains(SECRET), "secret leaked on {name}: {text}");
        assert!(
            !text.contains(SECRET_PART),
            "secret part leaked on {name}: {text}"
        );
    }
}

// ---- a raw HTTP sender, so that every byte sent is the test's ----

/// An answer as the sender got it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends `request` as it is and reads the answer until the connection closes.
fn exchange(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head in {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A POST with `headers` and `body`, as Orqex sends one.
fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = format!(
        "POST /webhooks/orqex HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    exchange(addr, &bytes)
}

/// The headers Orqex sends with `EVENT_BODY`, signed with `secret` when given.
fn orqex_headers(secret: Option<&str>) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("Content-Type", "application/json".to_string()),
        ("X-Payment-Event", "payment.completed".to_string()),
        ("X-Payment-Id", "TRX1A2B3C4D".to_string()),
    ];
    if let Some(s) = secret {
        h.push(("x-orqex-signature", signature(s, EVENT_BODY.as_bytes())));
    }
    h
}

fn deliver(addr: SocketAddr, headers: &[(&'static str, String)], body: &str) -> Answer {
    let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    post(addr, &borrowed, body.as_bytes())
}

// ---- a running `orqex webhooks listen` ----

type Lines = Arc<Mutex<Vec<String>>>;

fn read_lines(from: impl Read + Send + 'static, into: Lines) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            into.lock().unwrap().push(line);
        }
    })
}

/// `orqex webhooks listen --port 0 ...`, started and listening.
struct Listen {
    child: Option<Child>,
    addr: SocketAddr,
    out: Lines,
    err: Lines,
    readers: Vec<JoinHandle<()>>,
}

/// How a listener ended.
#[cfg(unix)]
struct Ended {
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
}

impl Listen {
    /// Runs `cmd` (the sandbox's, secret set or not) with `webhooks listen --port 0` and
    /// `args`, and waits until it says where it listens.
    fn start(mut cmd: Command, args: &[&str]) -> Listen {
        cmd.args(["webhooks", "listen", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let (out, err): (Lines, Lines) = Default::default();
        let readers = vec![
            read_lines(child.stdout.take().unwrap(), out.clone()),
            read_lines(child.stderr.take().unwrap(), err.clone()),
        ];
        let mut listen = Listen {
            child: Some(child),
            addr: "127.0.0.1:1".parse().unwrap(),
            out,
            err,
            readers,
        };
        let start = Instant::now();
        loop {
            let found = listen.err.lock().unwrap().iter().find_map(|l| {
                let rest = l.strip_prefix("orqex: listening on http://")?;
                rest.split('/').next()?.parse().ok()
            });
            if let Some(addr) = found {
                listen.addr = addr;
                return listen;
            }
            if let Some(status) = listen.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("listen ended ({status}): {:?}", listen.err.lock().unwrap());
            }
            assert!(start.elapsed() < Duration::from_secs(20), "never listened");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The first `n` JSON lines on stdout, waiting for them (at most 20 s).
    fn lines(&self, n: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let lines = self.out.lock().unwrap().clone();
            if lines.len() >= n {
                return lines
                    .iter()
                    .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                    .collect();
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "expected {n} lines, got {lines:?}; stderr: {:?}",
                self.err.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until stderr holds `text` (at most 20 s): the lines after the first one may still
    /// be on their way when `start` returns.
    fn wait_stderr(&self, text: &str) {
        let start = Instant::now();
        while !self.stderr_now().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{text:?} never came on stderr: {}",
                self.stderr_now()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn stderr_now(&self) -> String {
        self.err.lock().unwrap().join("\n")
    }

    /// Sends `signal` and waits for the end. (Elsewhere than on Unix a listener is only
    /// killed, when the test drops it.)
    #[cfg(unix)]
    fn stop(mut self, signal: &str) -> Ended {
        let mut child = self.child.take().unwrap();
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
        let status = child.wait().unwrap();
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        use std::os::unix::process::ExitStatusExt;
        Ended {
            // As a shell shows a death by signal.
            code: status.code().or(status.signal().map(|n| 128 + n)),
            stdout: self.out.lock().unwrap().clone(),
            stderr: self.err.lock().unwrap().join("\n") + "\n",
        }
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        // A failed test must not leave a listener behind.
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn with_secret(sb: &Sandbox) -> Command {
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_WEBHOOK_SECRET", SECRET);
    cmd
}

// ---- listen ----

#[test]
fn listen_checks_signatures_valid_invalid_and_absent() {
    let sb = Sandbox::new();
    let l = Listen::start(with_secret(&sb), &[]);
    l.wait_stderr(&format!(
        "signatures checked with {SECRET_MASKED} (from ORQEX_WEBHOOK_SECRET)"
    ));

    let valid = deliver(l.addr, &orqex_headers(Some(SECRET)), EVENT_BODY);
    assert_eq!(valid.status, 200, "{}", valid.body);
    assert_eq!(valid.json(), json!({"received": true}));

    let mut forged = orqex_headers(None);
    forged.push((
        "x-orqex-signature",
        signature("whsec_test_9999_9999_fake", EVENT_BODY.as_bytes()),
    ));
    let invalid = deliver(l.addr, &forged, EVENT_BODY);
    assert_eq!(invalid.status, 401);

    let absent = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(absent.status, 401);

    // The body changed after signing: the signature no longer matches.
    let tampered = deliver(
        l.addr,
        &orqex_headers(Some(SECRET)),
        &EVENT_BODY.replace("5000", "5"),
    );
    assert_eq!(tampered.status, 401);

    let lines = l.lines(4);
    assert_eq!(lines[0]["signature"], "valid");
    assert_eq!(lines[0]["answered"], 200);
    assert_eq!(lines[0]["event"], "payment.completed");
    assert_eq!(lines[0]["payment_id"], "TRX1A2B3C4D");
    assert_eq!(lines[0]["payment_status"], "completed");
    assert_eq!(lines[0]["repeat"], false);
    assert_eq!(lines[0]["error"], Value::Null);
    assert_eq!(lines[0]["forward"], Value::Null);
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "time",
            "event",
            "payment_id",
            "payment_status",
            "signature",
            "repeat",
            "answered",
            "forward",
            "error"
        ]
    );
    assert_eq!(lines[1]["signature"], "invalid");
    assert_eq!(lines[1]["answered"], 401);
    assert_eq!(
        lines[1]["error"],
        "the x-orqex-signature header does not match the body and the signing secret"
    );
    assert_eq!(lines[2]["signature"], "absent");
    assert_eq!(lines[2]["answered"], 401);
    assert_eq!(lines[3]["signature"], "invalid");
    // Refused deliveries never count as seen: the valid one was the only one.
    assert!(lines.iter().all(|l| l["repeat"] == false));

    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert_eq!(ended.code, Some(0), "{}", ended.stderr);
        assert!(
            ended.stderr.ends_with(
                "orqex: stopped by SIGTERM: 4 deliveries, 0 forwarded, 3 rejected, 0 repeats\n"
            ),
            "{}",
            ended.stderr
        );
        assert_no_secret(&ended.stdout.join("\n"), &ended.stderr);
    }
}

#[test]
fn listen_without_a_secret_checks_nothing_and_says_so() {
    let sb = Sandbox::new();
    let l = Listen::start(sb.cmd(), &[]);
    l.wait_stderr("signatures not checked: no signing secret (set ORQEX_WEBHOOK_SECRET");
    let signed = deliver(l.addr, &orqex_headers(Some(SECRET)), EVENT_BODY);
    let unsigned = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!((signed.status, unsigned.status), (200, 200));
    let lines = l.lines(2);
    assert_eq!(lines[0]["signature"], "unchecked");
    assert_eq!(lines[1]["signature"], "absent");
    assert_eq!(lines[1]["repeat"], true);
}

#[test]
fn listen_forwards_the_raw_body_and_headers_and_answers_with_the_apps_answer() {
    let app = Server::start(|_, _| {
        Reply::text(202, "application/json", r#"{"handled":"yes"}"#).with_header("X-App", "1")
    });
    let sb = Sandbox::new();
    let to = format!("http://{}/hooks?source=orqex", app.addr);
    let l = Listen::start(with_secret(&sb), &["--forward-to", &to]);
    l.wait_stderr(&format!("forwarding to {to}"));

    // Bytes a re-serialisation would change: spacing, key order, an escaped slash.
    let body = "{ \"payment\": {\"status\":\"completed\", \"id\":\"TRX1A2B3C4D\"},\n  \"event\":\"payment.completed\", \"note\":\"a\\/b\" }";
    let mut headers = vec![
        (
            "Content-Type",
            "application/json; charset=utf-8".to_string(),
        ),
        ("User-Agent", "Orqex-Webhooks/1.0".to_string()),
        ("X-Payment-Event", "payment.completed".to_string()),
        ("X-Payment-Id", "TRX1A2B3C4D".to_string()),
        ("X-Orqex-Delivery", "dlv_1".to_string()),
    ];
    headers.push(("x-orqex-signature", signature(SECRET, body.as_bytes())));
    let answer = deliver(l.addr, &headers, body);

    assert_eq!(answer.status, 202);
    assert_eq!(answer.body, r#"{"handled":"yes"}"#);
    assert!(
        answer
            .headers
            .contains(&("content-type".into(), "application/json".into()))
    );

    let got = app.only_request();
    assert_eq!(got.method, "POST");
    assert_eq!(got.path, "/hooks?source=orqex");
    assert_eq!(
        got.body,
        body.as_bytes(),
        "the body must arrive byte for byte"
    );
    for (name, value) in &headers {
        assert_eq!(got.header(name), Some(value.as_str()), "{name}: {got:?}");
    }
    assert_eq!(got.header("host"), Some(app.addr.to_string().as_str()));
    assert!(got.header("authorization").is_none(), "{got:?}");

    let lines = l.lines(1);
    assert_eq!(lines[0]["signature"], "valid");
    assert_eq!(lines[0]["answered"], 202);
    assert_eq!(lines[0]["forward"]["status"], 202);
    assert!(lines[0]["forward"]["latency_ms"].is_u64(), "{}", lines[0]);
    assert_eq!(lines[0]["forward"]["error"], Value::Null);

    // A delivery with a bad signature never reaches the app.
    let mut forged = headers.clone();
    forged.pop();
    forged.push(("x-orqex-signature", "0".repeat(64)));
    assert_eq!(deliver(l.addr, &forged, body).status, 401);
    assert_eq!(app.requests().len(), 1);

    #[cfg(unix)]
    {
        let ended = l.stop("INT");
        assert_eq!(ended.code, Some(0), "{}", ended.stderr);
        assert!(
            ended.stderr.ends_with(
                "orqex: stopped by Ctrl-C: 2 deliveries, 1 forwarded, 0 not answered by the app, 1 rejected, 0 repeats\n"
            ),
            "{}",
            ended.stderr
        );
        assert_no_secret(&ended.stdout.join("\n"), &ended.stderr);
    }
}

#[test]
fn listen_marks_a_repeated_delivery_and_forwards_it_again() {
    let app = Server::start(|_, _| Reply::json(200, json!({"ok": true})));
    let sb = Sandbox::new();
    let l = Listen::start(
        sb.cmd(),
        &["--forward-to", &format!("http://{}/", app.addr)],
    );
    let headers = orqex_headers(None);
    for _ in 0..2 {
        assert_eq!(deliver(l.addr, &headers, EVENT_BODY).status, 200);
    }
    // Another event of the same payment is not a repeat.
    let mut failed = headers.clone();
    failed[1].1 = "payment.failed".into();
    assert_eq!(deliver(l.addr, &failed, EVENT_BODY).status, 200);
    let lines = l.lines(3);
    let repeats: Vec<&Value> = lines.iter().map(|l| &l["repeat"]).collect();
    assert_eq!(repeats, [&json!(false), &json!(true), &json!(false)]);
    assert_eq!(
        app.requests().len(),
        3,
        "a repeat is forwarded too: the app must cope"
    );
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert!(
            ended.stderr.ends_with(
                "3 deliveries, 3 forwarded, 0 not answered by the app, 0 rejected, 1 repeat\n"
            ),
            "{}",
            ended.stderr
        );
    }
}

#[test]
fn listen_answers_400_to_a_body_that_is_not_json_and_413_to_one_over_1_mib() {
    let app = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let l = Listen::start(
        sb.cmd(),
        &["--forward-to", &format!("http://{}/", app.addr)],
    );

    let not_json = post(
        l.addr,
        &[("X-Payment-Event", "payment.completed")],
        b"event=payment.completed",
    );
    assert_eq!(not_json.status, 400);
    assert!(
        not_json.json()["error"]
            .as_str()
            .unwrap()
            .starts_with("the body is not JSON")
    );

    let big = vec![b' '; 1024 * 1024 + 1];
    let too_large = post(l.addr, &[("X-Payment-Id", "TRX00000BIG")], &big);
    assert_eq!(too_large.status, 413);

    // A chunked body is not read: the sender is told to send a length.
    let chunked = exchange(
        l.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    );
    assert_eq!(chunked.status, 411);

    // Still serving after all that.
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );

    let lines = l.lines(4);
    assert_eq!(lines[0]["answered"], 400);
    assert_eq!(lines[0]["event"], "payment.completed");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("the body is not JSON: ")
    );
    assert_eq!(lines[1]["answered"], 413);
    assert_eq!(lines[1]["payment_id"], "TRX00000BIG");
    assert_eq!(
        lines[1]["error"],
        "the body is larger than 1 MiB (1048577 bytes)"
    );
    assert_eq!(lines[2]["answered"], 411);
    assert_eq!(lines[3]["answered"], 200);
    assert_eq!(
        app.requests().len(),
        1,
        "only the good delivery was forwarded"
    );
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert_eq!(ended.code, Some(0));
        assert!(
            ended.stderr.ends_with(
                "4 deliveries, 1 forwarded, 0 not answered by the app, 3 rejected, 0 repeats\n"
            ),
            "{}",
            ended.stderr
        );
    }
}

#[test]
fn a_slow_app_gets_504_within_the_forward_timeout_and_an_unreachable_one_502() {
    let slow = Server::start(|_, _| {
        Reply::After(
            Duration::from_secs(5),
            Box::new(Reply::json(200, json!({}))),
        )
    });
    let sb = Sandbox::new();
    let l = Listen::start(
        sb.cmd(),
        &[
            "--forward-to",
            &format!("http://{}/", slow.addr),
            "--forward-timeout",
            "500ms",
        ],
    );
    let started = Instant::now();
    let answer = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(answer.status, 504, "{}", answer.body);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let line = &l.lines(1)[0];
    assert_eq!(line["answered"], 504);
    assert_eq!(line["forward"]["status"], Value::Null);
    assert_eq!(line["forward"]["error"], "did not answer within 500ms");
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert!(
            ended.stderr.ends_with(
                "1 delivery, 0 forwarded, 1 not answered by the app, 0 rejected, 0 repeats\n"
            ),
            "{}",
            ended.stderr
        );
    }

    let dead = dead_url();
    let l = Listen::start(sb.cmd(), &["--forward-to", &dead]);
    let answer = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(answer.status, 502);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("refused the connection"),
        "{}",
        answer.body
    );
    let line = &l.lines(1)[0];
    assert_eq!(line["answered"], 502);
    assert_eq!(
        line["forward"]["error"],
        "refused the connection (is it running, on that port?)"
    );
    assert_eq!(
        line["error"],
        format!("the app at {dead} refused the connection (is it running, on that port?)")
    );
}

#[test]
fn events_filters_what_is_printed_and_forwarded_and_answers_the_rest_200() {
    let app = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let l = Listen::start(
        sb.cmd(),
        &[
            "--forward-to",
            &format!("http://{}/", app.addr),
            "--events",
            "payment.failed,payment.attempt.*",
        ],
    );
    l.wait_stderr(
        "  events: payment.failed, payment.attempt.* (others are answered 200 and ignored)",
    );
    let mut headers = orqex_headers(None);
    let ignored = deliver(l.addr, &headers, EVENT_BODY);
    assert_eq!(ignored.status, 200);
    assert_eq!(ignored.json(), json!({"received": true, "ignored": true}));
    headers[1].1 = "payment.attempt.failed".into();
    assert_eq!(deliver(l.addr, &headers, EVENT_BODY).status, 200);
    let lines = l.lines(1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"], "payment.attempt.failed");
    assert_eq!(app.requests().len(), 1);
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert_eq!(ended.stdout.len(), 1, "{:?}", ended.stdout);
        assert!(
            ended.stderr.ends_with("2 deliveries, 1 forwarded, 0 not answered by the app, 0 rejected, 1 ignored, 0 repeats\n"),
            "{}",
            ended.stderr
        );
    }
}

#[test]
fn what_a_sender_puts_in_a_delivery_is_shown_escaped_and_masked() {
    let sb = Sandbox::new();
    let l = Listen::start(sb.cmd(), &[]);
    // A payment id that drives a terminal or reorders a line; a "payment id" that is the secret.
    let body = json!({"event": "payment.completed\u{1b}[2J", "payment": {"id": "TRX\u{202e}1", "status": "\u{9b}31m"}}).to_string();
    assert_eq!(post(l.addr, &[], body.as_bytes()).status, 200);
    assert_eq!(post(l.addr, &[("X-Payment-Id", SECRET)], b"{}").status, 200);
    // A request line with an escape code in its path, from something that is not Orqex.
    let stray = exchange(l.addr, b"GET /\x1b]0;owned\x07 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(stray.status, 405);
    let lines = l.lines(2);
    assert_eq!(
        lines[0]["event"], "payment.completed\u{1b}[2J",
        "the value itself is kept"
    );
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        let out = ended.stdout.join("\n");
        assert!(
            out.contains(r#""event":"payment.completed\u001b[2J""#),
            "{out}"
        );
        assert!(out.contains(r#""payment_id":"TRX\u202e1""#), "{out}");
        assert!(out.contains(r#""payment_status":"\u009b31m""#), "{out}");
        assert!(
            out.contains(&format!(r#""payment_id":"{SECRET_MASKED}""#)),
            "{out}"
        );
        assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{9b}'));
        assert!(
            ended.stderr.contains("orqex: GET /\\x1b]0;owned\\x07 answered 405 Method Not Allowed: only POST deliveries are read here\n"),
            "{}",
            ended.stderr
        );
        assert!(!ended.stderr.contains('\u{1b}'));
        assert_no_secret(&out, &ended.stderr);
    }
}

#[cfg(unix)]
#[test]
fn sigterm_and_ctrl_c_end_listen_with_exit_0_and_the_summary_other_signals_by_the_signal() {
    let sb = Sandbox::new();
    let l = Listen::start(with_secret(&sb), &[]);
    deliver(l.addr, &orqex_headers(Some(SECRET)), EVENT_BODY);
    deliver(l.addr, &orqex_headers(Some(SECRET)), EVENT_BODY);
    deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    let ended = l.stop("TERM");
    assert_eq!(ended.code, Some(0));
    assert_eq!(ended.stdout.len(), 3);
    assert_eq!(
        ended.stderr.lines().last().unwrap(),
        "orqex: stopped by SIGTERM: 3 deliveries, 0 forwarded, 1 rejected, 1 repeat"
    );

    let l = Listen::start(sb.cmd(), &[]);
    let ended = l.stop("INT");
    assert_eq!(ended.code, Some(0));
    assert_eq!(
        ended.stderr.lines().last().unwrap(),
        "orqex: stopped by Ctrl-C: 0 deliveries, 0 forwarded, 0 rejected, 0 repeats"
    );

    // A closed terminal is not a request to stop: it ends orqex by the signal, as always.
    let l = Listen::start(sb.cmd(), &[]);
    let ended = l.stop("HUP");
    assert_eq!(ended.code, Some(129));
    assert!(
        ended
            .stderr
            .ends_with("orqex: hung up (SIGHUP); stopped listening for webhooks\n"),
        "{}",
        ended.stderr
    );
}

#[cfg(unix)]
#[test]
fn sigterm_ignored_on_entry_stays_ignored() {
    // As under `nohup` for SIGHUP, or a shell's `trap '' TERM`: whoever started orqex asked.
    let sb = Sandbox::new();
    let cmd = sb.cmd();
    let mut shell = Command::new("sh");
    shell
        .env_clear()
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .args(["-c", r#"trap '' TERM; exec "$@""#, "sh"])
        .arg(cmd.get_program());
    let l = Listen::start(shell, &[]);
    assert!(
        Command::new("kill")
            .args(["-TERM", &l.child.as_ref().unwrap().id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    // Still listening.
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );
    let ended = l.stop("INT");
    assert_eq!(ended.code, Some(0));
    assert!(
        ended
            .stderr
            .ends_with("1 delivery, 0 forwarded, 0 rejected, 0 repeats\n"),
        "{}",
        ended.stderr
    );
}

#[cfg(unix)]
#[test]
fn at_a_terminal_each_delivery_gets_a_line_in_words_and_ctrl_c_stops() {
    use crate::common::pty::*;
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sb = Sandbox::new();
    let mut cmd = with_secret(&sb);
    cmd.args(["webhooks", "listen", "--port", &port.to_string()]);
    let mut p = spawn_cmd(cmd);
    p.expect(&format!("listening on http://127.0.0.1:{port}/"));
    p.expect("signatures checked with whsec_***fake");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    deliver(addr, &orqex_headers(Some(SECRET)), EVENT_BODY);
    p.expect("payment.completed TRX1A2B3C4D (completed) · signature valid · answered 200");
    deliver(addr, &orqex_headers(None), EVENT_BODY);
    p.expect("signature absent · answered 401: the delivery has no x-orqex-signature header");
    p.send("\x03");
    p.expect("orqex: stopped by Ctrl-C: 2 deliveries, 0 forwarded, 1 rejected, 0 repeats");
    let (output, code) = p.finish();
    assert_eq!(code, 0, "{output}");
    assert_no_secret(&output, "");
    assert_terminal_restored(&p, &output);
}

#[test]
fn a_port_in_use_is_one_line_and_exit_2() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["webhooks", "listen", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: cannot listen on 127.0.0.1:{port}: the port is in use (another listener, or your app?); choose another with --port N, or --port 0 for a free one\n"
        )
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn listen_refuses_bad_flags_in_one_line_each() {
    let sb = Sandbox::new();
    for (args, expected) in [
        (
            &["--host", "example.com"][..],
            "orqex: --host: `example.com` is not an IP address; give one like 127.0.0.1 (this machine only) or 0.0.0.0 (every network)\n",
        ),
        (
            &["--forward-to", "localhost:3000"],
            "orqex: --forward-to: `localhost:3000` is not an http(s) URL; give one like http://localhost:3000/webhooks\n",
        ),
        (
            &[
                "--forward-to",
                "http://localhost:3000/",
                "--forward-timeout",
                "0",
            ],
            "orqex: --forward-timeout: `0` is out of range; give more than 0 and at most 5m\n",
        ),
        (
            &["--events", "payment.complete"],
            "orqex: --events: unknown event `payment.complete` (did you mean `payment.completed`?); the events are: payment.completed, payment.failed, payment.expired, payment.refunded, payment.partially_refunded, payment.attempt.completed, payment.attempt.failed, payment.attempt.action_required\n",
        ),
        (
            &["--secret-env", "NOT_SET_HERE"],
            "orqex: --secret-env NOT_SET_HERE: that variable is not set (or empty); export it, or leave --secret-env out to use ORQEX_WEBHOOK_SECRET or the profile's webhook-secret\n",
        ),
    ] {
        let out = sb
            .cmd()
            .args(["webhooks", "listen", "--port", "0"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), expected, "{args:?}");
    }
    // A secret that is not a signing secret is refused without being repeated.
    let out = sb
        .cmd()
        .env("ORQEX_WEBHOOK_SECRET", "sk_sandbox_test_0000_0000_fake")
        .args(["webhooks", "listen", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: ORQEX_WEBHOOK_SECRET: that is a secret API key (sk_...), not a webhook signing secret (whsec_...); copy the endpoint's signing secret from the dashboard\n"
    );
}

#[cfg(unix)]
#[test]
fn another_address_than_loopback_is_said_to_be_exposed() {
    let sb = Sandbox::new();
    let l = Listen::start(sb.cmd(), &["--host", "0.0.0.0"]);
    l.wait_stderr(
        "orqex: warning: 0.0.0.0 is reachable from other machines: anyone who can reach port",
    );
    l.wait_stderr("and without a signing secret none is checked");
    let ended = l.stop("TERM");
    assert_eq!(ended.code, Some(0));
}

// ---- trigger ----

fn trigger(sb: &Sandbox, cmd: Option<Command>, args: &[&str]) -> std::process::Output {
    let mut cmd = cmd.unwrap_or_else(|| sb.cmd());
    cmd.args(["webhooks", "trigger"])
        .args(args)
        .output()
        .unwrap()
}

fn is_upper_hex(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn is_lower_hex(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn trigger_sends_a_signed_event_in_the_documented_shape() {
    let handler = Server::start(|_, _| Reply::json(200, json!({"ok": true})));
    let sb = Sandbox::new();
    let url = format!("http://{}/webhooks", handler.addr);
    let out = trigger(
        &sb,
        Some(with_secret(&sb)),
        &[
            "payment.completed",
            "--to",
            &url,
            "-m",
            "order_id=1024",
            "--metadata",
            "channel=web",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let req = handler.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/webhooks");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("x-payment-event"), Some("payment.completed"));
    let expected = signature(SECRET, &req.body);
    assert_eq!(req.header("x-orqex-signature"), Some(expected.as_str()));
    assert!(req.header("authorization").is_none());

    let body = req.json();
    let payment_id = body["payment"]["id"].as_str().unwrap();
    assert_eq!(req.header("x-payment-id"), Some(payment_id));
    assert!(
        payment_id.len() == 11 && payment_id.starts_with("TRX") && is_upper_hex(&payment_id[3..]),
        "{payment_id}"
    );
    assert_eq!(body["event"], "payment.completed");
    assert_eq!(
        body["payment"]["amount"],
        json!({"value": 5000, "formatted": "50.00 XOF", "currency": "XOF"})
    );
    assert_eq!(body["payment"]["status"], "completed");
    assert_eq!(
        body["payment"]["metadata"],
        json!({"order_id": "1024", "channel": "web"})
    );
    let attempt = &body["attempt"];
    assert!(
        attempt["id"]
            .as_str()
            .unwrap()
            .strip_prefix("att_")
            .is_some_and(is_lower_hex),
        "{attempt}"
    );
    assert_eq!(attempt["status"], "completed");
    assert_eq!(attempt["method_code"], "momo_mtn");
    assert_eq!(attempt["is_fallback"], false);
    assert!(
        body["customer"]["id"]
            .as_str()
            .unwrap()
            .strip_prefix("cus_")
            .is_some_and(is_lower_hex)
    );
    assert_eq!(body["customer"]["email"], "ama@example.com");
    let ts = body["timestamp"].as_str().unwrap();
    assert!(
        ts.len() == 25 && ts.ends_with("+00:00") && ts.as_bytes()[10] == b'T',
        "{ts}"
    );
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["event", "payment", "attempt", "customer", "timestamp"]
    );

    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        line,
        json!({"event": "payment.completed", "payment_id": payment_id, "attempt": 1,
               "signature": expected, "status": 200, "latency_ms": line["latency_ms"], "error": null})
    );
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: payment.completed for {payment_id}, signed with {SECRET_MASKED} (ORQEX_WEBHOOK_SECRET), to {url}: answered 200 OK in {}ms\n",
            line["latency_ms"]
        )
    );
    assert_no_secret(&stdout(&out), &stderr(&out));
}

#[test]
fn trigger_without_a_secret_sends_no_signature() {
    let handler = Server::start(|_, _| Reply::json(204, json!({})));
    let sb = Sandbox::new();
    let out = trigger(
        &sb,
        None,
        &[
            "payment.attempt.action_required",
            "--to",
            &format!("http://{}/", handler.addr),
            "--payment",
            "TRX00C0FFEE",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let req = handler.only_request();
    assert!(req.header("x-orqex-signature").is_none(), "{req:?}");
    assert_eq!(req.header("x-payment-id"), Some("TRX00C0FFEE"));
    let body = req.json();
    assert_eq!(body["payment"]["id"], "TRX00C0FFEE");
    assert_eq!(body["payment"]["status"], "pending");
    assert_eq!(body["attempt"]["status"], "action_required");
    assert!(
        stderr(&out).contains(", unsigned (no signing secret), to "),
        "{}",
        stderr(&out)
    );
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["signature"], Value::Null);
}

#[test]
fn trigger_exits_4_when_the_handler_answers_otherwise_and_6_when_it_cannot_be_reached() {
    let handler = Server::start(|_, _| {
        Reply::text(
            500,
            "text/html",
            "<h1>Oops\x1b[31m</h1>\n<p>stack trace here</p>",
        )
    });
    let sb = Sandbox::new();
    let url = format!("http://{}/hooks", handler.addr);
    let out = trigger(&sb, None, &["payment.failed", "--to", &url]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.ends_with(&format!(
            "orqex: the handler at {url} answered 500 Internal Server Error: <h1>Oops\\x1b[31m</h1> <p>stack trace here</p>\n"
        )),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["status"], 500);

    let dead = dead_url();
    let out = trigger(
        &sb,
        None,
        &["payment.failed", "--to", &dead, "--repeat", "3"],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: the handler at {dead} refused the connection (is it running, on that port?); 2 more not sent\n"
        )
    );
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["status"], Value::Null);
    assert_eq!(
        line["error"],
        "refused the connection (is it running, on that port?)"
    );

    // A handler that takes too long.
    let slow = Server::start(|_, _| {
        Reply::After(
            Duration::from_secs(5),
            Box::new(Reply::json(200, json!({}))),
        )
    });
    let out = trigger(
        &sb,
        None,
        &[
            "payment.failed",
            "--to",
            &format!("http://{}/", slow.addr),
            "--timeout",
            "300ms",
        ],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("did not answer within 300ms\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn trigger_repeat_sends_the_same_bytes_each_time() {
    let handler = Server::start(|_, n| {
        if n == 1 {
            Reply::json(409, json!({"error": "already handled"}))
        } else {
            Reply::json(200, json!({}))
        }
    });
    let sb = Sandbox::new();
    let url = format!("http://{}/", handler.addr);
    let out = trigger(
        &sb,
        Some(with_secret(&sb)),
        &["payment.refunded", "--to", &url, "--repeat", "3"],
    );
    // The second answer was not 2xx.
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let reqs = handler.requests();
    assert_eq!(reqs.len(), 3);
    for r in &reqs[1..] {
        assert_eq!(r.body, reqs[0].body);
        assert_eq!(
            r.header("x-orqex-signature"),
            reqs[0].header("x-orqex-signature")
        );
        assert_eq!(r.header("x-payment-id"), reqs[0].header("x-payment-id"));
    }
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let attempts: Vec<&Value> = lines.iter().map(|l| &l["attempt"]).collect();
    assert_eq!(attempts, [&json!(1), &json!(2), &json!(3)]);
    let statuses: Vec<&Value> = lines.iter().map(|l| &l["status"]).collect();
    assert_eq!(statuses, [&json!(200), &json!(409), &json!(200)]);
    let err = stderr(&out);
    assert!(
        err.contains("orqex: 1 of 3: payment.refunded for TRX"),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "orqex: the handler at {url} answered other than 2xx to 1 of 3 sends; the last, send 2, got 409 Conflict: {{\"error\":\"already handled\"}}\n"
        )),
        "{err}"
    );
}

#[test]
fn trigger_and_listen_work_together() {
    let app = Server::start(|_, _| Reply::json(200, json!({"ok": true})));
    let sb = Sandbox::new();
    let l = Listen::start(
        with_secret(&sb),
        &["--forward-to", &format!("http://{}/", app.addr)],
    );
    let out = trigger(
        &sb,
        Some(with_secret(&sb)),
        &[
            "payment.completed",
            "--to",
            &format!("http://{}/", l.addr),
            "--repeat",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = l.lines(2);
    assert_eq!(lines[0]["signature"], "valid");
    assert_eq!(
        (&lines[0]["repeat"], &lines[1]["repeat"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(app.requests().len(), 2);
    #[cfg(unix)]
    {
        let ended = l.stop("TERM");
        assert!(
            ended.stderr.ends_with(
                "2 deliveries, 2 forwarded, 0 not answered by the app, 0 rejected, 1 repeat\n"
            ),
            "{}",
            ended.stderr
        );
    }
}

#[test]
fn trigger_refuses_an_unknown_event_and_bad_flags_before_sending() {
    let handler = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let to = format!("http://{}/", handler.addr);
    for (args, expected) in [
        (
            &["checkout.created", "--to", &to][..],
            "orqex: unknown event `checkout.created`; the events are: payment.completed, payment.failed, payment.expired, payment.refunded, payment.partially_refunded, payment.attempt.completed, payment.attempt.failed, payment.attempt.action_required\n",
        ),
        (
            &["payment.complete", "--to", &to],
            "orqex: unknown event `payment.complete` (did you mean `payment.completed`?); the events are: ",
        ),
        (
            &["payment.succeeded", "--to", &to],
            "orqex: unknown event `payment.succeeded` (did you mean `payment.completed`?); the events are: ",
        ),
        (
            &["payment.completed", "--to", "localhost:3000/hooks"],
            "orqex: --to: `localhost:3000/hooks` is not an http(s) URL; give one like http://localhost:3000/webhooks\n",
        ),
        (
            &["payment.completed", "--to", "/hooks"],
            "orqex: --to: `/hooks` is not an absolute URL; give one like http://localhost:3000/webhooks\n",
        ),
        (
            &["payment.completed", "--to", &to, "--payment", "cs_123"],
            "orqex: --payment: `cs_123` is not a payment id; give one like TRX1A2B3C4D (TRX, then letters and digits)\n",
        ),
        (
            &["payment.completed", "--to", &to, "-m", "order"],
            "orqex: --metadata: `order` is not KEY=VALUE, like order_id=1024\n",
        ),
        (
            &["payment.completed", "--to", &to, "--timeout", "soon"],
            "orqex: --timeout: `soon` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s)\n",
        ),
    ] {
        let out = trigger(&sb, None, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    assert!(handler.requests().is_empty());
    // clap's own checks name the flag too.
    let out = trigger(
        &sb,
        None,
        &["payment.completed", "--to", &to, "--repeat", "0"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: --repeat `0` is out of range: give 1 to 100; see --help\n"
    );
}

// ---- verify ----

#[test]
fn verify_says_whether_a_saved_payload_matches() {
    let sb = Sandbox::new();
    let file = sb.home.path().join("payload.json");
    std::fs::write(&file, EVENT_BODY).unwrap();
    let sig = signature(SECRET, EVENT_BODY.as_bytes());

    let out = with_secret(&sb)
        .args(["webhooks", "verify", "--signature", &sig])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "signature valid\n");
    assert_eq!(stderr(&out), "");

    // Upper-case hex is the same signature.
    let out = with_stdin(
        with_secret(&sb).args([
            "webhooks",
            "verify",
            "--signature",
            &sig.to_ascii_uppercase(),
            "-",
        ]),
        EVENT_BODY.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Tampered: one byte changed, or a newline added by an editor.
    for tampered in [
        EVENT_BODY.replace("5000", "5001"),
        format!("{EVENT_BODY}\n"),
    ] {
        let out = with_stdin(
            with_secret(&sb).args(["webhooks", "verify", "--signature", &sig]),
            tampered.as_bytes(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "orqex: signature does not match this payload and secret\n"
        );
        assert!(out.stdout.is_empty());
        assert_no_secret(&stdout(&out), &stderr(&out));
    }

    // Another secret, named with --secret-env.
    let out = with_secret(&sb)
        .env("OTHER_WHSEC", "whsec_test_1111_1111_fake")
        .args([
            "webhooks",
            "verify",
            "--secret-env",
            "OTHER_WHSEC",
            "--signature",
            &sig,
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn verify_needs_a_secret_and_a_signature() {
    let sb = Sandbox::new();
    let file = sb.home.path().join("payload.json");
    std::fs::write(&file, EVENT_BODY).unwrap();
    let sig = signature(SECRET, EVENT_BODY.as_bytes());
    let out = sb
        .cmd()
        .args(["webhooks", "verify", "--signature", &sig])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        "orqex: no webhook signing secret to check with: set ORQEX_WEBHOOK_SECRET, name another variable with --secret-env NAME, or store it with `orqex config set webhook-secret`\n"
    );
    let out = with_secret(&sb)
        .args(["webhooks", "verify", "--signature", "sha256=abc"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: --signature: `sha256=abc` is not a signature; give the x-orqex-signature header's value, 64 hexadecimal characters\n"
    );
    let out = with_secret(&sb)
        .args(["webhooks", "verify", "--signature", &sig])
        .arg(sb.home.path().join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).ends_with("missing.json: no such file\n"),
        "{}",
        stderr(&out)
    );
}

// ---- the signing secret ----

#[test]
fn the_secret_is_refused_on_the_command_line_and_never_printed() {
    let handler = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let to = format!("http://{}/", handler.addr);
    for args in [
        &["webhooks", "listen", "--secret", SECRET][..],
        &[
            "webhooks",
            "trigger",
            "payment.completed",
            "--to",
            &to,
            &format!("--secret={SECRET}"),
        ],
        &[
            "webhooks",
            "trigger",
            "payment.completed",
            "--to",
            &to,
            "-m",
            &format!("note={SECRET}"),
        ],
        &["webhooks", "verify", "--signature", SECRET, "payload.json"],
        &["config", "set", "webhook-secret", SECRET],
    ] {
        let out = sb.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "orqex: an argument holds what looks like a webhook signing secret ({SECRET_MASKED}); secrets are never taken from the command line, where `ps` and shell history show them: set ORQEX_WEBHOOK_SECRET (or name another variable with --secret-env), or store it with `orqex config set webhook-secret`, which reads it from stdin"
            )),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_no_secret(&stdout(&out), &stderr(&out));
    }
    // The secret in use is refused even when it does not look like one (whsec_ glued to a word).
    let out = with_secret(&sb)
        .args([
            "webhooks",
            "trigger",
            "payment.completed",
            "--to",
            &to,
            "-m",
            &format!("note=x{SECRET}"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_no_secret(&stdout(&out), &stderr(&out));
    // A flag that is not there, with a value that is not secret-shaped: named, not repeated.
    let out = sb
        .cmd()
        .args(["webhooks", "listen", "--secret", "hunter2hunter2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unexpected argument '--secret'"), "{err}");
    assert!(
        err.contains("the webhook signing secret is never given on the command line"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert!(handler.requests().is_empty());
}

#[test]
fn config_stores_the_secret_from_stdin_shows_it_masked_and_unsets_it() {
    let sb = Sandbox::new();
    let out = with_stdin(
        sb.cmd().args(["config", "set", "webhook-secret"]),
        format!("{SECRET}\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = sb.config_dir().join("config.toml");
    assert_eq!(
        stderr(&out),
        format!(
            "saved webhook signing secret {SECRET_MASKED} to profile `default` in {}\n",
            path.display()
        )
    );
    assert_no_secret(&stdout(&out), &stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!(
            "[profiles.default]\nwebhook_secret = \"{SECRET}\"\n"
        )),
        "{text}"
    );

    let out = sb.cmd().arg("config").output().unwrap();
    let shown = stdout(&out);
    assert!(
        shown.contains(&format!("webhook:     signing secret {SECRET_MASKED} (from profile `default` in the config file)\n")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "* default  no key, webhook secret {SECRET_MASKED}\n"
        )),
        "{shown}"
    );
    assert_no_secret(&shown, &stderr(&out));
    let out = sb.cmd().args(["config", "--json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["webhook_secret"],
        json!({"masked": SECRET_MASKED, "source": "file"})
    );
    assert_eq!(
        json["profiles"]["default"]["webhook_secret"]["masked"],
        SECRET_MASKED
    );
    assert_no_secret(&stdout(&out), &stderr(&out));

    // Used by the webhooks commands from the profile.
    let file = sb.home.path().join("payload.json");
    std::fs::write(&file, EVENT_BODY).unwrap();
    let out = sb
        .cmd()
        .args([
            "webhooks",
            "verify",
            "--signature",
            &signature(SECRET, EVENT_BODY.as_bytes()),
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // ORQEX_WEBHOOK_SECRET wins while it is set.
    let out = sb
        .cmd()
        .env("ORQEX_WEBHOOK_SECRET", "whsec_test_2222_2222_fake")
        .arg("config")
        .output()
        .unwrap();
    assert!(
        stdout(&out)
            .contains("webhook:     signing secret whsec_***fake (from ORQEX_WEBHOOK_SECRET)\n"),
        "{}",
        stdout(&out)
    );

    let out = sb
        .cmd()
        .args(["config", "unset", "webhook-secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("webhook_secret")
    );
}

#[test]
fn config_set_webhook_secret_refuses_what_is_not_one() {
    let sb = Sandbox::new();
    for (input, expected) in [
        (
            &b""[..],
            "orqex: `config set webhook-secret` got nothing on stdin; pipe the secret in, like: printf '%s\\n' \"$WEBHOOK_SECRET\" | orqex config set webhook-secret\n",
        ),
        (
            b"sk_sandbox_test_0000_0000_fake\n",
            "orqex: stdin: that is a secret API key (sk_...), not a webhook signing secret (whsec_...); copy the endpoint's signing secret from the dashboard\n",
        ),
        (
            b"whsec_test_0000_0000_fake\nsecond line\n",
            "orqex: stdin holds more than one line; pipe only the webhook signing secret, on one line\n",
        ),
    ] {
        let out = with_stdin(sb.cmd().args(["config", "set", "webhook-secret"]), input);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(stderr(&out), expected);
        assert_no_secret(&stdout(&out), &stderr(&out));
    }
    // A value on the command line that does not look like a secret is refused unrepeated.
    let out = sb
        .cmd()
        .args(["config", "set", "webhook-secret", "hunter2hunter2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("orqex: webhook-secret takes no value on the command line"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("hunter2"));
    assert!(!sb.config_dir().exists());
    // Other settings still need their value.
    let out = sb
        .cmd()
        .args(["config", "set", "currency"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: `config set currency` needs a value, like: orqex config set currency XOF\n"
    );
}

#[test]
fn forwarding_to_the_listener_itself_is_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["webhooks", "listen", "--port", &port.to_string()])
        .args(["--forward-to", &format!("http://localhost:{port}/hooks")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with(&format!(
            "orqex: --forward-to http://localhost:{port}/hooks is this listener itself (port {port}): each delivery would go round in a circle; forward to your app's own port\n"
        )),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_stdout_whose_reader_is_gone_stops_listen_with_exit_1() {
    // As `orqex webhooks listen | head -n 1` does once head has its line.
    let sb = Sandbox::new();
    let mut child = sb
        .cmd()
        .args(["webhooks", "listen", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let err_lines: Lines = Default::default();
    let reader = read_lines(child.stderr.take().unwrap(), err_lines.clone());
    let start = Instant::now();
    let addr: SocketAddr = loop {
        let found = err_lines.lock().unwrap().iter().find_map(|l| {
            l.strip_prefix("orqex: listening on http://")?
                .split('/')
                .next()?
                .parse()
                .ok()
        });
        if let Some(a) = found {
            break a;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "never listened");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(deliver(addr, &orqex_headers(None), EVENT_BODY).status, 200);
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"payment_id\":\"TRX1A2B3C4D\""), "{first}");
    drop(out);
    // The sender is still answered; the listener then stops, since nothing can be reported.
    assert_eq!(deliver(addr, &orqex_headers(None), EVENT_BODY).status, 200);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let err = err_lines.lock().unwrap().join("\n");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.ends_with(
            "orqex: stopped listening: 2 deliveries, 0 forwarded, 0 rejected, 1 repeat\norqex: cannot write the result to stdout: its reader closed it; stopped listening"
        ),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn config_set_webhook_secret_asks_for_it_hidden_at_a_terminal() {
    use crate::common::pty::*;
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.args(["config", "set", "webhook-secret", "--profile", "sandbox"]);
    let mut p = spawn_cmd(cmd);
    // A key pasted by mistake first: refused, asked again, never shown.
    p.expect("Webhook signing secret (whsec_...) for profile `sandbox` (input hidden)");
    p.wait_for_raw();
    p.send(format!("{KEY}\r"));
    p.expect("not a webhook signing secret");
    p.wait_for_raw();
    p.send(format!("{SECRET}\r"));
    p.expect(&format!(
        "saved webhook signing secret {SECRET_MASKED} to profile `sandbox`"
    ));
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert_no_secret(&out, "");
    assert!(!out.contains("test_0000"), "{out}");
    assert_terminal_restored(&p, &out);
    let text = std::fs::read_to_string(sb.config_dir().join("config.toml")).unwrap();
    assert!(
        text.contains(&format!("webhook_secret = \"{SECRET}\"")),
        "{text}"
    );
}

#[test]
fn a_profile_named_by_mistake_is_warned_about() {
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[profiles.sandbox]\nwebhook_secret = \"{SECRET}\"\n"
    ));
    let file = sb.home.path().join("payload.json");
    std::fs::write(&file, EVENT_BODY).unwrap();
    let out = sb
        .cmd()
        .args([
            "webhooks",
            "verify",
            "--profile",
            "sandbx",
            "--signature",
            &signature(SECRET, EVENT_BODY.as_bytes()),
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("orqex: warning: profile `sandbx` is not in the config file (it has sandbox); going on without profile settings\n"),
        "{}",
        stderr(&out)
    );
    let out = sb
        .cmd()
        .args([
            "webhooks",
            "verify",
            "--profile",
            "sandbox",
            "--signature",
            &signature(SECRET, EVENT_BODY.as_bytes()),
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
