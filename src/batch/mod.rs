//! `checkout create --batch`: one create per input row (`rows`), sent concurrently with the
//! single create's retry and idempotency rules, reported in input order.
//!
//! Memory stays flat: rows are read as they are needed, and the reader never runs more than
//! `WINDOW_PER_WORKER × concurrency` rows ahead of the last row printed, so a slow row cannot
//! make the reorder buffer grow with the input.

mod rows;

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use serde_json::{Value, json};

pub use rows::{Format, Place, Row, Rows, rows};

use crate::checkout::draft::Unlisted;
use crate::checkout::input::Parsed;
use crate::checkout::{Draft, checks, input, validate};
use crate::client::Client;
use crate::error::{Error, Exit, Result};

/// How far the reader may run ahead of the printer, per worker.
const WINDOW_PER_WORKER: u64 = 4;
/// What the batch needs besides its rows.
pub struct Plan<'a> {
    /// Values from the command line, under every row.
    pub defaults: Draft,
    /// None for a dry run: validate and show the bodies, send nothing.
    pub client: Option<&'a Client>,
    pub batch_key: String,
    pub concurrency: usize,
    /// Fields the reference does not list, from `--set`, under every row's own.
    pub unlisted: Vec<Unlisted>,
    /// Says, once per path for the whole batch, that a row's field the reference does not
    /// list is sent as given (`--allow-unknown`); given the fields and the row's name.
    pub warn_unlisted: &'a (dyn Fn(&[Unlisted], &str) + Sync),
    /// The paths said so far.
    pub unlisted_said: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

/// Counts for the closing summary and the exit code.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub ok: u64,
    /// Of the `ok` rows, those the API replayed (created by an earlier run with the key).
    pub replayed: u64,
    pub failed: u64,
    /// Of the `failed` rows, those that were sent (the others failed orqex's own checks).
    pub failed_sent: u64,
    /// The API refused the key: the rest of the batch was not attempted.
    pub stopped_on_auth: bool,
    /// The input could not be read to its end; the rows before were done.
    pub input_error: Option<String>,
}

impl Summary {
    /// `3 created, 1 failed`, or `2 created, 1 replayed, 1 failed`: replays apart, since
    /// nothing was created for them (`verb` is `valid` for a dry run).
    pub fn counts(&self, verb: &str) -> String {
        match self.replayed {
            0 => format!("{} {verb}, {} failed", self.ok, self.failed),
            replayed => format!(
                "{} {verb}, {replayed} replayed, {} failed",
                self.ok - replayed,
                self.failed
            ),
        }
    }

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

/// The stack of one worker thread: a request through rustls needs far less than this.
const WORKER_STACK: usize = 256 * 1024;

/// Runs the batch; `emit` gets each row's result line, in input order.
pub fn run(
    rows: Rows,
    plan: &Plan<'_>,
    mut emit: impl FnMut(&Value, &Summary) -> Result<()>,
) -> Result<Summary> {
    let workers = plan.concurrency.max(1);
    let window = WINDOW_PER_WORKER * workers as u64;
    let progress = (Mutex::new(Progress::default()), Condvar::new());
    let (job_tx, job_rx) = mpsc::sync_channel::<Row>(workers);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Value, bool)>();

    std::thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, progress) = (&job_rx, &progress);
            // A worker needs little stack (one request at a time), and 64 of them at the
            // default 2 MiB each would reserve more memory than the whole batch uses.
            let spawned = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(row) = job else { return };
                        let (line, auth_failed) =
                            if progress.0.lock().map(|p| p.stop_sending).unwrap_or(true) {
                                // The key was refused: rows already queued are not sent, but still
                                // get their line, so the ones after them can be printed in order.
                                (skipped(row.place, &plan.batch_key), false)
                            } else {
                                process(row.place, row.request, plan)
                            };
                        // Said at once, not when the printer reaches this row: a worker
                        // taking the next row in between would send it with the refused key.
                        if auth_failed && let Ok(mut p) = progress.0.lock() {
                            p.stop_sending = true;
                        }
                        if done_tx.send((row.place.number, line, auth_failed)).is_err() {
                            return;
                        }
                    }
                });
            // The system refused another thread: the batch goes on with those it has.
            match spawned {
                Ok(_) => started += 1,
                Err(_) => break,
            }
        }
        drop(done_tx);
        if started == 0 {
            return Err(Error::Other(
                "cannot start a thread to send the batch's rows; the system is out of resources"
                    .into(),
            ));
        }

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
                    while !guard.stop_reading && row.place.number > guard.printed + window {
                        guard.reader_waiting = true;
                        guard = match progress.1.wait(guard) {
                            Ok(g) => g,
                            Err(_) => return (read, None),
                        };
                        guard.reader_waiting = false;
                    }
                    if guard.stop_reading {
                        break;
                    }
                    drop(guard);
                    read = row.place.number;
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
                    summary.replayed += u64::from(line["replayed"] == Value::Bool(true));
                } else {
                    summary.failed += 1;
                    // A row that failed orqex's checks carries no key: it was never sent.
                    summary.failed_sent += u64::from(!line["idempotency_key"].is_null());
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
                let wake = match progress.0.lock() {
                    Ok(mut guard) => {
                        guard.printed = next - 1;
                        guard.stop_sending |= summary.stopped_on_auth || emit_error.is_some();
                        guard.stop_reading |= emit_error.is_some();
                        guard.reader_waiting
                    }
                    Err(_) => true,
                };
                // A wake-up is a system call: made only for a reader that waits for it.
                if wake {
                    progress.1.notify_all();
                }
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

/// What the printer, the reader and the workers of a batch share.
#[derive(Default)]
struct Progress {
    /// Rows printed so far.
    printed: u64,
    /// Stop sending: the key was refused, or stdout is gone. Rows not yet sent are skipped.
    stop_sending: bool,
    /// Stop reading: stdout is gone, nobody would see the lines.
    stop_reading: bool,
    /// The reader waits for the printer to catch up.
    reader_waiting: bool,
}

/// Validates and sends one row; the JSON line to print and whether the key was refused.
fn process(at: Place, request: Result<Parsed>, plan: &Plan<'_>) -> (Value, bool) {
    let number = at.number;
    let key = row_key(&plan.batch_key, number);
    let Parsed {
        draft,
        problems,
        unlisted,
    } = match request {
        Ok(r) => r,
        Err(err) => return (failure(at, &err, None), false),
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
            return (failure(at, &Error::Invalid(problems), None), false);
        }
    };
    let new: Vec<Unlisted> = {
        let mut said = plan
            .unlisted_said
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        unlisted
            .iter()
            .filter(|u| said.insert(u.path()))
            .cloned()
            .collect()
    };
    if !new.is_empty() {
        (plan.warn_unlisted)(&new, &format!("row {number}"));
    }
    // A row's own value wins over `--set`'s, as over every flag's.
    let valid = valid.with_unlisted(&plan.unlisted).with_unlisted(&unlisted);
    let Some(client) = plan.client else {
        return (
            json!({"row": number, "line": at.line, "ok": true, "body": valid.as_value()}),
            false,
        );
    };
    match client.create_checkout(&valid.to_bytes(), &key) {
        Ok(resp) => (
            json!({
                "row": number,
                "line": at.line,
                "ok": true,
                "checkout_id": crate::answer::get(&resp.body, "checkout.id"),
                "url": crate::answer::get(&resp.body, "checkout.url"),
                "idempotency_key": key,
                "replayed": resp.replayed,
                "request_id": resp.request_id,
            }),
            false,
        ),
        Err(e) => {
            let auth = e.exit() == Exit::Auth;
            (failure(at, &e, Some(&key)), auth)
        }
    }
}

/// The line of a row that was not sent because the batch stopped.
fn skipped(at: Place, batch_key: &str) -> Value {
    json!({
        "row": at.number,
        "line": at.line,
        "ok": false,
        "skipped": true,
        "error": {"message": "not sent: the batch stopped after the API refused the key"},
        "idempotency_key": row_key(batch_key, at.number),
    })
}

fn failure(at: Place, err: &Error, key: Option<&str>) -> Value {
    let mut line = json!({"row": at.number, "line": at.line, "ok": false});
    if let Value::Object(map) = &mut line {
        map.insert("error".into(), err.to_json());
        map.insert("idempotency_key".into(), json!(key));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_keys_fit_the_limit() {
        let batch = "k".repeat(BATCH_KEY_MAX);
        assert!(checks::idempotency_key(&row_key(&batch, 999_999_999_999)).is_ok());
    }
}
