//! `orqex config`: show the settings in effect and where each comes from; `config set` and
//! `config unset` for the non-secret ones, and for the webhook signing secret, which
//! `config set` reads from stdin (or asks for, hidden), never from the command line.
//!
//! Showing never fails on a bad value (it says what is wrong with it instead), since this is
//! where a user comes to find out why another command refused to run.

mod get;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::checkout::checks;
use crate::cli::{ConfigArgs, ConfigCommand, ConfigSetArgs, ConfigShowArgs, ConfigUnsetArgs};
use crate::config::{
    self, ConfigFile, ENV_BASE_URL, ENV_KEY, ENV_WEBHOOK_SECRET, KeyAt, Picked, ProfileKey,
    Setting, Source,
};
use crate::error::{Error, Result};
use crate::keystore;
use crate::prompt;
use crate::secret::{SecretKey, WebhookSecret};
use crate::ui::Ui;

pub fn run(ui: &Ui, profile_flag: Option<&str>, args: ConfigArgs) -> Result<()> {
    if args.show.check {
        return super::whoami::run(ui, profile_flag, &crate::cli::NetArgs::default());
    }
    match args.command {
        None => show(ui, profile_flag, &args.show),
        Some(ConfigCommand::Show(a)) => show(ui, profile_flag, &a),
        Some(ConfigCommand::Get(a)) => get::get(ui, profile_flag, &a),
        Some(ConfigCommand::Set(a)) => set(ui, profile_flag, a),
        Some(ConfigCommand::Unset(a)) => unset(ui, profile_flag, a),
        Some(ConfigCommand::MigrateKeys) => migrate_keys(ui),
    }
}

/// Moves every key the file holds into the keychain, one profile at a time: written, read
/// back, and only then removed from the file (saved after each, so a failure part-way keeps
/// what was done). Stops at the first key the keychain does not take.
fn migrate_keys(ui: &Ui) -> Result<()> {
    let path = config::config_path()?;
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();
    let in_file: Vec<(String, String)> = file
        .profiles()
        .iter()
        .filter_map(|(name, p)| match p.key_at()? {
            KeyAt::File(raw) => Some((name.clone(), raw.to_string())),
            KeyAt::Keyring => None,
        })
        .collect();
    if in_file.is_empty() {
        ui.status(&format!(
            "no profile keeps its key in {}; nothing to move",
            path.display()
        ));
        return Ok(());
    }
    let mut left = Vec::new();
    for (i, (name, raw)) in in_file.iter().enumerate() {
        // A key that would be refused anyway stays where `orqex config` shows what is wrong.
        let Ok(key) = SecretKey::parse(raw) else {
            ui.warning(&format!(
                "profile `{name}`: what the file holds is not a usable key, so it stays there; `orqex config` says why"
            ));
            left.push(name.as_str());
            continue;
        };
        if let Err(f) = keystore::write_confirmed(name, key.expose()) {
            let rest: Vec<&str> = left
                .iter()
                .copied()
                .chain(in_file[i..].iter().map(|(n, _)| n.as_str()))
                .collect();
            return Err(Error::Other(format!(
                "cannot move the key of profile `{name}` to {}: {f}; the keys of {} stay in {}",
                keystore::NAME,
                profile_list(&rest),
                path.display()
            )));
        }
        file.set_key(name, Some(KeyAt::Keyring));
        config::save(&path, &file)?;
        ui.status(&format!(
            "moved the key {key} of profile `{name}` to {} (service {}, user {name})",
            keystore::NAME,
            keystore::SERVICE
        ));
    }
    if left.is_empty() {
        ui.status(&format!("{} holds no key now", path.display()));
    }
    Ok(())
}

/// `a`, `a and b`, `a, b and c`, each in backquotes.
fn profile_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => format!("profile {last}"),
        Some((last, rest)) => format!("profiles {} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How to store a webhook signing secret from a script.
const WEBHOOK_PIPE_EXAMPLE: &str =
    "printf '%s\\n' \"$WEBHOOK_SECRET\" | orqex config set webhook-secret";

/// What is done with a setting: the key's own commands differ for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Set,
    Unset,
}

impl Setting {
    /// The setting itself, for `set` and `unset`: the secret key has commands of its own.
    fn stored(self, change: Change) -> Result<Setting> {
        match (self, change) {
            (Setting::SecretKey, Change::Set) => Err(Error::usage(
                "the secret key is not a `config set` setting: store it with `orqex login` (typed hidden, or piped with --with-key)",
            )),
            (Setting::SecretKey, Change::Unset) => Err(Error::usage(
                "the secret key is not a `config unset` setting: remove it with `orqex logout`",
            )),
            (setting, _) => Ok(setting),
        }
    }

    /// The value checked and normalised as it will be stored, or what is wrong with it.
    fn check(self, raw: &str) -> std::result::Result<String, String> {
        match self {
            Setting::DefaultProfile => {
                config::check_profile_name(raw.trim()).map(|()| raw.trim().to_string())
            }
            Setting::Currency => checks::currency(raw),
            Setting::BaseUrl => config::check_base_url(raw),
            Setting::CaBundle => check_ca_bundle(raw),
            Setting::WebhookSecret => WebhookSecret::parse(raw).map(|s| s.expose().to_string()),
            // `stored` sent it to `orqex login`.
            Setting::SecretKey => Err("stored by `orqex login`".to_string()),
        }
    }

    /// Stores `value` (or with `None` removes the setting): at the top of the file, or in
    /// `profile`. Returns what was there.
    fn store(self, file: &mut ConfigFile, profile: &str, value: Option<String>) -> Option<String> {
        let key = match self {
            Setting::DefaultProfile => return file.set_default_profile(value),
            Setting::Currency => ProfileKey::Currency,
            Setting::BaseUrl => ProfileKey::BaseUrl,
            Setting::CaBundle => ProfileKey::CaBundle,
            Setting::WebhookSecret => ProfileKey::WebhookSecret,
            // `stored` sent it to `orqex login` and `orqex logout`.
            Setting::SecretKey => return None,
        };
        file.set(profile, key, value)
    }

    /// Which profile the setting lives in, or None for a top-level one.
    fn profile(
        self,
        profile_flag: Option<&str>,
        file: &ConfigFile,
        path: &Path,
    ) -> Result<Option<String>> {
        if self == Setting::DefaultProfile {
            Ok(None)
        } else {
            config::usable_profile(profile_flag, file, path).map(Some)
        }
    }
}

fn target_name(profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!("profile `{p}`"),
        None => "the config file".to_string(),
    }
}

/// An existing PEM file of certificates, stored as an absolute path so that it means the
/// same file whatever directory orqex runs in later.
fn check_ca_bundle(raw: &str) -> std::result::Result<String, String> {
    let path = Path::new(raw);
    crate::config::load_ca_bundle(path)?;
    let abs = std::path::absolute(path).map_err(|e| format!("cannot resolve `{raw}`: {e}"))?;
    abs.into_os_string()
        .into_string()
        .map_err(|_| format!("`{raw}` is not a UTF-8 path; move the file to one that is"))
}

fn set(ui: &Ui, profile_flag: Option<&str>, args: ConfigSetArgs) -> Result<()> {
    let setting = args.key.stored(Change::Set)?;
    if setting == Setting::WebhookSecret {
        return set_webhook_secret(ui, profile_flag, args.value.is_some());
    }
    let Some(raw) = args.value.as_deref() else {
        let example = match setting {
            Setting::DefaultProfile => "live",
            Setting::Currency => "XOF",
            Setting::BaseUrl => "https://api.orqex.com/v1",
            Setting::CaBundle | Setting::WebhookSecret | Setting::SecretKey => "./corp-ca.pem",
        };
        return Err(Error::usage(format!(
            "`config set {}` needs a value, like: orqex config set {} {example}",
            setting.name(),
            setting.name()
        )));
    };
    let path = config::config_path()?;
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();
    let value = setting
        .check(raw)
        .map_err(|e| Error::usage(format!("{}: {e}", setting.name())))?;

    let profile = setting.profile(profile_flag, &file, &path)?;
    // A profile named on purpose (--profile, ORQEX_PROFILE) that does not exist yet is made
    // now: perhaps by a typo, so it is said, with what it still lacks.
    let named = matches!(
        config::resolve_profile(profile_flag, &file, &path).1,
        Source::Flag | Source::Env(_)
    );
    let created = profile
        .as_deref()
        .filter(|p| named && file.profile(p).is_none());
    setting.store(
        &mut file,
        profile.as_deref().unwrap_or_default(),
        Some(value.clone()),
    );
    let target = target_name(profile.as_deref());
    config::save(&path, &file)?;
    ui.status(&format!(
        "set {} = {value} in {target} ({})",
        setting.name(),
        path.display()
    ));
    if let Some(p) = created {
        ui.note(&format!(
            "created profile `{p}`; it has no key yet: store one with: orqex login --profile {p}"
        ));
    }

    match setting {
        Setting::DefaultProfile if file.profile(&value).is_none_or(|p| p.key_at().is_none()) => {
            ui.note(&format!(
                "profile `{value}` has no key yet; store one with: orqex login --profile {value}"
            ));
        }
        Setting::BaseUrl if config::env_nonempty(ENV_BASE_URL).is_some() => {
            ui.note(&format!(
                "{ENV_BASE_URL} is set in this environment and wins over this setting while it is set"
            ));
        }
        _ => {}
    }
    Ok(())
}

/// `config set webhook-secret`: the secret read from a pipe, or typed hidden at a terminal,
/// and stored in the active profile. A value on the command line is refused without being
/// repeated (one shaped like a secret never gets here: `check_args` refused it).
fn set_webhook_secret(ui: &Ui, profile_flag: Option<&str>, value_in_argv: bool) -> Result<()> {
    if value_in_argv {
        return Err(Error::usage(format!(
            "webhook-secret takes no value on the command line, where shell history and `ps` keep it; pipe it in: {WEBHOOK_PIPE_EXAMPLE} (or run that command at a terminal without the pipe to type it hidden)"
        )));
    }
    let path = config::config_path()?;
    // Loaded before reading, so a malformed file stops us before the secret is typed.
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();
    let profile = config::usable_profile(profile_flag, &file, &path)?;
    let secret = read_webhook_secret(ui, &profile)?;
    let replaced = file
        .set(
            &profile,
            ProfileKey::WebhookSecret,
            Some(secret.expose().to_string()),
        )
        .is_some();
    config::save(&path, &file)?;
    ui.status(&format!(
        "saved webhook signing secret {secret} to profile `{profile}` in {}{}",
        path.display(),
        if replaced {
            " (replacing the one stored before)"
        } else {
            ""
        }
    ));
    if config::env_nonempty(ENV_WEBHOOK_SECRET).is_some() {
        ui.note(&format!(
            "{ENV_WEBHOOK_SECRET} is set in this environment and wins over the stored secret while it is set"
        ));
    }
    Ok(())
}

/// The secret from a pipe (one line), or typed hidden where questions may be asked.
fn read_webhook_secret(ui: &Ui, profile: &str) -> Result<WebhookSecret> {
    if ui.stdin_is_terminal() {
        if !ui.may_prompt(false) {
            let why = if ui.in_ci() {
                "CI is set, so orqex asks nothing"
            } else {
                "stderr is not a terminal, so orqex asks nothing"
            };
            return Err(Error::usage(format!(
                "{why}; pipe the webhook signing secret in, like: {WEBHOOK_PIPE_EXAMPLE}"
            )));
        }
        return prompt::hidden(
            &format!("Webhook signing secret (whsec_...) for profile `{profile}` (input hidden)"),
            WebhookSecret::parse,
        );
    }
    use super::login::Piped;
    let line = super::login::secret_line_from_stdin(ui, "the webhook signing secret").map_err(|problem| {
        Error::usage(match problem {
            Piped::TooLong => format!(
                "stdin holds more than 4096 bytes; pipe only the webhook signing secret, like: {WEBHOOK_PIPE_EXAMPLE}"
            ),
            Piped::NotUtf8 => "the webhook signing secret on stdin is not UTF-8 text; pipe only the secret, which starts with whsec_".into(),
            Piped::Empty => format!(
                "`config set webhook-secret` got nothing on stdin; pipe the secret in, like: {WEBHOOK_PIPE_EXAMPLE}"
            ),
            Piped::ManyLines => "stdin holds more than one line; pipe only the webhook signing secret, on one line".into(),
            Piped::Unreadable(e) => format!("cannot read the webhook signing secret from stdin: {e}"),
        })
    })?;
    WebhookSecret::parse(&line).map_err(|e| Error::usage(format!("stdin: {e}")))
}

fn unset(ui: &Ui, profile_flag: Option<&str>, args: ConfigUnsetArgs) -> Result<()> {
    let setting = args.key.stored(Change::Unset)?;
    let path = config::config_path()?;
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();

    let profile = setting.profile(profile_flag, &file, &path)?;
    let removed = setting.store(&mut file, profile.as_deref().unwrap_or_default(), None);
    let target = target_name(profile.as_deref());
    if removed.is_none() {
        ui.status(&format!(
            "{} is not set in {target}; nothing changed",
            setting.name()
        ));
        return Ok(());
    }
    config::save(&path, &file)?;
    ui.status(&format!(
        "unset {} in {target} ({})",
        setting.name(),
        path.display()
    ));
    Ok(())
}

/// What `orqex config` shows; also its `--json` form.
#[derive(Serialize)]
struct Report {
    config_file: PathBuf,
    config_file_exists: bool,
    /// The file's permission bits (`0600`), when it exists on a Unix system.
    #[serde(skip_serializing_if = "Option::is_none")]
    config_file_mode: Option<String>,
    profile: Item,
    secret_key: Option<KeyItem>,
    base_url: Item,
    currency: Option<Item>,
    ca_bundle: Option<Item>,
    webhook_secret: Option<SecretItem>,
    default_profile: Option<String>,
    profiles: BTreeMap<String, ProfileReport>,
}

/// One value in effect and where it came from.
#[derive(Serialize)]
struct Item {
    value: String,
    /// flag, env, file or default.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    env_var: Option<&'static str>,
    /// Why this value would be refused by a command that uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
}

impl Item {
    fn new(value: String, source: &Source) -> Item {
        Item {
            value,
            source: source.kind(),
            env_var: env_var(source),
            problem: None,
        }
    }
}

fn env_var(source: &Source) -> Option<&'static str> {
    match source {
        Source::Env(name) => Some(name),
        _ => None,
    }
}

/// A key, masked, and where it came from.
#[derive(Serialize)]
struct KeyItem {
    /// `sk_live_***abcd`; absent when the stored text is not a usable key, or could not be read.
    masked: Option<String>,
    /// live, sandbox or unknown.
    environment: Option<&'static str>,
    /// Where the key is kept: env, file or keyring.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    env_var: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    /// Why the key the profile keeps in the keychain could not be read: the keychain is not
    /// here, did not answer in time, is locked, or has no entry for the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<String>,
}

impl KeyItem {
    fn new(raw: &str, source: &Source) -> KeyItem {
        let (masked, environment, problem) = match SecretKey::parse(raw) {
            Ok(k) => (Some(k.masked()), Some(k.environment().as_str()), None),
            Err(e) => (None, None, Some(e)),
        };
        KeyItem {
            masked,
            environment,
            source: source.kind(),
            env_var: env_var(source),
            problem,
            unreadable: None,
        }
    }

    /// The key as found; one kept in the keychain is read from it (within its time limit),
    /// and when it cannot be, that is what is shown.
    fn picked(picked: Picked, profile: &str) -> KeyItem {
        let (raw, source) = match picked {
            Picked::Text(raw, source) => (raw, source),
            Picked::Keyring => match keystore::read(profile) {
                Ok(Some(raw)) => (raw, Source::Keyring),
                unread => {
                    return KeyItem {
                        masked: None,
                        environment: None,
                        source: Source::Keyring.kind(),
                        env_var: None,
                        problem: None,
                        unreadable: Some(match unread {
                            Err(f) => f.to_string(),
                            _ => format!(
                                "{} has no entry for it; store it again with: orqex login --profile {profile}",
                                keystore::NAME
                            ),
                        }),
                    };
                }
            },
        };
        KeyItem::new(&raw, &source)
    }
}

/// A webhook signing secret, masked, and where it came from.
#[derive(Serialize)]
struct SecretItem {
    /// `whsec_***abcd`; absent when the stored text is not a usable secret.
    masked: Option<String>,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    env_var: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
}

impl SecretItem {
    fn new(raw: &str, source: &Source) -> SecretItem {
        let (masked, problem) = match WebhookSecret::parse(raw) {
            Ok(s) => (Some(s.masked()), None),
            Err(e) => (None, Some(e)),
        };
        SecretItem {
            masked,
            source: source.kind(),
            env_var: env_var(source),
            problem,
        }
    }
}

/// One profile as stored, the key masked.
#[derive(Serialize)]
struct ProfileReport {
    secret_key: Option<KeyItem>,
    currency: Option<String>,
    base_url: Option<String>,
    ca_bundle: Option<String>,
    webhook_secret: Option<SecretItem>,
    /// Why a command using this profile would refuse it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<String>,
}

fn show(ui: &Ui, profile_flag: Option<&str>, args: &ConfigShowArgs) -> Result<()> {
    let jq = args.jq.as_deref().map(crate::jq::Jq::compile).transpose()?;
    let path = config::config_path()?;
    let loaded = super::load_config(ui, &path)?;
    let exists = loaded.is_some();
    let file = loaded.unwrap_or_default();
    let report = report(profile_flag, &path, exists, &file);
    if let Some(jq) = &jq {
        let value = serde_json::to_value(&report)
            .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
        ui.out_jq(jq, &value)
    } else if args.json {
        ui.out_json(&report)
    } else {
        // Paths, names and URLs come from the environment and the file: shown, never obeyed.
        let text: Vec<String> = human(&report).lines().map(crate::text::printable).collect();
        ui.out(&text.join("\n"))
    }
}

fn report(profile_flag: Option<&str>, path: &Path, exists: bool, file: &ConfigFile) -> Report {
    let (profile, profile_source) = config::resolve_profile(profile_flag, file, path);
    let active = file.profile(&profile).cloned().unwrap_or_default();
    let file_source = Source::File(path.to_path_buf());

    let secret_key = config::pick_key(&active, path).map(|k| KeyItem::picked(k, &profile));
    let webhook_secret = config::pick_webhook_secret(&active, path)
        .map(|(raw, source)| SecretItem::new(&raw, &source));
    let (raw_url, url_source) = config::pick_base_url(&active, path);
    let mut base_url = Item::new(raw_url, &url_source);
    match config::check_base_url(&base_url.value) {
        Ok(u) => base_url.value = u,
        Err(e) => base_url.problem = Some(e),
    }

    let from_file = |value: &Option<String>,
                     check: fn(&str) -> std::result::Result<String, String>| {
        value.as_ref().map(|v| {
            let mut item = Item::new(v.clone(), &file_source);
            item.problem = check(v).err();
            item
        })
    };
    let currency = from_file(&active.currency, checks::currency);
    // As commands read it: ORQEX_CA_BUNDLE first, else the profile's, relative to the config
    // file's directory.
    let env_ca = config::env_nonempty(crate::config::ENV_CA_BUNDLE);
    let ca_bundle = match (env_ca, &active.ca_bundle) {
        (Some(v), _) => {
            let mut item = Item::new(v.clone(), &Source::Env(crate::config::ENV_CA_BUNDLE));
            item.problem = crate::config::load_ca_bundle(Path::new(&v)).err();
            Some(item)
        }
        (None, Some(v)) => {
            let mut item = Item::new(v.clone(), &file_source);
            item.problem =
                crate::config::load_ca_bundle(&crate::config::profile_ca_path(path, v)).err();
            Some(item)
        }
        (None, None) => None,
    };

    let mut profile_item = Item::new(profile, &profile_source);
    profile_item.problem = config::check_profile_name(&profile_item.value).err();

    let profiles = file
        .profiles()
        .iter()
        .map(|(name, p)| {
            (
                name.clone(),
                ProfileReport {
                    secret_key: p.key_at().map(|at| match at {
                        KeyAt::File(raw) => KeyItem::new(raw, &file_source),
                        KeyAt::Keyring => KeyItem::picked(Picked::Keyring, name),
                    }),
                    currency: p.currency.clone(),
                    base_url: p.base_url.clone(),
                    ca_bundle: p.ca_bundle.clone(),
                    webhook_secret: p
                        .webhook_secret
                        .as_deref()
                        .map(|raw| SecretItem::new(raw, &file_source)),
                    problems: [
                        config::check_profile_name(name).err(),
                        p.currency
                            .as_deref()
                            .and_then(|c| checks::currency(c).err())
                            .map(|e| format!("currency {e}")),
                        p.base_url
                            .as_deref()
                            .and_then(|u| config::check_base_url(u).err())
                            .map(|e| format!("base-url {e}")),
                        p.ca_bundle.as_deref().and_then(|c| {
                            crate::config::load_ca_bundle(&crate::config::profile_ca_path(path, c))
                                .err()
                                .map(|e| format!("ca-bundle {e}"))
                        }),
                        p.webhook_secret
                            .as_deref()
                            .and_then(|s| WebhookSecret::parse(s).err())
                            .map(|e| format!("webhook-secret: {e}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                },
            )
        })
        .collect();

    Report {
        config_file: path.to_path_buf(),
        config_file_exists: exists,
        config_file_mode: file_mode(path),
        profile: profile_item,
        secret_key,
        base_url,
        currency,
        ca_bundle,
        webhook_secret,
        default_profile: file.default_profile().map(str::to_string),
        profiles,
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| format!("{:04o}", m.permissions().mode() & 0o777))
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<String> {
    None
}

/// Where a value came from, in words.
fn origin(source: &'static str, env_var: Option<&'static str>, file_what: &str) -> String {
    match (source, env_var) {
        ("flag", _) => "from --profile".to_string(),
        (_, Some(var)) => format!("from {var}"),
        ("file", _) => format!("from {file_what}"),
        _ => "default".to_string(),
    }
}

fn with_problem(text: String, problem: &Option<String>) -> String {
    match problem {
        Some(p) => format!("{text}  INVALID: {p}"),
        None => text,
    }
}

fn key_text(key: &KeyItem) -> String {
    match (&key.masked, &key.unreadable) {
        (Some(masked), _) => masked.clone(),
        (None, Some(_)) => "unreadable".to_string(),
        (None, None) => "(not a usable key)".to_string(),
    }
}

/// A key's line: masked, where it is kept, and what is wrong with it.
fn key_line(key: &KeyItem, origin: String) -> String {
    match &key.unreadable {
        Some(why) => format!("{} ({origin}): {why}", key_text(key)),
        None => with_problem(format!("{} ({origin})", key_text(key)), &key.problem),
    }
}

fn human(r: &Report) -> String {
    let profile = &r.profile.value;
    let in_profile = format!("profile `{profile}` in the config file");
    let mut lines = Vec::new();

    let mut file_line = format!("config file: {}", r.config_file.display());
    match (&r.config_file_mode, r.config_file_exists) {
        (_, false) => file_line.push_str(" (not created yet)"),
        (Some(mode), true) => file_line.push_str(&format!(" (mode {mode})")),
        (None, true) => {}
    }
    lines.push(file_line);

    lines.push(with_problem(
        format!(
            "profile:     {profile} ({})",
            match r.profile.source {
                "default" => "default: no --profile, ORQEX_PROFILE or default_profile".to_string(),
                _ => origin(
                    r.profile.source,
                    r.profile.env_var,
                    "default_profile in the config file",
                ),
            }
        ),
        &r.profile.problem,
    ));

    lines.push(match &r.secret_key {
        Some(k) => format!(
            "secret key:  {}",
            key_line(
                k,
                match k.source {
                    "keyring" => format!("from profile `{profile}` in {}", keystore::NAME),
                    _ => origin(k.source, k.env_var, &in_profile),
                }
            )
        ),
        None => {
            format!(
                "secret key:  none (set {ENV_KEY}, or run: orqex login --profile {})",
                crate::text::shell_quote(profile)
            )
        }
    });

    lines.push(with_problem(
        format!(
            "base URL:    {} ({})",
            r.base_url.value,
            origin(r.base_url.source, r.base_url.env_var, &in_profile)
        ),
        &r.base_url.problem,
    ));

    for (label, item, unset) in [
        ("currency:   ", &r.currency, "not set (give --currency)"),
        ("CA bundle:  ", &r.ca_bundle, "not set (built-in roots)"),
    ] {
        lines.push(match item {
            Some(i) => with_problem(
                format!(
                    "{label} {} ({})",
                    i.value,
                    origin(i.source, i.env_var, &in_profile)
                ),
                &i.problem,
            ),
            None => format!("{label} {unset}"),
        });
    }

    lines.push(match &r.webhook_secret {
        Some(s) => with_problem(
            format!(
                "webhook:     signing secret {} ({})",
                s.masked
                    .clone()
                    .unwrap_or_else(|| "(not a usable secret)".to_string()),
                origin(s.source, s.env_var, &in_profile)
            ),
            &s.problem,
        ),
        None => format!(
            "webhook:     no signing secret (set {ENV_WEBHOOK_SECRET}, or pipe it to: orqex config set webhook-secret)"
        ),
    });

    lines.push(String::new());
    if r.profiles.is_empty() {
        lines.push("no profiles stored; add one with: orqex login [--profile NAME]".to_string());
    } else {
        lines.push("profiles (* active):".to_string());
        let width = r.profiles.keys().map(|n| n.len()).max().unwrap_or(0);
        for (name, p) in &r.profiles {
            let mark = if name == profile { '*' } else { ' ' };
            let mut parts = vec![match &p.secret_key {
                Some(k) => format!("key {}", key_line(k, k.source.to_string())),
                None => "no key".to_string(),
            }];
            if let Some(s) = &p.webhook_secret {
                parts.push(format!(
                    "webhook secret {}",
                    s.masked.as_deref().unwrap_or("(not a usable secret)")
                ));
            }
            for (what, v) in [
                ("currency", &p.currency),
                ("base-url", &p.base_url),
                ("ca-bundle", &p.ca_bundle),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{what} {v}"));
                }
            }
            let line = format!("{mark} {name:<width$}  {}", parts.join(", "));
            lines.push(match p.problems.is_empty() {
                true => line,
                false => format!("{line}  INVALID: {}", p.problems.join("; ")),
            });
        }
    }
    lines.join("\n")
}
