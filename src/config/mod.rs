//! Settings: the active profile, the key and the base URL, resolved from the flags, the
//! environment and the config file (`file`); the CA bundle (`ca_bundle`).
//!
//! Precedence, highest first: environment (`ORQEX_SECRET_KEY`, `ORQEX_BASE_URL`), then the
//! active profile in the config file, then built-in defaults. The profile is chosen by
//! `--profile`, else `ORQEX_PROFILE`, else the file's `default_profile`, else `default`.

mod ca_bundle;
mod file;
mod setting;

use std::fmt;
use std::path::{Path, PathBuf};

pub use ca_bundle::{ENV_CA_BUNDLE, load_ca_bundle, pick_ca_bundle, profile_ca, profile_ca_path};
#[cfg(test)]
pub use file::parse;
pub use file::{ConfigFile, KeyAt, Profile, ProfileKey, load, save};
pub use setting::Setting;

use crate::error::{Error, Result};
use crate::secret::SecretKey;

pub const DEFAULT_BASE_URL: &str = "https://api.orqex.com/v1";
pub const DEFAULT_PROFILE: &str = "default";
pub const ENV_KEY: &str = "ORQEX_SECRET_KEY";
/// The webhook signing secret (`whsec_...`) `orqex webhooks` signs and checks with.
pub const ENV_WEBHOOK_SECRET: &str = "ORQEX_WEBHOOK_SECRET";
pub const ENV_PROFILE: &str = "ORQEX_PROFILE";
pub const ENV_BASE_URL: &str = "ORQEX_BASE_URL";
pub const ENV_CONFIG_DIR: &str = "ORQEX_CONFIG_DIR";
/// `--resolve`'s entries, separated by commas or spaces.
pub const ENV_RESOLVE: &str = "ORQEX_RESOLVE";
const FILE_NAME: &str = "config.toml";

/// Where a setting came from, so `orqex config` and error messages can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env(&'static str),
    File(PathBuf),
    /// The system's credential store (`keystore`), for a key.
    Keyring,
    Default,
}

impl Source {
    /// A stable one-word name for `orqex config --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env(_) => "env",
            Source::File(_) => "file",
            Source::Keyring => "keyring",
            Source::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--profile flag"),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::File(p) => write!(f, "config file {}", p.display()),
            Source::Keyring => f.write_str(crate::keystore::NAME),
            Source::Default => f.write_str("default"),
        }
    }
}

/// Everything a command needs from configuration, resolved once.
pub struct Settings {
    pub path: PathBuf,
    pub file: ConfigFile,
    pub profile: String,
    pub base_url: String,
    /// Where `base_url` was set, so that an address that cannot be reached names it.
    pub base_url_source: Source,
    key: Option<Picked>,
}

impl Settings {
    /// Resolves the active profile, key and base URL. A missing file is fine (defaults); a
    /// malformed one is an error naming the file and line.
    pub fn resolve(
        profile_flag: Option<&str>,
        path: PathBuf,
        file: ConfigFile,
    ) -> Result<Settings> {
        // Checked here so no message suggests a command (`orqex login --profile NAME`) that
        // would itself be refused.
        let profile = usable_profile(profile_flag, &file, &path)?;
        let active = file.profile(&profile).cloned().unwrap_or_default();

        // Checked only when a command needs it, so a dry run works whatever the key.
        let key = pick_key(&active, &path);

        let (raw_url, base_url_source) = pick_base_url(&active, &path);
        let base_url = check_base_url(&raw_url)
            .map_err(|e| Error::usage(format!("base URL from {base_url_source}: {e}")))?;

        Ok(Settings {
            path,
            file,
            profile,
            base_url,
            base_url_source,
            key,
        })
    }

    /// The active profile's stored values (empty when the file has no such profile).
    pub fn active_profile(&self) -> Option<&Profile> {
        self.file.profile(&self.profile)
    }

    /// Where the key in use comes from (an environment variable, the keychain, the config
    /// file), if there is one.
    pub fn key_source(&self) -> Option<Source> {
        match &self.key {
            None => None,
            Some(Picked::Text(_, source)) => Some(source.clone()),
            Some(Picked::Keyring) => Some(Source::Keyring),
        }
    }

    /// The key, or the error that says how to provide one: exit 3 when there is none or the
    /// keychain holding it cannot be read, exit 2 when what is there is not a secret key
    /// (naming where it came from, never its text).
    pub fn require_key(&self) -> Result<SecretKey> {
        let profile = &self.profile;
        let (raw, source) = match &self.key {
            None => {
                return Err(Error::NoKey(format!(
                    "no secret key for profile `{profile}`: set {ENV_KEY}, or run `orqex login --profile {profile}` (checked {ENV_KEY} and {})",
                    self.path.display()
                )));
            }
            Some(Picked::Text(raw, source)) => (raw.clone(), source.clone()),
            Some(Picked::Keyring) => (read_keyring(profile)?, Source::Keyring),
        };
        SecretKey::parse(&raw).map_err(|e| match source {
            Source::Env(name) => Error::usage(format!("{name}: {e}")),
            Source::Keyring => Error::usage(format!(
                "profile `{profile}` in {}: {e}; run `orqex login --profile {profile}` to store it again",
                crate::keystore::NAME
            )),
            _ => Error::usage(format!(
                "profile `{profile}` in {}: {e}; run `orqex login --profile {profile}` to store it again",
                self.path.display(),
            )),
        })
    }
}

/// The key of `profile` from the keychain, or the exit-3 error that names the profile, what
/// went wrong and what to do.
pub fn read_keyring(profile: &str) -> Result<String> {
    use crate::keystore::{Failure, NAME};
    let fix = match crate::keystore::read(profile) {
        Ok(Some(raw)) => return Ok(raw),
        Ok(None) => {
            return Err(Error::NoKey(format!(
                "profile `{profile}` keeps its key in {NAME}, but there is no entry for it (service {}, user {profile}); store it again with `orqex login --profile {profile}`, or set {ENV_KEY}",
                crate::keystore::SERVICE
            )));
        }
        Err(f @ Failure::NoAnswer) => (f, format!("unlock it and run again, or set {ENV_KEY}")),
        Err(f @ Failure::Locked) => (
            f,
            format!("unlock it (or allow orqex to use it) and run again, or set {ENV_KEY}"),
        ),
        Err(f @ Failure::Missing(_)) => (
            f,
            format!(
                "set {ENV_KEY}, or store the key in the config file with `orqex login --profile {profile} --insecure-storage`"
            ),
        ),
        Err(f @ Failure::Failed(_)) => (
            f,
            format!("store it again with `orqex login --profile {profile}`, or set {ENV_KEY}"),
        ),
    };
    Err(Error::NoKey(format!(
        "cannot read the key of profile `{profile}` from {NAME}: {}; {}",
        fix.0, fix.1
    )))
}

/// The key in effect, as found: its text and where it came from, or word that the keychain
/// holds it. The keychain is asked only when the key is needed (a dry run never asks), since
/// asking may be slow.
#[derive(Clone)]
pub enum Picked {
    Text(String, Source),
    Keyring,
}

/// The key in effect: `ORQEX_SECRET_KEY`, else the profile's, wherever the profile keeps it.
/// Unchecked, so `orqex config` can show a bad one; `Settings::require_key` checks it.
pub fn pick_key(active: &Profile, path: &Path) -> Option<Picked> {
    if let Some(raw) = env_nonempty(ENV_KEY) {
        return Some(Picked::Text(raw, Source::Env(ENV_KEY)));
    }
    match active.key_at()? {
        KeyAt::File(raw) => Some(Picked::Text(
            raw.to_string(),
            Source::File(path.to_path_buf()),
        )),
        KeyAt::Keyring => Some(Picked::Keyring),
    }
}

/// The raw webhook signing secret in effect and where it is from: `ORQEX_WEBHOOK_SECRET`, else
/// the profile's `webhook_secret`. Unchecked, like `pick_key`. (`--secret-env`, which names
/// another variable, is the command's to read before this.)
pub fn pick_webhook_secret(active: &Profile, path: &Path) -> Option<(String, Source)> {
    if let Some(raw) = env_nonempty(ENV_WEBHOOK_SECRET) {
        Some((raw, Source::Env(ENV_WEBHOOK_SECRET)))
    } else {
        active
            .webhook_secret
            .clone()
            .map(|raw| (raw, Source::File(path.to_path_buf())))
    }
}

/// The raw base URL in effect and where it is from: `ORQEX_BASE_URL`, else the profile's,
/// else the default. Unchecked, like `pick_key`.
pub fn pick_base_url(active: &Profile, path: &Path) -> (String, Source) {
    if let Some(u) = env_nonempty(ENV_BASE_URL) {
        (u, Source::Env(ENV_BASE_URL))
    } else if let Some(u) = &active.base_url {
        (u.clone(), Source::File(path.to_path_buf()))
    } else {
        (DEFAULT_BASE_URL.to_string(), Source::Default)
    }
}

/// The active profile's name and why: `--profile`, else `ORQEX_PROFILE`, else the file's
/// `default_profile`, else `default`.
pub fn resolve_profile(flag: Option<&str>, file: &ConfigFile, path: &Path) -> (String, Source) {
    if let Some(p) = flag {
        (p.to_string(), Source::Flag)
    } else if let Some(p) = env_nonempty(ENV_PROFILE) {
        (p, Source::Env(ENV_PROFILE))
    } else if let Some(p) = file.default_profile() {
        (p.to_string(), Source::File(path.to_path_buf()))
    } else {
        (DEFAULT_PROFILE.to_string(), Source::Default)
    }
}

/// `resolve_profile` for commands that use the profile: a name that cannot be used is an
/// error naming where it came from.
pub fn usable_profile(flag: Option<&str>, file: &ConfigFile, path: &Path) -> Result<String> {
    let (profile, source) = resolve_profile(flag, file, path);
    check_profile_name(&profile)
        .map_err(|e| Error::usage(format!("profile (from {source}): {e}")))?;
    Ok(profile)
}

/// Profile names appear in messages as `--profile NAME` and in the file as table names, so
/// they are kept to characters that need no quoting in either.
pub fn check_profile_name(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a usable profile name; use 1 to 64 letters, digits, `-` or `_`, like sandbox or live"
        ))
    }
}

pub fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `$ORQEX_CONFIG_DIR/config.toml`, else `config.toml` in the platform's config directory
/// for orqex (`$XDG_CONFIG_HOME/orqex` or `~/.config/orqex` on Linux).
pub fn config_path() -> Result<PathBuf> {
    if let Some(dir) = env_nonempty(ENV_CONFIG_DIR) {
        // Relative, the file holding keys would be another one in every directory a command
        // runs from, and `login` would leave keys wherever it was run.
        if !Path::new(&dir).is_absolute() {
            // A quoted `~` reaches us unexpanded.
            let fix = match dir.strip_prefix("~/") {
                Some(rest) => format!("$HOME/{rest}"),
                None => format!("$PWD/{dir}"),
            };
            return Err(Error::usage(format!(
                "{ENV_CONFIG_DIR} is a relative path; set it to an absolute one, like \"{fix}\", so the config file does not depend on the current directory"
            )));
        }
        return Ok(PathBuf::from(dir).join(FILE_NAME));
    }
    directories::ProjectDirs::from("com", "Orqex", "orqex")
        .map(|d| d.config_dir().join(FILE_NAME))
        .ok_or_else(|| {
            Error::usage(format!(
                "cannot find a home directory for the config file; set {ENV_CONFIG_DIR} to a directory"
            ))
        })
}

/// Accepts https URLs, and http only to a loopback host: a key must not travel in clear text.
pub fn check_base_url(raw: &str) -> std::result::Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    // `localhost:8080/v1`, `api.orqex.com/v1`: a URL without its scheme, said as such.
    if !trimmed.contains("://")
        && !trimmed.is_empty()
        && trimmed.chars().all(|c| c.is_ascii_graphic())
    {
        let host = match trimmed.split_once(']') {
            Some((v6, _)) if trimmed.starts_with('[') => v6,
            _ => trimmed.split(['/', ':']).next().unwrap_or_default(),
        };
        let scheme = if is_loopback(host) { "http" } else { "https" };
        return Err(format!(
            "`{raw}` has no scheme; write it as {scheme}://{trimmed}"
        ));
    }
    let uri: ureq::http::Uri = trimmed
        .parse()
        .map_err(|_| format!("`{raw}` is not a URL; use https://api.orqex.com/v1"))?;
    let host = uri.host().unwrap_or("");
    // A query or fragment would end up in the middle of every path; user info would put a
    // password in logs. None of them belongs in an API base URL.
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        // Not echoed: the part before `@` may be a password.
        return Err(
            "the base URL has a user name or password in it; give only scheme, host, port and path, like https://api.orqex.com/v1".into(),
        );
    }
    // The host and port as every URL orqex takes is checked, in the same words.
    if let Some(authority) = uri.authority() {
        crate::address::host_and_port(authority.as_str())
            .map_err(|why| format!("`{raw}` {why}"))?;
    }
    if trimmed.contains(['?', '#']) {
        return Err(format!(
            "`{raw}` has a query or fragment; give only scheme, host, port and path, like https://api.orqex.com/v1"
        ));
    }
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(trimmed.to_string()),
        Some("http") if is_loopback(host) => Ok(trimmed.to_string()),
        Some("http") => Err(format!(
            "`{raw}` uses plain http to a non-loopback host, which would send the key in clear text; use https"
        )),
        _ => Err(format!(
            "`{raw}` is not an absolute https URL; use https://api.orqex.com/v1"
        )),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("https://api.orqex.com/v1/").unwrap(),
            "https://api.orqex.com/v1"
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://127.1.2.3:8080").is_ok());
        assert!(check_base_url("http://[::1]:8080/v1").is_ok());
        assert!(check_base_url("http://localhost/v1").is_ok());
        assert!(check_base_url("http://api.orqex.com/v1").is_err());
        assert!(check_base_url("http://127.0.0.1.evil.example/v1").is_err());
        assert!(check_base_url("api.orqex.com").is_err());
        assert!(check_base_url("https://api.orqex.com/v1?x=1").is_err());
        assert!(check_base_url("https://api.orqex.com/v1#frag").is_err());
        assert!(check_base_url("http://127.0.0.1:99999/v1").is_err());
        assert!(check_base_url("https://user:pass@api.orqex.com/v1").is_err());
        for unreachable in ["https://-/v1", "https://a..b/v1", "https://x.example:0/v1"] {
            assert!(check_base_url(unreachable).is_err(), "{unreachable}");
        }
    }

    #[test]
    fn a_url_without_its_scheme_is_given_back_with_the_scheme_it_may_use() {
        for (raw, fixed) in [
            ("localhost:8080", "http://localhost:8080"),
            ("127.0.0.1:5/v1/", "http://127.0.0.1:5/v1"),
            ("[::1]:80", "http://[::1]:80"),
            ("api.orqex.com/v1", "https://api.orqex.com/v1"),
            (
                "localhost.evil.example/v1",
                "https://localhost.evil.example/v1",
            ),
            // A `]` later on does not make the host an IPv6 address in brackets.
            ("localhost:8080/v1]", "http://localhost:8080/v1]"),
        ] {
            assert_eq!(
                check_base_url(raw).unwrap_err(),
                format!("`{raw}` has no scheme; write it as {fixed}")
            );
        }
        // Not a URL at all: no scheme is guessed for it.
        assert_eq!(
            check_base_url("hello world").unwrap_err(),
            "`hello world` is not a URL; use https://api.orqex.com/v1"
        );
    }

    #[test]
    fn a_bad_port_reads_as_in_any_other_url() {
        for (url, authority) in [
            ("https://x.example:0/v1", "x.example:0"),
            ("https://x.example:99999/v1", "x.example:99999"),
            ("http://[::1]:0/v1", "[::1]:0"),
            ("https://x.example:/v1", "x.example:"),
        ] {
            let why = crate::address::host_and_port(authority).unwrap_err();
            assert_eq!(check_base_url(url).unwrap_err(), format!("`{url}` {why}"));
        }
    }

    #[test]
    fn profile_names() {
        for ok in ["default", "live", "eu-live_2", "TEAM"] {
            assert!(check_profile_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "my live", "a/b", "team.sandbox", "é", &"x".repeat(65)] {
            assert!(check_profile_name(bad).is_err(), "{bad}");
        }
    }
}
