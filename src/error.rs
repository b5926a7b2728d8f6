//! Exit codes, the errors that carry them, and how an error reads. `report` prints them.
//!
//! Exit codes are part of the public interface (scripts branch on them), so every code the
//! program can return is listed here and nowhere else.

use std::fmt;

use serde_json::{Map, Value, json};

/// Every exit code orqex returns. Documented in docs/reference.md; each has a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Created, retrieved, or the dry run printed; a webhook delivered, a signature valid, a
    /// listener stopped by Ctrl-C or SIGTERM.
    Success = 0,
    /// Anything not covered below (a bug, an I/O failure writing output, a webhook signature
    /// that does not match).
    Failure = 1,
    /// Usage or input error: bad flag, invalid or missing field, bad config. Nothing was sent.
    Usage = 2,
    /// No key, or the API refused the key (401/403).
    Auth = 3,
    /// The API rejected the request (400, 404, 409, 422, 428, other 4xx), or a webhook
    /// handler answered `trigger` with a status other than 2xx.
    Rejected = 4,
    /// The API failed or rate-limited us (429, 5xx). The outcome may be unknown.
    ApiFailed = 5,
    /// Network: DNS, connect, TLS, timeout, unreadable response. The outcome may be unknown.
    /// Also a webhook handler that `trigger` could not reach.
    Network = 6,
    /// `--wait`: the checkout ended without payment (expired, cancelled, or its payment failed);
    /// `payments get --wait`: the payment failed, expired or was refunded; `refunds --wait`:
    /// the refund failed. What was waited for ended, and not as hoped.
    Unpaid = 7,
    /// `--wait`: `--wait-timeout` passed while the checkout (payment, refund) was still open.
    StillOpen = 8,
    /// A batch finished, but one or more rows failed (each row's line says why).
    BatchIncomplete = 9,
    /// Ended by SIGHUP (a closed terminal or SSH session): the process dies by the signal,
    /// which shells report as 128 + 1.
    HungUp = 129,
    /// Interrupted by Ctrl-C or SIGINT, at a prompt or while sending: the process dies by
    /// SIGINT, which shells report as 128 + 2.
    Interrupted = 130,
    /// Ended by SIGQUIT (Ctrl-\\): the process dies by the signal, 128 + 3.
    Quit = 131,
    /// Ended by SIGALRM (an alarm set by whoever started orqex): 128 + 14.
    Alarm = 142,
    /// Ended by SIGTERM (`timeout`, CI cancelling a job, systemd, Kubernetes): the process dies
    /// by the signal, which shells report as 128 + 15.
    Terminated = 143,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The exit code an API error status maps to.
    pub fn for_status(status: u16) -> Exit {
        match status {
            401 | 403 => Exit::Auth,
            429 => Exit::ApiFailed,
            400..=499 => Exit::Rejected,
            500..=599 => Exit::ApiFailed,
            _ => Exit::Failure,
        }
    }

    /// What the code means, in a few words (the man page's EXIT STATUS; docs/reference.md says more).
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => {
                "created, retrieved, or the dry run printed; with --wait, paid; webhooks: every answer 2xx, the signature valid, or listen stopped by Ctrl-C or SIGTERM"
            }
            Exit::Failure => {
                "anything else, for example stdout could not be written; webhooks verify: the signature does not match"
            }
            Exit::Usage => "usage or input error; nothing was sent",
            Exit::Auth => {
                "no key, its keychain could not give it, or the API refused it (401, 403); webhooks verify: no signing secret"
            }
            Exit::Rejected => {
                "the API rejected the request (400, 404, 409, 422, 428, other 4xx); webhooks trigger: the handler answered other than 2xx"
            }
            Exit::ApiFailed => {
                "the API failed or rate-limited (429, 5xx); the retry flag is printed"
            }
            Exit::Network => {
                "network, TLS, timeout or an unreadable answer; the retry flag is printed; webhooks trigger: the handler could not be reached"
            }
            Exit::Unpaid => {
                "--wait: the checkout ended without payment, the payment failed, expired or was refunded, or the refund failed"
            }
            Exit::StillOpen => {
                "--wait: --wait-timeout passed while the checkout, payment or refund was still pending"
            }
            Exit::BatchIncomplete => "--batch: one or more rows failed",
            Exit::HungUp => "ended by SIGHUP",
            Exit::Interrupted => "interrupted (Ctrl-C, SIGINT)",
            Exit::Quit => "ended by SIGQUIT",
            Exit::Alarm => "ended by SIGALRM",
            Exit::Terminated => "ended by SIGTERM",
        }
    }

    /// Every exit code, in order.
    pub fn all() -> impl Iterator<Item = Exit> {
        std::iter::successors(Some(Exit::Success), |e| e.after())
    }

    /// The exit code after this one, in order. The match has no wildcard: a new variant does
    /// not compile until it is placed in this chain, and so in `all()`, the man page and the
    /// reference page's check.
    fn after(self) -> Option<Exit> {
        match self {
            Exit::Success => Some(Exit::Failure),
            Exit::Failure => Some(Exit::Usage),
            Exit::Usage => Some(Exit::Auth),
            Exit::Auth => Some(Exit::Rejected),
            Exit::Rejected => Some(Exit::ApiFailed),
            Exit::ApiFailed => Some(Exit::Network),
            Exit::Network => Some(Exit::Unpaid),
            Exit::Unpaid => Some(Exit::StillOpen),
            Exit::StillOpen => Some(Exit::BatchIncomplete),
            Exit::BatchIncomplete => Some(Exit::HungUp),
            Exit::HungUp => Some(Exit::Interrupted),
            Exit::Interrupted => Some(Exit::Quit),
            Exit::Quit => Some(Exit::Alarm),
            Exit::Alarm => Some(Exit::Terminated),
            Exit::Terminated => None,
        }
    }

    /// The status a shell shows after the process died by signal number `signal`.
    pub fn for_signal(signal: i32) -> Exit {
        match signal {
            1 => Exit::HungUp,
            3 => Exit::Quit,
            14 => Exit::Alarm,
            15 => Exit::Terminated,
            _ => Exit::Interrupted,
        }
    }

    /// Whether a request that ended with this code may or may not have taken effect.
    pub fn outcome_unknown(self) -> bool {
        matches!(self, Exit::ApiFailed | Exit::Network)
    }
}

/// One field problem found before sending: the field's path in the body and the flag that sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub flag: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.field, self.flag, self.message)
    }
}

/// An error answer from the API, decoded as far as it could be.
#[derive(Debug, Clone, Default)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    /// Per-field errors, dot paths as the API gives them, in the API's order.
    pub errors: Vec<(String, Vec<String>)>,
    pub request_id: Option<String>,
}

/// An error that ends the program, with the exit code it carries.
#[derive(Debug)]
pub enum Error {
    /// A usage or input problem with one message (exit 2).
    Usage(String),
    /// Every field problem found while validating (exit 2).
    Invalid(Vec<FieldError>),
    /// No usable key (exit 3).
    NoKey(String),
    /// The API answered with an error status.
    Api {
        error: ApiError,
        idempotency_key: Option<String>,
    },
    /// The request's fate is unknown or it never got an answer (exit 6).
    Network {
        message: String,
        idempotency_key: Option<String>,
    },
    /// A webhook handler answered `trigger` with a status other than 2xx (exit 4).
    Refused(String),
    /// `--wait` saw the checkout end without payment (exit 7).
    Unpaid(String),
    /// `--wait` gave up while the checkout was still open (exit 8).
    StillOpen(String),
    /// The user pressed Ctrl-C (exit 130).
    Interrupted,
    /// A signal ended the run at a moment worth a word: what was happening, and what to do
    /// about it. Prepared in advance, since a signal handler cannot format anything.
    Stopped {
        what: String,
        note: String,
        idempotency_key: Option<String>,
        exit: Exit,
    },
    /// stdout could not be written (closed, a pipe whose reader is gone, a full disk): the
    /// result was lost, so the command says how to get it again.
    Stdout(String),
    /// An error with a note that says more than its source can know: after a create that
    /// succeeded (printing its answer or waiting for it failed), the way back to the
    /// checkout and its key; after a 404, which key was used. The exit code is the source's.
    Noted {
        source: Box<Error>,
        note: String,
        idempotency_key: Option<String>,
    },
    /// Anything else (exit 1).
    Other(String),
    /// Everything was already reported (a batch's rows); only the exit code is left.
    Exited(Exit),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::Invalid(_) => Exit::Usage,
            Error::NoKey(_) => Exit::Auth,
            Error::Refused(_) => Exit::Rejected,
            Error::Api { error, .. } => Exit::for_status(error.status),
            Error::Network { .. } => Exit::Network,
            Error::Unpaid(_) => Exit::Unpaid,
            Error::StillOpen(_) => Exit::StillOpen,
            Error::Interrupted => Exit::Interrupted,
            Error::Stopped { exit, .. } => *exit,
            Error::Noted { source, .. } => source.exit(),
            Error::Other(_) | Error::Stdout(_) => Exit::Failure,
            Error::Exited(code) => *code,
        }
    }

    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Error::Api {
                idempotency_key, ..
            }
            | Error::Network {
                idempotency_key, ..
            }
            | Error::Stopped {
                idempotency_key, ..
            } => idempotency_key.as_deref(),
            Error::Noted {
                source,
                idempotency_key,
                ..
            } => idempotency_key
                .as_deref()
                .or_else(|| source.idempotency_key()),
            _ => None,
        }
    }

    /// Whether the request this error ended may or may not have taken effect: the API failed
    /// or the answer was lost (exit 5 or 6), or a write was answered with a redirect, which is
    /// not followed but may come after the write was done (exit 1: retrying will not help
    /// until the base URL is fixed, but then the key makes it safe).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            // A redirect, or a status no HTTP class names (600, 99): not a refusal of the
            // request, so the checkout may exist.
            Error::Api {
                error,
                idempotency_key: Some(_),
            } if !(400..500).contains(&error.status) => true,
            _ => self.exit().outcome_unknown(),
        }
    }

    /// The human-readable lines for stderr, the first one the summary.
    pub fn lines(&self) -> Vec<String> {
        self.lines_with(true)
    }

    /// `lines`, with or without the retry hint of an outcome unknown.
    fn lines_with(&self, with_retry_hint: bool) -> Vec<String> {
        let mut lines = Vec::new();
        match self {
            Error::Usage(m)
            | Error::NoKey(m)
            | Error::Other(m)
            | Error::Stdout(m)
            | Error::Refused(m)
            | Error::Unpaid(m)
            | Error::StillOpen(m) => lines.push(m.clone()),
            Error::Invalid(problems) => {
                let n = problems.len();
                lines.push(format!(
                    "invalid input: {n} problem{}; nothing was sent",
                    if n == 1 { "" } else { "s" }
                ));
                lines.extend(problems.iter().map(|p| format!("  {p}")));
            }
            Error::Api { error, .. } => {
                let mut head = format!("the API answered {}: {}", error.status, error.message);
                if let Some(id) = &error.request_id {
                    head.push_str(&format!(" (request id {id})"));
                }
                lines.push(head);
                for (field, messages) in &error.errors {
                    for m in messages {
                        lines.push(format!("  {field}: {m}"));
                    }
                }
                match error.status {
                    401 => lines.push(
                        "  check the key: set ORQEX_SECRET_KEY or run `orqex login`".into(),
                    ),
                    403 => lines.push(
                        "  the key is valid but not allowed to do this: check it is the right project's key, and live or sandbox as intended (`orqex config` shows which is in use)".into(),
                    ),
                    // A note that carries the key says what the key means for its request.
                    409 if with_retry_hint => lines.push(
                        "  the idempotency key was used before with another body: to get that checkout, run the first command again unchanged; for a new checkout, give a new --idempotency-key".into(),
                    ),
                    _ => {}
                }
            }
            Error::Network { message, .. } => lines.push(message.clone()),
            Error::Interrupted => lines.push("interrupted; nothing was sent or saved".into()),
            Error::Stopped { what, note, .. } => {
                lines.push(what.clone());
                if !note.is_empty() {
                    lines.push(format!("  {note}"));
                }
            }
            Error::Noted {
                source,
                note,
                idempotency_key,
            } => {
                // A note that carries the key says itself what to do with it; the source's
                // own retry hint (which speaks of a checkout) would say it a second time.
                lines = source.lines_with(idempotency_key.is_none());
                lines.push(format!("  {note}"));
                return lines;
            }
            Error::Exited(_) => {}
        }
        if with_retry_hint
            && self.outcome_unknown()
            && let Some(key) = self.idempotency_key()
        {
            lines.push(format!("  {}", retry_hint(key)));
        }
        lines
    }

    /// The error as one JSON object, so CI can parse failures too. Every key is always
    /// present; what does not apply is null (`status` outside API errors) or empty (`errors`).
    pub fn to_json(&self) -> Value {
        if let Error::Noted { source, note, .. } = self {
            let mut json = source.to_json();
            let message = json["message"].as_str().unwrap_or_default().to_string();
            json["message"] = json!(format!("{message}; {note}"));
            json["idempotency_key"] = json!(self.idempotency_key());
            return json;
        }
        let mut errors = Map::new();
        let (status, message, request_id) = match self {
            Error::Api { error, .. } => {
                for (field, messages) in &error.errors {
                    errors.insert(field.clone(), json!(messages));
                }
                (
                    Some(error.status),
                    error.message.clone(),
                    error.request_id.clone(),
                )
            }
            _ => {
                if let Error::Invalid(problems) = self {
                    for p in problems {
                        let list = errors
                            .entry(p.field.clone())
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let Value::Array(list) = list {
                            list.push(Value::String(p.message.clone()));
                        }
                    }
                }
                let message = match self {
                    Error::Stopped { what, note, .. } if !note.is_empty() => {
                        format!("{what}; {note}")
                    }
                    _ => self.lines().into_iter().next().unwrap_or_default(),
                };
                (None, message, None)
            }
        };
        json!({
            "status": status,
            "message": message,
            "errors": errors,
            "request_id": request_id,
            "idempotency_key": self.idempotency_key(),
            "exit_code": self.exit().code(),
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Other(format!("I/O error: {}", crate::text::io_reason(&e)))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The flag that makes a re-run safe, shell-quoted: it is meant to be pasted back into a
/// command line, and a key may hold characters a shell would act on.
pub fn key_flag(idempotency_key: &str) -> String {
    format!(
        "--idempotency-key {}",
        crate::text::shell_quote(idempotency_key)
    )
}

/// What to do after a create whose outcome is unknown: the flag that makes a re-run safe.
pub fn retry_hint(idempotency_key: &str) -> String {
    format!(
        "the checkout may or may not exist; retry safely with: {}",
        key_flag(idempotency_key)
    )
}

/// The error as printed on stderr: `orqex: ` then the lines, or with `json` (the user asked
/// for `--json`/`--output json`) the error as one line of JSON instead. Ends with a newline.
pub fn render(err: &Error, json: bool) -> String {
    if json {
        return format!("{}\n", crate::text::json_safe(&err.to_json().to_string()));
    }
    // Values quoted back (the user's or the API's) may hold control characters; each line
    // is shown printable, so an error can neither drive the terminal nor break its lines.
    let mut text = String::new();
    for (i, line) in err.lines().iter().enumerate() {
        if i == 0 {
            text.push_str("orqex: ");
        }
        text.push_str(&crate::text::printable(line));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_documented_codes() {
        assert_eq!(Exit::for_status(401), Exit::Auth);
        assert_eq!(Exit::for_status(403), Exit::Auth);
        for s in [400, 404, 409, 422, 428, 418] {
            assert_eq!(Exit::for_status(s), Exit::Rejected, "{s}");
        }
        for s in [429, 500, 501, 502, 503] {
            assert_eq!(Exit::for_status(s), Exit::ApiFailed, "{s}");
        }
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<u8> = Exit::all().map(|e| e.code()).collect();
        assert_eq!(
            codes,
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 129, 130, 131, 142, 143]
        );
        // Each signal's exit is 128 + its number, as a shell shows it.
        for (signal, exit) in [
            (1, Exit::HungUp),
            (2, Exit::Interrupted),
            (3, Exit::Quit),
            (14, Exit::Alarm),
            (15, Exit::Terminated),
        ] {
            assert_eq!(Exit::for_signal(signal), exit);
            assert_eq!(i32::from(exit.code()), 128 + signal);
        }
    }

    #[test]
    fn the_reference_documents_exactly_these_exit_codes() {
        let reference = include_str!("../docs/reference.md");
        let table = reference
            .split("## Exit codes")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap();
        let documented: Vec<u8> = table
            .lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(' ').next()?.parse().ok())
            .collect();
        let codes: Vec<u8> = Exit::all().map(|e| e.code()).collect();
        assert_eq!(documented, codes);
    }

    #[test]
    fn json_form_has_every_key() {
        let e = Error::Api {
            error: ApiError {
                status: 422,
                message: "The given data was invalid.".into(),
                errors: vec![("customer.email".into(), vec!["is invalid".into()])],
                request_id: Some("req_1".into()),
            },
            idempotency_key: Some("orq_abc12345".into()),
        };
        assert_eq!(
            e.to_json(),
            json!({"status": 422, "message": "The given data was invalid.",
                   "errors": {"customer.email": ["is invalid"]}, "request_id": "req_1",
                   "idempotency_key": "orq_abc12345", "exit_code": 4})
        );
        let e = Error::Invalid(vec![
            FieldError {
                field: "amount".into(),
                flag: "--amount".into(),
                message: "is required".into(),
            },
            FieldError {
                field: "amount".into(),
                flag: "--amount".into(),
                message: "again".into(),
            },
        ]);
        assert_eq!(
            e.to_json(),
            json!({"status": null, "message": "invalid input: 2 problems; nothing was sent",
                   "errors": {"amount": ["is required", "again"]},
                   "request_id": null, "idempotency_key": null, "exit_code": 2})
        );
        assert_eq!(Error::StillOpen("x".into()).to_json()["exit_code"], 8);
        assert_eq!(Error::Unpaid("x".into()).to_json()["exit_code"], 7);
    }

    #[test]
    fn unknown_outcome_names_the_retry_flag() {
        let e = Error::Network {
            message: "timed out".into(),
            idempotency_key: Some("orq_abc12345".into()),
        };
        assert!(e.to_string().contains("--idempotency-key orq_abc12345"));
        let e = Error::Api {
            error: ApiError {
                status: 422,
                message: "bad".into(),
                ..Default::default()
            },
            idempotency_key: Some("orq_abc12345".into()),
        };
        assert!(!e.to_string().contains("--idempotency-key"));
    }

    #[test]
    fn a_redirect_after_a_write_has_the_retry_hint_below_and_keeps_exit_1() {
        let redirect = |idempotency_key: Option<&str>| Error::Api {
            error: ApiError {
                status: 307,
                message: "redirect to https://elsewhere.example/v1 not followed".into(),
                request_id: Some("req_1".into()),
                ..Default::default()
            },
            idempotency_key: idempotency_key.map(str::to_string),
        };
        let write = redirect(Some("orq_abc12345"));
        assert_eq!(write.exit(), Exit::Failure);
        assert!(write.outcome_unknown());
        assert_eq!(
            write.lines(),
            [
                "the API answered 307: redirect to https://elsewhere.example/v1 not followed (request id req_1)",
                "  the checkout may or may not exist; retry safely with: --idempotency-key orq_abc12345",
            ]
        );
        // A GET carries no key: nothing was done, there is nothing to retry safely.
        let read = redirect(None);
        assert!(!read.outcome_unknown());
        assert_eq!(read.lines().len(), 1);
    }

    #[test]
    fn a_note_that_carries_the_key_replaces_the_source_retry_hint() {
        let source = || Error::Api {
            error: ApiError {
                status: 503,
                message: "down".into(),
                ..Default::default()
            },
            idempotency_key: Some("orq_abc12345".into()),
        };
        let noted = Error::Noted {
            source: Box::new(source()),
            note: "the request may or may not have been done; retry with the same key".into(),
            idempotency_key: Some("orq_abc12345".into()),
        };
        assert_eq!(
            noted.lines(),
            [
                "the API answered 503: down",
                "  the request may or may not have been done; retry with the same key",
            ]
        );
        // A note without the key (a 404's) leaves the source's lines whole.
        let noted = Error::Noted {
            source: Box::new(source()),
            note: "the key is a sandbox key".into(),
            idempotency_key: None,
        };
        assert_eq!(noted.lines().len(), 3);
    }
}
