//! The one error printer, beside `main`: an error becomes its lines on stderr (or one line of
//! JSON, when the user asked for JSON) and its exit code. A command line clap could not read
//! becomes such an error too, in our words, from clap's error kind and context.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::error::{self, Error, Exit};
use crate::ui::Ui;

/// Prints `err` on stderr, once (as JSON when `ui` says errors are JSON), and returns the exit
/// code it carries.
pub fn report(ui: &Ui, err: &Error) -> u8 {
    // An `Exited` error was reported already (a batch's rows).
    if !matches!(err, Error::Exited(_)) {
        ui.error_text(error::render(err, ui.json_errors()).trim_end_matches('\n'));
    }
    err.exit().code()
}

/// Reports a command line clap could not parse. Help and version go out as clap prints them;
/// anything else is a usage error, printed as JSON when the arguments ask for JSON output,
/// since the CI job that parses our errors gets this one too.
pub fn command_line(ui: &Ui, err: &clap::Error, args: &[OsString]) -> u8 {
    match err.kind() {
        // Asked for: the result, on stdout, and a failure to write it is one like any other.
        // clap draws it in colour at a terminal, where writing cannot fail for lack of room.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if !ui.stdout_is_terminal() => {
            let text = err.render().to_string();
            return match ui.out(text.trim_end()) {
                Ok(()) => Exit::Success.code(),
                Err(e) => report(ui, &e),
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
    let mut message = clap_message(err, args);
    // Keys never get here: `commands::check_args` refused them first.
    let key_flag = args.iter().any(|a| {
        let a = a.to_string_lossy();
        let name = a.split('=').next().unwrap_or("");
        matches!(name, "--key" | "--secret-key" | "--api-key" | "--token")
    });
    if key_flag {
        // clap's nearest flag (`--set` for `--secret-key`) would point the wrong way.
        if let Some(at) = message.find(" (a similar argument exists") {
            message.truncate(at);
        }
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
    report(
        &ui.with_json_errors(crate::cli::args_ask_for_json(args)),
        &Error::usage(message),
    )
}

/// clap's error in one line of our words: what was wrong, and clap's suggestion if it has one.
/// `args` (the arguments, without the program's name) let a missing flag name the flag that
/// needs it, which clap's error does not say.
fn clap_message(err: &clap::Error, args: &[OsString]) -> String {
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
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
            if values(ContextKind::InvalidValue) == [""] =>
        {
            format!("{arg} needs a value")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = std::error::Error::source(err);
            let invalid = values(ContextKind::InvalidArg);
            let given = values(ContextKind::InvalidValue);
            match (invalid.as_slice(), given.as_slice(), why) {
                ([flag], [value], Some(why)) => number_problem(flag, value, why),
                _ => None,
            }
            .unwrap_or_else(|| {
                let mut m = format!(
                    "invalid value {} for {arg}",
                    quoted(ContextKind::InvalidValue)
                );
                // A value parser's own reason.
                if let Some(why) = why {
                    m.push_str(&format!(": {why}"));
                }
                m
            })
        }
        // clap words a flag given twice as a conflict with itself.
        ErrorKind::ArgumentConflict
            if values(ContextKind::InvalidArg) == values(ContextKind::PriorArg) =>
        {
            let given = values(ContextKind::InvalidArg).join(" ");
            let flag = given.split(' ').next().unwrap_or_default();
            format!("{flag} is given twice; give it once")
        }
        ErrorKind::ArgumentConflict => {
            let prior = quoted(ContextKind::PriorArg);
            // A batch's stdout is one JSON line per row already: a --jq there would change
            // nothing, silently. (--json is taken: it makes the batch's errors JSON.)
            let other = [&arg, &prior]
                .into_iter()
                .find(|q| !q.starts_with("'--batch"))
                .and_then(|q| q.trim_matches('\'').split(' ').next())
                .filter(|_| arg.starts_with("'--batch") || prior.starts_with("'--batch"))
                .filter(|flag| *flag == "--jq");
            let why = other.map_or(String::new(), |flag| {
                format!(": a batch prints one JSON line per row already; drop {flag}, and filter the rows with jq if needed")
            });
            format!("{arg} cannot be used with {prior}{why}")
        }
        ErrorKind::MissingRequiredArgument => missing(&values(ContextKind::InvalidArg), args),
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

/// A number or a duration a value parser refused, in plain words: clap says `0 is not in
/// 1..=64` (Rust's range syntax) or gives `str::parse`'s reason. `flag` is clap's
/// `--concurrency <N>`, `value` what was typed. None for any other reason, which is shown as clap has it.
fn number_problem(
    flag: &str,
    value: &str,
    why: &(dyn std::error::Error + 'static),
) -> Option<String> {
    let (name, value_name) = flag.split_once(' ').unwrap_or((flag, ""));
    // Every duration flag's reason, from the one duration parser.
    if let Some(problem) = why.downcast_ref::<crate::duration::Problem>() {
        return Some(format!(
            "{name} `{}` {problem}",
            crate::text::printable(value)
        ));
    }
    if let Some(e) = why.downcast_ref::<std::num::ParseIntError>() {
        use std::num::IntErrorKind;
        let what = match e.kind() {
            // An unsigned parser reads no sign: the number is below zero, not malformed.
            IntErrorKind::InvalidDigit
                if value
                    .strip_prefix('-')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
            {
                "is below zero"
            }
            IntErrorKind::InvalidDigit | IntErrorKind::Empty => "is not a whole number",
            IntErrorKind::PosOverflow => "is too large",
            IntErrorKind::NegOverflow => "is too small",
            _ => return None,
        };
        return Some(format!("{name} `{value}` {what}"));
    }
    let text = why.to_string();
    let (_, bounds) = text.split_once(" is not in ")?;
    let (low, high) = bounds.split_once("..")?;
    let low: i128 = low.parse().ok()?;
    let high: i128 = match high.strip_prefix('=') {
        Some(inclusive) => inclusive.parse().ok()?,
        None => high.parse::<i128>().ok()? - 1,
    };
    // An open end shows as the type's limit.
    let open_low = low == i128::from(i64::MIN);
    let open_high = high == i128::from(i64::MAX) || high == i128::from(u64::MAX);
    let give = match (open_low, open_high) {
        (false, true) => format!("{low} or more"),
        (true, false) => format!("{high} or less"),
        _ => format!("{low} to {high}"),
    };
    // A value name longer than a letter (`<SECONDS>`, not `<N>`) says the unit.
    let unit = value_name.trim_start_matches('<').trim_end_matches('>');
    let unit = if unit.len() > 1 {
        format!(" ({})", unit.to_lowercase())
    } else {
        String::new()
    };
    Some(format!(
        "{name} `{value}` is out of range: give {give}{unit}"
    ))
}

/// What is missing, as clap lists it (`--wait`, `--batch <FILE>`, `<CHECKOUT_ID|URL>`), and for
/// a flag that another flag requires, which flag given needs it: clap's error does not say,
/// so each flag given is tried alone with the same subcommand.
fn missing(required: &[String], args: &[OsString]) -> String {
    let mut plain = Vec::new();
    let mut needed = Vec::new();
    for usage in required {
        let long = flag_name(usage).strip_prefix("--");
        match long.map(|long| requirers(long, args)) {
            Some(Some(by)) if by.is_empty() => needed.push(format!(
                "a flag given needs {}; add {usage}, or drop the flag that needs it",
                flag_name(usage)
            )),
            Some(Some(by)) => {
                let verb = if by.len() == 1 { "needs" } else { "need" };
                let by = and_list(&by);
                needed.push(format!(
                    "{by} {verb} {}; add {usage}, or drop {by}",
                    flag_name(usage)
                ));
            }
            _ => plain.push(format!("'{usage}'")),
        }
    }
    let mut parts = Vec::new();
    if !plain.is_empty() {
        parts.push(format!("missing {}", plain.join(", ")));
    }
    parts.extend(needed);
    parts.join("; ")
}

/// `--batch` of clap's `--batch <FILE>`.
fn flag_name(usage: &str) -> &str {
    usage.split(' ').next().unwrap_or(usage)
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The flags given in `args` that require `--{long}`, as typed; empty when none could be
/// found. None when `--{long}` is a flag its subcommand always requires (or is unknown), so
/// that it is plainly missing.
fn requirers(long: &str, args: &[OsString]) -> Option<Vec<String>> {
    use clap::{CommandFactory, Parser};
    let mut root = crate::cli::Cli::command();
    // Globals (`--profile`) are propagated to subcommands here.
    root.build();
    // The subcommand clap stopped in, and where its own arguments begin.
    let mut leaf = &root;
    let mut start = 0;
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        if let Some(sub) = leaf.find_subcommand(arg) {
            leaf = sub;
            start = i + 1;
        }
    }
    let find = |name: &str| {
        leaf.get_arguments().find(|a| {
            a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|v| v.contains(&name))
        })
    };
    if find(long).is_none_or(clap::Arg::is_required_set) {
        return None;
    }
    let mut found: Vec<String> = Vec::new();
    let mut i = start;
    while i < args.len() {
        let arg = args[i].to_string_lossy();
        if arg == "--" {
            break;
        }
        let mut end = i + 1;
        if let Some(given) = arg.strip_prefix("--") {
            let (name, inline) = match given.split_once('=') {
                Some((name, _)) => (name, true),
                None => (given, false),
            };
            if let Some(flag) = find(name) {
                if flag.get_action().takes_values() && !inline {
                    end = (i + 2).min(args.len());
                }
                let alone = std::iter::once(OsString::from("orqex"))
                    .chain(args[..start].iter().cloned())
                    .chain(args[i..end].iter().cloned());
                let needs_it = crate::cli::Cli::try_parse_from(alone).is_err_and(|e| {
                    e.kind() == ErrorKind::MissingRequiredArgument
                        && match e.get(ContextKind::InvalidArg) {
                            Some(ContextValue::Strings(v)) => v
                                .iter()
                                .any(|u| u.strip_prefix("--").map(flag_name) == Some(long)),
                            _ => false,
                        }
                });
                let typed = format!("--{name}");
                if needs_it && !found.contains(&typed) {
                    found.push(typed);
                }
            }
        }
        i = end;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    fn message(args: &[&str]) -> String {
        let err =
            crate::cli::Cli::try_parse_from(std::iter::once("orqex").chain(args.iter().copied()))
                .unwrap_err();
        clap_message(&err, &os(args))
    }

    /// `checkout create` with `extra`, as a dry run that needs nothing else.
    fn create(extra: &[&str]) -> String {
        let mut args = vec!["checkout", "create", "--amount", "5", "--dry-run"];
        args.extend(extra);
        message(&args)
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
            "--max-retries `11` is out of range: give 0 to 10"
        );
        assert_eq!(message(&["checkout", "get"]), "missing '<CHECKOUT_ID|URL>'");
        assert_eq!(
            message(&["chekout"]),
            "unknown subcommand 'chekout' (a similar subcommand exists: 'checkout')"
        );
    }

    #[test]
    fn numbers_out_of_range_in_words() {
        assert_eq!(
            create(&["--batch", "rows.csv", "--concurrency", "65"]),
            "--concurrency `65` is out of range: give 1 to 64"
        );
        assert_eq!(
            create(&["--max-retries", "soon"]),
            "--max-retries `soon` is not a whole number"
        );
        assert_eq!(
            create(&["--max-retries", "-1"]),
            "--max-retries `-1` is out of range: give 0 to 10"
        );
        assert_eq!(
            create(&["--max-retries", "99999999999999999999"]),
            "--max-retries `99999999999999999999` is too large"
        );
        assert_eq!(
            create(&["--max-retries", ""]),
            "'--max-retries <N>' needs a value"
        );
    }

    #[test]
    fn durations_in_the_duration_parser_words() {
        assert_eq!(
            create(&["--timeout", "0"]),
            "--timeout `0` is too short; the least is 1ms"
        );
        assert_eq!(
            create(&["--timeout=3601"]),
            "--timeout `3601` is too long; the most is 1h"
        );
        assert_eq!(
            create(&["--timeout", "soon\u{1b}[2J"]),
            "--timeout `soon\\x1b[2J` is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s)"
        );
        assert_eq!(
            create(&["--timeout", ""]),
            "'--timeout <DURATION>' needs a value"
        );
    }

    #[test]
    fn ranges_of_every_shape() {
        let why = |text: &str| -> Box<dyn std::error::Error> { text.into() };
        let words = |flag, text| number_problem(flag, "7", why(text).as_ref());
        assert_eq!(
            words("--n <N>", "7 is not in 1..=5").as_deref(),
            Some("--n `7` is out of range: give 1 to 5")
        );
        // An exclusive end is the number before it.
        assert_eq!(
            words("--n <N>", "7 is not in 1..5").as_deref(),
            Some("--n `7` is out of range: give 1 to 4")
        );
        // An open end shows as the type's limit.
        assert_eq!(
            words("--wait <SECONDS>", "7 is not in 10..=18446744073709551615").as_deref(),
            Some("--wait `7` is out of range: give 10 or more (seconds)")
        );
        assert_eq!(
            words("--n <N>", "7 is not in -9223372036854775808..=5").as_deref(),
            Some("--n `7` is out of range: give 5 or less")
        );
        // Any other reason is left to the generic message.
        assert_eq!(words("--n <N>", "not a colour"), None);
    }

    #[test]
    fn a_flag_that_needs_another_is_named() {
        assert_eq!(
            create(&["--interval", "1"]),
            "--interval needs --wait; add --wait, or drop --interval"
        );
        assert_eq!(
            create(&["--wait-timeout=5m", "--interval", "1"]),
            "--wait-timeout and --interval need --wait; add --wait, or drop --wait-timeout and --interval"
        );
        assert_eq!(
            create(&["--concurrency", "8"]),
            "--concurrency needs --batch; add --batch <FILE>, or drop --concurrency"
        );
        assert_eq!(
            message(&[
                "--profile",
                "ci",
                "checkout",
                "get",
                "cs_1",
                "--interval",
                "1"
            ]),
            "--interval needs --wait; add --wait, or drop --interval"
        );
        // Something plainly missing and a flag needing another, at once.
        assert_eq!(
            message(&["checkout", "get", "--interval", "1"]),
            "missing '<CHECKOUT_ID|URL>'; --interval needs --wait; add --wait, or drop --interval"
        );
    }

    #[test]
    fn a_needed_flag_whose_cause_is_not_found_is_still_plain() {
        // The arguments hold no flag that needs --wait (as when they were read another way).
        assert_eq!(
            missing(&["--wait".into()], &os(&["checkout", "create"])),
            "a flag given needs --wait; add --wait, or drop the flag that needs it"
        );
        // An unknown flag, or a positional argument, is simply missing.
        assert_eq!(
            missing(&["--nosuch".into()], &os(&["checkout", "create"])),
            "missing '--nosuch'"
        );
        assert_eq!(
            missing(&["<CHECKOUT_ID|URL>".into()], &os(&["checkout", "get"])),
            "missing '<CHECKOUT_ID|URL>'"
        );
    }
}
