//! `orqex api METHOD PATH`: any endpoint, with the key, retries, idempotency and checks of
//! every command, through the real binary against a loopback server.

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::{Value, json};

use crate::common::*;

fn intent(id: &str) -> Value {
    json!({"message": "ok", "data": {"id": id, "status": "pending", "amount": 50, "novel": {"kept": true}}})
}

fn api(sb: &Sandbox, server: &Server, args: &[&str]) -> std::process::Command {
    let mut cmd = sb.cmd_for(server);
    cmd.arg("api").args(args);
    cmd
}

#[test]
fn a_get_sends_the_path_and_query_and_prints_the_answer_compact() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX1")));
    let sb = Sandbox::new();
    api(
        &sb,
        &server,
        &["get", "/payment/intents/TRX1?expand=a", "--query", "note=a b&c"],
    )
    .assert()
    .code(0)
    .stdout(
        "{\"message\":\"ok\",\"data\":{\"id\":\"TRX1\",\"status\":\"pending\",\"amount\":50,\"novel\":{\"kept\":true}}}\n",
    )
    .stderr("");
    let req = server.only_request();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v1/payment/intents/TRX1?expand=a&note=a+b%26c");
    assert_eq!(req.header("authorization"), Some(&*format!("Bearer {KEY}")));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.header("x-idempotency-key"), None);
    assert_eq!(req.header("content-type"), None);
    assert!(req.body.is_empty());
}

#[test]
fn output_json_is_pretty_and_jq_filters() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX1")));
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "payment/intents/TRX1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(format!(
            "{}\n",
            serde_json::to_string_pretty(&intent("TRX1")).unwrap()
        ));
    api(
        &sb,
        &server,
        &[
            "GET",
            "/payment/intents/TRX1",
            "--jq",
            ".data.id, .data.amount",
        ],
    )
    .assert()
    .code(0)
    .stdout("TRX1\n50\n");
    assert_eq!(server.requests()[0].path, "/v1/payment/intents/TRX1");
    // A bad filter costs no request.
    api(
        &sb,
        &server,
        &["GET", "/payment/intents/TRX1", "--jq", ".["],
    )
    .assert()
    .code(2)
    .stderr(contains("--jq `.[` is not a filter jq can read"));
    server.assert_hits(2);
}

#[test]
fn a_write_is_retried_with_one_idempotency_key_and_the_exact_body() {
    let server = Server::start(|_, n| {
        if n == 0 {
            Reply::json(503, json!({"message": "Try again"}))
        } else {
            Reply::json(200, intent("TRX2"))
        }
    });
    let sb = Sandbox::new();
    api(
        &sb,
        &server,
        &[
            "POST",
            "/payment/intents",
            "--data",
            r#"{"amount": 50, "currency": "XOF"}"#,
        ],
    )
    .assert()
    .code(0)
    .stdout(contains("\"id\":\"TRX2\""))
    .stderr("");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let key = reqs[0].header("x-idempotency-key").unwrap().to_string();
    assert!(key.starts_with("orq_") && key.len() == 36, "{key}");
    for req in &reqs {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/v1/payment/intents");
        assert_eq!(req.header("x-idempotency-key"), Some(key.as_str()));
        assert_eq!(req.header("content-type"), Some("application/json"));
        // Byte for byte as typed: 50 stays 50, the spaces stay.
        assert_eq!(req.body_text(), r#"{"amount": 50, "currency": "XOF"}"#);
    }
}

#[test]
fn a_replayed_write_says_nothing_was_done_again() {
    let server = Server::start(|_, _| {
        Reply::json(200, intent("TRX3")).with_header("X-Idempotent-Replayed", "true")
    });
    let sb = Sandbox::new();
    let body = sb.file("body.json", "\u{feff}{\"amount\": 7}\n");
    api(
        &sb,
        &server,
        &[
            "post",
            "/payment/intents/TRX3/requery",
            "--data",
            &format!("@{}", body.display()),
            "--idempotency-key",
            "requery-TRX3-1",
        ],
    )
    .assert()
    .code(0)
    .stderr(
        "orqex: note: the API replayed its earlier answer for idempotency key requery-TRX3-1; nothing was done again\n",
    );
    let req = server.only_request();
    assert_eq!(req.path, "/v1/payment/intents/TRX3/requery");
    assert_eq!(req.header("x-idempotency-key"), Some("requery-TRX3-1"));
    assert_eq!(req.body_text(), "{\"amount\": 7}");
}

#[test]
fn a_write_without_a_body_and_a_body_from_stdin() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX4")));
    let sb = Sandbox::new();
    api(&sb, &server, &["DELETE", "/payment/intents/TRX4"])
        .assert()
        .code(0);
    api(&sb, &server, &["PATCH", "/payment/intents/TRX4", "-d", "-"])
        .write_stdin("[1, 2.50]")
        .assert()
        .code(0);
    let reqs = server.requests();
    assert_eq!(reqs[0].method, "DELETE");
    assert!(reqs[0].body.is_empty());
    assert_eq!(reqs[0].header("content-type"), None);
    assert!(reqs[0].header("x-idempotency-key").is_some());
    assert_eq!(reqs[1].method, "PATCH");
    assert_eq!(reqs[1].body_text(), "[1, 2.50]");
}

#[test]
fn a_post_put_or_patch_without_data_sends_an_empty_json_object() {
    // As the official SDK: an API that requires JSON would answer 415 to an empty body.
    let server = Server::start(|_, _| Reply::json(200, intent("TRX4")));
    let sb = Sandbox::new();
    for method in ["POST", "put", "PATCH"] {
        api(&sb, &server, &[method, "/payment/intents/TRX4/requery"])
            .assert()
            .code(0)
            .stderr("");
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for (req, method) in reqs.iter().zip(["POST", "PUT", "PATCH"]) {
        assert_eq!(req.method, method);
        assert_eq!(req.path, "/v1/payment/intents/TRX4/requery");
        assert_eq!(req.body_text(), "{}");
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("content-length"), Some("2"));
        assert!(req.header("x-idempotency-key").is_some());
    }
}

#[test]
fn a_204_prints_nothing() {
    let server = Server::start(|_, _| Reply::text(204, "application/json", ""));
    let sb = Sandbox::new();
    api(&sb, &server, &["DELETE", "/payment/intents/TRX5"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn a_404_is_exit_4_in_words_or_as_json() {
    let server = Server::start(|_, _| {
        Reply::json(404, json!({"message": "Payment intent not found."}))
            .with_header("X-Request-Id", "req_api_404")
    });
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents/TRX404"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(
            "orqex: the API answered 404: Payment intent not found. (request id req_api_404)\n",
        );
    // Only JSON output asks for JSON errors: a compact or jsonl answer is still JSON, but
    // the person or script reading stderr did not ask for it.
    for format in ["compact", "jsonl"] {
        api(
            &sb,
            &server,
            &["GET", "/payment/intents/TRX404", "-o", format],
        )
        .assert()
        .code(4)
        .stdout("")
        .stderr(
            "orqex: the API answered 404: Payment intent not found. (request id req_api_404)\n",
        );
    }
    let assert = api(&sb, &server, &["GET", "/payment/intents/TRX404", "-o=json"])
        .assert()
        .code(4)
        .stdout("");
    let err: Value = serde_json::from_slice(&assert.get_output().stderr).unwrap();
    assert_eq!(err["status"], 404);
    assert_eq!(err["message"], "Payment intent not found.");
    assert_eq!(err["request_id"], "req_api_404");
}

#[test]
fn a_write_whose_outcome_is_unknown_says_how_to_retry_it() {
    let server = Server::start(|_, _| Reply::Close);
    let sb = Sandbox::new();
    let assert = api(
        &sb,
        &server,
        &["POST", "/payment/intents", "-d", "{}", "--max-retries", "0"],
    )
    .assert()
    .code(6)
    .stdout("");
    let err = stderr(assert.get_output());
    let key = server
        .only_request()
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    assert!(
        err.ends_with(&format!(
            "\n  the request may or may not have been done; retry safely with the same command and --idempotency-key {key}\n"
        )),
        "{err}"
    );
    assert!(!err.contains("checkout"), "{err}");
}

#[test]
fn paths_that_would_leave_the_base_url_are_refused_before_anything_is_sent() {
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    for (path, why) in [
        (
            "https://evil.example/v1/payment/intents",
            "is a URL outside the base URL",
        ),
        ("/payment/../../admin", "has a `.` or `..` segment"),
        ("/payment/%2E%2e/admin", "has a `.` or `..` segment"),
        ("/payment%2fintents", "holds an encoded slash"),
        ("/payment/intents#x", "has a fragment"),
        ("/payment/\u{1b}]52;c;x\u{7}", "holds a control character"),
    ] {
        api(&sb, &server, &["GET", path])
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(why).and(contains("give a path after the base URL")))
            .stderr(contains("\u{1b}").not());
    }
    server.assert_hits(0);
}

#[test]
fn contradictions_are_usage_errors() {
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    for (args, message) in [
        (
            &["GET", "/payment/intents", "-d", "{}"][..],
            "orqex: --data gives a body, which a GET does not carry; give the values with --query KEY=VALUE, or use POST\n",
        ),
        (
            &["POST", "/payment/intents", "--paginate"][..],
            "orqex: --paginate follows the pages of a list, which only GET reads; drop --paginate, or use GET instead of POST\n",
        ),
        (
            &["GET", "/payment/intents", "--idempotency-key", "abcdefgh"][..],
            "orqex: --idempotency-key is for writes (POST, PUT, PATCH, DELETE); a GET is safe to repeat as it is, so drop it\n",
        ),
        (
            &["POST", "/payment/intents", "-d", "{\"a\": }"][..],
            "orqex: the JSON given to --data is not valid JSON: expected value at line 1 column 7; check the quoting, or give the body with --data @FILE\n",
        ),
        (
            &["GET", "/payment/intents", "-q", "per_page"][..],
            "orqex: --query `per_page` is not KEY=VALUE; write it like --query per_page=50\n",
        ),
    ] {
        api(&sb, &server, args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(message);
    }
    api(&sb, &server, &["HEAD", "/x"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'HEAD' for '<METHOD>'"));
    server.assert_hits(0);
}

#[test]
fn a_key_in_the_body_is_refused_masked() {
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    let body = sb.file("b.json", format!("{{\"note\": \"{KEY}\"}}"));
    api(
        &sb,
        &server,
        &["POST", "/payment/intents", "-d", &format!("@{}", body.display())],
    )
    .assert()
    .code(2)
    .stderr(format!(
        "orqex: the JSON in {} at `note` holds what looks like a secret key ({KEY_MASKED}); a key never goes in a request body\n",
        body.display()
    ));
    server.assert_hits(0);
}

#[test]
fn a_write_with_a_live_key_is_announced_outside_a_terminal() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX6")));
    let sb = Sandbox::new();
    api(&sb, &server, &["POST", "/payment/intents/TRX6/requery"])
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .assert()
        .code(0)
        .stderr(format!(
            "orqex: using a live key ({LIVE_KEY_MASKED}): this POST acts on real payments\n"
        ));
    // A read says nothing.
    api(&sb, &server, &["GET", "/payment/intents/TRX6"])
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .assert()
        .code(0)
        .stderr("");
}

#[cfg(unix)]
#[test]
fn a_write_with_a_live_key_is_asked_at_a_terminal() {
    use crate::common::pty::*;
    let server = Server::start(|_, _| Reply::json(200, intent("TRX7")));
    let sb = Sandbox::new();
    let mut cmd = api(&sb, &server, &["POST", "/payment/intents/TRX7/requery"]);
    cmd.env("ORQEX_SECRET_KEY", LIVE_KEY);
    let mut p = spawn_cmd(cmd);
    p.expect("This sends a write with a LIVE key: real payments.");
    p.expect("POST /payment/intents/TRX7/requery");
    p.expect("Send it?");
    p.wait_for_raw();
    p.send("n\r");
    let (out, code) = p.finish();
    assert_eq!(code, 2, "{out}");
    server.assert_hits(0);
}

#[test]
fn without_a_key_nothing_is_sent() {
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    sb.cmd()
        .env("ORQEX_BASE_URL", server.url())
        .args(["api", "GET", "/payment/intents"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(contains("ORQEX_SECRET_KEY").and(predicate::str::starts_with("orqex: ")));
    server.assert_hits(0);
}

#[test]
fn the_api_s_sentence_keeps_its_full_stop_when_retries_are_counted() {
    let server = Server::start(|_, _| Reply::json(503, json!({"message": "Try again later."})));
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents", "--max-retries", "1"])
        .assert()
        .code(5)
        .stderr(predicate::str::starts_with(
            "orqex: the API answered 503: Try again later. (tried 2 times) (request id req_test_0001)\n",
        ));
}

#[test]
fn a_204_prints_nothing_in_any_output() {
    let server = Server::start(|_, _| Reply::text(204, "application/json", ""));
    let sb = Sandbox::new();
    for output in ["json", "compact", "jsonl"] {
        api(
            &sb,
            &server,
            &["DELETE", "/payment/intents/TRX5", "-o", output],
        )
        .assert()
        .append_context("output", output)
        .code(0)
        .stdout("");
    }
}

#[test]
fn headers_of_one_s_own_are_sent_as_given() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX8")));
    let sb = Sandbox::new();
    api(
        &sb,
        &server,
        &[
            "GET",
            "/payment/intents/TRX8",
            "-H",
            "X-Request-Source:  ci ",
            "--header",
            "Accept: application/vnd.orqex+json",
            "-H",
            "X-Tag: a",
            "-H",
            "x-tag: b",
        ],
    )
    .assert()
    .code(0)
    .stderr("");
    api(
        &sb,
        &server,
        &["POST", "/payment/intents/TRX8/requery", "-H", "X-Tag: w"],
    )
    .assert()
    .code(0);
    let reqs = server.requests();
    let get = &reqs[0];
    assert_eq!(get.header("x-request-source"), Some("ci"));
    // The user's Accept replaces orqex's, rather than adding a second.
    let accepts: Vec<&str> = get
        .headers
        .iter()
        .filter(|(n, _)| n == "accept")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(accepts, ["application/vnd.orqex+json"]);
    let tags: Vec<&str> = get
        .headers
        .iter()
        .filter(|(n, _)| n == "x-tag")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(tags, ["a", "b"]);
    assert_eq!(get.header("authorization"), Some(&*format!("Bearer {KEY}")));
    let post = &reqs[1];
    assert_eq!(post.header("x-tag"), Some("w"));
    assert_eq!(post.header("accept"), Some("application/json"));
    assert!(post.header("x-idempotency-key").is_some());
}

#[test]
fn headers_orqex_owns_or_that_could_split_the_request_are_refused() {
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    for (header, message) in [
        (
            "Authorization: Bearer other",
            "orqex: -H Authorization: orqex does not take this header from the command line (orqex sends the key of the profile or ORQEX_SECRET_KEY itself); drop -H Authorization\n",
        ),
        (
            "x-idempotency-key: abcdefgh",
            "orqex: -H x-idempotency-key: orqex does not take this header from the command line (orqex sends one itself; give yours with --idempotency-key KEY); drop -H x-idempotency-key\n",
        ),
        (
            "X-A: 1\r\nX-Injected: 2",
            "orqex: -H X-A: the value holds a control character (\\u{d}), which could end the header and start another; remove it\n",
        ),
        (
            "X A: 1",
            "orqex: -H `X A: 1`: `X A` is not a header name (letters, digits and !#$%&'*+-.^_`|~ only); write it like -H 'X-Request-Source: ci'\n",
        ),
        (
            "X-Only-A-Name",
            "orqex: -H `X-Only-A-Name` is not NAME: VALUE; write it like -H 'X-Request-Source: ci'\n",
        ),
        (
            "X-Key: sk_live_test_0000_0000_fake",
            "orqex: -H holds what looks like a secret key (sk_live_***fake); keys are never taken from the command line, where `ps` and shell history show them: remove it if it was pasted there by mistake; to use it, set ORQEX_SECRET_KEY, or store it with `orqex login`\n",
        ),
    ] {
        api(&sb, &server, &["POST", "/payment/intents", "-H", header])
            .assert()
            .code(2)
            .stdout("")
            .stderr(message);
    }
    server.assert_hits(0);
}

#[test]
fn a_key_written_with_escapes_is_found_decoded_and_never_sent() {
    // `checkout create` refused this body while `api` sent the key: one scanner now.
    let server = Server::start(|_, _| Reply::json(200, json!({})));
    let sb = Sandbox::new();
    for (data, expected) in [
        (
            r#"{"k": "sk_l\u0069ve_test_0000_0000_fake"}"#,
            format!(
                "orqex: the JSON given to --data at `k` holds what looks like a secret key ({LIVE_KEY_MASKED}); a key never goes in a request body\n"
            ),
        ),
        (
            r#"{"a": [{"sk_live_\u0074est_0000_0000_fake": 1}]}"#,
            format!(
                "orqex: the JSON given to --data at `a[0].{LIVE_KEY_MASKED}` the name holds what looks like a secret key ({LIVE_KEY_MASKED}); a key never goes in a request body\n"
            ),
        ),
    ] {
        api(&sb, &server, &["POST", "/payment/intents", "--data", data])
            .assert()
            .code(2)
            .stdout("")
            .stderr(expected);
    }
    api(&sb, &server, &["POST", "/payment/intents", "--data", "-"])
        .write_stdin(r#"{"k": "sk_l\u0069ve_test_0000_0000_fake"}"#)
        .assert()
        .code(2)
        .stderr(contains(
            "the JSON on stdin at `k` holds what looks like a secret key",
        ));
    server.assert_hits(0);
}

#[test]
fn a_key_the_api_echoes_is_masked_before_a_jq_filter_can_reshape_it() {
    // An answer that quotes the key in use, as a misbehaving proxy or API could, and another
    // key-shaped secret it was never given.
    let other = "sk_live_test_9999_9999_fake";
    let server =
        Server::start(move |_, _| Reply::json(200, json!({"data": {"echo": KEY, "other": other}})));
    let sb = Sandbox::new();
    for filter in [
        ".data.echo | ascii_upcase",
        ".data.echo | @base64",
        ".data.echo | .[3:]",
        ".data.echo | split(\"_\") | join(\"-\")",
        ".data.echo | explode | reverse | implode",
        ".data.other | ascii_downcase | .[8:]",
        ".data | keys_unsorted, [.[]] | @csv",
    ] {
        let assert = api(&sb, &server, &["GET", "/payment/intents", "--jq", filter])
            .assert()
            .append_context("filter", filter)
            .code(0);
        let out = stdout(assert.get_output());
        for secret in ["0000", "9999", "XzAwMDBfMDAwMF9"] {
            assert!(!out.contains(secret), "{filter}: {out}");
        }
        // What the filter made of the masked value is still there to see.
        assert!(!out.trim().is_empty(), "{filter}");
    }
}

#[cfg(unix)]
#[test]
fn at_a_terminal_the_answer_is_pretty() {
    use crate::common::pty::*;
    let server = Server::start(|_, _| Reply::json(200, intent("TRX9")));
    let sb = Sandbox::new();
    let mut p = spawn_cmd(api(&sb, &server, &["GET", "/payment/intents/TRX9"]));
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("{\r\n  \"message\": \"ok\",\r\n  \"data\": {\r\n    \"id\": \"TRX9\","),
        "{out:?}"
    );
}

#[test]
fn a_body_of_exactly_1_mib_is_sent_and_one_byte_more_is_refused() {
    let server = Server::start(|_, _| Reply::json(200, intent("TRX10")));
    let sb = Sandbox::new();
    let body = |len: usize| format!("{{\"note\":\"{}\"}}", "x".repeat(len - 11));
    let at_limit = sb.file("at.json", body(1024 * 1024));
    let over = sb.file("over.json", body(1024 * 1024 + 1));
    assert_eq!(std::fs::metadata(&at_limit).unwrap().len(), 1024 * 1024);
    api(
        &sb,
        &server,
        &[
            "POST",
            "/payment/intents",
            "-d",
            &format!("@{}", at_limit.display()),
        ],
    )
    .assert()
    .code(0);
    assert_eq!(server.only_request().body.len(), 1024 * 1024);
    api(
        &sb,
        &server,
        &[
            "POST",
            "/payment/intents",
            "-d",
            &format!("@{}", over.display()),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("is larger than 1 MiB"));
    server.assert_hits(1);
}
