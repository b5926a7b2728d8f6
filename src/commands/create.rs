//! `orqex checkout create`: assemble → validate → confirm → send → show.

use super::{live, show};
use crate::checkout::input::{self, Parsed};
use crate::checkout::source::JsonSource;
use crate::checkout::{Draft, ValidRequest, checks, validate};
use crate::cli::CreateArgs;
use crate::client;
use crate::commands::net;
use crate::config::Settings;
use crate::error::{self, Error, FieldError, Result};
use crate::interrupt;
use crate::prompt;
use crate::ui::Ui;

pub fn run(ui: &Ui, settings: &Settings, args: CreateArgs) -> Result<()> {
    let after = show::options(&args.output)?;
    let interactive = ui.may_prompt(args.input.no_input);
    let (request, idempotency_key) = assemble(ui, &args, settings, interactive)?;

    if args.dry_run {
        if after.needs_checkout() {
            return Err(Error::usage(
                "--wait, --qr and --open need a real checkout; drop them or drop --dry-run",
            ));
        }
        // A dry run prints the body: an id, URL or status would have to be made up.
        if let Some(f) = args
            .output
            .output
            .filter(|f| *f != crate::format::Format::Json)
        {
            return Err(Error::usage(format!(
                "--output {} needs a real checkout; --dry-run prints the request body as JSON: drop --output, or drop --dry-run",
                f.name()
            )));
        }
        return match &after.jq {
            Some(jq) => ui.out_jq(jq, &request.as_value()),
            None => ui.out_json(&request.as_value()),
        };
    }

    let key = settings.require_key()?;
    let key_env = key.environment();
    ui.refuse_closed_stdout()?;
    // Before the live question: a bad CA bundle or proxy must not follow "this creates a real
    // checkout".
    let client = net::client(&args.net, settings, key.clone())?;
    live::confirm(ui, &key, interactive && !args.input.yes, false, || {
        summary(request.get())
    })?;
    let idempotency_key = match idempotency_key {
        Some(k) => k,
        None => client::new_idempotency_key()?,
    };
    // From the first byte sent until the checkout is shown (a --wait included), an
    // interruption must leave the way back to this checkout: its idempotency key.
    let _signals = interrupt::sending(
        ui,
        error::retry_hint(&idempotency_key),
        Some(&idempotency_key),
    );
    let resp = client.create_checkout(&request.to_bytes(), &idempotency_key)?;
    if resp.replayed {
        ui.note(&format!(
            "the API replayed the checkout created earlier with idempotency key {idempotency_key}; nothing new was created"
        ));
    }
    show::finish(ui, &client, resp, &after, key_env, Some(&idempotency_key))
}

/// Lays the sources on each other (config defaults < JSON < flags < prompt answers), then
/// validates the whole: a valid request and the user's idempotency key, or every problem at
/// once. Prompts are asked only when `interactive` and a required field is still missing.
fn assemble(
    ui: &Ui,
    args: &CreateArgs,
    settings: &Settings,
    interactive: bool,
) -> Result<(ValidRequest, Option<String>)> {
    let (flags, mut problems) = super::body::from_flags(&args.body);
    let set = input::from_set(&args.set, &args.set_json)?;
    problems.extend(super::body::given_twice(&flags, &set));
    let Parsed {
        draft: set,
        problems: set_shape,
        unlisted,
    } = set;
    let flags_given =
        !args.body.given.is_empty() || !args.set.is_empty() || !args.set_json.is_empty();
    let stdin_is_terminal = ui.stdin_is_terminal();
    let source = JsonSource::choose(args.input.data.as_deref(), stdin_is_terminal, flags_given)?;
    let (json, json_origin) = match &source {
        Some(source) => (read_json(ui, source)?, source.origin()),
        None => (Parsed::default(), String::new()),
    };
    let Parsed {
        draft: json,
        problems: mut shape,
        unlisted: _,
    } = json;
    shape.extend(set_shape);
    let defaults = super::body::config_defaults(settings);
    let config_origin = format!("config file {}", settings.path.display());
    let mut draft = defaults
        .clone()
        .overlay(json.clone())
        .overlay(set.clone())
        .overlay(flags.clone());
    // What overrides the JSON body: the problems of its fields are then beside the point.
    let over = set.clone().overlay(flags.clone());
    let name_sources = |found: &mut Vec<FieldError>| {
        input::name_sources(
            found,
            &[
                (&flags, None),
                (&set, Some("--set")),
                (&json, Some(&json_origin)),
                (&defaults, Some(&config_origin)),
            ],
        )
    };

    let idempotency_key =
        args.idempotency_key
            .as_deref()
            .and_then(|k| match checks::idempotency_key(k) {
                Ok(k) => Some(k),
                Err(message) => {
                    problems.push(checks::idempotency_key_problem(message));
                    None
                }
            });

    let missing = input::missing_required(&draft);
    if interactive && !missing.is_empty() {
        // A value given wrongly is reported now rather than after the questions, and the key
        // is checked first too: nobody should answer six questions to learn either.
        let mut found = validate::validate(draft.clone()).err().unwrap_or_default();
        name_sources(&mut found);
        found.retain(|p| !missing.contains(&p.field.as_str()));
        problems.extend(input::combine(shape.clone(), &over, found));
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        if !args.dry_run {
            settings.require_key()?;
        }
        let answers = prompt::fill(&draft)?;
        draft = draft.overlay(answers);
    }

    let (valid, found) = match validate::validate(draft) {
        Ok(valid) => (Some(valid), Vec::new()),
        Err(mut found) => {
            name_sources(&mut found);
            (None, found)
        }
    };
    let missing_any = found.iter().any(|p| missing.contains(&p.field.as_str()));
    problems.extend(input::combine(shape, &over, found));
    if let Some(valid) = valid
        && problems.is_empty()
    {
        super::body::warn_unlisted(ui, &unlisted, "--set");
        return Ok((valid.with_unlisted(&unlisted), idempotency_key));
    }
    // Flags were given, so a pipe on stdin was left alone: say so where it would explain
    // the missing fields.
    if source.is_none() && flags_given && missing_any && crate::read::stdin_may_hold_input(ui) {
        problems.push(FieldError {
            field: "stdin".into(),
            flag: "--data -".into(),
            message: "was not read, since flags were given; to merge JSON piped on stdin with the flags, add --data -".into(),
        });
    }
    Err(Error::Invalid(problems))
}

/// Reads a JSON source, saying what it waits for where a person could wonder.
fn read_json(ui: &Ui, source: &JsonSource) -> Result<Parsed> {
    let stdin = matches!(source, JsonSource::Stdin { .. });
    if stdin && ui.stdin_is_terminal() {
        ui.status("orqex: reading JSON from the terminal; end it with Ctrl-D");
    }
    // A pipe that never closes is noted by the reader, as a FIFO is.
    Ok(source.read(ui)?.unwrap_or_default())
}

/// The summary of one request, as shown before a live create.
fn summary(req: &Draft) -> Vec<(&'static str, String)> {
    let text = |path| req.text(path).unwrap_or("");
    let amount = req
        .get("amount")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default();
    let name = [text("customer.first_name"), text("customer.last_name")]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        ("amount", format!("{amount} {}", text("currency"))),
        ("description", text("description").to_string()),
        ("customer", format!("{name} <{}>", text("customer.email"))),
    ]
}
