//! The key checked with the API: `orqex whoami` (and `config --check`) for the key in use, and
//! `orqex login` before it stores one. One read-only request, the official SDK's list of
//! payment intents with `per_page=1`: it needs a valid key and changes nothing.

use serde_json::Value;

use super::net;
use crate::cli::NetArgs;
use crate::client::{Call, Client};
use crate::config::{Settings, Source};
use crate::error::{Error, Result};
use crate::secret::{Environment, SecretKey};
use crate::ui::Ui;

/// The read-only request that proves a key.
pub const CHECK_PATH: &str = "/payment/intents?per_page=1";

/// What the API said of a key it accepted.
#[derive(Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The environment the answer names, if it names one.
    pub environment: Option<String>,
}

/// Asks the API whether it accepts the key `client` sends. A refusal (401, 403) and a failure
/// to ask come back as errors whose note says what it means for `what` ("nothing was
/// stored", ...), with their own exit codes (3 for a refusal).
pub fn check(client: &Client, refused_note: &str, unchecked_note: &str) -> Result<Accepted> {
    match client.send(&Call::get(CHECK_PATH)) {
        Ok(resp) => Ok(Accepted {
            environment: environment(&resp.body),
        }),
        // The API's own line, then what it means here: the usual hint after a 401 ("run
        // `orqex login`") would point at the command being run.
        Err(e @ Error::Api { .. }) if matches!(&e, Error::Api { error, .. } if matches!(error.status, 401 | 403)) => {
            Err(Error::Noted {
                source: Box::new(Error::NoKey(e.lines().swap_remove(0))),
                note: refused_note.to_string(),
                idempotency_key: None,
            })
        }
        Err(e) => Err(Error::Noted {
            source: Box::new(e),
            note: unchecked_note.to_string(),
            idempotency_key: None,
        }),
    }
}

/// The environment a list answer names: at its top, or on its first row (`live`, `sandbox`).
fn environment(body: &Value) -> Option<String> {
    [
        &body["environment"],
        &body["data"]["environment"],
        &body["data"][0]["environment"],
    ]
    .into_iter()
    .find_map(Value::as_str)
    .map(crate::text::printable)
}

/// A warning when the key's prefix and the environment the API names disagree: the key may be
/// for live money while its name says sandbox, or the other way round.
pub fn disagreement(key: &SecretKey, accepted: &Accepted) -> Option<String> {
    let said = accepted.environment.as_deref()?;
    let prefix = match key.environment() {
        Environment::Live => "live",
        Environment::Sandbox => "sandbox",
        Environment::Unknown => return None,
    };
    (!said.eq_ignore_ascii_case(prefix)).then(|| {
        format!("the key {key} looks like a {prefix} key, but the API says it is for the {said} environment")
    })
}

/// `orqex whoami`: the key in use, where it comes from, and whether the API accepts it.
pub fn run(ui: &Ui, profile: Option<&str>, net_args: &NetArgs) -> Result<()> {
    let settings: Settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let source = settings
        .key_source()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let client = net::client(net_args, &settings, key.clone())?;
    let profile = crate::text::shell_quote(&settings.profile);
    let fix = match settings.key_source() {
        Some(Source::Env(name)) => format!(
            "set {name} to the right key, or unset it to use the key stored for profile `{}`",
            settings.profile
        ),
        _ => format!("store the right one with `orqex login --profile {profile}`"),
    };
    let accepted = check(
        &client,
        &format!(
            "the API refused the key {key} of profile `{}` (from {source}): {fix}",
            settings.profile
        ),
        "the key was not checked",
    )?;
    if let Some(warning) = disagreement(&key, &accepted) {
        ui.warning(&warning);
    }
    ui.out(&format!(
        "{key} ({} key, profile `{}`, from {source}): accepted by {}{}",
        key.environment().as_str(),
        settings.profile,
        settings.base_url,
        accepted
            .environment
            .as_deref()
            .map(|e| format!(", which says it is for the {e} environment"))
            .unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_environment_is_read_where_an_answer_may_name_it() {
        assert_eq!(
            environment(&json!({"environment": "live"})).as_deref(),
            Some("live")
        );
        assert_eq!(
            environment(&json!({"data": [{"id": "TRX1", "environment": "sandbox"}]})).as_deref(),
            Some("sandbox")
        );
        assert_eq!(
            environment(&json!({"data": {"environment": "sandbox"}})).as_deref(),
            Some("sandbox")
        );
        assert_eq!(environment(&json!({"data": []})), None);
        assert_eq!(environment(&json!({"data": [{"environment": 1}]})), None);
        assert_eq!(
            environment(&json!({"environment": "live\u{1b}[2J"})).as_deref(),
            Some("live\\x1b[2J")
        );
    }

    #[test]
    fn a_prefix_the_api_contradicts_is_said() {
        let sandbox = SecretKey::parse("sk_sandbox_test_0000_fake").unwrap();
        let said = |e: Option<&str>| Accepted {
            environment: e.map(str::to_string),
        };
        assert_eq!(disagreement(&sandbox, &said(Some("sandbox"))), None);
        assert_eq!(disagreement(&sandbox, &said(Some("SANDBOX"))), None);
        assert_eq!(disagreement(&sandbox, &said(None)), None);
        assert_eq!(
            disagreement(&sandbox, &said(Some("live"))).as_deref(),
            Some(
                "the key sk_sandbox_***fake looks like a sandbox key, but the API says it is for the live environment"
            )
        );
    }
}
