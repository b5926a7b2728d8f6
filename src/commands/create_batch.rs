//! `orqex checkout create --batch FILE`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::batch::{self, Format, Plan};
use crate::checkout::{checks, input, source};
use crate::cli::CreateArgs;
use crate::client;
use crate::commands::net;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::interrupt;
use crate::read::Place;
use crate::ui::Ui;

pub fn run(ui: &Ui, settings: &Settings, args: &CreateArgs, source: &str) -> Result<()> {
    let (flags, mut problems) = super::body::from_flags(&args.body);
    let set = input::from_set(&args.set, &args.set_json)?;
    problems.extend(super::body::given_twice(&flags, &set));
    problems.extend(set.problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    super::body::warn_unlisted(ui, &set.unlisted, "--set");
    // The same layers as a single create, under each row: profile defaults, then flags.
    let defaults = super::body::config_defaults(settings)
        .overlay(set.draft)
        .overlay(flags);
    let unknown = if args.batch.allow_unknown {
        input::Unknown::Keep
    } else {
        input::Unknown::Refuse(input::Sending::AllowUnknown)
    };
    let (batch_key, generated) = match &args.idempotency_key {
        Some(k) => (check_batch_key(k)?, false),
        None => (client::new_idempotency_key()?, true),
    };
    let flag = crate::error::key_flag(&batch_key);
    let (reader, format) = open(ui, source, args.batch.batch_format)?;
    let rows = batch::rows(reader, format, unknown)?;

    let client = if args.dry_run {
        None
    } else {
        let key = settings.require_key()?;
        ui.refuse_closed_stdout()?;
        let client = net::client_for(
            &args.net,
            settings,
            key.clone(),
            usize::from(args.batch.concurrency),
        )?;
        let ask = ui.may_prompt(args.input.no_input) && !args.input.yes;
        super::live::confirm(ui, &key, ask, true, || {
            vec![
                (
                    "rows from",
                    if source == "-" {
                        "stdin".into()
                    } else {
                        source.to_string()
                    },
                ),
                ("concurrency", args.batch.concurrency.to_string()),
            ]
        })?;
        Some(client)
    };
    if generated && client.is_some() {
        ui.status(&format!(
            "orqex: batch idempotency key: {batch_key} (re-run with {flag} to resume without duplicates)"
        ));
    }
    let plan = Plan {
        defaults,
        client: client.as_ref(),
        batch_key: batch_key.clone(),
        concurrency: usize::from(args.batch.concurrency),
        unlisted: set.unlisted,
        warn_unlisted: &|unlisted, row| super::body::warn_unlisted(ui, unlisted, row),
        unlisted_said: Default::default(),
    };

    let _signals = client.is_some().then(|| {
        interrupt::sending(
            ui,
            format!(
                "rows being sent may or may not have been created; re-run the same file with {flag}: rows already created are replayed, not created again"
            ),
            Some(&batch_key),
        )
    });
    let verb = if args.dry_run { "valid" } else { "created" };
    let mut progress = ui.status_line();
    let summary = batch::run(rows, &plan, |line, so_far| {
        // stdout may be the same terminal: the line goes above the count, never into it.
        progress.suspend(|| ui.out_json_line(line))?;
        progress.set(so_far.counts(verb));
        Ok(())
    })
    .map_err(|e| match e {
        // The results are lost and no more rows were sent: the batch key gets them back.
        e @ Error::Stdout(_) if client.is_some() => Error::Noted {
            source: Box::new(e),
            note: format!(
                "stopped sending rows; rows already sent may have been created: re-run the same file with {flag} to get every row's result (rows already created are replayed, not created again)"
            ),
            idempotency_key: Some(batch_key.clone()),
        },
        other => other,
    })?;
    progress.clear();
    if let Some(problem) = &summary.input_error {
        ui.status(&format!(
            "orqex: batch: stopped reading the input: {problem}"
        ));
    }
    let counts = summary.counts(verb);
    if summary.failed > 0 && client.is_some() && !summary.stopped_on_auth {
        // A row that failed orqex's checks was never sent: its key is unused, so the row
        // can be fixed and sent with it. Only a row the API saw answers 409 to a new body.
        let retry = match (summary.failed_sent, summary.failed - summary.failed_sent) {
            (0, _) => format!(
                "fix the failed rows (each line says why; none was sent) and re-run the same file with {flag}: rows already created are replayed, not created again"
            ),
            (_, 0) => format!(
                "to retry them, re-run the same file unchanged with {flag}: rows already created are replayed, not created again (a row whose body changed gets a 409: give changed rows a new batch key)"
            ),
            _ => format!(
                "fix the rows that failed orqex's checks (never sent) and re-run the same file with {flag}: rows already created are replayed, not created again (a row the API rejected whose body changed gets a 409: give changed rows a new batch key)"
            ),
        };
        ui.status(&format!("batch: {counts}; {retry}"));
    } else {
        ui.status(&format!("batch: {counts}"));
    }
    if summary.stopped_on_auth {
        ui.status(
            "batch: stopped early because the API refused the key; check ORQEX_SECRET_KEY or run `orqex login`",
        );
    }
    match summary.exit() {
        crate::error::Exit::Success => Ok(()),
        code => Err(Error::Exited(code)),
    }
}

fn check_batch_key(key: &str) -> Result<String> {
    let problem = |message: String| Error::Invalid(vec![checks::idempotency_key_problem(message)]);
    let key = checks::idempotency_key(key).map_err(problem)?;
    if key.len() > batch::BATCH_KEY_MAX {
        return Err(problem(format!(
            "is {} characters long; with --batch it must be at most {} so each row's key (KEY-ROW) stays within 128",
            key.len(),
            batch::BATCH_KEY_MAX
        )));
    }
    Ok(key)
}

/// The rows' reader (`read::open`: a FIFO or a silent pipe is noted, not waited on in
/// silence) and their format.
fn open(
    ui: &Ui,
    source: &str,
    format: Option<crate::format::Format>,
) -> Result<(Box<dyn BufRead + Send>, Format)> {
    let named = format.map(|f| match f {
        crate::format::Format::Csv => Format::Csv,
        // jsonl, the other word of crate::format::Format::BATCH.
        _ => Format::JsonLines,
    });
    if std::fs::metadata(source).is_ok_and(|m| m.is_dir()) && source != "-" {
        return Err(Error::usage(format!(
            "--batch: {source} is a directory; give a JSON Lines or CSV file, or - for stdin"
        )));
    }
    let place = if source == "-" {
        Place::Stdin
    } else {
        Place::Path(Path::new(source))
    };
    let input = crate::read::Input {
        place,
        flag: "--batch",
        what: format!("the rows on {}", place.name()),
        awaited: "the batch's rows",
        hint: "end it, or give the rows as a file: --batch rows.jsonl",
        // Each row is bounded as it is read (`batch::rows`), not the whole.
        limit: u64::MAX,
        too_large: "",
    };
    // Nothing is sent before the first row is in.
    let _signals = crate::interrupt::nothing_sent();
    let reader = BufReader::new(crate::read::open(ui, &input)?);
    let format = match (named, place) {
        (Some(f), _) => f,
        (None, Place::Stdin) => {
            return sniff(reader).map_err(|e| {
                Error::usage(format!(
                    "--batch: cannot read stdin: {}",
                    crate::text::io_reason(&e)
                ))
            });
        }
        (None, Place::Path(_)) if source.to_ascii_lowercase().ends_with(".csv") => Format::Csv,
        (None, Place::Path(_)) => Format::JsonLines,
    };
    Ok((Box::new(reader), format))
}

/// Decides the format of stdin by its first byte that is not white space or a byte order mark
/// (`{` is JSON Lines, anything else CSV), reading as far as that takes even when the input
/// arrives a few bytes at a time. The bytes read are handed back in front of the rest.
fn sniff(
    mut reader: impl BufRead + Send + 'static,
) -> std::io::Result<(Box<dyn BufRead + Send>, Format)> {
    let mut head = Vec::new();
    let format = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break Format::Csv;
        }
        head.extend_from_slice(buf);
        let n = buf.len();
        reader.consume(n);
        if source::BOM.starts_with(&head) {
            continue;
        }
        let first = source::strip_bom(&head)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'{') => break Format::JsonLines,
            Some(_) => break Format::Csv,
            None => {}
        }
    };
    Ok((Box::new(std::io::Cursor::new(head).chain(reader)), format))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format `sniff` decides when the input arrives one byte at a time, and whether every
    /// byte is still there to read afterwards.
    fn sniffed(input: &'static [u8]) -> Format {
        let (mut reader, format) = sniff(BufReader::with_capacity(1, input)).unwrap();
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(all, input);
        format
    }

    #[test]
    fn stdin_format_skips_white_space_and_a_byte_order_mark() {
        assert_eq!(sniffed(b"{\"amount\": 5}\n"), Format::JsonLines);
        assert_eq!(sniffed(b"\xEF\xBB\xBF{\"amount\": 5}\n"), Format::JsonLines);
        assert_eq!(sniffed(b"\xEF\xBB\xBF \n\t{}"), Format::JsonLines);
        assert_eq!(sniffed(b"\xEF\xBB\xBFamount\n5\n"), Format::Csv);
        assert_eq!(sniffed(b"  amount\n"), Format::Csv);
        assert_eq!(sniffed(b""), Format::Csv);
    }
}
