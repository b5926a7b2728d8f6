//! `orqex checkout get`: retrieve one checkout → show (and maybe wait for) it.

use super::net;
use super::show;
use crate::cli::GetArgs;
use crate::client;
use crate::error::Result;

pub fn run(profile: Option<&str>, args: GetArgs) -> Result<()> {
    let after = show::options(&args.output)?;
    // A bad id is the user's mistake whatever the key: say so before asking for one.
    let id = client::checkout_id(&args.id)?;
    let settings = super::settings(profile)?;
    let key = settings.require_key()?;
    let key_env = key.environment();
    let client = net::client(&args.net, &settings, key)?;
    let resp = client.get_checkout(id, None)?;
    show::finish(&client, resp, &after, key_env, None)
}
