//! `orqex checkout create` from flags: what arrives at the server, what is printed, exit codes.

use serde_json::{Value, json};

use crate::common::*;

#[test]
fn minimal_create_sends_exact_request_and_prints_only_the_url() {
    let server = Server::created("cs_abc123");
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_abc123\n");

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
    assert_no_key(&out);
}

#[test]
fn every_flag_lands_in_the_body() {
    let server = Server::created("cs_full");
    let sb = Sandbox::new();
    let out = sb
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
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
        let out = sb.cmd_for(&server).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, checkout_body("cs_json"));
    assert!(stdout(&out).contains("\n  \"message\""), "pretty-printed");
}

#[test]
fn dry_run_needs_no_key_and_sends_nothing() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(CREATE).arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, create_body());

    // With a key and a server, still nothing goes out.
    let server = Server::created("cs_never");
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(server.requests().is_empty());
}

#[test]
fn invalid_input_lists_every_problem_and_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
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
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needle in [
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
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert!(out.stdout.is_empty());
    assert!(server.requests().is_empty());
}

#[test]
fn bad_amounts_are_refused() {
    for bad in ["NaN", "inf", "-5", "0", "0.5", "1e3", "abc", ""] {
        let sb = Sandbox::new();
        let mut args: Vec<&str> = CREATE.to_vec();
        args[3] = bad;
        let out = sb.cmd().args(&args).arg("--dry-run").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad} accepted");
        assert!(stderr(&out).contains("amount (--amount)"), "{bad}");
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
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has 11 keys; the limit is 10"));
}

#[test]
fn exit_3_without_a_key() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_BASE_URL", server.url())
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("ORQEX_SECRET_KEY") && err.contains("orqex login"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_key_that_is_not_a_secret_key_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", "pk_test_publishable_0000")
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("ORQEX_SECRET_KEY") && err.contains("sk_"),
        "{err}"
    );
    assert!(!err.contains("publishable_0000"), "{err}");
}

#[test]
fn exit_3_when_the_api_refuses_the_key() {
    for status in [401, 403] {
        let server =
            Server::start(move |_, _| Reply::json(status, json!({"message": "Invalid API key"})));
        let sb = Sandbox::new();
        let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{status}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{status}")) && err.contains("Invalid API key"),
            "{err}"
        );
        assert!(err.contains("req_test_0001"), "request id shown: {err}");
        assert_eq!(server.requests().len(), 1, "4xx is not retried");
        assert_no_key(&out);
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
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(
        err.contains("422") && err.contains("The given data was invalid."),
        "{err}"
    );
    assert!(err.contains("req_422"), "{err}");
    assert!(
        err.contains("customer.email: The email is not deliverable."),
        "{err}"
    );
    assert!(err.contains("currency: Try XOF."), "{err}");
    assert!(
        !err.contains("--idempotency-key"),
        "a rejected create needs no retry hint: {err}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn exit_4_for_other_client_errors() {
    for status in [400, 404, 409, 428] {
        let server = Server::start(move |_, _| Reply::json(status, json!({"message": "nope"})));
        let sb = Sandbox::new();
        let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{status}");
        assert_eq!(server.requests().len(), 1, "{status} is not retried");
    }
}

#[test]
fn exit_5_on_server_errors_with_the_retry_hint() {
    let server = Server::start(|_, _| Reply::json(501, json!({"message": "Not implemented"})));
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--idempotency-key", "order-1024-attempt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(
        err.contains("501") && err.contains("Not implemented"),
        "{err}"
    );
    assert!(
        err.contains("--idempotency-key order-1024-attempt"),
        "{err}"
    );
    assert_no_key(&out);
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
    let sb = Sandbox::new();
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("HTML page") && !err.contains("<html>"),
        "{err}"
    );
}

#[test]
fn exit_6_when_nothing_listens() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", dead_url())
        .args(CREATE)
        .args(["--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot connect"), "{}", stderr(&out));
    assert_no_key(&out);
}

#[test]
fn exit_6_with_the_key_when_a_created_answer_is_unreadable() {
    let server =
        Server::start(|_, _| Reply::text(201, "application/json", "{\"data\": {\"checkout\""));
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--idempotency-key", "order-1024-attempt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let err = stderr(&out);
    assert!(err.contains("not valid JSON"), "{err}");
    assert!(
        err.contains("--idempotency-key order-1024-attempt"),
        "{err}"
    );
}

#[test]
fn exit_1_when_stdout_cannot_be_written() {
    let server = Server::created("cs_full_disk");
    let sb = Sandbox::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot write the result to stdout"), "{err}");
    // The checkout exists: the way to get its answer again is given.
    let key = server
        .only_request()
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    assert!(err.contains(&format!("--idempotency-key {key}")), "{err}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", "http://api.orqex.com/v1")
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("clear text"), "{}", stderr(&out));
}

#[test]
fn unknown_flags_are_usage_errors() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(CREATE).arg("--amout").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--amout"));
}

#[test]
fn the_key_is_never_accepted_as_a_flag() {
    let sb = Sandbox::new();
    for flag in ["--key", "--secret-key", "--api-key"] {
        let out = sb.cmd().args(CREATE).args([flag, KEY]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(
            stderr(&out).contains("set ORQEX_SECRET_KEY"),
            "{}",
            stderr(&out)
        );
        assert_no_key(&out);
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
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    let out = sb.cmd().args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&path.display().to_string()) && err.contains("line 2"),
        "{err}"
    );
    assert!(!err.contains("test_0000_0000_shop"), "{err}");
}

#[test]
fn help_shows_field_limits() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["checkout", "create", "--help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for needle in [
        "at most 500",
        "at most 22",
        "at most 2048",
        "at most 10 keys",
        "8-128",
        "at least 1",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
}

#[test]
fn dry_run_works_whatever_the_key() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", "pk_test_publishable_0000")
        .args(CREATE)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        create_body()
    );
}

#[test]
fn a_key_pasted_on_the_command_line_is_refused_without_repeating_it() {
    let sb = Sandbox::new();
    for extra in [&[KEY][..], &["--json", KEY], &["--amount", "50", KEY]] {
        let out = sb
            .cmd()
            .args(["checkout", "create"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&out).contains(KEY_MASKED), "{}", stderr(&out));
        assert_no_key(&out);
    }
    let out = sb.cmd().args(["login", KEY, KEY]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_no_key(&out);
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
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args([
                "--output",
                format,
                "--idempotency-key",
                "order-1024-attempt",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(
            stderr(&out).contains("control character"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("--idempotency-key order-1024-attempt"));
    }
}

#[test]
fn get_refuses_a_secret_key_given_as_the_id() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", KEY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("looks like a secret key"),
        "{}",
        stderr(&out)
    );
    assert_no_key(&out);
    assert!(server.requests().is_empty());
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
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = stderr(&out);
        assert!(
            err.contains("looks like a secret key") && err.contains(KEY_MASKED),
            "{err}"
        );
        assert_no_key(&out);
    }
    // With --json the refusal is JSON too.
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--json", "--city", KEY])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(v["exit_code"], 2);
    assert!(server.requests().is_empty());
}

#[test]
fn control_characters_typed_by_the_user_are_shown_escaped_in_errors() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "checkout",
            "create",
            "--currency",
            "X\u{1b}[31mO\nZ",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        err.contains("`X\\x1b[31mO\\nZ` is not a three-letter"),
        "{err}"
    );
}

#[test]
fn a_metadata_key_given_twice_on_the_command_line_is_refused() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    // ` order` is trimmed to `order`: the same key.
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["-m", "order=1024", "--metadata", " order=1025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "orqex: invalid input: 1 problem; nothing was sent\n  \
         metadata.order (--metadata): is given twice (`order=1024`, then ` order=1025`); give each key once\n"
    );
    assert!(out.stdout.is_empty());
    assert!(server.requests().is_empty(), "something was sent");
}

#[test]
fn a_metadata_flag_still_overrides_the_json_key_of_the_same_name() {
    let server = Server::created("cs_layered");
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["--data", r#"{"metadata": {"order": "1024"}}"#])
        .args(["-m", "order=1025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server.only_request().json()["metadata"],
        json!({"order": "1025"})
    );
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
        format!("`{url}` has the port `{port}`; a port is a number from 1 to 65535")
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
            let out = sb
                .cmd_for(&server)
                .args(CREATE)
                .args([flag, url])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
            assert_eq!(
                stderr(&out),
                format!(
                    "orqex: invalid input: 1 problem; nothing was sent\n  {field} ({flag}): {message}\n"
                ),
                "{url}"
            );
        }
    }
    assert!(server.requests().is_empty(), "something was sent");
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
        let out = sb
            .cmd_for(&server)
            .args(CREATE)
            .args(["--return-url", url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{url}: {}", stderr(&out));
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
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .args(["-m", "note=a\u{1b}[1Ab", "-m", "k\u{1b}]0;x\u{7}=v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "orqex: invalid input: 2 problems; nothing was sent\n  \
         metadata.note (--metadata): contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)\n  \
         metadata.k\\x1b]0;x\\x07 (--metadata): the key contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)\n"
    );
    assert!(server.requests().is_empty(), "something was sent");
}

#[test]
fn text_that_would_drive_or_fool_a_terminal_is_refused_and_shown_escaped() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let out = sb
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
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let remove = "remove it (line breaks, tabs and escape codes are not allowed)";
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: invalid input: 3 problems; nothing was sent\n\
             \x20 description (--description): contains the control character \\x1b; {remove}\n\
             \x20 customer.first_name (--first-name): contains the control character \\u202e; {remove}\n\
             \x20 customer.last_name (--last-name): is made only of invisible characters; give visible text\n"
        )
    );
    assert!(out.stdout.is_empty());
    assert!(server.requests().is_empty(), "something was sent");
}
