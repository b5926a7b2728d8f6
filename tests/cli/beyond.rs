//! Beyond the anchors: answers as the official SDK reads them, and --jq on each command.

use serde_json::{Value, json};

use crate::common::*;

/// A checkout answer in the SDK's flat envelope: the checkout's fields right under `data`.
fn flat(id: &str, status: &str, payment: Value) -> Value {
    json!({"message": "ok", "data": {
        "id": id, "url": format!("https://pay.orqex.com/c/{id}"), "status": status,
        "expires_at": "2026-11-24T12:00:00Z", "payment": payment}})
}

#[test]
fn a_flat_envelope_is_read_by_every_output_and_by_wait() {
    let server = Server::start(|req, _| {
        let status = if req.method == "POST" {
            "open"
        } else {
            "completed"
        };
        Reply::json(
            201,
            flat(
                "cs_flat",
                status,
                json!({"id": "TRX9", "status": "pending"}),
            ),
        )
    });
    let sb = Sandbox::new();
    for (output, expected) in [
        ("url", "https://pay.orqex.com/c/cs_flat\n"),
        ("id", "cs_flat\n"),
        ("status", "open\n"),
        (
            "env",
            "ORQEX_CHECKOUT_ID=cs_flat\nORQEX_CHECKOUT_URL=https://pay.orqex.com/c/cs_flat\nORQEX_PAYMENT_ID=TRX9\nORQEX_CHECKOUT_EXPIRES_AT=2026-11-24T12:00:00Z\n",
        ),
    ] {
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args(["-o", output])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{output}: {}", stderr(&out));
        assert_eq!(stdout(&out), expected);
    }
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--wait", "--interval", "0.1", "-o", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "completed\n");
}

#[test]
fn a_wait_on_an_answer_without_any_status_ends_at_once() {
    let mut body = checkout_body("cs_nostatus");
    body["data"]["checkout"]
        .as_object_mut()
        .unwrap()
        .remove("status");
    let server = Server::start(move |_, _| Reply::json(200, body.clone()));
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args([
            "checkout",
            "get",
            "cs_nostatus",
            "--wait",
            "--interval",
            "0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("the answer has no status"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests().len(), 1, "nothing was polled");
}

#[test]
fn a_failed_payment_gives_the_codes_message_and_a_refund_ends_the_wait() {
    let sb = Sandbox::new();
    for (payment, why) in [
        (
            json!({"status": "failed", "failure": {"code": {"message": "Insufficient funds"}, "message": "old words"}}),
            "its payment failed: Insufficient funds",
        ),
        (json!({"status": "refunded"}), "its payment was refunded"),
        (
            json!({"status": "partially_refunded"}),
            "its payment was partly refunded",
        ),
    ] {
        let server =
            Server::start(move |_, _| Reply::json(200, flat("cs_r", "open", payment.clone())));
        let out = sb
            .cmd_for(&server)
            .args(["checkout", "get", "cs_r", "--wait", "--interval", "0.1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
        assert!(
            stderr(&out).ends_with(&format!("orqex: checkout cs_r ended unpaid: {why}\n")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn jq_filters_create_get_and_config() {
    let server = Server::created("cs_jq");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--jq", ".data.payment.id, .data.payment.amount"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "TRX1A2B3C4D\n{\"value\":5000,\"formatted\":\"50.00 XOF\",\"short\":\"50 XOF\",\"currency\":\"XOF\"}\n"
    );
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_jq", "--jq", ".data.checkout.id"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "cs_jq\n");
    let out = sb
        .cmd_for(&server)
        .args(["config", "--jq", ".secret_key.source"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "env\n");
    // A bad filter is refused before anything is sent.
    let before = server.requests().len();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--jq", ".data["])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: --jq `.data[` is not a filter jq can read (a syntax error); write a jq filter, like .data.checkout.url\n"
    );
    assert_eq!(server.requests().len(), before);
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--jq", ".x", "--output", "id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
