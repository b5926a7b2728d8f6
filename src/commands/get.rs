//! `orqex checkout get`: retrieve one checkout → show (and maybe wait for) it.

use super::net;
use super::show;
use crate::cli::GetArgs;
use crate::client;
use crate::error::{Error, Result};
use crate::output;
use crate::secret::{Environment, SecretKey};

pub fn run(profile: Option<&str>, args: GetArgs) -> Result<()> {
    let after = show::options(&args.output)?;
    // A bad id is the user's mistake whatever the key: say so before asking for one.
    let id = client::checkout_id(id_of(&args.id))?;
    let settings = super::settings(profile)?;
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
    show::finish(&client, resp, &after, key_env, None)
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
fn id_of(given: &str) -> &str {
    if !output::is_web_url(given) {
        return given;
    }
    let path = given.split(['?', '#']).next().unwrap_or(given);
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_url_gives_its_last_path_segment() {
        assert_eq!(id_of("cs_abc123"), "cs_abc123");
        assert_eq!(id_of("https://pay.orqex.com/c/cs_abc123"), "cs_abc123");
        assert_eq!(
            id_of("https://pay.orqex.com/c/cs_abc123/?x=1#y"),
            "cs_abc123"
        );
        assert_eq!(id_of("HTTP://pay.orqex.com/cs_1"), "cs_1");
        // Not a web URL: left as it is, for the id check to refuse.
        assert_eq!(id_of("file:///etc/cs_1"), "file:///etc/cs_1");
        assert_eq!(id_of("https://pay.orqex.com/"), "pay.orqex.com");
    }
}
