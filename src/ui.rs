//! The one output context: every byte orqex writes to stdout or stderr goes through a `Ui`,
//! built once in `main` from the command line and passed to every command (cargo's `Shell`,
//! gh's `IOStreams`). What it decides once, for the whole run:
//!
//! - whether stdin, stdout and stderr are terminals (nothing else asks the operating system);
//! - colour on stderr: a terminal, and `NO_COLOR` unset or empty (no-color.org);
//! - whether questions may be asked: stdin and stderr terminals, `CI` unset, no `--no-input`;
//! - whether errors print as JSON: only `--json` or `--output json` (`-o json`, `-o=json`,
//!   `-ojson`, `--output=json`); no other format asks for it.
//!
//! What it does to every byte: secrets are masked (`secret::mask`) on both streams; on stderr
//! every line is made printable (`text::printable`: no escape code, no forged line); JSON on
//! stdout keeps its value with nothing a terminal would act on (`text::json_safe`).
//!
//! The stderr prefix policy, one rule per kind of line (callers never write the prefix):
//!
//! | kind      | method    | line                                   |
//! |-----------|-----------|----------------------------------------|
//! | error     | `report`  | `orqex: <what is wrong; what to do>`   |
//! | warning   | `warning` | `orqex: warning: <what may be wrong>`  |
//! | note      | `note`    | `orqex: note: <worth knowing>`         |
//! | status    | `status`  | as written (progress, what was done)   |
//!
//! An error or a warning is something to act on; a note qualifies what happened (a replayed
//! answer, a setting overridden by the environment); a status line tells what orqex is doing
//! or did ("saved ...", "orqex: listening on ...") and a log or a person reads it as it is.
//!
//! Domain modules return values and leave the writing to the command, which holds the `Ui`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::text::printable;

/// The facts of this run's streams and the user's wishes about them; see the module comment.
/// Small and `Copy`: pass `&Ui` (or a copy) down to whatever writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ui {
    stdin_terminal: bool,
    stdout_terminal: bool,
    stderr_terminal: bool,
    colour: bool,
    ci: bool,
    json_errors: bool,
}

/// Whether stderr is a terminal, as the one `Ui` decided: for the signal handler and the panic
/// hook, which run where no `Ui` can be passed.
static STDERR_TERMINAL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Ui {
    /// The streams as they are at start-up; errors plain until `with_json_errors`.
    pub fn detect() -> Ui {
        let stderr_terminal = std::io::stderr().is_terminal();
        STDERR_TERMINAL.store(stderr_terminal, std::sync::atomic::Ordering::Relaxed);
        Ui {
            stdin_terminal: std::io::stdin().is_terminal(),
            stdout_terminal: std::io::stdout().is_terminal(),
            stderr_terminal,
            colour: stderr_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            ci: std::env::var_os("CI").is_some(),
            json_errors: false,
        }
    }

    /// The same streams, errors printed as JSON or not (decided by `Cli::json_errors` or, for a
    /// command line clap could not read, `cli::args_ask_for_json`).
    pub fn with_json_errors(self, json_errors: bool) -> Ui {
        Ui {
            json_errors,
            ..self
        }
    }

    pub fn stdin_is_terminal(&self) -> bool {
        self.stdin_terminal
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_terminal
    }

    pub fn stderr_is_terminal(&self) -> bool {
        self.stderr_terminal
    }

    /// Whether stderr may be coloured.
    pub fn colour(&self) -> bool {
        self.colour
    }

    /// Whether `CI` is set (to anything): no question is ever asked then.
    pub fn in_ci(&self) -> bool {
        self.ci
    }

    pub fn json_errors(&self) -> bool {
        self.json_errors
    }

    /// Whether questions may be asked: only to a person at a terminal (stdin and stderr both
    /// terminals), never in CI (`CI` set to anything) and never with `--no-input`. Everywhere
    /// else a missing value is an error, so a script can never hang on a question.
    pub fn may_prompt(&self, no_input: bool) -> bool {
        !no_input && !self.ci && self.stdin_terminal && self.stderr_terminal
    }

    // ---- stdout: the result, and only the result ----

    /// One result line (or lines) on stdout, secrets masked. A failure to write is an error
    /// of its own: the result is lost, and the caller says how to get it back.
    pub fn out(&self, text: &str) -> Result<()> {
        let text = format!("{}\n", crate::secret::mask(text));
        write_stdout(text.as_bytes()).map_err(stdout_failed)
    }

    /// JSON text (checked to be JSON: an answer's bytes) on stdout, pretty or on one line,
    /// then a line break: written as it is read, in pieces, so an answer of megabytes costs
    /// its own size and a buffer, not a `Value` ten to twenty times larger. Its strings are
    /// masked and made safe on the way (`json_text`), as `out_json` does.
    pub fn out_json_text(&self, json: &[u8], pretty: bool) -> Result<()> {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, Stdout);
        crate::json_text::write(json, pretty, &mut out)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    Error::Other(format!("cannot print the answer: it is {e}"))
                }
                _ => stdout_failed(e),
            })
    }

    /// A piece of a result written in parts (a list's pages as they come), no line break
    /// added. The caller made it of `json_text` (masked, safe) or of JSON punctuation.
    pub fn out_piece(&self, bytes: &[u8]) -> Result<()> {
        write_stdout(bytes).map_err(stdout_failed)
    }

    /// Pretty JSON on stdout.
    pub fn out_json<T: serde::Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
        self.out(&crate::text::json_safe(&text))
    }

    /// One compact JSON line on stdout (a batch row, a delivery, `-o compact`).
    pub fn out_json_line(&self, value: &Value) -> Result<()> {
        self.out(&crate::text::json_safe(&value.to_string()))
    }

    /// What `--jq` makes of `value`, one output per line. The filter sees the value with its
    /// secrets masked already, so no reshaping (upper case, base64, a cut) can bring one back.
    /// Strings are the user's to see as text, but what a terminal would act on is still written
    /// out as an escape.
    pub fn out_jq(&self, jq: &crate::jq::Jq, value: &Value) -> Result<()> {
        let lines: Vec<String> = jq
            .lines(&crate::secret::redact(value))?
            .iter()
            .map(String::as_str)
            // A tab moves nothing a terminal shows but the column: `@tsv` needs it as it is.
            .map(|line| {
                line.split('\t')
                    .map(printable)
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect();
        if lines.is_empty() {
            return Ok(());
        }
        self.out(&lines.join("\n"))
    }

    /// Before a write to the API: with stdout closed from the start, its answer could never be
    /// shown, so nothing is sent at all.
    pub fn refuse_closed_stdout(&self) -> Result<()> {
        if STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Stdout(
                "stdout is closed (>&-), so the answer could not be shown; nothing was sent: run again with stdout open, or redirect it to a file".into(),
            ));
        }
        Ok(())
    }

    // ---- stderr: everything for the person ----

    /// Something went wrong that does not stop the command: `orqex: warning: ...`.
    pub fn warning(&self, text: &str) {
        self.status(&format!("orqex: warning: {text}"));
    }

    /// Worth knowing about what happened: `orqex: note: ...`.
    pub fn note(&self, text: &str) {
        self.status(&format!("orqex: note: {text}"));
    }

    /// A status line (progress, what was done), as written. One line, whatever the values in
    /// it hold: a line break in a path or an answer is written `\n`, so it can never forge a
    /// line of its own (`ORQEX_CONFIG_DIR=$'x\norqex: saved ...'`).
    pub fn status(&self, text: &str) {
        to_stderr(&printable(text));
    }

    /// Lines orqex drew itself (a QR code), on stderr as drawn: each line made printable, the
    /// line breaks kept.
    pub fn drawing(&self, text: &str) {
        to_stderr(&printable_lines(text));
    }

    /// A status line whose own escape codes (colour) are meant; its values were made
    /// printable already by whoever styled it.
    pub fn styled_status(&self, text: &str) {
        to_stderr(text);
    }

    /// An error's text as `report` rendered it (escaped there, line by line, or JSON).
    pub fn error_text(&self, rendered: &str) {
        to_stderr(rendered);
    }

    /// One self-rewriting status line on stderr while orqex waits; drawn only at a terminal.
    pub fn status_line(&self) -> StatusLine {
        StatusLine::new(*self)
    }
}

/// Lines of the client's `--verbose` trace (a request's head, line by line), made printable
/// and masked as `Ui::drawing` makes them. A plain function, since the client knows no terminal and keeps only
/// a function pointer for its trace.
pub fn trace(text: &str) {
    to_stderr(&printable_lines(text));
}

/// Whether stderr is a terminal, for code that runs where no `Ui` reaches (a signal handler
/// preparing its words, the panic hook); the same answer the run's `Ui` gave.
pub fn stderr_was_terminal() -> bool {
    STDERR_TERMINAL.load(std::sync::atomic::Ordering::Relaxed)
}

/// Every line made printable; the line breaks between them kept.
fn printable_lines(text: &str) -> String {
    text.lines().map(printable).collect::<Vec<_>>().join("\n")
}

/// Whether stdout was closed when orqex started (`>&-`); set once, by `main`.
pub static STDOUT_CLOSED_AT_START: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// The bytes, written to stdout at once. Not through `std::io::stdout()`, which reports
/// success when stdout is closed (EBADF), the one failure a result must never hide.
#[cfg(unix)]
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    use std::os::fd::FromRawFd;
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // fd 1 is open for the whole run (see `main`); it is borrowed here, never closed.
    let mut out = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(1) });
    out.write_all(bytes)
}

/// The error for a result that could not be written to stdout.
fn stdout_failed(e: std::io::Error) -> Error {
    let why = match e.kind() {
        std::io::ErrorKind::BrokenPipe => "its reader closed it".to_string(),
        // EBADF, the same number on every Unix: `>&-` closed it before orqex started.
        _ if cfg!(unix) && e.raw_os_error() == Some(9) => "it is closed".to_string(),
        _ => crate::text::io_reason(&e),
    };
    Error::Stdout(format!("cannot write the result to stdout: {why}"))
}

/// stdout as a writer, each write going out at once through `write_stdout`.
struct Stdout;

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        write_stdout(bytes).map(|()| bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(not(unix))]
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// Every line orqex writes to stderr passes here, keys masked. A failed write (stderr closed
/// or full) is ignored: there is nowhere left to say it, and the exit code still tells.
/// Public only for the panic hook, which has no `Ui`.
pub fn to_stderr(text: &str) {
    let text = format!("{}\n", crate::secret::mask(text));
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// One self-rewriting line on stderr (a spinner and text) while orqex waits, ticking by
/// itself (indicatif) so it moves while a request is in flight too. Draws nothing unless
/// stderr is a terminal, so logs and pipes never see control characters; notes then go out
/// as plain lines.
pub struct StatusLine {
    ui: Ui,
    bar: indicatif::ProgressBar,
}

impl StatusLine {
    fn new(ui: Ui) -> StatusLine {
        let target = if ui.stderr_terminal {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        StatusLine { ui, bar }
    }

    pub fn set(&mut self, text: String) {
        // Text from the API ends up here: shown, never obeyed.
        self.bar
            .set_message(crate::secret::mask(&printable(&text)).into_owned());
        if !self.bar.is_hidden() && !self.bar.is_finished() {
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
    }

    /// A status line above the spinner, which is then drawn again below it.
    pub fn status(&mut self, text: &str) {
        if self.bar.is_hidden() {
            self.ui.status(text);
        } else {
            self.bar.println(crate::secret::mask(&printable(text)));
        }
    }

    /// A note (`orqex: note: ...`) above the spinner.
    pub fn note(&mut self, text: &str) {
        self.status(&format!("orqex: note: {text}"));
    }

    /// Runs `write` (stdout may be the same terminal) with the line taken down, then draws
    /// it again below what was written.
    pub fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        self.bar.suspend(write)
    }

    /// Removes the line, leaving the cursor at the start of an empty line.
    pub fn clear(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_only_for_a_person_outside_ci() {
        let person = Ui {
            stdin_terminal: true,
            stdout_terminal: false,
            stderr_terminal: true,
            colour: false,
            ci: false,
            json_errors: false,
        };
        assert!(person.may_prompt(false));
        assert!(!person.may_prompt(true));
        assert!(!Ui { ci: true, ..person }.may_prompt(false));
        assert!(
            !Ui {
                stdin_terminal: false,
                ..person
            }
            .may_prompt(false)
        );
        assert!(
            !Ui {
                stderr_terminal: false,
                ..person
            }
            .may_prompt(false)
        );
    }
}
