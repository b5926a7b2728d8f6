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
//!
//! One command is stopped by Ctrl-C on purpose: `webhooks listen` runs until then, and ends
//! with exit 0 and a summary. It does not go through the handler at all (`stop_signals`):
//! SIGINT and SIGTERM are blocked before its first thread starts, so every thread inherits
//! the block and the kernel keeps them pending, and one thread takes them with `sigwait`, in
//! ordinary code, where counting and printing a summary are safe.

use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::error::{self, Error, Exit};
use crate::ui::Ui;

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
        let lead = if !json && crate::ui::stderr_was_terminal() {
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
/// with; as one JSON line when `ui` says errors are JSON.
pub fn sending(ui: &Ui, note: String, idempotency_key: Option<&str>) -> Moment {
    begin(
        |word, exit| Error::Stopped {
            what: format!("{word} while sending"),
            note: note.clone(),
            idempotency_key: idempotency_key.map(str::to_string),
            exit,
        },
        ui.json_errors(),
    )
}

/// Waiting for a checkout that exists: a signal says so, and how to wait again.
pub fn waiting(ui: &Ui, checkout_id: &str, idempotency_key: Option<&str>) -> Moment {
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
        ui.json_errors(),
    )
}

/// Waiting for something that exists (a payment, a refund made): a signal says what stopped
/// and how to wait again (`again`).
pub fn waiting_on(ui: &Ui, what: &str, again: String) -> Moment {
    let what = what.to_string();
    begin(
        move |word, exit| Error::Stopped {
            what: format!("{word} while waiting for {what}"),
            note: again.clone(),
            idempotency_key: None,
            exit,
        },
        ui.json_errors(),
    )
}

/// Listening for webhooks: a signal other than Ctrl-C and SIGTERM (which `stop_signals`
/// takes) says that listening stopped, and ends the run by that signal as always.
pub fn listening() -> Moment {
    begin(
        |word, exit| Error::Stopped {
            what: format!("{word}; stopped listening for webhooks"),
            note: String::new(),
            idempotency_key: None,
            exit,
        },
        false,
    )
}

/// Ctrl-C and SIGTERM as the expected way to end a run (`webhooks listen`): from this call on
/// they no longer end the process; `StopSignals::wait` returns when one arrives. Call it before
/// starting any thread: threads inherit the block from the thread that starts them.
pub fn stop_signals() -> StopSignals {
    imp::stop_signals()
}

pub use imp::StopSignals;

/// The name a stop signal is given in a summary.
pub fn stop_name(signal: i32) -> &'static str {
    match signal {
        15 => "SIGTERM",
        _ => "Ctrl-C",
    }
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
    use std::sync::atomic::{AtomicU64, Ordering};

    use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};

    /// The signals that were ignored when orqex started, one bit per number, as `install`
    /// found them: they stay ignored, and `stop_signals` does not wait for them either (a
    /// blocked signal is kept pending even when its action is to ignore it).
    static IGNORED_ON_ENTRY: AtomicU64 = AtomicU64::new(0);

    fn ignored_on_entry(sig: Signal) -> bool {
        let n = sig as i32;
        (0..64).contains(&n) && IGNORED_ON_ENTRY.load(Ordering::SeqCst) & (1 << n) != 0
    }

    /// SIGINT and SIGTERM, blocked in the calling thread and every thread it starts after.
    pub struct StopSignals {
        set: SigSet,
    }

    pub fn stop_signals() -> StopSignals {
        let mut set = SigSet::empty();
        for sig in [Signal::SIGINT, Signal::SIGTERM] {
            if !ignored_on_entry(sig) {
                set.add(sig);
            }
        }
        // Failing leaves the handler in charge: the run would still end, by the signal.
        let _ = set.thread_block();
        StopSignals { set }
    }

    impl StopSignals {
        /// Waits, in ordinary code, until SIGINT or SIGTERM arrives, and returns its number.
        /// Never returns when both were ignored on entry (`nohup` and `&`): nothing can then
        /// stop the run but another signal, which ends it as always.
        pub fn wait(&self) -> i32 {
            loop {
                if self.set.iter().next().is_none() {
                    std::thread::park();
                    continue;
                }
                if let Ok(sig) = self.set.wait() {
                    return sig as i32;
                }
            }
        }
    }

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
                if (0..64).contains(&(sig as i32)) {
                    IGNORED_ON_ENTRY.fetch_or(1 << (sig as i32), Ordering::SeqCst);
                }
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
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Set by `stop_signals`: Ctrl-C then asks the run to stop instead of ending it.
    static STOP_ON_CTRL_C: AtomicBool = AtomicBool::new(false);
    static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

    pub struct StopSignals;

    pub fn stop_signals() -> StopSignals {
        STOP_ON_CTRL_C.store(true, Ordering::SeqCst);
        StopSignals
    }

    impl StopSignals {
        /// ctrlc's handler runs on a thread of its own, not in signal context; it sets a flag
        /// that this loop looks at.
        pub fn wait(&self) -> i32 {
            while !STOP_REQUESTED.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            2
        }
    }

    pub fn install() {
        let _ = ctrlc::set_handler(|| {
            if STOP_ON_CTRL_C.load(Ordering::SeqCst) {
                STOP_REQUESTED.store(true, Ordering::SeqCst);
                return;
            }
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
