//! A hostile world: signals other than Ctrl-C, closed and full pipes, escape codes, and
//! answers that try to make orqex open or print what it should not.
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::common::pty::*;
use crate::common::*;

/// A server that answers every request only after `secs`.
fn slow(secs: u64) -> Server {
    Server::start(move |_, _| {
        Reply::After(
            Duration::from_secs(secs),
            Box::new(Reply::created("cs_slow")),
        )
    })
}

/// A writable handle on /dev/full, where every write fails with ENOSPC.
fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn sigterm_and_sighup_while_a_create_is_in_flight_print_the_flag_to_retry_and_end_by_the_signal() {
    let server = slow(30);
    for (signal, number, words, status) in [
        ("TERM", 15, "terminated (SIGTERM)", 143),
        ("HUP", 1, "hung up (SIGHUP)", 129),
    ] {
        for json in [false, true] {
            let sb = Sandbox::new();
            let mut cmd = sb.create(&server);
            cmd.args(["--idempotency-key", "order-1024-signal"]);
            if json {
                cmd.arg("--json");
            }
            let before = server.requests().len();
            let out = signal_once_sent(&server, before + 1, spawn_piped(&mut cmd), signal);
            assert_died_by(&out, number);
            if json {
                assert_eq!(
                    last_json_line(&out),
                    json!({"status": null,
                           "message": format!("{words} while sending; the checkout may or may not exist; retry safely with: --idempotency-key order-1024-signal"),
                           "errors": {}, "request_id": null,
                           "idempotency_key": "order-1024-signal", "exit_code": status})
                );
            }
            let assert = out.assert().stdout("");
            if !json {
                // No empty line first: stderr is a log here, not a terminal.
                assert.stderr(format!(
                    "orqex: {words} while sending\n  the checkout may or may not exist; retry safely with: --idempotency-key order-1024-signal\n"
                ));
            }
        }
    }
}

#[test]
fn a_shell_sees_128_plus_the_signal() {
    let server = slow(30);
    let sb = Sandbox::new();
    let pid_file = sb.home.path().join("pid");
    let mut shell = sh(
        &sb.create(&server),
        r#""$0" "$@" & echo $! > "$PID_FILE"; wait $!; echo "status=$?""#,
    );
    shell.env("PID_FILE", &pid_file);
    let child = spawn_piped(&mut shell);
    let start = std::time::Instant::now();
    while server.requests().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "no request");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    Command::new("kill")
        .args(["-TERM", pid.trim()])
        .assert()
        .success();
    child
        .wait_with_output()
        .unwrap()
        .assert()
        .stdout("status=143\n")
        .stderr(contains("retry safely with: --idempotency-key orq_"));
}

#[test]
fn a_signal_ignored_on_entry_stays_ignored_as_under_nohup() {
    let server = Server::start(|_, _| {
        Reply::After(
            Duration::from_millis(1500),
            Box::new(Reply::created("cs_nohup")),
        )
    });
    let sb = Sandbox::new();
    let mut shell = sh(&sb.create(&server), r#"trap '' HUP; exec "$0" "$@""#);
    signal_once_sent(&server, 1, spawn_piped(&mut shell), "HUP")
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_nohup\n");
}

#[test]
fn sigterm_during_a_batch_names_the_batch_key() {
    let server = slow(30);
    let sb = Sandbox::new();
    let rows = sb.file("rows.jsonl", ONE_ROW);
    let mut cmd = sb.cmd_for(&server);
    cmd.args(["checkout", "create", "--batch"])
        .arg(&rows)
        .args(["--idempotency-key", "batch-2026-11-28"]);
    let out = signal_once_sent(&server, 1, spawn_piped(&mut cmd), "TERM");
    assert_died_by(&out, 15);
    out.assert().stderr(contains(
        "orqex: terminated (SIGTERM) while sending\n  rows being sent may or may not have been created; re-run the same file with --idempotency-key batch-2026-11-28",
    ));
}

#[test]
fn sighup_while_waiting_says_the_checkout_exists() {
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            Reply::created("cs_hup_wait")
        } else {
            Reply::After(
                Duration::from_secs(30),
                Box::new(Reply::created("cs_hup_wait")),
            )
        }
    });
    let sb = Sandbox::new();
    let mut cmd = sb.create(&server);
    cmd.args(["--idempotency-key", "order-1024-hup", "--wait", "--json"]);
    let out = signal_once_sent(&server, 2, spawn_piped(&mut cmd), "HUP");
    assert_died_by(&out, 1);
    assert_eq!(
        last_json_line(&out),
        json!({"status": null,
               "message": "hung up (SIGHUP) while waiting for payment; checkout cs_hup_wait exists (created with --idempotency-key order-1024-hup); wait again with: orqex checkout get cs_hup_wait --wait",
               "errors": {}, "request_id": null,
               "idempotency_key": "order-1024-hup", "exit_code": 129})
    );
}

/// `signal` sent to orqex while it asks for the currency: it says `words` and ends with the
/// shell's `status`, the terminal as it was.
fn signal_at_a_prompt(signal: expectrl::process::unix::Signal, words: &str, status: i32) {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut orqex = sb.cmd_for(&server);
    orqex.args(["checkout", "create", "--amount", "50"]);
    let mut p = spawn_cmd(orqex);
    p.expect("Currency, ISO 4217");
    p.wait_for_raw();
    p.session.get_process_mut().kill(signal).unwrap();
    let (out, code) = p.finish();
    assert_eq!(code, status, "{out}");
    assert!(
        out.contains(&format!("orqex: {words}; nothing was sent or saved")),
        "{out}"
    );
    server.assert_hits(0);
    assert_terminal_restored(&p, &out);
}

#[test]
fn sigterm_and_sighup_at_a_prompt_give_the_terminal_back() {
    use expectrl::process::unix::Signal;
    signal_at_a_prompt(Signal::SIGTERM, "terminated (SIGTERM)", 143);
    signal_at_a_prompt(Signal::SIGHUP, "hung up (SIGHUP)", 129);
}

#[test]
fn sigquit_at_a_prompt_gives_the_terminal_back_too() {
    signal_at_a_prompt(
        expectrl::process::unix::Signal::SIGQUIT,
        "quit (SIGQUIT)",
        131,
    );
}

#[test]
fn a_panic_at_a_prompt_gives_the_terminal_back() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut orqex = sb.cmd_for(&server);
    orqex
        .env("ORQEX_TEST_PANIC_AT_PROMPT", "1")
        .args(["checkout", "create", "--amount", "50"]);
    let mut p = spawn_cmd(orqex);
    let (out, code) = p.finish();
    // Aborted, as the release build does on panic (SIGABRT).
    assert_eq!(code, 128 + 6, "{out}");
    assert!(
        out.contains("orqex: internal error (a bug, please report it): "),
        "{out}"
    );
    server.assert_hits(0);
    assert_terminal_restored(&p, &out);
}

/// `orqex ARGS` run by `sh -c 'exec "$0" "$@" REDIRECTION'`, so stdout or stderr can be closed.
fn through_shell(sb: &Sandbox, server: &Server, redirection: &str, args: &[&str]) -> Command {
    sh(
        sb.cmd_for(server).args(args),
        &format!(r#"exec "$0" "$@" {redirection}"#),
    )
}

#[test]
fn a_write_with_stdout_closed_from_the_start_sends_nothing() {
    let server = Server::created("cs_closed");
    let sb = Sandbox::new();
    let rows = sb.file("rows.jsonl", "{}\n");
    let rows = rows.to_string_lossy().into_owned();
    for args in [
        CREATE.to_vec(),
        vec!["checkout", "create", "--batch", &rows],
    ] {
        through_shell(&sb, &server, ">&-", &args)
            .assert()
            .code(1)
            .stderr(
                "orqex: stdout is closed (>&-), so the answer could not be shown; nothing was sent: run again with stdout open, or redirect it to a file\n",
            );
    }
    server.assert_hits(0);
}

#[test]
fn a_create_whose_reader_went_away_fails_and_says_how_to_get_the_checkout_back() {
    let server = Server::start(|_, _| {
        Reply::After(
            Duration::from_millis(300),
            Box::new(Reply::created("cs_epipe")),
        )
    });
    let mut child = spawn_piped(
        Sandbox::new()
            .create(&server)
            .args(["--idempotency-key", "order-1024-epipe"]),
    );
    // `| head -c0`: the reader is gone before the answer comes.
    drop(child.stdout.take());
    child.wait_with_output().unwrap().assert().code(1).stderr(
        "orqex: cannot write the result to stdout: its reader closed it\n  the checkout was created: run the same command with --idempotency-key order-1024-epipe to get its answer again\n",
    );
}

#[test]
fn a_batch_whose_reader_goes_away_stops_sending_and_names_the_batch_key() {
    let server = Server::start(|_, n| {
        Reply::After(
            Duration::from_millis(50),
            Box::new(Reply::created(&format!("cs_{n}"))),
        )
    });
    let sb = Sandbox::new();
    let rows = sb.file("rows.jsonl", format!("{ONE_ROW}\n").repeat(60));
    for json in [false, true] {
        let before = server.requests().len();
        let mut cmd = sb.cmd_for(&server);
        cmd.args(["checkout", "create", "--batch"])
            .arg(&rows)
            .args([
                "--concurrency",
                "2",
                "--idempotency-key",
                "batch-closed-out",
            ]);
        if json {
            cmd.arg("--json");
        }
        let mut child = spawn_piped(&mut cmd);
        // `| head -c0`: the reader is gone before the first row's line.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let sent = server.requests().len() - before;
        assert!(sent <= 8, "{sent} rows were sent after stdout closed");
        if json {
            let v = last_json_line(&out);
            assert_eq!(v["idempotency_key"], "batch-closed-out");
            assert_eq!(v["exit_code"], 1);
        }
        let assert = out.assert().code(1);
        if !json {
            assert.stderr(predicate::str::ends_with(
                "orqex: cannot write the result to stdout: its reader closed it\n  stopped sending rows; rows already sent may have been created: re-run the same file with --idempotency-key batch-closed-out to get every row's result (rows already created are replayed, not created again)\n",
            ));
        }
    }
}

#[test]
fn a_full_stderr_never_aborts_the_run() {
    let ok = Server::created("cs_full_err");
    let refused =
        Server::start(|_, _| Reply::json(422, json!({"message": "The given data was invalid."})));
    let sb = Sandbox::new();
    for (server, code, stdout_text) in [
        (&ok, 0, "https://pay.orqex.com/c/cs_full_err\n"),
        (&refused, 4, ""),
    ] {
        // --verbose writes plenty to stderr.
        sb.create(server)
            .arg("--verbose")
            .stderr(dev_full())
            .assert()
            .code(code)
            .stdout(stdout_text);
    }
}

#[test]
fn escape_codes_in_a_field_cannot_forge_the_live_confirmation() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut orqex = sb.cmd_for(&server);
    orqex.env("ORQEX_SECRET_KEY", LIVE_KEY).args([
        "checkout",
        "create",
        "--amount",
        "50000",
        "--currency",
        "XOF",
        "--description",
        "Order\u{1b}[1A\r\u{1b}[2K  amount       5 XOF",
        "--email",
        "ama@example.com",
        "--first-name",
        "Ama",
        "--last-name",
        "Mensah",
    ]);
    let mut p = spawn_cmd(orqex);
    let (out, code) = p.finish();
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains("Create this live checkout?"), "{out}");
    assert!(
        out.contains(
            "description (--description): contains the control character \\x1b; remove it"
        ),
        "{out}"
    );
    server.assert_hits(0);
}

#[test]
fn a_checkout_url_that_is_not_http_is_a_broken_answer() {
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "-oProxyCommand=x",
        "https://",
        "/c/cs_1",
    ] {
        let mut body = checkout_body("cs_bad_url");
        body["data"]["checkout"]["url"] = json!(url);
        let server = Server::start(move |_, _| Reply::json(201, body.clone()));
        let sb = Sandbox::new();
        for output in ["url", "env"] {
            sb.create(&server)
                .args(["--output", output])
                .assert()
                .append_context("url", url)
                .append_context("output", output)
                .code(6)
                .stdout("")
                .stderr(contains_all([
                    "data.checkout.url `",
                    "` is not an http(s) URL",
                ]));
        }
        // The whole answer is still the answer.
        sb.create(&server).arg("--json").assert().code(0);
    }
}

/// A `$BROWSER` that records its arguments and whether it saw the key.
fn recording_browser(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join("browser.log");
    let script = dir.join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf 'args=%s key=%s\\n' \"$*\" \"${{ORQEX_SECRET_KEY:-unset}}\" >> '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

#[test]
fn open_gives_the_browser_neither_the_key_nor_anything_but_a_web_url() {
    let sb = Sandbox::new();
    let (browser, log) = recording_browser(sb.home.path());
    let server = Server::created("cs_open");
    sb.create(&server)
        .arg("--open")
        .env("BROWSER", &browser)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "args=https://pay.orqex.com/c/cs_open key=unset\n"
    );

    std::fs::remove_file(&log).unwrap();
    let mut body = checkout_body("cs_dash");
    body["data"]["checkout"]["url"] = json!("--new-window=file:///etc/passwd");
    let server = Server::start(move |_, _| Reply::json(201, body.clone()));
    sb.create(&server)
        .args(["--open", "--json"])
        .env("BROWSER", &browser)
        .assert()
        .code(0)
        .stderr("orqex: warning: the answer has no http(s) data.checkout.url to open\n");
    assert!(!log.exists(), "the browser was started");
}

#[test]
fn a_failing_browser_is_named_in_words() {
    let server = Server::created("cs_open");
    Sandbox::new()
        .create(&server)
        .arg("--open")
        .env("BROWSER", "false")
        .assert()
        .code(0)
        .stderr(
            "orqex: warning: cannot open a browser (`false` exited with status 1); open https://pay.orqex.com/c/cs_open yourself\n",
        );
}

/// The retry waits `--verbose` reports, in seconds.
fn retry_waits(stderr: &str) -> Vec<f64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("* retry 1/2 in "))
        .filter_map(|l| humantime::parse_duration(l.split(':').next()?).ok())
        .map(|d| d.as_secs_f64())
        .collect()
}

#[test]
fn retry_after_as_an_http_date_or_decimal_seconds_is_honoured() {
    for retry_after in ["date", "0.7"] {
        let server = Server::start(move |_, n| {
            if n == 0 {
                let value = if retry_after == "date" {
                    httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2))
                } else {
                    retry_after.to_string()
                };
                Reply::json(429, json!({"message": "Too many requests"}))
                    .with_header("Retry-After", &value)
            } else {
                Reply::created("cs_after")
            }
        });
        let assert = Sandbox::new()
            .create(&server)
            .arg("--verbose")
            .assert()
            .code(0);
        let err = stderr(assert.get_output());
        let waits = retry_waits(&err);
        assert_eq!(waits.len(), 1, "{err}");
        let (least, most) = if retry_after == "date" {
            (1.0, 2.0)
        } else {
            (0.7, 0.7)
        };
        assert!(
            (least..=most).contains(&waits[0]),
            "waited {} for Retry-After {retry_after}",
            waits[0]
        );
    }
}

#[test]
fn a_body_cut_short_names_the_host() {
    let server = Server::start(|_, _| {
        Reply::Raw(
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"data\":"
                .to_vec(),
        )
    });
    Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stderr(contains(format!(
            "its body could not be read: {} closed the connection",
            server.addr
        )))
        .stderr(contains(" : ").not().and(contains("to :").not()));
}

#[test]
fn an_oversized_body_says_whether_any_of_it_was_read() {
    // No Content-Length: the limit is met while reading.
    let server = Server::start(|_, _| {
        let mut raw =
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                .to_vec();
        raw.extend(std::iter::repeat_n(b' ', 11 * 1024 * 1024));
        Reply::Raw(raw)
    });
    Sandbox::new()
        .create(&server)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stderr(contains(
            "larger than 10 MiB; refused after reading its first 10 MiB",
        ))
        .stderr(contains("without reading").not());
}

/// A key planted where no key belongs. Fake, and split by `_` so that nothing takes it for a
/// real one.
const PLANTED: &str = "sk_live_planted_0000_0000_0000_wxyz";

/// One way a key can end up in a setting or an answer.
struct Plant {
    what: &'static str,
    env: Vec<(&'static str, String)>,
    config: Option<String>,
    args: Vec<String>,
}

fn plant(what: &'static str) -> Plant {
    Plant {
        what,
        env: Vec::new(),
        config: None,
        args: Vec::new(),
    }
}

impl Plant {
    fn env(mut self, name: &'static str, value: impl Into<String>) -> Plant {
        self.env.push((name, value.into()));
        self
    }

    fn config(mut self, text: String) -> Plant {
        self.config = Some(text);
        self
    }
}

#[test]
fn a_key_planted_in_any_setting_or_answer_is_never_printed() {
    // The API echoes the key wherever it can: in an object key, a value, an error.
    let server = Server::start(|req, _| {
        if req.path.ends_with("/cs_error") {
            return Reply::json(
                422,
                json!({"message": format!("bad key {PLANTED}"), "errors": {PLANTED: [PLANTED]}}),
            );
        }
        let mut body = checkout_body("cs_planted");
        body["data"]["checkout"][PLANTED] = json!(PLANTED);
        Reply::json(201, body).with_header("X-Request-Id", PLANTED)
    });
    let sb = Sandbox::new();
    let dir_with_key = sb.home.path().join(PLANTED);
    std::fs::create_dir_all(&dir_with_key).unwrap();
    let with_key_in_path = |name: &str| dir_with_key.join(name).to_string_lossy().into_owned();
    let server_url = server.url();

    let plants = vec![
        plant("ORQEX_BASE_URL as a path").env("ORQEX_BASE_URL", format!("{server_url}/{PLANTED}")),
        plant("ORQEX_BASE_URL as the whole value").env("ORQEX_BASE_URL", PLANTED),
        plant("ORQEX_CA_BUNDLE").env("ORQEX_CA_BUNDLE", with_key_in_path("ca.pem")),
        plant("ORQEX_PROFILE").env("ORQEX_PROFILE", PLANTED),
        plant("ORQEX_CONFIG_DIR").env("ORQEX_CONFIG_DIR", with_key_in_path("config")),
        plant("a profile's base_url")
            .config(format!("[profiles.default]\nbase_url = \"{PLANTED}\"\n")),
        plant("default_profile").config(format!("default_profile = \"{PLANTED}\"\n")),
        plant("a profile's name").config(format!("[profiles.{PLANTED}]\ncurrency = \"XOF\"\n")),
        plant("a TOML key name").config(format!("[profiles.default]\n{PLANTED} = \"x\"\n")),
        Plant {
            args: vec![
                "--data".into(),
                format!("{{\"description\": \"{PLANTED}\", \"{PLANTED}\": 1}}"),
            ],
            ..plant("the JSON body")
        },
        plant("the API's answer"),
        // The key in use from the config file instead of the environment, so that its own
        // masking is covered too.
        plant("the key in use, from the file")
            .config(format!("[profiles.default]\nsecret_key = \"{PLANTED}\"\n"))
            .env("ORQEX_SECRET_KEY", ""),
    ];

    let strings = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let commands: Vec<Vec<String>> = vec![
        strings(CREATE),
        strings(&[CREATE, &["--dry-run"]].concat()),
        strings(&[CREATE, &["--json"]].concat()),
        strings(&["checkout", "get", "cs_error"]),
        strings(&["checkout", "get", "cs_error", "--json"]),
        strings(&["config"]),
        strings(&["config", "--json"]),
        strings(&["config", "set", "currency", "XOF"]),
        strings(&["logout"]),
    ];
    let mut runs = 0;
    for p in &plants {
        for command in &commands {
            for verbose in [false, true] {
                let sb = Sandbox::new();
                if let Some(text) = &p.config {
                    sb.write_config(text);
                }
                let mut cmd = sb.cmd_for(&server);
                cmd.env("ORQEX_SECRET_KEY", KEY);
                for (name, value) in &p.env {
                    cmd.env(name, value);
                }
                let mut args = command.clone();
                if command[0] == "checkout" {
                    args.extend(p.args.iter().cloned());
                    if verbose {
                        args.push("--verbose".into());
                    }
                } else if verbose {
                    continue;
                }
                let out = cmd.args(&args).output().unwrap();
                runs += 1;
                for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                    let text = String::from_utf8_lossy(bytes);
                    assert!(
                        !text.contains("planted_0000_0000"),
                        "the key planted in {} shows on {name} of `orqex {}`:\n{text}",
                        p.what,
                        args.join(" ")
                    );
                }
            }
        }
    }
    assert!(runs > 150, "{runs}");
}

#[test]
fn the_key_in_use_is_masked_even_where_it_does_not_look_like_a_key() {
    let odd = "sk_odd0shape0000000000wxyz";
    let sb = Sandbox::new();
    for (var, command) in [
        ("ORQEX_PROFILE", vec!["config"]),
        ("ORQEX_BASE_URL", CREATE.to_vec()),
    ] {
        let out = sb
            .cmd()
            .env("ORQEX_SECRET_KEY", odd)
            .env(var, odd)
            .args(&command)
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!text.contains("odd0shape"), "{var}: {text}");
        assert!(text.contains("sk_***wxyz"), "{var}: {text}");
    }
}

#[test]
fn words_that_only_contain_a_key_prefix_are_not_refused() {
    let server = Server::created("cs_words");
    let sb = Sandbox::new();
    sb.create(&server)
        .args(["--statement-descriptor", "helpdesk_live_support"])
        .args(["-m", "sku=sk_blue_shirt", "-m", "note=sk_live_demo"])
        .assert()
        .code(0);
    let body = server.only_request().json();
    assert_eq!(body["statement_descriptor"], "helpdesk_live_support");
    assert_eq!(
        body["metadata"],
        json!({"sku": "sk_blue_shirt", "note": "sk_live_demo"})
    );

    // A whole key is refused wherever it stands in an argument, named masked.
    sb.create(&server)
        .args(["-m", "note=sk_test_0000_0000_c123"])
        .assert()
        .code(2)
        .stderr(
            "orqex: -m holds what looks like a secret key (sk_test_***c123); keys are never taken from the command line, where `ps` and shell history show them: remove it if it was pasted there by mistake; to use it, set ORQEX_SECRET_KEY, or store it with `orqex login`\n",
        );
    server.assert_hits(1);
}

#[test]
fn keys_of_any_environment_are_masked_with_their_prefix() {
    let assert = Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", "sk_test_0000_0000_c123")
        .args(["config", "--json"])
        .assert()
        .code(0);
    let report = stdout_json(assert.get_output());
    assert_eq!(report["secret_key"]["masked"], "sk_test_***c123");
}

#[test]
fn the_flag_to_retry_with_is_shell_quoted() {
    let server = Server::start(|_, _| Reply::json(503, json!({"message": "busy"})));
    Sandbox::new()
        .create(&server)
        .args([
            "--max-retries",
            "0",
            "--idempotency-key",
            "order-1024;b$(id)",
        ])
        .assert()
        .code(5)
        .stderr(predicate::str::ends_with(
            "  the checkout may or may not exist; retry safely with: --idempotency-key 'order-1024;b$(id)'\n",
        ));
}

#[test]
fn the_key_in_use_is_refused_in_a_body_even_glued_to_a_word() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for (flag, value) in [
        ("--description", format!("x{KEY}")),
        (
            "--data",
            format!("{{\"metadata\": {{\"ref\": \"order_{KEY}\"}}}}"),
        ),
    ] {
        let assert = sb
            .create(&server)
            .args([flag, &value])
            .assert()
            .append_context("flag", flag)
            .code(2)
            .stderr(contains(format!("({KEY_MASKED})")));
        assert_no_key(assert.get_output());
    }
    server.assert_hits(0);
}

#[test]
fn a_wait_that_fails_after_a_create_keeps_the_way_back_to_the_checkout() {
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            Reply::created("cs_lost")
        } else {
            Reply::json(404, json!({"message": "No such checkout"}))
        }
    });
    let sb = Sandbox::new();
    let run = |json: bool| {
        let mut cmd = sb.create(&server);
        cmd.args([
            "--idempotency-key",
            "order-1024-lost",
            "--wait",
            "--interval",
            "0.1",
        ]);
        if json {
            cmd.arg("--json");
        }
        cmd.assert().code(4)
    };
    run(false).stderr(predicate::str::ends_with(
        "orqex: the API answered 404: No such checkout (request id req_test_0001)\n  checkout cs_lost exists (created with --idempotency-key order-1024-lost); wait again with: orqex checkout get cs_lost --wait\n",
    ));
    let v = last_json_line(run(true).get_output());
    assert_eq!(v["idempotency_key"], "order-1024-lost");
    assert_eq!(v["status"], 404);
}

#[test]
fn json_output_escapes_what_a_terminal_would_act_on() {
    let mut body = checkout_body("cs_1");
    body["data"]["checkout"]["note"] = json!("a\u{202e}b\u{85}c\u{7f}d\u{2028}e");
    let server = Server::start(move |_, _| Reply::json(201, body.clone()));
    let sb = Sandbox::new();
    let assert = sb
        .create(&server)
        .arg("--json")
        .assert()
        .code(0)
        .stdout(contains(r#""note": "a\u202eb\u0085c\u007fd\u2028e""#));
    let v = stdout_json(assert.get_output());
    assert_eq!(
        v["data"]["checkout"]["note"],
        "a\u{202e}b\u{85}c\u{7f}d\u{2028}e"
    );

    // An id a terminal would act on is a broken answer where it is printed as a line.
    let mut body = checkout_body("cs_\u{202e}1");
    body["data"]["checkout"]["url"] = json!("https://pay.orqex.com/c/1");
    let server = Server::start(move |_, _| Reply::json(201, body.clone()));
    sb.create(&server)
        .args(["-o", "id"])
        .assert()
        .code(6)
        .stdout("");
}

#[test]
fn a_key_that_does_not_say_sandbox_is_treated_as_live() {
    let server = Server::created("cs_prod");
    Sandbox::new()
        .create(&server)
        .env("ORQEX_SECRET_KEY", "sk_prod_test_0000_0000_fake")
        .env("CI", "1")
        .assert()
        .code(0)
        .stderr(
            "orqex: using a key that is not a sandbox key (sk_prod_***fake): this creates a real checkout\n",
        );
}

#[test]
fn proxies_that_cannot_be_used_are_refused_and_a_refusing_proxy_is_named() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for (value, words) in [
        (
            "socks5://u:pw@127.0.0.1:1",
            "HTTPS_PROXY names a SOCKS proxy, which orqex does not support",
        ),
        (
            "http://\u{1b}bad",
            "HTTPS_PROXY is not a proxy URL orqex can use",
        ),
    ] {
        sb.create(&server)
            .env_remove("NO_PROXY")
            .env("HTTPS_PROXY", value)
            .assert()
            .append_context("HTTPS_PROXY", format!("{value:?}"))
            .code(2)
            .stderr(predicate::str::starts_with(format!("orqex: {words}")))
            .stderr(contains("pw").not());
    }
    let proxy = dead_url();
    let proxy = proxy.trim_end_matches("/v1");
    sb.create(&server)
        .env_remove("NO_PROXY")
        .env("HTTP_PROXY", proxy)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stderr(contains(format!(
            "cannot connect to the proxy {} on the way to {}: connection refused",
            proxy.trim_start_matches("http://"),
            server.addr
        )));
    server.assert_hits(0);
}

#[test]
fn config_files_that_are_not_regular_or_too_large_are_refused() {
    let sb = Sandbox::new();
    let path = sb.write_config("");
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    sb.cmd()
        .arg("config")
        .assert()
        .code(2)
        .stderr(contains("is not a regular file"));
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, format!("# {}\n", "x".repeat(1024 * 1024))).unwrap();
    sb.cmd()
        .arg("config")
        .assert()
        .code(2)
        .stderr(contains("is larger than 1 MiB"));
}

#[test]
fn help_and_version_that_cannot_be_written_exit_1() {
    let sb = Sandbox::new();
    for arg in ["--version", "--help"] {
        sb.cmd()
            .arg(arg)
            .stdout(dev_full())
            .assert()
            .append_context("flag", arg)
            .code(1);
    }
}

#[test]
fn a_bad_ca_bundle_is_reported_before_any_word_about_live_money() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    sb.create(&server)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .env("ORQEX_CA_BUNDLE", sb.home.path().join("missing.pem"))
        .assert()
        .code(2)
        .stderr(contains("live").not());
    let assert = sb
        .cmd()
        .env("ORQEX_CA_BUNDLE", sb.home.path().join("missing.pem"))
        .args(["config", "--json"])
        .assert();
    let v = stdout_json(assert.get_output());
    assert_eq!(v["ca_bundle"]["source"], "env");
    assert!(
        v["ca_bundle"]["problem"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );
}

#[test]
fn sigterm_while_stdin_is_read_says_nothing_was_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut cmd = sb.cmd_for(&server);
    cmd.args(["checkout", "create", "--data", "-"])
        .stdin(Stdio::piped());
    let mut child = spawn_piped(&mut cmd);
    let stdin = child.stdin.take();
    wait_until_reading_a_pipe(child.id());
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .assert()
        .success();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_died_by(&out, 15);
    out.assert()
        .stderr("orqex: terminated (SIGTERM); nothing was sent or saved\n");
}

#[test]
fn an_answer_whose_id_could_change_the_path_is_a_broken_answer() {
    let mut body = checkout_with_status("cs_1", "open", "pending");
    body["data"]["checkout"]["id"] = json!("../../x");
    let server = Server::start(move |_, _| Reply::json(200, body.clone()));
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_1", "--wait", "--interval", "0.1"])
        .assert()
        .code(6)
        .stderr(contains("data.checkout.id `../../x` is not a checkout id"));
    server.assert_hits(1);
}

#[test]
fn an_empty_data_flag_says_what_it_takes() {
    Sandbox::new()
        .cmd()
        .args(CREATE)
        .args(["--data", ""])
        .assert()
        .code(2)
        .stderr(
            "orqex: --data needs a value: @FILE to read a file, - to read stdin, or the JSON itself\n",
        );
}

#[test]
fn headers_of_kilobytes_are_quoted_back_cut() {
    let server = Server::start(|_, _| {
        Reply::Raw(
            format!(
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/{}\r\nX-Request-Id: req_{}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nxx",
                "x".repeat(5000),
                "9".repeat(5000)
            )
            .into_bytes(),
        )
    });
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_1", "--max-retries", "0"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(
        err,
        format!(
            "orqex: the API answered 500: Internal Server Error, with a non-JSON body (text/{}... (5005 characters)) instead of the API's JSON (a proxy or gateway may be in the way) (request id req_{}... (5004 characters))\n",
            "x".repeat(59),
            "9".repeat(60)
        )
    );
}
