//! `orqex webhooks`: listen (against deliveries sent here over loopback, and an app started
//! here), trigger (against handlers started here), verify, and the signing secret's handling.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Output};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

/// An obviously fake signing secret, long enough that its mask shows a tail.
pub(crate) const SECRET: &str = "whsec_test_0000_0000_fake";
pub(crate) const SECRET_MASKED: &str = "whsec_***fake";
/// What must never show: the secret's own characters.
const SECRET_PART: &str = "test_0000_0000";

pub(crate) const EVENT_BODY: &str = r#"{"event":"payment.completed","payment":{"id":"TRX1A2B3C4D","amount":{"value":5000,"formatted":"50.00 XOF","currency":"XOF"},"status":"completed","metadata":{"order_id":"1024"}},"timestamp":"2026-06-08T12:00:00+00:00"}"#;

/// HMAC-SHA256 of `body` with `secret`, lowercase hex: computed here with ring directly, not
/// through orqex's code.
pub(crate) fn signature(secret: &str, body: &[u8]) -> String {
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

/// Fails when the signing secret, or its secret part, shows in `text`, read from `name`.
fn assert_no_secret_in(name: &str, text: &str) {
    assert!(!text.contains(SECRET), "secret leaked on {name}: {text}");
    assert!(
        !text.contains(SECRET_PART),
        "secret part leaked on {name}: {text}"
    );
}

/// Fails when the signing secret, or its secret part, shows anywhere in the output.
pub(crate) fn assert_no_secret(output: &Output) {
    assert_no_secret_in("stdout", &stdout(output));
    assert_no_secret_in("stderr", &stderr(output));
}

// ---- a raw HTTP sender, so that every byte sent is the test's ----

/// An answer as the sender got it.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends `request` as it is and reads the answer until the connection closes.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8]) -> Answer {
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
pub(crate) fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> Answer {
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
pub(crate) fn orqex_headers(secret: Option<&str>) -> Vec<(&'static str, String)> {
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

pub(crate) fn deliver(addr: SocketAddr, headers: &[(&'static str, String)], body: &str) -> Answer {
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
pub(crate) struct Listen {
    child: Option<Child>,
    pub(crate) addr: SocketAddr,
    out: Lines,
    err: Lines,
    readers: Vec<JoinHandle<()>>,
}

impl Listen {
    /// Runs `cmd` (the sandbox's, secret set or not) with `webhooks listen --port 0` and
    /// `args`, and waits until it says where it listens; its stdout is read as it comes.
    pub(crate) fn start(cmd: Command, args: &[&str]) -> Listen {
        let mut listen = Listen::spawn(cmd, args);
        let stdout = listen.child_mut().stdout.take().unwrap();
        listen.readers.push(read_lines(stdout, listen.out.clone()));
        listen
    }

    /// Like `start`, but stdout is left unread on the child, for the test to take.
    fn spawn(mut cmd: Command, args: &[&str]) -> Listen {
        let mut child = spawn_piped(cmd.args(["webhooks", "listen", "--port", "0"]).args(args));
        let (out, err): (Lines, Lines) = Default::default();
        let readers = vec![read_lines(child.stderr.take().unwrap(), err.clone())];
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
            if let Some(status) = listen.child_mut().try_wait().unwrap() {
                panic!("listen ended ({status}): {:?}", listen.err.lock().unwrap());
            }
            assert!(start.elapsed() < Duration::from_secs(20), "never listened");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().unwrap()
    }

    /// The first `n` JSON lines on stdout, waiting for them (at most 20 s).
    pub(crate) fn lines(&self, n: usize) -> Vec<Value> {
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
    pub(crate) fn wait_stderr(&self, text: &str) {
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

    pub(crate) fn stderr_now(&self) -> String {
        self.err.lock().unwrap().join("\n")
    }

    /// Sends `signal` to the listener.
    #[cfg(unix)]
    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    pub(crate) fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Sends `signal` and waits for the end. (Elsewhere than on Unix a listener is only
    /// killed, when the test drops it.)
    #[cfg(unix)]
    pub(crate) fn stop(self, signal: &str) -> Assert {
        self.signal(signal);
        self.wait()
    }

    /// Waits for the end: how it exited, and what it printed, each line ended by a newline
    /// (stdout is empty when the test took it).
    #[cfg(unix)]
    pub(crate) fn wait(mut self) -> Assert {
        let status = self.child.take().unwrap().wait().unwrap();
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        let text = |lines: &Lines| -> Vec<u8> {
            let lines = lines.lock().unwrap();
            lines
                .iter()
                .flat_map(|l| [l.as_bytes(), b"\n"])
                .flatten()
                .copied()
                .collect()
        };
        Output {
            status,
            stdout: text(&self.out),
            stderr: text(&self.err),
        }
        .assert()
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

pub(crate) fn with_secret(sb: &Sandbox) -> Command {
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
        let assert = l.stop("TERM").code(0).stderr(predicate::str::ends_with(
            "orqex: stopped by SIGTERM: 4 deliveries, 0 forwarded, 3 rejected, 0 repeats\n",
        ));
        assert_no_secret(assert.get_output());
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
        let assert = l.stop("INT").code(0).stderr(predicate::str::ends_with(
            "orqex: stopped by Ctrl-C: 2 deliveries, 1 forwarded, 0 not answered by the app, 1 rejected, 0 repeats\n",
        ));
        assert_no_secret(assert.get_output());
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
    let failed_body = EVENT_BODY.replace("payment.completed", "payment.failed");
    assert_eq!(deliver(l.addr, &failed, &failed_body).status, 200);
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
        l.stop("TERM").stderr(predicate::str::ends_with(
            "3 deliveries, 3 forwarded, 0 not answered by the app, 0 rejected, 1 repeat\n",
        ));
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

    // A length of 5,000 digits is refused without being quoted back whole.
    let digits = "9".repeat(5000);
    let huge = exchange(
        l.addr,
        format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {digits}\r\n\r\n").as_bytes(),
    );
    assert_eq!(huge.status, 413);
    assert_eq!(
        huge.json()["error"],
        "the body is larger than 1 MiB (its Content-Length has 5000 digits)"
    );

    // Still serving after all that.
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );

    let lines = l.lines(5);
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
    assert_eq!(lines[3]["answered"], 413);
    assert_eq!(
        lines[3]["error"],
        "the body is larger than 1 MiB (its Content-Length has 5000 digits)"
    );
    assert_eq!(lines[4]["answered"], 200);
    assert_eq!(
        app.requests().len(),
        1,
        "only the good delivery was forwarded"
    );
    #[cfg(unix)]
    {
        l.stop("TERM").code(0).stderr(predicate::str::ends_with(
            "5 deliveries, 1 forwarded, 0 not answered by the app, 4 rejected, 0 repeats\n",
        ));
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
        l.stop("TERM").stderr(predicate::str::ends_with(
            "1 delivery, 0 forwarded, 1 not answered by the app, 0 rejected, 0 repeats\n",
        ));
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
    let attempt_body = EVENT_BODY.replace("payment.completed", "payment.attempt.failed");
    assert_eq!(deliver(l.addr, &headers, &attempt_body).status, 200);
    let lines = l.lines(1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"], "payment.attempt.failed");
    assert_eq!(app.requests().len(), 1);
    #[cfg(unix)]
    {
        l.stop("TERM")
            .stdout(one_line())
            .stderr(predicate::str::ends_with(
                "2 deliveries, 1 forwarded, 0 not answered by the app, 0 rejected, 1 ignored, 0 repeats\n",
            ));
    }
}

#[test]
fn a_valid_signature_vouches_only_for_the_body_so_the_body_names_the_event() {
    let sb = Sandbox::new();
    let l = Listen::start(with_secret(&sb), &[]);
    let mut headers = orqex_headers(Some(SECRET));
    headers[1].1 = "payment.refunded".into();
    headers[2].1 = "TRXBBBBBBBB".into();
    assert_eq!(deliver(l.addr, &headers, EVENT_BODY).status, 200);
    let line = &l.lines(1)[0];
    assert_eq!(line["signature"], "valid");
    assert_eq!(line["event"], "payment.completed");
    assert_eq!(line["payment_id"], "TRX1A2B3C4D");
    assert_eq!(
        line["error"],
        "the X-Payment-Event header says `payment.refunded`, the body `payment.completed`; the body's is shown; the X-Payment-Id header says `TRXBBBBBBBB`, the body `TRX1A2B3C4D`; the body's is shown"
    );
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
        let assert = l
            .stop("TERM")
            .stdout(
                contains_all([
                    r#""event":"payment.completed\u001b[2J""#.to_string(),
                    r#""payment_id":"TRX\u202e1""#.to_string(),
                    r#""payment_status":"\u009b31m""#.to_string(),
                    format!(r#""payment_id":"{SECRET_MASKED}""#),
                ])
                .and(contains("\u{1b}").not())
                .and(contains("\u{202e}").not())
                .and(contains("\u{9b}").not()),
            )
            .stderr(
                contains("orqex: GET /\\x1b]0;owned\\x07 answered 405 Method Not Allowed: only POST deliveries are read here\n")
                    .and(contains("\u{1b}").not()),
            );
        assert_no_secret(assert.get_output());
    }
}

/// A sender or an app that knows the secrets can echo them reshaped: upper-cased, or base64.
/// Every form is masked as the secret itself is, on every stream.
#[cfg(unix)]
#[test]
fn the_secrets_in_use_are_masked_upper_cased_or_base64_encoded() {
    let sb = Sandbox::new();
    let upper = SECRET.to_ascii_uppercase();
    // base64 of SECRET, computed by Python's base64.b64encode.
    let base64 = "d2hzZWNfdGVzdF8wMDAwXzAwMDBfZmFrZQ==";
    let key = "sk_sandbox_test_0000_0000_fake";
    let key_upper = key.to_ascii_uppercase();
    let leaks = [upper.as_str(), &base64[..32], key_upper.as_str()];
    let mut cmd = with_secret(&sb);
    cmd.env("ORQEX_SECRET_KEY", key);
    let l = Listen::start(cmd, &[]);
    l.wait_stderr("signatures checked with");
    let body = json!({"event": base64, "payment": {"id": key_upper, "status": upper}}).to_string();
    let headers = [
        ("X-Payment-Id", upper.clone()),
        ("x-orqex-signature", signature(SECRET, body.as_bytes())),
    ];
    assert_eq!(deliver(l.addr, &headers, &body).status, 200);
    l.lines(1);
    let assert = l.stop("TERM").stdout(contains_all([
        format!(r#""payment_status":"{SECRET_MASKED}""#),
        r#""payment_id":"sk_sandbox_***fake""#.to_string(),
        format!(r#""event":"{SECRET_MASKED}=="#),
    ]));
    for leak in leaks {
        assert_no_form(leak, assert.get_output());
    }

    let answer = format!("{SECRET} {upper} {base64}");
    let handler = Server::start(move |_, _| Reply::text(500, "text/plain", &answer));
    let url = format!("http://{}/hooks", handler.addr);
    let assert = trigger(with_secret(&sb), &["payment.failed", "--to", &url])
        .code(4)
        .stderr(contains(format!(
            "answered 500 Internal Server Error: {SECRET_MASKED} {SECRET_MASKED} {SECRET_MASKED}==\n"
        )));
    for leak in leaks {
        assert_no_form(leak, assert.get_output());
    }
}

fn assert_no_form(leak: &str, output: &Output) {
    for (name, text) in [("stdout", stdout(output)), ("stderr", stderr(output))] {
        assert!(!text.contains(leak), "{leak} leaked on {name}: {text}");
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
    // The last line of stderr: the "listening on" line always comes before it.
    l.stop("TERM")
        .code(0)
        .stdout(line_count(3))
        .stderr(predicate::str::ends_with(
            "\norqex: stopped by SIGTERM: 3 deliveries, 0 forwarded, 1 rejected, 1 repeat\n",
        ));

    let l = Listen::start(sb.cmd(), &[]);
    l.stop("INT").code(0).stderr(predicate::str::ends_with(
        "\norqex: stopped by Ctrl-C: 0 deliveries, 0 forwarded, 0 rejected, 0 repeats\n",
    ));

    // A closed terminal is not a request to stop: it ends orqex by the signal, as always.
    let l = Listen::start(sb.cmd(), &[]);
    let assert = l.stop("HUP");
    assert_died_by(assert.get_output(), 1);
    assert.stderr(predicate::str::ends_with(
        "orqex: hung up (SIGHUP); stopped listening for webhooks\n",
    ));
}

#[cfg(unix)]
#[test]
fn sigterm_ignored_on_entry_stays_ignored() {
    // As under `nohup` for SIGHUP, or a shell's `trap '' TERM`: whoever started orqex asked.
    let sb = Sandbox::new();
    let l = Listen::start(sh(&sb.cmd(), r#"trap '' TERM; exec "$0" "$@""#), &[]);
    // A signal ignored when sent is discarded at once: nothing is left pending to act on later.
    #[cfg(target_os = "linux")]
    assert!(
        signal_in_mask(l.pid(), "SigIgn", 15),
        "SIGTERM no longer ignored"
    );
    l.signal("TERM");
    // Still listening.
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );
    l.stop("INT").code(0).stderr(predicate::str::ends_with(
        "1 delivery, 0 forwarded, 0 rejected, 0 repeats\n",
    ));
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
    assert_no_secret_in("the terminal", &output);
    assert_terminal_restored(&p, &output);
}

#[test]
fn a_port_in_use_is_one_line_and_exit_2() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let sb = Sandbox::new();
    sb.cmd()
        .args(["webhooks", "listen", "--port", &port])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "orqex: cannot listen on 127.0.0.1:{port}: the port is in use (another listener, or your app?); choose another with --port N, or --port 0 for a free one\n"
        ));
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
            "orqex: --forward-timeout `0` is too short; the least is 1ms; see --help\n",
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
        sb.cmd()
            .args(["webhooks", "listen", "--port", "0"])
            .args(args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stderr(expected);
    }
    // A secret that is not a signing secret is refused without being repeated.
    sb.cmd()
        .env("ORQEX_WEBHOOK_SECRET", "sk_sandbox_test_0000_0000_fake")
        .args(["webhooks", "listen", "--port", "0"])
        .assert()
        .code(2)
        .stderr(
            "orqex: ORQEX_WEBHOOK_SECRET: that is a secret API key (sk_...), not a webhook signing secret (whsec_...); copy the endpoint's signing secret from the dashboard\n",
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
    l.stop("TERM").code(0);
}

// ---- trigger ----

/// `cmd` (the sandbox's, secret set or not) as `webhooks trigger ARGS`.
pub(crate) fn trigger(mut cmd: Command, args: &[&str]) -> Assert {
    cmd.args(["webhooks", "trigger"]).args(args).assert()
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
    let assert = trigger(
        with_secret(&sb),
        &[
            "payment.completed",
            "--to",
            &url,
            "-m",
            "order_id=1024",
            "--metadata",
            "channel=web",
        ],
    )
    .code(0);

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

    let line = stdout_json(assert.get_output());
    assert_eq!(
        line,
        json!({"event": "payment.completed", "payment_id": payment_id, "delivery": 1,
               "signature": expected, "status": 200, "latency_ms": line["latency_ms"], "error": null})
    );
    let assert = assert.stderr(format!(
        "orqex: payment.completed for {payment_id}, signed with {SECRET_MASKED} (ORQEX_WEBHOOK_SECRET), to {url}: answered 200 OK in {}ms\n",
        line["latency_ms"]
    ));
    assert_no_secret(assert.get_output());
}

#[test]
fn trigger_without_a_secret_sends_no_signature() {
    let handler = Server::start(|_, _| Reply::json(204, json!({})));
    let sb = Sandbox::new();
    let assert = trigger(
        sb.cmd(),
        &[
            "payment.attempt.action_required",
            "--to",
            &format!("http://{}/", handler.addr),
            "--payment",
            "TRX00C0FFEE",
        ],
    )
    .code(0)
    .stderr(contains(", unsigned (no signing secret), to "));
    let req = handler.only_request();
    assert!(req.header("x-orqex-signature").is_none(), "{req:?}");
    assert_eq!(req.header("x-payment-id"), Some("TRX00C0FFEE"));
    let body = req.json();
    assert_eq!(body["payment"]["id"], "TRX00C0FFEE");
    assert_eq!(body["payment"]["status"], "pending");
    assert_eq!(body["attempt"]["status"], "action_required");
    assert_eq!(stdout_json(assert.get_output())["signature"], Value::Null);
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
    let assert = trigger(sb.cmd(), &["payment.failed", "--to", &url])
        .code(4)
        .stderr(
            predicate::str::ends_with(format!(
                "orqex: the handler at {url} answered 500 Internal Server Error: <h1>Oops\\x1b[31m</h1> <p>stack trace here</p>\n"
            ))
            .and(contains("\u{1b}").not()),
        );
    assert_eq!(stdout_json(assert.get_output())["status"], 500);

    let dead = dead_url();
    let assert = trigger(
        sb.cmd(),
        &["payment.failed", "--to", &dead, "--repeat", "3"],
    )
    .code(6)
    .stderr(format!(
        "orqex: the handler at {dead} refused the connection (is it running, on that port?); 2 more not sent\n"
    ));
    let line = stdout_json(assert.get_output());
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
    trigger(
        sb.cmd(),
        &[
            "payment.failed",
            "--to",
            &format!("http://{}/", slow.addr),
            "--timeout",
            "300ms",
        ],
    )
    .code(6)
    .stderr(predicate::str::ends_with("did not answer within 300ms\n"));
}

#[test]
fn trigger_names_a_handler_answer_it_could_not_read() {
    let sb = Sandbox::new();
    for (head, said) in [
        (
            (0..130)
                .map(|i| format!("X-H{i}: a\r\n"))
                .collect::<String>(),
            "answered with more than 128 headers",
        ),
        (
            format!("X-Big: {}\r\n", "a".repeat(70 * 1024)),
            // The limit every answer has, the API's included (src/connect).
            "answered with headers larger than 32 KiB",
        ),
    ] {
        let handler = Server::start(move |_, _| {
            Reply::Raw(format!("HTTP/1.1 200 OK\r\n{head}Content-Length: 0\r\n\r\n").into_bytes())
        });
        let url = format!("http://{}/", handler.addr);
        trigger(sb.cmd(), &["payment.failed", "--to", &url])
            .code(6)
            .stderr(contains(said));
    }
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
    // The second answer was not 2xx.
    let assert = trigger(
        with_secret(&sb),
        &["payment.refunded", "--to", &url, "--repeat", "3"],
    )
    .code(4)
    .stderr(
        contains("orqex: delivery 1 of 3: payment.refunded for TRX").and(predicate::str::ends_with(format!(
            "orqex: the handler at {url} answered other than 2xx to 1 of 3 deliveries; the last, delivery 2, got 409 Conflict: {{\"error\":\"already handled\"}}\n"
        ))),
    );
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
    let lines = json_lines(assert.get_output());
    let deliveries: Vec<&Value> = lines.iter().map(|l| &l["delivery"]).collect();
    assert_eq!(deliveries, [&json!(1), &json!(2), &json!(3)]);
    let statuses: Vec<&Value> = lines.iter().map(|l| &l["status"]).collect();
    assert_eq!(statuses, [&json!(200), &json!(409), &json!(200)]);
}

#[test]
fn trigger_and_listen_work_together() {
    let app = Server::start(|_, _| Reply::json(200, json!({"ok": true})));
    let sb = Sandbox::new();
    let l = Listen::start(
        with_secret(&sb),
        &["--forward-to", &format!("http://{}/", app.addr)],
    );
    trigger(
        with_secret(&sb),
        &[
            "payment.completed",
            "--to",
            &format!("http://{}/", l.addr),
            "--repeat",
            "2",
        ],
    )
    .code(0);
    let lines = l.lines(2);
    assert_eq!(lines[0]["signature"], "valid");
    assert_eq!(
        (&lines[0]["repeat"], &lines[1]["repeat"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(app.requests().len(), 2);
    #[cfg(unix)]
    {
        l.stop("TERM").stderr(predicate::str::ends_with(
            "2 deliveries, 2 forwarded, 0 not answered by the app, 0 rejected, 1 repeat\n",
        ));
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
            "orqex: --timeout `soon` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s); see --help\n",
        ),
    ] {
        trigger(sb.cmd(), args)
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(expected).and(one_line()));
    }
    assert!(handler.requests().is_empty());
    // clap's own checks name the flag too.
    trigger(
        sb.cmd(),
        &["payment.completed", "--to", &to, "--repeat", "0"],
    )
    .code(2)
    .stderr("orqex: --repeat `0` is out of range: give 1 to 100; see --help\n");
}

// ---- verify ----

/// `cmd` (the sandbox's, secret set or not) as `webhooks verify --signature SIG`.
fn verify(mut cmd: Command, sig: &str) -> Command {
    cmd.args(["webhooks", "verify", "--signature", sig]);
    cmd
}

#[test]
fn verify_says_whether_a_saved_payload_matches() {
    let sb = Sandbox::new();
    let file = sb.file("payload.json", EVENT_BODY);
    let sig = signature(SECRET, EVENT_BODY.as_bytes());

    verify(with_secret(&sb), &sig)
        .arg(&file)
        .assert()
        .code(0)
        .stdout("signature valid\n")
        .stderr("");

    // Upper-case hex is not: the documented check (hash_equals) compares exactly, and a
    // handler written from it refuses one. Surrounding white space, as a header has, is fine.
    verify(with_secret(&sb), &sig.to_ascii_uppercase())
        .arg("-")
        .write_stdin(EVENT_BODY)
        .assert()
        .code(1)
        .stdout("")
        .stderr("orqex: signature does not match: it is in upper case, and the documented check (hash_equals) compares the lowercase hex Orqex sends exactly, so your handler would refuse it too\n");
    verify(with_secret(&sb), &format!(" {sig}\t"))
        .arg(&file)
        .assert()
        .code(0);

    // Tampered: one byte changed, or a newline added by an editor.
    for tampered in [
        EVENT_BODY.replace("5000", "5001"),
        format!("{EVENT_BODY}\n"),
    ] {
        let assert = verify(with_secret(&sb), &sig)
            .write_stdin(tampered.as_bytes())
            .assert()
            .code(1)
            .stdout("")
            .stderr("orqex: signature does not match this payload and secret\n");
        assert_no_secret(assert.get_output());
    }

    // Another secret, named with --secret-env.
    verify(with_secret(&sb), &sig)
        .env("OTHER_WHSEC", "whsec_test_1111_1111_fake")
        .args(["--secret-env", "OTHER_WHSEC"])
        .arg(&file)
        .assert()
        .code(1);
}

#[test]
fn verify_needs_a_secret_and_a_signature() {
    let sb = Sandbox::new();
    let file = sb.file("payload.json", EVENT_BODY);
    let sig = signature(SECRET, EVENT_BODY.as_bytes());
    verify(sb.cmd(), &sig)
        .arg(&file)
        .assert()
        .code(3)
        .stderr(
            "orqex: no webhook signing secret to check with: set ORQEX_WEBHOOK_SECRET, name another variable with --secret-env NAME, or store it with `orqex config set webhook-secret`\n",
        );
    verify(with_secret(&sb), "sha256=abc")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(
            "orqex: --signature: `sha256=abc` is not a signature; give the x-orqex-signature header's value, 64 hexadecimal characters\n",
        );
    verify(with_secret(&sb), &sig)
        .arg(sb.home.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with("missing.json: no such file\n"));
}

// ---- the signing secret ----

#[test]
fn the_secret_is_refused_on_the_command_line_and_never_printed() {
    let handler = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let to = format!("http://{}/", handler.addr);
    // Named by the flag that was given it when that flag takes a value (`--secret` does not
    // exist), with the advice for a paste by mistake too.
    for (holder, args) in [
        (
            "an argument",
            &["webhooks", "listen", "--secret", SECRET][..],
        ),
        (
            "an argument",
            &[
                "webhooks",
                "trigger",
                "payment.completed",
                "--to",
                &to,
                &format!("--secret={SECRET}"),
            ],
        ),
        (
            "-m",
            &[
                "webhooks",
                "trigger",
                "payment.completed",
                "--to",
                &to,
                "-m",
                &format!("note={SECRET}"),
            ],
        ),
        (
            "--signature",
            &["webhooks", "verify", "--signature", SECRET, "payload.json"],
        ),
        ("an argument", &["config", "set", "webhook-secret", SECRET]),
    ] {
        let fix = "set ORQEX_WEBHOOK_SECRET (or name another variable with --secret-env), or store it with `orqex config set webhook-secret`, which reads it from stdin";
        let fix = if holder == "an argument" {
            fix.to_string()
        } else {
            format!("remove it if it was pasted there by mistake; to use it, {fix}")
        };
        let assert = sb
            .cmd()
            .args(args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "orqex: {holder} holds what looks like a webhook signing secret ({SECRET_MASKED}); secrets are never taken from the command line, where `ps` and shell history show them: {fix}\n"
            )));
        assert_no_secret(assert.get_output());
    }
    // The secret in use is refused even when it does not look like one (whsec_ glued to a word).
    let assert = trigger(
        with_secret(&sb),
        &[
            "payment.completed",
            "--to",
            &to,
            "-m",
            &format!("note=x{SECRET}"),
        ],
    )
    .code(2)
    .stderr(contains(
        "-m holds what looks like a webhook signing secret",
    ));
    assert_no_secret(assert.get_output());
    // With a signing secret set, a secret key given in its place is still called a key.
    with_secret(&sb)
        .args(["webhooks", "trigger", "payment.completed", "--to", &to])
        .args(["-m", "note=sk_sandbox_test_0000_0000_fake"])
        .assert()
        .code(2)
        .stderr(contains(
            "-m holds what looks like a secret key (sk_sandbox_***fake)",
        ));
    // Upper-cased, a key is still one.
    with_secret(&sb)
        .args(["webhooks", "trigger", "payment.completed", "--to", &to])
        .args(["-m", "note=SK_SANDBOX_TEST_0000_0000_FAKE"])
        .assert()
        .code(2)
        .stderr(contains(
            "-m holds what looks like a secret key (sk_sandbox_***fake)",
        ));
    // A flag that is not there, with a value that is not secret-shaped: named, not repeated.
    sb.cmd()
        .args(["webhooks", "listen", "--secret", "hunter2hunter2"])
        .assert()
        .code(2)
        .stderr(
            contains_all([
                "unexpected argument '--secret'",
                "the webhook signing secret is never given on the command line",
            ])
            .and(contains("hunter2").not()),
        );
    assert!(handler.requests().is_empty());
}

#[test]
fn config_stores_the_secret_from_stdin_shows_it_masked_and_unsets_it() {
    let sb = Sandbox::new();
    let path = sb.config_dir().join("config.toml");
    let assert = sb
        .cmd()
        .args(["config", "set", "webhook-secret"])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .code(0)
        .stderr(format!(
            "saved webhook signing secret {SECRET_MASKED} to profile `default` in {}\n",
            path.display()
        ));
    assert_no_secret(assert.get_output());
    let text = sb.config_text();
    assert!(
        text.contains(&format!(
            "[profiles.default]\nwebhook_secret = \"{SECRET}\"\n"
        )),
        "{text}"
    );

    let assert = sb.cmd().arg("config").assert().stdout(contains_all([
        format!(
            "webhook:     signing secret {SECRET_MASKED} (from profile `default` in the config file)\n"
        ),
        format!("* default  no key, webhook secret {SECRET_MASKED}\n"),
    ]));
    assert_no_secret(assert.get_output());
    let assert = sb.cmd().args(["config", "--json"]).assert();
    let json = stdout_json(assert.get_output());
    assert_eq!(
        json["webhook_secret"],
        json!({"masked": SECRET_MASKED, "source": "file"})
    );
    assert_eq!(
        json["profiles"]["default"]["webhook_secret"]["masked"],
        SECRET_MASKED
    );
    assert_no_secret(assert.get_output());

    // Used by the webhooks commands from the profile.
    let file = sb.file("payload.json", EVENT_BODY);
    verify(sb.cmd(), &signature(SECRET, EVENT_BODY.as_bytes()))
        .arg(&file)
        .assert()
        .code(0);

    // ORQEX_WEBHOOK_SECRET wins while it is set.
    sb.cmd()
        .env("ORQEX_WEBHOOK_SECRET", "whsec_test_2222_2222_fake")
        .arg("config")
        .assert()
        .stdout(contains(
            "webhook:     signing secret whsec_***fake (from ORQEX_WEBHOOK_SECRET)\n",
        ));

    sb.cmd()
        .args(["config", "unset", "webhook-secret"])
        .assert()
        .code(0);
    assert!(!sb.config_text().contains("webhook_secret"));
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
        let assert = sb
            .cmd()
            .args(["config", "set", "webhook-secret"])
            .write_stdin(input)
            .assert()
            .code(2)
            .stderr(expected);
        assert_no_secret(assert.get_output());
    }
    // A value on the command line that does not look like a secret is refused unrepeated.
    sb.cmd()
        .args(["config", "set", "webhook-secret", "hunter2hunter2"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::starts_with("orqex: webhook-secret takes no value on the command line")
                .and(contains("hunter2").not()),
        );
    assert!(!sb.config_dir().exists());
    // Other settings still need their value.
    sb.cmd()
        .args(["config", "set", "currency"])
        .assert()
        .code(2)
        .stderr(
            "orqex: `config set currency` needs a value, like: orqex config set currency XOF\n",
        );
}

#[test]
fn forwarding_to_the_listener_itself_is_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sb = Sandbox::new();
    sb.cmd()
        .args(["webhooks", "listen", "--port", &port.to_string()])
        .args(["--forward-to", &format!("http://localhost:{port}/hooks")])
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with(format!(
            "orqex: --forward-to http://localhost:{port}/hooks is this listener itself (port {port}): each delivery would go round in a circle; forward to your app's own port\n"
        )));
}

#[cfg(unix)]
#[test]
fn a_stdout_whose_reader_is_gone_stops_listen_with_exit_1() {
    // As `orqex webhooks listen | head -n 1` does once head has its line.
    let sb = Sandbox::new();
    let mut l = Listen::spawn(sb.cmd(), &[]);
    let mut out = BufReader::new(l.child_mut().stdout.take().unwrap());
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"payment_id\":\"TRX1A2B3C4D\""), "{first}");
    drop(out);
    // The sender is still answered; the listener then stops, since nothing can be reported.
    assert_eq!(
        deliver(l.addr, &orqex_headers(None), EVENT_BODY).status,
        200
    );
    l.wait().code(1).stderr(predicate::str::ends_with(
        "orqex: stopped listening: 2 deliveries, 0 forwarded, 0 rejected, 1 repeat\norqex: cannot write the result to stdout: its reader closed it; stopped listening\n",
    ));
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
    assert_no_secret_in("the terminal", &out);
    assert!(!out.contains("test_0000"), "{out}");
    assert_terminal_restored(&p, &out);
    let text = sb.config_text();
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
    let file = sb.file("payload.json", EVENT_BODY);
    let sig = signature(SECRET, EVENT_BODY.as_bytes());
    verify(sb.cmd(), &sig)
        .args(["--profile", "sandbx"])
        .arg(&file)
        .assert()
        .code(3)
        .stderr(contains(
            "orqex: warning: profile `sandbx` is not in the config file (it has sandbox); going on without profile settings\n",
        ));
    verify(sb.cmd(), &sig)
        .args(["--profile", "sandbox"])
        .arg(&file)
        .assert()
        .code(0);
}
