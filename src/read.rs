//! The one reader of what orqex is given to read: stdin, files, FIFOs and devices, for
//! `--data`, `--batch`, `webhooks verify`, a secret piped in and the config file.
//!
//! - Bounded: at most `limit` bytes and one more are read (one more tells "exactly at the
//!   limit" from "over it"), so `/dev/zero` or `yes |` cannot fill memory.
//! - Never silent: a FIFO with no writer waits in open(2), and a pipe with no input in
//!   read(2); either way, after `SILENT_INPUT_NOTE_AFTER` without a byte, one note says what
//!   orqex waits for, where. (The note comes from a thread: the wait itself stays blocking,
//!   so a writer that comes late is read as usual.)
//! - A signal during the wait still says that nothing was sent (`interrupt::nothing_sent`),
//!   for what is read before anything is sent.
//! - Unreadable input is an input error, exit 2, wherever it is met.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

use crate::error::{Error, Result};
use crate::limits;
use crate::text::{io_reason, printable};
use crate::ui::Ui;

/// Where input is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    Stdin,
    Path(&'a Path),
}

impl Place<'_> {
    /// "stdin", or the path as given.
    pub fn name(&self) -> String {
        match self {
            Place::Stdin => "stdin".into(),
            Place::Path(p) => printable(&p.display().to_string()),
        }
    }

    /// Whether reading may wait for a writer: a pipe, a FIFO or a socket, not a terminal
    /// (where the person typing sees that orqex waits) or a regular file.
    fn may_wait(&self, ui: &Ui) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let kind = |m: std::fs::Metadata| {
                let t = m.file_type();
                t.is_fifo() || t.is_socket()
            };
            match self {
                Place::Stdin => !ui.stdin_is_terminal() && stdin_metadata().is_some_and(kind),
                Place::Path(p) => std::fs::metadata(p).is_ok_and(kind),
            }
        }
        #[cfg(not(unix))]
        {
            matches!(self, Place::Stdin) && !ui.stdin_is_terminal()
        }
    }
}

/// Whether stdin is a pipe, a socket or a file: something that may hold input (and a pipe,
/// wait for it), unlike a terminal or /dev/null.
pub fn stdin_may_hold_input(ui: &Ui) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let _ = ui;
        stdin_metadata().is_some_and(|m| {
            let t = m.file_type();
            t.is_fifo() || t.is_socket() || t.is_file()
        })
    }
    #[cfg(not(unix))]
    {
        !ui.stdin_is_terminal()
    }
}

#[cfg(unix)]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .ok()
}

/// What is read, for the messages: "the JSON on stdin" names it, "a JSON body" is awaited,
/// and `hint` says what to do about a wait that should not be one.
pub struct Input<'a> {
    pub place: Place<'a>,
    /// What gave the input, first in "--data: cannot read body.json: no such file".
    pub flag: &'a str,
    /// How messages name the input: "the JSON in body.json", "the payload on stdin".
    pub what: String,
    /// What the note says orqex waits for: "a JSON body", "the payload".
    pub awaited: &'a str,
    /// The end of the note about a silent stdin, after the semicolon: what to do.
    pub hint: &'a str,
    pub limit: u64,
    /// Why the limit is far above what is needed, after "is larger than 1 MiB; ".
    pub too_large: &'a str,
}

/// Every byte of `input` (at most its limit), before anything is sent.
pub fn all(ui: &Ui, input: &Input) -> Result<Vec<u8>> {
    let _signals = crate::interrupt::nothing_sent();
    let mut bytes = Vec::new();
    let mut reader = open(ui, input)?;
    capped(&mut reader, input.limit, &mut bytes).map_err(|e| cannot_read(input, &e))?;
    if bytes.len() as u64 > input.limit {
        return Err(Error::usage(format!(
            "{} is larger than {}; {}",
            input.what,
            limits::bytes(input.limit),
            input.too_large
        )));
    }
    Ok(bytes)
}

/// `input` opened to be read as a stream (a batch's rows): the note is said should nothing
/// come, but the size is the reader's to bound.
pub fn open(ui: &Ui, input: &Input) -> Result<Box<dyn Read + Send>> {
    let note = input.place.may_wait(ui).then(|| {
        let (kind, hint) = match input.place {
            Place::Stdin => ("it is not a terminal", input.hint),
            Place::Path(_) => (
                "a FIFO",
                "nothing is read until something writes to it and closes it",
            ),
        };
        note_if_silent(
            *ui,
            format!(
                "orqex: waiting for {} on {} ({kind}); {hint}",
                input.awaited,
                input.place.name(),
            ),
        )
    });
    let inner: Box<dyn Read + Send> = match input.place {
        Place::Stdin => Box::new(std::io::stdin()),
        // For a FIFO, this is where the wait for a writer is.
        Place::Path(p) => Box::new(std::fs::File::open(p).map_err(|e| cannot_read(input, &e))?),
    };
    Ok(Box::new(Watched { inner, note }))
}

/// At most `limit + 1` bytes of `reader`, appended to `bytes`: the one way orqex reads a
/// whole input.
pub fn capped(reader: impl Read, limit: u64, bytes: &mut Vec<u8>) -> std::io::Result<usize> {
    reader.take(limit.saturating_add(1)).read_to_end(bytes)
}

fn cannot_read(input: &Input, e: &std::io::Error) -> Error {
    let what = format!("cannot read {}: {}", input.place.name(), io_reason(e));
    // No flag: the caller names where the input came from (a CA bundle has three places).
    match input.flag {
        "" => Error::usage(what),
        flag => Error::usage(format!("{flag}: {what}")),
    }
}

/// A reader that calls off its note at its first answer (bytes, the end, or an error).
struct Watched {
    inner: Box<dyn Read + Send>,
    note: Option<mpsc::Sender<()>>,
}

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf);
        self.note = None;
        n
    }
}

/// Says `text` on stderr unless the returned sender is dropped within
/// `SILENT_INPUT_NOTE_AFTER`.
fn note_if_silent(ui: Ui, text: String) -> mpsc::Sender<()> {
    let (done, wait) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if wait.recv_timeout(limits::SILENT_INPUT_NOTE_AFTER)
            == Err(mpsc::RecvTimeoutError::Timeout)
        {
            ui.status(&text);
        }
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reads_one_byte_past_the_limit_and_no_more() {
        let mut bytes = Vec::new();
        assert_eq!(capped(&b"abcdef"[..], 3, &mut bytes).unwrap(), 4);
        assert_eq!(bytes, b"abcd");
        let mut bytes = Vec::new();
        assert_eq!(capped(&b"abc"[..], 3, &mut bytes).unwrap(), 3);
        let mut bytes = Vec::new();
        assert_eq!(capped(&b"abc"[..], u64::MAX, &mut bytes).unwrap(), 3);
    }
}
