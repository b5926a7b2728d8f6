//! How an answer of `orqex api` reaches stdout: from its bytes, so that an answer of
//! megabytes, or a list of a thousand pages, costs its own size and no more.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::format::Format;
use crate::jq::Jq;
use crate::json_text;
use crate::ui::Ui;

/// What an answer holds for a list, read without building its rows: `data` (the rows, when
/// it is an array) and `pagination`. Any other field is skipped unread.
#[derive(Deserialize)]
pub(super) struct ListView<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    pub pagination: Option<Value>,
}

impl<'a> ListView<'a> {
    /// The view of an answer, when it is an object.
    pub fn of(json: &'a [u8]) -> Option<ListView<'a>> {
        serde_json::from_slice(json).ok()
    }

    /// The rows of `data`, when it is an array.
    pub fn rows(&self) -> Option<Vec<&'a RawValue>> {
        serde_json::from_str(self.data?.get()).ok()
    }
}

/// How the answer reaches stdout.
pub(super) struct Printer<'u> {
    pub ui: &'u Ui,
    pub format: Format,
    pub jq: Option<Jq>,
}

impl Printer<'_> {
    /// One answer, as its bytes (checked to be JSON; none for a 204).
    pub fn answer(&self, json: &[u8]) -> Result<()> {
        if json.is_empty() {
            // 204 No Content: nothing to print, as `gh api` prints nothing.
            return Ok(());
        }
        if self.format == Format::Jsonl
            && let Some(rows) = ListView::of(json).and_then(|view| view.rows())
        {
            let mut sink = self.rows();
            sink.page(&rows)?;
            return sink.finish();
        }
        match (&self.jq, self.format) {
            (Some(jq), _) => self.ui.out_jq(jq, &value(json)?),
            (None, Format::Json) => self.ui.out_json_text(json, true),
            (None, _) => self.ui.out_json_text(json, false),
        }
    }

    /// Where the rows of a list go, page after page.
    pub fn rows(&self) -> Rows<'_> {
        let each = match (&self.jq, self.format) {
            (Some(jq), _) => Each::Jq(jq),
            (None, Format::Jsonl) => Each::Line,
            (None, format) => Each::Array(json_text::Array::new(format == Format::Json)),
        };
        Rows {
            ui: self.ui,
            each,
            printed: 0,
        }
    }
}

fn value(json: &[u8]) -> Result<Value> {
    serde_json::from_slice(json)
        .map_err(|e| Error::Other(format!("cannot read the answer for --jq: {e}")))
}

/// The rows of a list on their way to stdout: each page's written as soon as it is read.
pub(super) struct Rows<'p> {
    ui: &'p Ui,
    each: Each<'p>,
    printed: usize,
}

enum Each<'p> {
    /// The filter's outputs for each row.
    Jq(&'p Jq),
    /// One compact line per row (`--output jsonl`).
    Line,
    /// One JSON array of every row, opened at the first and closed by `finish`.
    Array(json_text::Array),
}

impl Rows<'_> {
    /// One page's rows, written at once.
    pub fn page(&mut self, rows: &[&RawValue]) -> Result<()> {
        let mut text = Vec::new();
        for row in rows {
            let json = row.get().as_bytes();
            match &mut self.each {
                Each::Jq(jq) => self.ui.out_jq(jq, &value(json)?)?,
                Each::Line => {
                    json_text::write(json, false, &mut text).map_err(unprintable)?;
                    text.push(b'\n');
                }
                Each::Array(array) => array.row(json, &mut text).map_err(unprintable)?,
            }
        }
        self.printed += rows.len();
        self.ui.out_piece(&text)
    }

    /// The end of the list: the array closed, or nothing more.
    pub fn finish(self) -> Result<()> {
        let Each::Array(array) = self.each else {
            return Ok(());
        };
        let mut text = Vec::new();
        array.finish(&mut text).map_err(unprintable)?;
        text.push(b'\n');
        self.ui.out_piece(&text)
    }

    /// What stdout holds when the list stops short, for the error that says so. An array
    /// already begun is left open (only its line ended), so that it cannot pass for the
    /// whole list.
    pub fn stop_short(&self) -> &'static str {
        match (&self.each, self.printed) {
            (_, 0) => "nothing was printed",
            (Each::Array(_), _) => {
                let _ = self.ui.out_piece(b"\n");
                "stdout has the rows of the pages read, in a JSON array left open so that it cannot pass for the whole list"
            }
            _ => "the rows above are those of the pages read",
        }
    }
}

fn unprintable(e: std::io::Error) -> Error {
    Error::Other(format!("cannot print the answer: it is {e}"))
}
