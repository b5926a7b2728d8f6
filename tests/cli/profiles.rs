//! Keys and profiles: `login`, `logout`, `config`, the config file's safety (modes, atomic
//! writes, malformed files), and which key a command ends up using.

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
#[cfg(unix)]
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::*;

/// A second fake key, for a second profile. Underscores keep it from looking like a real key.
const LIVE_KEY: &str = "sk_live_test_1111_2222_fake";
const LIVE_MASKED: &str = "sk_live_***fake";
/// A third, only ever in the environment.
const ENV_KEY: &str = "sk_sandbox_test_3333_4444_envk";
const ENV_MASKED: &str = "sk_sandbox_***envk";

/// `orqex login --insecure-storage ARGS` with `input` on stdin: the config file on purpose, so
/// that these tests of the file never touch a real keychain (on macOS and Windows there is
/// always one). The keychain and the fallback to the file are tested in `keyring.rs`.
fn login(sb: &Sandbox, args: &[&str], input: &str) -> Assert {
    sb.cmd()
        .args(["login", "--insecure-storage", "--no-verify"])
        .args(args)
        .write_stdin(input)
        .assert()
}

/// Fails when any of the fake keys, or their secret parts, shows in the output.
fn assert_no_keys(out: &Output) {
    assert_no_key(out);
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for secret in [LIVE_KEY, "1111_2222", ENV_KEY, "3333_4444"] {
            assert!(!text.contains(secret), "{secret} leaked on {name}: {text}");
        }
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Gives the file at `path` the Unix mode `mode` (group and others' bits matter to orqex).
fn chmod(path: &std::path::Path, mode: u32) {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn config_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.config_dir().join("config.toml")).unwrap()
}

fn two_profiles(sb: &Sandbox) -> std::path::PathBuf {
    let path = sb.write_config(&format!(
        "default_profile = \"sandbox\"\n\n[profiles.sandbox]\nsecret_key = \"{KEY}\"\n\n[profiles.live]\nsecret_key = \"{LIVE_KEY}\"\n"
    ));
    chmod(&path, 0o600);
    path
}

/// `orqex ARGS` started by `sh` after `setup` (shell commands that change what the process
/// inherits: limits, terminal modes).
#[cfg(unix)]
fn through_sh(sb: &Sandbox, setup: &str, args: &[&str]) -> Command {
    sh(
        sb.cmd().args(args),
        &format!("{setup} && exec \"$0\" \"$@\""),
    )
}

/// Names of files left in the config directory besides config.toml (temp files).
fn leftovers(sb: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sb.config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "config.toml")
        .collect()
}

// ---- login ----

#[test]
fn login_with_key_stores_the_key_privately_and_prints_it_masked() {
    let sb = Sandbox::new();
    let path = sb.config_dir().join("config.toml");
    let assert = login(&sb, &["--with-key"], &format!("{KEY}\n"))
        .code(0)
        .stdout("")
        .stderr(format!(
            "saved sandbox key {KEY_MASKED} to profile `default` in {}\n",
            path.display()
        ));
    assert_no_keys(assert.get_output());

    #[cfg(unix)]
    {
        assert_eq!(mode(&sb.config_dir()), 0o700, "directory mode");
        assert_eq!(mode(&path), 0o600, "file mode");
    }
    let text = config_text(&sb);
    assert!(
        text.contains(&format!("[profiles.default]\nsecret_key = \"{KEY}\"\n")),
        "{text}"
    );
    assert!(leftovers(&sb).is_empty(), "{:?}", leftovers(&sb));
}

#[test]
fn login_into_a_named_profile_keeps_the_others_and_says_how_to_use_it() {
    let sb = Sandbox::new();
    login(&sb, &["--with-key"], KEY).code(0);
    let assert = login(
        &sb,
        &["--with-key", "--profile", "live"],
        &format!("{LIVE_KEY}\r\n"),
    )
    .code(0)
    .stderr(contains_all([
        format!("saved live key {LIVE_MASKED} to profile `live`"),
        "`live` is not the default profile; use --profile live, or make it the default with: orqex config set default-profile live".into(),
    ]));
    assert_no_keys(assert.get_output());
    let text = config_text(&sb);
    assert!(text.contains(&format!("secret_key = \"{KEY}\"")), "{text}");
    assert!(
        text.contains(&format!("secret_key = \"{LIVE_KEY}\"")),
        "{text}"
    );

    // ORQEX_PROFILE chooses the profile too; a second login replaces the key and says so.
    let assert = sb
        .cmd()
        .env("ORQEX_PROFILE", "live")
        .args(["login", "--with-key", "--insecure-storage", "--no-verify"])
        .write_stdin(format!("{ENV_KEY}\n"))
        .assert()
        .code(0)
        .stderr(contains_all([
            format!("saved sandbox key {ENV_MASKED} to profile `live`"),
            "(replacing the key stored before)".into(),
        ]));
    assert!(!config_text(&sb).contains(LIVE_KEY));
    assert_no_keys(assert.get_output());
}

#[test]
fn login_refuses_bad_input_on_stdin_without_echoing_it_or_writing() {
    let sb = Sandbox::new();
    let cases: &[(&str, &str)] = &[
        ("", "--with-key got nothing on stdin"),
        ("\n", "--with-key got nothing on stdin"),
        (
            "pk_live_notasecret_9999\n",
            "stdin: the secret key must start with `sk_`",
        ),
        ("sk_sandbox_a b\n", "stdin: the secret key contains spaces"),
        (
            "ORQEX_SECRET_KEY=sk_x\nOTHER=1\n",
            "stdin holds more than one line; pipe only the key, on one line",
        ),
        (&"x".repeat(5000), "stdin holds more than 4096 bytes"),
    ];
    for (input, expected) in cases {
        login(&sb, &["--with-key"], input)
            .append_context("stdin", format!("{input:?}"))
            .code(2)
            .stderr(
                predicate::str::starts_with("orqex: ")
                    .and(contains(*expected))
                    .and(contains("notasecret").not())
                    .and(one_line()),
            );
        assert!(
            !sb.config_dir().exists(),
            "nothing may be written: {input:?}"
        );
    }
}

#[test]
fn login_without_a_terminal_says_to_use_with_key() {
    let sb = Sandbox::new();
    sb.cmd()
        .arg("login")
        .stdin(Stdio::null())
        .assert()
        .code(2)
        .stderr(
            "orqex: there is no terminal to type the key in; pipe the key in with --with-key, like: printf '%s\\n' \"$ORQEX_KEY\" | orqex login --with-key\n",
        );
    assert!(!sb.config_dir().exists());
}

#[test]
fn login_refuses_a_key_given_as_an_argument_without_repeating_it() {
    let sb = Sandbox::new();
    let assert = sb
        .cmd()
        .args(["login", LIVE_KEY])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "orqex: an argument holds what looks like a secret key (sk_live_***fake); keys are never taken from the command line, where `ps` and shell history show them",
        ));
    assert_no_keys(assert.get_output());
    assert!(!sb.config_dir().exists());
}

#[test]
fn login_refuses_a_profile_name_that_would_need_quoting() {
    let sb = Sandbox::new();
    login(&sb, &["--with-key", "--profile", "my live"], KEY)
        .code(2)
        .stderr(contains("`my live` is not a usable profile name"));
    assert!(!sb.config_dir().exists());
}

#[test]
fn login_says_when_the_environment_key_still_wins() {
    let sb = Sandbox::new();
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["login", "--with-key", "--insecure-storage", "--no-verify"])
        .write_stdin(KEY)
        .assert()
        .code(0)
        .stderr(contains(
            "orqex: note: ORQEX_SECRET_KEY is set in this environment and wins over the stored key while it is set",
        ));
    assert_no_keys(assert.get_output());
}

// ---- which key a command uses ----

/// `checkout create` against a recording server; returns the Authorization header sent.
fn key_sent(sb: &Sandbox, setup: impl FnOnce(&mut Command)) -> (Assert, Option<String>) {
    let mut cmd = sb.cmd();
    setup(&mut cmd);
    authorization_sent(&mut cmd)
}

#[test]
fn the_active_profile_and_the_environment_decide_which_key_is_sent() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    let bearer = |k: &str| Some(format!("Bearer {k}"));

    // The file's default_profile.
    let (assert, auth) = key_sent(&sb, |_| {});
    assert_eq!(auth, bearer(KEY));
    assert_no_keys(assert.code(0).get_output());

    // ORQEX_PROFILE beats default_profile.
    let (_, auth) = key_sent(&sb, |c| {
        c.env("ORQEX_PROFILE", "live");
    });
    assert_eq!(auth, bearer(LIVE_KEY));

    // --profile beats ORQEX_PROFILE.
    let (_, auth) = key_sent(&sb, |c| {
        c.env("ORQEX_PROFILE", "sandbox")
            .args(["--profile", "live"]);
    });
    assert_eq!(auth, bearer(LIVE_KEY));

    // ORQEX_SECRET_KEY beats every profile.
    let (assert, auth) = key_sent(&sb, |c| {
        c.env("ORQEX_SECRET_KEY", ENV_KEY)
            .args(["--profile", "live"]);
    });
    assert_eq!(auth, bearer(ENV_KEY));
    assert_no_keys(assert.get_output());

    // A profile without a key is exit 3, naming the profile and both ways to give one.
    let (assert, auth) = key_sent(&sb, |c| {
        c.args(["--profile", "staging"]);
    });
    assert_eq!(auth, None);
    assert.code(3).stderr(contains(
        "no secret key for profile `staging`: set ORQEX_SECRET_KEY, or run `orqex login --profile staging`",
    ));
}

#[test]
fn a_key_stored_by_login_is_the_one_sent() {
    let sb = Sandbox::new();
    login(&sb, &["--with-key"], KEY).code(0);
    let (assert, auth) = key_sent(&sb, |_| {});
    assert.code(0);
    assert_eq!(auth, Some(format!("Bearer {KEY}")));
}

// ---- logout ----

#[test]
fn logout_removes_only_the_active_profiles_key() {
    let sb = Sandbox::new();
    let path = two_profiles(&sb);
    let assert = sb
        .cmd()
        .args(["logout", "--profile", "live"])
        .assert()
        .code(0)
        .stderr(format!(
            "removed the key {LIVE_MASKED} from profile `live` in {}\n",
            path.display()
        ));
    assert_no_keys(assert.get_output());
    let text = config_text(&sb);
    assert!(!text.contains(LIVE_KEY), "{text}");
    assert!(
        !text.contains("[profiles.live]"),
        "empty profile dropped: {text}"
    );
    assert!(text.contains(&format!("secret_key = \"{KEY}\"")), "{text}");
    assert!(text.contains("default_profile = \"sandbox\""), "{text}");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    let (assert, _) = key_sent(&sb, |c| {
        c.args(["--profile", "live"]);
    });
    assert.code(3);

    // Again: nothing to remove is not an error, and the file is not rewritten.
    let before = config_text(&sb);
    sb.cmd()
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["logout", "--profile", "live"])
        .assert()
        .code(0)
        .stderr(contains_all([
            "profile `live` has no stored key",
            "nothing changed",
            "ORQEX_SECRET_KEY is still set in this environment and is used instead",
        ]));
    assert_eq!(config_text(&sb), before);
}

#[test]
fn no_command_prints_a_key_unmasked() {
    let sb = Sandbox::new();
    two_profiles(&sb);
    let server = Server::created("cs_sweep");
    let runs: Vec<(&str, Assert)> = vec![
        ("config", sb.cmd().arg("config").assert()),
        (
            "config env",
            sb.cmd()
                .env("ORQEX_SECRET_KEY", ENV_KEY)
                .arg("config")
                .assert(),
        ),
        (
            "config --json",
            sb.cmd()
                .env("ORQEX_SECRET_KEY", ENV_KEY)
                .args(["config", "--json"])
                .assert(),
        ),
        (
            "create",
            sb.cmd()
                .env("ORQEX_BASE_URL", server.url())
                .args(CREATE)
                .assert(),
        ),
        (
            "create live",
            sb.cmd()
                .env("ORQEX_BASE_URL", server.url())
                .args(["--profile", "live"])
                .args(CREATE)
                .assert(),
        ),
        ("dry run", sb.cmd().args(CREATE).arg("--dry-run").assert()),
        (
            "login",
            login(&sb, &["--with-key", "--profile", "other"], ENV_KEY),
        ),
        (
            "config set",
            sb.cmd().args(["config", "set", "currency", "XOF"]).assert(),
        ),
        (
            "logout",
            sb.cmd().args(["logout", "--profile", "live"]).assert(),
        ),
    ];
    for (name, assert) in runs {
        assert_no_keys(assert.get_output());
        assert.append_context("command", name).success();
    }
}

// ---- the file's safety ----

#[cfg(unix)]
#[test]
fn a_file_open_to_others_gets_one_warning_with_the_exact_chmod() {
    let sb = Sandbox::new();
    let path = two_profiles(&sb);
    chmod(&path, 0o644);
    let warning = format!(
        "orqex: warning: config file {p} is open to group or others (mode 0644) and may hold secret keys; fix it with: chmod 600 {p}\n",
        p = path.display()
    );

    for args in [
        &["config"][..],
        &[
            "checkout",
            "create",
            "--dry-run",
            "--amount",
            "50",
            "--currency",
            "XOF",
            "--description",
            "d",
            "--email",
            "a@example.com",
            "--first-name",
            "A",
            "--last-name",
            "B",
        ][..],
        &["config", "set", "currency", "XOF"][..],
    ] {
        chmod(&path, 0o644);
        let assert = sb
            .cmd()
            .args(args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(0)
            .stderr(predicate::str::starts_with(warning.clone()))
            // Warnings stay off stdout.
            .stdout(contains("chmod").not());
        let err = stderr(assert.get_output());
        assert_eq!(err.matches("chmod 600").count(), 1, "{args:?}: {err}");
        assert_no_keys(assert.get_output());
    }
    // `config set` rewrote the file, with mode 0600.
    assert_eq!(mode(&path), 0o600);

    // A group-readable file is warned about too; a private one is not.
    chmod(&path, 0o640);
    sb.cmd()
        .arg("config")
        .assert()
        .stderr(contains("(mode 0640)"));
    chmod(&path, 0o600);
    sb.cmd().arg("config").assert().stderr("");
}

#[test]
fn a_malformed_file_is_exit_2_naming_file_and_line_and_is_never_rewritten() {
    let sb = Sandbox::new();
    let broken = format!("[profiles.sandbox]\nsecret_key = \"{KEY}\"\ncurrency = XOF\n");
    let path = sb.write_config(&broken);
    chmod(&path, 0o600);

    let runs: Vec<Assert> = vec![
        login(&sb, &["--with-key"], LIVE_KEY),
        sb.cmd().arg("logout").assert(),
        sb.cmd().args(["config", "set", "currency", "EUR"]).assert(),
        sb.cmd().args(["config", "unset", "currency"]).assert(),
        sb.cmd().arg("config").assert(),
        sb.cmd().args(CREATE).arg("--dry-run").assert(),
    ];
    for assert in runs {
        assert_no_keys(assert.get_output());
        assert.code(2).stderr(
            predicate::str::starts_with(format!("orqex: config file {}: line 3: ", path.display()))
                .and(contains("fix or remove the file"))
                .and(one_line()),
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }
    assert!(leftovers(&sb).is_empty());
}

/// A failed write must leave the old file as it was. The failure has to be one that root
/// meets too (CI runs as root, and permission bits do not stop root): the file size limit.
/// `ulimit -f 0` makes every write to a regular file fail with EFBIG (SIGXFSZ is ignored so
/// the write returns an error instead of killing the process), while reading the old file
/// and writing to stdout/stderr pipes still work. So orqex gets as far as creating its temp
/// file and fails while writing it: the rename must never happen and the temp file must go.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_old_file_intact() {
    let sb = Sandbox::new();
    let path = two_profiles(&sb);
    let before = std::fs::read(&path).unwrap();

    let assert = through_sh(
        &sb,
        "trap '' XFSZ; ulimit -f 0",
        &[
            "login",
            "--with-key",
            "--insecure-storage",
            "--no-verify",
            "--profile",
            "sandbox",
        ],
    )
    .write_stdin(ENV_KEY)
    .assert()
    .code(1)
    .stderr(
        predicate::str::starts_with(format!(
            "orqex: cannot write config file {}: writing the temp file: ",
            path.display()
        ))
        .and(predicate::str::ends_with("; the file was not changed\n")),
    );
    assert_no_keys(assert.get_output());
    assert_eq!(std::fs::read(&path).unwrap(), before, "old file changed");
    assert_eq!(mode(&path), 0o600);
    assert!(
        leftovers(&sb).is_empty(),
        "temp file left: {:?}",
        leftovers(&sb)
    );

    // The same login without the limit works, so the failure above was the write.
    login(&sb, &["--with-key", "--profile", "sandbox"], ENV_KEY).code(0);
    assert!(config_text(&sb).contains(ENV_KEY));
}

#[cfg(unix)]
#[test]
fn an_existing_config_directory_keeps_its_mode_and_a_new_one_is_private() {
    // A directory the user made (ORQEX_CONFIG_DIR) is theirs: orqex does not chmod it.
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    chmod(&sb.config_dir(), 0o755);
    login(&sb, &["--with-key"], KEY).code(0);
    assert_eq!(mode(&sb.config_dir()), 0o755);
    assert_eq!(mode(&sb.config_dir().join("config.toml")), 0o600);

    // Nested missing directories are created; the config directory itself is 0700.
    let sb = Sandbox::new();
    let deep = sb.home.path().join("a").join("b");
    sb.cmd()
        .env("ORQEX_CONFIG_DIR", &deep)
        .args(["login", "--with-key", "--insecure-storage", "--no-verify"])
        .write_stdin(KEY)
        .assert()
        .code(0);
    assert_eq!(mode(&deep), 0o700);
    assert_eq!(mode(&deep.join("config.toml")), 0o600);
}

// ---- orqex config ----

#[cfg(unix)]
#[test]
fn config_shows_the_active_profile_and_where_everything_comes_from() {
    let sb = Sandbox::new();
    let path = sb.write_config(&format!(
        "default_profile = \"sandbox\"\n\n[profiles.sandbox]\nsecret_key = \"{KEY}\"\ncurrency = \"XOF\"\n\n[profiles.live]\nsecret_key = \"{LIVE_KEY}\"\nbase_url = \"https://eu.api.orqex.example/v1\"\n"
    ));
    chmod(&path, 0o600);

    let assert = sb
        .cmd()
        .arg("config")
        .assert()
        .code(0)
        .stderr("")
        .stdout(format!(
            "config file: {p} (mode 0600)\n\
             profile:     sandbox (from default_profile in the config file)\n\
             secret key:  {KEY_MASKED} (from profile `sandbox` in the config file)\n\
             base URL:    https://api.orqex.com/v1 (default)\n\
             currency:    XOF (from profile `sandbox` in the config file)\n\
             CA bundle:   not set (built-in roots)\n\
             webhook:     no signing secret (set ORQEX_WEBHOOK_SECRET, or pipe it to: orqex config set webhook-secret)\n\
             \n\
             profiles (* active):\n\
             \x20 live     key {LIVE_MASKED} (file), base-url https://eu.api.orqex.example/v1\n\
             * sandbox  key {KEY_MASKED} (file), currency XOF\n",
            p = path.display()
        ));
    assert_no_keys(assert.get_output());

    // The flag, and the environment's key and base URL.
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .env("ORQEX_BASE_URL", "http://127.0.0.1:9/v1/")
        .args(["config", "--profile", "live"])
        .assert()
        .code(0)
        .stdout(contains_all([
            "profile:     live (from --profile)\n".to_string(),
            format!("secret key:  {ENV_MASKED} (from ORQEX_SECRET_KEY)\n"),
            "base URL:    http://127.0.0.1:9/v1 (from ORQEX_BASE_URL)\n".to_string(),
            "currency:    not set (give --currency)\n".to_string(),
            format!("* live     key {LIVE_MASKED} (file), base-url"),
        ]));
    assert_no_keys(assert.get_output());

    // ORQEX_PROFILE, and a profile the file does not have.
    sb.cmd()
        .env("ORQEX_PROFILE", "staging")
        .arg("config")
        .assert()
        .stdout(contains_all([
            "profile:     staging (from ORQEX_PROFILE)\n",
            "secret key:  none (set ORQEX_SECRET_KEY, or run: orqex login --profile staging)\n",
        ]));

    // No file at all.
    let sb = Sandbox::new();
    sb.cmd()
        .arg("config")
        .assert()
        .code(0)
        .stdout(contains_all([
            "(not created yet)",
            "profile:     default (default: no --profile, ORQEX_PROFILE or default_profile)\n",
        ]))
        .stdout(predicate::str::ends_with(
            "no profiles stored; add one with: orqex login [--profile NAME]\n",
        ));
    assert!(!sb.config_dir().exists(), "showing creates nothing");
}

#[cfg(unix)]
#[test]
fn config_json_is_complete_and_masked() {
    let sb = Sandbox::new();
    let path = two_profiles(&sb);
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["config", "show", "--json", "--profile", "live"])
        .assert()
        .code(0);
    assert_no_keys(assert.get_output());
    let v = stdout_json(assert.get_output());
    assert_eq!(v["config_file"], path.to_str().unwrap());
    assert_eq!(v["config_file_exists"], true);
    assert_eq!(v["config_file_mode"], "0600");
    assert_eq!(
        v["profile"],
        serde_json::json!({"value": "live", "source": "flag"})
    );
    assert_eq!(
        v["secret_key"],
        serde_json::json!({"masked": ENV_MASKED, "environment": "sandbox", "source": "env", "env_var": "ORQEX_SECRET_KEY"})
    );
    assert_eq!(
        v["base_url"],
        serde_json::json!({"value": "https://api.orqex.com/v1", "source": "default"})
    );
    assert_eq!(v["currency"], Value::Null);
    assert_eq!(v["default_profile"], "sandbox");
    assert_eq!(
        v["profiles"]["live"]["secret_key"],
        serde_json::json!({"masked": LIVE_MASKED, "environment": "live", "source": "file"})
    );
    assert_eq!(v["profiles"]["sandbox"]["secret_key"]["masked"], KEY_MASKED);

    // `orqex config --json` is the same.
    let again = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", ENV_KEY)
        .args(["config", "--json", "--profile", "live"])
        .assert();
    assert_eq!(stdout_json(again.get_output()), v);
}

#[test]
fn config_shows_bad_values_without_failing_or_leaking() {
    let sb = Sandbox::new();
    let path = sb.write_config(
        "[profiles.default]\nsecret_key = \"pk_live_notasecret_9999\"\nbase_url = \"http://api.orqex.example\"\ncurrency = \"XOFF\"\n",
    );
    chmod(&path, 0o600);
    sb.cmd()
        .arg("config")
        .assert()
        .code(0)
        .stdout(contains("notasecret").not())
        .stdout(contains_all([
            "secret key:  (not a usable key) (from profile `default` in the config file)  INVALID: the secret key must start with `sk_`",
            "base URL:    http://api.orqex.example (from profile `default` in the config file)  INVALID: ",
            "currency:    XOFF (from profile `default` in the config file)  INVALID: ",
        ]));

    // The same bad key in the environment, as JSON.
    let assert = sb
        .cmd()
        .env("ORQEX_SECRET_KEY", "pk_live_notasecret_9999")
        .args(["config", "--json"])
        .assert()
        .stdout(contains("notasecret").not());
    let v = stdout_json(assert.get_output());
    assert_eq!(v["secret_key"]["masked"], Value::Null);
    assert_eq!(v["secret_key"]["env_var"], "ORQEX_SECRET_KEY");
    assert!(v["secret_key"]["problem"].as_str().unwrap().contains("sk_"));
}

// ---- config get ----

#[test]
fn config_get_prints_one_value_in_effect_and_secrets_only_masked() {
    let sb = Sandbox::new();
    let get = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = sb.cmd();
        cmd.args(["config", "get"]).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    sb.cmd()
        .args(["config", "set", "currency", "xof"])
        .assert()
        .code(0);
    sb.cmd()
        .args(["config", "set", "default-profile", "default"])
        .assert()
        .code(0);
    for (args, env, expected) in [
        (&["currency"][..], &[][..], "XOF\n"),
        (&["default_profile"], &[], "default\n"),
        (&["base-url"], &[], "https://api.orqex.com/v1\n"),
        (
            &["base-url"],
            &[("ORQEX_BASE_URL", "http://127.0.0.1:9/v1")],
            "http://127.0.0.1:9/v1\n",
        ),
        (
            &["secret-key"],
            &[("ORQEX_SECRET_KEY", KEY)],
            "sk_sandbox_***fake\n",
        ),
        (
            &["webhook-secret"],
            &[("ORQEX_WEBHOOK_SECRET", "whsec_test_0000_0000_fake")],
            "whsec_***fake\n",
        ),
    ] {
        let out = get(args, env);
        assert_eq!(
            (out.status.code(), stdout(&out), stderr(&out)),
            (Some(0), expected.to_string(), String::new()),
            "{args:?}"
        );
        assert_no_key(&out);
        assert!(!stdout(&out).contains("test_0000"), "{args:?}");
    }
    // Not set: nothing on stdout (a script gets an empty value), a note for the person.
    for (key, note) in [
        (
            "ca-bundle",
            "orqex: note: ca-bundle is not set for profile `default`\n",
        ),
        (
            "webhook-secret",
            "orqex: note: webhook-secret is not set for profile `default`\n",
        ),
        (
            "secret-key",
            "orqex: note: secret-key is not set for profile `default`\n",
        ),
    ] {
        let out = get(&[key], &[]);
        assert_eq!(
            (out.status.code(), stdout(&out), stderr(&out)),
            (Some(0), String::new(), note.to_string()),
            "{key}"
        );
    }
    let out = get(&["currency", "--profile", "other"], &[]);
    assert_eq!(
        stderr(&out),
        "orqex: note: currency is not set for profile `other`\n"
    );
    let out = get(&["colour"], &[]);
    assert_eq!(
        (out.status.code(), stdout(&out), stderr(&out)),
        (
            Some(2),
            String::new(),
            "orqex: invalid value 'colour' for '<KEY>' (possible values: default-profile, currency, base-url, ca-bundle, webhook-secret, secret-key); see --help\n".to_string()
        )
    );
}

// ---- config set / unset ----

#[test]
fn config_set_and_unset_each_setting() {
    let sb = Sandbox::new();
    let path = sb.config_dir().join("config.toml");
    let ca = sb.file("ca.pem", std::fs::read(TEST_CA).unwrap());
    let ok = |args: &[&str]| {
        let assert = sb
            .cmd()
            .args(args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(0)
            .stdout("");
        stderr(assert.get_output())
    };

    assert_eq!(
        ok(&["config", "set", "currency", "xof"]),
        format!(
            "set currency = XOF in profile `default` ({})\n",
            path.display()
        )
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&sb.config_dir()), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
    ok(&[
        "config",
        "set",
        "base_url",
        "https://eu.api.orqex.example/v1/",
        "--profile",
        "live",
    ]);
    ok(&[
        "--profile",
        "live",
        "config",
        "set",
        "ca-bundle",
        ca.to_str().unwrap(),
    ]);
    let err = ok(&["config", "set", "default-profile", "live"]);
    assert!(
        err.contains(
            "orqex: note: profile `live` has no key yet; store one with: orqex login --profile live"
        ),
        "{err}"
    );
    let text = config_text(&sb);
    assert!(
        text.ends_with(&format!(
            "default_profile = \"live\"\n\n[profiles.default]\ncurrency = \"XOF\"\n\n[profiles.live]\nbase_url = \"https://eu.api.orqex.example/v1\"\nca_bundle = \"{}\"\n",
            ca.display()
        )),
        "{text}"
    );

    // default-profile now picks `live`, whose values the show reports.
    let v = stdout_json(sb.cmd().args(["config", "--json"]).assert().get_output());
    assert_eq!(v["profile"]["value"], "live");
    assert_eq!(v["profile"]["source"], "file");
    assert_eq!(v["base_url"]["value"], "https://eu.api.orqex.example/v1");
    assert_eq!(v["ca_bundle"]["value"], ca.to_str().unwrap());

    // Unset; the emptied profile and the default go away.
    ok(&["config", "unset", "base-url"]);
    ok(&["config", "unset", "ca-bundle"]);
    ok(&["config", "unset", "default-profile"]);
    assert_eq!(
        ok(&["config", "unset", "currency", "--profile", "staging"]),
        "currency is not set in profile `staging`; nothing changed\n"
    );
    ok(&["config", "unset", "currency"]);
    let text = config_text(&sb);
    assert!(!text.contains('['), "{text}");
    assert!(!text.contains("default_profile"), "{text}");
}

#[test]
fn config_set_refuses_bad_values_and_secrets_with_exit_2() {
    let sb = Sandbox::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["currency", "XOFF"],
            "orqex: currency: `XOFF` is not a three-letter ISO 4217 currency code, like XOF\n",
        ),
        (
            &["base-url", "http://api.orqex.example/v1"],
            "orqex: base-url: `http://api.orqex.example/v1` uses plain http to a non-loopback host, which would send the key in clear text; use https\n",
        ),
        (
            &["ca-bundle", "/nonexistent/ca.pem"],
            "orqex: ca-bundle: cannot read /nonexistent/ca.pem: ",
        ),
        (
            &["default-profile", "my live"],
            "orqex: default-profile: `my live` is not a usable profile name",
        ),
        (
            &["colour", "blue"],
            "orqex: invalid value 'colour' for '<KEY>' (possible values: default-profile, currency, base-url, ca-bundle, webhook-secret); see --help\n",
        ),
        (
            &["secret-key", "hunter2hunter2"],
            "orqex: the secret key is not a `config set` setting: store it with `orqex login`",
        ),
        (
            &["secret_key", LIVE_KEY],
            "orqex: an argument holds what looks like a secret key (sk_live_***fake); keys are never taken from the command line",
        ),
        (
            &["currency", LIVE_KEY],
            "orqex: an argument holds what looks like a secret key",
        ),
    ];
    for (args, expected) in cases {
        let assert = sb
            .cmd()
            .args(["config", "set"])
            .args(*args)
            .assert()
            .append_context("args", format!("{args:?}"))
            .code(2)
            .stderr(
                predicate::str::starts_with(*expected)
                    .and(one_line())
                    .and(contains("hunter2").not()),
            );
        assert_no_keys(assert.get_output());
        assert!(!sb.config_dir().exists(), "nothing written for {args:?}");
    }

    // A file that is not a PEM bundle.
    let not_pem = sb.file("key.pem", "-----BEGIN PRIVATE KEY-----\n");
    sb.cmd()
        .args(["config", "set", "ca-bundle", not_pem.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains(
            "is not valid PEM (a block is cut short or damaged)",
        ));

    sb.cmd()
        .args(["config", "unset", "secret_key"])
        .assert()
        .code(2)
        .stderr(contains("remove it with `orqex logout`"));
}

#[test]
fn a_relative_ca_bundle_is_stored_absolute() {
    let sb = Sandbox::new();
    let ca = sb.file("ca.pem", std::fs::read(TEST_CA).unwrap());
    sb.cmd()
        .current_dir(sb.home.path())
        .args(["config", "set", "ca-bundle", "ca.pem"])
        .assert()
        .code(0);
    let expected = format!("ca_bundle = \"{}\"", ca.display());
    assert!(config_text(&sb).contains(&expected), "{}", config_text(&sb));
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_file_is_written_through_the_link() {
    let sb = Sandbox::new();
    let real_dir = sb.home.path().join("dotfiles");
    std::fs::create_dir_all(&real_dir).unwrap();
    let real = real_dir.join("orqex.toml");
    std::fs::write(&real, "[profiles.default]\ncurrency = \"GHS\"\n").unwrap();
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    let link = sb.config_dir().join("config.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    sb.cmd()
        .args(["config", "set", "currency", "XOF"])
        .assert()
        .code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("currency = \"XOF\"")
    );
}

#[test]
fn an_unusable_profile_name_is_a_usage_error_everywhere() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["--profile", "a/b", "checkout", "create"])
        .args(&CREATE[2..])
        .assert()
        .code(2)
        .stderr(contains("`a/b` is not a usable profile name"));
    sb.write_config("default_profile = \"a b\"\n");
    sb.cmd()
        .args(["checkout", "get", "cs_abc123"])
        .assert()
        .code(2)
        .stderr(contains("`a b` is not a usable profile name"));
}

#[test]
fn a_base_url_with_a_password_is_refused_without_echoing_it() {
    Sandbox::new()
        .cmd()
        .env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", "https://user:hunter2@api.orqex.com/v1")
        .args(CREATE)
        .assert()
        .code(2)
        .stderr(contains("hunter2").not());
}

#[test]
fn config_checks_a_relative_ca_bundle_where_commands_read_it() {
    let sb = Sandbox::new();
    sb.write_config("[profiles.default]\nca_bundle = \"corp-ca.pem\"\n");
    std::fs::copy(TEST_CA, sb.config_dir().join("corp-ca.pem")).unwrap();
    sb.cmd()
        .arg("config")
        .assert()
        .code(0)
        .stdout(contains("corp-ca.pem").and(contains("INVALID").not()));
}

#[test]
fn logout_refuses_an_unusable_profile_name() {
    Sandbox::new()
        .cmd()
        .args(["--profile", "a b", "logout"])
        .assert()
        .code(2)
        .stderr(contains("`a b` is not a usable profile name"));
}

#[test]
fn a_relative_config_dir_is_refused_and_nothing_is_read_written_or_sent() {
    let server = Server::created("cs_never");
    let sb = Sandbox::new();
    let cwd = sb.home.path().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let refused = |assert: Assert, fix: &str| {
        assert
            .code(2)
            .stdout("")
            .stderr(format!(
                "orqex: ORQEX_CONFIG_DIR is a relative path; set it to an absolute one, like \"{fix}\", so the config file does not depend on the current directory\n"
            ))
    };
    for (dir, fix) in [
        ("orqex-config", "$PWD/orqex-config"),
        ("./cfg", "$PWD/./cfg"),
        // Quoted, the shell leaves `~` as it is.
        ("~/.config/orqex", "$HOME/.config/orqex"),
    ] {
        refused(
            sb.create(&server)
                .current_dir(&cwd)
                .env("ORQEX_CONFIG_DIR", dir)
                .assert(),
            fix,
        );
        let assert = refused(
            sb.cmd()
                .current_dir(&cwd)
                .env("ORQEX_CONFIG_DIR", dir)
                .args(["login", "--with-key", "--insecure-storage", "--no-verify"])
                .write_stdin(KEY)
                .assert(),
            fix,
        );
        assert_no_keys(assert.get_output());
    }
    server.assert_hits(0);
    assert_eq!(
        std::fs::read_dir(&cwd).unwrap().count(),
        0,
        "a file was written"
    );
}
