//! `checkout create` with a JSON body: from stdin, `--data @file`, `--data -` and inline, merged
//! with flags and config defaults, and every way a body is refused (with nothing sent).

use std::io::Write;
use std::process::Stdio;

use serde_json::{Value, json};

use crate::common::*;

/// `body_text()` as sent: currency uppercased, the amount's text kept (12.50, not 12.5).
fn body_json() -> Value {
    serde_json::from_str(
        r#"{"amount": 12.50, "currency": "XOF", "description": "Order 1024",
            "customer": {"email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah",
                         "city": "Abidjan"},
            "metadata": {"order_id": "1024", "channel": "web"}}"#,
    )
    .unwrap()
}

fn body_text() -> String {
    r#"{"amount": 12.50, "currency": "xof", "description": "Order 1024",
        "customer": {"email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah",
                     "city": "Abidjan"},
        "metadata": {"order_id": "1024", "channel": "web"}}"#
        .to_string()
}

fn create() -> [&'static str; 2] {
    ["checkout", "create"]
}

/// `orqex checkout create` with no body flag and `input` piped on stdin: the pipe is the body.
fn piped(sb: &Sandbox, server: &Server, input: impl Into<Vec<u8>>) -> Assert {
    sb.cmd_for(server)
        .args(create())
        .write_stdin(input)
        .assert()
}

/// A refused input: exit 2, stderr starting `orqex: ` and holding `needle`, nothing on
/// stdout, nothing sent.
fn refused(assert: Assert, server: &Server, needle: &str) -> Assert {
    let assert = assert
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("orqex: ").and(contains(needle)));
    server.assert_hits(0);
    assert
}

/// The lines of stderr after the first (`orqex: invalid input: N problems; ...`).
fn problems(assert: &Assert) -> Vec<String> {
    stderr(assert.get_output())
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Text holding each of `lines` as a whole line after the first.
fn has_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> predicates::BoxPredicate<str> {
    contains_all(lines.into_iter().map(|l| format!("\n{l}\n")))
}

#[test]
fn piped_json_is_the_body() {
    let server = Server::created("cs_piped");
    piped(&Sandbox::new(), &server, body_text())
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_piped\n")
        // Read at once: no word about waiting for it.
        .stderr("");
    let req = server.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/v1/payment/checkouts")
    );
    assert_eq!(req.json(), body_json());
    // The amount is sent as written: 12.50, not 12.5.
    assert!(
        req.body_text().starts_with(r#"{"amount":12.50,"#),
        "{}",
        req.body_text()
    );
}

#[test]
fn data_at_file_is_read_and_piped_stdin_is_then_ignored() {
    let server = Server::created("cs_file");
    let sb = Sandbox::new();
    let path = sb.file("body.json", body_text());
    sb.cmd_for(&server)
        .args(create())
        .arg("--data")
        .arg(format!("@{}", path.display()))
        .write_stdin(r#"{"amount": 999, "description": "from stdin"}"#)
        .assert()
        .code(0);
    assert_eq!(server.only_request().json(), body_json());
}

#[test]
fn data_dash_reads_stdin_and_inline_json_is_the_body() {
    let server = Server::created("cs_dash");
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args(create())
        .args(["--data", "-"])
        .write_stdin(body_text())
        .assert()
        .code(0);
    sb.cmd_for(&server)
        .args(create())
        .args(["-d", &body_text()])
        .assert()
        .code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in reqs {
        assert_eq!(r.json(), body_json());
    }
}

#[test]
fn flags_override_json_field_by_field() {
    let server = Server::created("cs_merge");
    Sandbox::new()
        .cmd_for(&server)
        .args(create())
        .args(["--data", "-"])
        .args([
            "--email",
            "kofi@example.com",
            "--amount",
            "50",
            "-m",
            "channel=cli",
            "-m",
            "batch=7",
            "--return-url",
            "https://shop.example.com/thanks",
        ])
        .write_stdin(body_text())
        .assert()
        .code(0);
    assert_eq!(
        server.only_request().body_text(),
        json!({
            "amount": 50,
            "currency": "XOF",
            "description": "Order 1024",
            // --email replaced only the email: the JSON's names and city stay.
            "customer": {"email": "kofi@example.com", "first_name": "Ama", "last_name": "Mensah",
                         "city": "Abidjan"},
            "return_url": "https://shop.example.com/thanks",
            // --metadata replaced one key and added another; the JSON's other key stays.
            "metadata": {"order_id": "1024", "channel": "cli", "batch": "7"}
        })
        .to_string()
    );
}

#[test]
fn config_currency_is_the_lowest_layer() {
    let sb = Sandbox::new();
    sb.write_config("[profiles.default]\ncurrency = \"GHS\"\n");
    let run = |json: String, flags: &[&str]| -> Value {
        let assert = sb
            .cmd()
            .args(create())
            .args(["--data", "-"])
            .args(flags)
            .arg("--dry-run")
            .write_stdin(json)
            .assert()
            .code(0);
        stdout_json(assert.get_output())["currency"].clone()
    };
    let rest = r#""amount": 50, "description": "d",
        "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}"#;
    assert_eq!(run(format!("{{{rest}}}"), &[]), "GHS");
    assert_eq!(
        run(format!("{{{rest}, \"currency\": \"xof\"}}"), &[]),
        "XOF"
    );
    assert_eq!(
        run(
            format!("{{{rest}, \"currency\": \"XOF\"}}"),
            &["--currency", "NGN"]
        ),
        "NGN"
    );
}

#[test]
fn the_merged_body_is_validated_with_the_flags_words_naming_where_each_value_came_from() {
    let server = Server::created("cs_never");
    refused(
        piped(&Sandbox::new(), &server, r#"{"amount": 0, "currency": "XO", "description": "",
                    "customer": {"email": "ama@", "first_name": "Ama"}, "return_url": "nope"}"#),
        &server,
        "invalid input: 6 problems; nothing was sent",
    )
    .stderr(has_lines([
        "  amount (stdin): `0` is below the minimum amount of 1",
        "  currency (stdin): `XO` is not a three-letter ISO 4217 currency code, like XOF",
        "  description (stdin): must not be empty",
        "  customer.email (stdin): `ama@` is not a valid email address, like ama@example.com",
        // Missing: the flag is how to give it.
        "  customer.last_name (--last-name): is required; set it with --last-name",
        "  return_url (stdin): `nope` is not an absolute http(s) URL, like https://shop.example.com/thanks",
    ]));
}

#[test]
fn a_json_missing_fields_lists_each_with_its_flag() {
    let server = Server::created("cs_never");
    let assert = refused(
        piped(
            &Sandbox::new(),
            &server,
            r#"{"amount": 50, "customer": {"email": "ama@example.com"}}"#,
        ),
        &server,
        "invalid input: 4 problems; nothing was sent",
    );
    assert_eq!(
        problems(&assert),
        [
            "  currency (--currency): is required; set it with --currency",
            "  description (--description): is required; set it with --description",
            "  customer.first_name (--first-name): is required; set it with --first-name",
            "  customer.last_name (--last-name): is required; set it with --last-name",
        ]
    );
}

#[test]
fn empty_stdin_is_no_input() {
    let server = Server::created("cs_empty");
    let sb = Sandbox::new();
    // </dev/null, as in CI.
    sb.create(&server).assert().code(0);
    // A pipe closed at once, and one with only white space.
    for input in [&b""[..], b"\n  \n"] {
        sb.create(&server)
            .write_stdin(input)
            .assert()
            .append_context("stdin", format!("{input:?}"))
            .code(0);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for r in reqs {
        assert_eq!(r.json(), create_body());
    }
    // With nothing at all, the missing fields are listed; it never waits.
    sb.cmd_for(&server)
        .args(create())
        .assert()
        .code(2)
        .stderr(contains("invalid input: 6 problems"));
}

#[test]
fn an_explicit_empty_source_is_an_error() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let path = sb.file("empty.json", "");
    refused(
        sb.create(&server)
            .arg("--data")
            .arg(format!("@{}", path.display()))
            .assert(),
        &server,
        "empty.json is empty",
    );
    refused(
        sb.create(&server)
            .args(["--data", "-"])
            .write_stdin("")
            .assert(),
        &server,
        "the JSON on stdin is empty",
    );
}

#[test]
fn bad_json_is_one_line_with_line_and_column() {
    let server = Server::created("cs_never");
    refused(
        piped(
            &Sandbox::new(),
            &server,
            "{\n  \"amount\": 50,\n  \"currency\" \"XOF\"\n}\n",
        ),
        &server,
        "the JSON on stdin is not valid JSON",
    )
    .stderr("orqex: the JSON on stdin is not valid JSON: expected `:` at line 3 column 14\n");
}

#[test]
fn a_value_that_is_not_an_object_is_refused() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    for (input, kind) in [
        ("[{\"amount\": 50}]", "an array"),
        ("\"hello\"", "a string"),
        ("50", "a number"),
        ("null", "null"),
    ] {
        refused(
            piped(&sb, &server, input),
            &server,
            &format!("the JSON on stdin is {kind}, not an object"),
        )
        .stderr(one_line());
    }
}

#[test]
fn unknown_fields_name_the_path_and_the_closest_field() {
    let server = Server::created("cs_never");
    let mut body: Value = serde_json::from_str(&body_text()).unwrap();
    body["customer"]["emial"] = json!("x@example.com");
    body["amout"] = json!(5);
    refused(
        Sandbox::new()
            .cmd_for(&server)
            .args(create())
            .args(["--data", "-"])
            .write_stdin(body.to_string())
            .assert(),
        &server,
        "invalid input: 2 problems; nothing was sent",
    )
    .stderr(contains_all([
        "  customer.emial (stdin): unknown field; did you mean `customer.email`?",
        "  amout (stdin): unknown field; did you mean `amount`?",
    ]));
}

#[test]
fn an_unknown_field_in_a_file_names_the_file() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let path = sb.file(
        "body.json",
        r#"{"restriction": {"phone": {"numbr": "0700000000"}}}"#,
    );
    refused(
        sb.create(&server)
            .arg("--data")
            .arg(format!("@{}", path.display()))
            .assert(),
        &server,
        &format!(
            "  restriction.phone.numbr ({}): unknown field; did you mean `restriction.phone.number`?",
            path.display()
        ),
    );
}

#[test]
fn wrong_types_are_refused_with_their_path() {
    let server = Server::created("cs_never");
    refused(
        piped(
            &Sandbox::new(),
            &server,
            r#"{"amount": "50", "currency": "XOF", "description": "d",
                    "customer": {"email": "a@example.com", "first_name": ["Ama"], "last_name": "M"},
                    "metadata": "x"}"#,
        ),
        &server,
        "invalid input: 3 problems; nothing was sent",
    )
    .stderr(has_lines([
        "  amount (stdin): must be a number, like 50 (not in quotes); got a string",
        "  customer.first_name (stdin): must be a string; got an array",
        "  metadata (stdin): must be an object; got a string",
    ]));
}

#[test]
fn a_flag_overrides_a_json_field_of_the_wrong_type_and_the_rest_is_still_checked() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let data = r#"{"amount": "x", "customer": {"email": "bad@"}}"#;
    sb.create(&server)
        .args(["--dry-run", "--data", data])
        .assert()
        .code(0);
    sb.cmd_for(&server)
        .args(["checkout", "create", "--dry-run", "--data", data])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "orqex: invalid input: 6 problems; nothing was sent\n",
        ))
        .stderr(has_lines([
            "  amount (--data): must be a number, like 50 (not in quotes); got a string",
            "  customer.email (--data): `bad@` is not a valid email address, like ama@example.com",
            "  currency (--currency): is required; set it with --currency",
        ]));
}

#[test]
fn a_field_given_twice_is_refused() {
    let server = Server::created("cs_never");
    refused(
        Sandbox::new()
            .create(&server)
            .args(["--data", "-"])
            .write_stdin(r#"{"amount": 50, "amount": 5000}"#)
            .assert(),
        &server,
        "duplicate field `amount`",
    );
}

#[test]
fn invalid_utf8_is_refused() {
    let server = Server::created("cs_never");
    refused(
        Sandbox::new()
            .create(&server)
            .args(["--data", "-"])
            .write_stdin(&b"{\"description\": \"caf\xE9\"}"[..])
            .assert(),
        &server,
        "the JSON on stdin is not valid UTF-8 (line 1, column 21); save it as UTF-8",
    );
}

#[test]
fn more_than_1_mib_is_refused_without_reading_the_whole_stream() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut child = spawn_piped(
        sb.create(&server)
            .args(["--data", "-"])
            .stdin(Stdio::piped()),
    );
    let mut stdin = child.stdin.take().unwrap();
    // Up to 64 MiB of an endless description; orqex must stop after 1 MiB + 1 byte.
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = stdin.write(b"{\"description\": \"").unwrap_or(0);
        for _ in 0..1024 {
            match stdin.write_all(&chunk) {
                Ok(()) => sent += chunk.len(),
                Err(_) => break,
            }
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    let sent = writer.join().unwrap();
    refused(
        out.assert(),
        &server,
        "the JSON on stdin is larger than 1 MiB",
    );
    assert!(sent < 8 * 1024 * 1024, "orqex read {sent} bytes");

    // Exactly 1 MiB is still accepted as input (and then fails only validation).
    let mut body = br#"{"description": ""#.to_vec();
    body.resize(1024 * 1024 - 2, b'x');
    body.extend_from_slice(b"\"}");
    refused(
        sb.cmd_for(&server)
            .args(create())
            .args(["--data", "-"])
            .write_stdin(body)
            .assert(),
        &server,
        "description (stdin): is 1048557 characters long",
    );
}

#[test]
fn data_without_at_suggests_it_and_a_missing_file_is_named() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    refused(
        sb.create(&server).args(["--data", "body.json"]).assert(),
        &server,
        "write --data @body.json to read a file",
    );
    refused(
        sb.create(&server)
            .args(["--data", "@does-not-exist.json"])
            .assert(),
        &server,
        "cannot read does-not-exist.json",
    );
}

#[test]
fn dry_run_prints_the_merged_body_and_sends_nothing() {
    let server = Server::created("cs_never");
    let assert = Sandbox::new()
        .cmd_for(&server)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args(create())
        .args(["--data", "-"])
        .args(["--dry-run", "--first-name", "Kofi"])
        .write_stdin(body_text())
        .assert()
        .code(0)
        // A dry run moves no money: no live-key question or notice.
        .stderr("");
    let mut expected = body_json();
    expected["customer"]["first_name"] = json!("Kofi");
    assert_eq!(stdout_json(assert.get_output()), expected);
    server.assert_hits(0);
}

#[test]
fn a_live_key_without_a_terminal_sends_with_a_one_line_notice() {
    let server = Server::created("cs_live");
    Sandbox::new()
        .cmd_for(&server)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .args(create())
        .write_stdin(body_text())
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_live\n")
        .stderr(format!(
            "orqex: using a live key ({LIVE_KEY_MASKED}): this creates a real checkout\n"
        ));
    assert_eq!(server.only_request().json(), body_json());
}

#[test]
fn help_documents_the_input_flags() {
    Sandbox::new()
        .cmd()
        .args(["checkout", "create", "--help"])
        .assert()
        .code(0)
        .stdout(contains_all([
            "--data <@FILE|-|JSON>",
            "--no-input",
            "--yes",
            "CI is set",
        ]));
}

#[test]
fn a_silent_open_stdin_gets_a_hint_and_is_still_read() {
    let server = Server::created("cs_slow");
    let sb = Sandbox::new();
    let started = std::time::Instant::now();
    let mut child = spawn_piped(sb.cmd_for(&server).args(create()).stdin(Stdio::piped()));
    // Every line of stderr as it comes, and all of them once orqex has closed it.
    let stderr_pipe = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stderr_pipe).lines() {
            let line = line.unwrap();
            lines.push(line.clone());
            // The test may have stopped listening; the lines are returned all the same.
            tx.send(line).ok();
        }
        lines
    });
    let hint = rx.recv_timeout(std::time::Duration::from_secs(20));
    let waited = started.elapsed();
    if hint.is_err() {
        child.kill().unwrap();
    }
    let hint = hint.expect("a hint while stdin stays open and silent");
    assert_eq!(
        hint,
        "orqex: waiting for a JSON body on stdin (it is not a terminal); \
         if there is none, run with </dev/null or give the body with --data"
    );
    // Only once stdin has been silent for a while (3 s), not at once.
    assert!(
        waited >= std::time::Duration::from_millis(2500),
        "hinted after {waited:?}"
    );
    // The body arrives late: it is read and sent all the same.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(body_text().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    out.assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_slow\n");
    // Every line orqex wrote, read to the end: the hint was its only one.
    assert_eq!(reader.join().unwrap(), [hint]);
    assert_eq!(server.only_request().json(), body_json());
}

#[test]
fn json_mistakes_and_flag_mistakes_are_reported_together() {
    let server = Server::created("cs_never");
    Sandbox::new()
        .cmd_for(&server)
        .args([
            "checkout",
            "create",
            "--data",
            r#"{"amount": "50", "customer": {"emial": "a@example.com"}}"#,
        ])
        .args([
            "--currency",
            "XO",
            "-m",
            "novalue",
            "--idempotency-key",
            "short",
        ])
        .assert()
        .code(2)
        .stderr(contains_all([
            "amount (--data): must be a number",
            "customer.emial (--data): unknown field; did you mean `customer.email`?",
            "metadata (--metadata)",
            "currency (--currency)",
            "X-Idempotency-Key (--idempotency-key)",
            // Every problem at once: the fields no source gave are listed too...
            "description (--description): is required",
        ]))
        // ...but not the amount, which the JSON gave, wrongly.
        .stderr(contains("amount (--amount): is required").not());
    server.assert_hits(0);
}

#[test]
fn a_bad_value_is_named_by_its_source_flag_json_or_config() {
    let sb = Sandbox::new();
    let path = sb.write_config("[profiles.default]\ncurrency = \"dollars\"\n");
    sb.cmd()
        .args(create())
        .args(["--data", "-"])
        .args(["--description", "", "--dry-run"])
        .write_stdin(
            r#"{"amount": 0.5, "customer": {"email": "ama@example.com", "first_name": "A", "last_name": "B"}}"#,
        )
        .assert()
        .code(2)
        .stderr(contains_all([
            "amount (stdin): `0.5` is below".to_string(),
            "description (--description): must not be empty".to_string(),
            format!("currency (config file {}): `dollars`", path.display()),
        ]));
}

#[test]
fn metadata_values_are_strings_numbers_or_booleans() {
    let server = Server::created("cs_meta");
    let sb = Sandbox::new();
    let assert = refused(
        sb.create(&server)
            .args(["--data", "-"])
            .write_stdin(
                r#"{"metadata": {"order": {"id": 1024}, "tags": ["a"], "gone": null, "ok": "x"}}"#,
            )
            .assert(),
        &server,
        "invalid input: 3 problems; nothing was sent",
    );
    assert_eq!(
        problems(&assert),
        [
            "  metadata.order (stdin): must be a string, number or boolean; got an object",
            "  metadata.tags (stdin): must be a string, number or boolean; got an array",
            "  metadata.gone (stdin): must be a string, number or boolean; got null",
        ]
    );
    // Scalars are sent as given, numbers with their text.
    sb.create(&server)
        .args(["--data", "-"])
        .write_stdin(r#"{"metadata": {"order": "1024", "count": 2.50, "paid": false}}"#)
        .assert()
        .code(0);
    let sent = server.only_request().body_text();
    assert!(
        sent.ends_with(r#""metadata":{"order":"1024","count":2.50,"paid":false}}"#),
        "{sent}"
    );
}

#[test]
fn metadata_keys_and_values_get_the_text_checks() {
    let server = Server::created("cs_never");
    let assert = refused(
        Sandbox::new()
            .create(&server)
            .args(["--data", "-"])
            .write_stdin(
                "{\"metadata\": {\"note\": \"a\\u001b[2Kb\", \"line\\nbreak\": \"x\", \"ok\": \"\\u200b\", \"a.b\": \"\\u202e\"}}",
            )
            .assert(),
        &server,
        "invalid input: 4 problems; nothing was sent",
    );
    assert_eq!(
        problems(&assert),
        [
            "  metadata.note (stdin): contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)",
            "  metadata.line\\nbreak (stdin): the key contains the control character \\n; remove it (line breaks, tabs and escape codes are not allowed)",
            "  metadata.ok (stdin): is made only of invisible characters; give visible text",
            "  metadata.a.b (stdin): contains the bidirectional control character \\u202e, which changes the order text is shown in; remove it",
        ]
    );
}

#[test]
fn a_secret_key_anywhere_in_a_json_body_is_refused_and_named_only_masked() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let body = json!({
        "description": format!("pay with {KEY}"),
        "customer": {"city": KEY},
        "metadata": {LIVE_KEY: "x", "note": KEY},
        "notes": KEY,
        KEY: 1,
        // Reported with the keys only: these messages would quote what they are about.
        "return_url": format!("https://x.example/{KEY}"),
        "amount": "50",
    });
    let path = sb.file("body.json", body.to_string());
    let from_file = sb
        .cmd_for(&server)
        .args(create())
        .arg("--data")
        .arg(format!("@{}", path.display()))
        .assert();
    let piped = piped(&sb, &server, body.to_string());
    for (assert, origin) in [
        (from_file, path.display().to_string()),
        (piped, "stdin".into()),
    ] {
        let assert = refused(
            assert,
            &server,
            "invalid input: 7 problems; nothing was sent",
        )
        .stderr(contains("0000_0000").not());
        let holds = "holds what looks like a secret key";
        let never = "a key never goes in a request body";
        assert_eq!(
            problems(&assert),
            [
                format!("  description ({origin}): {holds} ({KEY_MASKED}); {never}"),
                format!("  customer.city ({origin}): {holds} ({KEY_MASKED}); {never}"),
                format!(
                    "  metadata.{LIVE_KEY_MASKED} ({origin}): the name {holds} ({LIVE_KEY_MASKED}); {never}"
                ),
                format!("  metadata.note ({origin}): {holds} ({KEY_MASKED}); {never}"),
                format!("  notes ({origin}): {holds} ({KEY_MASKED}); {never}"),
                format!("  {KEY_MASKED} ({origin}): the name {holds} ({KEY_MASKED}); {never}"),
                format!("  return_url ({origin}): {holds} ({KEY_MASKED}); {never}"),
            ]
        );
        assert_no_key(assert.get_output());
    }
    // As JSON for CI, just as masked.
    let assert = sb
        .cmd_for(&server)
        .args(create())
        .arg("--json")
        .write_stdin(body.to_string())
        .assert()
        .code(2);
    let error: Value = serde_json::from_str(stderr(assert.get_output()).trim()).unwrap();
    assert_eq!(
        error["errors"]["description"][0],
        format!(
            "holds what looks like a secret key ({KEY_MASKED}); a key never goes in a request body"
        )
    );
    assert_no_key(assert.get_output());
    server.assert_hits(0);
}

#[test]
fn a_secret_key_as_the_profiles_currency_is_refused_without_quoting_it() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let path = sb.write_config(&format!("[profiles.default]\ncurrency = \"{LIVE_KEY}\"\n"));
    let assert = refused(
        sb.cmd_for(&server)
            .args(CREATE.iter().filter(|a| !["--currency", "XOF"].contains(a)))
            .assert(),
        &server,
        "invalid input: 1 problem; nothing was sent",
    )
    .stderr(contains(LIVE_KEY).not());
    // After the warning that the file is open to others.
    assert_eq!(
        stderr(assert.get_output()).lines().last().unwrap(),
        format!(
            "  currency (config file {}): holds what looks like a secret key ({LIVE_KEY_MASKED}); a key never goes in a request body",
            path.display()
        )
    );
}

#[test]
fn every_text_field_refuses_control_characters() {
    let server = Server::created("cs_never");
    let esc = "a\u{1b}[2Kb";
    let body = json!({
        "amount": 50, "currency": "XOF",
        "description": esc,
        "customer": {"email": "ama\u{1b}@example.com", "first_name": esc, "last_name": esc,
                     "address": esc, "city": esc, "state": esc, "zip": esc},
        "return_url": "https://x.example/\u{1b}",
        "webhook_url": "https://x.example/\u{202e}",
        "statement_descriptor": esc,
        "receipt_email": "r\u{202e}@example.com",
        "restriction": {"phone": {"number": "0700\u{1b}000000", "country": "CI"}},
        "customization": {"color": esc, "brand": "\u{200b}"},
        "metadata": {"note": esc},
    });
    let assert = refused(
        piped(&Sandbox::new(), &server, body.to_string()),
        &server,
        "invalid input: 16 problems; nothing was sent",
    )
    // No escape reaches the terminal.
    .stderr(contains("\u{1b}").not());
    let control = |c: &str| {
        format!(
            "contains the control character {c}; remove it (line breaks, tabs and escape codes are not allowed)"
        )
    };
    const BIDI: &str = "contains the bidirectional control character \\u202e, which changes the order text is shown in; remove it";
    let url = |u: &str| {
        format!("`{u}` is not an absolute http(s) URL, like https://shop.example.com/thanks")
    };
    let mut expected = vec![format!("  description (stdin): {}", control("\\x1b"))];
    expected.push("  customer.email (stdin): `ama\\x1b@example.com` is not a valid email address, like ama@example.com".into());
    for field in ["first_name", "last_name", "address", "city", "state", "zip"] {
        expected.push(format!("  customer.{field} (stdin): {}", control("\\x1b")));
    }
    expected.extend([
        format!("  return_url (stdin): {}", url("https://x.example/\\x1b")),
        format!("  webhook_url (stdin): {BIDI}"),
        format!("  statement_descriptor (stdin): {}", control("\\x1b")),
        format!("  receipt_email (stdin): {BIDI}"),
        "  restriction.phone.number (stdin): `0700\\x1b000000` is not a phone number; give the national number, like 0700000000".into(),
        format!("  customization.color (stdin): {}", control("\\x1b")),
        "  customization.brand (stdin): is made only of invisible characters; give visible text".into(),
        format!("  metadata.note (stdin): {}", control("\\x1b")),
    ]);
    assert_eq!(problems(&assert), expected);
}

#[cfg(unix)]
#[test]
fn with_flags_stdin_is_never_read_so_a_loop_keeps_its_input() {
    let server = Server::created("cs_loop");
    let sb = Sandbox::new();
    // A shell loop: each orqex would eat the loop's remaining lines if it read stdin.
    let cmd = sb.cmd_for(&server);
    std::process::Command::new("sh")
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .arg("-c")
        .arg(r#"printf 'a@example.com\nb@example.com\nc@example.com\n' | while read e; do "$0" checkout create --amount 5 --currency XOF --description d --email "$e" --first-name A --last-name B --output id; done"#)
        .arg(cmd.get_program())
        .assert()
        .stdout("cs_loop\ncs_loop\ncs_loop\n");
    let emails: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.json()["customer"]["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails, ["a@example.com", "b@example.com", "c@example.com"]);
}

#[test]
fn with_flags_an_open_silent_stdin_holds_nothing_up() {
    let server = Server::created("cs_open_pipe");
    let mut child = spawn_piped(Sandbox::new().create(&server).stdin(Stdio::piped()));
    // The pipe stays open (and silent) until orqex has exited.
    let open = child.stdin.take();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("a create given by flags waited for the open stdin");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(open);
    child.wait_with_output().unwrap().assert().code(0);
    server.assert_hits(1);
}

#[test]
fn missing_fields_with_flags_and_a_pipe_say_the_pipe_was_not_read() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    refused(
        sb.cmd_for(&server)
            .args(["checkout", "create", "--amount", "5"])
            .write_stdin(body_text())
            .assert(),
        &server,
        "invalid input: 6 problems; nothing was sent",
    )
    .stderr(predicate::str::ends_with(
        "  stdin (--data -): was not read, since flags were given; to merge JSON piped on stdin with the flags, add --data -\n",
    ));
    // With --data -, the pipe is merged under the flags.
    sb.cmd_for(&server)
        .args([
            "checkout",
            "create",
            "--amount",
            "5",
            "--data",
            "-",
            "--dry-run",
        ])
        .write_stdin(body_text())
        .assert()
        .code(0)
        .stdout(contains("\"amount\": 5,"));
}
