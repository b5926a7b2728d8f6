//! The rows of a batch: JSON Lines or CSV with a header of field paths, read one at a time so
//! a file of any length costs the memory of one row.

use std::io::{BufRead, Read};

use crate::checkout::input::{self, Parsed, Unknown};
use crate::checkout::source;
use crate::error::{Error, Result};

/// One JSON line may be as large as a whole single-create input.
const MAX_LINE: usize = source::MAX_JSON_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
}

/// Where a row is: `number` counts rows from 1 (the CSV header and blank lines excluded);
/// `line` is the row's first line in the file, as an editor shows it (the header counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub number: u64,
    pub line: u64,
}

/// One input row, parsed as far as it could be.
pub struct Row {
    pub place: Place,
    pub request: Result<Parsed>,
}

/// A source of rows that can be handed to the reader thread.
pub type Rows = Box<dyn Iterator<Item = Result<Row>> + Send>;

/// Opens rows from `reader` in `format`. A CSV header naming an unknown field is refused here,
/// before anything is sent.
/// `unknown` says what becomes of a field the API reference does not list.
pub fn rows(reader: Box<dyn BufRead + Send>, format: Format, unknown: Unknown) -> Result<Rows> {
    match format {
        Format::JsonLines => Ok(Box::new(JsonLines {
            reader,
            number: 0,
            line: 0,
            unknown,
        })),
        Format::Csv => csv_rows(reader, unknown),
    }
}

struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    number: u64,
    line: u64,
    unknown: Unknown,
}

impl Iterator for JsonLines {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        loop {
            let mut buf = Vec::new();
            let read = (&mut self.reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf);
            match read {
                Ok(0) => return None,
                Err(e) => {
                    return Some(Err(Error::usage(format!(
                        "cannot read the batch input: {}",
                        crate::text::io_reason(&e)
                    ))));
                }
                Ok(_) => {}
            }
            self.line += 1;
            if buf.len() > MAX_LINE {
                // One bad row, not the end of the batch: skip the rest of the line.
                while !buf.ends_with(b"\n") {
                    buf.clear();
                    match (&mut self.reader)
                        .take(MAX_LINE as u64)
                        .read_until(b'\n', &mut buf)
                    {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            return Some(Err(Error::usage(format!(
                                "cannot read the batch input: {}",
                                crate::text::io_reason(&e)
                            ))));
                        }
                    }
                }
                self.number += 1;
                return Some(Ok(Row {
                    place: Place {
                        number: self.number,
                        line: self.line,
                    },
                    request: Err(Error::usage(format!(
                        "line {} is longer than 1 MiB; one request per line",
                        self.line
                    ))),
                }));
            }
            if source::strip_bom(&buf).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.number += 1;
            let what = format!("line {}", self.line);
            // A CSV file read as JSON Lines (a .txt name, stdin): every line would fail alike.
            let looks_like_csv = !source::strip_bom(&buf)
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| matches!(b, b'{' | b'['))
                && buf.contains(&b',');
            let request = input::parse_json_from(&buf, &what, &what, false, self.unknown)
                .map_err(|e| match e {
                    Error::Usage(m) if looks_like_csv => {
                        Error::Usage(format!("{m}; if the file is CSV, add --batch-format csv"))
                    }
                    other => other,
                })
                .and_then(|r| r.ok_or_else(|| Error::usage(format!("{what} is empty"))));
            return Some(Ok(Row {
                place: Place {
                    number: self.number,
                    line: self.line,
                },
                request,
            }));
        }
    }
}

/// Where each line of a CSV file starts, learnt as its bytes pass on their way to the
/// parser: the csv crate's own line count is off after a CRLF or a blank line (Excel and
/// Python write CRLF), so a row's line is worked out from its byte offset instead.
#[derive(Default)]
struct LineIndex {
    /// Offsets of the `\r` and `\n` bytes no row has passed yet; true for a `\n`.
    breaks: std::collections::VecDeque<(u64, bool)>,
    /// `\n` bytes already passed.
    lines_before: u64,
    read: u64,
}

impl LineIndex {
    fn saw(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            if matches!(b, b'\r' | b'\n') {
                self.breaks.push_back((self.read + i as u64, *b == b'\n'));
            }
        }
        self.read += bytes.len() as u64;
    }

    /// The line (from 1) of the row the parser places at `byte`: it places a row on the
    /// line break, or the blank lines, before it, so those are passed over too.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut start = byte;
        while let Some(&(offset, newline)) = self.breaks.front() {
            if offset > start {
                break;
            }
            if offset == start {
                start += 1;
            }
            self.breaks.pop_front();
            self.lines_before += u64::from(newline);
        }
        self.lines_before + 1
    }
}

/// The batch input on its way to the CSV parser, its line breaks noted in a `LineIndex`.
struct Counted {
    inner: Box<dyn BufRead + Send>,
    index: std::sync::Arc<std::sync::Mutex<LineIndex>>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .saw(&buf[..n]);
        Ok(n)
    }
}

fn csv_rows(reader: Box<dyn BufRead + Send>, unknown: Unknown) -> Result<Rows> {
    let index = std::sync::Arc::new(std::sync::Mutex::new(LineIndex::default()));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(Counted {
            inner: reader,
            index: index.clone(),
        });
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| Error::usage(format!("cannot read the CSV header: {}", csv_reason(&e))))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(Error::usage(
            "the CSV batch has no header row; its first line must name the fields, like amount,currency,customer.email",
        ));
    }
    // Every column name is checked against the request model once, up front: a row of
    // empty cells has each path and no value.
    // One column holding `;` or tabs is a header split by another character than a comma.
    if let [only] = header.as_slice()
        && let Some(sep) = [';', '\t', '|'].into_iter().find(|c| only.contains(*c))
    {
        return Err(Error::usage(format!(
            "the CSV header has one column, `{}`: columns are separated by commas, not by {}; save the file with commas",
            crate::text::printable(only),
            if sep == '\t' {
                "tabs".to_string()
            } else {
                format!("`{sep}`")
            }
        )));
    }
    let empty: Vec<(&str, Option<&str>)> = header.iter().map(|h| (h.as_str(), None)).collect();
    input::from_paths(&empty, "the CSV header", "CSV header", unknown)?.strict()?;
    // Two columns for one field would each set it and the last would win: a row could send
    // another amount than the one its reader sees first.
    if let Some((first, second)) = duplicate(&header) {
        return Err(Error::usage(format!(
            "the CSV header names `{}` twice (columns {} and {}); give each field one column",
            header[first],
            first + 1,
            second + 1
        )));
    }
    let mut records = csv.into_records();
    let mut number = 0u64;
    Ok(Box::new(std::iter::from_fn(move || {
        let record = records.next()?;
        number += 1;
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position.map_or(number + 1, |p| {
            index
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .line_of(p.byte())
        });
        let what = format!("row {number}");
        let request = record
            .map_err(|e| Error::usage(format!("CSV {what}: {}", csv_reason(&e))))
            .and_then(|r| {
                // An empty cell leaves its field unset, so the command line's default applies.
                let cells: Vec<(&str, Option<&str>)> = header
                    .iter()
                    .map(String::as_str)
                    .zip(r.iter().map(|c| Some(c).filter(|c| !c.is_empty())))
                    .collect();
                input::from_paths(&cells, &what, &what, unknown)
            });
        Some(Ok(Row {
            place: Place { number, line },
            request,
        }))
    })))
}

/// The positions of the first name given twice, if any. Empty names are left to the
/// field-path check.
fn duplicate(names: &[String]) -> Option<(usize, usize)> {
    names.iter().enumerate().find_map(|(second, name)| {
        let first = names[..second].iter().position(|n| n == name)?;
        (!name.is_empty()).then_some((first, second))
    })
}

/// A CSV error in words (the crate's own text speaks of records and byte offsets).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "has {len} fields but the header has {expected_len}; quote cells that contain commas"
        ),
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8; save the file as UTF-8".into(),
        csv::ErrorKind::Io(io) => crate::text::io_reason(io),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFUSE: Unknown = Unknown::Refuse(input::Sending::AllowUnknown);
    use crate::checkout::Draft;

    fn csv(text: &'static str) -> Result<Vec<Row>> {
        rows(Box::new(text.as_bytes()), Format::Csv, REFUSE)?.collect()
    }

    #[test]
    fn csv_columns_are_field_paths() {
        let rows = csv("amount,customer.email,metadata.order_id,restriction.phone.number\n12.50,a@example.com,1024,0700000000\n").unwrap();
        let req = &rows[0].request.as_ref().unwrap().draft;
        assert_eq!(
            serde_json::to_string(req.as_map()).unwrap(),
            r#"{"amount":12.50,"customer":{"email":"a@example.com"},"metadata":{"order_id":"1024"},"restriction":{"phone":{"number":"0700000000"}}}"#
        );
    }

    #[test]
    fn csv_lines_count_as_an_editor_does_after_crlf_and_blank_lines() {
        let lines = |text: &'static str| -> Vec<(u64, u64)> {
            csv(text)
                .unwrap()
                .iter()
                .map(|r| (r.place.number, r.place.line))
                .collect()
        };
        let expected = [(1, 2), (2, 3), (3, 4)];
        assert_eq!(lines("amount,currency\n5,XOF\n6,XOF\nx,XOF\n"), expected);
        assert_eq!(
            lines("amount,currency\r\n5,XOF\r\n6,XOF\r\nx,XOF\r\n"),
            expected
        );
        assert_eq!(
            lines("amount,currency\r\n5,XOF\r\n6,XOF\r\nx,XOF"),
            expected
        );
        let spaced = [(1, 3), (2, 5), (3, 8)];
        assert_eq!(
            lines("amount,currency\n\n5,XOF\n\n6,XOF\n\n\nx,XOF\n"),
            spaced
        );
        assert_eq!(
            lines("amount,currency\r\n\r\n5,XOF\r\n\r\n6,XOF\r\n\r\n\r\nx,XOF\r\n"),
            spaced
        );
        // A quoted cell over two lines: the next row is a line further down.
        assert_eq!(
            lines("amount,description\r\n5,\"a\r\nb\"\r\n6,c\r\n"),
            [(1, 2), (2, 4)]
        );
        // A row with an empty first cell starts with its comma.
        assert_eq!(lines("amount,currency\r\n\r\n,XOF\r\n"), [(1, 3)]);
    }

    #[test]
    fn empty_cells_leave_fields_unset() {
        let rows = csv("amount,currency\n,\n5,xof\n").unwrap();
        assert_eq!(rows[0].request.as_ref().unwrap().draft, Draft::default());
        assert_eq!(rows[1].place.number, 2);
    }

    #[test]
    fn a_short_csv_row_is_one_failed_row_in_words() {
        let rows = csv("amount,currency\n5,XOF\n5\n").unwrap();
        let err = rows[1].request.as_ref().unwrap_err().to_string();
        assert_eq!(
            err,
            "CSV row 2: has 1 fields but the header has 2; quote cells that contain commas"
        );
    }

    #[test]
    fn unknown_csv_column_is_refused_up_front() {
        let err = csv("amount,customer.emial\n5,a@example.com\n")
            .err()
            .unwrap();
        assert!(err.to_string().contains("emial"), "{err}");
    }

    #[test]
    fn a_csv_column_named_twice_is_refused() {
        let err = csv("amount,currency, amount\n5,XOF,6\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "the CSV header names `amount` twice (columns 1 and 3); give each field one column"
        );
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(duplicate(&names(&["a", "b", "c"])), None);
        assert_eq!(duplicate(&names(&["a", "b", "b", "a"])), Some((1, 2)));
    }

    #[test]
    fn json_lines_skip_blank_lines_and_number_rows() {
        let rows: Vec<Row> = rows(
            Box::new(&b"{\"amount\":5}\n\n{oops\n"[..]),
            Format::JsonLines,
            REFUSE,
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].place.number, 2);
        assert!(
            rows[1]
                .request
                .as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("line 3 is not valid JSON")
        );
    }

    #[test]
    fn a_line_holding_only_a_byte_order_mark_is_blank() {
        let rows: Vec<Row> = rows(
            Box::new(&b"\xEF\xBB\xBF\n{\"amount\":5}\n"[..]),
            Format::JsonLines,
            REFUSE,
        )
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].request.is_ok());
    }
}
