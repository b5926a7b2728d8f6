//! `orqex webhooks` on the network: https handlers and apps (trusted by the built-in roots or
//! a CA bundle, as the API is), the listener never forwarding to itself, and its deadlines.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::*;
use crate::webhooks::{EVENT_BODY, Listen, deliver, orqex_headers, trigger};

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
