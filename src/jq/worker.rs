//! Where a `--jq` filter runs: a child process of orqex itself (`orqex __jq-worker`), started
//! at the first answer and fed every answer after it.
//!
//! Why a process and not a thread: a filter may recurse without end (the stack overflows,
//! which aborts the whole process, threads included), build without end (the allocator
//! aborts, or the system kills the process) or never stop. In a thread, any of these takes
//! orqex down after a create, with the checkout's URL and the key to get it back lost. In a
//! child, it takes down only the child; orqex sees the child die, stops one that runs past
//! `JQ_TIME` or writes past `JQ_OUTPUT_BYTES`, and ends with exit 1 and the note that gets
//! the answer back. The child gets no environment (the key is not there to reach), no
//! stderr, a memory limit, and on Linux dies with orqex.
//!
//! The exchange, one JSON text per line: orqex sends the filter, then each answer; for each
//! answer the worker writes every output as a JSON string, then `null` when done or
//! `{"error": "..."}` when the filter failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;

use serde_json::Value;

use super::{Program, on_big_stack};
use crate::error::{Error, Result};
use crate::limits;
use crate::text::printable;

/// The word after `orqex` that makes it a worker. Not a command: clap never sees it.
const WORKER_ARG: &str = "__jq-worker";

/// A running worker.
pub struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<u8>>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the worker made of one answer, or why it made nothing.
enum Outcome {
    Lines(Vec<String>),
    Failed(String),
    TooLong,
    TooMuch,
    Died(Option<std::process::ExitStatus>),
}

/// `Jq::lines`, through the worker in `slot` (started if there is none yet).
pub fn lines(slot: &mut Option<Worker>, expr: &str, input: &Value) -> Result<Vec<String>> {
    let mut text =
        serde_json::to_vec(input).map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
    text.push(b'\n');
    let shown = printable(expr);
    let worker = match slot {
        Some(w) => w,
        None => slot.insert(start(expr).map_err(|e| {
            Error::Other(format!(
                "--jq `{shown}` could not be run: cannot start a process for it ({})",
                crate::text::io_reason(&e)
            ))
        })?),
    };
    let outcome = worker.run(&text);
    if !matches!(outcome, Outcome::Lines(_) | Outcome::Failed(_)) {
        // Killed, or dead: a next answer would start a fresh one.
        *slot = None;
    }
    match outcome {
        Outcome::Lines(lines) => Ok(lines),
        Outcome::Failed(message) => Err(Error::Other(message)),
        Outcome::TooLong => Err(Error::Other(format!(
            "--jq `{shown}` ran for more than {} s on the answer and was stopped (orqex's limit for a filter)",
            limits::JQ_TIME.as_secs()
        ))),
        Outcome::TooMuch => Err(Error::Other(format!(
            "--jq `{shown}` made more than {} of output from the answer and was stopped (orqex's limit for a filter)",
            limits::bytes(limits::JQ_OUTPUT_BYTES)
        ))),
        Outcome::Died(status) => Err(Error::Other(format!(
            "--jq `{shown}` was stopped before it finished ({}): it recursed too deep or built more than the {} orqex allows a filter",
            how_it_ended(status),
            limits::bytes(limits::JQ_MEMORY_BYTES)
        ))),
    }
}

/// "killed by signal 11", "exit status 101".
fn how_it_ended(status: Option<std::process::ExitStatus>) -> String {
    let Some(status) = status else {
        return "it could not be waited for".into();
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "ended".into(),
    }
}

/// A worker for `expr`, started and given the filter.
fn start(expr: &str) -> std::io::Result<Worker> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg(WORKER_ARG)
        .arg(std::process::id().to_string())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(std::io::Error::other("no pipe to the worker"));
    };
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || read_lines(stdout, &tx));
    let mut first = serde_json::to_vec(&Value::String(expr.to_string()))?;
    first.push(b'\n');
    stdin.write_all(&first)?;
    Ok(Worker {
        child,
        stdin,
        lines,
    })
}

impl Worker {
    /// Sends one answer (a line of JSON) and takes the outputs back, within the limits.
    fn run(&mut self, answer: &[u8]) -> Outcome {
        if self.stdin.write_all(answer).is_err() || self.stdin.flush().is_err() {
            return self.died();
        }
        let deadline = Instant::now() + limits::JQ_TIME;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => return Outcome::TooLong,
                Err(RecvTimeoutError::Disconnected) => return self.died(),
            };
            match serde_json::from_slice::<Value>(&line) {
                Ok(Value::String(s)) => lines.push(s),
                Ok(Value::Null) => return Outcome::Lines(lines),
                Ok(Value::Object(o)) => {
                    return match o.get("error").and_then(Value::as_str) {
                        Some(message) => Outcome::Failed(message.to_string()),
                        None => Outcome::TooMuch,
                    };
                }
                _ => return self.died(),
            }
        }
    }

    /// How the worker ended, once it has (it is killed first, should it still run).
    fn died(&mut self) -> Outcome {
        let _ = self.child.kill();
        Outcome::Died(self.child.wait().ok())
    }
}

/// The worker's lines, each sent on as it comes. The outputs of one answer may take at most
/// `JQ_OUTPUT_BYTES`: past that, `{}` is sent in their place (read as "too much") and
/// nothing more is read, which leaves the worker to be killed.
fn read_lines(stdout: impl Read, tx: &mpsc::Sender<Vec<u8>>) {
    let mut reader = BufReader::new(stdout);
    let mut budget = limits::JQ_OUTPUT_BYTES;
    loop {
        let mut line = Vec::new();
        let read = (&mut reader).take(budget + 1).read_until(b'\n', &mut line);
        let n = match read {
            Ok(n) if n > 0 && line.ends_with(b"\n") => n as u64,
            Ok(n) if n as u64 > budget => {
                let _ = tx.send(b"{}".to_vec());
                return;
            }
            // The end (the worker died, or a line was cut by its death).
            _ => return,
        };
        if n > budget {
            let _ = tx.send(b"{}".to_vec());
            return;
        }
        budget -= n;
        if line.first() != Some(&b'"') {
            budget = limits::JQ_OUTPUT_BYTES;
        }
        if tx.send(line).is_err() {
            return;
        }
    }
}

/// The worker's side: when orqex was started as a worker, serves filters until its input
/// ends, and gives the exit code; else `None`, and orqex runs as itself.
pub fn serve_if_asked(args: &[std::ffi::OsString]) -> Option<i32> {
    let mut args = args.iter().skip(1);
    if args.next()? != WORKER_ARG {
        return None;
    }
    let parent = args.next().and_then(|p| p.to_str()?.parse::<u32>().ok());
    confine(parent);
    let served = on_big_stack(|| {
        serve(std::io::stdin().lock(), std::io::stdout().lock());
        Ok(())
    });
    Some(i32::from(served.is_err()))
}

/// The worker's limits: memory (a filter that builds without end fails an allocation and
/// ends the worker), no core file, and on Linux death with orqex, so that a filter that
/// never stops does not outlive it.
fn confine(parent: Option<u32>) {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let _ = setrlimit(
            Resource::RLIMIT_AS,
            limits::JQ_MEMORY_BYTES,
            limits::JQ_MEMORY_BYTES,
        );
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
    }
    #[cfg(target_os = "linux")]
    {
        let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
        // orqex may have died before the line above: then this has a new parent.
        if parent.is_some_and(|p| std::os::unix::process::parent_id() != p) {
            std::process::exit(1);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
}

/// The exchange, from the worker's side.
fn serve(input: impl BufRead, mut out: impl Write) {
    let mut input = input.lines();
    let Some(Ok(first)) = input.next() else {
        return;
    };
    let Ok(expr) = serde_json::from_str::<String>(&first) else {
        return;
    };
    // orqex compiled it before sending anything: an error here is said for each answer.
    let program = Program::compile(&expr).map_err(|e| e.to_string());
    for line in input {
        let Ok(line) = line else { return };
        let end = match (&program, serde_json::from_str::<Value>(&line)) {
            (Ok(program), Ok(answer)) => {
                let mut written = true;
                let ran = program.run(&answer, |text| {
                    written = writeln!(out, "{}", Value::String(text)).is_ok();
                    written
                });
                match ran {
                    Ok(()) => Value::Null,
                    Err(e) => serde_json::json!({"error": e.to_string()}),
                }
            }
            (Ok(_), Err(e)) => {
                serde_json::json!({"error": format!("cannot read the answer for --jq: {e}")})
            }
            (Err(message), _) => serde_json::json!({ "error": message }),
        };
        if writeln!(out, "{end}").is_err() || out.flush().is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_at_the_output_limit() {
        let mut text = b"\"a\"\nnull\n".to_vec();
        let (tx, rx) = mpsc::channel();
        read_lines(&text[..], &tx);
        assert_eq!(
            rx.try_iter().collect::<Vec<_>>(),
            [b"\"a\"\n".to_vec(), b"null\n".to_vec()]
        );
        text = vec![b'"'; limits::JQ_OUTPUT_BYTES as usize + 2];
        let (tx, rx) = mpsc::channel();
        read_lines(&text[..], &tx);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [b"{}".to_vec()]);
    }
}
