//! What a SIGINT (Ctrl-C outside raw mode, or `kill -INT`) means, decided in one place for the
//! whole program, and always exit 130.
//!
//! - At a prompt: the terminal is put back first (the prompt holds it in raw mode).
//! - While a create may be on its way to the API: the interruption leaves the outcome
//!   unknown, so the note that says how to retry safely is printed, exactly as a network
//!   failure would print it.
//! - Anywhere else: the default, a silent exit, as any command-line tool.

use std::sync::Mutex;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{self, Error, Exit};

static PROMPTING: AtomicBool = AtomicBool::new(false);
static IN_FLIGHT: Mutex<Option<String>> = Mutex::new(None);

fn install() {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        // Failing to install it loses only the message, not the exit.
        let _ = ctrlc::set_handler(|| {
            if PROMPTING.load(Ordering::SeqCst) {
                crate::prompt::restore_terminal();
                eprintln!();
                let _ = error::report(&Error::Interrupted, false);
            } else if let Some(note) = IN_FLIGHT.lock().ok().and_then(|n| n.clone()) {
                eprintln!();
                eprintln!("orqex: interrupted while sending");
                eprintln!("  {note}");
            }
            std::process::exit(i32::from(Exit::Interrupted.code()));
        });
    });
}

/// Marks questions as open (or closed again).
pub fn prompting(open: bool) {
    install();
    PROMPTING.store(open, Ordering::SeqCst);
}

/// While the returned guard lives, an interruption prints `note` (how to retry safely).
pub fn while_sending(note: String) -> SendingGuard {
    install();
    if let Ok(mut slot) = IN_FLIGHT.lock() {
        *slot = Some(note);
    }
    SendingGuard
}

pub struct SendingGuard;

impl Drop for SendingGuard {
    fn drop(&mut self) {
        if let Ok(mut slot) = IN_FLIGHT.lock() {
            *slot = None;
        }
    }
}
