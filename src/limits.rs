//! Every limit orqex keeps, in one place. A limit is named in the error that meets it (what
//! was too large, and the limit), and its error has the exit code of its kind: 2 when what
//! the user gave is over it (nothing was sent), 1 when an answer or a filter's work is over
//! it (something may have been done by then, and the note says how to get it back).
//!
//! Each is what keeps one input or answer from crashing, aborting or hanging orqex: a
//! stream that never ends, a nesting that would exhaust the stack, a filter that never
//! stops. The values are far above anything a real checkout needs (a request is a few
//! hundred bytes, three levels deep).

use std::time::Duration;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// A JSON body given by the user (`--data`, stdin, a batch line, a webhook payload to
/// verify or sign): one byte more is read to tell "exactly at the limit" from "over it".
pub const INPUT_BYTES: u64 = MIB;

/// The config file.
pub const CONFIG_BYTES: u64 = MIB;

/// A CA bundle (`--ca-bundle`, `ORQEX_CA_BUNDLE`, a profile's `ca_bundle`): the system's
/// whole bundle is a few hundred KiB, and `/dev/zero` given here must not fill memory.
pub const CA_BUNDLE_BYTES: u64 = 4 * MIB;

/// A secret piped on stdin (`login --with-key`, `config set webhook-secret`): one line.
pub const SECRET_BYTES: u64 = 4 * KIB;

/// An answer from the API: past it, the answer is unreadable (exit 6, the outcome of a
/// write unknown, and the flag to retry it safely printed).
pub const ANSWER_BYTES: u64 = 10 * MIB;

/// What is read of a webhook handler's answer to `trigger` or a forwarded delivery (a few
/// bytes, as a rule); the rest is left unread.
pub const HANDLER_ANSWER_BYTES: u64 = MIB;

/// How deep JSON may nest, anywhere orqex reads it (a body, a `--set` path, an answer): a
/// checkout request is three levels deep, and each level costs stack in every walk over it.
pub const JSON_DEPTH: usize = 64;

/// The longest `--jq` filter: parsing and compiling one costs stack for each level of its
/// nesting, which this (with `JQ_STACK`) bounds.
pub const JQ_FILTER_BYTES: usize = 4 * 1024;

/// The time a `--jq` filter may run on one answer.
pub const JQ_TIME: Duration = Duration::from_secs(10);

/// The output a `--jq` filter may make from one answer.
pub const JQ_OUTPUT_BYTES: u64 = 64 * MIB;

/// The memory of the process a `--jq` filter runs in: a filter that builds without end is
/// stopped there, not by the system killing orqex.
pub const JQ_MEMORY_BYTES: u64 = GIB;

/// The stack a `--jq` filter is compiled and run on: room for any filter `JQ_FILTER_BYTES`
/// long; a filter that recurses without end exhausts it, in the process it runs in.
pub const JQ_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Connections `webhooks listen` serves at once; more are answered 503 at once.
pub const LISTEN_CONNECTIONS: usize = 64;

/// The request line and headers of one request to `webhooks listen` (blank lines before the
/// request line included): more is not a webhook.
pub const LISTEN_HEAD_BYTES: u64 = 16 * KIB;

/// How long a sender has to send `webhooks listen` one whole request.
pub const LISTEN_REQUEST_TIME: Duration = Duration::from_secs(10);

/// How long `webhooks listen` may take to write its answer to a sender that reads slowly.
pub const LISTEN_ANSWER_TIME: Duration = Duration::from_secs(5);

/// How long `webhooks listen` reads and drops what a sender still sends after an answer
/// given before its request was read whole (411, 413, 431), so that closing does not reset
/// the connection before the sender reads the answer.
pub const LISTEN_DRAIN_TIME: Duration = Duration::from_secs(2);

/// How long stdin or a FIFO may stay silent before orqex says what it is waiting for.
pub const SILENT_INPUT_NOTE_AFTER: Duration = Duration::from_secs(3);

/// Every limit as the reference page lists it: what is limited, the limit, and the exit
/// code of a run that meets it (a test keeps docs/reference.md equal to this).
#[cfg(test)]
fn table() -> Vec<(&'static str, String, String)> {
    let code = |e: crate::error::Exit| e.code().to_string();
    let (input, answer) = (
        code(crate::error::Exit::Usage),
        code(crate::error::Exit::Failure),
    );
    let unreadable = code(crate::error::Exit::Network);
    let none = "none: the rest is not read".to_string();
    let secs = |d: Duration| format!("{} s", d.as_secs());
    let rows: Vec<(&str, String, &String)> = vec![
        (
            "a JSON body, batch line or webhook payload given to orqex",
            bytes(INPUT_BYTES),
            &input,
        ),
        ("the config file", bytes(CONFIG_BYTES), &input),
        ("a CA bundle", bytes(CA_BUNDLE_BYTES), &input),
        ("a secret piped on stdin", bytes(SECRET_BYTES), &input),
        (
            "JSON nesting (a body, `--set-json`, a `--set` path)",
            format!("{JSON_DEPTH} levels"),
            &input,
        ),
        (
            "a `--jq` filter's length",
            bytes(JQ_FILTER_BYTES as u64),
            &input,
        ),
        ("an answer from the API", bytes(ANSWER_BYTES), &unreadable),
        ("a `--jq` filter's time, per answer", secs(JQ_TIME), &answer),
        (
            "a `--jq` filter's output, per answer",
            bytes(JQ_OUTPUT_BYTES),
            &answer,
        ),
        ("a `--jq` filter's memory", bytes(JQ_MEMORY_BYTES), &answer),
        (
            "what is read of a webhook handler's answer",
            bytes(HANDLER_ANSWER_BYTES),
            &none,
        ),
    ];
    rows.into_iter()
        .map(|(what, limit, exit)| (what, limit, exit.clone()))
        .collect()
}

/// The table as the Markdown rows of docs/reference.md.
#[cfg(test)]
fn markdown() -> String {
    let mut text = String::from("| what | limit | exit code |\n|---|---|---|\n");
    for (what, limit, exit) in table() {
        text.push_str(&format!("| {what} | {limit} | {exit} |\n"));
    }
    text
}

/// "1 MiB", "4 KiB", "10 MiB": a size as the messages name it.
pub fn bytes(n: u64) -> String {
    if n >= GIB && n.is_multiple_of(GIB) {
        format!("{} GiB", n / GIB)
    } else if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// The deepest nesting of arrays and objects in a JSON text, counted without parsing it, so
/// that a text nested too deep is refused before anything walks it. Brackets inside strings
/// do not count. The text need not be valid JSON: the parser says what else is wrong.
pub fn json_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// "nested N levels deep; the limit is 64": the end of the message for a JSON text over
/// `JSON_DEPTH`, or `None` within it.
pub fn too_deep(text: &[u8]) -> Option<String> {
    let depth = json_depth(text);
    (depth > JSON_DEPTH).then(|| {
        format!("is nested {depth} levels deep; orqex's limit for JSON is {JSON_DEPTH} levels")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_named_in_their_unit() {
        assert_eq!(bytes(MIB), "1 MiB");
        assert_eq!(bytes(10 * MIB), "10 MiB");
        assert_eq!(bytes(4 * KIB), "4 KiB");
        assert_eq!(bytes(KIB + 1), "1025 bytes");
        assert_eq!(bytes(MIB + KIB), "1025 KiB");
        assert_eq!(bytes(12), "12 bytes");
        assert_eq!(bytes(GIB), "1 GiB");
        assert_eq!(bytes(3 * GIB), "3 GiB");
    }

    #[test]
    fn the_reference_page_lists_every_limit() {
        let page = include_str!("../docs/reference.md");
        assert!(
            page.contains(&markdown()),
            "docs/reference.md's Limits table should read:\n{}",
            markdown()
        );
    }

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(json_depth(b"1"), 0);
        assert_eq!(json_depth(b"{}"), 1);
        assert_eq!(json_depth(br#"{"a": [1, {"b": []}], "c": {}}"#), 4);
        assert_eq!(json_depth(br#"{"a": "[[[[{{{"}"#), 1);
        assert_eq!(json_depth(br#"{"a": "\"[[[", "b": [[]]}"#), 3);
        assert_eq!(json_depth(br#"["\\", [[]]]"#), 3);
        assert_eq!(json_depth(b"]]]][[]"), 2);
        let deep = format!("{}{}", "[".repeat(JSON_DEPTH), "]".repeat(JSON_DEPTH));
        assert_eq!(too_deep(deep.as_bytes()), None);
        let deeper = format!("[{deep}]");
        assert_eq!(
            too_deep(deeper.as_bytes()).as_deref(),
            Some("is nested 65 levels deep; orqex's limit for JSON is 64 levels")
        );
    }
}
