//! The network flags, the environment and the active profile, turned into a ready `Client`.
//! Shared by every command that calls the API. The CA bundle is found and read in
//! `config::ca_bundle`.

use crate::cli::NetArgs;
use crate::client::{self, CaBundle, Client, ClientOptions};
use crate::config::{Settings, pick_ca_bundle, profile_ca};
use crate::error::{Error, Result};
use crate::secret::SecretKey;

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
        pins: pins(net)?,
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

/// `--resolve` entries, else those of `ORQEX_RESOLVE` (separated by commas or spaces).
fn pins(net: &NetArgs) -> Result<Vec<crate::connect::Pin>> {
    let env = crate::config::ENV_RESOLVE;
    let (entries, from): (Vec<String>, &str) = if net.resolve.is_empty() {
        let raw = crate::config::env_nonempty(env).unwrap_or_default();
        (
            raw.split([',', ' ', '\t'])
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect(),
            env,
        )
    } else {
        (net.resolve.clone(), "--resolve")
    };
    entries
        .iter()
        .map(|e| {
            crate::connect::Pin::parse(e).map_err(|why| Error::usage(format!("{from}: {why}")))
        })
        .collect()
}
