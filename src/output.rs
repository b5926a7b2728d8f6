//! Every way a result reaches the user. stdout carries only the result; notes go to stderr.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::Value;

use crate::client::ApiResponse;
use crate::error::{Error, Result};
use crate::secret::Environment;

/// What stdout gets for a checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The checkout URL, one line.
    Url,
    /// The checkout id, one line.
    Id,
    /// The API's whole response, pretty-printed.
    Json,
    /// `ORQEX_*=value` lines for `eval` or `$GITHUB_ENV`.
    Env,
    /// The checkout's status word, one line.
    Status,
}

/// The variables `--output env` prints, in order, with where each comes from. The first two
/// are required (a checkout without them is a broken answer); the others print empty when the
/// API leaves them out, so an `eval` never keeps a stale value from an earlier run.
pub const ENV_FIELDS: [(&str, &str, bool); 4] = [
    ("ORQEX_CHECKOUT_ID", "checkout.id", true),
    ("ORQEX_CHECKOUT_URL", "checkout.url", true),
    ("ORQEX_PAYMENT_ID", "payment.id", false),
    ("ORQEX_CHECKOUT_EXPIRES_AT", "checkout.expires_at", false),
];

/// How to see an answer orqex could not use. After a create, only with the same key: the
/// API replays the answer, where a plain run again would create a second checkout.
pub fn see_the_answer(idempotency_key: Option<&str>) -> &'static str {
    match idempotency_key {
        Some(_) => {
            "to see the answer, run the same command again with --output json and the --idempotency-key below (the API replays it; nothing is created twice)"
        }
        None => "run again with --output json to see the answer",
    }
}

/// Prints the result of a create or retrieve in the chosen format.
pub fn print_checkout(
    resp: &ApiResponse,
    format: Format,
    jq: Option<&crate::jq::Jq>,
    idempotency_key: Option<&str>,
) -> Result<()> {
    if let Some(jq) = jq {
        return print_jq(jq, &resp.body);
    }
    let broken = |what: String| Error::Network {
        message: format!(
            "the API answered {} but {what}; {}",
            resp.status,
            see_the_answer(idempotency_key)
        ),
        idempotency_key: idempotency_key.map(str::to_string),
    };
    // One line each: a control character (a line break above all) would let the answer
    // add lines a script reads as something else.
    let required = |pointer: &str| {
        let value = crate::answer::text(&resp.body, pointer)
            .ok_or_else(|| broken(format!("the response has no {}", dotted(pointer))))?;
        if value.chars().any(crate::text::is_unsafe) {
            return Err(broken(format!(
                "{} contains a control character, which cannot be printed as one line",
                dotted(pointer)
            )));
        }
        Ok(value)
    };
    let web_url = || {
        let url = required("checkout.url")?;
        if is_web_url(url) {
            Ok(url)
        } else {
            Err(broken(format!(
                "data.checkout.url `{}` is not an http(s) URL",
                printable(url)
            )))
        }
    };
    match format {
        Format::Json => print_json(&resp.body),
        Format::Url => stdout_line(web_url()?),
        Format::Id => stdout_line(required("checkout.id")?),
        Format::Status => stdout_line(required("checkout.status")?),
        Format::Env => {
            web_url()?;
            let text = env_lines(&resp.body).map_err(broken)?;
            stdout_line(text.trim_end_matches('\n'))
        }
    }
}

/// `checkout.url` → `data.checkout.url`, the way the API names fields in errors.
fn dotted(path: &str) -> String {
    format!("data.{path}")
}

pub fn checkout_url(body: &Value) -> Option<&str> {
    crate::answer::text(body, "checkout.url")
}

pub fn checkout_id(body: &Value) -> Option<&str> {
    crate::answer::text(body, "checkout.id")
}

/// The `--output env` text, one `NAME=value` line per variable, or what is wrong.
pub fn env_lines(body: &Value) -> std::result::Result<String, String> {
    let mut out = String::new();
    for (name, pointer, required) in ENV_FIELDS {
        let value = match crate::answer::get(body, pointer) {
            Some(Value::String(s)) => s.clone(),
            // A number or boolean id is still printable as its JSON text.
            Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
            _ if required => return Err(format!("the response has no {}", dotted(pointer))),
            _ => String::new(),
        };
        // A line break would end the line early: in $GITHUB_ENV that is another variable.
        if value.chars().any(crate::text::is_unsafe) {
            return Err(format!(
                "{} contains a control character, which --output env cannot print safely",
                dotted(pointer)
            ));
        }
        out.push_str(&format!("{name}={}\n", shell_quote(&value)));
    }
    Ok(out)
}

use crate::text::{printable, shell_quote};

/// The short line shown under the URL at a terminal: amount as the API formats it,
/// environment, expiry. `None` when the answer has none of them.
pub fn summary(body: &Value, key_env: Environment, colour: bool) -> Option<String> {
    let text = |p: &str| crate::answer::text(body, p).map(printable);
    let mut parts = Vec::new();
    if let Some(amount) = text("payment.amount.formatted") {
        parts.push(
            console::style(amount)
                .bold()
                .force_styling(colour)
                .to_string(),
        );
    }
    // The key decides the environment (the API reference says so); the answer's word is
    // shown only when the key does not say, so an answer cannot dress live money as sandbox.
    let env = match key_env {
        Environment::Unknown => text("checkout.environment"),
        known => Some(known.as_str().to_string()),
    };
    if let Some(env) = env {
        let styled = console::style(env.clone()).force_styling(colour);
        let styled = match env.as_str() {
            // Real money: hard to miss.
            "live" => styled.red().bold(),
            "sandbox" => styled.yellow(),
            _ => styled,
        };
        parts.push(styled.to_string());
    }
    // Whether it was paid is what a person looking at a checkout wants to know first.
    if text("checkout.status").is_some() || text("payment.status").is_some() {
        parts.push(crate::wait::describe(body));
    }
    if let Some(expires) = text("checkout.expires_at") {
        parts.push(format!("expires {expires}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The URL as a QR code of Unicode half blocks (two modules per character cell). Drawn light
/// on dark, as terminals usually are; phone cameras read either way.
pub fn qr(url: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| Error::Other(format!("cannot draw a QR code for {url}: {e}")))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build())
}

/// Whether `url` is an absolute http(s) URL with a host: the only kind a checkout URL may be,
/// printed or opened. Anything else (`file:`, `javascript:`, a relative path, text starting
/// with `-` that a launcher would read as an option) is a broken answer.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map(|scheme| &url[scheme.len()..])
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    !host.is_empty()
        && !host.starts_with(':')
        && !url
            .chars()
            .any(|c| c.is_whitespace() || crate::text::is_unsafe(c))
}

/// Opens the URL in `$BROWSER` (a `:`-separated list of programs, each run as `PROGRAM URL`)
/// or else the desktop's default handler, trying each until one succeeds. Returns why none
/// could, in words. The browser inherits none of the `secrets` variables.
pub fn open_url(url: &str, secrets: &[&str]) -> std::result::Result<(), String> {
    if !is_web_url(url) {
        return Err(format!("`{}` is not an http(s) URL", printable(url)));
    }
    let commands: Vec<std::process::Command> = match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        // Each entry a program and its arguments (`firefox --new-window`); a `%s` among them
        // stands for the URL, which otherwise comes last.
        Some(list) => list
            .split(':')
            .filter_map(|entry| {
                let mut words = entry.split_whitespace();
                let mut cmd = std::process::Command::new(words.next()?);
                let mut placed = false;
                for word in words {
                    placed |= word.contains("%s");
                    cmd.arg(word.replace("%s", url));
                }
                if !placed {
                    cmd.arg(url);
                }
                Some(cmd)
            })
            .collect(),
        None => open::commands(url),
    };
    let mut failures = Vec::new();
    for mut cmd in commands {
        let name = cmd.get_program().to_string_lossy().into_owned();
        for name in secrets {
            cmd.env_remove(name);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        match cmd.status() {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => failures.push(match status.code() {
                Some(code) => format!("`{name}` exited with status {code}"),
                None => format!("`{name}` was killed"),
            }),
            Err(e) => failures.push(format!("`{name}`: {}", crate::text::io_reason(&e))),
        }
    }
    if failures.is_empty() {
        return Err("no program to open it with on this system; set BROWSER".into());
    }
    Err(failures.join("; "))
}

/// Pretty JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
    stdout_line(&crate::text::json_safe(&text))
}

/// What `--jq` makes of `value`, one output per line. Strings are the user's to see as text,
/// but what a terminal would act on is still written out as an escape.
pub fn print_jq(jq: &crate::jq::Jq, value: &Value) -> Result<()> {
    let lines: Vec<String> = jq
        .lines(value)?
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
    stdout_line(&lines.join("\n"))
}

/// One compact JSON line on stdout (a batch row's result).
pub fn print_json_line(value: &serde_json::Value) -> Result<()> {
    stdout_line(&crate::text::json_safe(&value.to_string()))
}

/// Whether stdout was closed when orqex started (`>&-`); set once, by `main`.
pub static STDOUT_CLOSED_AT_START: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Before a write to the API: with stdout closed from the start, its answer could never be
/// shown, so nothing is sent at all.
pub fn refuse_closed_stdout() -> Result<()> {
    if STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::Stdout(
            "stdout is closed (>&-), so the answer could not be shown; nothing was sent: run again with stdout open, or redirect it to a file".into(),
        ));
    }
    Ok(())
}

/// Writes one line to stdout: the one place a result leaves orqex, so keys are masked here
/// whatever the text came from. Any failure (stdout closed, a pipe whose reader is gone, a
/// full disk) is an error of its own: the result is lost, and the caller says how to get it
/// back.
pub fn stdout_line(text: &str) -> Result<()> {
    let text = format!("{}\n", crate::secret::mask(text));
    write_stdout(text.as_bytes()).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::BrokenPipe => "its reader closed it".to_string(),
            // EBADF, the same number on every Unix: `>&-` closed it before orqex started.
            _ if cfg!(unix) && e.raw_os_error() == Some(9) => "it is closed".to_string(),
            _ => crate::text::io_reason(&e),
        };
        Error::Stdout(format!("cannot write the result to stdout: {why}"))
    })
}

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

#[cfg(not(unix))]
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// Every line orqex writes to stderr passes here, keys masked. A failed write (stderr closed
/// or full) is ignored: there is nowhere left to say it, and the exit code still tells.
pub fn to_stderr(text: &str) {
    write_stderr(&format!("{}\n", crate::secret::mask(text)));
}

fn write_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// A note for the person at the terminal, on stderr. Values in it (paths, names, answers from
/// the network) are made printable line by line.
pub fn note(text: &str) {
    let lines: Vec<String> = text.lines().map(printable).collect();
    to_stderr(&lines.join("\n"));
}

/// A note whose own escape codes (colour) are meant; its values were made printable already.
pub fn styled_note(text: &str) {
    to_stderr(text);
}

/// Something went wrong that does not stop the command.
pub fn warning(text: &str) {
    note(&format!("orqex: warning: {text}"));
}

pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Colour on stderr only for a person: a terminal, and NO_COLOR unset or empty (no-color.org).
pub fn colour_on_stderr() -> bool {
    stderr_is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One self-rewriting line on stderr (a spinner and text) while orqex waits, ticking by
/// itself (indicatif) so it moves while a request is in flight too. Draws nothing unless
/// stderr is a terminal, so logs and pipes never see control characters; notes then go out
/// as plain lines.
pub struct StatusLine {
    bar: indicatif::ProgressBar,
}

impl StatusLine {
    pub fn on_stderr() -> StatusLine {
        let target = if stderr_is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        StatusLine { bar }
    }

    pub fn set(&mut self, text: String) {
        // Text from the API ends up here: shown, never obeyed.
        self.bar
            .set_message(crate::secret::mask(&printable(&text)).into_owned());
        if !self.bar.is_hidden() && !self.bar.is_finished() {
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
    }

    /// A note above the status line, which is then drawn again below it.
    pub fn note(&mut self, text: &str) {
        if self.bar.is_hidden() {
            note(text);
        } else {
            let lines: Vec<String> = text.lines().map(printable).collect();
            self.bar.println(crate::secret::mask(&lines.join("\n")));
        }
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
    use serde_json::json;

    #[test]
    fn env_output_fills_missing_optional_fields_empty() {
        let body = json!({"data": {"checkout": {"id": "cs_1", "url": "https://p/c/cs_1"}}});
        assert_eq!(
            env_lines(&body).unwrap(),
            "ORQEX_CHECKOUT_ID=cs_1\nORQEX_CHECKOUT_URL=https://p/c/cs_1\nORQEX_PAYMENT_ID=\nORQEX_CHECKOUT_EXPIRES_AT=\n"
        );
        let body = json!({"data": {"checkout": {"id": "cs_1"}}});
        assert!(env_lines(&body).unwrap_err().contains("data.checkout.url"));
        let body = json!({"data": {"checkout": {"id": "cs_1", "url": "https://p/\nEVIL=1"}}});
        assert!(env_lines(&body).unwrap_err().contains("control character"));
    }

    #[test]
    fn summary_parts() {
        let body = json!({"data": {
            "checkout": {"environment": "live", "expires_at": "2026-11-24T12:00:00Z"},
            "payment": {"amount": {"formatted": "50.00 XOF"}}}});
        // The key says which money moves, whatever the answer claims.
        assert_eq!(
            summary(&body, Environment::Sandbox, false).unwrap(),
            "50.00 XOF · sandbox · expires 2026-11-24T12:00:00Z"
        );
        assert_eq!(
            summary(&body, Environment::Unknown, false).unwrap(),
            "50.00 XOF · live · expires 2026-11-24T12:00:00Z"
        );
        let coloured = summary(&body, Environment::Sandbox, true).unwrap();
        assert!(coloured.contains("\x1b["), "{coloured:?}");
        // Without the API's environment, the key's.
        assert_eq!(
            summary(&json!({}), Environment::Sandbox, false).unwrap(),
            "sandbox"
        );
        assert_eq!(summary(&json!({}), Environment::Unknown, false), None);
    }

    #[test]
    fn qr_is_drawn_in_half_blocks() {
        let code = qr("https://pay.orqex.com/c/cs_1").unwrap();
        assert!(code.lines().count() > 10);
        assert!(code.chars().all(|c| " ▀▄█\n".contains(c)));
    }
}
