//! Output formats, JSON errors, the terminal extras (summary, QR, browser, spinner).

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

fn get(sb: &Sandbox, server: &Server, extra: &[&str]) -> std::process::Output {
    sb.cmd_for(server)
        .args(["checkout", "get", "cs_abc123"])
        .args(extra)
        .output()
        .unwrap()
}

fn serving(body: Value) -> Server {
    Server::start(move |_, _| Reply::json(200, body.clone()))
}

#[test]
fn output_id_prints_the_checkout_id() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--output", "id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "cs_abc123\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn json_is_output_json() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let mut printed = Vec::new();
    for flags in [
        &["--json"][..],
        &["--output", "json"],
        &["-o", "json"],
        &["--json", "--output", "json"],
    ] {
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flags:?}: {}", stderr(&out));
        printed.push(stdout(&out));
    }
    assert!(printed.iter().all(|p| *p == printed[0]));
    let v: Value = serde_json::from_str(&printed[0]).unwrap();
    assert_eq!(v, checkout_body("cs_abc123"));
}

#[test]
fn json_contradicting_output_is_refused_before_sending() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--json", "--output", "url"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // --json was given, so the error itself is JSON.
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        err["message"],
        "--json means --output json, which contradicts --output url; keep one of them"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn env_output_is_bare_for_plain_values_so_github_env_reads_it_too() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--output", "env"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ORQEX_CHECKOUT_ID=cs_abc123\n\
         ORQEX_CHECKOUT_URL=https://pay.orqex.com/c/cs_abc123\n\
         ORQEX_PAYMENT_ID=TRX1A2B3C4D\n\
         ORQEX_CHECKOUT_EXPIRES_AT=2026-11-24T12:00:00Z\n"
    );
    // $GITHUB_ENV's reading: NAME=value per line, value taken as it is.
    let vars: Vec<(&str, &str)> = stdout(&out)
        .leak()
        .lines()
        .map(|l| l.split_once('=').unwrap())
        .collect();
    assert_eq!(
        vars[1],
        ("ORQEX_CHECKOUT_URL", "https://pay.orqex.com/c/cs_abc123")
    );
    let shell = eval_env(&out.stdout, &[]);
    assert_eq!(
        shell,
        [
            "cs_abc123",
            "https://pay.orqex.com/c/cs_abc123",
            "TRX1A2B3C4D",
            "2026-11-24T12:00:00Z"
        ]
    );
}

/// Runs a real shell that evals `text` and prints the four variables, one per line.
fn eval_env(text: &[u8], preset: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("checkout.env");
    std::fs::write(&file, text).unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            r#"eval "$(cat "$1")"; printf '%s\n' "$ORQEX_CHECKOUT_ID" "$ORQEX_CHECKOUT_URL" "$ORQEX_PAYMENT_ID" "$ORQEX_CHECKOUT_EXPIRES_AT""#,
            "sh",
        ])
        .arg(&file)
        .envs(preset.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn env_output_survives_a_real_shell_with_hostile_values() {
    let url = r#"https://pay.orqex.com/c/cs_1?a=1&b='x'$HOME`id`$(id)\"q"~*;"#;
    let mut body = checkout_with_status("cs_1-x", "open", "pending");
    body["data"]["checkout"]["url"] = json!(url);
    body["data"]["payment"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    let server = serving(body);
    let sb = Sandbox::new();
    let out = get(&sb, &server, &["--output", "env"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("ORQEX_CHECKOUT_URL='https://pay.orqex.com/c/cs_1?a=1&b='\\''x'\\''$HOME"),
        "{text}"
    );
    // A missing payment id prints empty, so it clears a value left from an earlier run.
    assert!(text.contains("\nORQEX_PAYMENT_ID=\n"), "{text}");
    let shell = eval_env(&out.stdout, &[("ORQEX_PAYMENT_ID", "stale")]);
    assert_eq!(shell, ["cs_1-x", url, "", "2026-11-24T12:00:00Z"]);
}

#[test]
fn env_output_refuses_a_line_break_in_a_value() {
    let mut body = checkout_with_status("cs_abc123", "open", "pending");
    body["data"]["checkout"]["expires_at"] = json!("2026-11-24\nGITHUB_PATH=/tmp/evil");
    let server = serving(body);
    let sb = Sandbox::new();
    let out = get(&sb, &server, &["--output", "env"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("data.checkout.expires_at contains a control character"),
        "{}",
        stderr(&out)
    );
}

/// stderr must be exactly one line of JSON, with every key.
fn json_error(out: &std::process::Output) -> Value {
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("orqex:"), "not printed twice: {err}");
    let v: Value = serde_json::from_str(&err).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "status",
            "message",
            "errors",
            "request_id",
            "idempotency_key",
            "exit_code"
        ]
    );
    assert_eq!(
        Some(v["exit_code"].as_i64().unwrap() as i32),
        out.status.code()
    );
    v
}

#[test]
fn api_errors_as_json() {
    let server = Server::start(|_, _| {
        Reply::json(
            422,
            json!({"message": "The given data was invalid.",
                   "errors": {"customer.email": ["The customer.email must be a valid email address."]}}),
        )
        .with_header("X-Request-Id", "req_422")
    });
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--json", "--idempotency-key", "order-1024-a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        json_error(&out),
        json!({"status": 422, "message": "The given data was invalid.",
               "errors": {"customer.email": ["The customer.email must be a valid email address."]},
               "request_id": "req_422", "idempotency_key": "order-1024-a", "exit_code": 4})
    );
}

#[test]
fn non_api_errors_as_json_fill_what_applies() {
    let sb = Sandbox::new();
    // Network, outcome unknown (the connection closed after the request went out): no
    // status, but the key to retry with.
    let closing = Server::start(|_, _| Reply::Close);
    let out = sb
        .cmd_for(&closing)
        .args(CREATE)
        .args([
            "--output",
            "json",
            "--idempotency-key",
            "order-1024-b",
            "--max-retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let v = json_error(&out);
    assert_eq!(v["status"], Value::Null);
    assert_eq!(v["idempotency_key"], "order-1024-b");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("closed the connection"),
        "{v}"
    );
    assert_no_key(&out);

    // Network, nothing sent (connection refused): no key is offered, since a plain re-run is safe.
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .args(["--output", "json", "--idempotency-key", "order-1024-b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let v = json_error(&out);
    assert_eq!(v["idempotency_key"], Value::Null);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{v}"
    );

    // Validation: every field problem, keyed like the API's.
    let out = sb
        .cmd()
        .args(["checkout", "create", "--amount", "abc", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = json_error(&out);
    assert_eq!(v["status"], Value::Null);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid input: ")
    );
    assert!(
        v["errors"]["amount"][0].as_str().unwrap().contains("`abc`"),
        "{v}"
    );
    assert!(v["errors"]["customer.email"].is_array(), "{v}");

    // No key.
    let out = sb.cmd().args(CREATE).arg("--json").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        json_error(&out)["message"]
            .as_str()
            .unwrap()
            .starts_with("no secret key")
    );

    // A bad id for get.
    let out = sb
        .cmd()
        .args(["checkout", "get", "a/b", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    json_error(&out);
}

#[test]
fn command_line_errors_as_json_when_json_was_asked_for() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["checkout", "get", "cs_1", "--bogus", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json_error(&out)["message"],
        "unexpected argument '--bogus' (to pass '--bogus' as a value, use '-- --bogus'); see --help"
    );
    // Without --json, the same words as one line.
    let out = sb
        .cmd()
        .args(["checkout", "get", "cs_1", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: unexpected argument '--bogus' (to pass '--bogus' as a value, use '-- --bogus'); see --help\n"
    );
}

#[test]
fn wait_outcomes_as_json_errors() {
    let server = serving(checkout_with_status("cs_abc123", "expired", "expired"));
    let sb = Sandbox::new();
    let out = get(&sb, &server, &["--wait", "--json"]);
    assert_eq!(out.status.code(), Some(7));
    let v = json_error(&out);
    assert_eq!(
        v["message"],
        "checkout cs_abc123 ended unpaid: the checkout expired"
    );
    // The final state is still on stdout.
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["data"]["checkout"]["status"], "expired");
}

#[test]
fn qr_goes_to_stderr_when_stdout_is_piped() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--qr")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_abc123\n");
    // Exactly the code for the URL, drawn light on dark in half blocks.
    use qrcode::render::unicode::Dense1x2;
    let expected = qrcode::QrCode::new("https://pay.orqex.com/c/cs_abc123")
        .unwrap()
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build();
    assert_eq!(stderr(&out), format!("{expected}\n"));
}

/// A BROWSER program that writes the URL it was given to `file`.
fn fake_browser(dir: &std::path::Path, file: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("fake-browser");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp'\nmv '{0}.tmp' '{0}'\n",
            file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn open_hands_the_url_to_browser() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let opened = sb.home.path().join("opened");
    let browser = fake_browser(sb.home.path(), &opened);
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--open")
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_abc123\n");
    assert_eq!(stderr(&out), "");
    // The browser runs detached; give it a moment to write.
    let start = Instant::now();
    while !opened.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://pay.orqex.com/c/cs_abc123"
    );
}

#[test]
fn a_browser_that_cannot_start_is_a_warning() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--open")
        .env("BROWSER", "/nonexistent/browser")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_abc123\n");
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "orqex: warning: cannot open a browser (`/nonexistent/browser`: no such file); "
        ),
        "{err}"
    );
    assert!(
        err.ends_with("; open https://pay.orqex.com/c/cs_abc123 yourself\n"),
        "{err}"
    );
}

/// Runs `cmd` in a pseudo-terminal (stdout and stderr both a terminal) and returns what it
/// wrote and its exit code.
fn in_terminal(cmd: Command) -> (String, i32) {
    crate::common::pty::spawn_cmd(cmd).finish()
}

#[test]
fn at_a_terminal_url_output_adds_a_summary_coloured_unless_no_color() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();

    let mut cmd = sb.cmd_for(&server);
    cmd.args(CREATE);
    let (text, code) = in_terminal(cmd);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text,
        "https://pay.orqex.com/c/cs_abc123\r\n  50.00 XOF · sandbox · checkout open · expires 2026-11-24T12:00:00Z\r\n"
    );

    let mut cmd = sb.cmd_for(&server);
    cmd.args(CREATE).env_remove("NO_COLOR");
    let (text, code) = in_terminal(cmd);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("https://pay.orqex.com/c/cs_abc123\r\n  \x1b["),
        "{text:?}"
    );
    assert!(text.contains("50.00 XOF\x1b[0m"), "{text:?}");
    assert!(text.contains("\x1b[33msandbox\x1b[0m"), "{text:?}");

    // Other formats are for scripts: no summary.
    let mut cmd = sb.cmd_for(&server);
    cmd.args(CREATE).args(["--output", "id"]);
    let (text, _) = in_terminal(cmd);
    assert_eq!(text, "cs_abc123\r\n");
}

#[test]
fn at_a_terminal_wait_shows_a_status_line_and_clears_it() {
    let server = Server::start(|_, n| {
        let status = if n < 2 { "open" } else { "completed" };
        Reply::json(200, checkout_with_status("cs_abc123", status, "pending"))
    });
    let sb = Sandbox::new();
    let mut cmd = sb.cmd_for(&server);
    cmd.args([
        "checkout",
        "get",
        "cs_abc123",
        "--wait",
        "--interval",
        "0.3",
    ]);
    let (text, code) = in_terminal(cmd);
    assert_eq!(code, 0, "{text:?}");
    let drawn: Vec<&str> = text
        .split("\r\x1b[2K")
        .filter(|l| l.contains("waiting for payment: checkout open, payment pending (0s)"))
        .collect();
    // The spinner turns on its own, a frame at a time, redrawn in place.
    let frames: std::collections::HashSet<char> =
        drawn.iter().filter_map(|l| l.chars().next()).collect();
    assert!(frames.len() >= 2, "{text:?}");
    // What is waited for, then the summary for the customer (with whether it is paid);
    // the line is cleared before the result, and the end is said in words.
    assert!(
        text.starts_with(
            "orqex: waiting for payment at https://pay.orqex.com/c/cs_abc123 (checking every 300ms, giving up after 15m)\r\n  50.00 XOF · sandbox · checkout open, payment pending · expires 2026-11-24T12:00:00Z\r\n"
        ),
        "{text:?}"
    );
    assert!(
        text.ends_with(
            "\r\x1b[2Khttps://pay.orqex.com/c/cs_abc123\r\norqex: paid: checkout cs_abc123 (checkout completed, payment pending)\r\n"
        ),
        "{text:?}"
    );
}

#[test]
fn a_clap_conflict_as_json_names_the_conflicting_flags() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "checkout",
            "create",
            "--batch",
            "rows.jsonl",
            "--wait",
            "--qr",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = json_error(&out);
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("--wait") && message.contains("--qr"),
        "{message}"
    );
}
