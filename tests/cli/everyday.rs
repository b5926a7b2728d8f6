//! Everyday use: what a newcomer trying every README example ran into.

use serde_json::json;

use crate::common::*;

#[test]
fn batch_lines_say_where_each_row_is_in_the_file() {
    let sb = Sandbox::new();
    let row = r#"{"amount": 5, "currency": "XOF", "description": "d", "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}}"#;
    let jsonl = sb.file("rows.jsonl", format!("{row}\n\n\n{row}\n"));
    let csv = sb.file(
        "rows.csv",
        "amount,currency,description,customer.email,customer.first_name,customer.last_name\n5,XOF,d,a@example.com,A,B\n\"7\",XOF,\"two\nlines\",a@example.com,A,B\n9,XOF,d,bad,A,B\n",
    );
    for (file, expected) in [
        (&jsonl, [(1, 1), (2, 4)].to_vec()),
        (&csv, [(1, 2), (2, 3), (3, 5)].to_vec()),
    ] {
        let assert = dry_run_batch(&sb, file).assert();
        let out = assert.get_output();
        let places: Vec<(u64, u64)> = json_lines(out)
            .iter()
            .map(|l| (l["row"].as_u64().unwrap(), l["line"].as_u64().unwrap()))
            .collect();
        assert_eq!(places, expected, "{}", stdout(out));
    }
}

/// `checkout create --dry-run --batch FILE`.
fn dry_run_batch(sb: &Sandbox, file: &std::path::Path) -> std::process::Command {
    let mut cmd = sb.cmd();
    cmd.args(["checkout", "create", "--dry-run", "--batch"])
        .arg(file);
    cmd
}

#[test]
fn a_404_says_which_key_was_used() {
    let server = Server::start(|_, _| Reply::json(404, json!({"message": "Not found."})));
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args(["checkout", "get", "https://pay.orqex.com/c/cs_elsewhere"])
        .assert()
        .code(4)
        .stderr(predicate::str::ends_with(format!(
            "  the key in use is {KEY_MASKED}, a sandbox key: a live checkout is found only with a live key\n"
        )));
    // The id was taken from the URL's last path segment.
    assert_eq!(
        server.only_request().path,
        "/v1/payment/checkouts/cs_elsewhere"
    );
}

#[test]
fn output_status_prints_the_status_word() {
    let server = Server::start(|_, _| {
        Reply::json(200, checkout_with_status("cs_1", "completed", "completed"))
    });
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args(["checkout", "get", "cs_1", "--output", "status"])
        .assert()
        .code(0)
        .stdout("completed\n");
    // An answer without a status is a broken one.
    let body = checkout_without_status("cs_2");
    let server = Server::start(move |_, _| Reply::json(200, body.clone()));
    sb.cmd_for(&server)
        .args(["checkout", "get", "cs_2", "-o", "status"])
        .assert()
        .code(6)
        .stderr(contains("the response has no data.checkout.status"));
}

#[test]
fn customer_flags_answer_to_their_json_path_names() {
    let sb = Sandbox::new();
    let assert = sb
        .cmd()
        .args([
            "checkout",
            "create",
            "--dry-run",
            "--amount",
            "5",
            "--currency",
            "XOF",
            "--description",
            "d",
            "--customer-email",
            "a@example.com",
            "--customer-first-name",
            "A",
            "--customer-last-name",
            "B",
            "--customer-city",
            "Abidjan",
            "--customer-country",
            "ci",
            "--customer-zip",
            "00225",
            "--customer-address",
            "1 Rue",
            "--customer-state",
            "Lagunes",
        ])
        .assert()
        .code(0);
    let body = stdout_json(assert.get_output());
    assert_eq!(
        body["customer"],
        json!({"email": "a@example.com", "first_name": "A", "last_name": "B", "address": "1 Rue",
               "city": "Abidjan", "state": "Lagunes", "country": "CI", "zip": "00225"})
    );
}

#[test]
fn a_profile_named_but_not_in_the_file_is_said() {
    let server = Server::created("cs_1");
    let sb = Sandbox::new();
    sb.write_private_config(
        "[profiles.ci]\ncurrency = \"XOF\"\n\n[profiles.default]\ncurrency = \"GHS\"\n",
    );
    sb.cmd_for(&server)
        .args(["--profile", "nosuch"])
        .args(CREATE)
        .assert()
        .code(0)
        .stderr(
            "orqex: warning: profile `nosuch` is not in the config file (it has ci, default); going on without profile settings\n",
        );

    // config set on a profile named on purpose says it made it, and what it lacks.
    sb.cmd()
        .args(["config", "set", "currency", "XOF", "--profile", "typo"])
        .assert()
        .code(0)
        .stderr(predicate::str::ends_with(
            "orqex: note: created profile `typo`; it has no key yet: store one with: orqex login --profile typo\n",
        ));
}

#[cfg(unix)]
#[test]
fn login_over_a_stored_key_asks_first_at_a_terminal() {
    use crate::common::pty::*;
    let sb = Sandbox::new();
    sb.cmd()
        .args(["login", "--with-key", "--insecure-storage", "--no-verify"])
        .write_stdin(format!("{KEY}\n"))
        .assert()
        .code(0);

    let mut login = sb.cmd();
    login.args(["login", "--insecure-storage", "--no-verify"]);
    let mut p = spawn_cmd(login);
    p.expect("has a key already (sk_sandbox_***fake). Replace it? [y/N]");
    p.wait_for_raw();
    p.send("n\r");
    let (out, code) = p.finish();
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("orqex: not replaced; nothing was saved"),
        "{out}"
    );
    assert!(sb.config_text().contains(KEY), "the stored key is kept");
}

#[test]
fn csv_read_as_json_lines_and_a_semicolon_header_get_a_hint() {
    let sb = Sandbox::new();
    let txt = sb.file("rows.txt", "amount,currency\n5,XOF\n");
    dry_run_batch(&sb, &txt)
        .assert()
        .code(9)
        .stdout(contains("; if the file is CSV, add --batch-format csv"));
    let csv = sb.file("rows.csv", "amount;currency\n5;XOF\n");
    dry_run_batch(&sb, &csv)
        .assert()
        .code(2)
        .stderr(
            "orqex: the CSV header has one column, `amount;currency`: columns are separated by commas, not by `;`; save the file with commas\n",
        );
}

#[test]
fn a_409_says_what_to_do() {
    let server = Server::start(|_, _| {
        Reply::json(
            409,
            json!({"message": "Idempotency key already used with a different body."}),
        )
    });
    let sb = Sandbox::new();
    sb.create(&server)
        .assert()
        .code(4)
        .stderr(predicate::str::ends_with(
            "  the idempotency key was used before with another body: to get that checkout, run the first command again unchanged; for a new checkout, give a new --idempotency-key\n",
        ));
}

#[cfg(unix)]
#[test]
fn browser_entries_may_carry_arguments() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::created("cs_args");
    let sb = Sandbox::new();
    let log = sb.home.path().join("args.log");
    let script = sb.file(
        "browser.sh",
        format!("#!/bin/sh\nprintf '%s|' \"$@\" > '{}'\n", log.display()),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.create(&server)
        .arg("--open")
        .env(
            "BROWSER",
            format!("{} --new-window --url=%s", script.display()),
        )
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "--new-window|--url=https://pay.orqex.com/c/cs_args|"
    );
}
