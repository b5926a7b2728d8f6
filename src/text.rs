//! Text as orqex shows it. The ground floor: imports nothing of orqex.
//!
//! One definition of what must never reach a terminal as it is, used both to refuse such
//! characters in what we send and to escape them in what we show; durations and shell
//! quoting as every message writes them.

use std::time::Duration;

/// A character that can drive a terminal or reorder what it shows: C0 and C1 controls, DEL,
/// and the bidirectional overrides and isolates (U+202A–202E, U+2066–2069), which can make a
/// line read differently from the bytes it holds.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                // Bidirectional marks: they reorder neighbouring text as overrides do.
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                // Line and paragraph separators: a new line to many terminals and viewers.
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// A character that draws nothing: zero-width spaces and joiners, the byte order mark, soft
/// hyphen and the fillers. A value made only of these (and spaces) looks empty but is not.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
    )
}

/// Why a text value cannot be sent as it is, if it cannot: it holds a character a terminal
/// would act on, or it is made only of characters that draw nothing.
pub fn unsafe_text(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|c| is_unsafe(*c)) {
        if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            return Some(format!(
                "contains the bidirectional control character {}, which changes the order text is shown in; remove it",
                escape(c)
            ));
        }
        return Some(format!(
            "contains the control character {}; remove it (line breaks, tabs and escape codes are not allowed)",
            escape(c)
        ));
    }
    if value.chars().any(is_invisible)
        && value.chars().all(|c| is_invisible(c) || c.is_whitespace())
    {
        return Some("is made only of invisible characters; give visible text".into());
    }
    None
}

/// JSON text with every unsafe character inside its strings written as a `\uXXXX` escape:
/// the same value to any JSON reader, and nothing a terminal would act on. (serde_json escapes
/// only C0 controls; DEL, C1 controls and bidi overrides would reach the terminal as they are.)
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe(c) {
            // Outside strings JSON has only ASCII white space, which is not unsafe but for
            // the line breaks of pretty output, kept as they are.
            if matches!(c, '\n' | '\r' | '\t') {
                out.push(c);
            } else {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text from the user or the network, made safe to show: every unsafe character written out
/// as an escape, so that it can never move the cursor, recolour or retitle the terminal, add
/// lines, or reorder what is shown.
pub fn printable(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_unsafe(c) {
                escape(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// How many characters of a value from the network a line quotes back.
pub const ECHO_MAX_CHARS: usize = 64;

/// A value from the network (a header, a request target) as a line quotes it back: cut to its
/// first `ECHO_MAX_CHARS` characters, with how many there were in all, so that no peer can fill
/// a screen or a log with one line. Made printable by whoever writes the line.
pub fn echoed(value: &str) -> std::borrow::Cow<'_, str> {
    let count = value.chars().count();
    if count <= ECHO_MAX_CHARS {
        return std::borrow::Cow::Borrowed(value);
    }
    let head: String = value.chars().take(ECHO_MAX_CHARS).collect();
    std::borrow::Cow::Owned(format!("{head}... ({count} characters)"))
}

fn escape(c: char) -> String {
    match c {
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        c if u32::from(c) < 0x80 => format!("\\x{:02x}", u32::from(c)),
        c => format!("\\u{:04x}", u32::from(c)),
    }
}

/// A value as POSIX sh reads it back unchanged. Values made only of characters that are never
/// special to a shell (ids, timestamps, most URLs) stay bare, so the same line also works in
/// files that do no unquoting, like GitHub's `$GITHUB_ENV`; anything else is single-quoted,
/// with each `'` written `'\''`.
pub fn shell_quote(value: &str) -> String {
    let bare = value.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'-' | b'.' | b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'='
            )
    });
    if bare {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// `3s`, `100ms`, `15m`, `1m 30s`, `2h`: durations as orqex shows them (and reads them back).
pub fn duration(d: Duration) -> String {
    // Whole milliseconds: nothing orqex waits for is finer, and nanoseconds are noise.
    let d = Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    humantime::format_duration(d).to_string()
}

/// An I/O error in words, without the `(os error 2)` that std appends.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::IsADirectory => "it is a directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_escaped() {
        assert_eq!(printable("plain é 💶"), "plain é 💶");
        assert_eq!(printable("a\x1b[1Ab"), "a\\x1b[1Ab");
        assert_eq!(printable("l1\nl2\r\t"), "l1\\nl2\\r\\t");
        assert_eq!(printable("\u{7f}\u{85}"), "\\x7f\\u0085");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u202efed");
        assert_eq!(printable("\u{2066}x\u{2069}"), "\\u2066x\\u2069");
        // Neighbours of the ranges are ordinary text.
        assert_eq!(printable("\u{2027}\u{202f}\u{2065}\u{206a}").len(), 12);
        assert_eq!(printable("a\u{2028}b\u{200f}"), "a\\u2028b\\u200f");
    }

    #[test]
    fn json_keeps_its_value_and_loses_what_a_terminal_would_act_on() {
        let value = serde_json::json!({"a": "x\u{7f}\u{85}\u{202e}\u{2028}y", "b": [1, "\n"]});
        for text in [
            serde_json::to_string(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap(),
        ] {
            let safe = json_safe(&text);
            assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
                value
            );
        }
        assert_eq!(json_safe("{\"a\":\"\u{202e}\"}"), r#"{"a":"\u202e"}"#);
    }

    #[test]
    fn echoed_values_are_capped() {
        assert_eq!(echoed("12"), "12");
        let long = "9".repeat(5000);
        assert_eq!(
            echoed(&long),
            format!("{}... (5000 characters)", "9".repeat(ECHO_MAX_CHARS))
        );
        assert_eq!(
            echoed(&"é".repeat(ECHO_MAX_CHARS)).chars().count(),
            ECHO_MAX_CHARS
        );
    }

    #[test]
    fn values_to_refuse() {
        assert_eq!(unsafe_text("Order 1024"), None);
        assert_eq!(unsafe_text("Ama\u{200d}"), None);
        assert_eq!(
            unsafe_text("a\x1b[2Kb").unwrap(),
            "contains the control character \\x1b; remove it (line breaks, tabs and escape codes are not allowed)"
        );
        assert!(unsafe_text("a\u{9b}b").unwrap().contains("\\u009b"));
        assert!(unsafe_text("line\n").unwrap().contains("\\n"));
        assert!(unsafe_text("\u{202d}x").unwrap().contains("\\u202d"));
        assert_eq!(
            unsafe_text("\u{200b}\u{feff} \u{2060}").unwrap(),
            "is made only of invisible characters; give visible text"
        );
        assert_eq!(unsafe_text(""), None);
        assert_eq!(unsafe_text("  "), None);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("cs_abc-123"), "cs_abc-123");
        assert_eq!(
            shell_quote("https://pay.orqex.com/c/cs_1"),
            "https://pay.orqex.com/c/cs_1"
        );
        assert_eq!(shell_quote("2026-11-24T12:00:00Z"), "2026-11-24T12:00:00Z");
        assert_eq!(shell_quote(""), "");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            shell_quote("https://x/?a=1&b=$HOME"),
            "'https://x/?a=1&b=$HOME'"
        );
        assert_eq!(shell_quote("`id`"), "'`id`'");
        assert_eq!(shell_quote("~"), "'~'");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Duration::from_secs(3)), "3s");
        assert_eq!(duration(Duration::from_millis(100)), "100ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1s 500ms");
        assert_eq!(duration(Duration::from_secs(900)), "15m");
        assert_eq!(duration(Duration::from_secs(90)), "1m 30s");
        assert_eq!(duration(Duration::from_secs(7200)), "2h");
        assert_eq!(duration(Duration::from_nanos(1_234_567)), "1ms");
    }
}
