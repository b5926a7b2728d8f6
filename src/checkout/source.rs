//! Where a JSON body is read from (`--data`, a piped stdin) and how much of it: shared by
//! `checkout create` and `orqex api`, which then read it each their own way.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::read::Place;
use crate::ui::Ui;

/// The largest JSON body read. One byte more is read to tell "exactly 1 MiB" from "more".
pub const MAX_JSON_BYTES: usize = crate::limits::INPUT_BYTES as usize;

/// Where a JSON body is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonSource {
    /// Standard input: asked for with `--data -` (`explicit`), or piped without `--data`.
    Stdin { explicit: bool },
    /// `--data @FILE`.
    File(PathBuf),
    /// `--data '{...}'`: the JSON itself.
    Inline(String),
}

impl JsonSource {
    /// Decides where the JSON comes from: `--data` if given; else stdin, when it is not a
    /// terminal and no body flag was given (`echo '{...}' | orqex checkout create`); else
    /// nowhere. With flags, stdin is read only when `--data -` says so: a script's loop
    /// (`while read ...; do orqex ...; done < list`) keeps its input, and an open, silent
    /// stdin cannot hang a create.
    pub fn choose(
        data: Option<&str>,
        stdin_is_terminal: bool,
        flags_given: bool,
    ) -> Result<Option<JsonSource>> {
        let Some(data) = data else {
            let pipe = !stdin_is_terminal && !flags_given;
            return Ok(pipe.then_some(JsonSource::Stdin { explicit: false }));
        };
        if data.trim().is_empty() {
            return Err(Error::usage(
                "--data needs a value: @FILE to read a file, - to read stdin, or the JSON itself",
            ));
        }
        if data == "-" || data == "@-" {
            return Ok(Some(JsonSource::Stdin { explicit: true }));
        }
        if let Some(path) = data.strip_prefix('@') {
            if path.is_empty() {
                return Err(Error::usage(
                    "--data @ needs a file name, like --data @body.json",
                ));
            }
            return Ok(Some(JsonSource::File(PathBuf::from(path))));
        }
        if data.trim_start().starts_with(['{', '[']) {
            return Ok(Some(JsonSource::Inline(data.to_string())));
        }
        Err(Error::usage(format!(
            "--data `{data}` is neither JSON nor a source; write --data @{data} to read a file, \
             --data - to read stdin, or --data '{{\"amount\": 50, ...}}'"
        )))
    }

    /// How messages name this source: "the JSON on stdin", "the JSON in body.json", ...
    pub fn describe(&self) -> String {
        match self {
            JsonSource::Stdin { .. } => "the JSON on stdin".into(),
            JsonSource::File(p) => format!("the JSON in {}", p.display()),
            JsonSource::Inline(_) => "the JSON given to --data".into(),
        }
    }

    /// The short name shown beside a field problem, where a flag would be.
    pub fn origin(&self) -> String {
        match self {
            JsonSource::Stdin { .. } => "stdin".into(),
            JsonSource::File(p) => p.display().to_string(),
            JsonSource::Inline(_) => "--data".into(),
        }
    }

    /// The source's bytes as they are, at most `MAX_JSON_BYTES`; over it, the error says
    /// `too_large` after "is larger than 1 MiB; ".
    pub fn bytes(&self, ui: &Ui, too_large: &str) -> Result<Vec<u8>> {
        let (place, hint) = match self {
            JsonSource::Inline(text) => return Ok(text.as_bytes().to_vec()),
            JsonSource::Stdin { explicit: false } => (
                Place::Stdin,
                "if there is none, run with </dev/null or give the body with --data",
            ),
            JsonSource::Stdin { explicit: true } => (
                Place::Stdin,
                "end it (Ctrl-D at a terminal), or give the body with --data @FILE",
            ),
            JsonSource::File(path) => (Place::Path(path), ""),
        };
        crate::read::all(
            ui,
            &crate::read::Input {
                place,
                flag: "--data",
                what: self.describe(),
                awaited: "a JSON body",
                hint,
                limit: MAX_JSON_BYTES as u64,
                too_large,
            },
        )
    }
}

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading byte order mark: editors on Windows like to start UTF-8 files
/// with one, and JSON forbids it.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}
