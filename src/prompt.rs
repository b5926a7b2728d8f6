//! Questions at the terminal. Whether any may be asked is `Ui::may_prompt`'s to decide.
//!
//! Lines are read key by key through console and drawn with dialoguer's theme. dialoguer's own
//! `Input` and `Confirm` are not used: they ignore Ctrl-D, on Ctrl-C they raise SIGINT at the
//! process (killing it, with `Confirm`'s cursor still hidden), and `Confirm` acts on one key,
//! so a typed "yes" leaves "es" to whatever reads next. Here a yes/no is a word ended with
//! Enter, lines take a shell's editing keys (arrows, Home/End, Ctrl-U, Ctrl-W), no character
//! a terminal would act on is taken into an answer, and Ctrl-C and Ctrl-D are keys, and both end the program through the normal
//! error path with nothing sent. While questions are open the terminal is held in raw mode
//! (`term`; console only sets it for each key read), so a Ctrl-C typed between two reads is
//! still a key and not a signal; the terminal's own settings are put back when the questions
//! end, or by the signal handler or the panic hook when something else ends them.

use std::io::ErrorKind;

use console::{Key, Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, Theme};
use serde_json::{Map, Value};

use crate::checkout::checks::{self, METADATA_MAX_KEYS};
use crate::checkout::fields::{self, Check, FIELDS, Field, Kind, Need};
use crate::checkout::{Draft, input};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::secret::SecretKey;
use crate::term;

/// Asks for every required field `draft` lacks, then offers the optional ones behind a single
/// yes/no, each checked as `validate` will check it. The questions, their order and their
/// checks are the table's (`fields::FIELDS`). Returns the answers as a layer to put on top of
/// the draft.
pub fn fill(draft: &Draft) -> Result<Draft> {
    let p = Prompter::start();
    let mut answers: Vec<(&str, String)> = Vec::new();
    for f in fields::required().filter(|f| !draft.is_set(f.path)) {
        if let Some(label) = f.prompt {
            answers.push((f.path, p.ask(label, f.check)?));
        }
    }

    let mut maps: Vec<(&Field, Map<String, Value>)> = Vec::new();
    if p.confirm(
        "Add optional fields (customer address, URLs, metadata, ...)?",
        false,
    )? {
        let optional = FIELDS
            .iter()
            .filter(|f| f.need == Need::Optional && !draft.is_set(f.path));
        for f in optional.clone().filter(|f| f.kind != Kind::Map) {
            if let Some(label) = f.prompt
                && let Some(answer) = p.ask_optional(label, f.check)?
            {
                answers.push((f.path, answer));
            }
        }
        for f in optional.filter(|f| f.kind == Kind::Map) {
            maps.push((f, ask_map(&p, f, draft)?));
        }
    }

    let mut layer = input::from_answers(&answers)?;
    for (f, map) in maps.into_iter().filter(|(_, m)| !m.is_empty()) {
        layer.set(f.path, Value::Object(map));
    }
    Ok(layer)
}

/// `KEY=VALUE` entries for a map field (metadata), until an empty answer or the limit. Each
/// entry is checked as it is typed: its key and value as text, and a key given once.
fn ask_map(p: &Prompter, f: &Field, draft: &Draft) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    let already = |key: &str| draft.is_set(&format!("{}.{key}", f.path));
    let taken = draft
        .get(f.path)
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    while taken + map.len() < METADATA_MAX_KEYS {
        let entry = p.ask_optional_with("Metadata KEY=VALUE (Enter when done)", |s| {
            let (key, value) = input::metadata_entry(s)?;
            if let Some(why) = crate::text::unsafe_text(&key) {
                return Err(format!("the key {why}"));
            }
            (f.check)(&value)?;
            if map.contains_key(&key) || already(&key) {
                return Err(format!("`{key}` is given already; give each key once"));
            }
            Ok(s.to_string())
        })?;
        let Some(entry) = entry else { break };
        if let Ok((key, value)) = input::metadata_entry(&entry) {
            map.insert(key, Value::String(value));
        }
    }
    Ok(map)
}

/// Shows what a live key is about to create (`rows` of label and value under `headline`) and
/// asks `question` (default no). A "no" is an error that sends nothing.
pub fn confirm_live(headline: &str, rows: &[(&str, String)], question: &str) -> Result<()> {
    let p = Prompter::start();
    p.line(headline)?;
    // Each value on its own line and no wider than the terminal: a long one would wrap, and
    // text placed at the wrap could read as a row of its own ("environment  sandbox").
    let width = usize::from(p.term.size().1).max(40) - 16;
    for (label, value) in rows {
        // The values are the user's: written out as they are, an escape code in one could
        // redraw the lines above and make the summary say another amount.
        let shown = crate::text::printable(value)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let shown = console::truncate_str(&shown, width, "…");
        p.line(&format!("  {label:<12} {shown}"))?;
    }
    if p.confirm(question, false)? {
        Ok(())
    } else {
        Err(Error::usage(
            "not confirmed; nothing was sent (pass --yes to skip the question)",
        ))
    }
}

/// A yes/no question (default no).
pub fn yes_no(question: &str) -> Result<bool> {
    Prompter::start().confirm(question, false)
}

/// Asks for a secret key without showing what is typed, until it is one. Ctrl-C and Ctrl-D
/// end the program as at any other question, with the terminal put back.
pub fn secret_key(label: &str) -> Result<SecretKey> {
    hidden(label, SecretKey::parse)
}

/// Asks for a secret without showing what is typed, until `parse` takes it (a key, a webhook
/// signing secret). The answer is never checked for secrets: it is one.
pub fn hidden<T>(label: &str, parse: impl Fn(&str) -> std::result::Result<T, String>) -> Result<T> {
    let p = Prompter::start();
    loop {
        let answer = p.read(label, false)?;
        match parse(&answer) {
            Ok(value) => return Ok(value),
            Err(message) => p.error(&message)?,
        }
    }
}

/// An answer checked by `check`, after the rule every question shares: a key pasted at the
/// wrong question is refused there and asked again, rather than the whole command failing
/// once everything was answered (it would be refused then).
fn checked(
    answer: &str,
    check: impl Fn(&str) -> std::result::Result<String, String>,
) -> std::result::Result<String, String> {
    match checks::secret_in_value(answer) {
        Some(why) => Err(why),
        None => check(answer),
    }
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
        let signals = interrupt::nothing_sent();
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
        self.ask_optional_with(label, check)
    }

    /// `ask_optional` with a check that may look at what was answered before.
    fn ask_optional_with(
        &self,
        label: &str,
        check: impl Fn(&str) -> std::result::Result<String, String>,
    ) -> Result<Option<String>> {
        loop {
            let answer = self.read_line(label)?;
            if answer.trim().is_empty() {
                return Ok(None);
            }
            match checked(&answer, &check) {
                Ok(value) => return Ok(Some(value)),
                Err(message) => self.error(&message)?,
            }
        }
    }

    /// A yes/no, typed as a word and ended with Enter like every other answer (a single key
    /// would act at once and leave the rest of a typed "yes" to the next question or the
    /// shell). Empty takes `default`.
    fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        let label = format!("{question} {hint}");
        loop {
            let answer = self.read(&label, true)?;
            match answer.trim().to_ascii_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => self.error("answer yes or no (or Enter for the default)")?,
            }
        }
    }

    /// One line typed at the terminal, echoed as typed. Only printable characters are taken.
    fn read_line(&self, label: &str) -> Result<String> {
        self.read(label, true)
    }

    /// One line typed at the terminal, with the editing keys a shell has: left and right
    /// arrows, Home and End (Ctrl-A, Ctrl-E), Backspace and Delete, Ctrl-U (to the start) and
    /// Ctrl-W (the word before). `echo` false shows nothing of it (a secret).
    fn read(&self, label: &str, echo: bool) -> Result<String> {
        let mut head = String::new();
        let _ = self.theme.format_input_prompt(&mut head, label, None);
        self.term.write_str(&head).map_err(term_error)?;
        let mut line = LineEdit::default();
        loop {
            let key = self.key()?;
            if key == Key::Enter {
                self.line("")?;
                return Ok(line.text());
            }
            if line.apply(key) && echo {
                // Redrawn whole: the line is short, and this is right whatever changed.
                let width = |chars: &[char]| measure_text_width(&chars.iter().collect::<String>());
                self.term.clear_line().map_err(term_error)?;
                self.term
                    .write_str(&format!("{head}{}", line.text()))
                    .map_err(term_error)?;
                self.term
                    .move_cursor_left(width(&line.chars[line.cursor..]))
                    .map_err(term_error)?;
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

/// A line being typed, and where the cursor is in it.
#[derive(Default)]
struct LineEdit {
    chars: Vec<char>,
    cursor: usize,
}

impl LineEdit {
    fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Applies one key; whether the line or the cursor changed.
    fn apply(&mut self, key: Key) -> bool {
        match key {
            Key::Char('\u{1}') | Key::Home => self.cursor = 0,
            Key::Char('\u{5}') | Key::End => self.cursor = self.chars.len(),
            Key::ArrowLeft if self.cursor > 0 => self.cursor -= 1,
            Key::ArrowRight if self.cursor < self.chars.len() => self.cursor += 1,
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            Key::Del if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            // Ctrl-U: everything before the cursor.
            Key::Char('\u{15}') => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            // Ctrl-W: the word before the cursor, and the spaces after it.
            Key::Char('\u{17}') => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            // What a terminal would act on is never taken into an answer.
            Key::Char(c) if !crate::text::is_unsafe(c) => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            _ => return false,
        }
        true
    }
}

fn end_of_input() -> Error {
    Error::usage("end of input (Ctrl-D) at a prompt; nothing was sent")
}

fn term_error(e: std::io::Error) -> Error {
    Error::Other(format!(
        "cannot use the terminal: {}",
        crate::text::io_reason(&e)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[Key]) -> (String, usize) {
        let mut line = LineEdit::default();
        for k in keys {
            line.apply(k.clone());
        }
        (line.text(), line.cursor)
    }

    fn chars(s: &str) -> Vec<Key> {
        s.chars().map(Key::Char).collect()
    }

    #[test]
    fn editing_keys_do_what_a_shell_does() {
        assert_eq!(typed(&chars("ama")), ("ama".into(), 3));
        let mut keys = chars("ama@exmple.com");
        keys.extend(std::iter::repeat_n(Key::ArrowLeft, 8));
        keys.push(Key::Char('a'));
        assert_eq!(typed(&keys), ("ama@example.com".into(), 7));
        let mut keys = chars("Order 1024 now");
        keys.push(Key::Char('\u{17}'));
        assert_eq!(typed(&keys), ("Order 1024 ".into(), 11));
        keys.push(Key::Char('\u{17}'));
        assert_eq!(typed(&keys), ("Order ".into(), 6));
        let mut keys = chars("abc");
        keys.extend([Key::ArrowLeft, Key::Char('\u{15}')]);
        assert_eq!(typed(&keys), ("c".into(), 0));
        let mut keys = chars("abc");
        keys.extend([
            Key::Home,
            Key::Del,
            Key::End,
            Key::Backspace,
            Key::Char('\u{1b}'),
        ]);
        assert_eq!(typed(&keys), ("b".into(), 1));
        // Nothing moves past either end.
        let keys = [Key::ArrowLeft, Key::Backspace, Key::Del, Key::ArrowRight];
        assert_eq!(typed(&keys), (String::new(), 0));
    }
}
