//! The error catalogue: the exact words on stderr, and the exit code, of every error a user
//! can cause, through the real binary. Each expected text is pinned inline with snapbox's
//! `str![[...]]`, word for word; nothing is printed on stdout.
//!
//! After a deliberate change of wording, rewrite the expected texts from what the binary
//! prints now, then read the diff of this file before committing it:
//!
//!     SNAPSHOTS=overwrite cargo test --test cli catalogue::
//!
//! What varies from run to run is redacted: `[HOME]` is the sandbox's temporary home,
//! `[ADDR]` the address of the test's loopback server (or of a port where nothing listens),
//! `[KEY]` the idempotency key orqex generated and sent. `[..]` in an expected line matches
//! any text within that line.

use std::process::Output;

use serde_json::json;
use snapbox::{IntoData, Redactions, str};

use crate::common::*;

/// A value that differs on every run, and its placeholder.
type Varies = (&'static str, String);

/// Checks a finished run: exit `code`, nothing on stdout, and exactly `expected` on stderr
/// once the sandbox's home and each of `vary` are redacted.
#[track_caller]
fn pin(sb: &Sandbox, out: Output, code: i32, vary: &[Varies], expected: impl IntoData) {
    let text = stderr(&out);
    out.assert().code(code).stdout("");
    let mut redactions = Redactions::new();
    redactions
        .insert("[HOME]", sb.home.path().display().to_string())
        .unwrap();
    for (placeholder, value) in vary {
        redactions.insert(placeholder, value.clone()).unwrap();
    }
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        // Escaped control characters (`\x1b`) are part of the text, not paths to normalize.
        .normalize_paths(false)
        .redact_with(redactions)
        .eq(text, expected);
}

/// `orqex ARGS` in `sb`, with no key and no server.
fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.cmd().args(args).output().unwrap()
}

/// `orqex checkout create`, every required flag given but the one in `replace` (the flag and
/// its value), plus `extra`, as a dry run: only the flags' checks speak.
fn create_with(sb: &Sandbox, replace: [&str; 2], extra: &[&str]) -> Output {
    let mut args: Vec<&str> = CREATE.to_vec();
    match args.iter().position(|a| *a == replace[0]) {
        Some(i) => args[i + 1] = replace[1],
        None => args.extend(replace),
    }
    sb.cmd()
        .args(&args)
        .args(extra)
        .arg("--dry-run")
        .output()
        .unwrap()
}

/// The address of `server`, as it shows in messages.
fn addr(server: &Server) -> Varies {
    ("[ADDR]", server.addr.to_string())
}

/// The idempotency key orqex generated and sent to `server` with its first request.
fn sent_key(server: &Server) -> Varies {
    let key = server.requests()[0]
        .header("x-idempotency-key")
        .unwrap()
        .to_string();
    ("[KEY]", key)
}

#[test]
fn flags() {
    let sb = Sandbox::new();
    pin(
        &sb,
        run(&sb, &["checkout", "create", "--amout", "5"]),
        2,
        &[],
        str![[r#"
orqex: unexpected argument '--amout' (a similar argument exists: '--amount'); see --help

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "create", "--output", "xml"]),
        2,
        &[],
        str![[r#"
orqex: invalid value 'xml' for '--output <FORMAT>' (possible values: url, id, json, env, status); see --help

"#]],
    );
    // One list of formats, each command taking its own part of it: a word another command
    // takes is refused here, naming only what this command takes.
    for (args, expected) in [
        (
            &["api", "GET", "/payments", "-o", "csv"][..],
            str![[r#"
orqex: invalid value 'csv' for '--output <FORMAT>' (possible values: json, compact, jsonl); see --help

"#]],
        ),
        (
            &["payments", "list", "-o", "url"][..],
            str![[r#"
orqex: invalid value 'url' for '--output <FORMAT>' (possible values: table, jsonl, json, csv, tsv); see --help

"#]],
        ),
        (
            &["payments", "get", "TRX1A2B3C4D", "-o", "table"][..],
            str![[r#"
orqex: invalid value 'table' for '--output <FORMAT>' (possible values: text, json); see --help

"#]],
        ),
        (
            &[
                "checkout",
                "create",
                "--batch",
                "rows.csv",
                "--batch-format",
                "tsv",
            ][..],
            str![[r#"
orqex: invalid value 'tsv' for '--batch-format <FORMAT>' (a similar value exists: 'csv'; possible values: jsonl, csv); see --help

"#]],
        ),
    ] {
        pin(&sb, run(&sb, args), 2, &[], expected);
    }
    pin(
        &sb,
        run(&sb, &["checkout", "create", "--amount"]),
        2,
        &[],
        str![[r#"
orqex: '--amount <AMOUNT>' needs a value; see --help

"#]],
    );
    pin(
        &sb,
        run(
            &sb,
            &["checkout", "create", "--batch", "rows.jsonl", "--wait"],
        ),
        2,
        &[],
        str![[r#"
orqex: '--batch <FILE>' cannot be used with '--wait'; see --help

"#]],
    );
    pin(
        &sb,
        run(
            &sb,
            &["checkout", "create", "--amount", "5", "--amount", "6"],
        ),
        2,
        &[],
        str![[r#"
orqex: --amount is given twice; give it once; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--interval", "1"], &[]),
        2,
        &[],
        str![[r#"
orqex: --interval needs --wait; add --wait, or drop --interval; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--timeout", "0"], &[]),
        2,
        &[],
        str![[r#"
orqex: --timeout `0` is too short; the least is 1ms; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--max-retries", "11"], &[]),
        2,
        &[],
        str![[r#"
orqex: --max-retries `11` is out of range: give 0 to 10; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--concurrency", "0"], &["--batch", "rows.jsonl"]),
        2,
        &[],
        str![[r#"
orqex: --concurrency `0` is out of range: give 1 to 64; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--timeout", "soon"], &[]),
        2,
        &[],
        str![[r#"
orqex: --timeout `soon` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s); see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--timeout", "-5"], &[]),
        2,
        &[],
        str![[r#"
orqex: --timeout `-5` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s); see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--timeout", ""], &[]),
        2,
        &[],
        str![[r#"
orqex: '--timeout <DURATION>' needs a value; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--interval", "1"], &["--wait-timeout", "5m"]),
        2,
        &[],
        str![[r#"
orqex: --interval and --wait-timeout need --wait; add --wait, or drop --interval and --wait-timeout; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--concurrency", "8"], &[]),
        2,
        &[],
        str![[r#"
orqex: --concurrency needs --batch; add --batch <FILE>, or drop --concurrency; see --help

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "get", "--interval", "1"]),
        2,
        &[],
        str![[r#"
orqex: missing '<CHECKOUT_ID|URL>'; --interval needs --wait; add --wait, or drop --interval; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--wait-timeout", "soon"], &["--wait"]),
        2,
        &[],
        str![[r#"
orqex: --wait-timeout `soon` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s); see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--interval", "0.01"], &["--wait"]),
        2,
        &[],
        str![[r#"
orqex: --interval `0.01` is too short; the least is 100ms; see --help

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--output", "url"], &["--json"]),
        2,
        &[],
        str![[r#"
{"status":null,"message":"--json means --output json, which contradicts --output url; keep one of them","errors":{},"request_id":null,"idempotency_key":null,"exit_code":2}

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "get"]),
        2,
        &[],
        str![[r#"
orqex: missing '<CHECKOUT_ID|URL>'; see --help

"#]],
    );
    pin(
        &sb,
        run(&sb, &["man", "checkout", "bogus"]),
        2,
        &[],
        str![[r#"
orqex: `orqex checkout` has no subcommand `bogus`; see `orqex checkout --help`

"#]],
    );
}

#[test]
fn the_amount() {
    let sb = Sandbox::new();
    for (amount, expected) in [
        (
            "abc",
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  amount (--amount): `abc` is not an amount; write a plain decimal in major units, like 50 or 12.5

"#]],
        ),
        (
            "0.5",
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  amount (--amount): `0.5` is below the minimum amount of 1

"#]],
        ),
        (
            "1e3",
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  amount (--amount): `1e3` is not an amount; write a plain decimal in major units, like 50 or 12.5

"#]],
        ),
        (
            "-5",
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  amount (--amount): `-5` is not an amount; write a plain decimal in major units, like 50 or 12.5

"#]],
        ),
    ] {
        pin(
            &sb,
            create_with(&sb, ["--amount", amount], &[]),
            2,
            &[],
            expected,
        );
    }
}

#[test]
fn each_field() {
    let sb = Sandbox::new();
    let cases = [
        (
            ["--currency", "XO"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  currency (--currency): `XO` is not a three-letter ISO 4217 currency code, like XOF

"#]],
        ),
        (
            ["--country", "civ"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.country (--country): `civ` is not a two-letter ISO 3166-1 country code, like CI, SN or GH

"#]],
        ),
        (
            ["--email", "ama@"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.email (--email): `ama@` is not a valid email address, like ama@example.com

"#]],
        ),
        (
            ["--receipt-email", "receipts"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  receipt_email (--receipt-email): `receipts` is not a valid email address, like ama@example.com

"#]],
        ),
        (
            ["--return-url", "shop.example.com/thanks"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  return_url (--return-url): `shop.example.com/thanks` is not an absolute http(s) URL, like https://shop.example.com/thanks

"#]],
        ),
        (
            ["--webhook-url", "http://-/"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  webhook_url (--webhook-url): `http://-/` has no valid host: `-` is not a domain name like shop.example.com, an IPv4 address or an IPv6 address in brackets

"#]],
        ),
        (
            ["--return-url", "http://[::1]:99999/"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  return_url (--return-url): `http://[::1]:99999/` has the port `99999`; give a port from 1 to 65535, or remove `:99999` for the scheme's default

"#]],
        ),
        (
            ["--webhook-url", "https://shop.example.com:0/hooks"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  webhook_url (--webhook-url): `https://shop.example.com:0/hooks` has the port `0`; give a port from 1 to 65535, or remove `:0` for the scheme's default

"#]],
        ),
        (
            ["--return-url", "https://shop.example.com:/thanks"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  return_url (--return-url): `https://shop.example.com:/thanks` has no port after its `:`; remove the `:` or give a port from 1 to 65535

"#]],
        ),
        (
            ["--restrict-country", "Ivory Coast"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  restriction.country_code (--restrict-country): `Ivory Coast` is not a two-letter ISO 3166-1 country code, like CI, SN or GH

"#]],
        ),
        (
            ["--expires-in-minutes", "0"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  expires_in_minutes (--expires-in-minutes): must be at least 1 minute

"#]],
        ),
        (
            ["--expires-in-minutes", "half"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  expires_in_minutes (--expires-in-minutes): `half` is not a whole number of minutes, like 30

"#]],
        ),
        (
            ["--statement-descriptor", "THIS DESCRIPTOR IS TOO LONG"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  statement_descriptor (--statement-descriptor): is 27 characters long; the limit is 22

"#]],
        ),
        (
            ["--idempotency-key", "short"],
            str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  X-Idempotency-Key (--idempotency-key): is 5 characters long; it must be 8 to 128

"#]],
        ),
    ];
    for (flag, expected) in cases {
        pin(&sb, create_with(&sb, flag, &[]), 2, &[], expected);
    }
    let description = "d".repeat(501);
    pin(
        &sb,
        create_with(&sb, ["--description", &description], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  description (--description): is 501 characters long; the limit is 500

"#]],
    );
    pin(
        &sb,
        create_with(
            &sb,
            ["--restrict-phone", "07-abc"],
            &["--restrict-phone-country", "CI"],
        ),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  restriction.phone.number (--restrict-phone): `07-abc` is not a phone number; give the national number, like 0700000000

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--restrict-phone", "0700000000"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  restriction.phone.country (--restrict-phone-country): is required; set it with --restrict-phone-country

"#]],
    );
}

#[test]
fn metadata() {
    let sb = Sandbox::new();
    pin(
        &sb,
        create_with(&sb, ["-m", "novalue"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  metadata (--metadata): `novalue` is not KEY=VALUE; write it like --metadata order_id=1024

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["-m", "=value"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  metadata (--metadata): `=value` is not KEY=VALUE; write it like --metadata order_id=1024

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["-m", "order=1024"], &["-m", "order=1025"]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  metadata.order (--metadata): is given twice (`order=1024`, then `order=1025`); give each key once

"#]],
    );
    let many: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
    let mut extra = Vec::new();
    for m in &many[1..] {
        extra.extend(["-m", m.as_str()]);
    }
    pin(
        &sb,
        create_with(&sb, ["-m", &many[0]], &extra),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  metadata (--metadata): has 11 keys; the limit is 10

"#]],
    );
}

#[test]
fn text_that_would_act_on_a_terminal() {
    let sb = Sandbox::new();
    pin(
        &sb,
        create_with(&sb, ["--first-name", "Ama\u{1b}[2K"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.first_name (--first-name): contains the control character \x1b; remove it (line breaks, tabs and escape codes are not allowed)

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--last-name", "\u{200b}\u{200d}"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.last_name (--last-name): is made only of invisible characters; give visible text

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--city", "Abi\u{202e}djan"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.city (--city): contains the bidirectional control character \u202e, which changes the order text is shown in; remove it

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["-m", "no\nte=x"], &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  metadata.no\nte (--metadata): the key contains the control character \n; remove it (line breaks, tabs and escape codes are not allowed)

"#]],
    );
}

#[test]
fn a_json_body() {
    let sb = Sandbox::new();
    let piped = |input: &[u8]| {
        sb.cmd()
            .args(["checkout", "create", "--dry-run"])
            .write_stdin(input)
            .output()
            .unwrap()
    };
    pin(
        &sb,
        piped(b"{\"amount\": 50,\n \"currency\" \"XOF\"}"),
        2,
        &[],
        str![[r#"
orqex: the JSON on stdin is not valid JSON: expected `:` at line 2 column 13

"#]],
    );
    pin(
        &sb,
        piped(b"[{\"amount\": 50}]"),
        2,
        &[],
        str![[r#"
orqex: the JSON on stdin is an array, not an object; give one checkout request like {"amount": 50, "currency": "XOF", ...}

"#]],
    );
    pin(
        &sb,
        piped(b"{\"description\": \"caf\xE9\"}"),
        2,
        &[],
        str![[r#"
orqex: the JSON on stdin is not valid UTF-8 (line 1, column 21); save it as UTF-8

"#]],
    );
    let mut big = b"{\"description\": \"".to_vec();
    big.resize(1024 * 1024 + 16, b'x');
    pin(
        &sb,
        piped(&big),
        2,
        &[],
        str![[r#"
orqex: the JSON on stdin is larger than 1 MiB; a checkout request is a few hundred bytes, check the input

"#]],
    );
    pin(
        &sb,
        piped(br#"{"amount": 50, "customer": {"emial": "ama@example.com"}}"#),
        2,
        &[],
        str![[r#"
orqex: invalid input: 6 problems; nothing was sent
  customer.emial (stdin): unknown field; did you mean `customer.email`? (--set customer.emial=VALUE sends it as given)
  currency (--currency): is required; set it with --currency
  description (--description): is required; set it with --description
  customer.email (--email): is required; set it with --email
  customer.first_name (--first-name): is required; set it with --first-name
  customer.last_name (--last-name): is required; set it with --last-name

"#]],
    );
    pin(
        &sb,
        piped(br#"{"amount": "50", "currency": "XOF", "description": "d", "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}}"#),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  amount (stdin): must be a number, like 50 (not in quotes); got a string

"#]],
    );
    pin(
        &sb,
        piped(br#"{"amount": 50, "amount": 5000}"#),
        2,
        &[],
        str![[r#"
orqex: the JSON on stdin is not a valid request: duplicate field `amount` at line 1 column 23

"#]],
    );
    let with_key = json!({"description": format!("pay with {KEY}")}).to_string();
    pin(
        &sb,
        piped(with_key.as_bytes()),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  description (stdin): holds what looks like a secret key (sk_sandbox_***fake); a key never goes in a request body

"#]],
    );
    // Flags given: a pipe is left unread, and the error says so.
    let out = sb
        .cmd()
        .args(["checkout", "create", "--amount", "50", "--dry-run"])
        .write_stdin("{}")
        .output()
        .unwrap();
    pin(
        &sb,
        out,
        2,
        &[],
        str![[r#"
orqex: invalid input: 6 problems; nothing was sent
  currency (--currency): is required; set it with --currency
  description (--description): is required; set it with --description
  customer.email (--email): is required; set it with --email
  customer.first_name (--first-name): is required; set it with --first-name
  customer.last_name (--last-name): is required; set it with --last-name
  stdin (--data -): was not read, since flags were given; to merge JSON piped on stdin with the flags, add --data -

"#]],
    );
}

#[test]
fn the_data_flag() {
    let sb = Sandbox::new();
    pin(
        &sb,
        create_with(&sb, ["--data", ""], &[]),
        2,
        &[],
        str![[r#"
orqex: --data needs a value: @FILE to read a file, - to read stdin, or the JSON itself

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--data", "body.json"], &[]),
        2,
        &[],
        str![[r#"
orqex: --data `body.json` is neither JSON nor a source; write --data @body.json to read a file, --data - to read stdin, or --data '{"amount": 50, ...}'

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--data", "@missing.json"], &[]),
        2,
        &[],
        str![[r#"
orqex: --data: cannot read missing.json: no such file

"#]],
    );
    let empty = sb.file("empty.json", "");
    let empty = format!("@{}", empty.display());
    pin(
        &sb,
        create_with(&sb, ["--data", &empty], &[]),
        2,
        &[],
        str![[r#"
orqex: the JSON in [HOME]/empty.json is empty; give one object like {"amount": 50, "currency": "XOF", ...}

"#]],
    );
}

#[test]
fn the_secret_key() {
    let sb = Sandbox::new();
    let server = Server::created("cs_never");
    let with_key = |key: &str| {
        sb.cmd()
            .env("ORQEX_SECRET_KEY", key)
            .env("ORQEX_BASE_URL", server.url())
            .args(["checkout", "get", "cs_abc123"])
            .output()
            .unwrap()
    };
    pin(
        &sb,
        run(&sb, &["checkout", "get", "cs_abc123"]),
        3,
        &[],
        str![[r#"
orqex: no secret key for profile `default`: set ORQEX_SECRET_KEY, or run `orqex login --profile default` (checked ORQEX_SECRET_KEY and [HOME]/config/orqex/config.toml)

"#]],
    );
    pin(
        &sb,
        with_key("pk_test_publishable_0000"),
        2,
        &[],
        str![[r#"
orqex: ORQEX_SECRET_KEY: the secret key must start with `sk_` (sk_live_... or sk_sandbox_...); check that you copied the secret key, not another value

"#]],
    );
    pin(
        &sb,
        with_key("sk_sandbox_a b"),
        2,
        &[],
        str![[r#"
orqex: ORQEX_SECRET_KEY: the secret key contains spaces, control characters or non-ASCII characters; copy it again

"#]],
    );
    pin(
        &sb,
        with_key("sk_sandbox_te\\st_0000_0000_fake"),
        2,
        &[],
        str![[r#"
orqex: ORQEX_SECRET_KEY: the secret key holds a character keys never have (they are letters, digits and `_`); copy it again

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "create", KEY]),
        2,
        &[],
        str![[r#"
orqex: an argument holds what looks like a secret key (sk_sandbox_***fake); keys are never taken from the command line, where `ps` and shell history show them: set ORQEX_SECRET_KEY, or store it with `orqex login`

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--description", KEY], &[]),
        2,
        &[],
        str![[r#"
orqex: --description holds what looks like a secret key (sk_sandbox_***fake); keys are never taken from the command line, where `ps` and shell history show them: remove it if it was pasted there by mistake; to use it, set ORQEX_SECRET_KEY, or store it with `orqex login`

"#]],
    );
    pin(
        &sb,
        create_with(&sb, ["--key", "not-a-key"], &[]),
        2,
        &[],
        str![[r#"
orqex: unexpected argument '--key'; the secret key is never given on the command line (ps would show it): set ORQEX_SECRET_KEY, or store it with `orqex login`; see --help

"#]],
    );
    pin(
        &sb,
        run(&sb, &["login"]),
        2,
        &[],
        str![[r#"
orqex: there is no terminal to type the key in; pipe the key in with --with-key, like: printf '%s\n' "$ORQEX_KEY" | orqex login --with-key

"#]],
    );
    let login = |input: &str| {
        sb.cmd()
            .args(["login", "--with-key"])
            .write_stdin(input)
            .output()
            .unwrap()
    };
    pin(
        &sb,
        login(""),
        2,
        &[],
        str![[r#"
orqex: --with-key got nothing on stdin; pipe the key in, like: printf '%s\n' "$ORQEX_KEY" | orqex login --with-key

"#]],
    );
    pin(
        &sb,
        login("pk_live_notasecret_9999\n"),
        2,
        &[],
        str![[r#"
orqex: stdin: the secret key must start with `sk_` (sk_live_... or sk_sandbox_...); check that you copied the secret key, not another value

"#]],
    );
    pin(
        &sb,
        login("a\nb\n"),
        2,
        &[],
        str![[r#"
orqex: stdin holds more than one line; pipe only the key, on one line

"#]],
    );
    server.assert_hits(0);
}

#[test]
fn profiles_and_the_config_file() {
    let sb = Sandbox::new();
    pin(
        &sb,
        run(&sb, &["--profile", "my live", "checkout", "get", "cs_1"]),
        2,
        &[],
        str![[r#"
orqex: profile (from --profile flag): `my live` is not a usable profile name; use 1 to 64 letters, digits, `-` or `_`, like sandbox or live

"#]],
    );
    let out = sb
        .cmd()
        .env("ORQEX_CONFIG_DIR", "orqex-config")
        .arg("config")
        .output()
        .unwrap();
    pin(
        &sb,
        out,
        2,
        &[],
        str![[r#"
orqex: ORQEX_CONFIG_DIR is a relative path; set it to an absolute one, like "$PWD/orqex-config", so the config file does not depend on the current directory

"#]],
    );
    sb.write_config("[profiles.default]\ncurrency = XOF\n");
    pin(
        &sb,
        run(&sb, &["config"]),
        2,
        &[],
        str![[r#"
orqex: config file [HOME]/config/orqex/config.toml: line 2: string values must be quoted, expected literal string; fix or remove the file

"#]],
    );
    sb.write_config("[profiles.default]\ncolour = \"blue\"\n");
    pin(
        &sb,
        run(&sb, &["config"]),
        2,
        &[],
        str![[r#"
orqex: config file [HOME]/config/orqex/config.toml: line 2: unknown field `colour`, expected one of `secret_key`, `secret_key_store`, `currency`, `base_url`, `ca_bundle`, `webhook_secret`; fix or remove the file

"#]],
    );
    pin(
        &sb,
        run(&sb, &["config", "set", "colour", "blue"]),
        2,
        &[],
        str![[r#"
orqex: invalid value 'colour' for '<KEY>' (possible values: default-profile, currency, base-url, ca-bundle, webhook-secret); see --help

"#]],
    );
    pin(
        &sb,
        run(&sb, &["config", "set", "secret-key", "hunter2"]),
        2,
        &[],
        str![[r#"
orqex: the secret key is not a `config set` setting: store it with `orqex login` (typed hidden, or piped with --with-key)

"#]],
    );
    pin(
        &sb,
        run(&sb, &["config", "unset", "secret_key"]),
        2,
        &[],
        str![[r#"
orqex: the secret key is not a `config unset` setting: remove it with `orqex logout`

"#]],
    );
}

#[test]
fn the_base_url() {
    let sb = Sandbox::new();
    let base_url = |url: &str| {
        sb.cmd()
            .env("ORQEX_SECRET_KEY", KEY)
            .env("ORQEX_BASE_URL", url)
            .args(["checkout", "get", "cs_abc123"])
            .output()
            .unwrap()
    };
    pin(
        &sb,
        base_url("http://api.orqex.com/v1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `http://api.orqex.com/v1` uses plain http to a non-loopback host, which would send the key in clear text; use https

"#]],
    );
    pin(
        &sb,
        base_url("https://api.orqex.com/v1?x=1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `https://api.orqex.com/v1?x=1` has a query or fragment; give only scheme, host, port and path, like https://api.orqex.com/v1

"#]],
    );
    pin(
        &sb,
        base_url("https://user:hunter2@api.orqex.com/v1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: the base URL has a user name or password in it; give only scheme, host, port and path, like https://api.orqex.com/v1

"#]],
    );
    pin(
        &sb,
        base_url("https://api.orqex.com:0/v1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `https://api.orqex.com:0/v1` has the port `0`; give a port from 1 to 65535, or remove `:0` for the scheme's default

"#]],
    );
    pin(
        &sb,
        base_url("https://[::1]:65536/v1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `https://[::1]:65536/v1` has the port `65536`; give a port from 1 to 65535, or remove `:65536` for the scheme's default

"#]],
    );
    pin(
        &sb,
        base_url("https://api.orqex.com:/v1"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `https://api.orqex.com:/v1` has no port after its `:`; remove the `:` or give a port from 1 to 65535

"#]],
    );
    // Stored with `config set`, the same words.
    pin(
        &sb,
        run(
            &sb,
            &[
                "config",
                "set",
                "base-url",
                "https://api.orqex.com:99999/v1",
            ],
        ),
        2,
        &[],
        str![[r#"
orqex: base-url: `https://api.orqex.com:99999/v1` has the port `99999`; give a port from 1 to 65535, or remove `:99999` for the scheme's default

"#]],
    );
    pin(
        &sb,
        base_url("https://-/"),
        2,
        &[],
        str![[r#"
orqex: base URL from environment variable ORQEX_BASE_URL: `https://-/` has no valid host: `-` is not a domain name like shop.example.com, an IPv4 address or an IPv6 address in brackets

"#]],
    );
}

#[test]
fn a_batch() {
    let sb = Sandbox::new();
    let batch = |file: &str, extra: &[&str]| {
        sb.cmd()
            .args(["checkout", "create", "--batch", file, "--dry-run"])
            .args(extra)
            .output()
            .unwrap()
    };
    let twice = sb.file("twice.csv", "amount, amount\n50,50\n");
    pin(
        &sb,
        batch(twice.to_str().unwrap(), &[]),
        2,
        &[],
        str![[r#"
orqex: the CSV header names `amount` twice (columns 1 and 2); give each field one column

"#]],
    );
    let unknown = sb.file("unknown.csv", "amount,customer.emial\n50,a@example.com\n");
    pin(
        &sb,
        batch(unknown.to_str().unwrap(), &[]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  customer.emial (CSV header): unknown field; did you mean `customer.email`? (--allow-unknown sends it as given)

"#]],
    );
    let long_key = "k".repeat(128);
    let rows = sb.file("rows.jsonl", ONE_ROW);
    pin(
        &sb,
        batch(rows.to_str().unwrap(), &["--idempotency-key", &long_key]),
        2,
        &[],
        str![[r#"
orqex: invalid input: 1 problem; nothing was sent
  X-Idempotency-Key (--idempotency-key): is 128 characters long; with --batch it must be at most 115 so each row's key (KEY-ROW) stays within 128

"#]],
    );
    pin(
        &sb,
        batch(sb.home.path().to_str().unwrap(), &[]),
        2,
        &[],
        str![[r#"
orqex: --batch: [HOME] is a directory; give a JSON Lines or CSV file, or - for stdin

"#]],
    );
    pin(
        &sb,
        batch("/nonexistent/rows.jsonl", &[]),
        2,
        &[],
        str![[r#"
orqex: --batch: cannot read /nonexistent/rows.jsonl: no such file

"#]],
    );
    pin(
        &sb,
        run(
            &sb,
            &["checkout", "create", "--batch", "rows.jsonl", "--qr"],
        ),
        2,
        &[],
        str![[r#"
orqex: '--batch <FILE>' cannot be used with '--qr'; see --help

"#]],
    );
    // Accepted and ignored, a --jq would let a script believe it filtered the rows.
    pin(
        &sb,
        run(
            &sb,
            &["checkout", "create", "--batch", "rows.jsonl", "--jq", ".id"],
        ),
        2,
        &[],
        str![[r#"
orqex: '--batch <FILE>' cannot be used with '--jq <EXPR>': a batch prints one JSON line per row already; drop --jq, and filter the rows with jq if needed; see --help

"#]],
    );
}

#[test]
fn a_checkout_id() {
    let sb = Sandbox::new();
    let server = Server::created("cs_never");
    let get = |id: &str| {
        sb.cmd_for(&server)
            .args(["checkout", "get", id])
            .output()
            .unwrap()
    };
    pin(
        &sb,
        get("../refunds"),
        2,
        &[],
        str![[r#"
orqex: CHECKOUT_ID `../refunds` is not a checkout id: use the id `checkout create --output id` prints, like cs_abc123 (letters, digits, `_` and `-`)

"#]],
    );
    pin(
        &sb,
        get("cs 1"),
        2,
        &[],
        str![[r#"
orqex: CHECKOUT_ID `cs 1` is not a checkout id: use the id `checkout create --output id` prints, like cs_abc123 (letters, digits, `_` and `-`)

"#]],
    );
    pin(
        &sb,
        get(KEY),
        2,
        &[],
        str![[r#"
orqex: an argument holds what looks like a secret key (sk_sandbox_***fake); keys are never taken from the command line, where `ps` and shell history show them: set ORQEX_SECRET_KEY, or store it with `orqex login`

"#]],
    );
    server.assert_hits(0);
}

/// `orqex checkout create` (all required flags) and `extra`, against `server`.
fn create_against(sb: &Sandbox, server: &Server, extra: &[&str]) -> Output {
    sb.create(server).args(extra).output().unwrap()
}

#[test]
fn what_the_api_answers() {
    let sb = Sandbox::new();
    let answering = |status: u16, body: serde_json::Value| {
        Server::start(move |_, _| Reply::json(status, body.clone()))
    };

    let server = answering(401, json!({"message": "Invalid API key"}));
    pin(
        &sb,
        create_against(&sb, &server, &[]),
        3,
        &[],
        str![[r#"
orqex: the API answered 401: Invalid API key (request id req_test_0001)
  check the key: set ORQEX_SECRET_KEY or run `orqex login`

"#]],
    );
    let server = answering(403, json!({"message": "Forbidden"}));
    pin(
        &sb,
        create_against(&sb, &server, &[]),
        3,
        &[],
        str![[r#"
orqex: the API answered 403: Forbidden (request id req_test_0001)
  the key is valid but not allowed to do this: check it is the right project's key, and live or sandbox as intended (`orqex config` shows which is in use)

"#]],
    );
    let server = answering(404, json!({"message": "Checkout session not found."}));
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_nope"])
        .output()
        .unwrap();
    pin(
        &sb,
        out,
        4,
        &[],
        str![[r#"
orqex: the API answered 404: Checkout session not found. (request id req_test_0001)
  the key in use is sk_sandbox_***fake, a sandbox key: a live checkout is found only with a live key

"#]],
    );
    let server = answering(
        422,
        json!({"message": "The given data was invalid.",
               "errors": {"customer.email": ["The email is not deliverable."],
                          "currency": ["Unsupported currency.", "Try XOF."]}}),
    );
    pin(
        &sb,
        create_against(&sb, &server, &[]),
        4,
        &[],
        str![[r#"
orqex: the API answered 422: The given data was invalid. (request id req_test_0001)
  customer.email: The email is not deliverable.
  currency: Unsupported currency.
  currency: Try XOF.

"#]],
    );
    let server = answering(
        409,
        json!({"message": "Idempotency key reused with another body"}),
    );
    pin(
        &sb,
        create_against(&sb, &server, &["--idempotency-key", "order-1024-a"]),
        4,
        &[],
        str![[r#"
orqex: the API answered 409: Idempotency key reused with another body (request id req_test_0001)
  the idempotency key was used before with another body: to get that checkout, run the first command again unchanged; for a new checkout, give a new --idempotency-key

"#]],
    );
    let server = Server::start(|_, _| {
        Reply::text(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        )
    });
    let out = create_against(&sb, &server, &["--max-retries", "0"]);
    pin(
        &sb,
        out,
        5,
        &[sent_key(&server)],
        str![[r#"
orqex: the API answered 502: Bad Gateway, with an HTML page instead of the API's JSON (a proxy or gateway may be in the way) (request id req_test_0001)
  the checkout may or may not exist; retry safely with: --idempotency-key [KEY]

"#]],
    );
    let server = answering(503, json!({"message": "Service Unavailable"}));
    let out = create_against(&sb, &server, &["--max-retries", "0"]);
    pin(
        &sb,
        out,
        5,
        &[sent_key(&server)],
        str![[r#"
orqex: the API answered 503: Service Unavailable (request id req_test_0001)
  the checkout may or may not exist; retry safely with: --idempotency-key [KEY]

"#]],
    );
    let server = Server::start(|_, _| Reply::Status {
        status: 307,
        headers: vec![("Location".into(), "https://elsewhere.example/v1".into())],
        body: Vec::new(),
    });
    let out = create_against(&sb, &server, &[]);
    pin(
        &sb,
        out,
        1,
        &[sent_key(&server)],
        str![[r#"
orqex: the API answered 307: redirect to https://elsewhere.example/v1 not followed (only a GET follows a redirect: a write could run twice, or carry the key elsewhere); check ORQEX_BASE_URL (request id req_test_0001)
  the checkout may or may not exist; retry safely with: --idempotency-key [KEY]

"#]],
    );
    // `orqex api` says the same, with its own retry hint (any request, not a checkout) alone.
    let api_post = |server: &Server| {
        sb.cmd_for(server)
            .args(["api", "POST", "/payment/intents", "--data", "{}"])
            .args(["--max-retries", "0"])
            .output()
            .unwrap()
    };
    let server = Server::start(|_, _| Reply::Status {
        status: 307,
        headers: vec![("Location".into(), "https://elsewhere.example/v1".into())],
        body: Vec::new(),
    });
    let out = api_post(&server);
    pin(
        &sb,
        out,
        1,
        &[sent_key(&server)],
        str![[r#"
orqex: the API answered 307: redirect to https://elsewhere.example/v1 not followed (only a GET follows a redirect: a write could run twice, or carry the key elsewhere); check ORQEX_BASE_URL (request id req_test_0001)
  the request may or may not have been done; retry safely with the same command and --idempotency-key [KEY]

"#]],
    );
    let server = answering(503, json!({"message": "Service Unavailable"}));
    let out = api_post(&server);
    pin(
        &sb,
        out,
        5,
        &[sent_key(&server)],
        str![[r#"
orqex: the API answered 503: Service Unavailable (request id req_test_0001)
  the request may or may not have been done; retry safely with the same command and --idempotency-key [KEY]

"#]],
    );
}

#[test]
fn the_network() {
    let sb = Sandbox::new();
    let dead = dead_url();
    let out = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", &dead)
        .args(CREATE)
        .args(["--max-retries", "0"])
        .output()
        .unwrap();
    let dead_addr = dead.trim_start_matches("http://").trim_end_matches("/v1");
    pin(
        &sb,
        out,
        6,
        &[("[ADDR]", dead_addr.into())],
        str![[r#"
orqex: cannot connect to [ADDR]: connection refused; nothing was sent, so nothing was created (the API's address is from environment variable ORQEX_BASE_URL)

"#]],
    );
    let server = Server::start(|_, _| Reply::Close);
    let out = create_against(&sb, &server, &["--max-retries", "0"]);
    pin(
        &sb,
        out,
        6,
        &[addr(&server), sent_key(&server)],
        str![[r#"
orqex: [ADDR] closed the connection without a complete answer
  the checkout may or may not exist; retry safely with: --idempotency-key [KEY]

"#]],
    );
}

#[cfg(unix)]
#[test]
fn a_closed_stdout() {
    let sb = Sandbox::new();
    let server = Server::created("cs_closed");
    let out = sh(&sb.create(&server), r#"exec "$0" "$@" >&-"#)
        .output()
        .unwrap();
    pin(
        &sb,
        out,
        1,
        &[],
        str![[r#"
orqex: stdout is closed (>&-), so the answer could not be shown; nothing was sent: run again with stdout open, or redirect it to a file

"#]],
    );
    server.assert_hits(0);
}

#[test]
fn as_json_lines() {
    let sb = Sandbox::new();
    pin(
        &sb,
        run(&sb, &["checkout", "get", "cs_1", "--bogus", "--json"]),
        2,
        &[],
        str![[r#"
{"status":null,"message":"unexpected argument '--bogus' (to pass '--bogus' as a value, use '-- --bogus'); see --help","errors":{},"request_id":null,"idempotency_key":null,"exit_code":2}

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "create", "--amount", "abc", "--json"]),
        2,
        &[],
        str![[r#"
{"status":null,"message":"invalid input: 6 problems; nothing was sent","errors":{"amount":["`abc` is not an amount; write a plain decimal in major units, like 50 or 12.5"],"currency":["is required; set it with --currency"],"description":["is required; set it with --description"],"customer.email":["is required; set it with --email"],"customer.first_name":["is required; set it with --first-name"],"customer.last_name":["is required; set it with --last-name"]},"request_id":null,"idempotency_key":null,"exit_code":2}

"#]],
    );
    pin(
        &sb,
        run(&sb, &["checkout", "get", "cs_1", "-o", "json"]),
        3,
        &[],
        str![[r#"
{"status":null,"message":"no secret key for profile `default`: set ORQEX_SECRET_KEY, or run `orqex login --profile default` (checked ORQEX_SECRET_KEY and [HOME]/config/orqex/config.toml)","errors":{},"request_id":null,"idempotency_key":null,"exit_code":3}

"#]],
    );
    let server = Server::start(|_, _| {
        Reply::json(
            422,
            json!({"message": "The given data was invalid.",
                   "errors": {"customer.email": ["The email is not deliverable."]}}),
        )
        .with_header("X-Request-Id", "req_422")
    });
    pin(
        &sb,
        create_against(
            &sb,
            &server,
            &["--json", "--idempotency-key", "order-1024-a"],
        ),
        4,
        &[],
        str![[r#"
{"status":422,"message":"The given data was invalid.","errors":{"customer.email":["The email is not deliverable."]},"request_id":"req_422","idempotency_key":"order-1024-a","exit_code":4}

"#]],
    );
}
