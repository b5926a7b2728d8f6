//! `checkout create --batch`: JSON Lines and CSV, defaults from flags, order, failures,
//! re-runs, and real concurrency.

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::*;

/// A server that creates one checkout per new idempotency key and replays known ones,
/// as the API does. Returns the server and the number of checkouts it created.
fn idempotent_server(delay: Duration) -> (Server, Arc<Mutex<HashMap<String, String>>>) {
    let created: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let c = created.clone();
    let server = Server::start(move |req, _| {
        std::thread::sleep(delay);
        let key = req.header("x-idempotency-key").unwrap_or("").to_string();
        let mut map = c.lock().unwrap();
        let replay = map.contains_key(&key);
        let n = map.len();
        let id = map.entry(key).or_insert_with(|| format!("cs_{n}")).clone();
        let reply = Reply::created(&id);
        if replay {
            reply.with_header("X-Idempotent-Replayed", "true")
        } else {
            reply
        }
    });
    (server, created)
}

fn lines(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
        .collect()
}

fn write(sb: &Sandbox, name: &str, text: &str) -> String {
    sb.file(name, text).display().to_string()
}

const DEFAULTS: &[&str] = &["--currency", "XOF", "--description", "Invoice"];

/// `orqex checkout create --batch FILE` with the `DEFAULTS` flags, pointed at `server`.
fn batch(sb: &Sandbox, server: &Server, file: &str) -> Command {
    let mut cmd = sb.cmd_for(server);
    cmd.args(["checkout", "create", "--batch", file])
        .args(DEFAULTS);
    cmd
}

#[test]
fn json_lines_rows_over_flag_defaults() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.jsonl",
        concat!(
            r#"{"amount": 50, "customer": {"email": "a@example.com", "first_name": "Ama", "last_name": "Mensah"}}"#,
            "\n",
            "\n",
            r#"{"amount": 12.50, "currency": "GHS", "customer": {"email": "k@example.com", "first_name": "Kofi", "last_name": "Boateng"}, "metadata": {"invoice": "2"}}"#,
            "\n",
        ),
    );
    let assert = batch(&sb, &server, &file)
        .args(["--idempotency-key", "invoices-2026-11-24"])
        .args(["-m", "source=batch"])
        .assert()
        .code(0);
    let mut reqs = server.requests();
    reqs.sort_by_key(|r| r.header("x-idempotency-key").unwrap().to_string());
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/v1/payment/checkouts");
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        reqs[0].header("x-idempotency-key"),
        Some("invoices-2026-11-24-1")
    );
    assert_eq!(
        reqs[0].body_text(),
        r#"{"amount":50,"currency":"XOF","description":"Invoice","customer":{"email":"a@example.com","first_name":"Ama","last_name":"Mensah"},"metadata":{"source":"batch"}}"#
    );
    assert_eq!(
        reqs[1].header("x-idempotency-key"),
        Some("invoices-2026-11-24-2")
    );
    assert_eq!(
        reqs[1].body_text(),
        r#"{"amount":12.50,"currency":"GHS","description":"Invoice","customer":{"email":"k@example.com","first_name":"Kofi","last_name":"Boateng"},"metadata":{"source":"batch","invoice":"2"}}"#
    );
    let out = assert.get_output();
    let lines = lines(out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["row"], 1);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["idempotency_key"], "invoices-2026-11-24-1");
    let id = lines[0]["checkout_id"].as_str().unwrap();
    assert_eq!(lines[0]["url"], format!("https://pay.orqex.com/c/{id}"));
    assert_eq!(lines[1]["row"], 2);
    assert_no_key(out);
}

#[test]
fn csv_rows_with_field_path_columns() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.csv",
        "amount,customer.email,customer.first_name,customer.last_name,metadata.order_id,description\n\
         50,a@example.com,Ama,Mensah,1024,\n\
         75.5,k@example.com,Kofi,Boateng,1025,Special order\n",
    );
    batch(&sb, &server, &file)
        .args(["--idempotency-key", "csv-batch-0001"])
        .assert()
        .code(0);
    let mut reqs = server.requests();
    reqs.sort_by_key(|r| r.header("x-idempotency-key").unwrap().to_string());
    assert_eq!(
        reqs[0].body_text(),
        r#"{"amount":50,"currency":"XOF","description":"Invoice","customer":{"email":"a@example.com","first_name":"Ama","last_name":"Mensah"},"metadata":{"order_id":"1024"}}"#
    );
    assert_eq!(
        reqs[1].body_text(),
        r#"{"amount":75.5,"currency":"XOF","description":"Special order","customer":{"email":"k@example.com","first_name":"Kofi","last_name":"Boateng"},"metadata":{"order_id":"1025"}}"#
    );
}

fn rows_jsonl(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                r#"{{"amount": {i}, "customer": {{"email": "c{i}@example.com", "first_name": "C", "last_name": "{i}"}}}}"#
            ) + "\n"
        })
        .collect()
}

/// Whether each line of a batch's output says its row succeeded.
fn oks(lines: &[Value]) -> Vec<bool> {
    lines.iter().map(|l| l["ok"].as_bool().unwrap()).collect()
}

#[test]
fn output_follows_input_order_even_when_later_rows_finish_first() {
    // Row 1 is the slowest to answer, row 6 the fastest.
    let server = Server::start(|req, _| {
        let amount: u64 = req.json()["amount"].as_u64().unwrap();
        std::thread::sleep(Duration::from_millis(60 * (7 - amount)));
        Reply::created(&format!("cs_row{amount}"))
    });
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(6));
    let assert = batch(&sb, &server, &file)
        .args(["--concurrency", "6"])
        .assert()
        .code(0);
    let lines = lines(assert.get_output());
    let rows: Vec<u64> = lines.iter().map(|l| l["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [1, 2, 3, 4, 5, 6]);
    for l in &lines {
        assert_eq!(l["checkout_id"], format!("cs_row{}", l["row"]));
    }
}

#[test]
fn a_failing_row_is_reported_and_the_others_go_on() {
    let server = Server::start(|req, _| {
        if req.json()["customer"]["last_name"] == "4" {
            Reply::json(
                422,
                json!({"message": "Invalid", "errors": {"customer.email": ["Undeliverable."]}}),
            )
        } else {
            Reply::created("cs_ok")
        }
    });
    let sb = Sandbox::new();
    let mut input = rows_jsonl(5);
    input = input.replacen(r#""amount": 2,"#, r#""amount": "abc","#, 1);
    input = input.replacen(r#""amount": 3,"#, r#""amount": 0.5,"#, 1);
    let file = write(&sb, "rows.jsonl", &input);
    let assert = batch(&sb, &server, &file)
        .args(["--idempotency-key", "mixed-batch-01"])
        .assert()
        .code(9)
        .stderr(contains("--idempotency-key mixed-batch-01"));
    let lines = lines(assert.get_output());
    assert_eq!(oks(&lines), [true, false, false, false, true]);
    assert_eq!(lines[1]["error"]["exit_code"], 2);
    assert_eq!(
        lines[1]["error"]["errors"]["amount"][0],
        "must be a number, like 50 (not in quotes); got a string"
    );
    assert_eq!(lines[2]["error"]["exit_code"], 2);
    assert!(
        lines[2]["error"]["errors"]["amount"].is_array(),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["error"]["status"], 422);
    assert_eq!(
        lines[3]["error"]["errors"]["customer.email"][0],
        "Undeliverable."
    );
    assert_eq!(lines[3]["idempotency_key"], "mixed-batch-01-4");
    // Rows that failed validation were never sent.
    server.assert_hits(3);
}

#[test]
fn rerunning_with_the_same_batch_key_creates_nothing_new() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(5));
    let run = || {
        let assert = batch(&sb, &server, &file)
            .args(["--idempotency-key", "rerun-batch-01"])
            .assert()
            .code(0);
        lines(assert.get_output())
    };
    let first = run();
    assert_eq!(created.lock().unwrap().len(), 5);
    let second = run();
    assert_eq!(
        created.lock().unwrap().len(),
        5,
        "a re-run created checkouts"
    );
    server.assert_hits(10);
    // A line per row each time, so the comparison below covers every row.
    assert_eq!((first.len(), second.len()), (5, 5));
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(x["checkout_id"], y["checkout_id"]);
        assert_eq!(y["replayed"], true);
    }
}

#[test]
fn a_generated_batch_key_is_printed_and_used() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(2));
    let assert = batch(&sb, &server, &file).assert().code(0);
    let out = assert.get_output();
    let err = stderr(out);
    let key = err
        .split_whitespace()
        .find(|w| w.starts_with("orq_"))
        .expect("batch key on stderr")
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let lines = lines(out);
    assert_eq!(lines[0]["idempotency_key"], format!("{key}-1"));
    assert_eq!(lines[1]["idempotency_key"], format!("{key}-2"));
}

fn max_in_flight(concurrency: &str) -> usize {
    let now = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let (n, m) = (now.clone(), max.clone());
    let server = Server::start(move |_, _| {
        let current = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(current, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        n.fetch_sub(1, Ordering::SeqCst);
        Reply::created("cs_overlap")
    });
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(8));
    batch(&sb, &server, &file)
        .args(["--concurrency", concurrency])
        .assert()
        .code(0);
    server.assert_hits(8);
    max.load(Ordering::SeqCst)
}

#[test]
fn concurrency_really_overlaps_requests() {
    assert_eq!(max_in_flight("1"), 1);
    let overlapped = max_in_flight("4");
    assert!((2..=4).contains(&overlapped), "max in flight {overlapped}");
}

#[test]
fn the_reader_stays_within_its_window_of_the_last_row_printed() {
    // Row 3 is slow; rows 1 and 2 are printed, the rows after 3 come back at once but cannot
    // be printed before it. At concurrency 2 the reader may run 4 × 2 = 8 rows ahead of the
    // last row printed (2): rows 1 to 10 are sent while row 3 waits, the 11th only after it.
    // Row 3 is held until the test lets it go, so "while row 3 waits" is a state, not a time.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let held = std::sync::Mutex::new(held);
    let server = Server::start(move |req, _| {
        if req.json()["amount"] == 3 {
            let _ = held.lock().unwrap().recv_timeout(Duration::from_secs(30));
        }
        Reply::created("cs_window")
    });
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(20));
    let child = spawn_piped(batch(&sb, &server, &file).args(["--concurrency", "2"]));
    wait_for("rows 1 to 10 to be sent", || server.requests().len() >= 10);
    // A reader running past its window would send the 11th now; give it the chance.
    std::thread::sleep(Duration::from_millis(200));
    let sent_while_row_3_waits = server.requests().len();
    release.send(()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(lines(&out).len(), 20);
    out.assert().code(0);
    assert_eq!(sent_while_row_3_waits, 10);
    server.assert_hits(20);
}

#[cfg(unix)]
#[test]
fn a_batch_whose_stdout_closes_stops_reading_an_endless_input() {
    // Rows from a pipe that never ends: once no line can be printed, orqex stops reading and
    // exits, instead of reading (and skipping) rows for ever.
    use std::io::Write;
    use std::time::Instant;
    let server = Server::created("cs_endless");
    let sb = Sandbox::new();
    let mut cmd = batch(&sb, &server, "-");
    cmd.stdin(std::process::Stdio::piped());
    let mut child = spawn_piped(&mut cmd);
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let rows = rows_jsonl(100);
        // Ends when orqex closes its end of the pipe (or after a minute, which fails below).
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until && stdin.write_all(rows.as_bytes()).is_ok() {}
    });
    let until = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            child.kill().unwrap();
            panic!("orqex kept reading rows after stdout closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap().assert().code(1);
    feeder.join().unwrap();
    assert!(
        server.requests().len() <= 8,
        "{} rows sent",
        server.requests().len()
    );
}

#[test]
fn dry_run_batch_validates_every_row_and_sends_nothing() {
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.csv",
        "amount,customer.email,customer.first_name,customer.last_name\n50,a@example.com,Ama,Mensah\nabc,b@example.com,B,C\n",
    );
    let assert = sb
        .cmd()
        .args(["checkout", "create", "--batch", &file, "--dry-run"])
        .args(DEFAULTS)
        .assert()
        .code(9);
    let lines = lines(assert.get_output());
    assert_eq!(lines[0]["body"]["amount"], 50);
    assert_eq!(lines[0]["body"]["currency"], "XOF");
    assert_eq!(lines[1]["ok"], false);
}

#[test]
fn unknown_csv_columns_and_missing_files_are_usage_errors() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let file = write(&sb, "rows.csv", "amount,customer.emial\n50,a@example.com\n");
    sb.cmd_for(&server)
        .args(["checkout", "create", "--batch", &file])
        .assert()
        .code(2)
        .stderr(contains("emial"));
    sb.cmd_for(&server)
        .args(["checkout", "create", "--batch", "/nonexistent/rows.jsonl"])
        .assert()
        .code(2)
        .stderr(contains("cannot read /nonexistent/rows.jsonl"));
    server.assert_hits(0);
}

#[test]
fn batch_reads_stdin() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let assert = batch(&Sandbox::new(), &server, "-")
        .write_stdin(rows_jsonl(3))
        .assert()
        .code(0);
    assert_eq!(lines(assert.get_output()).len(), 3);
}

#[test]
fn rows_are_retried_with_their_own_key() {
    // Every first try of a row fails with 503; the retry must carry the same key and body.
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let s = seen.clone();
    let server = Server::start(move |req, _| {
        let key = req.header("x-idempotency-key").unwrap().to_string();
        let mut seen = s.lock().unwrap();
        let tries = seen.entry(key).or_insert(0);
        *tries += 1;
        if *tries == 1 {
            Reply::json(503, json!({"message": "Service Unavailable"}))
        } else {
            Reply::created("cs_retried")
        }
    });
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(3));
    batch(&sb, &server, &file)
        .args(["--idempotency-key", "retry-batch-01"])
        .assert()
        .code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    for row in 1..=3 {
        let key = format!("retry-batch-01-{row}");
        let bodies: Vec<String> = reqs
            .iter()
            .filter(|r| r.header("x-idempotency-key") == Some(key.as_str()))
            .map(|r| r.body_text())
            .collect();
        assert_eq!(bodies.len(), 2, "{key}");
        assert_eq!(bodies[0], bodies[1], "{key}: the retry's body differs");
    }
}

#[test]
fn batch_refuses_single_checkout_options() {
    let sb = Sandbox::new();
    for extra in [
        ["--wait"].as_slice(),
        &["--qr"],
        &["--open"],
        &["--output", "url"],
    ] {
        sb.cmd()
            .args(["checkout", "create", "--batch", "rows.jsonl"])
            .args(extra)
            .assert()
            .append_context("args", format!("{extra:?}"))
            .code(2)
            .stderr(contains("cannot be used with"));
    }
}

#[cfg(unix)]
#[test]
fn at_a_terminal_progress_is_counted_on_stderr() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(3));
    let mut cmd = batch(&sb, &server, &file);
    cmd.args(["--idempotency-key", "tty-batch-01"]);
    let (text, code) = crate::common::pty::spawn_cmd(cmd).finish();
    assert_eq!(code, 0, "{text}");
    // The count is drawn below the lines and cleared before each, never mixed into one.
    assert!(text.contains(" 1 created, 0 failed"), "{text:?}");
    assert!(
        text.contains("\r\x1b[2K{\"row\":3,"),
        "the count is cleared before a line: {text:?}"
    );
    // Each line stands alone: the count never shares a line with a row's JSON.
    assert!(
        text.split('\r')
            .all(|l| !(l.contains("created, 0 failed") && l.contains("\"row\""))),
        "{text:?}"
    );
    assert!(text.contains("batch: 3 created, 0 failed"), "{text:?}");
}

#[test]
fn a_request_id_that_echoes_the_key_is_masked_in_the_lines() {
    let server = Server::start(|req, _| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        Reply::created("cs_echo").with_header("X-Request-Id", &auth)
    });
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(2));
    let assert = batch(&sb, &server, &file).assert().code(0);
    assert_no_key(assert.get_output());
    assert_eq!(
        lines(assert.get_output())[0]["request_id"],
        format!("Bearer {KEY_MASKED}")
    );
}

#[test]
fn a_live_key_batch_says_so_in_a_script() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(2));
    // A script: one notice, then the rows are sent.
    batch(&sb, &server, &file)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .assert()
        .code(0)
        .stderr(contains(format!(
            "using a live key ({LIVE_KEY_MASKED}): each row creates a real checkout"
        )));
    assert_eq!(created.lock().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn a_live_key_batch_at_a_terminal_asks_first() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(2));
    // A person: the question, answered no, sends nothing.
    let mut cmd = batch(&sb, &server, &file);
    cmd.env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args(["--idempotency-key", "live-batch-02"]);
    let mut p = crate::common::pty::spawn_cmd(cmd);
    p.expect("This creates LIVE checkouts, one per row");
    p.expect("Create these live checkouts?");
    p.wait_for_raw();
    p.send("n\r");
    let (text, code) = p.finish();
    assert_eq!(code, 2, "{text}");
    server.assert_hits(0);
}

#[test]
fn the_profile_currency_applies_to_every_row() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    sb.write_config("[profiles.default]\ncurrency = \"GHS\"\n");
    let file = write(&sb, "rows.jsonl", &rows_jsonl(2));
    sb.cmd_for(&server)
        .args([
            "checkout",
            "create",
            "--batch",
            &file,
            "--description",
            "Invoice",
        ])
        .assert()
        .code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for req in reqs {
        assert_eq!(req.json()["currency"], "GHS");
    }
}

#[test]
fn an_empty_metadata_cell_leaves_the_flag_default() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.csv",
        "amount,customer.email,customer.first_name,customer.last_name,metadata.order_id\n\
         50,a@example.com,Ama,Mensah,\n",
    );
    batch(&sb, &server, &file)
        .args(["-m", "order_id=default"])
        .assert()
        .code(0);
    assert_eq!(
        server.only_request().json()["metadata"],
        json!({"order_id": "default"})
    );
}

#[test]
fn an_oversized_line_is_one_failed_row_and_the_rest_go_on() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let big = format!(
        "{{\"description\": \"{}\"}}\n",
        "x".repeat(1024 * 1024 + 10)
    );
    let rows = rows_jsonl(2);
    let mut lines_in = rows.lines();
    let input = format!(
        "{}\n{big}{}\n",
        lines_in.next().unwrap(),
        lines_in.next().unwrap()
    );
    let file = write(&sb, "rows.jsonl", &input);
    let assert = batch(&sb, &server, &file).assert().code(9);
    let lines = lines(assert.get_output());
    assert_eq!(oks(&lines), [true, false, true]);
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 1 MiB"),
        "{}",
        lines[1]
    );
    assert_eq!(created.lock().unwrap().len(), 2);
}

#[test]
fn at_concurrency_1_a_refused_key_sends_no_second_row() {
    let server = Server::start(|_, _| Reply::json(401, json!({"message": "Invalid API key"})));
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(10));
    let assert = batch(&sb, &server, &file)
        .args(["--concurrency", "1"])
        .assert()
        .code(3);
    server.assert_hits(1);
    let lines = lines(assert.get_output());
    assert_eq!(lines.len(), 10);
    assert!(lines[1..].iter().all(|l| l["skipped"] == true), "{lines:?}");
}

#[test]
fn a_refused_key_stops_the_batch_and_the_rest_is_reported_as_skipped() {
    let server = Server::start(|_, _| Reply::json(401, json!({"message": "Invalid API key"})));
    let sb = Sandbox::new();
    let file = write(&sb, "rows.jsonl", &rows_jsonl(30));
    let assert = batch(&sb, &server, &file)
        .args(["--concurrency", "4"])
        .assert()
        .code(3)
        .stderr(contains("refused the key"));
    assert_no_key(assert.get_output());
    let lines = lines(assert.get_output());
    // Every row of the input has its line, in order, and none claims success.
    let rows: Vec<u64> = lines.iter().map(|l| l["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, (1..=30).collect::<Vec<u64>>());
    assert!(server.requests().len() < 30, "the rest was not sent");
    assert!(lines.iter().all(|l| l["ok"] == false));
    assert!(lines.iter().any(|l| l["skipped"] == true), "{lines:?}");
}

#[test]
fn a_directory_as_batch_input_is_a_usage_error() {
    let sb = Sandbox::new();
    let dir = sb.home.path().display().to_string();
    sb.cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .args(["checkout", "create", "--batch", &dir])
        .assert()
        .code(2)
        .stderr(contains_all(["--batch:", "is a directory"]));
}

#[test]
fn a_csv_column_named_twice_is_refused_before_anything_is_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    // Spaces around a name are trimmed, so ` amount` is `amount` again.
    for header in ["amount,amount", "amount, amount"] {
        let file = write(
            &sb,
            "rows.csv",
            &format!(
                "{header},customer.email,customer.first_name,customer.last_name\n\
                 50,5000,a@example.com,Ama,Mensah\n"
            ),
        );
        batch(&sb, &server, &file)
            .assert()
            .append_context("header", header)
            .code(2)
            .stdout("")
            .stderr(
                "orqex: the CSV header names `amount` twice (columns 1 and 2); give each field one column\n",
            );
    }
    server.assert_hits(0);
}

/// What Windows editors put before UTF-8 text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[test]
fn json_lines_on_stdin_after_a_byte_order_mark_are_json_lines() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let assert = batch(&Sandbox::new(), &server, "-")
        .write_stdin([BOM, rows_jsonl(2).as_bytes()].concat())
        .assert()
        .code(0);
    let lines = lines(assert.get_output());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l["ok"] == true), "{lines:?}");
    assert_eq!(created.lock().unwrap().len(), 2);
}

#[test]
fn a_csv_after_a_byte_order_mark_keeps_its_first_column() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let csv = [
        BOM,
        b"amount,customer.email,customer.first_name,customer.last_name\n50,a@example.com,Ama,Mensah\n",
    ]
    .concat();
    let path = sb.file("rows.csv", &csv);
    batch(&sb, &server, &path.display().to_string())
        .assert()
        .code(0);
    batch(&sb, &server, "-").write_stdin(csv).assert().code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for req in reqs {
        assert_eq!(req.json()["amount"], 50);
    }
}

#[test]
fn a_row_with_nested_metadata_fails_alone() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let rows = rows_jsonl(3).replacen(
        r#""amount": 2,"#,
        r#""amount": 2, "metadata": {"order": {"id": 2}},"#,
        1,
    );
    let file = write(&sb, "rows.jsonl", &rows);
    let assert = batch(&sb, &server, &file).assert().code(9);
    let lines = lines(assert.get_output());
    assert_eq!(oks(&lines), [true, false, true]);
    assert_eq!(lines[1]["error"]["exit_code"], 2);
    assert_eq!(
        lines[1]["error"]["errors"],
        json!({"metadata.order": ["must be a string, number or boolean; got an object"]})
    );
    assert_eq!(created.lock().unwrap().len(), 2);
}

#[test]
fn a_secret_key_in_a_row_fails_that_row_named_only_masked() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let jsonl = rows_jsonl(3).replacen(
        r#""amount": 2,"#,
        &format!(r#""amount": 2, "description": "{KEY}","#),
        1,
    );
    let csv = format!(
        "amount,customer.email,customer.first_name,customer.last_name,metadata.note\n\
         50,a@example.com,Ama,Mensah,ok\n\
         60,b@example.com,Kofi,Boateng,{KEY}\n"
    );
    let refused = format!(
        "holds what looks like a secret key ({KEY_MASKED}); a key never goes in a request body"
    );
    for (name, text, errors) in [
        ("rows.jsonl", jsonl, json!({"description": [refused]})),
        ("rows.csv", csv, json!({"metadata.note": [refused]})),
    ] {
        let file = write(&sb, name, &text);
        let assert = batch(&sb, &server, &file)
            .assert()
            .append_context("file", name)
            .code(9);
        let lines = lines(assert.get_output());
        assert_eq!(lines[1]["ok"], false, "{name}");
        assert_eq!(lines[1]["error"]["errors"], errors, "{name}");
        assert_no_key(assert.get_output());
    }
    // Two good JSON rows, one good CSV row.
    assert_eq!(created.lock().unwrap().len(), 3);
    for req in server.requests() {
        assert!(!req.body_text().contains(KEY));
    }
}

#[test]
fn a_secret_key_as_a_csv_column_name_is_refused_masked_before_anything_is_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let file = write(&sb, "rows.csv", &format!("amount,{KEY}.\n50,x\n"));
    let assert = batch(&sb, &server, &file)
        .assert()
        .code(2)
        .stderr(format!(
            "orqex: invalid input: 1 problem; nothing was sent\n  {KEY_MASKED}. (CSV header): the name holds what looks like a secret key ({KEY_MASKED}); a key never goes in a request body\n"
        ));
    assert_no_key(assert.get_output());
    server.assert_hits(0);
}

#[test]
fn a_row_with_an_escape_code_fails_alone_and_the_others_go_on() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.csv",
        "amount,customer.email,customer.first_name,customer.last_name,description\n\
         50,a@example.com,Ama,Mensah,Order 1\n\
         50,b@example.com,Kofi,Boateng,\"\u{1b}[1A\r\u{1b}[2K  amount 5 XOF\"\n\
         50,c@example.com,Abena,\u{200b},Order 3\n\
         50,d@example.com,Yaw,Mensah,Order 4\n",
    );
    let assert = batch(&sb, &server, &file)
        .assert()
        .code(9)
        // No escape reaches stdout.
        .stdout(contains("\u{1b}").not());
    let lines = lines(assert.get_output());
    assert_eq!(oks(&lines), [true, false, false, true]);
    assert_eq!(
        lines[1]["error"]["errors"],
        json!({"description": ["contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)"]})
    );
    assert_eq!(
        lines[2]["error"]["errors"],
        json!({"customer.last_name": ["is made only of invisible characters; give visible text"]})
    );
    assert_eq!(created.lock().unwrap().len(), 2);
}

/// The summary, the last line of stderr.
fn summary_line(out: &std::process::Output) -> String {
    stderr(out).lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_summary_counts_replays_apart() {
    let (server, created) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let two = write(&sb, "two.jsonl", &rows_jsonl(2));
    let three = write(&sb, "three.jsonl", &rows_jsonl(3));
    let run = |file: &str| {
        batch(&sb, &server, file)
            .args(["--idempotency-key", "replays-batch-01"])
            .assert()
            .code(0)
            .get_output()
            .clone()
    };
    assert_eq!(summary_line(&run(&two)), "batch: 2 created, 0 failed");
    // The same rows and one more: two replays, one new checkout.
    let out = run(&three);
    assert_eq!(summary_line(&out), "batch: 1 created, 2 replayed, 0 failed");
    assert_eq!(created.lock().unwrap().len(), 3);
    let replayed: Vec<Value> = lines(&out).iter().map(|l| l["replayed"].clone()).collect();
    assert_eq!(replayed, [true, true, false]);
}

#[test]
fn csv_lines_are_right_after_crlf_and_blank_lines() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let header = "amount,customer.email,customer.first_name,customer.last_name";
    for (name, text) in [
        (
            "crlf.csv",
            format!(
                "{header}\r\n5,a@example.com,A,B\r\n6,b@example.com,A,B\r\n7,c@example.com,A,B\r\nseven,d@example.com,A,B\r\n"
            ),
        ),
        (
            "blank.csv",
            format!(
                "{header}\n5,a@example.com,A,B\n\n6,b@example.com,A,B\n7,c@example.com,A,B\nseven,d@example.com,A,B\n"
            ),
        ),
    ] {
        let file = write(&sb, name, &text);
        let assert = batch(&sb, &server, &file).assert().code(9);
        let rows: Vec<(Value, Value, Value)> = lines(assert.get_output())
            .iter()
            .map(|l| (l["row"].clone(), l["line"].clone(), l["ok"].clone()))
            .collect();
        let expected_lines = match name {
            "crlf.csv" => [2, 3, 4, 5],
            _ => [2, 4, 5, 6],
        };
        assert_eq!(
            rows,
            (1..=4)
                .zip(expected_lines)
                .map(|(row, line)| (json!(row), json!(line), json!(row != 4)))
                .collect::<Vec<_>>(),
            "{name}: {text:?}"
        );
    }
}

#[test]
fn rows_that_failed_orqex_s_checks_get_no_409_hint() {
    let (server, _) = idempotent_server(Duration::ZERO);
    let sb = Sandbox::new();
    let file = write(
        &sb,
        "rows.jsonl",
        &(rows_jsonl(2)
            + r#"{"amount": "abc", "customer": {"email": "x@example.com", "first_name": "X", "last_name": "Y"}}"#),
    );
    let assert = batch(&sb, &server, &file)
        .args(["--idempotency-key", "local-fail-01"])
        .assert()
        .code(9);
    assert_eq!(
        summary_line(assert.get_output()),
        "batch: 2 created, 1 failed; fix the failed rows (each line says why; none was sent) and re-run the same file with --idempotency-key local-fail-01: rows already created are replayed, not created again"
    );
    server.assert_hits(2);
    // A row the API rejected keeps the 409 warning.
    let rejecting = Server::start(|req, _| {
        if req.body_text().contains("c2@example.com") {
            return Reply::json(422, json!({"message": "Undeliverable."}));
        }
        Reply::created("cs_ok")
    });
    let assert = batch(&sb, &rejecting, &file)
        .args(["--idempotency-key", "mixed-fail-01"])
        .assert()
        .code(9);
    let summary = summary_line(assert.get_output());
    assert!(
        summary.starts_with(
            "batch: 1 created, 2 failed; fix the rows that failed orqex's checks (never sent)"
        ),
        "{summary}"
    );
    assert!(summary.contains("gets a 409"), "{summary}");
}
