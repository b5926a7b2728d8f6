//! `orqex checkout create` from flags: what arrives at the server, what is printed, exit codes.

use serde_json::{Value, json};

use crate::common::*;

#[test]
fn minimal_create_sends_exact_request_and_prints_only_the_url() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let assert = sb
        .create(&server)
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_abc123\n");

    let req = server.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/payment/checkouts");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    let ua = req.header("user-agent").unwrap();
    assert_eq!(ua, format!("orqex/{}", env!("CARGO_PKG_VERSION")));
    let idem = req.header("x-idempotency-key").unwrap();
    assert!(idem.starts_with("orq_") && idem.len() == 36, "{idem}");
    assert!(idem[4..].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(req.json(), create_body());
    assert_no_key(assert.get_output());
}

#[test]
fn every_flag_lands_in_the_body() {
    let server = Server::created("cs_full");
    Sandbox::new()
        .cmd_for(&server)
        .args([
            "checkout",
            "create",
            "--amount",
            "12.50",
            "--currency",
            "xof",
            "--description",
            "Order 1024",
            "--email",
            "ama@example.com",
            "--first-name",
            "Ama",
            "--last-name",
            "Mensah",
            "--address",
            "12 Rue des Jardins",
            "--city",
            "Abidjan",
            "--state",
            "Lagunes",
            "--country",
            "ci",
            "--zip",
            "00225",
            "--return-url",
            "https://shop.example.com/thanks",
            "--webhook-url",
            "https://shop.example.com/hooks/orqex",
            "--statement-descriptor",
            "SHOP 1024",
            "--receipt-email",
            "receipts@example.com",
            "--restrict-country",
            "CI",
            "--restrict-phone",
            "0700000000",
            "--restrict-phone-country",
            "ci",
            "--color",
            "#1a73e8",
            "--brand",
            "Ama's Shop",
            "--metadata",
            "order_id=1024",
            "-m",
            "note=a=b",
            "--expires-in-minutes",
            "30",
            "--idempotency-key",
            "order-1024-attempt",
        ])
        .assert()
        .code(0);
    let req = server.only_request();
    assert_eq!(req.header("x-idempotency-key"), Some("order-1024-attempt"));
    let expected: serde_json::Value = serde_json::from_str(
        r##"{
            "amount": 12.50,
            "currency": "XOF",
            "description": "Order 1024",
            "customer": {
                "email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah",
                "address": "12 Rue des Jardins", "city": "Abidjan", "state": "Lagunes",
                "country": "CI", "zip": "00225"
            },
            "return_url": "https://shop.example.com/thanks",
            "webhook_url": "https://shop.example.com/hooks/orqex",
            "statement_descriptor": "SHOP 1024",
            "receipt_email": "receipts@example.com",
            "restriction": {"country_code": "CI", "phone": {"number": "0700000000", "country": "CI"}},
            "customization": {"color": "#1a73e8", "brand": "Ama's Shop"},
            "metadata": {"order_id": "1024", "note": "a=b"},
            "expires_in_minutes": 30
        }"##,
    )
    .unwrap();
    assert_eq!(req.body_text(), expected.to_string());
    // The amount's text is kept: 12.50 is not turned into 12.5.
    assert!(req.body_text().starts_with(r#"{"amount":12.50,"#));
}

#[test]
fn amount_is_sent_exactly_as_typed() {
    for typed in ["50", "12.5", "1", "1000000", "99.99"] {
        let server = Server::created("cs_amount");
        let sb = Sandbox::new();
        let mut args: Vec<&str> = CREATE.to_vec();
        args[3] = typed;
        sb.cmd_for(&server).args(&args).assert().code(0);
        let body = server.only_request().body_text();
        assert!(
            body.starts_with(&format!("{{\"amount\":{typed},")),
            "{typed}: {body}"
        );
    }
}

#[test]
fn json_prints_the_whole_response_with_unknown_fields() {
    let server = Server::created("cs_json");
    let assert = Sandbox::new()
        .create(&server)
        .arg("--json")
        .assert()
        .code(0)
        // Pretty-printed.
        .stdout(contains("\n  \"message\""));
    assert_eq!(stdout_json(assert.get_output()), checkout_body("cs_json"));
}

#[test]
fn dry_run_needs_no_key_and_sends_nothing() {
    let sb = Sandbox::new();
    let assert = sb.cmd().args(CREATE).arg("--dry-run").assert().code(0);
    assert_eq!(stdout_json(assert.get_output()), create_body());

    // With a key and a server, still nothing goes out.
    let server = Server::created("cs_never");
    sb.create(&server).arg("--dry-run").assert().code(0);
    server.assert_hits(0);
}

#[test]
fn invalid_input_lists_every_problem_and_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let stderr_has = contains_all([
        "amount (--amount)",
        "currency (--currency)",
        "description (--description): is required",
        "customer.email (--email)",
        "customer.first_name (--first-name): is required",
        "customer.last_name (--last-name): is required",
        "return_url (--return-url)",
        "statement_descriptor (--statement-descriptor)",
        "metadata (--metadata)",
        "--idempotency-key",
        "nothing was sent",
    ]);
    sb.cmd_for(&server)
        .args([
            "checkout",
            "create",
            "--amount",
            "abc",
            "--currency",
            "XO",
            "--email",
            "not-an-email",
            "--return-url",
            "shop.example.com",
            "--statement-descriptor",
            "THIS DESCRIPTOR IS TOO LONG",
            "-m",
            "novalue",
            "--idempotency-key",
            "short",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(stderr_has);
    server.assert_hits(0);
}

#[test]
fn bad_amounts_are_refused() {
    let sb = Sandbox::new();
    for bad in ["NaN", "inf", "-5", "0", "0.5", "1e3", "abc", ""] {
        let mut args: Vec<&str> = CREATE.to_vec();
        args[3] = bad;
        sb.cmd()
            .args(&args)
            .arg("--dry-run")
            .assert()
            .append_context("amount", format!("{bad:?}"))
            .code(2)
            .stderr(contains("amount (--amount)"));
    }
}

#[test]
fn too_many_metadata_keys_are_refused() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.args(CREATE).arg("--dry-run");
    for i in 0..11 {
        cmd.arg("-m").arg(format!("k{i}=v"));
    }
    cmd.assert()
        .code(2)
        .stderr(contains("has 11 keys; the limit is 10"));
}

#[test]
fn exit_3_without_a_key() {
    let server = Server::created("cs_never");
    Sandbox::new()
        .cmd()
        .env("ORQEX_BASE_URL", server.url())
        .args(CREATE)
        .assert()
        .code(3)
        .stderr(contains_all(["ORQEX_SECRET_KEY", "orqex login"]).and(one_line()));
    server.assert_hits(0);
}

#[test]
fn a_key_that_is_not_a_secret_key_is_a_usage_error() {
    Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", "pk_test_publishable_0000")
        .args(CREATE)
        .assert()
        .code(2)
        .stderr(contains_all(["ORQEX_SECRET_KEY", "sk_"]).and(contains("publishable_0000").not()));
}

#[test]
fn exit_3_when_the_api_refuses_the_key() {
    for status in [401, 403] {
        let server =
            Server::start(move |_, _| Reply::json(status, json!({"message": "Invalid API key"})));
        let assert = Sandbox::new()
            .create(&server)
            .assert()
            .append_context("status", status)
            .code(3)
            .stderr(contains_all([
                status.to_string().as_str(),
                "Invalid API key",
                // The request id is shown.
                "req_test_0001",
            ]));
        // 4xx is not retried.
        server.assert_hits(1);
        assert_no_key(assert.get_output());
    }
}

#[test]
fn exit_4_with_the_api_message_and_each_field_error() {
    let server = Server::start(|_, _| {
        Reply::json(
            422,
            json!({"message": "The given data was invalid.",
                   "errors": {"customer.email": ["The email is not deliverable."],
                              "currency": ["Unsupported currency.", "Try XOF."]}}),
        )
        .with_header("X-Request-Id", "req_422")
    });
    Sandbox::new()
        .create(&server)
        .assert()
        .code(4)
        .stdout("")
        .stderr(contains_all([
            "422",
            "The given data was invalid.",
            "req_422",
            "customer.email: The email is not deliverable.",
            "currency: Try XOF.",
        ]))
        // A rejected create needs no retry hint.
        .stderr(contains("--idempotency-key").not());
    server.assert_hits(1);
}

#[test]
fn exit_4_for_other_client_errors() {
    for status in [400, 404, 409, 428] {
        let server = Server::start(move |_, _| Reply::json(status, json!({"message": "nope"})));
        Sandbox::new()
            .create(&server)
            .assert()
            .append_context("status", status)
            .code(4);
        // Not retried.
        server.assert_hits(1);
    }
}

#[test]
fn exit_5_on_server_errors_with_the_retry_hint() {
    let server = Server::start(|_, _| Reply::json(501, json!({"message": "Not implemented"})));
    let assert = Sandbox::new()
        .create(&server)
        .args(["--idempotency-key", "order-1024-attempt"])
        .assert()
        .code(5)
        .stderr(contains_all([
            "501",
            "Not implemented",
            "--idempotency-key order-1024-attempt",
        ]));
    assert_no_key(assert.get_output());
}

#[test]
fn html_error_pages_become_one_readable_line() {
    let server = Server::start(|_, _| {
        Reply::text(
            404,
            "text/html; charset=utf-8",
            "<html>\n<head><title>404 Not Found</title></head>\n<body>nginx</body>\n</html>\n",
        )
    });
    Sandbox::new().create(&server).assert().code(4).stderr(
        one_line()
            .and(contains("HTML page"))
            .and(contains("<html>").not()),
    );
}

#[test]
fn exit_6_when_nothing_listens() {
    let assert = Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .args(["--max-retries", "0"])
        .assert()
        .code(6)
        .stderr(contains("cannot connect"));
    assert_no_key(assert.get_output());
}

#[test]
fn exit_6_with_the_key_when_a_created_answer_is_unreadable() {
    let server =
        Server::start(|_, _| Reply::text(201, "application/json", "{\"data\": {\"checkout\""));
    Sandbox::new()
        .create(&server)
        .args(["--idempotency-key", "order-1024-attempt"])
        .assert()
        .code(6)
        .stderr(contains_all([
            "not valid JSON",
            "--idempotency-key order-1024-attempt",
        ]));
}

#[cfg(unix)]
#[test]
fn exit_1_when_stdout_cannot_be_written() {
    let server = Server::created("cs_full_disk");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let assert = Sandbox::new()
        .create(&server)
        .stdout(full)
        .assert()
        .code(1)
        .stderr(contains("cannot write the result to stdout"));
    // The checkout exists: the way to get its answer again is given.
    let key = server
        .only_request()
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    assert.stderr(contains(format!("--idempotency-key {key}")));
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", "http://api.orqex.com/v1")
        .args(CREATE)
        .assert()
        .code(2)
        .stderr(contains("clear text"));
}

#[test]
fn unknown_flags_are_usage_errors() {
    Sandbox::new()
        .cmd()
        .args(CREATE)
        .arg("--amout")
        .assert()
        .code(2)
        .stderr(contains("--amout"));
}

#[test]
fn the_key_is_never_accepted_as_a_flag() {
    let sb = Sandbox::new();
    for flag in ["--key", "--secret-key", "--api-key"] {
        // The flag itself is refused, whatever its value...
        sb.cmd()
            .args(CREATE)
            .args([flag, "not-a-key"])
            .assert()
            .append_context("flag", flag)
            .code(2)
            .stderr(format!(
                "orqex: unexpected argument '{flag}'; the secret key is never given on the command line (ps would show it): set ORQEX_SECRET_KEY, or store it with `orqex login`; see --help\n"
            ));
        // ...and a key given with it is never repeated.
        let assert = sb
            .cmd()
            .args(CREATE)
            .args([flag, KEY])
            .assert()
            .append_context("flag", flag)
            .code(2)
            .stderr(contains("set ORQEX_SECRET_KEY"));
        assert_no_key(assert.get_output());
    }
}

#[test]
fn key_and_profile_come_from_the_config_file() {
    let server = Server::created("cs_profile");
    let sb = Sandbox::new();
    sb.write_config(
        "default_profile = \"shop\"\n\
         [profiles.shop]\nsecret_key = \"sk_sandbox_test_0000_0000_shop\"\n\
         [profiles.other]\nsecret_key = \"sk_sandbox_test_0000_0000_othr\"\n",
    );
    let run = |extra: &[&str], env: Option<(&str, &str)>| {
        let mut cmd = sb.cmd();
        cmd.env("ORQEX_BASE_URL", server.url())
            .args(CREATE)
            .args(extra);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        cmd.assert().code(0);
        let reqs = server.requests();
        reqs.last()
            .unwrap()
            .header("authorization")
            .unwrap()
            .to_string()
    };
    assert_eq!(run(&[], None), "Bearer sk_sandbox_test_0000_0000_shop");
    assert_eq!(
        run(&[], Some(("ORQEX_PROFILE", "other"))),
        "Bearer sk_sandbox_test_0000_0000_othr"
    );
    assert_eq!(
        run(&["--profile", "shop"], Some(("ORQEX_PROFILE", "other"))),
        "Bearer sk_sandbox_test_0000_0000_shop"
    );
    assert_eq!(
        run(&[], Some(("ORQEX_SECRET_KEY", KEY))),
        format!("Bearer {KEY}")
    );
}

#[test]
fn a_malformed_config_file_is_exit_2_naming_file_and_line() {
    let sb = Sandbox::new();
    let path = sb.write_config("[profiles.shop]\nsecret_key = sk_sandbox_test_0000_0000_shop\n");
    sb.cmd().args(CREATE).assert().code(2).stderr(
        contains_all([path.display().to_string(), "line 2".into()])
            .and(contains("test_0000_0000_shop").not()),
    );
}

#[test]
fn help_shows_field_limits() {
    Sandbox::new()
        .cmd()
        .args(["checkout", "create", "--help"])
        .assert()
        .code(0)
        .stdout(contains_all([
            "at most 500",
            "at most 22",
            "at most 2048",
            "at most 10 keys",
            "8-128",
            "at least 1",
        ]));
}

#[test]
fn dry_run_works_whatever_the_key() {
    let assert = Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", "pk_test_publishable_0000")
        .args(CREATE)
        .arg("--dry-run")
        .assert()
        .code(0);
    assert_eq!(stdout_json(assert.get_output()), create_body());
}

#[test]
fn a_key_pasted_on_the_command_line_is_refused_without_repeating_it() {
    let sb = Sandbox::new();
    for extra in [&[KEY][..], &["--json", KEY], &["--amount", "50", KEY]] {
        let assert = sb
            .cmd()
            .args(["checkout", "create"])
            .args(extra)
            .assert()
            .append_context("args", format!("{extra:?}"))
            .code(2)
            .stderr(contains(KEY_MASKED));
        assert_no_key(assert.get_output());
    }
    let assert = sb.cmd().args(["login", KEY, KEY]).assert().code(2);
    assert_no_key(assert.get_output());
}

#[test]
fn a_url_or_id_with_a_line_break_is_refused_not_printed() {
    let server = Server::start(|_, _| {
        let mut body = checkout_body("cs_abc123");
        body["data"]["checkout"]["url"] = json!("https://pay.orqex.com/c/x\nEVIL=1");
        body["data"]["checkout"]["id"] = json!("cs_1\rcs_2");
        Reply::json(201, body)
    });
    let sb = Sandbox::new();
    for format in ["url", "id"] {
        sb.create(&server)
            .args([
                "--output",
                format,
                "--idempotency-key",
                "order-1024-attempt",
            ])
            .assert()
            .append_context("format", format)
            .code(6)
            .stdout("")
            .stderr(contains_all([
                "control character",
                "--idempotency-key order-1024-attempt",
            ]));
    }
}

#[test]
fn get_refuses_a_secret_key_given_as_the_id() {
    let server = Server::created("cs_never");
    let assert = Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "get", KEY])
        .assert()
        .code(2)
        .stderr(contains("looks like a secret key"));
    assert_no_key(assert.get_output());
    server.assert_hits(0);
}

#[test]
fn a_key_pasted_into_any_flag_is_refused_before_anything_happens() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let amount = format!("--amount={KEY}");
    let note = format!("note={KEY}");
    let cases: [&[&str]; 5] = [
        &["--idempotency-key", KEY],
        &[amount.as_str()],
        &["-m", note.as_str()],
        &["--profile", KEY],
        &["--json", "--return-url", KEY],
    ];
    for extra in cases {
        let assert = sb
            .create(&server)
            .args(extra)
            .assert()
            .append_context("args", format!("{extra:?}"))
            .code(2)
            .stderr(contains_all(["looks like a secret key", KEY_MASKED]));
        assert_no_key(assert.get_output());
    }
    // With --json the refusal is JSON too.
    let assert = sb
        .create(&server)
        .args(["--json", "--city", KEY])
        .assert()
        .code(2);
    let v: Value = serde_json::from_str(stderr(assert.get_output()).trim()).unwrap();
    assert_eq!(v["exit_code"], 2);
    server.assert_hits(0);
}

#[test]
fn control_characters_typed_by_the_user_are_shown_escaped_in_errors() {
    Sandbox::new()
        .cmd()
        .args([
            "checkout",
            "create",
            "--currency",
            "X\u{1b}[31mO\nZ",
            "--dry-run",
        ])
        .assert()
        .code(2)
        .stderr(
            contains("\u{1b}")
                .not()
                .and(contains("`X\\x1b[31mO\\nZ` is not a three-letter")),
        );
}

#[test]
fn a_metadata_key_given_twice_on_the_command_line_is_refused() {
    let server = Server::created("cs_never");
    // ` order` is trimmed to `order`: the same key.
    Sandbox::new()
        .create(&server)
        .args(["-m", "order=1024", "--metadata", " order=1025"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "orqex: invalid input: 1 problem; nothing was sent\n  \
             metadata.order (--metadata): is given twice (`order=1024`, then ` order=1025`); give each key once\n",
        );
    server.assert_hits(0);
}

#[test]
fn a_metadata_flag_still_overrides_the_json_key_of_the_same_name() {
    let server = Server::created("cs_layered");
    Sandbox::new()
        .create(&server)
        .args(["--data", r#"{"metadata": {"order": "1024"}}"#])
        .args(["-m", "order=1025"])
        .assert()
        .code(0);
    assert_eq!(
        server.only_request().json()["metadata"],
        json!({"order": "1025"})
    );
}

/// The whole stderr of a create refused for one field.
fn one_problem(field: &str, flag: &str, message: &str) -> String {
    format!("orqex: invalid input: 1 problem; nothing was sent\n  {field} ({flag}): {message}\n")
}

#[test]
fn a_url_whose_host_or_port_cannot_be_reached_is_refused() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let host = |url: &str, host: &str| {
        format!(
            "`{url}` has no valid host: `{host}` is not a domain name like shop.example.com, an IPv4 address or an IPv6 address in brackets"
        )
    };
    let port = |url: &str, port: &str| {
        format!(
            "`{url}` has the port `{port}`; give a port from 1 to 65535, or remove `:{port}` for the scheme's default"
        )
    };
    let cases = [
        ("http://[::1]:99999/", port("http://[::1]:99999/", "99999")),
        ("https://x.example:0/", port("https://x.example:0/", "0")),
        (
            "https://x.example:/",
            "`https://x.example:/` has no port after its `:`; remove the `:` or give a port from 1 to 65535".into(),
        ),
        ("http://-/", host("http://-/", "-")),
        ("https://a..b/", host("https://a..b/", "a..b")),
        ("https://-x.example/", host("https://-x.example/", "-x.example")),
        ("https://x-.example/", host("https://x-.example/", "x-.example")),
        ("https://shop_1.example/", host("https://shop_1.example/", "shop_1.example")),
        ("http://999.1.1.1/", host("http://999.1.1.1/", "999.1.1.1")),
        ("http://[::g]/", host("http://[::g]/", "[::g]")),
        (
            "https://bücher.example/",
            "`https://bücher.example/` is not an absolute http(s) URL, like https://shop.example.com/thanks; write a non-ASCII host name in its xn-- form".into(),
        ),
        (
            "http://exa mple.com/",
            "`http://exa mple.com/` is not an absolute http(s) URL, like https://shop.example.com/thanks".into(),
        ),
    ];
    for (url, message) in cases {
        for (flag, field) in [
            ("--return-url", "return_url"),
            ("--webhook-url", "webhook_url"),
        ] {
            sb.create(&server)
                .args([flag, url])
                .assert()
                .append_context("url", url)
                .code(2)
                .stderr(one_problem(field, flag, &message));
        }
    }
    server.assert_hits(0);
}

#[test]
fn urls_with_names_addresses_and_ports_that_work_are_sent() {
    let server = Server::created("cs_urls");
    let sb = Sandbox::new();
    for url in [
        "https://shop.example.com/thanks?order=1024#top",
        "https://xn--bcher-kva.example/",
        "https://SHOP.Example.COM./x",
        "http://localhost:8080/hooks",
        "http://127.0.0.1:65535/",
        "http://[::1]:1/",
        "https://user@shop.example.com/",
    ] {
        sb.create(&server)
            .args(["--return-url", url])
            .assert()
            .append_context("url", url)
            .code(0);
    }
    let sent: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.json()["return_url"].clone())
        .collect();
    assert_eq!(sent.len(), 7);
    assert_eq!(sent[1], "https://xn--bcher-kva.example/");
}

#[test]
fn metadata_flags_get_the_text_checks() {
    let server = Server::created("cs_never");
    Sandbox::new()
        .create(&server)
        .args(["-m", "note=a\u{1b}[1Ab", "-m", "k\u{1b}]0;x\u{7}=v"])
        .assert()
        .code(2)
        .stderr(
            "orqex: invalid input: 2 problems; nothing was sent\n  \
             metadata.note (--metadata): contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)\n  \
             metadata.k\\x1b]0;x\\x07 (--metadata): the key contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)\n",
        );
    server.assert_hits(0);
}

#[test]
fn text_that_would_drive_or_fool_a_terminal_is_refused_and_shown_escaped() {
    let server = Server::created("cs_never");
    let remove = "remove it (line breaks, tabs and escape codes are not allowed)";
    Sandbox::new()
        .cmd_for(&server)
        .args(["checkout", "create", "--amount", "50", "--currency", "XOF"])
        .args(["--email", "ama@example.com"])
        .args([
            // Moves up a line and rewrites it: a reviewer would read another amount.
            "--description",
            "\u{1b}[1A\r\u{1b}[2K  amount 5 XOF",
            "--first-name",
            "Ama\u{202e}hsnem",
            "--last-name",
            "\u{200b}\u{200d}",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "orqex: invalid input: 3 problems; nothing was sent\n\
             \x20 description (--description): contains the control character \\x1b; {remove}\n\
             \x20 customer.first_name (--first-name): contains the bidirectional control character \\u202e, which changes the order text is shown in; remove it\n\
             \x20 customer.last_name (--last-name): is made only of invisible characters; give visible text\n"
        ));
    server.assert_hits(0);
}

#[test]
fn a_dry_run_refuses_outputs_that_need_a_real_checkout() {
    let sb = Sandbox::new();
    for output in ["id", "url", "status", "env"] {
        sb.cmd()
            .args(CREATE)
            .args(["--dry-run", "--output", output])
            .assert()
            .append_context("output", output)
            .code(2)
            .stdout("")
            .stderr(format!(
                "orqex: --output {output} needs a real checkout; --dry-run prints the request body as JSON: drop --output, or drop --dry-run\n"
            ));
    }
    sb.cmd()
        .args(CREATE)
        .args(["--dry-run", "--output", "json"])
        .assert()
        .code(0);
}
