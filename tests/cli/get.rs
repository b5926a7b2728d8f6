//! `orqex checkout get`: the request it sends, what it prints, how it fails.

use serde_json::json;

use crate::common::*;

#[test]
fn get_sends_a_bare_get_and_prints_the_url() {
    let server = Server::start(|_, _| {
        Reply::json(200, checkout_with_status("cs_abc123", "open", "pending"))
    });
    let sb = Sandbox::new();
    let assert = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_abc123"])
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_abc123\n")
        .stderr("");

    let req = server.only_request();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v1/payment/checkouts/cs_abc123");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("accept"), Some("application/json"));
    // A read has no body and is not an idempotent write.
    assert!(req.body.is_empty());
    assert_eq!(req.header("content-type"), None);
    assert_eq!(req.header("x-idempotency-key"), None);
    assert_no_key(assert.get_output());
}

#[test]
fn get_json_prints_the_whole_answer() {
    let body = checkout_with_status("cs_abc123", "completed", "completed");
    let reply = body.clone();
    let server = Server::start(move |_, _| Reply::json(200, reply.clone()));
    let sb = Sandbox::new();
    let assert = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_abc123", "--json"])
        .assert()
        .code(0);
    assert_eq!(stdout_json(assert.get_output()), body);
}

#[test]
fn unknown_id_is_exit_4_with_the_api_message() {
    let server = Server::start(|_, _| {
        Reply::json(404, json!({"message": "Checkout session not found."}))
            .with_header("X-Request-Id", "req_missing_1")
    });
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args(["checkout", "get", "cs_nope"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(
            "orqex: the API answered 404: Checkout session not found. (request id req_missing_1)\n  the key in use is sk_sandbox_***fake, a sandbox key: a live checkout is found only with a live key\n",
        );
    assert_eq!(server.only_request().path, "/v1/payment/checkouts/cs_nope");
    // With a live key, the other way round; the JSON error says it too.
    let assert = sb
        .cmd_for(&server)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args(["checkout", "get", "cs_nope", "--json"])
        .assert()
        .code(4);
    let v: serde_json::Value =
        serde_json::from_str(stderr(assert.get_output()).trim_end()).unwrap();
    assert_eq!(
        v["message"],
        "Checkout session not found.; the key in use is sk_live_***fake, a live key: a sandbox checkout is found only with a sandbox key"
    );
    assert_eq!(v["status"], 404);
}

#[test]
fn ids_that_could_change_the_path_are_refused_before_sending() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for bad in [
        "../refunds",
        "cs_1/cancel",
        "cs_1?expand=all",
        "cs_1#x",
        "cs%2F1",
        "cs 1",
        "",
        "é",
    ] {
        sb.cmd_for(&server)
            .args(["checkout", "get", bad])
            .assert()
            .append_context("id", format!("{bad:?}"))
            .code(2)
            .stderr(
                predicate::str::starts_with("orqex: CHECKOUT_ID `")
                    .and(contains("is not a checkout id"))
                    .and(one_line()),
            );
    }
    server.assert_hits(0);
}

#[test]
fn get_needs_a_key() {
    Sandbox::new()
        .cmd()
        .args(["checkout", "get", "cs_abc123"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("orqex: no secret key"));
}

#[test]
fn get_without_an_id_is_a_usage_error() {
    Sandbox::new()
        .cmd()
        .args(["checkout", "get"])
        .assert()
        .code(2)
        .stderr(contains("<CHECKOUT_ID|URL>"));
}
