//! JSON text already checked to be valid, written out again compact or pretty, token by token,
//! as stdout gets it: strings decoded, keys masked and what a terminal would act on escaped,
//! exactly as `serde_json` would print the same value, but without building a `Value` (which,
//! with `preserve_order` and `arbitrary_precision`, costs ten to twenty times the text).

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// `json` (one JSON value, checked already) written to `out`, pretty or on one line, without a
/// line break after it. Text that is not JSON after all is an `InvalidData` error, never a
/// panic; what was written before it stays written.
pub fn write(json: &[u8], pretty: bool, out: &mut impl Write) -> io::Result<()> {
    if pretty {
        Writer::new(json, &mut PrettyFormatter::new(), out).value_stream()
    } else {
        Writer::new(json, &mut CompactFormatter, out).value_stream()
    }
}

/// One JSON array written a row at a time (each row JSON text, checked already), so a list
/// of any length is never held whole: the same text as the array printed at once.
pub struct Array {
    format: Layout,
    rows: usize,
}

enum Layout {
    Pretty(PrettyFormatter<'static>),
    Compact(CompactFormatter),
}

impl Array {
    pub fn new(pretty: bool) -> Array {
        let format = match pretty {
            true => Layout::Pretty(PrettyFormatter::new()),
            false => Layout::Compact(CompactFormatter),
        };
        Array { format, rows: 0 }
    }

    /// The next row, after the array's opening if it is the first.
    pub fn row(&mut self, json: &[u8], out: &mut impl Write) -> io::Result<()> {
        let first = self.rows == 0;
        self.rows += 1;
        match &mut self.format {
            Layout::Pretty(f) => row(f, first, json, out),
            Layout::Compact(f) => row(f, first, json, out),
        }
    }

    /// The array's end (its opening too, when it had no row).
    pub fn finish(mut self, out: &mut impl Write) -> io::Result<()> {
        let empty = self.rows == 0;
        match &mut self.format {
            Layout::Pretty(f) => finish(f, empty, out),
            Layout::Compact(f) => finish(f, empty, out),
        }
    }
}

fn row<F: Formatter>(f: &mut F, first: bool, json: &[u8], out: &mut impl Write) -> io::Result<()> {
    if first {
        f.begin_array(out)?;
    }
    f.begin_array_value(out, first)?;
    Writer::new(json, f, out).value_stream()?;
    f.end_array_value(out)
}

fn finish<F: Formatter>(f: &mut F, empty: bool, out: &mut impl Write) -> io::Result<()> {
    if empty {
        f.begin_array(out)?;
    }
    f.end_array(out)
}

/// Where a container is in its members.
#[derive(Clone, Copy)]
enum Open {
    Array {
        first: bool,
    },
    /// `key`: the next string is a member's name.
    Object {
        first: bool,
        key: bool,
    },
}

struct Writer<'a, F, W> {
    json: &'a [u8],
    at: usize,
    format: &'a mut F,
    out: &'a mut W,
    open: Vec<Open>,
    /// The one value is whole: only white space may follow.
    done: bool,
}

fn invalid(at: usize) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("not JSON at byte {at}"))
}

impl<'a, F: Formatter, W: Write> Writer<'a, F, W> {
    fn new(json: &'a [u8], format: &'a mut F, out: &'a mut W) -> Self {
        Writer {
            json,
            at: 0,
            format,
            out,
            open: Vec::new(),
            done: false,
        }
    }

    fn skip_space(&mut self) {
        while self
            .json
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    /// Every token of the one value, then nothing but white space.
    fn value_stream(mut self) -> io::Result<()> {
        loop {
            self.skip_space();
            let Some(&byte) = self.json.get(self.at) else {
                break;
            };
            match byte {
                b',' | b':' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    match self.open.pop() {
                        Some(Open::Object { .. }) => self.format.end_object(self.out)?,
                        _ => return Err(invalid(self.at - 1)),
                    }
                    self.after_value()?;
                }
                b']' => {
                    self.at += 1;
                    match self.open.pop() {
                        Some(Open::Array { .. }) => self.format.end_array(self.out)?,
                        _ => return Err(invalid(self.at - 1)),
                    }
                    self.after_value()?;
                }
                _ => {
                    let is_key = self.before_value()?;
                    self.token(byte, is_key)?;
                }
            }
            if self.done {
                self.skip_space();
                return match self.at == self.json.len() {
                    true => Ok(()),
                    false => Err(invalid(self.at)),
                };
            }
        }
        Err(invalid(self.at))
    }

    /// What comes before a value (or a member's name) in its container; true for a name.
    fn before_value(&mut self) -> io::Result<bool> {
        match self.open.last_mut() {
            None => Ok(false),
            Some(Open::Array { first }) => {
                let was = std::mem::replace(first, false);
                self.format.begin_array_value(self.out, was)?;
                Ok(false)
            }
            Some(Open::Object { first, key: true }) => {
                let was = std::mem::replace(first, false);
                self.format.begin_object_key(self.out, was)?;
                Ok(true)
            }
            Some(Open::Object { key: false, .. }) => {
                self.format.begin_object_value(self.out)?;
                Ok(false)
            }
        }
    }

    /// What comes after a whole value (or a member's name) in its container.
    fn after_value(&mut self) -> io::Result<()> {
        match self.open.last_mut() {
            None => {
                self.done = true;
                Ok(())
            }
            Some(Open::Array { .. }) => self.format.end_array_value(self.out),
            Some(Open::Object { key, .. }) => {
                if *key {
                    *key = false;
                    self.format.end_object_key(self.out)
                } else {
                    *key = true;
                    self.format.end_object_value(self.out)
                }
            }
        }
    }

    /// One scalar, or the opening of a container.
    fn token(&mut self, byte: u8, is_key: bool) -> io::Result<()> {
        let start = self.at;
        match byte {
            b'{' | b'[' if !is_key => {
                self.at += 1;
                if byte == b'{' {
                    self.format.begin_object(self.out)?;
                    self.open.push(Open::Object {
                        first: true,
                        key: true,
                    });
                } else {
                    self.format.begin_array(self.out)?;
                    self.open.push(Open::Array { first: true });
                }
                return Ok(());
            }
            b'"' => self.string()?,
            _ if is_key => return Err(invalid(start)),
            b't' | b'f' | b'n' => {
                let word: &[u8] = match byte {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !self.json[start..].starts_with(word) {
                    return Err(invalid(start));
                }
                self.at += word.len();
                self.out.write_all(word)?;
            }
            b'-' | b'0'..=b'9' => {
                while self
                    .json
                    .get(self.at)
                    .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.at += 1;
                }
                // As a `Value` prints it: `arbitrary_precision` keeps the digits as they came
                // and writes the exponent its own way (`1E2` as `1e2`, `1e400` as `1e+400`).
                let number: serde_json::Number = std::str::from_utf8(&self.json[start..self.at])
                    .ok()
                    .and_then(|text| text.parse().ok())
                    .ok_or_else(|| invalid(start))?;
                self.format
                    .write_number_str(self.out, &number.to_string())?;
            }
            _ => return Err(invalid(start)),
        }
        self.after_value()
    }

    /// A string, decoded, masked, and encoded again as serde_json encodes one, with every
    /// character a terminal would act on written as a `\u` escape.
    fn string(&mut self) -> io::Result<()> {
        let start = self.at;
        let mut end = start + 1;
        loop {
            match self.json.get(end) {
                Some(b'\\') => end += 2,
                Some(b'"') => break,
                Some(_) => end += 1,
                None => return Err(invalid(start)),
            }
        }
        self.at = end + 1;
        let text: String =
            serde_json::from_slice(&self.json[start..self.at]).map_err(|_| invalid(start))?;
        let masked = crate::secret::mask(&text);
        let encoded = serde_json::to_string(&*masked).map_err(|_| invalid(start))?;
        self.out
            .write_all(crate::text::json_safe(&encoded).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn both(json: &str) -> (String, String) {
        let run = |pretty| {
            let mut out = Vec::new();
            write(json.as_bytes(), pretty, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        (run(false), run(true))
    }

    /// What `serde_json` prints of the same value, made safe as `output::print_json` does.
    fn as_serde(json: &str) -> (String, String) {
        let value: Value = serde_json::from_str(json).unwrap();
        (
            crate::text::json_safe(&value.to_string()),
            crate::text::json_safe(&serde_json::to_string_pretty(&value).unwrap()),
        )
    }

    #[test]
    fn the_same_text_as_serde_json() {
        for json in [
            "{}",
            "[]",
            " 50 ",
            "1.50",
            "-0",
            "1e400",
            "123456789012345678901234567890",
            "true",
            "false",
            "null",
            r#""x""#,
            r#"{"a": 50, "b": [1.50, -0, 1E+2, {}, [], [[]], {"c": {}}], "d": null, "e": true}"#,
            "[1, [2, [3, {\"x\": [false]}]], \"s\"]",
            "\t{\n\"message\" : \"ok\" ,\r\n \"data\":{\"id\":\"TRX1\",\"amount\":50}}\n",
            r#"{"esc": "q\" b\\ s\/ \b\f\n\r\t \u0041 \u00e9 \ud83d\ude00 \u001b[31m \u0000"}"#,
            "{\"bidi\": \"a\u{202e}b\u{2028}c\u{85}d\u{7f}\", \"\u{202e}key\": 1}",
        ] {
            assert_eq!(both(json), as_serde(json), "{json}");
        }
    }

    #[test]
    fn an_array_a_row_at_a_time_is_the_array_printed_at_once() {
        for rows in [
            &[][..],
            &["{}"][..],
            &["{\"id\": \"a\", \"n\": [1, {}]}", "2", "[]", "\"s\""][..],
        ] {
            let whole = format!("[{}]", rows.join(","));
            for pretty in [false, true] {
                let mut array = Array::new(pretty);
                let mut out = Vec::new();
                for r in rows {
                    array.row(r.as_bytes(), &mut out).unwrap();
                }
                array.finish(&mut out).unwrap();
                let expected = match pretty {
                    true => as_serde(&whole).1,
                    false => as_serde(&whole).0,
                };
                assert_eq!(String::from_utf8(out).unwrap(), expected, "{whole}");
            }
        }
    }

    #[test]
    fn keys_in_strings_are_masked() {
        let json =
            r#"{"sk_live_test_0000_0000_fake": "Bearer sk_live_test_0000_0000_fake", "n": 5}"#;
        let (compact, pretty) = both(json);
        for text in [compact, pretty] {
            assert!(!text.contains("test_0000_0000"), "{text}");
            assert!(text.contains("sk_live_***fake"), "{text}");
        }
        // Escaped in the answer, the key is still found once decoded.
        let (compact, _) = both(r#"["sk_live_\u0074est_0000_0000_fake"]"#);
        assert!(!compact.contains("test_0000"), "{compact}");
    }

    #[test]
    fn what_is_not_json_is_an_error_not_a_panic() {
        for bad in [
            "", " ", "{", "[1,", "}", "]", "[}", "{]", "\"abc", "tru", "nul", "x", "{1: 2}",
            "[1] [2]", "1 2", "{\"a\" 1", "\"\\", ",", "-", "1e",
        ] {
            let mut out = Vec::new();
            let err = write(bad.as_bytes(), false, &mut out);
            assert_eq!(
                err.map_err(|e| e.kind()),
                Err(io::ErrorKind::InvalidData),
                "{bad:?}"
            );
        }
    }
}
