//! `checkout create --batch`: one create per input row (JSON Lines or CSV), sent concurrently
//! with the single create's retry and idempotency rules, reported in input order.
//!
//! Memory stays flat: rows are read as they are needed, and the reader never runs more than
//! `WINDOW_PER_WORKER × concurrency` rows ahead of the last row printed, so a slow row cannot
//! make the reorder buffer grow with the input.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use serde_json::{Value, json};

use crate::checkout::input::Parsed;
use crate::checkout::{Draft, checks, input, validate};
use crate::client::Client;
use crate::error::{Error, Exit, Result};

/// How far the reader may run ahead of the printer, per worker.
const WINDOW_PER_WORKER: u64 = 4;
/// One JSON line may be as large as a whole single-create input.
const MAX_LINE: usize = input::MAX_JSON_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
}

/// One input row, parsed as far as it could be. `number` counts rows from 1, header excluded.
pub struct Row {
    pub number: u64,
    pub request: Result<Parsed>,
}

/// A source of rows that can be handed to the reader thread.
pub type Rows = Box<dyn Iterator<Item = Result<Row>> + Send>;

/// Opens rows from `reader` in `format`. A CSV header naming an unknown field is refused here,
/// before anything is sent.
pub fn rows(reader: Box<dyn BufRead + Send>, format: Format) -> Result<Rows> {
    match format {
        Format::JsonLines => Ok(Box::new(JsonLines {
            reader,
            number: 0,
            line: 0,
        })),
        Format::Csv => csv_rows(reader),
    }
}

struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    number: u64,
    line: u64,
}

impl Iterator for JsonLines {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        loop {
            let mut buf = Vec::new();
            let read = (&mut self.reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf);
            match read {
                Ok(0) => return None,
                Err(e) => {
                    return Some(Err(Error::usage(format!(
                        "cannot read the batch input: {}",
                        crate::text::io_reason(&e)
                    ))));
                }
                Ok(_) => {}
            }
            self.line += 1;
            if buf.len() > MAX_LINE {
                // One bad row, not the end of the batch: skip the rest of the line.
                while !buf.ends_with(b"\n") {
                    buf.clear();
                    match (&mut self.reader)
                        .take(MAX_LINE as u64)
                        .read_until(b'\n', &mut buf)
                    {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            return Some(Err(Error::usage(format!(
                                "cannot read the batch input: {}",
                                crate::text::io_reason(&e)
                            ))));
                        }
                    }
                }
                self.number += 1;
                return Some(Ok(Row {
                    number: self.number,
                    request: Err(Error::usage(format!(
                        "line {} is longer than 1 MiB; one request per line",
                        self.line
                    ))),
                }));
            }
            if input::strip_bom(&buf).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.number += 1;
            let what = format!("line {}", self.line);
            let request = input::parse_json_from(&buf, &what, &what, false)
                .and_then(|r| r.ok_or_else(|| Error::usage(format!("{what} is empty"))));
            return Some(Ok(Row {
                number: self.number,
                request,
            }));
        }
    }
}

fn csv_rows(reader: Box<dyn BufRead + Send>) -> Result<Rows> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| Error::usage(format!("cannot read the CSV header: {}", csv_reason(&e))))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(Error::usage(
            "the CSV batch has no header row; its first line must name the fields, like amount,currency,customer.email",
        ));
    }
    // Every column name is checked against the request model once, up front: a row of
    // empty cells has each path and no value.
    let empty: Vec<(&str, Option<&str>)> = header.iter().map(|h| (h.as_str(), None)).collect();
    input::from_paths(&empty, "the CSV header", "CSV header")?.strict()?;
    // Two columns for one field would each set it and the last would win: a row could send
    // another amount than the one its reader sees first.
    if let Some((first, second)) = duplicate(&header) {
        return Err(Error::usage(format!(
            "the CSV header names `{}` twice (columns {} and {}); give each field one column",
            header[first],
            first + 1,
            second + 1
        )));
    }
    let mut records = csv.into_records();
    let mut number = 0u64;
    Ok(Box::new(std::iter::from_fn(move || {
        let record = records.next()?;
        number += 1;
        let what = format!("row {number}");
        let request = record
            .map_err(|e| Error::usage(format!("CSV {what}: {}", csv_reason(&e))))
            .and_then(|r| {
                // An empty cell leaves its field unset, so the command line's default applies.
                let cells: Vec<(&str, Option<&str>)> = header
                    .iter()
                    .map(String::as_str)
                    .zip(r.iter().map(|c| Some(c).filter(|c| !c.is_empty())))
                    .collect();
                input::from_paths(&cells, &what, &what)
            });
        Some(Ok(Row { number, request }))
    })))
}

/// The positions of the first name given twice, if any. Empty names are left to the
/// field-path check.
fn duplicate(names: &[String]) -> Option<(usize, usize)> {
    names.iter().enumerate().find_map(|(second, name)| {
        let first = names[..second].iter().position(|n| n == name)?;
        (!name.is_empty()).then_some((first, second))
    })
}

/// A CSV error in words (the crate's own text speaks of records and byte offsets).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "has {len} fields but the header has {expected_len}; quote cells that contain commas"
        ),
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8; save the file as UTF-8".into(),
        csv::ErrorKind::Io(io) => crate::text::io_reason(io),
        _ => e.to_string(),
    }
}

/// What the batch needs besides its rows.
pub struct Plan<'a> {
    /// Values from the command line, under every row.
    pub defaults: Draft,
    /// None for a dry run: validate and show the bodies, send nothing.
    pub client: Option<&'a Client>,
    pub batch_key: String,
    pub concurrency: usize,
}

/// Counts for the closing summary and the exit code.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub ok: u64,
    pub failed: u64,
    /// The API refused the key: the rest of the batch was not attempted.
    pub stopped_on_auth: bool,
    /// The input could not be read to its end; the rows before were done.
    pub input_error: Option<String>,
}

impl Summary {
    pub fn exit(&self) -> Exit {
        if self.stopped_on_auth {
            Exit::Auth
        } else if self.failed > 0 || self.input_error.is_some() {
            Exit::BatchIncomplete
        } else {
            Exit::Success
        }
    }
}

/// The key one row is sent with: stable across re-runs of the same file with the same batch key.
pub fn row_key(batch_key: &str, row: u64) -> String {
    format!("{batch_key}-{row}")
}

/// The longest batch key that leaves room for `-` and a row number of up to 12 digits.
pub const BATCH_KEY_MAX: usize = checks::IDEMPOTENCY_KEY_MAX - 13;

/// Runs the batch; `emit` gets each row's result line, in input order.
pub fn run(
    rows: Rows,
    plan: &Plan<'_>,
    mut emit: impl FnMut(&Value, &Summary) -> Result<()>,
) -> Result<Summary> {
    let workers = plan.concurrency.max(1);
    let window = WINDOW_PER_WORKER * workers as u64;
    // Rows printed so far; whether to stop sending (the key was refused, or stdout is gone:
    // rows not yet sent are skipped); whether to stop reading (stdout is gone, nobody would
    // see the lines).
    let progress = (Mutex::new((0u64, false, false)), Condvar::new());
    let (job_tx, job_rx) = mpsc::sync_channel::<Row>(workers);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Value, bool)>();

    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, progress) = (&job_rx, &progress);
            scope.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(row) = job else { return };
                    let (line, auth_failed) = if progress.0.lock().map(|p| p.1).unwrap_or(true) {
                        // The key was refused: rows already queued are not sent, but still
                        // get their line, so the ones after them can be printed in order.
                        (skipped(row.number, &plan.batch_key), false)
                    } else {
                        process(row.number, row.request, plan)
                    };
                    if done_tx.send((row.number, line, auth_failed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let reader = scope.spawn({
            let progress = &progress;
            move || -> (u64, Option<String>) {
                let mut read = 0u64;
                for row in rows {
                    let row = match row {
                        Ok(row) => row,
                        // Rows already read are finished and reported; the rest is not read.
                        Err(e) => return (read, Some(e.to_string())),
                    };
                    let Ok(mut guard) = progress.0.lock() else {
                        break;
                    };
                    while !guard.2 && row.number > guard.0 + window {
                        guard = match progress.1.wait(guard) {
                            Ok(g) => g,
                            Err(_) => return (read, None),
                        };
                    }
                    if guard.2 {
                        break;
                    }
                    drop(guard);
                    read = row.number;
                    if job_tx.send(row).is_err() {
                        break;
                    }
                }
                (read, None)
            }
        });

        let mut summary = Summary::default();
        let mut pending: BTreeMap<u64, (Value, bool)> = BTreeMap::new();
        let mut next = 1u64;
        let mut emit_error = None;
        for (number, line, auth_failed) in done_rx.iter() {
            pending.insert(number, (line, auth_failed));
            while let Some((line, auth_failed)) = pending.remove(&next) {
                if line.get("ok") == Some(&Value::Bool(true)) {
                    summary.ok += 1;
                } else {
                    summary.failed += 1;
                }
                if auth_failed {
                    summary.stopped_on_auth = true;
                }
                if emit_error.is_none()
                    && let Err(e) = emit(&line, &summary)
                {
                    emit_error = Some(e);
                }
                next += 1;
                if let Ok(mut guard) = progress.0.lock() {
                    guard.0 = next - 1;
                    guard.1 |= summary.stopped_on_auth || emit_error.is_some();
                    guard.2 |= emit_error.is_some();
                }
                progress.1.notify_all();
            }
        }
        let (read, input_error) = reader
            .join()
            .map_err(|_| Error::Other("the batch reader stopped unexpectedly".into()))?;
        summary.input_error = input_error;
        if let Some(e) = emit_error {
            return Err(e);
        }
        // Every row read has had its line; anything else is a row that was not done.
        summary.failed += read.saturating_sub(summary.ok + summary.failed);
        Ok(summary)
    })
}

/// Validates and sends one row; the JSON line to print and whether the key was refused.
fn process(number: u64, request: Result<Parsed>, plan: &Plan<'_>) -> (Value, bool) {
    let key = row_key(&plan.batch_key, number);
    let Parsed { draft, problems } = match request {
        Ok(r) => r,
        Err(err) => return (failure(number, &err, None), false),
    };
    // A row's own value wins over the command line's, so a wrong one is the row's problem
    // even where a flag would have given the field.
    let checked = validate::validate(plan.defaults.clone().overlay(draft.clone()));
    let valid = match (checked, problems.is_empty()) {
        (Ok(v), true) => v,
        (checked, _) => {
            let mut found = checked.err().unwrap_or_default();
            let row = format!("row {number}");
            input::name_sources(&mut found, &[(&draft, Some(&row))]);
            let problems = input::combine(problems, &Draft::default(), found);
            return (failure(number, &Error::Invalid(problems), None), false);
        }
    };
    let Some(client) = plan.client else {
        return (
            json!({"row": number, "ok": true, "body": valid.as_value()}),
            false,
        );
    };
    match client.create_checkout(&valid.to_bytes(), &key) {
        Ok(resp) => (
            json!({
                "row": number,
                "ok": true,
                "checkout_id": resp.body.pointer("/data/checkout/id"),
                "url": resp.body.pointer("/data/checkout/url"),
                "idempotency_key": key,
                "replayed": resp.replayed,
                "request_id": resp.request_id,
            }),
            false,
        ),
        Err(e) => {
            let auth = e.exit() == Exit::Auth;
            (failure(number, &e, Some(&key)), auth)
        }
    }
}

/// The line of a row that was not sent because the batch stopped.
fn skipped(number: u64, batch_key: &str) -> Value {
    json!({
        "row": number,
        "ok": false,
        "skipped": true,
        "error": {"message": "not sent: the batch stopped after the API refused the key"},
        "idempotency_key": row_key(batch_key, number),
    })
}

fn failure(number: u64, err: &Error, key: Option<&str>) -> Value {
    let mut line = json!({"row": number, "ok": false});
    if let Value::Object(map) = &mut line {
        map.insert("error".into(), err.to_json());
        map.insert("idempotency_key".into(), json!(key));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &'static str) -> Result<Vec<Row>> {
        rows(Box::new(text.as_bytes()), Format::Csv)?.collect()
    }

    #[test]
    fn csv_columns_are_field_paths() {
        let rows = csv("amount,customer.email,metadata.order_id,restriction.phone.number\n12.50,a@example.com,1024,0700000000\n").unwrap();
        let req = &rows[0].request.as_ref().unwrap().draft;
        assert_eq!(
            serde_json::to_string(req.as_map()).unwrap(),
            r#"{"amount":12.50,"customer":{"email":"a@example.com"},"metadata":{"order_id":"1024"},"restriction":{"phone":{"number":"0700000000"}}}"#
        );
    }

    #[test]
    fn empty_cells_leave_fields_unset() {
        let rows = csv("amount,currency\n,\n5,xof\n").unwrap();
        assert_eq!(rows[0].request.as_ref().unwrap().draft, Draft::default());
        assert_eq!(rows[1].number, 2);
    }

    #[test]
    fn a_short_csv_row_is_one_failed_row_in_words() {
        let rows = csv("amount,currency\n5,XOF\n5\n").unwrap();
        let err = rows[1].request.as_ref().unwrap_err().to_string();
        assert_eq!(
            err,
            "CSV row 2: has 1 fields but the header has 2; quote cells that contain commas"
        );
    }

    #[test]
    fn unknown_csv_column_is_refused_up_front() {
        let err = csv("amount,customer.emial\n5,a@example.com\n")
            .err()
            .unwrap();
        assert!(err.to_string().contains("emial"), "{err}");
    }

    #[test]
    fn a_csv_column_named_twice_is_refused() {
        let err = csv("amount,currency, amount\n5,XOF,6\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "the CSV header names `amount` twice (columns 1 and 3); give each field one column"
        );
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(duplicate(&names(&["a", "b", "c"])), None);
        assert_eq!(duplicate(&names(&["a", "b", "b", "a"])), Some((1, 2)));
    }

    #[test]
    fn json_lines_skip_blank_lines_and_number_rows() {
        let rows: Vec<Row> = rows(
            Box::new(&b"{\"amount\":5}\n\n{oops\n"[..]),
            Format::JsonLines,
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].number, 2);
        assert!(
            rows[1]
                .request
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("line 3 is not valid JSON")
        );
    }

    #[test]
    fn a_line_holding_only_a_byte_order_mark_is_blank() {
        let rows: Vec<Row> = rows(
            Box::new(&b"\xEF\xBB\xBF\n{\"amount\":5}\n"[..]),
            Format::JsonLines,
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].request.is_ok());
    }

    #[test]
    fn row_keys_fit_the_limit() {
        let batch = "k".repeat(BATCH_KEY_MAX);
        assert!(checks::idempotency_key(&row_key(&batch, 999_999_999_999)).is_ok());
    }
}
