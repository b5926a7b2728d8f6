//! `orqex checkout create --batch FILE`.

use std::io::{BufRead, BufReader, IsTerminal};

use crate::batch::{self, Format, Plan};
use crate::checkout::{input, validate};
use crate::cli::{BatchFormat, CreateArgs};
use crate::client;
use crate::commands::net;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::interrupt;
use crate::output;

pub fn run(settings: &Settings, args: &CreateArgs, source: &str) -> Result<()> {
    let (defaults, problems) = input::from_flags(&args.body);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let (batch_key, generated) = match &args.idempotency_key {
        Some(k) => (check_batch_key(k)?, false),
        None => (client::new_idempotency_key()?, true),
    };
    let (reader, format) = open(source, args.batch.batch_format)?;
    let rows = batch::rows(reader, format)?;

    let client = if args.dry_run {
        None
    } else {
        Some(net::client(&args.net, settings, settings.require_key()?)?)
    };
    if generated && client.is_some() {
        output::note(&format!(
            "batch idempotency key: {batch_key} (re-run with --idempotency-key {batch_key} to resume without duplicates)"
        ));
    }
    let plan = Plan {
        defaults,
        client: client.as_ref(),
        batch_key: batch_key.clone(),
        concurrency: usize::from(args.batch.concurrency),
    };

    let _interrupted = client.is_some().then(|| {
        interrupt::while_sending(format!(
            "rows being sent may or may not have been created; re-run the same file with --idempotency-key {batch_key}: rows already created are replayed, not created again"
        ))
    });
    let progress = std::io::stderr().is_terminal();
    let summary = batch::run(rows, &plan, |line, so_far| {
        if progress {
            eprint!("\r\x1b[2K{} created, {} failed", so_far.ok, so_far.failed);
        }
        output::stdout_line(&line.to_string())
    })?;
    if progress {
        eprintln!();
    }
    let verb = if args.dry_run { "valid" } else { "created" };
    if summary.failed > 0 && client.is_some() {
        output::note(&format!(
            "batch: {} {verb}, {} failed; fix the failed rows and re-run the same file with --idempotency-key {batch_key}: rows already created are replayed, not created again",
            summary.ok, summary.failed
        ));
    } else {
        output::note(&format!(
            "batch: {} {verb}, {} failed",
            summary.ok, summary.failed
        ));
    }
    if summary.stopped_on_auth {
        output::note(
            "batch: stopped early because the API refused the key; check ORQEX_SECRET_KEY or run `orqex login`",
        );
    }
    match summary.exit() {
        crate::error::Exit::Success => Ok(()),
        code => Err(Error::Exited(code)),
    }
}

fn check_batch_key(key: &str) -> Result<String> {
    let problem =
        |message: String| Error::Invalid(vec![validate::idempotency_key_problem(message)]);
    let key = validate::idempotency_key(key).map_err(problem)?;
    if key.len() > batch::BATCH_KEY_MAX {
        return Err(problem(format!(
            "is {} characters long; with --batch it must be at most {} so each row's key (KEY-ROW) stays within 128",
            key.len(),
            batch::BATCH_KEY_MAX
        )));
    }
    Ok(key)
}

fn open(source: &str, format: Option<BatchFormat>) -> Result<(Box<dyn BufRead + Send>, Format)> {
    let named = format.map(|f| match f {
        BatchFormat::Jsonl => Format::JsonLines,
        BatchFormat::Csv => Format::Csv,
    });
    if source == "-" {
        let mut reader = BufReader::new(std::io::stdin());
        let format = match named {
            Some(f) => f,
            None => {
                let head = reader.fill_buf()?;
                let first = head.iter().find(|b| !b.is_ascii_whitespace());
                if first == Some(&b'{') {
                    Format::JsonLines
                } else {
                    Format::Csv
                }
            }
        };
        return Ok((Box::new(reader), format));
    }
    let file = std::fs::File::open(source)
        .map_err(|e| Error::usage(format!("--batch: cannot open {source}: {e}")))?;
    let format = named.unwrap_or(if source.to_ascii_lowercase().ends_with(".csv") {
        Format::Csv
    } else {
        Format::JsonLines
    });
    Ok((Box::new(BufReader::new(file)), format))
}
