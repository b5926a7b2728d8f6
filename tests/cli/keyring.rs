//! Keys in the system keyring (the Secret Service on Linux): `login` into it, a command
//! reading from it, `config`, `logout`, `config migrate-keys`; the fallback to the file where
//! there is no keyring; and a keyring that never answers, given up within the time limit.
//!
//! Two kinds of tests. Those without a keyring run everywhere `cargo test` runs on Linux: the
//! sandbox's bus address leads nowhere, or to a socket here that never answers. Those against
//! a real keyring are `#[ignore]`d, since a plain `cargo test` must neither need a session
//! bus nor touch the developer's own keyring: `tests/keyring/run.sh` runs them inside a
//! private D-Bus session with a fresh GNOME Keyring (as `.ci/run` does), and they check with
//! `secret-tool` what the keyring really holds.

use std::os::unix::net::UnixListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

const LIVE_KEY: &str = "sk_live_test_5555_6666_fake";
const LIVE_MASKED: &str = "sk_live_***fake";
const ENV_KEY: &str = "sk_sandbox_test_7777_8888_envk";

/// Well under what a script would call a hang, and above the keyring's 5 s limit with room
/// for a loaded machine.
const GIVEN_UP_WITHIN: Duration = Duration::from_secs(10);

fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    cmd.write_stdin(input).output().unwrap()
}

fn config_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.config_dir().join("config.toml")).unwrap()
}

fn json_out(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// Fails when any of the fake keys, or their secret parts, shows in the output.
fn assert_no_keys(out: &Output) {
    assert_no_key(out);
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for secret in [LIVE_KEY, "5555_6666", ENV_KEY, "7777_8888"] {
            assert!(!text.contains(secret), "{secret} leaked on {name}: {text}");
        }
    }
}

/// The config file, private as orqex writes it (else every command warns about its mode).
fn write_config(sb: &Sandbox, text: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = sb.write_config(text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A config file whose profile `name` keeps its key in the keyring.
fn keyring_profile(sb: &Sandbox, name: &str) {
    write_config(
        sb,
        &format!(
            "default_profile = \"{name}\"\n\n[profiles.{name}]\nsecret_key_store = \"keyring\"\n"
        ),
    );
}

/// A bus address where a socket accepts every connection and never says a word: a keyring
/// that hangs. The socket lives as long as the test binary.
fn silent_bus(sb: &Sandbox) -> String {
    let path = sb.home.path().join("silent-bus");
    let listener = UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    format!("unix:path={}", path.display())
}

// ---- no keyring: the fallback to the file ----

#[test]
fn without_a_keyring_login_falls_back_to_the_file_and_says_so_in_one_line() {
    let sb = Sandbox::new();
    let path = sb.config_dir().join("config.toml");
    let out = run_with_stdin(sb.cmd().args(["login", "--no-verify", "--with-key"]), KEY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: warning: no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS; storing the key in the config file instead (mode 0600); to choose the file on purpose, without this warning: orqex login --insecure-storage\n\
             saved sandbox key {KEY_MASKED} to profile `default` in {}\n",
            path.display()
        )
    );
    assert_no_keys(&out);
    let text = config_text(&sb);
    assert!(
        text.contains(&format!("[profiles.default]\nsecret_key = \"{KEY}\"\n")),
        "{text}"
    );
    assert!(!text.contains("secret_key_store"), "{text}");

    // No bus address at all (a server, a container): said as such.
    let out = run_with_stdin(
        sb.cmd()
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            // Where the bus would be looked for instead; nothing is there.
            .env("XDG_RUNTIME_DIR", sb.home.path())
            .args(["login", "--no-verify", "--with-key", "--profile", "ci"]),
        LIVE_KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "orqex: warning: no system keyring here: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); storing the key in the config file instead"
        ),
        "{}",
        stderr(&out)
    );
    assert_no_keys(&out);

    // --insecure-storage: the file on purpose, without the warning.
    let out = run_with_stdin(
        sb.cmd().args([
            "login",
            "--with-key",
            "--insecure-storage",
            "--no-verify",
            "--profile",
            "ci",
        ]),
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "saved sandbox key {KEY_MASKED} to profile `ci` in {} (replacing the key stored before)\n",
            path.display()
        )),
        "{}",
        stderr(&out)
    );
    let v = json_out(&sb.cmd().args(["config", "--json"]).output().unwrap());
    assert_eq!(v["profiles"]["ci"]["secret_key"]["source"], "file");
    assert_eq!(v["profiles"]["default"]["secret_key"]["source"], "file");
}

#[test]
fn a_profile_whose_keyring_is_not_here_is_exit_3_naming_the_profile_and_the_fix() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    keyring_profile(&sb, "desk");
    let out = sb
        .cmd()
        .env("ORQEX_BASE_URL", server.url())
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "orqex: cannot read the key of profile `desk` from the system keyring: no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS; set ORQEX_SECRET_KEY, or store the key in the config file with `orqex login --profile desk --insecure-storage`\n"
    );
    assert!(server.requests().is_empty(), "something was sent");

    // A dry run needs no key, so it never asks the keyring.
    let out = sb.cmd().args(CREATE).arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // ORQEX_SECRET_KEY wins over the profile, keyring or not.
    let out = sb
        .cmd()
        .env("ORQEX_BASE_URL", server.url())
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {ENV_KEY}").as_str())
    );
    assert_no_keys(&out);

    // `config` says where the key is and why it cannot be read, and does not fail.
    let out = sb.cmd().arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("secret key:  unreadable (from profile `desk` in the system keyring): no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS\n"),
        "{text}"
    );
    assert!(
        text.contains("* desk  key unreadable (keyring): no system keyring here"),
        "{text}"
    );
    let v = json_out(&sb.cmd().args(["config", "--json"]).output().unwrap());
    assert_eq!(v["secret_key"]["source"], "keyring");
    assert_eq!(v["secret_key"]["masked"], Value::Null);
    assert!(
        v["secret_key"]["unreadable"]
            .as_str()
            .unwrap()
            .contains("no D-Bus session bus")
    );

    // logout cannot empty a keyring it cannot reach: nothing changes, and it says what to do.
    let before = config_text(&sb);
    let out = sb.cmd().arg("logout").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("orqex: cannot remove the key of profile `desk` from the system keyring: no system keyring here")
            && err.contains("nothing changed: run `orqex logout --profile desk` where the system keyring answers, or, to only forget it here, delete the secret_key_store line of profile `desk`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(config_text(&sb), before);
}

#[test]
fn migrate_keys_without_a_keyring_moves_nothing_and_says_which_keys_stay() {
    let sb = Sandbox::new();
    let text = format!(
        "[profiles.a]\nsecret_key = \"{KEY}\"\n\n[profiles.b]\nsecret_key = \"{LIVE_KEY}\"\n"
    );
    write_config(&sb, &text);
    let out = sb.cmd().args(["config", "migrate-keys"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("orqex: cannot move the key of profile `a` to the system keyring: no system keyring here")
            && err.contains("; the keys of profiles `a` and `b` stay in "),
        "{err}"
    );
    assert_no_keys(&out);
    assert_eq!(config_text(&sb), text);
}

#[test]
fn a_keyring_that_never_answers_is_given_up_within_the_time_limit() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let bus = silent_bus(&sb);
    keyring_profile(&sb, "locked");

    // A command that needs the key: exit 3, naming the profile and the fix.
    let start = Instant::now();
    let out = sb
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .env("ORQEX_BASE_URL", server.url())
        .args(CREATE)
        .output()
        .unwrap();
    assert!(start.elapsed() < GIVEN_UP_WITHIN, "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "orqex: cannot read the key of profile `locked` from the system keyring: the system keyring did not answer within 5 s (it may be locked and waiting for a password); unlock it and run again, or set ORQEX_SECRET_KEY\n"
    );
    assert!(server.requests().is_empty());

    // `config` shows that instead of failing, having waited once, not once per mention.
    let start = Instant::now();
    let out = sb
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .arg("config")
        .output()
        .unwrap();
    assert!(start.elapsed() < GIVEN_UP_WITHIN, "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("secret key:  unreadable (from profile `locked` in the system keyring): the system keyring did not answer within 5 s"),
        "{}",
        stdout(&out)
    );

    // login falls back to the file, and says why.
    let start = Instant::now();
    let out = run_with_stdin(
        sb.cmd().env("DBUS_SESSION_BUS_ADDRESS", &bus).args([
            "login",
            "--with-key",
            "--no-verify",
            "--profile",
            "other",
        ]),
        KEY,
    );
    assert!(start.elapsed() < GIVEN_UP_WITHIN, "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("orqex: warning: the system keyring did not answer within 5 s (it may be locked and waiting for a password); storing the key in the config file instead (mode 0600); to choose the file on purpose, without this warning: orqex login --insecure-storage\n"),
        "{}",
        stderr(&out)
    );
    assert!(config_text(&sb).contains(KEY));
    assert_no_keys(&out);

    // A profile whose key is in the file never waits for the keyring.
    let start = Instant::now();
    let out = sb
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .env("ORQEX_BASE_URL", server.url())
        .args(["--profile", "other"])
        .args(CREATE)
        .output()
        .unwrap();
    assert!(start.elapsed() < GIVEN_UP_WITHIN, "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("did not answer"), "{}", stderr(&out));
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn a_file_that_holds_a_key_and_says_it_is_in_the_keyring_is_refused() {
    let sb = Sandbox::new();
    let path = write_config(
        &sb,
        &format!("[profiles.both]\nsecret_key = \"{KEY}\"\nsecret_key_store = \"keyring\"\n"),
    );
    let out = sb.cmd().arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: config file {}: profile `both` has both secret_key and secret_key_store = \"keyring\"; remove the secret_key line if the keychain holds the key, else the secret_key_store line; fix or remove the file\n",
            path.display()
        )
    );
    assert_no_keys(&out);

    let path = write_config(&sb, "[profiles.x]\nsecret_key_store = \"vault\"\n");
    let out = sb.cmd().arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!("orqex: config file {}: line 2: ", path.display())),
        "{}",
        stderr(&out)
    );
}

// ---- a real keyring (tests/keyring/run.sh) ----

/// The private session's bus. These tests write into the keyring they find, so they refuse
/// to run anywhere but the session `tests/keyring/run.sh` makes for them.
fn private_bus() -> String {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
    match (bus, std::env::var_os("ORQEX_TEST_PRIVATE_KEYRING")) {
        (Some(bus), Some(_)) if !bus.is_empty() => bus,
        _ => panic!(
            "these tests need a private D-Bus session with an unlocked GNOME Keyring, and would otherwise write into yours: run tests/keyring/run.sh"
        ),
    }
}

/// `orqex` in the sandbox, talking to the private session's keyring.
fn orqex(sb: &Sandbox) -> Command {
    let mut cmd = sb.cmd();
    cmd.env("DBUS_SESSION_BUS_ADDRESS", private_bus());
    cmd
}

/// What the keyring holds for `profile`, asked with the Secret Service's own tool.
fn lookup(profile: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "orqex", "username", profile])
        .env("DBUS_SESSION_BUS_ADDRESS", private_bus())
        .stdin(Stdio::null())
        .output()
        .expect("secret-tool (apt-get install libsecret-tools)");
    out.status.success().then(|| stdout(&out))
}

/// The Authorization header a create with `profile` sends.
fn key_sent(sb: &Sandbox, profile: &str) -> (Output, Option<String>) {
    let server = Server::created("cs_keyring");
    let out = orqex(sb)
        .env("ORQEX_BASE_URL", server.url())
        .args(["--profile", profile])
        .args(CREATE)
        .output()
        .unwrap();
    let auth = server
        .requests()
        .first()
        .and_then(|r| r.header("authorization").map(str::to_string));
    (out, auth)
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn login_keeps_the_key_in_the_keyring_and_every_command_reads_it_there() {
    let sb = Sandbox::new();
    let p = "kr-login";
    let out = run_with_stdin(
        orqex(&sb).args(["login", "--no-verify", "--with-key", "--profile", p]),
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "saved sandbox key {KEY_MASKED} to profile `{p}` in the system keyring (service orqex, user {p})\n"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_no_keys(&out);
    // The key is in the keyring, and the file says only where.
    assert_eq!(lookup(p).as_deref(), Some(KEY));
    let text = config_text(&sb);
    assert!(
        text.contains(&format!("[profiles.{p}]\nsecret_key_store = \"keyring\"\n")),
        "{text}"
    );
    assert!(!text.contains("sk_"), "{text}");

    // The key the keyring holds is the one sent.
    let (out, auth) = key_sent(&sb, p);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(auth, Some(format!("Bearer {KEY}")));
    assert_no_keys(&out);

    // `config` says where, masked.
    let out = orqex(&sb)
        .args(["--profile", p, "config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "secret key:  {KEY_MASKED} (from profile `{p}` in the system keyring)\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("* {p}  key {KEY_MASKED} (keyring)")),
        "{text}"
    );
    assert_no_keys(&out);
    let out = orqex(&sb)
        .args(["--profile", p, "config", "--json"])
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(
        v["secret_key"],
        serde_json::json!({"masked": KEY_MASKED, "environment": "sandbox", "source": "keyring"})
    );
    assert_eq!(v["profiles"][p]["secret_key"]["source"], "keyring");

    // ORQEX_SECRET_KEY still wins.
    let server = Server::created("cs_env");
    let out = orqex(&sb)
        .env("ORQEX_BASE_URL", server.url())
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["--profile", p])
        .args(CREATE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {ENV_KEY}").as_str())
    );

    // logout empties the keyring entry too.
    let out = orqex(&sb)
        .args(["logout", "--profile", p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "removed the key of profile `{p}` from the system keyring (service orqex, user {p})\n"
        )
    );
    assert_eq!(lookup(p), None);
    assert!(!config_text(&sb).contains(&format!("[profiles.{p}]")));
    let (out, auth) = key_sent(&sb, p);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(auth, None);
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn login_moves_a_key_out_of_the_file_once_the_keyring_has_the_new_one() {
    let sb = Sandbox::new();
    let p = "kr-move";
    write_config(
        &sb,
        &format!(
            "# my settings\n[profiles.{p}]  # the shop\nsecret_key = \"{LIVE_KEY}\"\ncurrency = \"XOF\"\n"
        ),
    );
    let out = run_with_stdin(
        orqex(&sb).args(["login", "--no-verify", "--with-key", "--profile", p]),
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("in the system keyring (service orqex, user kr-move) (replacing the key stored before)\nthe key is no longer in the config file "),
        "{err}"
    );
    assert_no_keys(&out);
    assert_eq!(lookup(p).as_deref(), Some(KEY));
    let text = config_text(&sb);
    assert_eq!(
        text,
        format!(
            "# my settings\n[profiles.{p}]  # the shop\ncurrency = \"XOF\"\nsecret_key_store = \"keyring\"\n"
        )
    );

    // Back to the file on purpose: the keyring's copy goes.
    let out = run_with_stdin(
        orqex(&sb).args([
            "login",
            "--with-key",
            "--insecure-storage",
            "--no-verify",
            "--profile",
            p,
        ]),
        LIVE_KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(lookup(p), None);
    let text = config_text(&sb);
    assert!(
        text.contains(&format!("secret_key = \"{LIVE_KEY}\"")) && !text.contains("keyring"),
        "{text}"
    );
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn migrate_keys_moves_every_key_from_the_file_to_the_keyring() {
    let sb = Sandbox::new();
    let (a, b) = ("kr-mig-a", "kr-mig-b");
    write_config(
        &sb,
        &format!(
            "# keys below\ndefault_profile = \"{a}\"\n\n[profiles.{a}]\nsecret_key = \"{KEY}\"\n\n[profiles.{b}]\nsecret_key = \"{LIVE_KEY}\"\nbase_url = \"https://eu.api.orqex.example/v1\"\n\n[profiles.kr-mig-none]\ncurrency = \"GHS\"\n"
        ),
    );
    let out = orqex(&sb)
        .args(["config", "migrate-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "moved the key {KEY_MASKED} of profile `{a}` to the system keyring (service orqex, user {a})\n\
             moved the key {LIVE_MASKED} of profile `{b}` to the system keyring (service orqex, user {b})\n\
             {} holds no key now\n",
            sb.config_dir().join("config.toml").display()
        )
    );
    assert_no_keys(&out);
    assert_eq!(lookup(a).as_deref(), Some(KEY));
    assert_eq!(lookup(b).as_deref(), Some(LIVE_KEY));
    assert_eq!(
        config_text(&sb),
        format!(
            "# keys below\ndefault_profile = \"{a}\"\n\n[profiles.{a}]\nsecret_key_store = \"keyring\"\n\n[profiles.{b}]\nbase_url = \"https://eu.api.orqex.example/v1\"\nsecret_key_store = \"keyring\"\n\n[profiles.kr-mig-none]\ncurrency = \"GHS\"\n"
        )
    );
    let (out, auth) = key_sent(&sb, a);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(auth, Some(format!("Bearer {KEY}")));

    // Again: nothing left to move.
    let out = orqex(&sb)
        .args(["config", "migrate-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("no profile keeps its key in "),
        "{}",
        stderr(&out)
    );
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn an_entry_removed_behind_orqexs_back_is_exit_3_saying_how_to_store_it_again() {
    let sb = Sandbox::new();
    let p = "kr-gone";
    keyring_profile(&sb, p);
    assert_eq!(lookup(p), None);
    let (out, auth) = key_sent(&sb, p);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(auth, None);
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: profile `{p}` keeps its key in the system keyring, but there is no entry for it (service orqex, user {p}); store it again with `orqex login --profile {p}`, or set ORQEX_SECRET_KEY\n"
        )
    );
    // logout still lets the profile forget it.
    let out = orqex(&sb)
        .args(["logout", "--profile", p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "profile `{p}` had no entry left in the system keyring; it no longer points there"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!config_text(&sb).contains("keyring"));
}
