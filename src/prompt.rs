//! Questions at the terminal, and the one decision whether any may be asked.
//!
//! Lines are read key by key through console (dialoguer's terminal layer) and drawn with
//! dialoguer's theme. dialoguer's own `Input` and `Confirm` are not used: they ignore Ctrl-D,
//! and on Ctrl-C they raise SIGINT at the process (killing it, with `Confirm`'s cursor still
//! hidden). Here Ctrl-C and Ctrl-D are keys, and both end the program through the normal
//! error path with nothing sent. While questions are open the terminal is held in raw mode
//! (`term`; console only sets it for each key read), so a Ctrl-C typed between two reads is
//! still a key and not a signal; the terminal's own settings are put back when the questions
//! end, or by the signal handler or the panic hook when something else ends them.

use std::io::{ErrorKind, IsTerminal};

use dialoguer::console::{Key, Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, Theme};
use serde_json::{Map, Value};

use crate::checkout::validate::{self, METADATA_MAX_KEYS};
use crate::checkout::{CheckoutRequest, input};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::secret::SecretKey;
use crate::term;

/// Whether questions may be asked at all: only to a person at a terminal (stdin and stderr
/// both terminals), never in CI (`CI` set to anything) and never with `--no-input`.
/// Everywhere else a missing value is an error, so a script can never hang on a question.
pub fn allowed(no_input: bool) -> bool {
    !no_input && !in_ci() && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

use validate::Check;

/// One question: the field it fills, the words shown, and the same check `validate` applies.
struct Question {
    field: &'static str,
    label: &'static str,
    check: Check,
}

const fn q(field: &'static str, label: &'static str, check: Check) -> Question {
    Question {
        field,
        label,
        check,
    }
}

/// Asked one by one when missing, in `validate::REQUIRED`'s order.
const REQUIRED: &[Question] = &[
    q(
        "amount",
        "Amount, in major units (e.g. 50)",
        validate::amount,
    ),
    q(
        "currency",
        "Currency, ISO 4217 (e.g. XOF)",
        validate::currency,
    ),
    q(
        "description",
        "Description shown to the customer",
        validate::description,
    ),
    q("customer.email", "Customer email", validate::customer_email),
    q(
        "customer.first_name",
        "Customer first name",
        validate::plain_text,
    ),
    q(
        "customer.last_name",
        "Customer last name",
        validate::plain_text,
    ),
];

/// Offered together behind one yes/no; each can be skipped with Enter.
const OPTIONAL: &[Question] = &[
    q(
        "customer.address",
        "Customer street address",
        validate::plain_text,
    ),
    q("customer.city", "Customer city", validate::plain_text),
    q(
        "customer.state",
        "Customer state or region",
        validate::plain_text,
    ),
    q(
        "customer.country",
        "Customer country, ISO 3166-1 alpha-2 (e.g. CI)",
        validate::country,
    ),
    q("customer.zip", "Customer postal code", validate::plain_text),
    q(
        "return_url",
        "Return URL after checkout (https://...)",
        validate::url,
    ),
    q(
        "webhook_url",
        "Webhook URL for payment events (https://...)",
        validate::url,
    ),
    q(
        "statement_descriptor",
        "Statement descriptor (at most 22 characters)",
        validate::statement_descriptor,
    ),
    q("receipt_email", "Receipt email", validate::receipt_email),
    q(
        "expires_in_minutes",
        "Minutes the checkout stays open",
        validate::minutes,
    ),
    q(
        "restriction.country_code",
        "Only allow payers from country (e.g. CI)",
        validate::country,
    ),
    q(
        "customization.color",
        "Checkout colour (e.g. #1a73e8)",
        validate::plain_text,
    ),
    q(
        "customization.brand",
        "Label shown on the checkout",
        validate::plain_text,
    ),
];

/// Asks for every required field `draft` lacks, then offers the optional ones behind a single
/// yes/no. Returns the answers as a layer to put on top of the draft.
pub fn fill(draft: &CheckoutRequest) -> Result<CheckoutRequest> {
    let p = Prompter::start();
    let mut answers: Vec<(&str, String)> = Vec::new();
    for field in input::missing_required(draft) {
        let Some(q) = REQUIRED.iter().find(|q| q.field == field) else {
            continue;
        };
        answers.push((q.field, p.ask(q.label, q.check)?));
    }

    let mut metadata = Map::new();
    if p.confirm(
        "Add optional fields (customer address, URLs, metadata, ...)?",
        false,
    )? {
        for q in OPTIONAL.iter().filter(|q| !input::is_set(draft, q.field)) {
            if let Some(answer) = p.ask_optional(q.label, q.check)? {
                answers.push((q.field, answer));
            }
        }
        let mut room =
            METADATA_MAX_KEYS.saturating_sub(draft.metadata.as_ref().map_or(0, Map::len));
        while room > 0 {
            let Some(entry) = p.ask_optional("Metadata KEY=VALUE (Enter when done)", |s| {
                input::metadata_entry(s).map(|_| s.to_string())
            })?
            else {
                break;
            };
            if let Ok((k, v)) = input::metadata_entry(&entry)
                && metadata.insert(k, Value::String(v)).is_none()
            {
                room -= 1;
            }
        }
    }

    let mut layer = input::from_answers(&answers)?;
    if !metadata.is_empty() {
        layer.metadata = Some(metadata);
    }
    Ok(layer)
}

/// Shows what a live key is about to create (`rows` of label and value under `headline`) and
/// asks `question` (default no). A "no" is an error that sends nothing.
pub fn confirm_live(headline: &str, rows: &[(&str, String)], question: &str) -> Result<()> {
    let p = Prompter::start();
    p.line(headline)?;
    for (label, value) in rows {
        // The values are the user's: written out as they are, an escape code in one could
        // redraw the lines above and make the summary say another amount.
        p.line(&format!("  {label:<12} {}", crate::text::printable(value)))?;
    }
    if p.confirm(question, false)? {
        Ok(())
    } else {
        Err(Error::usage(
            "not confirmed; nothing was sent (pass --yes to skip the question)",
        ))
    }
}

/// Asks for a secret key without showing what is typed, until it is one. Ctrl-C and Ctrl-D
/// end the program as at any other question, with the terminal put back.
pub fn secret_key(label: &str) -> Result<SecretKey> {
    let p = Prompter::start();
    loop {
        let answer = p.read(label, false)?;
        match SecretKey::parse(&answer) {
            Ok(key) => return Ok(key),
            Err(message) => p.error(&message)?,
        }
    }
}

/// An answer checked by `check`, after the rule every question shares: a key pasted at the
/// wrong question is refused there and asked again, rather than the whole command failing
/// once everything was answered (it would be refused then).
fn checked(answer: &str, check: Check) -> std::result::Result<String, String> {
    match validate::secret_in_value(answer) {
        Some(why) => Err(why),
        None => check(answer),
    }
}

/// Whether a CI variable is set: then nobody is there to answer.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Questions on stderr, answers key by key from the terminal.
struct Prompter {
    term: Term,
    theme: ColorfulTheme,
    /// A signal (from `kill`: the terminal sends none while questions are open) puts the
    /// terminal back and says nothing was sent.
    _signals: interrupt::Moment,
}

impl Prompter {
    fn start() -> Prompter {
        let signals = interrupt::prompting();
        term::hold();
        // A way for the tests to check that a bug at a question (the release build aborts on
        // panic, skipping every `Drop`) still gives the terminal back. Not in release builds.
        #[cfg(debug_assertions)]
        if std::env::var_os("ORQEX_TEST_PANIC_AT_PROMPT").is_some() {
            panic!("ORQEX_TEST_PANIC_AT_PROMPT is set");
        }
        Prompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
            _signals: signals,
        }
    }

    fn line(&self, text: &str) -> Result<()> {
        self.term
            .write_line(&crate::secret::mask(text))
            .map_err(term_error)
    }

    fn error(&self, message: &str) -> Result<()> {
        let mut s = String::new();
        let _ = self.theme.format_error(&mut s, message);
        self.line(&s)
    }

    /// Asks until the answer passes `check`; returns the checked (normalised) value.
    fn ask(&self, label: &str, check: Check) -> Result<String> {
        loop {
            let answer = self.read_line(label)?;
            if answer.trim().is_empty() {
                self.error("an answer is required (Ctrl-C to stop)")?;
                continue;
            }
            match checked(&answer, check) {
                Ok(value) => return Ok(value),
                Err(message) => self.error(&message)?,
            }
        }
    }

    /// Like `ask`, but an empty answer skips the field.
    fn ask_optional(&self, label: &str, check: Check) -> Result<Option<String>> {
        loop {
            let answer = self.read_line(label)?;
            if answer.trim().is_empty() {
                return Ok(None);
            }
            match checked(&answer, check) {
                Ok(value) => return Ok(Some(value)),
                Err(message) => self.error(&message)?,
            }
        }
    }

    /// A yes/no answered with one key; Enter takes `default`.
    fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        let mut head = String::new();
        let _ = self
            .theme
            .format_input_prompt(&mut head, &format!("{question} {hint}"), None);
        self.term.write_str(&head).map_err(term_error)?;
        let answer = loop {
            match self.key()? {
                Key::Char('y' | 'Y') => break true,
                Key::Char('n' | 'N') => break false,
                Key::Enter => break default,
                _ => {}
            }
        };
        self.line(if answer { "yes" } else { "no" })?;
        Ok(answer)
    }

    /// One line typed at the terminal, echoed as typed. Only printable characters are taken.
    fn read_line(&self, label: &str) -> Result<String> {
        self.read(label, true)
    }

    /// One line typed at the terminal; `echo` false shows nothing of it (a secret).
    fn read(&self, label: &str, echo: bool) -> Result<String> {
        let mut head = String::new();
        let _ = self.theme.format_input_prompt(&mut head, label, None);
        self.term.write_str(&head).map_err(term_error)?;
        let mut chars: Vec<char> = Vec::new();
        loop {
            match self.key()? {
                Key::Enter => {
                    self.line("")?;
                    return Ok(chars.into_iter().collect());
                }
                Key::Backspace => {
                    if let Some(c) = chars.pop()
                        && echo
                    {
                        let width = measure_text_width(c.encode_utf8(&mut [0; 4]));
                        self.term.clear_chars(width).map_err(term_error)?;
                    }
                }
                Key::Char(c) if !c.is_control() => {
                    chars.push(c);
                    if echo {
                        self.term
                            .write_str(c.encode_utf8(&mut [0; 4]))
                            .map_err(term_error)?;
                    }
                }
                _ => {}
            }
        }
    }

    /// The next key. Ctrl-C and Ctrl-D (or a terminal that went away) end the questions.
    fn key(&self) -> Result<Key> {
        let stop = |err: Error| {
            // Leave the cursor on a fresh line for the error message.
            let _ = self.term.write_line("");
            Err(err)
        };
        match self.term.read_key_raw() {
            Ok(Key::CtrlC) => stop(Error::Interrupted),
            Ok(Key::Char('\x04')) => stop(end_of_input()),
            Ok(key) => Ok(key),
            Err(e) if e.kind() == ErrorKind::Interrupted => stop(Error::Interrupted),
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => stop(end_of_input()),
            Err(e) => stop(term_error(e)),
        }
    }
}

impl Drop for Prompter {
    fn drop(&mut self) {
        term::release();
    }
}

fn end_of_input() -> Error {
    Error::usage("end of input (Ctrl-D) at a prompt; nothing was sent")
}

fn term_error(e: std::io::Error) -> Error {
    Error::Other(format!(
        "cannot use the terminal: {}",
        crate::error::io_reason(&e)
    ))
}
