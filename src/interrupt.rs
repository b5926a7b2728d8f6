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
/// What is on its way: the note that says how to retry, the key to retry with, and whether
/// errors are wanted as JSON.
struct InFlight {
    note: String,
    idempotency_key: Option<String>,
    json: bool,
}

static IN_FLIGHT: Mutex<Option<InFlight>> = Mutex::new(None);

fn install() {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        // Failing to install it loses only the message, not the exit.
        let _ = ctrlc::set_handler(|| {
            if PROMPTING.load(Ordering::SeqCst) {
                crate::prompt::restore_terminal();
                eprintln!();
                let _ = error::report(&Error::Interrupted, false);
            } else if let Ok(slot) = IN_FLIGHT.lock()
                && let Some(f) = slot.as_ref()
            {
                if f.json {
                    // The JSON error stays the last line, as with any other error.
                    eprintln!(
                        "{}",
                        serde_json::json!({
                            "status": null,
                            "message": format!("interrupted while sending; {}", f.note),
                            "errors": {},
                            "request_id": null,
                            "idempotency_key": f.idempotency_key,
                            "exit_code": Exit::Interrupted.code(),
                        })
                    );
                } else {
                    eprintln!();
                    eprintln!("orqex: interrupted while sending");
                    eprintln!("  {}", f.note);
                }
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

/// While the returned guard lives, an interruption prints `note` (how to retry safely) and
/// the key to retry with; as one JSON line when `json`.
pub fn while_sending(note: String, idempotency_key: Option<&str>, json: bool) -> SendingGuard {
    install();
    if let Ok(mut slot) = IN_FLIGHT.lock() {
        *slot = Some(InFlight {
            note,
            idempotency_key: idempotency_key.map(str::to_string),
            json,
        });
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
