//! `orqex payments list` and `orqex payments get`, against the fake API (common/payments.rs).

use serde_json::{Value, json};

use crate::common::payments::{FakeApi, payment};
use crate::common::*;

fn orqex(fake: &FakeApi, sb: &Sandbox) -> std::process::Command {
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", fake.url());
    cmd
}

fn run(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    orqex(fake, &Sandbox::new()).args(args).output().unwrap()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn newest(n: usize, of: usize) -> Vec<String> {
    (1..=of)
        .rev()
        .take(n)
        .map(|n| format!("TRX{n:04}"))
        .collect()
}

/// Two payments with everything a row shows.
fn two() -> FakeApi {
    let mut a = payment(
        "TRX0001",
        "completed",
        100_050,
        "XOF",
        "2026-12-04T09:15:00Z",
    );
    a["description"] = json!("Order 1024, \"blue\"");
    let b = payment("TRX0002", "failed", 1_200, "GHS", "2026-12-04T10:30:00Z");
    FakeApi::start(vec![a, b])
}

#[test]
fn in_a_pipe_a_list_is_one_page_of_20_as_json_lines_newest_first() {
    let fake = FakeApi::day();
    let out = run(&fake, &["payments", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let rows = json_lines(&out);
    assert_eq!(ids(&rows), newest(20, 25));
    // Whole rows, unknown fields kept.
    assert_eq!(rows[0]["future_field"], json!({"kept": true}));
    assert_eq!(fake.lines(), ["GET /v1/payment/intents?per_page=20"]);
    let req = &fake.server.requests()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(req.body.is_empty());
}

#[test]
fn all_follows_every_page_and_limit_stops_where_asked() {
    let many: Vec<Value> = (1..=230)
        .map(|n| {
            payment(
                &format!("TRX{n:04}"),
                "completed",
                100,
                "XOF",
                &format!(
                    "2026-12-{:02}T{:02}:{:02}:00Z",
                    1 + n / 60,
                    (n / 60) % 24,
                    n % 60
                ),
            )
        })
        .collect();
    let fake = FakeApi::start(many);
    let out = run(&fake, &["payments", "list", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&json_lines(&out)), newest(230, 230));
    assert_eq!(
        fake.lines(),
        [
            "GET /v1/payment/intents?per_page=100",
            "GET /v1/payment/intents?per_page=100&page=2",
            "GET /v1/payment/intents?per_page=100&page=3",
        ]
    );

    let fake = FakeApi::day();
    let out = run(&fake, &["payments", "list", "--limit", "3"]);
    assert_eq!(ids(&json_lines(&out)), newest(3, 25));
    assert_eq!(fake.lines(), ["GET /v1/payment/intents?per_page=3"]);
    let fake = FakeApi::day();
    let out = run(&fake, &["payments", "list", "--limit", "150"]);
    assert_eq!(ids(&json_lines(&out)), newest(25, 25));
    assert_eq!(fake.lines(), ["GET /v1/payment/intents?per_page=100"]);
}

#[test]
fn filters_are_sent_as_the_api_names_them() {
    let fake = FakeApi::day();
    let out = run(
        &fake,
        &[
            "payments",
            "list",
            "--status",
            "completed",
            "--customer",
            "cus_odd",
            "--since",
            "2026-12-04",
            "--until",
            "2026-12-04T12:00:00Z",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fake.lines(),
        [
            "GET /v1/payment/intents?status=completed&customer_id=cus_odd&created_at%5Bgte%5D=2026-12-04T00%3A00%3A00Z&created_at%5Blte%5D=2026-12-04T12%3A00%3A00Z&per_page=20"
        ]
    );
    let rows = json_lines(&out);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["status"], "completed");
        assert_eq!(r["customer"]["id"], "cus_odd");
    }
}

#[test]
fn several_statuses_are_kept_from_every_payment() {
    let fake = FakeApi::day();
    let out = run(
        &fake,
        &[
            "payments", "list", "--status", "failed", "--status", "refunded", "--all",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_lines(&out);
    // day(): statuses cycle completed, pending, failed, completed, refunded by n % 5.
    let expected: Vec<String> = (1..=25)
        .rev()
        .filter(|n| n % 5 == 2 || n % 5 == 4)
        .map(|n| format!("TRX{n:04}"))
        .collect();
    assert_eq!(ids(&rows), expected);
    assert_eq!(fake.lines(), ["GET /v1/payment/intents?per_page=100"]);
}

#[test]
fn a_duration_counts_back_from_now() {
    let fake = FakeApi::day();
    let before = std::time::SystemTime::now();
    let out = run(&fake, &["payments", "list", "--since", "24h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = &fake.server.requests()[0].path;
    let sent = path
        .split("created_at%5Bgte%5D=")
        .nth(1)
        .and_then(|v| v.split('&').next())
        .unwrap()
        .replace("%3A", ":");
    let at = humantime::parse_rfc3339(&sent).unwrap();
    let day = std::time::Duration::from_secs(24 * 3600);
    let earliest = before - day - std::time::Duration::from_secs(1);
    let latest = std::time::SystemTime::now() - day + std::time::Duration::from_secs(1);
    assert!(at >= earliest && at <= latest, "{sent}");
}

#[test]
fn rows_come_as_csv_tsv_a_json_array_or_what_jq_makes_of_each() {
    let fake = two();
    let out = run(&fake, &["payments", "list", "-o", "csv"]);
    assert_eq!(
        stdout(&out),
        "id,status,amount,currency,customer_id,customer_email,created_at,description\n\
         TRX0002,failed,12.00 GHS,GHS,cus_TRX0002,trx0002@example.com,2026-12-04T10:30:00Z,Order TRX0002\n\
         TRX0001,completed,1000.50 XOF,XOF,cus_TRX0001,trx0001@example.com,2026-12-04T09:15:00Z,\"Order 1024, \"\"blue\"\"\"\n"
    );
    let out = run(&fake, &["payments", "list", "-o", "tsv"]);
    assert_eq!(
        stdout(&out).lines().nth(2).unwrap(),
        "TRX0001\tcompleted\t1000.50 XOF\tXOF\tcus_TRX0001\ttrx0001@example.com\t2026-12-04T09:15:00Z\tOrder 1024, \"blue\""
    );
    let out = run(&fake, &["payments", "list", "--json"]);
    let array = stdout_json(&out);
    assert_eq!(ids(array.as_array().unwrap()), ["TRX0002", "TRX0001"]);
    assert!(stdout(&out).starts_with("[\n  {"), "{}", stdout(&out));
    let out = run(
        &fake,
        &[
            "payments",
            "list",
            "--jq",
            ".id + \" \" + .amount.formatted",
        ],
    );
    assert_eq!(stdout(&out), "TRX0002 12.00 GHS\nTRX0001 1000.50 XOF\n");
    let empty = FakeApi::start(vec![]);
    assert_eq!(
        stdout(&run(&empty, &["payments", "list", "--json"])),
        "[]\n"
    );
    assert_eq!(stdout(&run(&empty, &["payments", "list"])), "");
}

#[test]
fn a_table_has_its_totals_per_currency_and_status() {
    let fake = FakeApi::start(vec![
        payment(
            "TRX0001",
            "completed",
            100_050,
            "XOF",
            "2026-12-04T09:15:00Z",
        ),
        payment("TRX0002", "completed", 2_000, "XOF", "2026-12-04T09:20:00Z"),
        payment("TRX0003", "failed", 1_200, "GHS", "2026-12-04T10:30:00Z"),
    ]);
    let out = run(&fake, &["payments", "list", "-o", "table"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
ID       STATUS          AMOUNT  CREATED (UTC)     CUSTOMER             DESCRIPTION
TRX0003  failed       12.00 GHS  2026-12-04 10:30  trx0003@example.com  Order TRX0003
TRX0002  completed    20.00 XOF  2026-12-04 09:20  trx0002@example.com  Order TRX0002
TRX0001  completed  1000.50 XOF  2026-12-04 09:15  trx0001@example.com  Order TRX0001

3 payments
  GHS  failed     1  12.00 GHS
  XOF  completed  2  1,020.50 XOF
"
    );
}

#[test]
fn wrong_filters_are_refused_before_anything_is_sent() {
    let fake = FakeApi::day();
    let sb = Sandbox::new();
    orqex(&fake, &sb)
        .args(["payments", "list", "--since", "yesterday"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("orqex: --since `yesterday` is not a time; write a date (2026-12-01), a UTC date-time (2026-12-01T09:30:00Z) or a duration back from now (24h, 7d, 90m)\n");
    orqex(&fake, &sb)
        .args(["payments", "list", "--status", "paid"])
        .assert()
        .code(2)
        .stderr(contains(
            "possible values: pending, completed, failed, expired, refunded, partially_refunded",
        ));
    orqex(&fake, &sb)
        .args(["payments", "list", "--limit", "0"])
        .assert()
        .code(2);
    orqex(&fake, &sb)
        .args(["payments", "list", "-o", "csv", "--jq", ".id"])
        .assert()
        .code(2)
        .stderr("orqex: --jq prints what it makes of each row, which contradicts --output csv; keep one of them\n");
    orqex(&fake, &sb)
        .args(["payments", "list", "--since", "1h", "--until", "2h"])
        .assert()
        .code(2)
        .stderr(contains("is after --until").and(one_line()));
    fake.server.assert_hits(0);
}

#[test]
fn a_failed_list_is_one_line_or_json_with_json() {
    let server = Server::start(|_, _| {
        Reply::json(500, json!({"message": "Server Error"}))
            .with_header("X-Request-Id", "req_list_1")
    });
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(["payments", "list", "--json", "--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = last_json_line(&out);
    assert_eq!(err["status"], 500);
    assert_eq!(err["exit_code"], 5);
    assert_eq!(err["request_id"], "req_list_1");
    // A page that says more follow but gives no way there: the list is incomplete, said.
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [{"id": "TRX1"}], "pagination": {"has_more_pages": true, "next_page_url": null}}),
        )
    });
    sb.cmd_for(&server)
        .args(["payments", "list", "--all"])
        .assert()
        .code(1)
        .stdout("{\"id\":\"TRX1\"}\n")
        .stderr("orqex: page 1 of GET /payment/intents says more pages follow, but it gives no next_page_url; the list is incomplete\n");
}

#[test]
fn get_prints_the_payment_and_a_checkout_names_its_payment() {
    let fake = FakeApi::day();
    fake.store()
        .checkouts
        .insert("cs_day7".into(), "TRX0007".into());
    let out = run(&fake, &["payments", "get", "TRX0007"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = stdout_json(&out);
    assert_eq!(body["data"]["id"], "TRX0007");
    assert_eq!(fake.lines(), ["GET /v1/payment/intents/TRX0007"]);

    let fake2 = FakeApi::day();
    fake2
        .store()
        .checkouts
        .insert("cs_day7".into(), "TRX0007".into());
    for given in ["cs_day7", "https://pay.orqex.com/c/cs_day7"] {
        let out = run(&fake2, &["payments", "get", given, "--jq", ".data.id"]);
        assert_eq!(stdout(&out), "TRX0007\n", "{}", stderr(&out));
    }
    assert_eq!(
        fake2.lines(),
        [
            "GET /v1/payment/checkouts/cs_day7",
            "GET /v1/payment/intents/TRX0007",
            "GET /v1/payment/checkouts/cs_day7",
            "GET /v1/payment/intents/TRX0007",
        ]
    );
}

#[test]
fn get_as_text_says_why_it_failed_and_what_can_go_back() {
    let fake = FakeApi::day();
    let out = run(&fake, &["payments", "get", "TRX0002", "-o", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
payment      TRX0002
status       failed
amount       1002.00 XOF
customer     Ama Mensah <trx0002@example.com> (cus_even)
description  Order TRX0002
created      2026-12-04 00:01 UTC
attempt      att_TRX0002 failed by momo_mtn
failure      The customer's balance is too low.
refundable   nothing: Only completed payments can be refunded; this one is failed.
"
    );
    let out = run(&fake, &["payments", "get", "TRX0003", "-o", "text"]);
    assert!(
        stdout(&out).ends_with("refundable   1003.00 GHS\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn get_refuses_ids_that_could_change_the_path() {
    let fake = FakeApi::day();
    let sb = Sandbox::new();
    for bad in ["TRX1/refunds", "../x", "TRX1?x=1", ""] {
        orqex(&fake, &sb)
            .args(["payments", "get", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("orqex: PAYMENT `").and(one_line()));
    }
    fake.server.assert_hits(0);
}

/// A payment that is `pending` for its first `reads` reads, then `end`.
fn settling(end: &'static str, reads: usize) -> Server {
    Server::start(move |_, n| {
        let status = if n < reads { "pending" } else { end };
        Reply::json(
            200,
            json!({"data": payment("TRX9", status, 500, "XOF", "2026-12-04T09:00:00Z")}),
        )
    })
}

#[test]
fn wait_ends_as_checkout_get_wait_does() {
    let sb = Sandbox::new();
    let server = settling("completed", 2);
    let out = sb
        .cmd_for(&server)
        .args([
            "payments",
            "get",
            "TRX9",
            "--wait",
            "--interval",
            "100ms",
            "--jq",
            ".data.status",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "completed\n");
    assert!(
        stderr(&out).ends_with("orqex: payment TRX9 completed\n"),
        "{}",
        stderr(&out)
    );
    server.assert_hits(3);

    let server = settling("failed", 1);
    let out = sb
        .cmd_for(&server)
        .args([
            "payments",
            "get",
            "TRX9",
            "--wait",
            "--interval",
            "100ms",
            "--jq",
            ".data.status",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "failed\n");
    assert!(
        stderr(&out).ends_with("orqex: payment TRX9 failed: The customer's balance is too low.\n"),
        "{}",
        stderr(&out)
    );

    let server = settling("completed", usize::MAX);
    let out = sb
        .cmd_for(&server)
        .args([
            "payments",
            "get",
            "TRX9",
            "--wait",
            "--interval",
            "100ms",
            "--wait-timeout",
            "300ms",
            "--jq",
            ".data.status",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert!(
        stderr(&out).ends_with("orqex: gave up waiting after 300ms: payment TRX9 is still pending; wait again with `orqex payments get TRX9 --wait`\n"),
        "{}",
        stderr(&out)
    );
}
