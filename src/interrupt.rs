//! What a signal means at each moment, decided in one place for the whole program: SIGINT
//! (Ctrl-C, `kill -INT`), SIGTERM (`timeout`, CI cancelling a job, systemd, Kubernetes) and
//! SIGHUP (a closed terminal or SSH session) all end the run the same way.
//!
//! - The terminal is put back first, if questions held it.
//! - What the moment calls for is said: nothing was sent (at a question); the flag that
//!   retries safely (a create on its way); the checkout exists and how to wait again (a wait).
//!   As one JSON line when the user asked for JSON.
//! - The process then dies by the same signal (the handler is reset and the signal raised
//!   again, as fd does), so the calling shell sees 128+N and a `while` loop stops too.
//!
//! The handler runs in signal context, where formatting and locks are off limits: the words
//! are prepared when the moment begins, and the handler only writes bytes and raises.

use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::error::{self, Error, Exit};

/// The signals handled, with the words for each. Index into `Words::text`. Their numbers are
/// the same on every Unix.
const SIGNALS: [(i32, &str); 5] = [
    (2, "interrupted"),
    (15, "terminated (SIGTERM)"),
    (1, "hung up (SIGHUP)"),
    (3, "quit (SIGQUIT)"),
    (14, "timed out (SIGALRM)"),
];

/// What to print for each signal at the present moment.
struct Words {
    text: [Vec<u8>; SIGNALS.len()],
}

/// The present moment's words; null means a silent end. Never freed once published: a handler
/// may be reading them, and there are only a few per run.
static WORDS: AtomicPtr<Words> = AtomicPtr::new(ptr::null_mut());

/// While it lives, a signal prints the words it was made with; dropping it puts back the
/// moment before.
pub struct Moment {
    before: *mut Words,
}

impl Drop for Moment {
    fn drop(&mut self) {
        WORDS.store(self.before, Ordering::SeqCst);
    }
}

fn begin(error_for: impl Fn(&str, Exit) -> Error, json: bool) -> Moment {
    let text = SIGNALS.map(|(number, word)| {
        let err = error_for(word, Exit::for_signal(number));
        // A fresh line first at a terminal: a question or a spinner may hold the cursor
        // mid-line. A log gets no empty line.
        let lead = if !json && crate::output::stderr_is_terminal() {
            "\n"
        } else {
            ""
        };
        let rendered = format!("{lead}{}", error::render(&err, json));
        crate::secret::mask(&rendered).into_owned().into_bytes()
    });
    let words = Box::into_raw(Box::new(Words { text }));
    Moment {
        before: WORDS.swap(words, Ordering::SeqCst),
    }
}

/// Nothing is on its way yet (questions are open, stdin is being read): a signal says
/// nothing was sent or saved.
pub fn nothing_sent() -> Moment {
    begin(
        |word, exit| Error::Stopped {
            what: format!("{word}; nothing was sent or saved"),
            note: String::new(),
            idempotency_key: None,
            exit,
        },
        false,
    )
}

/// A write is on its way: a signal prints `note` (how to retry safely) and the key to retry
/// with; as one JSON line when `json`.
pub fn sending(note: String, idempotency_key: Option<&str>, json: bool) -> Moment {
    begin(
        |word, exit| Error::Stopped {
            what: format!("{word} while sending"),
            note: note.clone(),
            idempotency_key: idempotency_key.map(str::to_string),
            exit,
        },
        json,
    )
}

/// Waiting for a checkout that exists: a signal says so, and how to wait again.
pub fn waiting(checkout_id: &str, idempotency_key: Option<&str>, json: bool) -> Moment {
    begin(
        |word, exit| Error::Stopped {
            what: format!("{word} while waiting for payment"),
            note: format!(
                "checkout {checkout_id} exists{}; wait again with: orqex checkout get {checkout_id} --wait",
                idempotency_key
                    .map(|k| format!(" (created with {})", error::key_flag(k)))
                    .unwrap_or_default()
            ),
            idempotency_key: idempotency_key.map(str::to_string),
            exit,
        },
        json,
    )
}

/// The words for `signal` now, if any.
fn words_for(signal: i32) -> Option<&'static [u8]> {
    let words = WORDS.load(Ordering::SeqCst);
    if words.is_null() {
        return None;
    }
    let index = SIGNALS.iter().position(|(n, _)| *n == signal)?;
    // Published words are never freed (see WORDS).
    Some(unsafe { &(*words).text[index] })
}

#[cfg(unix)]
mod imp {
    use std::os::fd::BorrowedFd;

    use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};

    /// Every signal whose default action ends the process: each must give the terminal back
    /// first. Those without words (numbered differently across systems) end silently.
    fn handled() -> impl Iterator<Item = Signal> {
        super::SIGNALS
            .iter()
            .filter_map(|(n, _)| Signal::try_from(*n).ok())
            .chain([Signal::SIGUSR1, Signal::SIGUSR2])
    }

    /// Installs the handler for every signal of `SIGNALS`, a few system calls and no thread.
    /// A signal ignored on entry stays ignored (`nohup orqex ...`, a shell's background job):
    /// whoever started orqex asked for that.
    pub fn install() {
        let action = SigAction::new(
            SigHandler::Handler(on_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        for sig in handled() {
            // Failing leaves the default action: the run still ends, only without words.
            if let Ok(before) = unsafe { signal::sigaction(sig, &action) }
                && matches!(before.handler(), SigHandler::SigIgn)
            {
                let _ = unsafe { signal::sigaction(sig, &before) };
            }
        }
    }

    extern "C" fn on_signal(number: i32) {
        crate::term::restore();
        if let Some(text) = super::words_for(number) {
            write_all(text);
        }
        die_by(number);
    }

    fn write_all(mut bytes: &[u8]) {
        let stderr = unsafe { BorrowedFd::borrow_raw(2) };
        while !bytes.is_empty() {
            match nix::unistd::write(stderr, bytes) {
                Ok(0) | Err(_) => return,
                Ok(n) => bytes = &bytes[n..],
            }
        }
    }

    /// Ends the process by `number` with its default action, so the parent sees the signal.
    pub fn die_by(number: i32) -> ! {
        if let Ok(sig) = Signal::try_from(number) {
            unsafe {
                let _ = signal::signal(sig, SigHandler::SigDfl);
            }
            let _ = SigSet::from(sig).thread_unblock();
            let _ = signal::raise(sig);
        }
        // Not reached when the signal's default action is to end the process.
        std::process::exit(128 + number)
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn install() {
        let _ = ctrlc::set_handler(|| {
            crate::term::restore();
            if let Some(text) = super::words_for(2) {
                use std::io::Write;
                let _ = std::io::stderr().write_all(text);
            }
            die_by(2);
        });
    }

    pub fn die_by(number: i32) -> ! {
        std::process::exit(128 + number)
    }
}

/// Installs the handlers; called once, first thing in `main`.
pub fn install() {
    imp::install();
}

/// Ends the run as the signal `Exit::Interrupted` stands for (Ctrl-C typed as a key at a
/// question, after its error is printed), so the caller's shell sees what it would for Ctrl-C.
pub fn die_interrupted() -> ! {
    imp::die_by(2)
}
