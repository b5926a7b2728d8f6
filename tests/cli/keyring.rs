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

/// `cmd` (the sandbox's, a bus chosen or not) as `login --no-verify --with-key ARGS`, with
/// `key` piped in.
fn login(mut cmd: Command, args: &[&str], key: &str) -> Assert {
    cmd.args(["login", "--no-verify", "--with-key"])
        .args(args)
        .write_stdin(key)
        .assert()
}

/// `cmd` (the sandbox's, a bus chosen or not) as a create sent to `server`, with the key it
/// finds for its profile: ORQEX_SECRET_KEY is not set unless the test sets it.
fn create(mut cmd: Command, server: &Server) -> Command {
    cmd.env("ORQEX_BASE_URL", server.url()).args(CREATE);
    cmd
}

/// What `run` asserts on, once it is checked that it ended within `GIVEN_UP_WITHIN`.
#[track_caller]
fn in_time(run: impl FnOnce() -> Assert) -> Assert {
    let start = Instant::now();
    let assert = run();
    assert!(start.elapsed() < GIVEN_UP_WITHIN, "{:?}", start.elapsed());
    assert
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

/// `config --json` as `cmd` prints it.
fn config_json(cmd: &mut Command) -> Value {
    stdout_json(cmd.args(["config", "--json"]).assert().get_output())
}

/// A config file whose profile `name` keeps its key in the keyring.
fn keyring_profile(sb: &Sandbox, name: &str) {
    sb.write_private_config(&format!(
        "default_profile = \"{name}\"\n\n[profiles.{name}]\nsecret_key_store = \"keyring\"\n"
    ));
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
    let assert = login(sb.cmd(), &[], KEY).code(0).stdout("").stderr(format!(
        "orqex: warning: no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS; storing the key in the config file instead (mode 0600); to choose the file on purpose, without this warning: orqex login --insecure-storage\n\
         saved sandbox key {KEY_MASKED} to profile `default` in {}\n",
        path.display()
    ));
    assert_no_keys(assert.get_output());
    let text = sb.config_text();
    assert!(
        text.contains(&format!("[profiles.default]\nsecret_key = \"{KEY}\"\n")),
        "{text}"
    );
    assert!(!text.contains("secret_key_store"), "{text}");

    // No bus address at all (a server, a container): said as such.
    let mut no_bus = sb.cmd();
    no_bus
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        // Where the bus would be looked for instead; nothing is there.
        .env("XDG_RUNTIME_DIR", sb.home.path());
    let assert = login(no_bus, &["--profile", "ci"], LIVE_KEY)
        .code(0)
        .stderr(predicate::str::starts_with(
            "orqex: warning: no system keyring here: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); storing the key in the config file instead",
        ));
    assert_no_keys(assert.get_output());

    // --insecure-storage: the file on purpose, without the warning.
    login(sb.cmd(), &["--insecure-storage", "--profile", "ci"], KEY)
        .code(0)
        .stderr(
            contains("warning").not().and(predicate::str::starts_with(format!(
                "saved sandbox key {KEY_MASKED} to profile `ci` in {} (replacing the key stored before)\n",
                path.display()
            ))),
        );
    let v = config_json(&mut sb.cmd());
    assert_eq!(v["profiles"]["ci"]["secret_key"]["source"], "file");
    assert_eq!(v["profiles"]["default"]["secret_key"]["source"], "file");
}

#[test]
fn a_profile_whose_keyring_is_not_here_is_exit_3_naming_the_profile_and_the_fix() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    keyring_profile(&sb, "desk");
    create(sb.cmd(), &server)
        .assert()
        .code(3)
        .stderr(
            "orqex: cannot read the key of profile `desk` from the system keyring: no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS; set ORQEX_SECRET_KEY, or store the key in the config file with `orqex login --profile desk --insecure-storage`\n",
        );
    assert!(server.requests().is_empty(), "something was sent");

    // A dry run needs no key, so it never asks the keyring.
    sb.cmd().args(CREATE).arg("--dry-run").assert().code(0);

    // ORQEX_SECRET_KEY wins over the profile, keyring or not.
    let assert = create(sb.cmd(), &server)
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .assert()
        .code(0);
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {ENV_KEY}").as_str())
    );
    assert_no_keys(assert.get_output());

    // `config` says where the key is and why it cannot be read, and does not fail.
    sb.cmd().arg("config").assert().code(0).stdout(contains_all([
        "secret key:  unreadable (from profile `desk` in the system keyring): no system keyring here: no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS\n",
        "* desk  key unreadable (keyring): no system keyring here",
    ]));
    let v = config_json(&mut sb.cmd());
    assert_eq!(v["secret_key"]["source"], "keyring");
    assert_eq!(v["secret_key"]["masked"], Value::Null);
    assert!(
        v["secret_key"]["unreadable"]
            .as_str()
            .unwrap()
            .contains("no D-Bus session bus")
    );

    // logout cannot empty a keyring it cannot reach: nothing changes, and it says what to do.
    let before = sb.config_text();
    sb.cmd().arg("logout").assert().code(1).stderr(
        predicate::str::starts_with("orqex: cannot remove the key of profile `desk` from the system keyring: no system keyring here")
            .and(contains("nothing changed: run `orqex logout --profile desk` where the system keyring answers, or, to only forget it here, delete the secret_key_store line of profile `desk`"))
            .and(one_line()),
    );
    assert_eq!(sb.config_text(), before);
}

#[test]
fn migrate_keys_without_a_keyring_moves_nothing_and_says_which_keys_stay() {
    let sb = Sandbox::new();
    let text = format!(
        "[profiles.a]\nsecret_key = \"{KEY}\"\n\n[profiles.b]\nsecret_key = \"{LIVE_KEY}\"\n"
    );
    sb.write_private_config(&text);
    let assert = sb
        .cmd()
        .args(["config", "migrate-keys"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::starts_with(
                "orqex: cannot move the key of profile `a` to the system keyring: no system keyring here",
            )
            .and(contains("; the keys of profiles `a` and `b` stay in ")),
        );
    assert_no_keys(assert.get_output());
    assert_eq!(sb.config_text(), text);
}

#[test]
fn a_keyring_that_never_answers_is_given_up_within_the_time_limit() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let bus = silent_bus(&sb);
    keyring_profile(&sb, "locked");
    let on_bus = || {
        let mut cmd = sb.cmd();
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &bus);
        cmd
    };

    // A command that needs the key: exit 3, naming the profile and the fix.
    in_time(|| create(on_bus(), &server).assert())
    .code(3)
    .stderr(
        "orqex: cannot read the key of profile `locked` from the system keyring: the system keyring did not answer within 5 s (it may be locked and waiting for a password); unlock it and run again, or set ORQEX_SECRET_KEY\n",
    );
    assert!(server.requests().is_empty());

    // `config` shows that instead of failing, having waited once, not once per mention.
    in_time(|| on_bus().arg("config").assert()).code(0).stdout(contains(
        "secret key:  unreadable (from profile `locked` in the system keyring): the system keyring did not answer within 5 s",
    ));

    // login falls back to the file, and says why.
    let assert = in_time(|| login(on_bus(), &["--profile", "other"], KEY))
        .code(0)
        .stderr(predicate::str::starts_with(
            "orqex: warning: the system keyring did not answer within 5 s (it may be locked and waiting for a password); storing the key in the config file instead (mode 0600); to choose the file on purpose, without this warning: orqex login --insecure-storage\n",
        ));
    assert!(sb.config_text().contains(KEY));
    assert_no_keys(assert.get_output());

    // A profile whose key is in the file never waits for the keyring.
    in_time(|| {
        create(on_bus(), &server)
            .args(["--profile", "other"])
            .assert()
    })
    .code(0)
    .stderr(contains("did not answer").not());
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn a_file_that_holds_a_key_and_says_it_is_in_the_keyring_is_refused() {
    let sb = Sandbox::new();
    let path = sb.write_private_config(&format!(
        "[profiles.both]\nsecret_key = \"{KEY}\"\nsecret_key_store = \"keyring\"\n"
    ));
    let assert = sb.cmd().arg("config").assert().code(2).stderr(format!(
        "orqex: config file {}: profile `both` has both secret_key and secret_key_store = \"keyring\"; remove the secret_key line if the keychain holds the key, else the secret_key_store line; fix or remove the file\n",
        path.display()
    ));
    assert_no_keys(assert.get_output());

    let path = sb.write_private_config("[profiles.x]\nsecret_key_store = \"vault\"\n");
    sb.cmd()
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!(
            "orqex: config file {}: line 2: ",
            path.display()
        )));
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

/// The Authorization header a create with `profile` sends, and what orqex did.
fn key_sent(sb: &Sandbox, profile: &str) -> (Assert, Option<String>) {
    authorization_sent(orqex(sb).args(["--profile", profile]))
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn login_keeps_the_key_in_the_keyring_and_every_command_reads_it_there() {
    let sb = Sandbox::new();
    let p = "kr-login";
    let assert = login(orqex(&sb), &["--profile", p], KEY).code(0).stderr(
        predicate::str::starts_with(format!(
            "saved sandbox key {KEY_MASKED} to profile `{p}` in the system keyring (service orqex, user {p})\n"
        ))
        .and(contains("warning").not()),
    );
    assert_no_keys(assert.get_output());
    // The key is in the keyring, and the file says only where.
    assert_eq!(lookup(p).as_deref(), Some(KEY));
    let text = sb.config_text();
    assert!(
        text.contains(&format!("[profiles.{p}]\nsecret_key_store = \"keyring\"\n")),
        "{text}"
    );
    assert!(!text.contains("sk_"), "{text}");

    // The key the keyring holds is the one sent.
    let (assert, auth) = key_sent(&sb, p);
    assert_no_keys(assert.code(0).get_output());
    assert_eq!(auth, Some(format!("Bearer {KEY}")));

    // `config` says where, masked.
    let assert = orqex(&sb)
        .args(["--profile", p, "config"])
        .assert()
        .code(0)
        .stdout(contains_all([
            format!("secret key:  {KEY_MASKED} (from profile `{p}` in the system keyring)\n"),
            format!("* {p}  key {KEY_MASKED} (keyring)"),
        ]));
    assert_no_keys(assert.get_output());
    let v = config_json(orqex(&sb).args(["--profile", p]));
    assert_eq!(
        v["secret_key"],
        serde_json::json!({"masked": KEY_MASKED, "environment": "sandbox", "source": "keyring"})
    );
    assert_eq!(v["profiles"][p]["secret_key"]["source"], "keyring");

    // ORQEX_SECRET_KEY still wins.
    let server = Server::created("cs_env");
    create(orqex(&sb), &server)
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["--profile", p])
        .assert()
        .code(0);
    assert_eq!(
        server.only_request().header("authorization"),
        Some(format!("Bearer {ENV_KEY}").as_str())
    );

    // logout empties the keyring entry too.
    orqex(&sb)
        .args(["logout", "--profile", p])
        .assert()
        .code(0)
        .stderr(format!(
            "removed the key of profile `{p}` from the system keyring (service orqex, user {p})\n"
        ));
    assert_eq!(lookup(p), None);
    assert!(!sb.config_text().contains(&format!("[profiles.{p}]")));
    let (assert, auth) = key_sent(&sb, p);
    assert.code(3);
    assert_eq!(auth, None);
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn login_moves_a_key_out_of_the_file_once_the_keyring_has_the_new_one() {
    let sb = Sandbox::new();
    let p = "kr-move";
    sb.write_private_config(&format!(
        "# my settings\n[profiles.{p}]  # the shop\nsecret_key = \"{LIVE_KEY}\"\ncurrency = \"XOF\"\n"
    ));
    let assert = login(orqex(&sb), &["--profile", p], KEY)
        .code(0)
        .stderr(contains(
            "in the system keyring (service orqex, user kr-move) (replacing the key stored before)\nthe key is no longer in the config file ",
        ));
    assert_no_keys(assert.get_output());
    assert_eq!(lookup(p).as_deref(), Some(KEY));
    assert_eq!(
        sb.config_text(),
        format!(
            "# my settings\n[profiles.{p}]  # the shop\ncurrency = \"XOF\"\nsecret_key_store = \"keyring\"\n"
        )
    );

    // Back to the file on purpose: the keyring's copy goes.
    login(
        orqex(&sb),
        &["--insecure-storage", "--profile", p],
        LIVE_KEY,
    )
    .code(0)
    .stderr(contains("warning").not());
    assert_eq!(lookup(p), None);
    let text = sb.config_text();
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
    sb.write_private_config(&format!(
        "# keys below\ndefault_profile = \"{a}\"\n\n[profiles.{a}]\nsecret_key = \"{KEY}\"\n\n[profiles.{b}]\nsecret_key = \"{LIVE_KEY}\"\nbase_url = \"https://eu.api.orqex.example/v1\"\n\n[profiles.kr-mig-none]\ncurrency = \"GHS\"\n"
    ));
    let migrate_keys = || orqex(&sb).args(["config", "migrate-keys"]).assert();
    let assert = migrate_keys().code(0).stdout("").stderr(format!(
        "moved the key {KEY_MASKED} of profile `{a}` to the system keyring (service orqex, user {a})\n\
         moved the key {LIVE_MASKED} of profile `{b}` to the system keyring (service orqex, user {b})\n\
         {} holds no key now\n",
        sb.config_dir().join("config.toml").display()
    ));
    assert_no_keys(assert.get_output());
    assert_eq!(lookup(a).as_deref(), Some(KEY));
    assert_eq!(lookup(b).as_deref(), Some(LIVE_KEY));
    assert_eq!(
        sb.config_text(),
        format!(
            "# keys below\ndefault_profile = \"{a}\"\n\n[profiles.{a}]\nsecret_key_store = \"keyring\"\n\n[profiles.{b}]\nbase_url = \"https://eu.api.orqex.example/v1\"\nsecret_key_store = \"keyring\"\n\n[profiles.kr-mig-none]\ncurrency = \"GHS\"\n"
        )
    );
    let (assert, auth) = key_sent(&sb, a);
    assert.code(0);
    assert_eq!(auth, Some(format!("Bearer {KEY}")));

    // Again: nothing left to move.
    migrate_keys()
        .code(0)
        .stderr(predicate::str::starts_with("no profile keeps its key in "));
}

#[test]
#[ignore = "needs a private Secret Service: tests/keyring/run.sh"]
fn an_entry_removed_behind_orqexs_back_is_exit_3_saying_how_to_store_it_again() {
    let sb = Sandbox::new();
    let p = "kr-gone";
    keyring_profile(&sb, p);
    assert_eq!(lookup(p), None);
    let (assert, auth) = key_sent(&sb, p);
    assert.code(3).stderr(format!(
        "orqex: profile `{p}` keeps its key in the system keyring, but there is no entry for it (service orqex, user {p}); store it again with `orqex login --profile {p}`, or set ORQEX_SECRET_KEY\n"
    ));
    assert_eq!(auth, None);
    // logout still lets the profile forget it.
    orqex(&sb)
        .args(["logout", "--profile", p])
        .assert()
        .code(0)
        .stderr(predicate::str::starts_with(format!(
            "profile `{p}` had no entry left in the system keyring; it no longer points there"
        )));
    assert!(!sb.config_text().contains("keyring"));
}
