//! Prompts through a real pseudo-terminal (expectrl): what is asked, what is sent, and that
//! Ctrl-C, Ctrl-D and a "no" send nothing and leave the terminal as it was.
#![cfg(unix)]

use expectrl::ControlCode;
use serde_json::json;

use crate::common::pty::*;
use crate::common::*;

/// `orqex ARGS` on a pseudo-terminal with `key`, pointed at `server`.
fn spawn(sb: &Sandbox, server: &Server, key: &str, args: &[&str]) -> Pty {
    let mut orqex = sb.cmd_for(server);
    orqex.env("ORQEX_SECRET_KEY", key).args(args);
    spawn_cmd(orqex)
}

/// Expects `text` on the terminal, waits for orqex to read, then types `answer` and Enter.
fn answer(p: &mut Pty, text: &str, answer: &str) {
    p.expect(text);
    p.wait_for_raw();
    p.send(format!("{answer}\r"));
}

/// Expects `text`, waits for orqex to read, then presses `key` alone.
fn key(p: &mut Pty, text: &str, key: &str) {
    p.expect(text);
    p.wait_for_raw();
    p.send(key);
}

const AMOUNT: &str = "Amount, in major units";
const CURRENCY: &str = "Currency, ISO 4217";
const DESCRIPTION: &str = "Description shown to the customer";
const EMAIL: &str = "Customer email";
const FIRST: &str = "Customer first name";
const LAST: &str = "Customer last name";
const OPTIONAL: &str = "Add optional fields";

/// The questions behind "Add optional fields", in the order they are asked (then metadata).
const OPTIONAL_FIELDS: [&str; 13] = [
    "Customer street address",
    "Customer city",
    "Customer state or region",
    "Customer country",
    "Customer postal code",
    "Return URL",
    "Webhook URL",
    "Statement descriptor",
    "Receipt email",
    "Only allow payers from",
    "Checkout colour",
    "Label shown",
    "Minutes the checkout stays open",
];

/// Waits for orqex to end with `code` (as a shell shows it), having said `said` if given,
/// sent nothing to `server`, and left the terminal as it was.
fn ends_sending_nothing(mut p: Pty, server: &Server, code: i32, said: Option<&str>) {
    let (out, status) = p.finish();
    assert_eq!(status, code, "{out}");
    if let Some(said) = said {
        assert!(out.contains(said), "{said:?} not in: {out}");
    }
    server.assert_hits(0);
    assert_terminal_restored(&p, &out);
}

/// Types the six required answers of `common::CREATE`.
fn answer_required(p: &mut Pty) {
    answer(p, AMOUNT, "50");
    answer(p, CURRENCY, "xof");
    answer(p, DESCRIPTION, "Order 1024");
    answer(p, EMAIL, "ama@example.com");
    answer(p, FIRST, "Ama");
    answer(p, LAST, "Mensah");
}

#[test]
fn filling_every_prompt_creates_exactly_one_checkout_with_the_typed_values() {
    let server = Server::created("cs_prompted");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer_required(&mut p);
    key(&mut p, OPTIONAL, "n\r");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("https://pay.orqex.com/c/cs_prompted"), "{out}");
    let req = server.only_request();
    assert_eq!(req.body_text(), create_body().to_string());
    assert_terminal_restored(&p, &out);
}

#[test]
fn only_missing_fields_are_asked_and_flags_keep_their_values() {
    let server = Server::created("cs_partly");
    let sb = Sandbox::new();
    let mut p = spawn(
        &sb,
        &server,
        KEY,
        &[
            "checkout",
            "create",
            "--amount",
            "12.50",
            "--currency",
            "XOF",
            "--description",
            "Order 1024",
            "--first-name",
            "Ama",
        ],
    );
    answer(&mut p, EMAIL, "ama@example.com");
    answer(&mut p, LAST, "Mensah");
    key(&mut p, OPTIONAL, "\r"); // Enter takes the default: no.
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    for asked in [AMOUNT, CURRENCY, DESCRIPTION, FIRST] {
        assert!(!out.contains(asked), "{asked} was asked: {out}");
    }
    assert!(
        server
            .only_request()
            .body_text()
            .starts_with(r#"{"amount":12.50,"currency":"XOF","#)
    );
}

#[test]
fn a_bad_answer_is_asked_again_with_the_validation_message() {
    let server = Server::created("cs_again");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer(&mut p, AMOUNT, "abc");
    p.expect("`abc` is not an amount; write a plain decimal in major units, like 50 or 12.5");
    answer(&mut p, AMOUNT, "0");
    p.expect("`0` is below the minimum amount of 1");
    answer(&mut p, AMOUNT, "50");
    answer(&mut p, CURRENCY, "XO");
    p.expect("is not a three-letter ISO 4217 currency code");
    answer(&mut p, CURRENCY, "XOF");
    answer(&mut p, DESCRIPTION, "");
    p.expect("an answer is required");
    answer(&mut p, DESCRIPTION, "Order 1024");
    answer(&mut p, EMAIL, "ama@");
    p.expect("`ama@` is not a valid email address");
    answer(&mut p, EMAIL, "ama@example.com");
    answer(&mut p, FIRST, "Ama");
    answer(&mut p, LAST, "Mensah");
    key(&mut p, OPTIONAL, "n\r");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert_eq!(server.only_request().json(), create_body());
}

#[test]
fn optional_fields_come_behind_one_question_and_can_be_skipped() {
    let server = Server::created("cs_optional");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer_required(&mut p);
    key(&mut p, OPTIONAL, "y\r");
    answer(&mut p, "Customer street address", "");
    answer(&mut p, "Customer city", "Abidjan");
    answer(&mut p, "Customer state or region", "");
    answer(&mut p, "Customer country", "civ");
    p.expect("is not a two-letter ISO 3166-1 country code");
    answer(&mut p, "Customer country", "ci");
    for label in [
        "Customer postal code",
        "Return URL",
        "Webhook URL",
        "Statement descriptor",
        "Receipt email",
    ] {
        answer(&mut p, label, "");
    }
    for label in ["Only allow payers from", "Checkout colour", "Label shown"] {
        answer(&mut p, label, "");
    }
    answer(&mut p, "Minutes the checkout stays open", "30");
    answer(&mut p, "Metadata KEY=VALUE", "order_id=1024");
    answer(&mut p, "Metadata KEY=VALUE", "oops");
    p.expect("`oops` is not KEY=VALUE");
    answer(&mut p, "Metadata KEY=VALUE", "");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        server.only_request().json(),
        json!({
            "amount": 50,
            "currency": "XOF",
            "description": "Order 1024",
            "customer": {"email": "ama@example.com", "first_name": "Ama", "last_name": "Mensah",
                         "city": "Abidjan", "country": "CI"},
            "metadata": {"order_id": "1024"},
            "expires_in_minutes": 30
        })
    );
}

#[test]
fn live_key_confirmation_answered_no_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, LIVE_KEY, CREATE);
    p.expect("This creates a LIVE checkout");
    p.expect("amount       50 XOF");
    p.expect("description  Order 1024");
    p.expect("customer     Ama Mensah <ama@example.com>");
    p.expect(&format!("environment  live (key {LIVE_KEY_MASKED})"));
    key(&mut p, "Create this live checkout? [y/N]", "n\r");
    let (out, code) = p.finish();
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("orqex: not confirmed; nothing was sent"),
        "{out}"
    );
    server.assert_hits(0);
    assert!(!out.contains("0000_0000"), "key leaked: {out}");
    assert_terminal_restored(&p, &out);
}

#[test]
fn live_key_confirmation_answered_yes_sends_once() {
    let server = Server::created("cs_live");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, LIVE_KEY, CREATE);
    key(&mut p, "Create this live checkout?", "y\r");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("https://pay.orqex.com/c/cs_live"), "{out}");
    assert_eq!(server.only_request().json(), create_body());
}

#[test]
fn yes_skips_the_live_question_but_still_says_live() {
    let server = Server::created("cs_live_yes");
    let sb = Sandbox::new();
    let mut args = CREATE.to_vec();
    args.push("--yes");
    let mut p = spawn(&sb, &server, LIVE_KEY, &args);
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("Create this live checkout"), "{out}");
    assert!(
        out.contains(&format!(
            "using a live key ({LIVE_KEY_MASKED}): this creates a real checkout"
        )),
        "{out}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn dry_run_with_a_live_key_never_asks() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut args = CREATE.to_vec();
    args.push("--dry-run");
    let mut p = spawn(&sb, &server, LIVE_KEY, &args);
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("Create this live checkout"), "{out}");
    assert!(out.contains("\"amount\": 50"), "{out}");
    server.assert_hits(0);
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_and_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer(&mut p, AMOUNT, "50");
    p.expect(CURRENCY);
    p.wait_for_raw();
    p.send("XO");
    p.send(ControlCode::EndOfText);
    ends_sending_nothing(
        p,
        &server,
        130,
        Some("orqex: interrupted; nothing was sent or saved"),
    );
}

#[test]
fn ctrl_c_at_the_live_question_exits_130_and_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, LIVE_KEY, CREATE);
    key(&mut p, "Create this live checkout?", "\x03");
    ends_sending_nothing(p, &server, 130, None);
}

#[test]
fn ctrl_d_at_a_prompt_exits_2_and_sends_nothing() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    p.expect(AMOUNT);
    p.wait_for_raw();
    p.send(ControlCode::EndOfTransmission);
    ends_sending_nothing(
        p,
        &server,
        2,
        Some("orqex: end of input (Ctrl-D) at a prompt; nothing was sent"),
    );
}

#[test]
fn no_prompt_with_ci_set_or_no_input_even_at_a_terminal() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let args = ["checkout", "create", "--amount", "50"];
    let mut no_input = sb.cmd_for(&server);
    no_input.args(args).arg("--no-input");
    // CI set to anything, even empty, turns prompts off.
    let mut ci = sb.cmd_for(&server);
    ci.args(args).env("CI", "");
    for cmd in [no_input, ci] {
        let mut p = spawn_cmd(cmd);
        let (out, code) = p.finish();
        assert_eq!(code, 2, "{out}");
        assert!(!out.contains(CURRENCY), "asked: {out}");
        assert!(
            out.contains("invalid input: 5 problems; nothing was sent"),
            "{out}"
        );
        assert!(
            out.contains("customer.email (--email): is required; set it with --email"),
            "{out}"
        );
    }
    server.assert_hits(0);
}

#[test]
fn no_key_is_reported_before_any_question() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut orqex = sb.cmd();
    orqex
        .env("ORQEX_BASE_URL", server.url())
        .args(["checkout", "create"]);
    let mut p = spawn_cmd(orqex);
    let (out, code) = p.finish();
    assert_eq!(code, 3, "{out}");
    assert!(!out.contains(AMOUNT), "{out}");
}

#[test]
fn sigint_from_outside_at_a_prompt_also_exits_130_and_restores_the_terminal() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer(&mut p, AMOUNT, "50");
    p.expect(CURRENCY);
    p.wait_for_raw();
    p.session
        .get_process_mut()
        .kill(expectrl::process::unix::Signal::SIGINT)
        .unwrap();
    ends_sending_nothing(
        p,
        &server,
        130,
        Some("orqex: interrupted; nothing was sent or saved"),
    );
}

#[test]
fn a_bad_flag_is_reported_before_any_question() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let mut p = spawn(
        &sb,
        &server,
        KEY,
        &["checkout", "create", "--amount", "abc", "-m", "novalue"],
    );
    let (out, code) = p.finish();
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains(CURRENCY), "asked: {out}");
    assert!(
        out.contains("invalid input: 2 problems; nothing was sent"),
        "{out}"
    );
    assert!(
        out.contains("amount (--amount): `abc` is not an amount"),
        "{out}"
    );
    assert!(out.contains("metadata (--metadata)"), "{out}");
    server.assert_hits(0);
}

#[test]
fn ctrl_c_at_the_hidden_login_prompt_exits_130_and_stores_nothing() {
    let sb = Sandbox::new();
    let mut orqex = sb.cmd();
    orqex.args(["login", "--insecure-storage", "--no-verify"]);
    let mut p = spawn_cmd(orqex);
    p.expect("(input hidden)");
    p.wait_for_raw();
    p.send("sk_sandbox_half_typed");
    p.send(ControlCode::EndOfText);
    let (out, code) = p.finish();
    assert_eq!(code, 130, "{out}");
    assert!(out.contains("orqex: interrupted"), "{out}");
    assert!(!out.contains("half_typed"), "typed key shown: {out}");
    assert!(!sb.config_dir().join("config.toml").exists());
    assert_terminal_restored(&p, &out);
}

// ---- login: the key typed hidden ----

#[test]
fn login_asks_for_the_key_hidden_and_stores_it() {
    let sb = Sandbox::new();
    let mut orqex = sb.cmd();
    // The config file on purpose: no real keychain is touched (keyring.rs tests those).
    orqex.args([
        "login",
        "--insecure-storage",
        "--no-verify",
        "--profile",
        "sandbox",
    ]);
    let mut p = spawn_cmd(orqex);
    // A wrong value first: refused, asked again, never shown.
    answer(
        &mut p,
        "Secret key for profile `sandbox` (input hidden)",
        "pk_live_notasecret_9999",
    );
    p.expect("must start with `sk_`");
    answer(&mut p, "(input hidden)", KEY);
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(KEY), "key echoed: {out}");
    assert!(!out.contains("test_0000"), "key part echoed: {out}");
    assert!(!out.contains("notasecret"), "wrong value echoed: {out}");
    assert!(
        out.contains(&format!(
            "saved sandbox key {KEY_MASKED} to profile `sandbox`"
        )),
        "{out}"
    );
    let path = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("[profiles.sandbox]\nsecret_key = \"{KEY}\"\n")),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_terminal_restored(&p, &out);
}

#[test]
fn login_does_not_prompt_under_ci_even_at_a_terminal() {
    let sb = Sandbox::new();
    let mut orqex = sb.cmd();
    orqex.arg("login").env("CI", "true");
    let (out, code) = spawn_cmd(orqex).finish();
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("CI is set, so orqex asks nothing; pipe the key in with --with-key"),
        "{out}"
    );
}

#[test]
fn login_with_key_refuses_a_terminal_on_stdin() {
    let sb = Sandbox::new();
    let mut orqex = sb.cmd();
    orqex.args(["login", "--with-key"]);
    let (out, code) = spawn_cmd(orqex).finish();
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("--with-key reads the key from a pipe, but stdin is a terminal"),
        "{out}"
    );
}

#[test]
fn a_secret_key_typed_at_any_question_is_refused_there_and_asked_again() {
    let server = Server::created("cs_asked_again");
    let sb = Sandbox::new();
    let refused = format!(
        "holds what looks like a secret key ({KEY_MASKED}); a key never goes in a request body"
    );
    let mut p = spawn(&sb, &server, KEY, &["checkout", "create"]);
    answer(&mut p, AMOUNT, "50");
    answer(&mut p, CURRENCY, "xof");
    answer(&mut p, DESCRIPTION, KEY);
    p.expect(&refused);
    answer(&mut p, DESCRIPTION, "Order 1024");
    answer(&mut p, EMAIL, "ama@example.com");
    answer(&mut p, FIRST, "Ama");
    answer(&mut p, LAST, "Mensah");
    key(&mut p, OPTIONAL, "y\r");
    for label in OPTIONAL_FIELDS {
        answer(&mut p, label, "");
    }
    answer(&mut p, "Metadata KEY=VALUE", &format!("note={KEY}"));
    p.expect(&refused);
    answer(&mut p, "Metadata KEY=VALUE", "");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    assert_eq!(server.only_request().json(), create_body());
}

#[test]
fn a_yes_is_a_word_and_lines_can_be_edited() {
    let server = Server::created("cs_words");
    let sb = Sandbox::new();
    let mut p = spawn(
        &sb,
        &server,
        KEY,
        &[
            "checkout",
            "create",
            "--amount",
            "50",
            "--currency",
            "XOF",
            "--first-name",
            "Ama",
            "--last-name",
            "Mensah",
        ],
    );
    // Typed with a mistake, mended with the arrows and Ctrl-W.
    answer(&mut p, DESCRIPTION, "Order 1O24\x171024");
    answer(
        &mut p,
        EMAIL,
        &format!("ama@exmple.com{}a", "\x1b[D".repeat(8)),
    );
    // A whole word, not its first key: nothing of it is left for the next question.
    key(&mut p, OPTIONAL, "yes\r");
    answer(&mut p, OPTIONAL_FIELDS[0], "12 Rue");
    for label in &OPTIONAL_FIELDS[1..] {
        answer(&mut p, label, "");
    }
    answer(&mut p, "Metadata KEY=VALUE", "");
    let (out, code) = p.finish();
    assert_eq!(code, 0, "{out}");
    let body = server.only_request().json();
    assert_eq!(body["description"], "Order 1024");
    assert_eq!(body["customer"]["email"], "ama@example.com");
    assert_eq!(body["customer"]["address"], "12 Rue");
}
