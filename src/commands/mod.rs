//! One function per subcommand: each turns clap's arguments into domain values once, then
//! runs the flow config → checkout → client → output.

mod after;
pub mod batch;
mod body;
pub mod completions;
pub mod create;
pub mod get;
pub mod login;
pub mod net;
pub mod settings;

use std::ffi::OsString;

use crate::cli::{CheckoutCommand, Cli, Command};
use crate::error::{self, Error, Result};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Checkout(CheckoutCommand::Create(args)) => {
            create::run(cli.profile.as_deref(), args)
        }
        Command::Login(args) => login::login(cli.profile.as_deref(), args),
        Command::Logout(args) => login::logout(cli.profile.as_deref(), args),
        Command::Config(args) => settings::run(cli.profile.as_deref(), args),
        Command::Checkout(CheckoutCommand::Get(args)) => get::run(cli.profile.as_deref(), args),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man(args) => completions::man(&args.command),
    }
}

/// Whether an error should be printed as JSON: the command was asked for JSON output.
pub fn json_errors(cli: &Cli) -> bool {
    match &cli.command {
        Command::Checkout(CheckoutCommand::Create(args)) => after::json_errors(&args.output),
        Command::Checkout(CheckoutCommand::Get(args)) => after::json_errors(&args.output),
        Command::Completions(_)
        | Command::Man(_)
        | Command::Login(_)
        | Command::Logout(_)
        | Command::Config(_) => false,
    }
}

/// Reports a command line clap could not parse. Help and version go out as clap prints them;
/// a usage error is printed as JSON when the arguments ask for JSON output, since the CI
/// job that parses our errors gets this one too.
pub fn usage_error(err: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    let is_error = !matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !is_error {
        let _ = err.print();
        return u8::try_from(err.exit_code()).unwrap_or(0);
    }
    // Keys never get here: `refuse_keys_in_args` ran first.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut message = fold_clap_error(&err.render().to_string());
    let key_flag = args.iter().any(|a| {
        let name = a.split('=').next().unwrap_or("");
        matches!(name, "--key" | "--secret-key" | "--api-key" | "--token")
    });
    if key_flag {
        message.push_str(
            "; the secret key is never given on the command line (ps would show it): set ORQEX_SECRET_KEY, or store it with `orqex login`",
        );
    }
    message.push_str("; see --help");
    error::report(&Error::usage(message), asks_for_json(args.into_iter()))
}

/// clap's error as one line: its message (a conflict lists the flags on the lines below it)
/// and its tips in brackets, without the Usage block, which `--help` shows better.
fn fold_clap_error(text: &str) -> String {
    let (mut message, mut tips) = (Vec::new(), Vec::new());
    for line in text.lines().take_while(|l| !l.starts_with("Usage:")) {
        let line = line.trim();
        if let Some(tip) = line.strip_prefix("tip: ") {
            tips.push(tip);
        } else if !line.is_empty() {
            message.push(line);
        }
    }
    let message = message.join(" ");
    let mut folded = message
        .strip_prefix("error: ")
        .unwrap_or(&message)
        .to_string();
    if !tips.is_empty() {
        folded.push_str(&format!(" ({})", tips.join("; ")));
    }
    folded
}

/// The checks on the raw arguments, before clap parses them; the exit code when one fails
/// (its error already printed, as JSON when the arguments ask for JSON).
pub fn check_args() -> std::result::Result<(), u8> {
    refuse_keys_in_args(std::env::args_os().skip(1)).map_err(|e| {
        let json = asks_for_json(
            std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        );
        error::report(&e, json)
    })
}

/// Refuses, before clap or anything else sees them, arguments that hold a secret key: clap
/// would quote one back in an error, and a flag would store or send it. The key is named only
/// masked.
fn refuse_keys_in_args(args: impl Iterator<Item = OsString>) -> Result<()> {
    for arg in args {
        let arg = arg.to_string_lossy();
        if let Some(at) = crate::secret::find_key(&arg) {
            return Err(Error::usage(format!(
                "an argument holds what looks like a secret key ({}); keys are never taken from the command line, where `ps` and shell history show them: set ORQEX_SECRET_KEY, or store it with `orqex login`",
                crate::secret::mask(&arg[at])
            )));
        }
    }
    Ok(())
}

/// `--json`, `--output json`, `--output=json`, `-o json` or `-ojson` among arguments clap
/// could not parse, before any `--`. A guess by necessity: a flag's value that happens to
/// read `--json` would count too, which at worst turns a usage error into JSON.
fn asks_for_json(args: impl Iterator<Item = String>) -> bool {
    let mut previous_was_output = false;
    for arg in args {
        if arg == "--" {
            return false;
        }
        if arg == "--json"
            || arg == "--output=json"
            || arg == "-ojson"
            || (previous_was_output && arg == "json")
        {
            return true;
        }
        previous_was_output = arg == "--output" || arg == "-o";
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks(args: &[&str]) -> bool {
        asks_for_json(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn only_whole_keys_in_arguments_are_refused() {
        let refused = |arg: &str| refuse_keys_in_args(std::iter::once(OsString::from(arg)));
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

    #[test]
    fn clap_errors_fold_into_one_line_with_their_tips() {
        let text = "error: unexpected argument '--amout' found\n\n  tip: a similar argument exists: '--amount'\n\nUsage: orqex checkout create [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            fold_clap_error(text),
            "unexpected argument '--amout' found (a similar argument exists: '--amount')"
        );
        let text = "error: the argument '--batch <FILE>' cannot be used with:\n  --wait\n  --qr\n\nUsage: x\n";
        assert_eq!(
            fold_clap_error(text),
            "the argument '--batch <FILE>' cannot be used with: --wait --qr"
        );
    }

    #[test]
    fn json_is_found_in_unparsed_arguments() {
        assert!(asks(&["checkout", "create", "--bogus", "--json"]));
        assert!(asks(&["checkout", "get", "--output", "json", "x", "y"]));
        assert!(asks(&["checkout", "get", "--output=json"]));
        assert!(asks(&["checkout", "get", "-o", "json"]));
        assert!(asks(&["checkout", "get", "-ojson"]));
        assert!(!asks(&["checkout", "get", "--output", "url", "json"]));
        assert!(!asks(&["checkout", "create", "--", "--json"]));
    }
}
