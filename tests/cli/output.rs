//! Output formats, JSON errors, the terminal extras (summary, QR, browser, spinner).

#[cfg(unix)]
use std::process::Command;

use serde_json::{Value, json};

use crate::common::*;

fn get(sb: &Sandbox, server: &Server, extra: &[&str]) -> Assert {
    sb.cmd_for(server)
        .args(["checkout", "get", "cs_abc123"])
        .args(extra)
        .assert()
}

fn serving(body: Value) -> Server {
    Server::start(move |_, _| Reply::json(200, body.clone()))
}

#[test]
fn output_id_prints_the_checkout_id() {
    let server = Server::created("cs_abc123");
    Sandbox::new()
        .create(&server)
        .args(["--output", "id"])
        .assert()
        .code(0)
        .stdout("cs_abc123\n")
        .stderr("");
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
        let assert = sb
            .create(&server)
            .args(flags)
            .assert()
            .append_context("flags", format!("{flags:?}"))
            .code(0);
        printed.push(stdout(assert.get_output()));
    }
    assert!(printed.iter().all(|p| *p == printed[0]));
    let v: Value = serde_json::from_str(&printed[0]).unwrap();
    assert_eq!(v, checkout_body("cs_abc123"));
}

#[test]
fn json_contradicting_output_is_refused_before_sending() {
    let server = Server::created("cs_never");
    let assert = Sandbox::new()
        .create(&server)
        .args(["--json", "--output", "url"])
        .assert()
        .code(2);
    // --json was given, so the error itself is JSON.
    let err: Value = serde_json::from_slice(&assert.get_output().stderr).unwrap();
    assert_eq!(
        err["message"],
        "--json means --output json, which contradicts --output url; keep one of them"
    );
    server.assert_hits(0);
}

#[test]
fn env_output_is_bare_for_plain_values_so_github_env_reads_it_too() {
    let server = Server::created("cs_abc123");
    let assert = Sandbox::new()
        .create(&server)
        .args(["--output", "env"])
        .assert()
        .code(0)
        .stdout(
            "ORQEX_CHECKOUT_ID=cs_abc123\n\
             ORQEX_CHECKOUT_URL=https://pay.orqex.com/c/cs_abc123\n\
             ORQEX_PAYMENT_ID=TRX1A2B3C4D\n\
             ORQEX_CHECKOUT_EXPIRES_AT=2026-11-24T12:00:00Z\n",
        );
    let out = assert.get_output();
    // $GITHUB_ENV's reading: NAME=value per line, value taken as it is.
    let vars: Vec<(&str, &str)> = stdout(out)
        .leak()
        .lines()
        .map(|l| l.split_once('=').unwrap())
        .collect();
    assert_eq!(
        vars[1],
        ("ORQEX_CHECKOUT_URL", "https://pay.orqex.com/c/cs_abc123")
    );
    // A POSIX shell's reading.
    #[cfg(unix)]
    assert_eq!(
        eval_env(&out.stdout, &[]),
        [
            "cs_abc123",
            "https://pay.orqex.com/c/cs_abc123",
            "TRX1A2B3C4D",
            "2026-11-24T12:00:00Z"
        ]
    );
}

/// Runs a real shell that evals `text` and prints the four variables, one per line.
#[cfg(unix)]
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
        .assert()
        .success();
    stdout(out.get_output())
        .lines()
        .map(str::to_string)
        .collect()
}

#[cfg(unix)]
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
    let out = get(&sb, &server, &["--output", "env"])
        .code(0)
        .stdout(contains(
            "ORQEX_CHECKOUT_URL='https://pay.orqex.com/c/cs_1?a=1&b='\\''x'\\''$HOME",
        ))
        // A missing payment id prints empty, so it clears a value left from an earlier run.
        .stdout(contains("\nORQEX_PAYMENT_ID=\n"));
    let out = out.get_output();
    let shell = eval_env(&out.stdout, &[("ORQEX_PAYMENT_ID", "stale")]);
    assert_eq!(shell, ["cs_1-x", url, "", "2026-11-24T12:00:00Z"]);
}

#[test]
fn env_output_refuses_a_line_break_in_a_value() {
    let mut body = checkout_with_status("cs_abc123", "open", "pending");
    body["data"]["checkout"]["expires_at"] = json!("2026-11-24\nGITHUB_PATH=/tmp/evil");
    let server = serving(body);
    get(&Sandbox::new(), &server, &["--output", "env"])
        .code(6)
        .stdout("")
        .stderr(contains(
            "data.checkout.expires_at contains a control character",
        ));
}

/// stderr must be exactly one line of JSON, with every key, whose `exit_code` is the
/// process's; returns the JSON.
fn json_error(assert: Assert) -> Value {
    let assert = assert
        .stderr(one_line())
        // Not printed twice.
        .stderr(contains("orqex:").not());
    let v: Value = serde_json::from_slice(&assert.get_output().stderr).unwrap();
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
    assert.code(v["exit_code"].as_i64().unwrap() as i32);
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
    let assert = Sandbox::new()
        .create(&server)
        .args(["--json", "--idempotency-key", "order-1024-a"])
        .assert()
        .code(4)
        .stdout("");
    assert_eq!(
        json_error(assert),
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
    let assert = sb
        .create(&closing)
        .args([
            "--output",
            "json",
            "--idempotency-key",
            "order-1024-b",
            "--max-retries",
            "0",
        ])
        .assert()
        .code(6);
    assert_no_key(assert.get_output());
    let v = json_error(assert);
    assert_eq!(v["status"], Value::Null);
    assert_eq!(v["idempotency_key"], "order-1024-b");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("closed the connection"),
        "{v}"
    );

    // Network, nothing sent (connection refused): no key is offered, since a plain re-run is safe.
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .args(["--output", "json", "--idempotency-key", "order-1024-b"])
        .assert()
        .code(6);
    let v = json_error(assert);
    assert_eq!(v["idempotency_key"], Value::Null);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{v}"
    );

    // Validation: every field problem, keyed like the API's.
    let assert = sb
        .cmd()
        .args(["checkout", "create", "--amount", "abc", "--json"])
        .assert()
        .code(2);
    let v = json_error(assert);
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
    let assert = sb.cmd().args(CREATE).arg("--json").assert().code(3);
    assert!(
        json_error(assert)["message"]
            .as_str()
            .unwrap()
            .starts_with("no secret key")
    );

    // A bad id for get.
    json_error(
        sb.cmd()
            .args(["checkout", "get", "a/b", "-o", "json"])
            .assert()
            .code(2),
    );
}

#[test]
fn command_line_errors_as_json_when_json_was_asked_for() {
    let sb = Sandbox::new();
    let assert = sb
        .cmd()
        .args(["checkout", "get", "cs_1", "--bogus", "--json"])
        .assert()
        .code(2);
    assert_eq!(
        json_error(assert)["message"],
        "unexpected argument '--bogus' (to pass '--bogus' as a value, use '-- --bogus'); see --help"
    );
    // Without --json, the same words as one line.
    sb.cmd()
        .args(["checkout", "get", "cs_1", "--bogus"])
        .assert()
        .code(2)
        .stderr(
            "orqex: unexpected argument '--bogus' (to pass '--bogus' as a value, use '-- --bogus'); see --help\n",
        );
}

#[test]
fn wait_outcomes_as_json_errors() {
    let server = serving(checkout_with_status("cs_abc123", "expired", "expired"));
    let assert = get(&Sandbox::new(), &server, &["--wait", "--json"]).code(7);
    // The final state is still on stdout.
    let printed = stdout_json(assert.get_output());
    assert_eq!(printed["data"]["checkout"]["status"], "expired");
    assert_eq!(
        json_error(assert)["message"],
        "checkout cs_abc123 ended unpaid: the checkout expired"
    );
}

#[test]
fn qr_goes_to_stderr_when_stdout_is_piped() {
    let server = Server::created("cs_abc123");
    // Exactly the code for the URL, drawn light on dark in half blocks.
    use qrcode::render::unicode::Dense1x2;
    let expected = qrcode::QrCode::new("https://pay.orqex.com/c/cs_abc123")
        .unwrap()
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build();
    Sandbox::new()
        .create(&server)
        .arg("--qr")
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_abc123\n")
        .stderr(format!("{expected}\n"));
}

/// A BROWSER program that writes the URL it was given to `file`.
#[cfg(unix)]
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

#[cfg(unix)]
#[test]
fn open_hands_the_url_to_browser() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let opened = sb.home.path().join("opened");
    let browser = fake_browser(sb.home.path(), &opened);
    sb.create(&server)
        .arg("--open")
        .env("BROWSER", &browser)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_abc123\n")
        .stderr("");
    // Should the browser ever run detached, give it a moment to write.
    let start = std::time::Instant::now();
    while !opened.exists() && start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://pay.orqex.com/c/cs_abc123"
    );
}

#[test]
fn a_browser_that_cannot_start_is_a_warning() {
    let server = Server::created("cs_abc123");
    Sandbox::new()
        .create(&server)
        .arg("--open")
        .env("BROWSER", "/nonexistent/browser")
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_abc123\n")
        .stderr(
            predicate::str::starts_with(
                "orqex: warning: cannot open a browser (`/nonexistent/browser`: no such file); ",
            )
            .and(predicate::str::ends_with(
                "; open https://pay.orqex.com/c/cs_abc123 yourself\n",
            )),
        );
}

/// Runs `cmd` in a pseudo-terminal (stdout and stderr both a terminal) and returns what it
/// wrote and its exit code.
#[cfg(unix)]
fn in_terminal(cmd: Command) -> (String, i32) {
    crate::common::pty::spawn_cmd(cmd).finish()
}

#[cfg(unix)]
#[test]
fn at_a_terminal_url_output_adds_a_summary_coloured_unless_no_color() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();

    let (text, code) = in_terminal(sb.create(&server));
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text,
        "https://pay.orqex.com/c/cs_abc123\r\n  50.00 XOF · sandbox · checkout open · expires 2026-11-24T12:00:00Z\r\n"
    );

    let mut cmd = sb.create(&server);
    cmd.env_remove("NO_COLOR");
    let (text, code) = in_terminal(cmd);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("https://pay.orqex.com/c/cs_abc123\r\n  \x1b["),
        "{text:?}"
    );
    assert!(text.contains("50.00 XOF\x1b[0m"), "{text:?}");
    assert!(text.contains("\x1b[33msandbox\x1b[0m"), "{text:?}");

    // Other formats are for scripts: no summary.
    let mut cmd = sb.create(&server);
    cmd.args(["--output", "id"]);
    let (text, _) = in_terminal(cmd);
    assert_eq!(text, "cs_abc123\r\n");
}

#[cfg(unix)]
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
    let assert = Sandbox::new()
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
        .assert()
        .code(2);
    let v = json_error(assert);
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("--wait") && message.contains("--qr"),
        "{message}"
    );
}

#[test]
fn a_command_line_clap_cannot_read_is_a_json_error_in_every_spelling_of_json_output() {
    let sb = Sandbox::new();
    for spelling in [
        &["--json"][..],
        &["-o", "json"],
        &["-ojson"],
        &["-o=json"],
        &["--output", "json"],
        &["--output=json"],
    ] {
        let assert = sb
            .cmd()
            .args(["checkout", "get", "cs_1", "--bogus"])
            .args(spelling)
            .assert()
            .append_context("spelling", format!("{spelling:?}"))
            .code(2)
            .stdout("");
        let v: Value = serde_json::from_str(stderr(assert.get_output()).trim()).unwrap();
        assert_eq!(v["exit_code"], 2, "{spelling:?}");
    }
    // Another format is not JSON: the error is one line in words.
    sb.cmd()
        .args(["checkout", "get", "cs_1", "--bogus", "-o=id"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::starts_with("orqex: unexpected argument '--bogus'").and(one_line()),
        );
}

#[test]
fn a_line_break_in_a_path_from_the_environment_cannot_forge_a_line_on_stderr() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("cfg\norqex: note: all good");
    let assert = sb
        .cmd()
        .env("ORQEX_CONFIG_DIR", &dir)
        .args(["config", "set", "currency", "XOF"])
        .assert()
        .code(0)
        .stdout("");
    let err = stderr(assert.get_output());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cfg\\norqex: note: all good"), "{err}");
}
