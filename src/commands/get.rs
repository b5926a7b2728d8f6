//! `orqex checkout get`: retrieve one checkout → show (and maybe wait for) it.

use super::net;
use super::show;
use crate::cli::GetArgs;
use crate::client;
use crate::error::{Error, Result};
use crate::output;
use crate::secret::{Environment, SecretKey};
use crate::ui::Ui;

pub fn run(ui: &Ui, profile: Option<&str>, args: GetArgs) -> Result<()> {
    let after = show::options(&args.output)?;
    // A bad id is the user's mistake whatever the key: say so before asking for one.
    let id = client::checkout_id(id_of(&args.id)?)?;
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let key_env = key.environment();
    let not_found_note = environment_note(&key);
    let client = net::client(&args.net, &settings, key)?;
    let resp = client.get_checkout(id, None).map_err(|e| match e {
        // Live and sandbox checkouts are apart: the id may be right and the key the other one.
        Error::Api { ref error, .. } if error.status == 404 => Error::Noted {
            source: Box::new(e),
            note: not_found_note,
            idempotency_key: None,
        },
        other => other,
    })?;
    show::finish(ui, &client, resp, &after, key_env, None)
}

/// Which environment the key in use looks in, for a checkout that was not found there.
fn environment_note(key: &SecretKey) -> String {
    match key.environment() {
        Environment::Live => format!(
            "the key in use is {key}, a live key: a sandbox checkout is found only with a sandbox key"
        ),
        Environment::Sandbox => format!(
            "the key in use is {key}, a sandbox key: a live checkout is found only with a live key"
        ),
        Environment::Unknown => format!(
            "the key in use is {key}: a checkout is found only with a key of its own environment (live or sandbox)"
        ),
    }
}

/// The id in what was given: the id itself, or the checkout URL `create` prints, whose last
/// path segment is the id (`https://pay.orqex.com/c/cs_abc123`). Either way the id is then
/// checked, so a URL cannot smuggle another path in.
pub fn id_of(given: &str) -> Result<&str> {
    if !output::is_web_url(given) {
        return Ok(given);
    }
    let path = given.split(['?', '#']).next().unwrap_or(given);
    // `https://pay.orqex.com/c/` (an empty `$id` in a script) ends where the id would be:
    // its last segment is the path's, not an id.
    let after_host = path.splitn(4, '/').nth(3).unwrap_or("");
    match after_host.rsplit('/').next() {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(Error::usage(format!(
            "the URL `{}` has no checkout id at its end; give the URL `checkout create` printed, or the id itself, like cs_abc123",
            crate::text::printable(given)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_url_gives_its_last_path_segment() {
        let id = |given| id_of(given).map_err(|e| e.to_string());
        assert_eq!(id("cs_abc123").unwrap(), "cs_abc123");
        assert_eq!(
            id("https://pay.orqex.com/c/cs_abc123").unwrap(),
            "cs_abc123"
        );
        assert_eq!(
            id("https://pay.orqex.com/c/cs_abc123?x=1#y").unwrap(),
            "cs_abc123"
        );
        assert_eq!(id("HTTP://pay.orqex.com/cs_1").unwrap(), "cs_1");
        // Not a web URL: left as it is, for the id check to refuse.
        assert_eq!(id("file:///etc/cs_1").unwrap(), "file:///etc/cs_1");
        for no_id in [
            "https://pay.orqex.com/c/",
            "https://pay.orqex.com/",
            "https://pay.orqex.com",
            "https://pay.orqex.com/c/cs_1/",
        ] {
            assert_eq!(
                id(no_id).unwrap_err(),
                format!(
                    "the URL `{no_id}` has no checkout id at its end; give the URL `checkout create` printed, or the id itself, like cs_abc123"
                )
            );
        }
    }
}
