//! The one error printer, beside `main`: an error becomes its lines on stderr (or one line of
//! JSON, when the user asked for JSON) and its exit code. A command line clap could not read
//! becomes such an error too, in our words, from clap's error kind and context.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::error::{self, Error, Exit};
use crate::output;

/// Prints `err` on stderr, once, and returns the exit code it carries.
pub fn report(err: &Error, json: bool) -> u8 {
    // An `Exited` error was reported already (a batch's rows).
    if !matches!(err, Error::Exited(_)) {
        output::to_stderr(error::render(err, json).trim_end_matches('\n'));
    }
    err.exit().code()
}

/// Reports a command line clap could not parse. Help and version go out as clap prints them;
/// anything else is a usage error, printed as JSON when the arguments ask for JSON output,
/// since the CI job that parses our errors gets this one too.
pub fn command_line(err: &clap::Error, args: &[OsString]) -> u8 {
    match err.kind() {
        // Asked for: the result, on stdout, and a failure to write it is one like any other.
        // clap draws it in colour at a terminal, where writing cannot fail for lack of room.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if !output::stdout_is_terminal() => {
            let text = err.render().to_string();
            return match output::stdout_line(text.trim_end()) {
                Ok(()) => Exit::Success.code(),
                Err(e) => report(&e, false),
            };
        }
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return u8::try_from(err.exit_code()).unwrap_or(Exit::Usage.code());
        }
        _ => {}
    }
    let mut message = clap_message(err);
    // Keys never get here: `commands::check_args` refused them first.
    let key_flag = args.iter().any(|a| {
        let a = a.to_string_lossy();
        let name = a.split('=').next().unwrap_or("");
        matches!(name, "--key" | "--secret-key" | "--api-key" | "--token")
    });
    if key_flag {
        message.push_str(
            "; the secret key is never given on the command line (ps would show it): set ORQEX_SECRET_KEY, or store it with `orqex login`",
        );
    }
    let secret_flag = args.iter().any(|a| {
        let a = a.to_string_lossy();
        let name = a.split('=').next().unwrap_or("");
        matches!(name, "--secret" | "--webhook-secret" | "--signing-secret")
    });
    if secret_flag {
        message.push_str(
            "; the webhook signing secret is never given on the command line (ps would show it): set ORQEX_WEBHOOK_SECRET, name another variable with --secret-env NAME, or store it with `orqex config set webhook-secret`",
        );
    }
    message.push_str("; see --help");
    report(&Error::usage(message), asks_for_json(args))
}

/// clap's error in one line of our words: what was wrong, and clap's suggestion if it has one.
fn clap_message(err: &clap::Error) -> String {
    let values = |kind| -> Vec<String> {
        match err.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
            Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
            Some(ContextValue::Number(n)) => vec![n.to_string()],
            _ => Vec::new(),
        }
    };
    let get = |kind| Some(values(kind).join("; ")).filter(|s| !s.is_empty());
    let quoted = |kind| {
        values(kind)
            .iter()
            .map(|v| format!("'{v}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let arg = quoted(ContextKind::InvalidArg);
    let mut message = match err.kind() {
        ErrorKind::UnknownArgument => format!("unexpected argument {arg}"),
        ErrorKind::InvalidValue if values(ContextKind::InvalidValue) == [""] => {
            format!("{arg} needs a value")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut m = format!(
                "invalid value {} for {arg}",
                quoted(ContextKind::InvalidValue)
            );
            // A value parser's own reason (a number out of range).
            if let Some(why) = std::error::Error::source(err) {
                m.push_str(&format!(": {why}"));
            }
            m
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} cannot be used with {}",
            quoted(ContextKind::PriorArg)
        ),
        ErrorKind::MissingRequiredArgument if arg.starts_with("'--") => {
            format!("{arg} is needed by a flag given (for example --interval needs --wait)")
        }
        ErrorKind::MissingRequiredArgument => format!("missing {arg}"),
        ErrorKind::InvalidSubcommand => format!(
            "unknown subcommand {}",
            quoted(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::NoEquals => format!("{arg} needs its value after `=`"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("wrong number of values for {arg}")
        }
        ErrorKind::MissingSubcommand => "a subcommand is needed".to_string(),
        ErrorKind::InvalidUtf8 => format!("{arg} is not valid UTF-8"),
        other => other
            .as_str()
            .unwrap_or("the command line could not be read")
            .to_string(),
    };
    let suggestions: Vec<String> = [
        (ContextKind::SuggestedArg, "a similar argument exists"),
        (
            ContextKind::SuggestedSubcommand,
            "a similar subcommand exists",
        ),
        (ContextKind::SuggestedValue, "a similar value exists"),
    ]
    .into_iter()
    .filter_map(|(kind, what)| get(kind).map(|s| format!("{what}: '{s}'")))
    .chain(
        Some(values(ContextKind::ValidValue).join(", "))
            .filter(|v| !v.is_empty())
            .map(|v| format!("possible values: {v}")),
    )
    .chain(get(ContextKind::Suggested))
    .collect();
    if !suggestions.is_empty() {
        message.push_str(&format!(" ({})", suggestions.join("; ")));
    }
    message
}

/// `--json`, `--output json`, `--output=json`, `-o json` or `-ojson` among arguments clap
/// could not parse, before any `--`. A guess by necessity: a flag's value that happens to
/// read `--json` would count too, which at worst turns a usage error into JSON.
pub fn asks_for_json(args: &[OsString]) -> bool {
    let mut previous_was_output = false;
    for arg in args {
        let arg = arg.to_string_lossy();
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
    use clap::Parser;

    fn asks(args: &[&str]) -> bool {
        asks_for_json(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    fn message(args: &[&str]) -> String {
        let err =
            crate::cli::Cli::try_parse_from(std::iter::once("orqex").chain(args.iter().copied()))
                .unwrap_err();
        clap_message(&err)
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

    #[test]
    fn clap_errors_in_our_words() {
        assert_eq!(
            message(&["checkout", "create", "--amout", "5"]),
            "unexpected argument '--amout' (a similar argument exists: '--amount')"
        );
        assert_eq!(
            message(&["checkout", "get", "--output", "yaml", "cs_1"]),
            "invalid value 'yaml' for '--output <FORMAT>' (possible values: url, id, json, env, status)"
        );
        assert_eq!(
            message(&["checkout", "create", "--batch", "x", "--wait"]),
            "'--batch <FILE>' cannot be used with '--wait'"
        );
        assert_eq!(
            message(&["checkout", "create", "--max-retries", "11"]),
            "invalid value '11' for '--max-retries <N>': 11 is not in 0..=10"
        );
        assert_eq!(message(&["checkout", "get"]), "missing '<CHECKOUT_ID|URL>'");
        assert_eq!(
            message(&["chekout"]),
            "unknown subcommand 'chekout' (a similar subcommand exists: 'checkout')"
        );
    }
}
