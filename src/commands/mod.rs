//! One function per subcommand: each turns clap's arguments into domain values once, then
//! runs the flow config → checkout → client → output.

pub mod api;
mod body;
pub mod completions;
pub mod config;
pub mod create;
mod create_batch;
pub mod get;
mod listing;
mod live;
pub mod login;
pub mod net;
pub mod payments;
pub mod refunds;
mod show;
pub mod webhooks;
pub mod whoami;

use std::ffi::OsString;

use crate::cli::payments::{PaymentsCommand, RefundsCommand};
use crate::cli::{CheckoutCommand, Cli, Command};
use std::path::Path;

use crate::config::{ConfigFile, Settings, Source};
use crate::error::{Error, Result};
use crate::ui::Ui;

/// Runs the command. `ui` is the run's one output context: every command writes through it.
pub fn run(ui: &Ui, cli: Cli) -> Result<()> {
    let profile = cli.profile.as_deref();
    match cli.command {
        Command::Checkout(CheckoutCommand::Create(args)) => {
            let settings = settings(ui, profile)?;
            match &args.batch.batch {
                Some(source) => create_batch::run(ui, &settings, &args, source),
                None => create::run(ui, &settings, args),
            }
        }
        Command::Api(args) => api::run(ui, profile, args),
        Command::Login(args) => login::login(ui, profile, args),
        Command::Logout(args) => login::logout(ui, profile, args),
        Command::Whoami(args) => whoami::run(ui, profile, &args.net),
        Command::Config(args) => config::run(ui, profile, args),
        Command::Checkout(CheckoutCommand::Get(args)) => get::run(ui, profile, args),
        Command::Webhooks(command) => webhooks::run(ui, profile, command),
        Command::Payments(PaymentsCommand::List(args)) => payments::list(ui, profile, args),
        Command::Payments(PaymentsCommand::Get(args)) => payments::get(ui, profile, args),
        Command::Refunds(RefundsCommand::Create(args)) => refunds::create(ui, profile, args),
        Command::Refunds(RefundsCommand::List(args)) => refunds::list(ui, profile, args),
        Command::Refunds(RefundsCommand::Get(args)) => refunds::get(ui, profile, args),
        Command::Completions(args) => completions::completions(ui, args.shell),
        Command::Man(args) => completions::man(ui, &args.command, args.dir.as_deref()),
    }
}

/// The config file at `path` (`None` when there is none), its permission warning said once
/// per run however often it is read.
pub fn load_config(ui: &Ui, path: &Path) -> Result<Option<ConfigFile>> {
    let loaded = crate::config::load(path)?;
    if let Some(warning) = loaded.as_ref().and_then(|f| f.warning.as_deref()) {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| ui.warning(warning));
    }
    Ok(loaded)
}

/// The settings in effect for a command that uses the API: profile, key, base URL.
pub fn settings(ui: &Ui, profile: Option<&str>) -> Result<Settings> {
    let path = crate::config::config_path()?;
    let file = load_config(ui, &path)?.unwrap_or_default();
    let settings = Settings::resolve(profile, path, file)?;
    warn_if_missing(ui, profile, &settings.file, &settings.path);
    Ok(settings)
}

/// A profile named on purpose (`--profile`, `ORQEX_PROFILE`) that the file does not have is
/// most likely a typo, and the run would go on without its key, defaults and secrets: said
/// once, as a warning.
pub fn warn_if_missing(ui: &Ui, profile_flag: Option<&str>, file: &ConfigFile, path: &Path) {
    let (profile, source) = crate::config::resolve_profile(profile_flag, file, path);
    let named = matches!(source, Source::Flag | Source::Env(_));
    if named && file.profile(&profile).is_none() && !file.profiles().is_empty() {
        let known: Vec<&str> = file.profiles().keys().map(String::as_str).collect();
        ui.warning(&format!(
            "profile `{profile}` is not in the config file (it has {}); going on without profile settings",
            known.join(", ")
        ));
    }
}

/// The checks on the raw arguments, before clap parses them.
pub fn check_args(args: &[OsString]) -> Result<()> {
    refuse_keys_in_args(args.iter())
}

/// Refuses, before clap or anything else sees them, arguments that hold a secret key: clap
/// would quote one back in an error, and a flag would store or send it. The key is named only
/// masked, with the flag it was given to: a key pasted into `--description` by mistake is
/// not the same slip as a key given to log in with.
fn refuse_keys_in_args<'a>(args: impl Iterator<Item = &'a OsString>) -> Result<()> {
    let mut previous: Option<std::borrow::Cow<'_, str>> = None;
    for arg in args {
        let arg = arg.to_string_lossy();
        // Looked for in lower case: `SK_LIVE_...` works as well as the key to whoever reads it.
        // ASCII lower-casing keeps byte offsets, so `at` is a range of `arg` too.
        let lower = arg.to_ascii_lowercase();
        let Some(at) = crate::secret::find_secret(&lower) else {
            previous = Some(arg);
            continue;
        };
        let found = &lower[at];
        let shown = crate::secret::mask(found);
        let flag = flag_given(&arg, previous.as_deref());
        let webhook = found.starts_with(crate::secret::WEBHOOK_SECRET_PREFIX)
            || crate::config::env_nonempty(crate::config::ENV_WEBHOOK_SECRET)
                .is_some_and(|s| s.trim().eq_ignore_ascii_case(found));
        let (what, fix) = if webhook {
            (
                "a webhook signing secret",
                format!(
                    "set {} (or name another variable with --secret-env), or store it with `orqex config set webhook-secret`, which reads it from stdin",
                    crate::config::ENV_WEBHOOK_SECRET
                ),
            )
        } else {
            (
                "a secret key",
                "set ORQEX_SECRET_KEY, or store it with `orqex login`".to_string(),
            )
        };
        let (holder, fix) = match flag {
            Some(flag) => (
                flag,
                format!("remove it if it was pasted there by mistake; to use it, {fix}"),
            ),
            None => ("an argument".to_string(), fix),
        };
        let kind = if webhook { "secrets" } else { "keys" };
        return Err(Error::usage(format!(
            "{holder} holds what looks like {what} ({shown}); {kind} are never taken from the command line, where `ps` and shell history show them: {fix}"
        )));
    }
    Ok(())
}

/// The flag an argument is the value of, as typed: `--description=...`, `-mnote=...`, or the
/// argument after a flag that takes a value. None for a value of no flag.
fn flag_given(arg: &str, previous: Option<&str>) -> Option<String> {
    if let Some(long) = arg.strip_prefix("--") {
        let name = long.split_once('=')?.0;
        return takes_value(name, None).then(|| format!("--{name}"));
    }
    if let Some(short) = arg.strip_prefix('-').and_then(|a| a.chars().next()) {
        return takes_value("", Some(short)).then(|| format!("-{short}"));
    }
    let previous = previous?;
    if let Some(name) = previous.strip_prefix("--") {
        return (!name.contains('=') && takes_value(name, None)).then(|| previous.to_string());
    }
    let mut shorts = previous.strip_prefix('-')?.chars();
    // Only a lone short flag waits for the next argument: `-m`, not `-mx`.
    match (shorts.next(), shorts.next()) {
        (Some(short), None) => takes_value("", Some(short)).then(|| previous.to_string()),
        _ => None,
    }
}

/// Whether some command's flag of this long name (or short letter) takes a value. Only read
/// on the way to an error, so clap's whole tree is built only then.
fn takes_value(long: &str, short: Option<char>) -> bool {
    fn walk(cmd: &clap::Command, long: &str, short: Option<char>) -> bool {
        cmd.get_arguments().any(|a| {
            let aliases = a.get_all_aliases().unwrap_or_default();
            let shorts = a.get_all_short_aliases().unwrap_or_default();
            let named = (!long.is_empty()
                && (a.get_long() == Some(long) || aliases.contains(&long)))
                || short.is_some_and(|c| a.get_short() == Some(c) || shorts.contains(&c));
            named && a.get_action().takes_values()
        }) || cmd.get_subcommands().any(|c| walk(c, long, short))
    }
    walk(&<Cli as clap::CommandFactory>::command(), long, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_key_is_named_by_the_flag_it_was_the_value_of() {
        let cases: [(&str, Option<&str>, Option<&str>); 11] = [
            ("--description=x", None, Some("--description")),
            ("x", Some("--description"), Some("--description")),
            ("x", Some("--customer-email"), Some("--customer-email")),
            ("x", Some("-m"), Some("-m")),
            ("-mnote=x", None, Some("-m")),
            // A flag without a value, a glued short flag, no such flag, a positional.
            ("x", Some("--no-input"), None),
            ("x", Some("-mx"), None),
            ("--nope=x", None, None),
            ("x", Some("-Z"), None),
            ("x", Some("login"), None),
            ("x", Some("--description=y"), None),
        ];
        for (arg, previous, flag) in cases {
            assert_eq!(
                flag_given(arg, previous).as_deref(),
                flag,
                "{arg} after {previous:?}"
            );
        }
    }

    #[test]
    fn only_whole_keys_in_arguments_are_refused() {
        let refused = |arg: &str| refuse_keys_in_args([OsString::from(arg)].iter());
        for arg in [
            "sk_live_0000000000000abcd",
            "--amount=sk_sandbox_12345678",
            "note=sk_test_12345678",
            "prefix-sk_live_abcdefgh",
        ] {
            let err = refused(arg).unwrap_err().to_string();
            assert!(err.contains("looks like a secret key (sk_"), "{arg}: {err}");
            assert!(
                !err.contains("12345678") && !err.contains("abcdefgh"),
                "{err}"
            );
        }
        for arg in ["whsec_test_0000_0000_fake", "--secret=whsec_12345678"] {
            let err = refused(arg).unwrap_err().to_string();
            assert!(
                err.contains("looks like a webhook signing secret (whsec_***"),
                "{arg}: {err}"
            );
            assert!(
                !err.contains("0000_0000") && !err.contains("12345678"),
                "{err}"
            );
        }
        for arg in [
            "desk_lamp",
            "helpdesk_live_support",
            "sku=sk_blue_shirt",
            "sk_live_demo",
            "ask_me",
        ] {
            assert!(refused(arg).is_ok(), "{arg}");
        }
    }
}
