//! `orqex refunds create`, `list` and `get`, against the fake API (common/payments.rs): the
//! amount checked before sending, one idempotency key across retries and given back when the
//! outcome is unknown, a live key confirmed, a refund never sent twice.

use serde_json::{Value, json};

use crate::common::payments::{FakeApi, payment};
use crate::common::*;

fn orqex(url: &str, sb: &Sandbox) -> std::process::Command {
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_SECRET_KEY", KEY).env("ORQEX_BASE_URL", url);
    cmd
}

fn run(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    orqex(&fake.url(), &Sandbox::new())
        .args(args)
        .output()
        .unwrap()
}

/// One completed payment of 50.00 XOF.
fn fifty() -> FakeApi {
    FakeApi::start(vec![payment(
        "TRX1",
        "completed",
        5000,
        "XOF",
        "2026-12-04T10:00:00Z",
    )])
}

fn posts(fake: &FakeApi) -> Vec<Recorded> {
    fake.server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

fn is_generated_key(key: &str) -> bool {
    key.len() == 36 && key.starts_with("orq_") && key[4..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn a_refund_sends_exactly_what_was_typed_after_asking_what_is_refundable() {
    let fake = fifty();
    let out = run(
        &fake,
        &[
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "10",
            "--reason",
            "duplicate",
            "--note",
            "charged twice",
            "-m",
            "ticket=4411",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let answer = stdout_json(&out);
    assert_eq!(answer["data"]["status"], "pending");
    assert_eq!(answer["data"]["amount"]["formatted"], "10.00 XOF");
    assert_eq!(
        fake.lines(),
        [
            "GET /v1/payment/intents/TRX1/refunds/availability",
            "POST /v1/payment/intents/TRX1/refunds",
        ]
    );
    let post = &posts(&fake)[0];
    assert_eq!(
        post.body_text(),
        r#"{"amount":10,"reason":"duplicate","note":"charged twice","metadata":{"ticket":"4411"}}"#
    );
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert!(is_generated_key(post.header("x-idempotency-key").unwrap()));
    assert_no_key(&out);
}

#[test]
fn full_refunds_what_is_refundable_and_nothing_over_it_is_sent() {
    let fake = fifty();
    let out = run(
        &fake,
        &[
            "refunds", "create", "TRX1", "--amount", "20", "--reason", "other",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sb = Sandbox::new();
    orqex(&fake.url(), &sb)
        .args(["refunds", "create", "TRX1", "--amount", "30.01", "--reason", "other"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("orqex: --amount 30.01 is more than payment TRX1 can give back: 30.00 XOF is refundable (20.00 XOF is in refunds still pending); nothing was sent\n");
    assert_eq!(posts(&fake).len(), 1);
    let out = run(
        &fake,
        &[
            "refunds",
            "create",
            "TRX1",
            "--full",
            "--reason",
            "other",
            "--jq",
            ".data.amount.formatted",
        ],
    );
    assert_eq!(stdout(&out), "30.00 XOF\n", "{}", stderr(&out));
    assert_eq!(
        posts(&fake)[1].body_text(),
        r#"{"amount":30,"reason":"other"}"#
    );
    // Nothing is left: refused with the API's own reason.
    orqex(&fake.url(), &sb)
        .args(["refunds", "create", "TRX1", "--full", "--reason", "other"])
        .assert()
        .code(2)
        .stderr("orqex: payment TRX1 cannot be refunded: This payment has been refunded in full.; nothing was sent\n");
    assert_eq!(posts(&fake).len(), 2);
}

#[test]
fn a_payment_that_cannot_be_refunded_or_a_reason_off_the_list_sends_nothing() {
    let fake = FakeApi::day();
    let sb = Sandbox::new();
    orqex(&fake.url(), &sb)
        .args(["refunds", "create", "TRX0002", "--amount", "1", "--reason", "duplicate"])
        .assert()
        .code(2)
        .stderr("orqex: payment TRX0002 cannot be refunded: Only completed payments can be refunded; this one is failed.; nothing was sent\n");
    orqex(&fake.url(), &sb)
        .args(["refunds", "create", "TRX0003", "--amount", "1", "--reason", "changed_mind"])
        .assert()
        .code(2)
        .stderr(
            contains(
                "(possible values: requested_by_customer, duplicate, fraudulent, product_not_received, product_unsatisfactory, order_cancelled, other)",
            )
            .and(one_line()),
        );
    for (amount, why) in [
        ("0", "is zero; a refund gives back more than nothing"),
        (
            "1,000",
            "is not an amount; write a plain decimal in major units, like 10 or 12.5",
        ),
        (
            "-5",
            "is not an amount; write a plain decimal in major units, like 10 or 12.5",
        ),
    ] {
        orqex(&fake.url(), &sb)
            .args([
                "refunds",
                "create",
                "TRX0003",
                "--reason",
                "other",
                &format!("--amount={amount}"),
            ])
            .assert()
            .code(2)
            .stderr(format!("orqex: --amount `{amount}` {why}\n"));
    }
    orqex(&fake.url(), &sb)
        .args(["refunds", "create", "TRX0003", "--reason", "other"])
        .assert()
        .code(2)
        .stderr(contains("--amount"));
    assert!(posts(&fake).is_empty());
    assert_eq!(
        fake.lines(),
        ["GET /v1/payment/intents/TRX0002/refunds/availability"]
    );
}

#[test]
fn a_live_refund_without_a_terminal_needs_yes() {
    let fake = fifty();
    let sb = Sandbox::new();
    orqex(&fake.url(), &sb)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args(["refunds", "create", "TRX1", "--amount", "5", "--reason", "duplicate"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!("orqex: a refund with a live key ({LIVE_KEY_MASKED}) sends real money back and is confirmed at a terminal; nothing was sent: run it at a terminal, or pass --yes\n"));
    assert!(posts(&fake).is_empty());
    let out = orqex(&fake.url(), &sb)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args([
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "5",
            "--reason",
            "duplicate",
            "--yes",
            "--jq",
            ".data.id",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "rf_0001\n");
    assert_eq!(
        stderr(&out),
        format!("orqex: using a live key ({LIVE_KEY_MASKED}): this refund sends real money back\n")
    );
    assert_eq!(posts(&fake).len(), 1);
}

/// A server that answers the availability of a 50.00 XOF payment, and each refund request
/// with `post(n)`, n counting the POSTs from 0.
fn refunds_server(post: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Server {
    let posts = std::sync::atomic::AtomicUsize::new(0);
    Server::start(move |req, _| {
        if req.method == "GET" {
            return Reply::json(
                200,
                json!({"data": {"is_refundable": true, "refundable_amount": {"value": 5000, "formatted": "50.00 XOF", "currency": "XOF"}}}),
            );
        }
        post(posts.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
    })
}

fn refund_answer() -> Value {
    json!({"data": {"id": "rf_1", "status": "pending", "amount": {"formatted": "5.00 XOF"}}})
}

#[test]
fn retries_send_the_same_key_and_an_unknown_outcome_gives_it_back() {
    let server = refunds_server(|n| {
        if n == 0 {
            Reply::json(503, json!({"message": "Service Unavailable"}))
        } else {
            Reply::json(201, refund_answer())
        }
    });
    let sb = Sandbox::new();
    let out = orqex(&server.url(), &sb)
        .args([
            "refunds", "create", "TRX1", "--amount", "5", "--reason", "other", "--jq", ".data.id",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let keys: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.header("x-idempotency-key").unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "a retry reuses the key");

    let server = refunds_server(|_| Reply::json(503, json!({"message": "Service Unavailable"})));
    let out = orqex(&server.url(), &sb)
        .args([
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "5",
            "--reason",
            "other",
            "--max-retries",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let key = server.requests()[1]
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: the API answered 503: Service Unavailable; tried 2 times (request id req_test_0001)\n  the refund may or may not have been made; retry safely with the same command and --idempotency-key {key}\n"
        )
    );
    let out = orqex(&server.url(), &sb)
        .args([
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "5",
            "--reason",
            "other",
            "--max-retries",
            "0",
            "--json",
        ])
        .output()
        .unwrap();
    let err = last_json_line(&out);
    assert_eq!(err["exit_code"], 5);
    assert!(
        is_generated_key(err["idempotency_key"].as_str().unwrap()),
        "{err}"
    );
}

#[test]
fn the_key_given_back_replays_the_refund_and_another_body_with_it_is_refused() {
    let fake = fifty();
    let args = |amount: &'static str| {
        [
            "refunds",
            "create",
            "TRX1",
            "--amount",
            amount,
            "--reason",
            "duplicate",
            "--idempotency-key",
            "orq_given_back_0001",
            "--jq",
            ".data.id",
        ]
    };
    let first = run(&fake, &args("10"));
    assert_eq!(stdout(&first), "rf_0001\n", "{}", stderr(&first));
    let again = run(&fake, &args("10"));
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), "rf_0001\n");
    assert_eq!(
        stderr(&again),
        "orqex: note: the API replayed the refund made earlier with idempotency key orq_given_back_0001; nothing new was sent\n"
    );
    assert_eq!(fake.store().refunds["TRX1"].len(), 1, "one refund, not two");
    let other = run(&fake, &args("11"));
    assert_eq!(other.status.code(), Some(4));
    assert_eq!(
        stderr(&other),
        "orqex: the API answered 409: This idempotency key was already used with a different request. (request id req_test_0001)\n  the idempotency key orq_given_back_0001 was used before with another refund request: to see that refund, run its command again unchanged (`orqex refunds list` shows them); for a new refund, give another --idempotency-key or none\n"
    );
    assert_eq!(fake.store().refunds["TRX1"].len(), 1);
}

#[test]
fn wait_ends_when_the_refund_completes_or_fails() {
    let fake = fifty();
    let out = run(
        &fake,
        &[
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "5",
            "--reason",
            "other",
            "--wait",
            "--interval",
            "100ms",
            "--jq",
            ".data.status",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "completed\n");
    assert_eq!(
        stderr(&out),
        "orqex: refund rf_0001 of payment TRX1 is pending; waiting for it to complete\norqex: refund rf_0001 completed\n"
    );
    assert_eq!(fake.store().refund("TRX1", "rf_0001").unwrap().reads, 2);

    let fake = fifty();
    fake.store().outcome = "failed";
    let out = run(
        &fake,
        &[
            "refunds",
            "create",
            "TRX1",
            "--amount",
            "5",
            "--reason",
            "other",
            "--wait",
            "--interval",
            "100ms",
            "--jq",
            ".data.status",
        ],
    );
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(stdout(&out), "failed\n");
    assert!(
        stderr(&out).ends_with(
            "orqex: refund rf_0001 failed: The mobile money operator declined the reversal.\n"
        ),
        "{}",
        stderr(&out)
    );
    // The same refund, seen again, is final: get --wait ends at once with the same code.
    let out = run(
        &fake,
        &[
            "refunds",
            "get",
            "TRX1",
            "rf_0001",
            "--wait",
            "--jq",
            ".data.failure_message",
        ],
    );
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        stdout(&out),
        "The mobile money operator declined the reversal.\n"
    );
}

#[test]
fn refunds_list_and_get_as_payments_list_and_get_do() {
    let fake = fifty();
    fake.store().settle_after = 100;
    for amount in ["5", "7.5"] {
        let out = run(
            &fake,
            &[
                "refunds", "create", "TRX1", "--amount", amount, "--reason", "other",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = run(&fake, &["refunds", "list", "TRX1"]);
    let rows = json_lines(&out);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["rf_0002", "rf_0001"]);
    let out = run(&fake, &["refunds", "list", "TRX1", "-o", "table"]);
    assert_eq!(
        stdout(&out),
        "\
ID       STATUS        AMOUNT  TYPE     REASON  CREATED (UTC)     NOTE
rf_0002  processing  7.50 XOF  partial  other   2026-12-05 10:00
rf_0001  processing  5.00 XOF  partial  other   2026-12-05 10:00

2 refunds
  XOF  processing  2  12.50 XOF
"
    );
    let out = run(&fake, &["refunds", "get", "TRX1", "rf_0002", "-o", "text"]);
    assert_eq!(
        stdout(&out),
        "\
refund   rf_0002
payment  TRX1
status   processing
amount   7.50 XOF
type     partial
reason   other
method   gateway
created  2026-12-05 10:00 UTC
"
    );
    let sb = Sandbox::new();
    orqex(&fake.url(), &sb)
        .args(["refunds", "get", "TRX1", "rf_1/../x"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "orqex: REFUND_ID `rf_1/../x` is not an id",
        ));
}

#[cfg(unix)]
#[test]
fn a_signal_while_the_refund_is_on_its_way_gives_the_key_back() {
    let server = refunds_server(|_| {
        Reply::After(
            std::time::Duration::from_secs(30),
            Box::new(Reply::json(201, refund_answer())),
        )
    });
    let sb = Sandbox::new();
    let mut cmd = orqex(&server.url(), &sb);
    cmd.args([
        "refunds", "create", "TRX1", "--amount", "5", "--reason", "other",
    ]);
    let out = signal_once_sent(&server, 2, spawn_piped(&mut cmd), "TERM");
    assert_died_by(&out, 15);
    let key = server.requests()[1]
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: terminated (SIGTERM) while sending\n  the refund may or may not have been made; retry safely with the same command and --idempotency-key {key}\n"
        )
    );
}

#[test]
fn full_never_sends_a_negative_or_zero_amount_an_answer_calls_refundable() {
    for formatted in ["-1.00 XOF", "0.00 XOF"] {
        let server = Server::start(move |req, _| {
            if req.path.ends_with("/availability") {
                Reply::json(
                    200,
                    json!({"data": {"is_refundable": true,
                        "refundable_amount": {"value": -100, "formatted": formatted, "currency": "XOF"}}}),
                )
            } else {
                Reply::json(201, json!({"data": {"id": "rf_1"}}))
            }
        });
        let sb = Sandbox::new();
        orqex(&server.url(), &sb)
            .args(["refunds", "create", "TRX1", "--full", "--reason", "other"])
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("orqex: --full: the API says payment TRX1 is refundable but gives `{formatted}` as the amount, so there is nothing to send; nothing was sent\n"));
        assert!(server.requests().iter().all(|r| r.method == "GET"));
    }
}

#[test]
fn an_answer_without_the_refund_s_id_or_with_another_amount_is_not_a_success() {
    for (answer, why) in [
        (
            json!({"data": {}}),
            "the API's answer names no refund id (data.id)".to_string(),
        ),
        (
            json!({"data": {"id": "rf_1", "status": "pending",
                "amount": {"value": 1_000_000_000, "formatted": "10,000,000.00 XOF", "currency": "XOF"}}}),
            "the API's answer says the refund is 10,000,000.00 XOF, but 5 was sent".to_string(),
        ),
    ] {
        let server = Server::start(move |req, _| {
            if req.path.ends_with("/availability") {
                Reply::json(
                    200,
                    json!({"data": {"is_refundable": true,
                        "refundable_amount": {"value": 5000, "formatted": "50.00 XOF", "currency": "XOF"}}}),
                )
            } else {
                Reply::json(201, answer.clone())
            }
        });
        let out = orqex(&server.url(), &Sandbox::new())
            .args([
                "refunds",
                "create",
                "TRX1",
                "--amount",
                "5",
                "--reason",
                "other",
                "--idempotency-key",
                "refund-trx1-0001",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&why), "{err}");
        assert!(err.contains("refund-trx1-0001"), "{err}");
    }
}
