//! Everyday use: what a newcomer trying every README example ran into.

use serde_json::{Value, json};

use crate::common::*;

fn lines(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn batch_lines_say_where_each_row_is_in_the_file() {
    let sb = Sandbox::new();
    let row = r#"{"amount": 5, "currency": "XOF", "description": "d", "customer": {"email": "a@example.com", "first_name": "A", "last_name": "B"}}"#;
    let jsonl = sb.home.path().join("rows.jsonl");
    std::fs::write(&jsonl, format!("{row}\n\n\n{row}\n")).unwrap();
    let csv = sb.home.path().join("rows.csv");
    std::fs::write(
        &csv,
        "amount,currency,description,customer.email,customer.first_name,customer.last_name\n5,XOF,d,a@example.com,A,B\n\"7\",XOF,\"two\nlines\",a@example.com,A,B\n9,XOF,d,bad,A,B\n",
    )
    .unwrap();
    for (file, expected) in [
        (&jsonl, [(1, 1), (2, 4)].to_vec()),
        (&csv, [(1, 2), (2, 3), (3, 5)].to_vec()),
    ] {
        let out = sb
            .cmd()
            .args(["checkout", "create", "--dry-run", "--batch"])
            .arg(file)
            .output()
            .unwrap();
        let places: Vec<(u64, u64)> = lines(&out)
            .iter()
            .map(|l| (l["row"].as_u64().unwrap(), l["line"].as_u64().unwrap()))
            .collect();
        assert_eq!(places, expected, "{}", stdout(&out));
    }
}

#[test]
fn a_404_says_which_key_was_used() {
    let server = Server::start(|_, _| Reply::json(404, json!({"message": "Not found."})));
    let sb = Sandbox::new();
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "https://pay.orqex.com/c/cs_elsewhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).ends_with(&format!(
            "  the key in use is {KEY_MASKED}, a sandbox key: a live checkout is found only with a live key\n"
        )),
        "{}",
        stderr(&out)
    );
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
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_1", "--output", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "completed\n");
    // An answer without a status is a broken one.
    let mut body = checkout_body("cs_2");
    body["data"]["checkout"]
        .as_object_mut()
        .unwrap()
        .remove("status");
    let server = Server::start(move |_, _| Reply::json(200, body.clone()));
    let out = sb
        .cmd_for(&server)
        .args(["checkout", "get", "cs_2", "-o", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("the response has no data.checkout.status"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn customer_flags_answer_to_their_json_path_names() {
    let sb = Sandbox::new();
    let out = sb
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
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
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
    sb.write_config(
        "[profiles.ci]\ncurrency = \"XOF\"\n\n[profiles.default]\ncurrency = \"GHS\"\n",
    );
    let config = sb.config_dir().join("config.toml");
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = sb
        .cmd_for(&server)
        .args(["--profile", "nosuch"])
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "orqex: warning: profile `nosuch` is not in the config file (it has ci, default); going on without profile settings\n"
    );

    // config set on a profile named on purpose says it made it, and what it lacks.
    let out = sb
        .cmd()
        .args(["config", "set", "currency", "XOF", "--profile", "typo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).ends_with(
            "note: created profile `typo`; it has no key yet: store one with: orqex login --profile typo\n"
        ),
        "{}",
        stderr(&out)
    );
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
    let text = std::fs::read_to_string(sb.config_dir().join("config.toml")).unwrap();
    assert!(text.contains(KEY), "the stored key is kept");
}

#[test]
fn csv_read_as_json_lines_and_a_semicolon_header_get_a_hint() {
    let sb = Sandbox::new();
    let txt = sb.home.path().join("rows.txt");
    std::fs::write(&txt, "amount,currency\n5,XOF\n").unwrap();
    let out = sb
        .cmd()
        .args(["checkout", "create", "--dry-run", "--batch"])
        .arg(&txt)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(9));
    assert!(
        stdout(&out).contains("; if the file is CSV, add --batch-format csv"),
        "{}",
        stdout(&out)
    );
    let csv = sb.home.path().join("rows.csv");
    std::fs::write(&csv, "amount;currency\n5;XOF\n").unwrap();
    let out = sb
        .cmd()
        .args(["checkout", "create", "--dry-run", "--batch"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "orqex: the CSV header has one column, `amount;currency`: columns are separated by commas, not by `;`; save the file with commas\n"
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
    let out = sb.cmd_for(&server).args(CREATE).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).ends_with(
            "  the idempotency key was used before with another body: to get that checkout, run the first command again unchanged; for a new checkout, give a new --idempotency-key\n"
        ),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn browser_entries_may_carry_arguments() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::created("cs_args");
    let sb = Sandbox::new();
    let log = sb.home.path().join("args.log");
    let script = sb.home.path().join("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s|' \"$@\" > '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = sb
        .cmd_for(&server)
        .args(CREATE)
        .arg("--open")
        .env(
            "BROWSER",
            format!("{} --new-window --url=%s", script.display()),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "--new-window|--url=https://pay.orqex.com/c/cs_args|"
    );
}
