//! `--wait`: polling until the checkout is final, each outcome and its exit code.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::common::*;

const FAST: &[&str] = &["--wait", "--interval", "0.1"];

/// A server that answers a create with an open checkout, then the n-th GET with `gets[n]`
/// (the last one repeating), so the checkout's state changes over time.
fn server(gets: Vec<(u16, Value)>) -> Server {
    let n_gets = Arc::new(AtomicUsize::new(0));
    Server::start(move |req, _| {
        if req.method == "POST" {
            return Reply::json(201, status("open", "pending"));
        }
        let n = n_gets.fetch_add(1, Ordering::SeqCst);
        let (code, body) = gets[n.min(gets.len() - 1)].clone();
        Reply::json(code, body)
    })
}

fn status(checkout: &str, payment: &str) -> Value {
    checkout_with_status("cs_wait", checkout, payment)
}

fn ok(checkout: &str, payment: &str) -> (u16, Value) {
    (200, status(checkout, payment))
}

fn gets(server: &Server) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect()
}

#[test]
fn create_wait_polls_until_completed_and_prints_the_final_state() {
    let server = server(vec![
        ok("open", "pending"),
        ok("open", "pending"),
        ok("completed", "completed"),
    ]);
    let sb = Sandbox::new();
    let assert = sb
        .create(&server)
        .args(FAST)
        .assert()
        .code(0)
        // One line on stdout, printed once the wait is over.
        .stdout("https://pay.orqex.com/c/cs_wait\n")
        .stderr(
            "orqex: waiting for payment at https://pay.orqex.com/c/cs_wait (checking every 100ms, giving up after 15m)\norqex: paid: checkout cs_wait (checkout completed, payment completed)\n",
        );
    let reqs = server.requests();
    assert_eq!(reqs[0].method, "POST");
    let polls = gets(&server);
    assert_eq!(polls.len(), 3, "{reqs:?}");
    for get in &polls {
        assert_eq!(get.path, "/v1/payment/checkouts/cs_wait");
        assert_eq!(
            get.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(get.header("x-idempotency-key"), None);
        assert!(get.body.is_empty());
    }
    assert_no_key(assert.get_output());
}

#[test]
fn get_wait_prints_the_final_state_as_json() {
    let server = server(vec![ok("open", "pending"), ok("completed", "completed")]);
    let sb = Sandbox::new();
    let assert = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait", "--output", "json"])
        .args(FAST)
        .assert()
        .code(0);
    assert_eq!(
        stdout_json(assert.get_output()),
        status("completed", "completed")
    );
    assert_eq!(gets(&server).len(), 2);
}

#[test]
fn an_already_final_checkout_is_not_polled() {
    let server = server(vec![ok("completed", "completed")]);
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait", "--wait"])
        .assert()
        .code(0);
    server.assert_hits(1);
}

#[test]
fn expired_is_exit_7_and_still_prints_the_state() {
    let server = server(vec![ok("open", "pending"), ok("expired", "expired")]);
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait", "--output", "id"])
        .args(FAST)
        .assert()
        .code(7)
        .stdout("cs_wait\n")
        .stderr(predicate::str::ends_with(
            "orqex: checkout cs_wait ended unpaid: the checkout expired\n",
        ));
}

#[test]
fn cancelled_and_failed_are_exit_7_too() {
    let mut failed = status("open", "failed");
    failed["data"]["payment"]["active_attempt"] =
        json!({"failure": {"code": "insufficient_funds", "message": "Insufficient funds"}});
    for (body, why) in [
        (status("cancelled", "pending"), "the checkout was cancelled"),
        (failed, "its payment failed: Insufficient funds"),
    ] {
        let server = server(vec![(200, body)]);
        Sandbox::new()
            .create(&server)
            .args(FAST)
            .assert()
            .code(7)
            .stderr(predicate::str::ends_with(format!(
                "orqex: checkout cs_wait ended unpaid: {why}\n"
            )));
    }
}

#[test]
fn timeout_is_exit_8_with_the_last_state() {
    let server = server(vec![ok("open", "pending")]);
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait"])
        .args(FAST)
        .args(["--wait-timeout", "0.5"])
        .assert()
        .code(8)
        .stdout("https://pay.orqex.com/c/cs_wait\n")
        .stderr(predicate::str::ends_with(
            "orqex: gave up waiting after 500ms: checkout cs_wait is not paid yet (checkout open, payment pending); wait again with `orqex checkout get cs_wait --wait`\n",
        ));
    // The first GET, then about one every 0.1 s and a last one at 0.5 s (the count depends
    // on the machine's load; that it polled again is what matters).
    assert!(gets(&server).len() >= 2, "{}", gets(&server).len());
}

#[test]
fn rate_limits_and_server_errors_during_polling_do_not_end_the_wait() {
    // Three in a row, so they outlast any quick retries inside a single check.
    for (code, message) in [(429, "Too Many Attempts."), (503, "Service Unavailable")] {
        let failure = (code, json!({ "message": message }));
        let server = server(vec![
            ok("open", "pending"),
            failure.clone(),
            failure.clone(),
            failure,
            ok("completed", "completed"),
        ]);
        let assert = Sandbox::new()
            .cmd_for(&server)
            .args(["checkout", "get", "cs_wait", "--json"])
            .args(FAST)
            .assert()
            .append_context("status", code)
            .code(0)
            // The person is told; the client's own retries may add "; tried N times"
            // inside the reason.
            .stderr(
                contains(format!(
                    "orqex: checking failed (the API answered {code}: {message}"
                ))
                .and(contains("still waiting, next check in 200ms\n")),
            );
        let printed = stdout_json(assert.get_output());
        assert_eq!(printed["data"]["checkout"]["status"], "completed");
        assert_eq!(gets(&server).len(), 5);
    }
}

#[test]
fn a_404_during_polling_ends_the_wait() {
    let server = server(vec![
        ok("open", "pending"),
        (404, json!({"message": "Checkout session not found."})),
    ]);
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait"])
        .args(FAST)
        .assert()
        .code(4)
        .stderr(contains("404: Checkout session not found."));
    assert_eq!(gets(&server).len(), 2);
}

#[test]
fn an_unknown_status_is_not_final_and_is_told_once() {
    let server = server(vec![
        ok("frozen", "pending"),
        ok("frozen", "pending"),
        ok("completed", "completed"),
    ]);
    let assert = Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", "cs_wait"])
        .args(FAST)
        .assert()
        .code(0);
    let err = stderr(assert.get_output());
    assert_eq!(
        err.matches("the API reported checkout status `frozen`, which this version of orqex does not know; treating it as not final")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn wait_flags_are_checked_before_anything_is_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for (args, expected) in [
        (
            vec!["--wait", "--interval", "0.01"],
            "orqex: --interval `0.01` is too short; the least is 100ms; see --help\n",
        ),
        (
            vec!["--wait", "--wait-timeout", "soon"],
            "orqex: --wait-timeout `soon` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s); see --help\n",
        ),
    ] {
        sb.create(&server)
            .args(&args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stderr(expected);
    }
    // --interval alone means nothing: clap refuses it.
    sb.create(&server)
        .args(["--interval", "1"])
        .assert()
        .code(2)
        .stderr(contains("--wait"));
    // A dry run creates nothing to wait for.
    sb.create(&server)
        .args(["--dry-run", "--wait"])
        .assert()
        .code(2)
        .stderr(contains("--dry-run"));
    server.assert_hits(0);
}

#[test]
fn a_check_that_hangs_does_not_carry_the_wait_far_past_its_timeout() {
    // The first answer is quick; every check after it hangs far longer than --wait-timeout.
    let server = Server::start(|_, n| {
        let reply = Reply::json(200, status("open", "pending"));
        if n == 0 {
            reply
        } else {
            Reply::After(std::time::Duration::from_secs(60), Box::new(reply))
        }
    });
    let started = std::time::Instant::now();
    Sandbox::new()
        .cmd_for(&server)
        .args([
            "checkout",
            "get",
            "cs_wait",
            "--wait",
            "--interval",
            "0.2",
            "--wait-timeout",
            "1",
        ])
        .assert()
        .code(8);
    // Without the deadline one hung check alone would take 3 × 30 s; with it, the grace of
    // one answer (5 s). The bound is loose on purpose: it checks behaviour, not speed.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn text_from_the_api_in_wait_messages_is_printable_and_masked() {
    let server = Server::start(|req, n| {
        let key = req
            .header("authorization")
            .unwrap_or("")
            .trim_start_matches("Bearer ")
            .to_string();
        let mut body = status("open", if n == 0 { "pending" } else { "failed" });
        body["data"]["payment"]["active_attempt"] =
            json!({"failure": {"message": format!("x \u{1b}[31m\nFAKE {key}")}});
        Reply::json(200, body)
    });
    let sb = Sandbox::new();
    for extra in [&[][..], &["--json"]] {
        let assert = sb
            .cmd_for(&server)
            .args(["checkout", "get", "cs_wait", "--wait", "--interval", "0.1"])
            .args(extra)
            .assert()
            .code(7)
            .stderr(contains("\u{1b}").not());
        let out = assert.get_output();
        assert_no_key(out);
        let shown = if extra.is_empty() {
            stderr(out)
        } else {
            last_json_line(out)["message"].as_str().unwrap().to_string()
        };
        assert!(
            shown.contains("x \\x1b[31m\\nFAKE sk_sandbox_***"),
            "{shown}"
        );
    }
}

#[test]
fn an_expired_checkout_whose_payment_failed_gives_the_payment_s_reason() {
    let mut expired = status("expired", "failed");
    expired["data"]["payment"]["active_attempt"] = json!({
        "status": "failed",
        "failure": {"code": {"value": "insufficient_funds", "category": "payer", "message": "Insufficient funds"}, "message": "old words"}
    });
    // Only the attempt says it failed.
    let mut attempt_only = status("expired", "pending");
    attempt_only["data"]["payment"]["active_attempt"] = json!({
        "status": "failed",
        "failure": {"code": {"message": "Declined by the issuer"}}
    });
    // A failure object on a payment that did not fail says nothing.
    let mut placeholder = status("expired", "expired");
    placeholder["data"]["payment"]["active_attempt"] =
        json!({"failure": {"code": "<string>", "message": "<string>"}});
    for (body, why) in [
        (
            expired,
            "the checkout expired; its payment failed: Insufficient funds",
        ),
        (
            attempt_only,
            "the checkout expired; its payment failed: Declined by the issuer",
        ),
        (placeholder, "the checkout expired"),
    ] {
        let server = server(vec![(200, body)]);
        Sandbox::new()
            .cmd_for(&server)
            .args(["checkout", "get", "cs_wait", "--output", "id"])
            .args(FAST)
            .assert()
            .code(7)
            .stdout("cs_wait\n")
            .stderr(predicate::str::ends_with(format!(
                "orqex: checkout cs_wait ended unpaid: {why}\n"
            )));
    }
}

/// The reference page's own 201: an id and a URL, no status anywhere.
fn created_without_status(id: &str) -> Value {
    let mut body = checkout_without_status(id);
    assert!(body["data"]["payment"].get("status").is_none());
    body["message"] = json!("Checkout created");
    body
}

#[test]
fn a_create_answer_without_a_status_is_a_created_checkout_read_by_id() {
    // --wait: polled by id, as any checkout.
    let reads = Arc::new(AtomicUsize::new(0));
    let counted = reads.clone();
    let server = Server::start(move |req, _| {
        if req.method == "POST" {
            return Reply::json(201, created_without_status("cs_plain"));
        }
        let n = counted.fetch_add(1, Ordering::SeqCst);
        let (checkout, payment) = if n == 0 {
            ("open", "pending")
        } else {
            ("completed", "completed")
        };
        Reply::json(200, checkout_with_status("cs_plain", checkout, payment))
    });
    let sb = Sandbox::new();
    sb.create(&server)
        .args(FAST)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_plain\n")
        .stderr(contains("may or may not").not());
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/payment/checkouts",
            "GET /v1/payment/checkouts/cs_plain",
            "GET /v1/payment/checkouts/cs_plain"
        ]
    );

    // -o status: read once.
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            return Reply::json(201, created_without_status("cs_plain"));
        }
        Reply::json(200, checkout_with_status("cs_plain", "open", "pending"))
    });
    sb.create(&server)
        .args(["-o", "status"])
        .assert()
        .code(0)
        .stdout("open\n")
        .stderr("");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.requests()[1].path, "/v1/payment/checkouts/cs_plain");
    // The other outputs need no status: nothing is read.
    sb.create(&server)
        .args(["-o", "id"])
        .assert()
        .code(0)
        .stdout("cs_plain\n");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_created_checkout_whose_read_has_no_status_is_named_not_doubted() {
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            return Reply::json(201, created_without_status("cs_plain"));
        }
        Reply::json(200, created_without_status("cs_plain"))
    });
    let sb = Sandbox::new();
    for extra in [&["-o", "status"][..], FAST] {
        let assert = sb.create(&server).args(extra).assert().code(1).stdout("");
        let err = stderr(assert.get_output());
        assert!(
            err.starts_with("orqex: checkout cs_plain was created, but the API's answer to reading it has no status (data.checkout.status or data.payment.status)\n"),
            "{extra:?}: {err}"
        );
        assert!(!err.contains("may or may not"), "{extra:?}: {err}");
    }
    // A read answer without a status still ends a wait at once, as before.
    let assert = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_plain"])
        .args(FAST)
        .assert()
        .code(6);
    assert!(stderr(assert.get_output()).contains("the answer has no status"));
}
