//! A key checked with the API: at `orqex login` before it is stored, and by `orqex whoami` /
//! `orqex config --check` for the key in use. One read-only request each.

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::json;

use crate::common::*;

const NEW_KEY: &str = "sk_sandbox_test_9999_0000_newk";
const NEW_MASKED: &str = "sk_sandbox_***newk";

fn intents(environment: &str) -> Reply {
    Reply::json(
        200,
        json!({"data": [{"id": "TRX1", "environment": environment}],
               "pagination": {"has_more_pages": false, "next_page_url": null}}),
    )
}

fn config_exists(sb: &Sandbox) -> bool {
    sb.config_dir().join("config.toml").exists()
}

fn login(sb: &Sandbox, base_url: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    sb.cmd()
        .env("ORQEX_BASE_URL", base_url)
        .args(["login", "--with-key", "--insecure-storage"])
        .args(extra)
        .write_stdin(format!("{NEW_KEY}\n"))
        .assert()
}

#[test]
fn login_checks_the_key_with_one_read_before_storing_it() {
    let server = Server::start(|_, _| intents("sandbox"));
    let sb = Sandbox::new();
    login(&sb, &server.url(), &[])
        .code(0)
        .stdout("")
        .stderr(contains(format!(
            "saved sandbox key {NEW_MASKED} to profile `default` in {}; the API accepted it, for the sandbox environment\n",
            sb.config_dir().join("config.toml").display()
        )));
    let req = server.only_request();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v1/payment/intents?per_page=1");
    assert_eq!(
        req.header("authorization"),
        Some(&*format!("Bearer {NEW_KEY}"))
    );
    assert!(req.body.is_empty());
    assert!(
        std::fs::read_to_string(sb.config_dir().join("config.toml"))
            .unwrap()
            .contains(NEW_KEY)
    );
}

#[test]
fn a_login_into_a_new_profile_checks_the_key_without_a_warning() {
    let server = Server::start(|_, _| intents("sandbox"));
    let sb = Sandbox::new();
    sb.write_private_config("[profiles.ci]\ncurrency = \"XOF\"\n");
    login(&sb, &server.url(), &["--profile", "fresh"])
        .code(0)
        .stderr(contains("is not in the config file").not())
        .stderr(contains("to profile `fresh`"));
    server.assert_hits(1);
}

#[test]
fn a_key_the_api_refuses_is_not_stored() {
    let server = Server::start(|_, _| Reply::json(401, json!({"message": "Unauthenticated."})));
    let sb = Sandbox::new();
    let assert = login(&sb, &server.url(), &[]).code(3).stdout("").stderr(format!(
        "orqex: the API answered 401: Unauthenticated. (request id req_test_0001)\n  nothing was stored: check that the whole key was copied, and that it is the key of this project (sandbox key for {})\n",
        server.url()
    ));
    assert_no_key(assert.get_output());
    assert!(!config_exists(&sb));
    server.assert_hits(1);
}

#[test]
fn a_key_that_cannot_be_checked_is_stored_only_with_no_verify() {
    let sb = Sandbox::new();
    let dead = dead_url();
    login(&sb, &dead, &["--max-retries", "0"])
        .code(6)
        .stdout("")
        .stderr(contains(
            "\n  the key could not be checked, so nothing was stored; to store it without checking: printf '%s\\n' \"$ORQEX_KEY\" | orqex login --no-verify --with-key --insecure-storage\n",
        ));
    assert!(!config_exists(&sb));
    login(&sb, &dead, &["--no-verify"]).code(0).stderr(
        contains(format!(
            "saved sandbox key {NEW_MASKED} to profile `default`"
        ))
        .and(contains("accepted").not()),
    );
    assert!(config_exists(&sb));
}

#[test]
fn a_key_whose_prefix_the_api_contradicts_is_warned_about() {
    let server = Server::start(|_, _| intents("live"));
    let sb = Sandbox::new();
    login(&sb, &server.url(), &[]).code(0).stderr(contains(format!(
        "orqex: warning: the key {NEW_MASKED} looks like a sandbox key, but the API says it is for the live environment\n"
    )));
}

#[test]
fn whoami_and_config_check_check_the_key_in_use() {
    let server = Server::start(|req, _| {
        if req.header("authorization") == Some(&*format!("Bearer {KEY}")) {
            intents("sandbox")
        } else {
            Reply::json(401, json!({"message": "Unauthenticated."}))
        }
    });
    let sb = Sandbox::new();
    let line = format!(
        "{KEY_MASKED} (sandbox key, profile `default`, from environment variable ORQEX_SECRET_KEY): accepted by {}, which says it is for the sandbox environment\n",
        server.url()
    );
    sb.cmd_for(&server)
        .arg("whoami")
        .assert()
        .code(0)
        .stdout(line.clone())
        .stderr("");
    sb.cmd_for(&server)
        .args(["config", "--check"])
        .assert()
        .code(0)
        .stdout(line);
    assert_eq!(server.requests()[0].path, "/v1/payment/intents?per_page=1");
    // Another key: refused, exit 3, and the way to fix it.
    sb.cmd_for(&server)
        .env("ORQEX_SECRET_KEY", LIVE_KEY)
        .arg("whoami")
        .assert()
        .code(3)
        .stdout("")
        .stderr(contains(format!(
            "  the API refused the key {LIVE_KEY_MASKED} of profile `default` (from environment variable ORQEX_SECRET_KEY): set ORQEX_SECRET_KEY to the right key, or unset it to use the key stored for profile `default`\n"
        )));
    // No key at all: exit 3 before anything is sent.
    sb.cmd()
        .env("ORQEX_BASE_URL", server.url())
        .arg("whoami")
        .assert()
        .code(3)
        .stderr(contains("no secret key for profile `default`"));
    server.assert_hits(3);
}
