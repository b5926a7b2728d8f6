//! Where the checkout's values come from. Sources are laid on each other in one order:
//! config defaults < JSON input < flags < prompt answers.
//!
//! JSON is checked here against the body's shape (unknown fields, wrong types) before serde
//! sees it, so that every mistake is reported with its path and, for a typo, the name that
//! was probably meant. The limits of each value are `validate`'s business.

use std::io::Read;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::request::CheckoutRequest;
use super::validate::{self, REQUIRED};
use crate::config::Profile;
use crate::error::{Error, FieldError, Result, io_reason};

/// The largest JSON body read. One byte more is read to tell "exactly 1 MiB" from "more".
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

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
    /// Decides where the JSON comes from: `--data` if given (then stdin is never read),
    /// else stdin when it is not a terminal, else nowhere.
    pub fn choose(data: Option<&str>, stdin_is_terminal: bool) -> Result<Option<JsonSource>> {
        let Some(data) = data else {
            return Ok((!stdin_is_terminal).then_some(JsonSource::Stdin { explicit: false }));
        };
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

    /// Reads at most `MAX_JSON_BYTES + 1` bytes (a bigger stream is never read whole) and
    /// parses them. `None` when an implicit stdin is empty: in CI, `</dev/null` is no input.
    pub fn read(&self) -> Result<Option<CheckoutRequest>> {
        let limit = MAX_JSON_BYTES as u64 + 1;
        let mut bytes = Vec::new();
        match self {
            JsonSource::Stdin { .. } => {
                std::io::stdin()
                    .lock()
                    .take(limit)
                    .read_to_end(&mut bytes)
                    .map_err(|e| Error::usage(format!("cannot read stdin: {}", io_reason(&e))))?;
            }
            JsonSource::File(path) => {
                std::fs::File::open(path)
                    .and_then(|f| f.take(limit).read_to_end(&mut bytes))
                    .map_err(|e| {
                        Error::usage(format!(
                            "--data: cannot read {}: {}",
                            path.display(),
                            io_reason(&e)
                        ))
                    })?;
            }
            JsonSource::Inline(text) => bytes = text.as_bytes().to_vec(),
        }
        let empty_is_none = matches!(self, JsonSource::Stdin { explicit: false });
        parse_json(&bytes, self, empty_is_none)
    }
}

/// Turns raw bytes into a draft, or one clear exit-2 error. Nothing here is ever sent.
pub fn parse_json(
    bytes: &[u8],
    source: &JsonSource,
    empty_is_none: bool,
) -> Result<Option<CheckoutRequest>> {
    parse_json_from(bytes, &source.describe(), &source.origin(), empty_is_none)
}

/// `parse_json` for bytes from anywhere: `what` names the input in messages ("line 3"),
/// `origin` stands beside each field problem where a flag would.
pub fn parse_json_from(
    bytes: &[u8],
    what: &str,
    origin: &str,
    empty_is_none: bool,
) -> Result<Option<CheckoutRequest>> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(Error::usage(format!(
            "{what} is larger than 1 MiB; a checkout request is a few hundred bytes, check the input"
        )));
    }
    let bytes = strip_bom(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        Error::usage(format!(
            "{what} is not valid UTF-8 (line {line}, column {column}); save it as UTF-8"
        ))
    })?;
    if text.trim().is_empty() {
        return if empty_is_none {
            Ok(None)
        } else {
            Err(Error::usage(format!(
                "{what} is empty; give one object like {{\"amount\": 50, \"currency\": \"XOF\", ...}}"
            )))
        };
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::usage(format!("{what} is not valid JSON: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(Error::usage(format!(
            "{what} is {}, not an object; give one checkout request like {{\"amount\": 50, \"currency\": \"XOF\", ...}}",
            kind_name(&value)
        )));
    };
    let mut found = Vec::new();
    validate::secret_keys(&value, "", &mut found);
    refuse_keys(found, origin)?;
    check_object(map, origin)?;
    // The shape is right; serde still catches what a `Value` hides, such as a field given twice.
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| Error::usage(format!("{what} is not a valid request: {e}")))
}

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading byte order mark: editors on Windows like to start UTF-8 files
/// with one, and JSON forbids it.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// 1-based line and column (in characters) just after `prefix`.
fn line_column(prefix: &[u8]) -> (usize, usize) {
    // `prefix` is the valid part of the input, so this never loses anything.
    let text = String::from_utf8_lossy(prefix);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a field of the body holds, as far as JSON types go.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Number,
    Object(&'static [(&'static str, Kind)]),
    /// `metadata`: any keys.
    Map,
}

type Shape = &'static [(&'static str, Kind)];

/// The reference page's body, field by field (unit-tested against `CheckoutRequest`).
const BODY: Shape = &[
    ("amount", Kind::Number),
    ("currency", Kind::Text),
    ("description", Kind::Text),
    ("customer", Kind::Object(CUSTOMER)),
    ("return_url", Kind::Text),
    ("webhook_url", Kind::Text),
    ("statement_descriptor", Kind::Text),
    ("receipt_email", Kind::Text),
    ("restriction", Kind::Object(RESTRICTION)),
    ("customization", Kind::Object(CUSTOMIZATION)),
    ("metadata", Kind::Map),
    ("expires_in_minutes", Kind::Number),
];
const CUSTOMER: Shape = &[
    ("email", Kind::Text),
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("address", Kind::Text),
    ("city", Kind::Text),
    ("state", Kind::Text),
    ("country", Kind::Text),
    ("zip", Kind::Text),
];
const RESTRICTION: Shape = &[("country_code", Kind::Text), ("phone", Kind::Object(PHONE))];
const PHONE: Shape = &[("number", Kind::Text), ("country", Kind::Text)];
const CUSTOMIZATION: Shape = &[("color", Kind::Text), ("brand", Kind::Text)];

/// Every field path of the body, in the reference page's order.
fn all_paths() -> Vec<String> {
    fn walk(shape: Shape, prefix: &str, out: &mut Vec<String>) {
        for (name, kind) in shape {
            let path = join(prefix, name);
            if let Kind::Object(inner) = kind {
                walk(inner, &path, out);
            }
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(BODY, "", &mut out);
    out
}

fn kind_at(path: &str) -> Option<Kind> {
    let mut shape = BODY;
    let mut kind = None;
    for part in path.split('.') {
        let (_, k) = shape.iter().find(|(n, _)| *n == part)?;
        kind = Some(*k);
        if let Kind::Object(inner) = k {
            shape = inner;
        }
    }
    kind
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Collects every unknown field and wrong type below `map`. `null` counts as absent.
fn check_shape(
    map: &Map<String, Value>,
    shape: Shape,
    prefix: &str,
    origin: &str,
    problems: &mut Vec<FieldError>,
) {
    for (key, value) in map {
        let path = join(prefix, key);
        let message = match shape.iter().find(|(n, _)| n == key) {
            None => Some(unknown_field_message(key, shape, prefix)),
            Some((_, kind)) => match (kind, value) {
                (_, Value::Null) => None,
                (Kind::Text, Value::String(_)) | (Kind::Number, Value::Number(_)) => None,
                (Kind::Map, Value::Object(m)) => {
                    check_metadata(m, &path, origin, problems);
                    None
                }
                (Kind::Object(inner), Value::Object(m)) => {
                    check_shape(m, inner, &path, origin, problems);
                    None
                }
                (kind, _) => {
                    let expected = match kind {
                        Kind::Text => "a string",
                        Kind::Number => "a number, like 50 (not in quotes)",
                        Kind::Object(_) | Kind::Map => "an object",
                    };
                    Some(format!("must be {expected}; got {}", kind_name(value)))
                }
            },
        };
        if let Some(message) = message {
            problems.push(FieldError {
                field: path,
                flag: origin.to_string(),
                message,
            });
        }
    }
}

/// Metadata is "key/value pairs": a value is one string, number or boolean. The API would
/// store an object or a list as it is, where nothing reading the metadata expects one, and a
/// null as a key without a value.
fn check_metadata(
    map: &Map<String, Value>,
    prefix: &str,
    origin: &str,
    problems: &mut Vec<FieldError>,
) {
    for (key, value) in map {
        if !matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            problems.push(FieldError {
                field: join(prefix, key),
                flag: origin.to_string(),
                message: format!(
                    "must be a string, number or boolean; got {}",
                    kind_name(value)
                ),
            });
        }
    }
}

/// "unknown field; did you mean `customer.email`?" — looking first beside the typo, then
/// anywhere in the body (a top-level `email` was meant for `customer.email`).
fn unknown_field_message(key: &str, shape: Shape, prefix: &str) -> String {
    let here = closest(key, shape.iter().map(|(n, _)| *n)).map(|n| join(prefix, n));
    let paths = all_paths();
    let elsewhere = || {
        closest(key, paths.iter().map(|p| p.rsplit('.').next().unwrap_or(p))).and_then(|leaf| {
            paths
                .iter()
                .find(|p| p.rsplit('.').next() == Some(leaf))
                .cloned()
        })
    };
    match here.or_else(elsewhere) {
        Some(path) => format!("unknown field; did you mean `{path}`?"),
        None => {
            let names: Vec<&str> = shape.iter().map(|(n, _)| *n).collect();
            format!("unknown field; known fields here: {}", names.join(", "))
        }
    }
}

/// The candidate nearest to `word`, if near enough to be a typo. Case, `_` and `-` are
/// ignored so `firstName` finds `first_name`.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let w = norm(word);
    let limit = (w.len() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&w, &norm(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: Levenshtein plus swapping two neighbours, the most
/// common typo (`emial`).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

/// The lowest layer: what the active profile sets (today only its currency).
pub fn config_defaults(profile: Option<&Profile>) -> CheckoutRequest {
    CheckoutRequest {
        currency: profile.and_then(|p| p.currency.clone()),
        ..Default::default()
    }
}

/// A draft holding the given answers, each at its field path (`customer.email`).
pub fn from_answers(answers: &[(&str, String)]) -> Result<CheckoutRequest> {
    let cells: Vec<(&str, Option<&str>)> = answers
        .iter()
        .map(|(path, text)| (*path, Some(text.as_str())))
        .collect();
    from_paths(&cells, "the answers", "prompt")
}

/// A draft from (field path, text) pairs, as CSV columns give them: a number where the body
/// wants one (when the text is one; otherwise the shape check says so), text elsewhere, and
/// `None` left unset. Unknown paths and wrong types are reported like JSON's.
pub fn from_paths(
    cells: &[(&str, Option<&str>)],
    what: &str,
    origin: &str,
) -> Result<CheckoutRequest> {
    // Before anything can quote a name or a cell back.
    let found = cells
        .iter()
        .filter_map(|(path, text)| match validate::secret_in_name(path) {
            Some(why) => Some((crate::secret::mask(path).into_owned(), why)),
            None => text
                .and_then(validate::secret_in_value)
                .map(|why| (path.to_string(), why)),
        })
        .collect();
    refuse_keys(found, origin)?;
    let mut root = Map::new();
    for (path, text) in cells {
        let value = match (text, kind_at(path)) {
            // An empty metadata cell sets nothing (a null there would be sent as a value);
            // elsewhere null means absent, and still lets the shape check see the path.
            (None, _) if path.starts_with("metadata.") => continue,
            (None, _) => Value::Null,
            (Some(t), Some(Kind::Number)) => serde_json::from_str::<serde_json::Number>(t)
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(t.to_string())),
            (Some(t), _) => Value::String(t.to_string()),
        };
        let parts: Vec<&str> = path.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(Error::usage(format!(
                "{what}: `{path}` is not a field path like customer.email"
            )));
        }
        insert_at(&mut root, &parts, value);
    }
    check_object(&root, origin)?;
    serde_json::from_value(Value::Object(root))
        .map_err(|e| Error::usage(format!("{what} is not a valid request: {e}")))
}

/// The problems of an input holding what looks like a secret key, (field, why) as
/// `validate::secret_keys` finds them, all at once and alone.
fn refuse_keys(found: Vec<(String, String)>, origin: &str) -> Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(
        found
            .into_iter()
            .map(|(field, message)| FieldError {
                field,
                flag: origin.to_string(),
                message,
            })
            .collect(),
    ))
}

/// Every unknown field and wrong type in `map`, at once.
fn check_object(map: &Map<String, Value>, origin: &str) -> Result<()> {
    let mut problems = Vec::new();
    check_shape(map, BODY, "", origin, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

fn insert_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [leaf] => {
            map.insert(leaf.to_string(), value);
        }
        [head, rest @ ..] => {
            let inner = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// Points each problem at where its value came from. `layers` run from the highest (the one
/// whose value won) down; the first that holds the field names it, or with `None` keeps the
/// flag. A field no layer holds is missing, and its flag is how to give it.
pub fn name_sources(problems: &mut [FieldError], layers: &[(&CheckoutRequest, Option<&str>)]) {
    for p in problems {
        if let Some((_, Some(label))) = layers.iter().find(|(req, _)| is_set(req, &p.field)) {
            p.flag = (*label).to_string();
        }
    }
}

/// Whether the draft has a value at `path` (`customer.email`).
pub fn is_set(req: &CheckoutRequest, path: &str) -> bool {
    // A metadata key is the user's own and may hold dots and slashes of its own.
    if let Some(key) = path.strip_prefix("metadata.") {
        return req
            .metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .is_some_and(|v| !v.is_null());
    }
    let pointer = format!("/{}", path.replace('.', "/"));
    serde_json::to_value(req)
        .ok()
        .and_then(|v| v.pointer(&pointer).map(|v| !v.is_null()))
        .unwrap_or(false)
}

/// The required fields the draft lacks, in the order they are asked for.
pub fn missing_required(req: &CheckoutRequest) -> Vec<&'static str> {
    REQUIRED
        .iter()
        .copied()
        .filter(|f| !is_set(req, f))
        .collect()
}

/// One `KEY=VALUE` metadata entry, the same for `--metadata` and for a prompt answer.
pub fn metadata_entry(entry: &str) -> std::result::Result<(String, String), String> {
    match entry.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "`{entry}` is not KEY=VALUE; write it like --metadata order_id=1024"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::request::NumberText;

    const STDIN: JsonSource = JsonSource::Stdin { explicit: false };

    fn parse(text: &str) -> Result<Option<CheckoutRequest>> {
        parse_json(text.as_bytes(), &STDIN, true)
    }

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Err(Error::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
            other => panic!("expected field problems, got {other:?}"),
        }
    }

    fn usage(text: &str) -> String {
        match parse(text) {
            Err(Error::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn the_shape_matches_the_model() {
        // A body with every path of the shape set must deserialise, and serialise back to
        // exactly the same paths: the shape and `CheckoutRequest` cannot drift apart.
        let mut answers = Vec::new();
        for path in all_paths() {
            match kind_at(&path) {
                Some(Kind::Text) => answers.push((path, "x".to_string())),
                Some(Kind::Number) => answers.push((path, "1".to_string())),
                _ => {}
            }
        }
        let refs: Vec<(&str, String)> = answers
            .iter()
            .map(|(p, v)| (p.as_str(), v.clone()))
            .collect();
        let mut req = from_answers(&refs).unwrap();
        req.metadata = Some(Map::new());
        for path in all_paths() {
            assert!(is_set(&req, &path), "{path} lost by the model");
        }
        fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
            if let Value::Object(m) = v {
                for (k, inner) in m {
                    let path = join(prefix, k);
                    if k != "metadata" || !prefix.is_empty() {
                        leaves(inner, &path, out);
                    }
                    out.push(path);
                }
            }
        }
        let mut seen = Vec::new();
        leaves(&serde_json::to_value(&req).unwrap(), "", &mut seen);
        seen.sort();
        let mut expected = all_paths();
        expected.sort();
        assert_eq!(seen, expected);
    }

    #[test]
    fn json_keeps_number_text() {
        let r = parse(r#"{"amount": 12.50, "expires_in_minutes": 30}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.amount, Some(NumberText("12.50".into())));
    }

    #[test]
    fn empty_input() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse(" \n\t").unwrap(), None);
        let explicit = JsonSource::Stdin { explicit: true };
        assert!(parse_json(b"", &explicit, false).is_err());
        assert_eq!(parse("{}").unwrap(), Some(CheckoutRequest::default()));
    }

    #[test]
    fn bad_json_is_one_line_with_line_and_column() {
        let m = usage("{\n  \"amount\": 50,\n  \"currency\" \"XOF\"\n}");
        assert!(m.contains("line 3 column 14"), "{m}");
        assert!(!m.contains('\n'), "{m}");
        assert!(usage("{\"amount\": 50").contains("line 1"));
    }

    #[test]
    fn not_an_object() {
        assert!(usage("[1, 2]").contains("is an array, not an object"));
        assert!(usage("\"x\"").contains("is a string, not an object"));
        assert!(usage("null").contains("is null, not an object"));
    }

    #[test]
    fn unknown_fields_name_path_and_closest_field() {
        let p = problems(
            r#"{"amuont": 50, "customer": {"emial": "a@example.com", "firstName": "Ama"},
                "email": "x", "restriction": {"phone": {"numbr": "1"}}, "zzzzzz": 1}"#,
        );
        assert_eq!(
            p,
            [
                "amuont (stdin): unknown field; did you mean `amount`?",
                "customer.emial (stdin): unknown field; did you mean `customer.email`?",
                "customer.firstName (stdin): unknown field; did you mean `customer.first_name`?",
                "email (stdin): unknown field; did you mean `customer.email`?",
                "restriction.phone.numbr (stdin): unknown field; did you mean `restriction.phone.number`?",
                "zzzzzz (stdin): unknown field; known fields here: amount, currency, description, customer, return_url, webhook_url, statement_descriptor, receipt_email, restriction, customization, metadata, expires_in_minutes",
            ]
        );
    }

    #[test]
    fn wrong_types_name_the_path() {
        let p = problems(
            r#"{"amount": "50", "customer": {"email": 5}, "metadata": [], "restriction": "CI",
                "currency": null}"#,
        );
        assert_eq!(
            p,
            [
                "amount (stdin): must be a number, like 50 (not in quotes); got a string",
                "customer.email (stdin): must be a string; got a number",
                "metadata (stdin): must be an object; got an array",
                "restriction (stdin): must be an object; got a string",
            ]
        );
    }

    #[test]
    fn metadata_values_are_scalars() {
        assert_eq!(
            problems(
                r#"{"metadata": {"a": {}, "b": [1], "c": null, "d": "x", "e": 1, "f": true}}"#
            ),
            [
                "metadata.a (stdin): must be a string, number or boolean; got an object",
                "metadata.b (stdin): must be a string, number or boolean; got an array",
                "metadata.c (stdin): must be a string, number or boolean; got null",
            ]
        );
    }

    #[test]
    fn a_metadata_key_with_dots_is_one_key() {
        let r = parse(r#"{"metadata": {"a.b/c": "x"}}"#).unwrap().unwrap();
        assert!(is_set(&r, "metadata.a.b/c"));
        assert!(!is_set(&r, "metadata.a"));
    }

    #[test]
    fn metadata_takes_any_keys() {
        let r = parse(r#"{"metadata": {"emial": "x", "n": 1}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.metadata.unwrap().len(), 2);
    }

    #[test]
    fn duplicate_fields_are_refused() {
        assert!(usage(r#"{"amount": 50, "amount": 5000}"#).contains("duplicate field"));
    }

    #[test]
    fn invalid_utf8_names_where() {
        let m = parse_json(b"{\n \"description\": \"caf\xE9\"}", &STDIN, true)
            .unwrap_err()
            .to_string();
        assert!(m.contains("not valid UTF-8 (line 2, column 21)"), "{m}");
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert!(
            parse_json(b"\xEF\xBB\xBF{}", &STDIN, true)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn size_limit() {
        let mut body = br#"{"description": ""#.to_vec();
        body.resize(MAX_JSON_BYTES - 2, b'x');
        body.extend_from_slice(b"\"}");
        assert_eq!(body.len(), MAX_JSON_BYTES);
        assert!(parse_json(&body, &STDIN, true).is_ok());
        body.insert(20, b'x');
        let m = parse_json(&body, &STDIN, true).unwrap_err().to_string();
        assert!(m.contains("larger than 1 MiB"), "{m}");
    }

    #[test]
    fn choosing_the_source() {
        let c = |d: Option<&str>, tty| JsonSource::choose(d, tty).unwrap();
        assert_eq!(c(None, true), None);
        assert_eq!(c(None, false), Some(STDIN));
        assert_eq!(
            c(Some("-"), true),
            Some(JsonSource::Stdin { explicit: true })
        );
        assert_eq!(
            c(Some("@body.json"), false),
            Some(JsonSource::File("body.json".into()))
        );
        assert_eq!(
            c(Some(" {\"amount\": 5}"), false),
            Some(JsonSource::Inline(" {\"amount\": 5}".into()))
        );
        let m = JsonSource::choose(Some("body.json"), true)
            .unwrap_err()
            .to_string();
        assert!(m.contains("--data @body.json"), "{m}");
        assert!(JsonSource::choose(Some("@"), true).is_err());
    }

    #[test]
    fn edit_distances() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("emial", "email"), 1);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(
            closest("currancy", BODY.iter().map(|(n, _)| *n)),
            Some("currency")
        );
        assert_eq!(closest("xyz", BODY.iter().map(|(n, _)| *n)), None);
    }

    #[test]
    fn answers_land_at_their_paths() {
        let r = from_answers(&[
            ("amount", "12.50".into()),
            ("customer.email", "a@example.com".into()),
            ("customer.first_name", "Ama".into()),
        ])
        .unwrap();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"amount":12.50,"customer":{"email":"a@example.com","first_name":"Ama"}}"#
        );
        assert_eq!(
            missing_required(&r),
            ["currency", "description", "customer.last_name"]
        );
    }

    #[test]
    fn config_currency_is_the_lowest_layer() {
        let profile = Profile {
            currency: Some("XOF".into()),
            ..Default::default()
        };
        let base = config_defaults(Some(&profile));
        let json = parse(r#"{"currency": "GHS"}"#).unwrap().unwrap();
        assert_eq!(base.clone().overlay(json).currency.as_deref(), Some("GHS"));
        assert_eq!(
            base.overlay(CheckoutRequest::default()).currency.as_deref(),
            Some("XOF")
        );
    }
}
