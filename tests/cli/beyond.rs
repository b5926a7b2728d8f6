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
        sb.create(&server)
            .args(["-o", output])
            .assert()
            .append_context("output", output)
            .code(0)
            .stdout(expected);
    }
    sb.create(&server)
        .args(["--wait", "--interval", "0.1", "-o", "status"])
        .assert()
        .code(0)
        .stdout("completed\n");
}

#[test]
fn a_wait_on_an_answer_without_any_status_ends_at_once() {
    let body = checkout_without_status("cs_nostatus");
    let server = Server::start(move |_, _| Reply::json(200, body.clone()));
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args([
            "checkout",
            "get",
            "cs_nostatus",
            "--wait",
            "--interval",
            "0.1",
        ])
        .assert()
        .code(6)
        .stderr(contains("the answer has no status"));
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
        sb.cmd_for(&server)
            .args(["checkout", "get", "cs_r", "--wait", "--interval", "0.1"])
            .assert()
            .append_context("why", why)
            .code(7)
            .stderr(predicate::str::ends_with(format!(
                "orqex: checkout cs_r ended unpaid: {why}\n"
            )));
    }
}

#[test]
fn jq_filters_create_get_and_config() {
    let server = Server::created("cs_jq");
    let sb = Sandbox::new();
    sb.create(&server)
        .args(["--jq", ".data.payment.id, .data.payment.amount"])
        .assert()
        .code(0)
        .stdout(
            "TRX1A2B3C4D\n{\"value\":5000,\"formatted\":\"50.00 XOF\",\"short\":\"50 XOF\",\"currency\":\"XOF\"}\n",
        );
    sb.cmd_for(&server)
        .args(["checkout", "get", "cs_jq", "--jq", ".data.checkout.id"])
        .assert()
        .stdout("cs_jq\n");
    sb.cmd_for(&server)
        .args(["config", "--jq", ".secret_key.source"])
        .assert()
        .stdout("env\n");
    // A bad filter is refused before anything is sent.
    let before = server.requests().len();
    sb.create(&server)
        .args(["--jq", ".data["])
        .assert()
        .code(2)
        .stderr(
            "orqex: --jq `.data[` is not a filter jq can read (a syntax error); write a jq filter, like .data.checkout.url\n",
        );
    assert_eq!(server.requests().len(), before);
    sb.create(&server)
        .args(["--jq", ".x", "--output", "id"])
        .assert()
        .code(2);
}

// ---- fields without a flag of their own: --set, --set-json, --allow-unknown ----

#[test]
fn set_sends_unlisted_paths_as_given_with_one_warning_each() {
    let server = Server::created("cs_set");
    let sb = Sandbox::new();
    sb.create(&server)
        .args(["--color", "#112233", "--set", "customization.lang=fr"])
        .args(["--set-json", "customization.display_platform_badge=false"])
        .args(["--set-json", "customization.colour=\"red\""])
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_set\n")
        .stderr(
            "orqex: warning: --set customization.lang: not in the API reference; sent as given\n\
             orqex: warning: --set customization.display_platform_badge: not in the API reference; sent as given\n\
             orqex: warning: --set customization.colour: not in the API reference; sent as given (did you mean `customization.color`?)\n",
        );
    let req = server.only_request();
    let mut expected = create_body();
    expected["customization"] = json!({"color": "#112233", "lang": "fr",
        "display_platform_badge": false, "colour": "red"});
    assert_eq!(req.json(), expected);
    // Listed fields first, in the reference's order; the unlisted after them.
    let text = req.body_text();
    assert!(text.find("\"color\"") < text.find("\"lang\""), "{text}");
}

#[test]
fn set_on_a_listed_path_gets_the_flag_s_checks() {
    let server = Server::created("cs_set2");
    let sb = Sandbox::new();
    let without_amount: Vec<&str> = CREATE
        .chunks(2)
        .filter(|pair| pair[0] != "--amount")
        .flatten()
        .copied()
        .collect();
    // A string amount is refused, as in a JSON body; nothing is sent.
    sb.cmd_for(&server)
        .args(&without_amount)
        .args(["--set", "amount=7"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "orqex: invalid input: 1 problem; nothing was sent\n  amount (--set): must be a number, and --set always gives a string; give it with --set-json amount=7\n",
        );
    // Text that is no number keeps the plain words.
    sb.cmd_for(&server)
        .args(&without_amount)
        .args(["--set", "amount=seven"])
        .assert()
        .code(2)
        .stderr(
            "orqex: invalid input: 1 problem; nothing was sent\n  amount (--set): must be a number, like 50 (not in quotes); got a string\n",
        );
    sb.cmd_for(&server)
        .args(&without_amount)
        .args(["--set-json", "amount=0.5"])
        .assert()
        .code(2)
        .stderr(contains("amount (--set): "));
    // As JSON it is a number, sent as typed.
    sb.cmd_for(&server)
        .args(&without_amount)
        .args(["--set-json", "amount=70"])
        .assert()
        .code(0)
        .stderr("");
    assert_eq!(
        server.only_request().body_text().find("\"amount\":70,"),
        Some(1)
    );
    // The same field by its flag and by --set: which was meant?
    sb.create(&server)
        .args(["--set-json", "amount=60"])
        .assert()
        .code(2)
        .stderr(
            "orqex: invalid input: 1 problem; nothing was sent\n  amount (--amount): is given by its flag and by --set too; keep one\n",
        );
    server.assert_hits(1);
}

#[test]
fn dry_run_shows_the_unlisted_fields_and_stdin_stays_unread_with_set() {
    let sb = Sandbox::new();
    let assert = sb
        .cmd()
        .args(CREATE)
        .args(["--dry-run", "--set", "customization.lang=fr"])
        .write_stdin("{\"amount\": 99}")
        .assert()
        .code(0);
    let body = stdout_json(assert.get_output());
    assert_eq!(body["customization"]["lang"], "fr");
    // --set is a body flag: piped JSON is read only with --data -.
    assert_eq!(body["amount"], 50);
}

#[test]
fn an_unknown_field_in_a_json_body_is_still_refused_with_the_way_to_send_it() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(CREATE)
        .args(["--dry-run", "--data", "-"])
        .write_stdin("{\"customization\": {\"lang\": \"fr\"}}")
        .assert()
        .code(2)
        .stderr(
            "orqex: invalid input: 1 problem; nothing was sent\n  customization.lang (stdin): unknown field; known fields here: color, brand (--set customization.lang=VALUE sends it as given)\n",
        );
}

#[test]
fn batch_rows_send_unlisted_fields_only_with_allow_unknown() {
    let sb = Sandbox::new();
    let rows = sb.file(
        "rows.jsonl",
        format!(
            "{}\n{}\n",
            r#"{"amount": 5, "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}, "customization": {"lang": "fr"}}"#,
            r#"{"amount": 6, "customer": {"email": "b@example.com", "first_name": "C", "last_name": "D"}, "customization": {"lang": "en"}}"#
        ),
    );
    let batch = |extra: &[&str]| {
        let mut cmd = sb.cmd();
        cmd.args([
            "checkout",
            "create",
            "--dry-run",
            "--currency",
            "XOF",
            "--description",
            "d",
        ])
        .arg("--batch")
        .arg(&rows)
        .args(extra);
        cmd
    };
    batch(&[]).assert().code(9).stdout(contains(
        r#""errors":{"customization.lang":["unknown field; known fields here: color, brand (--allow-unknown sends it as given)"]}"#,
    ));
    let assert = batch(&["--allow-unknown", "--set", "customization.brand_font=x"])
        .assert()
        .code(0)
        .stderr(contains(
            "orqex: warning: --set customization.brand_font: not in the API reference; sent as given\n",
        ));
    let out = assert.get_output();
    let bodies: Vec<Value> = json_lines(out).iter().map(|l| l["body"].clone()).collect();
    assert_eq!(
        bodies[0]["customization"],
        json!({"brand_font": "x", "lang": "fr"})
    );
    assert_eq!(
        bodies[1]["customization"],
        json!({"brand_font": "x", "lang": "en"})
    );
    // One warning per path for the whole batch, whichever row had it first.
    let err = stderr(out);
    assert_eq!(
        err.matches("customization.lang: not in the API reference; sent as given")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn jq_cannot_reach_the_environment_or_act_outside_the_answer() {
    let server = Server::created("cs_jq");
    let sb = Sandbox::new();
    for expr in [
        "env.ORQEX_SECRET_KEY|.[3:]",
        "$ENV.ORQEX_SECRET_KEY|@base64",
        ".|debug",
        "\"x\"|halt_error",
        "halt",
        "input",
    ] {
        let assert = sb
            .create(&server)
            .args(["--jq", expr])
            .assert()
            .append_context("jq", expr)
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains(
                "which orqex's --jq does not offer",
            ));
        assert_no_key(assert.get_output());
    }
    server.assert_hits(0);
}
