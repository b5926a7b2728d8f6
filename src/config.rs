//! The config file (TOML) and the settings resolved from it and the environment.
//!
//! Precedence, highest first: environment (`ORQEX_SECRET_KEY`, `ORQEX_BASE_URL`), then the
//! active profile in the config file, then built-in defaults. The profile is chosen by
//! `--profile`, else `ORQEX_PROFILE`, else the file's `default_profile`, else `default`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::SecretKey;

pub const DEFAULT_BASE_URL: &str = "https://api.orqex.com/v1";
pub const DEFAULT_PROFILE: &str = "default";
pub const ENV_KEY: &str = "ORQEX_SECRET_KEY";
pub const ENV_PROFILE: &str = "ORQEX_PROFILE";
pub const ENV_BASE_URL: &str = "ORQEX_BASE_URL";
pub const ENV_CONFIG_DIR: &str = "ORQEX_CONFIG_DIR";
const FILE_NAME: &str = "config.toml";

/// The config file as stored. Unknown keys are refused so a typo is noticed, not ignored.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile. No `Debug`: it holds a key in clear text.
#[derive(Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<String>,
}

/// Where a setting came from, so `orqex config` and error messages can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env(&'static str),
    File(PathBuf),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--profile flag"),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::File(p) => write!(f, "config file {}", p.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// Everything a command needs from configuration, resolved once.
pub struct Settings {
    pub path: PathBuf,
    pub file: ConfigFile,
    pub profile: String,
    pub profile_source: Source,
    pub base_url: String,
    pub base_url_source: Source,
    key: Option<(SecretKey, Source)>,
}

impl Settings {
    /// Resolves the active profile, key and base URL. A missing file is fine (defaults); a
    /// malformed one is an error naming the file and line.
    pub fn resolve(profile_flag: Option<&str>) -> Result<Settings> {
        let path = config_path()?;
        let file = load(&path)?.unwrap_or_default();

        let (profile, profile_source) = if let Some(p) = profile_flag {
            (p.to_string(), Source::Flag)
        } else if let Some(p) = env_nonempty(ENV_PROFILE) {
            (p, Source::Env(ENV_PROFILE))
        } else if let Some(p) = &file.default_profile {
            (p.clone(), Source::File(path.clone()))
        } else {
            (DEFAULT_PROFILE.to_string(), Source::Default)
        };
        let active = file.profiles.get(&profile).cloned().unwrap_or_default();

        let key = if let Some(raw) = env_nonempty(ENV_KEY) {
            let key =
                SecretKey::parse(&raw).map_err(|e| Error::usage(format!("{ENV_KEY}: {e}")))?;
            Some((key, Source::Env(ENV_KEY)))
        } else if let Some(raw) = &active.secret_key {
            let key = SecretKey::parse(raw).map_err(|e| {
                Error::usage(format!(
                    "profile `{profile}` in {}: {e}; run `orqex login --profile {profile}` to store it again",
                    path.display()
                ))
            })?;
            Some((key, Source::File(path.clone())))
        } else {
            None
        };

        let (raw_url, base_url_source) = if let Some(u) = env_nonempty(ENV_BASE_URL) {
            (u, Source::Env(ENV_BASE_URL))
        } else if let Some(u) = &active.base_url {
            (u.clone(), Source::File(path.clone()))
        } else {
            (DEFAULT_BASE_URL.to_string(), Source::Default)
        };
        let base_url = check_base_url(&raw_url)
            .map_err(|e| Error::usage(format!("base URL from {base_url_source}: {e}")))?;

        Ok(Settings {
            path,
            file,
            profile,
            profile_source,
            base_url,
            base_url_source,
            key,
        })
    }

    /// The active profile's stored values (empty when the file has no such profile).
    pub fn active_profile(&self) -> Option<&Profile> {
        self.file.profiles.get(&self.profile)
    }

    pub fn key(&self) -> Option<&(SecretKey, Source)> {
        self.key.as_ref()
    }

    /// The key, or the exit-3 error that says how to provide one.
    pub fn require_key(&self) -> Result<&SecretKey> {
        match &self.key {
            Some((k, _)) => Ok(k),
            None => Err(Error::NoKey(format!(
                "no secret key for profile `{}`: set {ENV_KEY}, or run `orqex login --profile {}` (checked {ENV_KEY} and {})",
                self.profile,
                self.profile,
                self.path.display()
            ))),
        }
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `$ORQEX_CONFIG_DIR/config.toml`, else `config.toml` in the platform's config directory
/// for orqex (`$XDG_CONFIG_HOME/orqex` or `~/.config/orqex` on Linux).
pub fn config_path() -> Result<PathBuf> {
    if let Some(dir) = env_nonempty(ENV_CONFIG_DIR) {
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

/// Reads and parses the file; `Ok(None)` when it does not exist.
pub fn load(path: &Path) -> Result<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )));
        }
    };
    parse(&text)
        .map(Some)
        .map_err(|e| Error::usage(format!("config file {}: {e}", path.display())))
}

/// Parses config text into one line of error: TOML's own message, where it points, folded.
pub fn parse(text: &str) -> std::result::Result<ConfigFile, String> {
    toml::from_str::<ConfigFile>(text).map_err(|e| {
        let what = e.message().trim().to_string();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {what}; fix or remove the file")
            }
            None => format!("{what}; fix or remove the file"),
        }
    })
}

/// Accepts https URLs, and http only to a loopback host: a key must not travel in clear text.
pub fn check_base_url(raw: &str) -> std::result::Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let uri: ureq::http::Uri = trimmed
        .parse()
        .map_err(|_| format!("`{raw}` is not a URL; use https://api.orqex.com/v1"))?;
    let host = uri.host().unwrap_or("");
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
    }

    #[test]
    fn parse_errors_name_the_line() {
        let err = parse("default_profile = \"x\"\n[profiles.x]\nsecret_key = \n")
            .err()
            .unwrap();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = parse("[profiles.x]\nsecret_kye = \"sk_x\"\n")
            .err()
            .unwrap();
        assert!(err.contains("line 2"), "{err}");
        assert!(!err.contains("sk_x"), "{err}");
    }
}
