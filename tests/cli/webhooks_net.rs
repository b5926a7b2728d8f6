//! `orqex webhooks` on the network: https handlers and apps (trusted by the built-in roots or
//! a CA bundle, as the API is), the listener never forwarding to itself, and its deadlines.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::*;
use crate::webhooks::{EVENT_BODY, Listen, SECRET, deliver, orqex_headers, trigger, with_secret};

fn https(server: &Server, host: &str) -> String {
    format!("https://{host}:{}/hooks", server.addr.port())
}

#[test]
fn trigger_to_an_https_handler_trusts_the_ca_bundle_and_refuses_an_unknown_ca_in_one_line() {
    let handler = Server::start_tls(|_, _| Reply::json(200, json!({"ok": true})));
    let sb = Sandbox::new();
    let url = https(&handler, "127.0.0.1");

    let assert = trigger(
        sb.cmd(),
        &["payment.completed", "--to", &url, "--ca-bundle", TEST_CA],
    )
    .code(0);
    assert_eq!(stdout_json(assert.get_output())["status"], 200);
    let req = handler.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/hooks");
    assert_eq!(req.json()["event"], "payment.completed");

    // The same from the environment, by name, and from the profile (relative to the config).
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_CA_BUNDLE", TEST_CA);
    trigger(
        cmd,
        &["payment.failed", "--to", &https(&handler, "localhost")],
    )
    .code(0);
    sb.write_config("[profiles.default]\nca_bundle = \"corp-ca.pem\"\n");
    std::fs::copy(TEST_CA, sb.config_dir().join("corp-ca.pem")).unwrap();
    trigger(sb.cmd(), &["payment.failed", "--to", &url]).code(0);
    handler.assert_hits(3);

    // Without the CA: one line, the way out named, nothing delivered, no abort.
    let sb = Sandbox::new();
    let assert = trigger(sb.cmd(), &["payment.completed", "--to", &url])
        .code(6)
        .stderr(format!(
            "orqex: the handler at {url} presented a TLS certificate no trusted authority signed; if a private CA signs it (private deployment, corporate proxy), trust that CA with --ca-bundle FILE or ORQEX_CA_BUNDLE\n"
        ));
    assert_eq!(stdout_json(assert.get_output())["status"], Value::Null);
    handler.assert_hits(3);

    // A bundle that is not one is refused before anything is sent.
    let bad = sb.file("not-a-ca.pem", "hello\n");
    trigger(
        sb.cmd(),
        &["payment.completed", "--to", &url, "--ca-bundle"],
    )
    .code(2);
    trigger(
        sb.cmd(),
        &[
            "payment.completed",
            "--to",
            &url,
            "--ca-bundle",
            bad.to_str().unwrap(),
        ],
    )
    .code(2)
    .stderr(format!(
        "orqex: --ca-bundle: {} holds no certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate in PEM form\n",
        bad.display()
    ));
    handler.assert_hits(3);
}

#[test]
fn listen_forwards_to_an_https_app_and_answers_502_to_an_untrusted_one_and_stays_up() {
    let app = Server::start_tls(|_, _| Reply::json(202, json!({"handled": true})));
    let sb = Sandbox::new();
    let to = https(&app, "localhost");
    let l = Listen::start(sb.cmd(), &["--forward-to", &to, "--ca-bundle", TEST_CA]);
    let answer = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(app.only_request().body, EVENT_BODY.as_bytes());
    drop(l);

    let l = Listen::start(sb.cmd(), &["--forward-to", &to]);
    for n in 1..=2 {
        let answer = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
        assert_eq!(answer.status, 502, "{}", answer.body);
        let lines = l.lines(n);
        assert_eq!(
            lines[n - 1]["forward"]["error"],
            "presented a TLS certificate no trusted authority signed; if a private CA signs it (private deployment, corporate proxy), trust that CA with --ca-bundle FILE or ORQEX_CA_BUNDLE"
        );
    }
    app.assert_hits(1);
    #[cfg(unix)]
    l.stop("TERM").code(0).stderr(predicate::str::ends_with(
        "2 deliveries, 0 forwarded, 2 not answered by the app, 0 rejected, 1 repeat\n",
    ));
}

/// A port free a moment ago, for a listener that must be named before it starts.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A name other than localhost that this machine's hosts file gives as 127.0.0.1, if any:
/// found without DNS (the hosts file comes first), so no query leaves the machine.
fn hosts_file_name() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut words = line.split('#').next()?.split_whitespace();
        (words.next()? == "127.0.0.1")
            .then(|| words.find(|w| !w.to_ascii_lowercase().contains("localhost")))?
            .map(str::to_string)
    })
}

#[test]
fn forwarding_to_the_listener_by_any_name_or_address_is_refused() {
    let sb = Sandbox::new();
    let mut hosts = vec![
        "localhost.".to_string(),
        "LOCALHOST.localdomain".into(),
        "app.localhost".into(),
        "[::ffff:127.0.0.1]".into(),
        "0.0.0.0".into(),
        "127.1".into(),
    ];
    hosts.extend(hosts_file_name());
    for host in hosts {
        let port = free_port();
        let url = format!("http://{host}:{port}/hooks");
        let mut cmd = sb.cmd();
        cmd.args(["webhooks", "listen", "--port", &port.to_string()])
            .args(["--forward-to", &url]);
        // A listener that takes the URL runs until stopped: killed here, the test fails.
        assert_cmd::Command::from_std(cmd)
            .timeout(Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicate::str::ends_with(format!(
                " is this listener itself (port {port}): each delivery would go round in a circle; forward to your app's own port\n"
            )));
    }

    // Listening on 127.0.0.1 written as IPv6 is listening on this machine only.
    let port = free_port();
    let mut cmd = sb.cmd();
    cmd.args(["webhooks", "listen", "--port", &port.to_string()])
        .args(["--host", "::ffff:127.0.0.1"])
        .args(["--forward-to", &format!("http://127.0.0.1:{port}/")]);
    assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(contains("is this listener itself"));
    let l = Listen::start(sb.cmd(), &["--host", "::ffff:127.0.0.1"]);
    assert_eq!(l.addr.ip().to_string(), "127.0.0.1");
    l.wait_stderr("not forwarding");
    assert!(!l.stderr_now().contains("reachable from other machines"));
}

// ---- the listener's answers and deadlines ----

/// Sends `bytes` on a new connection (from a thread, so that a listener that stops reading
/// cannot block the test) and reads what comes back until the listener closes: the answer,
/// or the error a reset gives instead.
fn send_raw(addr: std::net::SocketAddr, bytes: Vec<u8>) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut writer = stream.try_clone()?;
    let sending = std::thread::spawn(move || {
        let _ = writer.write_all(&bytes);
    });
    let mut got = Vec::new();
    let read = stream.read_to_end(&mut got);
    let _ = sending.join();
    read.map(|_| String::from_utf8_lossy(&got).into_owned())
}

#[test]
fn listen_answers_a_head_too_large_or_too_many_blank_lines_before_closing() {
    let sb = Sandbox::new();
    let l = Listen::start(sb.cmd(), &[]);
    let huge = format!(
        "POST / HTTP/1.1\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(256 * 1024)
    );
    let answer = send_raw(l.addr, huge.into_bytes()).expect("the 431 was lost to a reset");
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
    assert!(answer.ends_with(r#"{"error":"the request's headers (with any blank lines before it) are larger than 16 KiB"}"#), "{answer}");

    let mut blank = "\r\n".repeat(64 * 1024).into_bytes();
    blank.extend_from_slice(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
    let answer = send_raw(l.addr, blank).expect("no answer but a reset");
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");

    // The listener is still there for a delivery.
    let ok = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(ok.status, 200);
}

/// A sender refused at once (413) that goes on sending a byte every 100 ms: the listener's
/// deadline ends the connection, so the sender's writes start failing.
fn drip_after_413(addr: std::net::SocketAddr) -> std::thread::JoinHandle<Option<Duration>> {
    use std::io::{Read, Write};
    std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nContent-Length: 900000000\r\n\r\n{")
            .unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 413");
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if s.write_all(b"x").is_err() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    })
}

#[test]
fn a_sender_dripping_after_an_early_answer_is_cut_off_and_locks_no_one_out() {
    let sb = Sandbox::new();
    let l = Listen::start(sb.cmd(), &[]);
    // As many as the listener serves at once: before the deadline, they held every slot.
    let drips: Vec<_> = (0..64).map(|_| drip_after_413(l.addr)).collect();
    for drip in drips {
        let cut = drip.join().unwrap();
        assert!(
            cut.is_some_and(|after| after < Duration::from_secs(10)),
            "still connected after 30 s: {cut:?}"
        );
    }
    let ok = deliver(l.addr, &orqex_headers(None), EVENT_BODY);
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[test]
fn a_delivery_naming_a_field_twice_is_refused_and_not_forwarded() {
    let app = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let l = Listen::start(
        sb.cmd(),
        &[
            "--forward-to",
            &format!("http://{}/", app.addr),
            "--events",
            "payment.failed",
        ],
    );
    // Filtered as payment.failed (the last), handled by many apps as completed (the first).
    let body =
        r#"{"event":"payment.completed","payment":{"id":"TRX1A2B3C4D"},"event":"payment.failed"}"#;
    let answer = deliver(l.addr, &orqex_headers(None), body);
    assert_eq!(answer.status, 400, "{}", answer.body);
    let why = "the body names `event` twice in one object; a delivery names each field once (parsers differ on which one counts)";
    assert_eq!(answer.json(), json!({ "error": why }));
    assert_eq!(l.lines(1)[0]["error"], why);
    app.assert_hits(0);
}

#[test]
fn a_signing_secret_too_short_to_be_real_is_refused() {
    let sb = Sandbox::new();
    let why = "the webhook signing secret is too short to be a real one (fewer than 16 characters after `whsec_`); copy the whole secret from the endpoint's settings";
    for args in [
        &["webhooks", "listen", "--port", "0"][..],
        &[
            "webhooks",
            "trigger",
            "payment.completed",
            "--to",
            "http://127.0.0.1:9/",
        ],
        &["webhooks", "verify", "--signature", &"0".repeat(64), "-"],
    ] {
        let mut cmd = sb.cmd();
        cmd.env("ORQEX_WEBHOOK_SECRET", "whsec_x").args(args);
        assert_cmd::Command::from_std(cmd)
            .timeout(Duration::from_secs(20))
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("orqex: ORQEX_WEBHOOK_SECRET: {why}\n"));
    }
}

#[test]
fn listen_compares_signatures_exactly_as_the_documented_check_does() {
    let sb = Sandbox::new();
    let l = Listen::start(with_secret(&sb), &[]);
    let mut headers = orqex_headers(Some(SECRET));
    let (_, sig) = headers.pop().unwrap();
    headers.push(("x-orqex-signature", sig.to_ascii_uppercase()));
    let answer = deliver(l.addr, &headers, EVENT_BODY);
    assert_eq!(answer.status, 401, "{}", answer.body);
    let why = "the x-orqex-signature header is in upper case; the documented check compares the lowercase hex Orqex sends exactly";
    assert_eq!(answer.json(), json!({ "error": why }));
    let line = &l.lines(1)[0];
    assert_eq!(line["signature"], "invalid");
    assert_eq!(line["error"], why);
    // White space around the value, which a header may carry, is not part of it.
    headers.pop();
    headers.push(("x-orqex-signature", format!("{sig} ")));
    assert_eq!(deliver(l.addr, &headers, EVENT_BODY).status, 200);
}
