//! The network flags, the environment and the active profile, turned into a ready `Client`.
//! Shared by every command that calls the API.

use std::path::{Path, PathBuf};

use crate::cli::NetArgs;
use crate::client::{self, CaBundle, Client, ClientOptions};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::secret::SecretKey;

pub const ENV_CA_BUNDLE: &str = "ORQEX_CA_BUNDLE";

/// The proxy variables ureq reads, in its order: the first one set is used for every request.
const PROXY_VARS: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

/// A proxy variable ureq could not use would be skipped without a word, and the request sent
/// straight to the API: past a corporate proxy, or failing where the user expects it to work.
pub fn check_proxy() -> Result<()> {
    let Some((name, value)) = PROXY_VARS
        .iter()
        .find_map(|name| Some((*name, std::env::var(name).ok().filter(|v| !v.is_empty())?)))
    else {
        return Ok(());
    };
    // Not echoed: a proxy URL may carry a password.
    match ureq::Proxy::new(&value) {
        Err(_) => Err(Error::usage(format!(
            "{name} is not a proxy URL orqex can use; give one like http://proxy.example:3128, or unset it"
        ))),
        Ok(p)
            if !matches!(
                p.protocol(),
                ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
            ) =>
        {
            Err(Error::usage(format!(
                "{name} names a SOCKS proxy, which orqex does not support; give an http:// or https:// proxy, or unset it"
            )))
        }
        Ok(_) => Ok(()),
    }
}

pub fn client(net: &NetArgs, settings: &Settings, key: SecretKey) -> Result<Client> {
    client_for(net, settings, key, 1)
}

/// `client` for `connections` requests at once (a batch's concurrency).
pub fn client_for(
    net: &NetArgs,
    settings: &Settings,
    key: SecretKey,
    connections: usize,
) -> Result<Client> {
    check_proxy()?;
    let options = ClientOptions {
        max_retries: net.max_retries.unwrap_or(client::DEFAULT_MAX_RETRIES),
        timeout: net.timeout.unwrap_or(client::DEFAULT_TIMEOUT),
        ca_bundle: ca_bundle(net, settings)?,
        trace: net.verbose.then_some(crate::ui::trace as fn(&str)),
        connections,
        base_url_from: match &settings.base_url_source {
            crate::config::Source::Default => None,
            from => Some(from.to_string()),
        },
    };
    Ok(Client::new(&settings.base_url, key, options))
}

/// The API's CA bundle: `--ca-bundle`, else `ORQEX_CA_BUNDLE`, else the active profile's.
fn ca_bundle(net: &NetArgs, settings: &Settings) -> Result<Option<CaBundle>> {
    pick_ca_bundle(net.ca_bundle.as_deref(), || {
        Ok(settings.active_profile().and_then(|p| {
            let file = p.ca_bundle.as_deref()?;
            Some(profile_ca(&settings.path, &settings.profile, file))
        }))
    })
}

/// `flag` (`--ca-bundle`), else `ORQEX_CA_BUNDLE`, else what `profile` gives (the profile's
/// `ca_bundle` and where it was set), asked only when needed. A file that holds no usable
/// certificate is an error, never a silent fallback to the default roots.
pub fn pick_ca_bundle(
    flag: Option<&Path>,
    profile: impl FnOnce() -> Result<Option<(PathBuf, String)>>,
) -> Result<Option<CaBundle>> {
    let (path, from) = if let Some(p) = flag {
        (p.to_path_buf(), "--ca-bundle".to_string())
    } else if let Some(p) = std::env::var_os(ENV_CA_BUNDLE).filter(|v| !v.is_empty()) {
        (PathBuf::from(p), ENV_CA_BUNDLE.to_string())
    } else if let Some(found) = profile()? {
        found
    } else {
        return Ok(None);
    };
    load_ca_bundle(&path)
        .map(Some)
        .map_err(|e| Error::usage(format!("{from}: {e}")))
}

/// A profile's `ca_bundle` file, as a path, and where it was set.
pub fn profile_ca(config_file: &Path, profile: &str, ca_bundle: &str) -> (PathBuf, String) {
    (
        profile_ca_path(config_file, ca_bundle),
        format!(
            "ca_bundle of profile `{profile}` in {}",
            config_file.display()
        ),
    )
}

/// A profile's `ca_bundle`, which is relative to the config file's directory.
pub fn profile_ca_path(config_file: &Path, ca_bundle: &str) -> PathBuf {
    config_file
        .parent()
        .unwrap_or(Path::new(""))
        .join(ca_bundle)
}

/// Reads a PEM CA bundle; the error says which file and what is wrong with it.
pub fn load_ca_bundle(path: &Path) -> std::result::Result<CaBundle, String> {
    let pem = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {}: {}",
            path.display(),
            crate::text::io_reason(&e)
        )
    })?;
    CaBundle::from_pem(&pem).map_err(|e| format!("{} {e}", path.display()))
}
