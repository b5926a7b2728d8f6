//! The fake payments and refunds API (common/payments.rs) checked through `orqex api`, so the
//! payments and refunds tests stand on a fake that is known to keep the API's rules.

use serde_json::{Value, json};

use crate::common::payments::{FakeApi, payment};
use crate::common::*;

fn api(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", fake.url())
        .arg("api")
        .args(args);
    cmd.output().unwrap()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lists_come_newest_first_in_pages_that_keep_their_filters() {
    let fake = FakeApi::day();
    let out = api(
        &fake,
        &[
            "GET",
            "/payment/intents",
            "-q",
            "customer_id=cus_odd",
            "-q",
            "per_page=5",
            "--paginate",
            "-o",
            "jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_lines(&out);
    let odd: Vec<String> = (1..=25)
        .rev()
        .filter(|n| n % 2 == 1)
        .map(|n| format!("TRX{n:04}"))
        .collect();
    assert_eq!(ids(&rows), odd);
    assert_eq!(
        fake.lines(),
        [
            "GET /v1/payment/intents?customer_id=cus_odd&per_page=5",
            "GET /v1/payment/intents?customer_id=cus_odd&per_page=5&page=2",
            "GET /v1/payment/intents?customer_id=cus_odd&per_page=5&page=3",
        ]
    );
}

#[test]
fn lists_filter_by_status_and_time() {
    let fake = FakeApi::day();
    let out = api(
        &fake,
        &[
            "GET",
            "/payment/intents",
            "-q",
            "status=completed",
            "-q",
            "created_at[gte]=2026-12-04T10:00:00Z",
            "-q",
            "created_at[lte]=2026-12-04T20:00:00Z",
            "--paginate",
            "-o",
            "jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json_lines(&out);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["status"], "completed");
        let at = r["created_at"].as_str().unwrap();
        assert!(("2026-12-04T10:00:00Z"..="2026-12-04T20:00:00Z").contains(&at));
    }
}

#[test]
fn a_refund_over_the_refundable_amount_is_refused_and_one_within_it_settles_on_later_reads() {
    let fake = FakeApi::start(vec![payment(
        "TRX1",
        "completed",
        5000,
        "XOF",
        "2026-12-04T10:00:00Z",
    )]);
    let over = api(
        &fake,
        &[
            "POST",
            "/payment/intents/TRX1/refunds",
            "-d",
            r#"{"amount": 50.01, "reason": "duplicate"}"#,
        ],
    );
    assert_eq!(over.status.code(), Some(4), "{}", stderr(&over));
    let bad_reason = api(
        &fake,
        &[
            "POST",
            "/payment/intents/TRX1/refunds",
            "-d",
            r#"{"amount": 5, "reason": "changed_mind"}"#,
        ],
    );
    assert_eq!(bad_reason.status.code(), Some(4));
    let ok = api(
        &fake,
        &[
            "POST",
            "/payment/intents/TRX1/refunds",
            "--idempotency-key",
            "orq_test_refund_0001",
            "-d",
            r#"{"amount": 20, "reason": "duplicate"}"#,
        ],
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    let refund = stdout_json(&ok);
    assert_eq!(refund["data"]["status"], "pending");
    assert_eq!(refund["data"]["amount"]["formatted"], "20.00 XOF");

    let available = stdout_json(&api(
        &fake,
        &["GET", "/payment/intents/TRX1/refunds/availability"],
    ));
    assert_eq!(
        available["data"]["refundable_amount"]["formatted"],
        "30.00 XOF"
    );
    assert_eq!(
        available["data"]["pending_amount"]["formatted"],
        "20.00 XOF"
    );
    assert_eq!(available["data"]["has_pending_refund"], true);

    let read = |fake: &FakeApi| {
        stdout_json(&api(
            fake,
            &["GET", "/payment/intents/TRX1/refunds/rf_0001"],
        ))["data"]["status"]
            .clone()
    };
    assert_eq!(read(&fake), "processing");
    assert_eq!(read(&fake), "completed");
    let p = stdout_json(&api(&fake, &["GET", "/payment/intents/TRX1"]));
    assert_eq!(p["data"]["status"], "partially_refunded");
}

#[test]
fn the_same_key_replays_and_another_body_with_it_is_a_409() {
    let fake = FakeApi::start(vec![payment(
        "TRX1",
        "completed",
        5000,
        "XOF",
        "2026-12-04T10:00:00Z",
    )]);
    let send = |body: &str| {
        let sb = Sandbox::new();
        sb.cmd()
            .env("ORQEX_SECRET_KEY", KEY)
            .env("ORQEX_BASE_URL", fake.url())
            .args([
                "api",
                "POST",
                "/payment/intents/TRX1/refunds",
                "--idempotency-key",
                "orq_test_refund_0002",
                "-d",
                body,
            ])
            .output()
            .unwrap()
    };
    let body = r#"{"amount": 10, "reason": "duplicate"}"#;
    let first = send(body);
    let again = send(body);
    assert!(first.status.success() && again.status.success());
    assert_eq!(stdout_json(&first), stdout_json(&again));
    assert_eq!(fake.store().refunds["TRX1"].len(), 1, "one refund only");
    let other = send(r#"{"amount": 11, "reason": "duplicate"}"#);
    assert_eq!(other.status.code(), Some(4), "{}", stderr(&other));
    assert!(stderr(&other).contains("409"), "{}", stderr(&other));
    assert_eq!(fake.store().refunds["TRX1"].len(), 1);
    assert_eq!(
        json!(fake.store().refunds["TRX1"][0].value),
        json!(1000),
        "10 XOF in minor units"
    );
}

#[test]
fn a_payment_that_is_not_completed_is_not_refundable_and_a_checkout_names_its_payment() {
    let fake = FakeApi::day();
    fake.store()
        .checkouts
        .insert("cs_day2".into(), "TRX0002".into());
    let checkout = stdout_json(&api(&fake, &["GET", "/payment/checkouts/cs_day2"]));
    assert_eq!(checkout["data"]["payment"]["id"], "TRX0002");
    assert_eq!(checkout["data"]["payment"]["status"], "failed");
    let available = stdout_json(&api(
        &fake,
        &["GET", "/payment/intents/TRX0002/refunds/availability"],
    ));
    assert_eq!(available["data"]["is_refundable"], false);
    assert_eq!(
        available["data"]["unavailable_reason"],
        "Only completed payments can be refunded; this one is failed."
    );
}
