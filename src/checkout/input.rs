//! Where the checkout's values come from, each source turned into a `Draft`. Sources are laid
//! on each other in one order: config defaults < JSON input < flags < prompt answers.
//!
//! JSON is checked here against the body's shape, as `fields::FIELDS` gives it (unknown
//! fields, wrong types, a field given twice), so that every mistake is reported with its path
//! and, for a typo, the name that was probably meant. The limits of each value are
//! `validate`'s business.

use std::collections::HashSet;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::checks;
use super::draft::{Draft, Unlisted, insert_at};
use super::fields::{self, Kind, Slot};
use super::source::{JsonSource, MAX_JSON_BYTES, strip_bom};
use crate::error::{Error, FieldError, Result};
use crate::ui::Ui;

/// A draft from one source, and what was wrong with the shape of its fields (an unknown
/// name, a wrong type). Those fields are left out of the draft, so that the rest can still be
/// layered, overridden by a flag and checked: one run shows every mistake.
#[derive(Debug, Default)]
pub struct Parsed {
    pub draft: Draft,
    pub problems: Vec<FieldError>,
    /// Fields the API reference does not list, kept apart to be sent as given (only when the
    /// source was read with `Unknown::Keep`).
    pub unlisted: Vec<Unlisted>,
}

/// What becomes of a field the API reference does not list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Refused, as a typo most likely is; the message says how to send it when it is meant.
    Refuse(Sending),
    /// Kept apart, to be sent as given after a warning (`--set`, `--allow-unknown`).
    Keep,
}

/// How a field the reference does not list is sent on purpose, from where it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    /// With `--set PATH=VALUE` (a single create's JSON body).
    Set,
    /// With `--allow-unknown` (a batch's rows and header).
    AllowUnknown,
    /// Not at all (the answers to prompts, which only ask for known fields).
    Never,
}

impl Parsed {
    /// The draft, or its problems as the error: for a source that must be right as a whole.
    pub fn strict(self) -> Result<Draft> {
        if self.problems.is_empty() {
            Ok(self.draft)
        } else {
            Err(Error::Invalid(self.problems))
        }
    }
}

/// The problems of a draft from layered sources: those of each source's shape, less the
/// fields a higher layer (`over`) sets anyway, then the validation's, less the fields whose
/// shape was already found wrong (they were given, wrongly, not left out).
pub fn combine(
    shape: Vec<FieldError>,
    over: &Draft,
    validation: Vec<FieldError>,
) -> Vec<FieldError> {
    let mut problems: Vec<FieldError> = shape
        .into_iter()
        .filter(|p| !over.is_set(&p.field))
        .collect();
    let wrong: Vec<String> = problems.iter().map(|p| p.field.clone()).collect();
    problems.extend(validation.into_iter().filter(|p| !wrong.contains(&p.field)));
    problems
}

/// Reading a source as a checkout's body: the parsing is this module's.
impl JsonSource {
    /// Reads the source (`read::all`: bounded, and never silent while it waits) and parses
    /// it. `None` when an implicit stdin is empty: in CI, `</dev/null` is no input.
    pub fn read(&self, ui: &Ui) -> Result<Option<Parsed>> {
        let bytes = self.bytes(ui, CHECKOUT_IS_SMALL)?;
        let empty_is_none = matches!(self, JsonSource::Stdin { explicit: false });
        parse_json(&bytes, self, empty_is_none)
    }
}

/// Why a checkout's body over the limit is a mistake.
const CHECKOUT_IS_SMALL: &str = "a checkout request is a few hundred bytes, check the input";

/// Turns raw bytes into a draft, or one clear exit-2 error. Nothing here is ever sent.
pub fn parse_json(
    bytes: &[u8],
    source: &JsonSource,
    empty_is_none: bool,
) -> Result<Option<Parsed>> {
    parse_json_from(
        bytes,
        &source.describe(),
        &source.origin(),
        empty_is_none,
        Unknown::Refuse(Sending::Set),
    )
}

/// `parse_json` for bytes from anywhere: `what` names the input in messages ("line 3"),
/// `origin` stands beside each field problem where a flag would.
pub fn parse_json_from(
    bytes: &[u8],
    what: &str,
    origin: &str,
    empty_is_none: bool,
    unknown: Unknown,
) -> Result<Option<Parsed>> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(Error::usage(format!(
            "{what} is larger than {}; {CHECKOUT_IS_SMALL}",
            crate::limits::bytes(MAX_JSON_BYTES as u64)
        )));
    }
    if let Some(why) = crate::limits::too_deep(bytes) {
        return Err(Error::usage(format!("{what} {why}")));
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
    // A `Value` keeps the last of a field given twice: which amount was meant?
    NoDuplicates
        .deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| Error::usage(format!("{what} is not a valid request: {e}")))?;
    let Value::Object(map) = value else {
        return Err(Error::usage(format!(
            "{what} is {}, not an object; give one checkout request like {{\"amount\": 50, \"currency\": \"XOF\", ...}}",
            kind_name(&value)
        )));
    };
    let mut found = Vec::new();
    checks::secret_keys(&Value::Object(map.clone()), "", &mut found);
    refuse_keys(found, origin)?;
    Ok(Some(checked(Draft::from_map(map), origin, false, unknown)))
}

/// `draft` with the fields of a wrong name or type taken out, and those problems; with
/// `Unknown::Keep`, the fields the reference does not list taken out too, into `unlisted`.
/// `typed` when the values are text someone typed (CSV cells, answers): a number field's
/// text is left for its own check, which says what is wrong with it in its own words.
fn checked(mut draft: Draft, origin: &str, typed: bool, unknown: Unknown) -> Parsed {
    let mut shape = Shape {
        origin,
        typed,
        unknown,
        problems: Vec::new(),
        unlisted: Vec::new(),
    };
    shape.walk(draft.as_map(), &[]);
    for p in &shape.problems {
        draft.remove(&p.field);
    }
    for u in &shape.unlisted {
        draft.remove_names(&u.names);
    }
    Parsed {
        draft,
        problems: shape.problems,
        unlisted: shape.unlisted,
    }
}

/// Walks a JSON text and fails on the first object that names a key twice.
struct NoDuplicates;

impl<'de> DeserializeSeed<'de> for NoDuplicates {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(NoDuplicates)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            map.next_value_seed(NoDuplicates)?;
        }
        Ok(())
    }
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

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A walk over a source's fields against the table's shape.
struct Shape<'a> {
    origin: &'a str,
    typed: bool,
    unknown: Unknown,
    problems: Vec<FieldError>,
    unlisted: Vec<Unlisted>,
}

impl Shape<'_> {
    /// Collects every unknown field and wrong type below `map` (at `names`). `null` counts
    /// as absent.
    fn walk(&mut self, map: &Map<String, Value>, names: &[String]) {
        let prefix = names.join(".");
        for (key, value) in map {
            let path = join(&prefix, key);
            let message = match fields::slot(&path) {
                // Null is absent: an empty CSV cell sets nothing, even a field not listed.
                None if value.is_null() && self.unknown == Unknown::Keep => None,
                None => match self.unknown {
                    // Sent as given, but never with what a terminal or a page would act on:
                    // the same rule as every listed text field.
                    Unknown::Keep if unsafe_text_in(key, value) => Some(
                        "holds a control or bidi character (in its name or a text); it is sent as given only without them".to_string(),
                    ),
                    Unknown::Keep => {
                        let mut names = names.to_vec();
                        names.push(key.clone());
                        self.unlisted.push(Unlisted {
                            names,
                            value: value.clone(),
                        });
                        None
                    }
                    Unknown::Refuse(sending) => {
                        Some(unknown_field_message(key, &prefix, &path, sending))
                    }
                },
                Some(slot) => match (slot, value) {
                    (_, Value::Null) => None,
                    (Slot::Object, Value::Object(m)) => {
                        let mut names = names.to_vec();
                        names.push(key.clone());
                        self.walk(m, &names);
                        None
                    }
                    (Slot::Field(f), Value::Object(m)) if f.kind == Kind::Map => {
                        check_map(m, &path, self.origin, &mut self.problems);
                        None
                    }
                    (Slot::Field(f), Value::String(_)) if f.kind == Kind::Text => None,
                    (Slot::Field(f), Value::Number(_)) if f.kind == Kind::Number => None,
                    (Slot::Field(f), Value::String(_)) if f.kind == Kind::Number && self.typed => {
                        None
                    }
                    // `--set` gives text, always: a number typed there is meant for
                    // `--set-json`, as the README says.
                    (Slot::Field(f), Value::String(text))
                        if f.kind == Kind::Number
                            && self.origin == "--set"
                            && serde_json::from_str::<serde_json::Number>(text).is_ok() =>
                    {
                        Some(format!(
                            "must be a number, and --set always gives a string; give it with --set-json {path}={text}"
                        ))
                    }
                    (slot, _) => {
                        let expected = match slot {
                            Slot::Field(f) if f.kind == Kind::Text => "a string",
                            Slot::Field(f) if f.kind == Kind::Number => {
                                "a number, like 50 (not in quotes)"
                            }
                            _ => "an object",
                        };
                        Some(format!("must be {expected}; got {}", kind_name(value)))
                    }
                },
            };
            if let Some(message) = message {
                self.problems.push(FieldError {
                    field: path,
                    flag: self.origin.to_string(),
                    message,
                });
            }
        }
    }
}

/// Whether a name or any text below `value` holds what `text::is_unsafe` refuses.
fn unsafe_text_in(name: &str, value: &Value) -> bool {
    let unsafe_str = |s: &str| s.chars().any(crate::text::is_unsafe);
    unsafe_str(name)
        || match value {
            Value::String(s) => unsafe_str(s),
            Value::Array(items) => items.iter().any(|v| unsafe_text_in("", v)),
            Value::Object(map) => map.iter().any(|(k, v)| unsafe_text_in(k, v)),
            _ => false,
        }
}

/// Metadata is "key/value pairs": a value is one string, number or boolean. The API would
/// store an object or a list as it is, where nothing reading the metadata expects one, and a
/// null as a key without a value.
fn check_map(map: &Map<String, Value>, prefix: &str, origin: &str, problems: &mut Vec<FieldError>) {
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
/// anywhere in the body (a top-level `email` was meant for `customer.email`) — then how to
/// send the field if it is meant.
fn unknown_field_message(key: &str, prefix: &str, path: &str, sending: Sending) -> String {
    let guess = guess_field(key, prefix);
    let meant = match sending {
        Sending::Set => format!(" (--set {path}=VALUE sends it as given)"),
        Sending::AllowUnknown => " (--allow-unknown sends it as given)".to_string(),
        Sending::Never => String::new(),
    };
    format!("{guess}{meant}")
}

fn guess_field(key: &str, prefix: &str) -> String {
    match nearest_field(key, prefix) {
        Some(path) => format!("unknown field; did you mean `{path}`?"),
        None => format!(
            "unknown field; known fields here: {}",
            fields::names_below(prefix).join(", ")
        ),
    }
}

/// The listed field `key` (below `prefix`) was most likely meant to be, if any.
pub fn nearest_field(key: &str, prefix: &str) -> Option<String> {
    let names = fields::names_below(prefix);
    let here = closest(key, names.iter().copied()).map(|n| join(prefix, n));
    let paths = fields::all_paths();
    let leaf = |p: &str| p.rsplit('.').next().unwrap_or(p).to_string();
    let elsewhere = || {
        let leaves: Vec<String> = paths.iter().map(|p| leaf(p)).collect();
        closest(key, leaves.iter().map(String::as_str))
            .and_then(|near| paths.iter().find(|p| leaf(p) == near).cloned())
    };
    here.or_else(elsewhere)
}

/// The `--set PATH=VALUE` (a string) and `--set-json PATH=JSON` flags as one layer, read
/// like a JSON body, except that a path the API reference does not list is kept to be sent
/// as given. A path given twice, or inside another one given, is a mistake in the command.
pub fn from_set(set: &[String], set_json: &[String]) -> Result<Parsed> {
    let mut given: Vec<(Vec<String>, &str)> = Vec::new();
    let mut map = Map::new();
    let pairs = set
        .iter()
        .map(|a| ("--set", a))
        .chain(set_json.iter().map(|a| ("--set-json", a)));
    for (flag, arg) in pairs {
        let example = if flag == "--set" {
            "--set customization.lang=fr"
        } else {
            "--set-json customization.display_platform_badge=false"
        };
        let Some((path, raw)) = arg.split_once('=') else {
            return Err(Error::usage(format!(
                "{flag} `{}` is not PATH=VALUE; write it like {example}",
                crate::text::printable(arg)
            )));
        };
        let path = path.trim();
        let names: Vec<String> = match fields::map_key(path) {
            // A map's key is the user's own and may hold dots.
            Some((f, key)) => f
                .path
                .split('.')
                .map(str::to_string)
                .chain([key.to_string()])
                .collect(),
            None => path.split('.').map(str::to_string).collect(),
        };
        if names.len() > crate::limits::JSON_DEPTH {
            return Err(Error::usage(format!(
                "{flag}: a path {} fields deep; orqex's limit for JSON is {} levels",
                names.len(),
                crate::limits::JSON_DEPTH
            )));
        }
        if names.iter().any(|n| n.trim().is_empty()) {
            return Err(Error::usage(format!(
                "{flag} `{}`: `{}` is not a field path; write it like {example}",
                crate::text::printable(arg),
                crate::text::printable(path)
            )));
        }
        let value = if flag == "--set" {
            Value::String(raw.to_string())
        } else {
            if let Some(why) = crate::limits::too_deep(raw.as_bytes()) {
                return Err(Error::usage(format!("{flag} {path}: the JSON {why}")));
            }
            serde_json::from_str(raw).map_err(|e| {
                Error::usage(format!(
                    "{flag} {path}: `{}` is not JSON ({e}); a string needs its quotes (--set-json {path}='\"text\"'), or use --set {path}=text",
                    crate::text::printable(raw)
                ))
            })?
        };
        if value.is_null() {
            return Err(Error::usage(format!(
                "{flag} {path}: null sends nothing and would leave the field to another source; to leave it out, drop it, and to send a value, give one"
            )));
        }
        if let Some((other, _)) = given
            .iter()
            .find(|(g, _)| g.starts_with(&names) || names.starts_with(g))
        {
            let other = other.join(".");
            return Err(Error::usage(if other == names.join(".") {
                format!("{flag} sets `{path}` a second time; give each field once")
            } else {
                format!(
                    "{flag} `{path}` and `{other}` overlap (one is inside the other); give each field once"
                )
            }));
        }
        given.push((names.clone(), flag));
        insert_at(&mut map, &names, value);
    }
    let mut found = Vec::new();
    checks::secret_keys(&Value::Object(map.clone()), "", &mut found);
    refuse_keys(found, "--set")?;
    Ok(checked(Draft::from_map(map), "--set", false, Unknown::Keep))
}

/// The candidate nearest to `word`, if near enough to be a typo. Case, `_` and `-` are
/// ignored so `firstName` finds `first_name`; two neighbours swapped (`emial`) count as one
/// edit.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let w = norm(word);
    let limit = (w.chars().count() / 3).max(1);
    candidates
        .map(|c| (strsim::osa_distance(&w, &norm(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A draft holding the given answers, each at its field path (`customer.email`).
pub fn from_answers(answers: &[(&str, String)]) -> Result<Draft> {
    let cells: Vec<(&str, Option<&str>)> = answers
        .iter()
        .map(|(path, text)| (*path, Some(text.as_str())))
        .collect();
    from_paths(
        &cells,
        "the answers",
        "prompt",
        Unknown::Refuse(Sending::Never),
    )?
    .strict()
}

/// A draft from (field path, text) pairs, as CSV columns give them: a number where the body
/// wants one and the text is one (else the text, for the field's check to judge), text
/// elsewhere, and `None` left unset. Unknown paths are reported like JSON's.
pub fn from_paths(
    cells: &[(&str, Option<&str>)],
    what: &str,
    origin: &str,
    unknown: Unknown,
) -> Result<Parsed> {
    // Before anything can quote a name or a cell back.
    let found = cells
        .iter()
        .filter_map(|(path, text)| match checks::secret_in_name(path) {
            Some(why) => Some((crate::secret::mask(path).into_owned(), why)),
            None => text
                .and_then(checks::secret_in_value)
                .map(|why| (path.to_string(), why)),
        })
        .collect();
    refuse_keys(found, origin)?;
    let mut draft = Draft::default();
    for (path, text) in cells {
        if path.split('.').any(str::is_empty) {
            return Err(Error::usage(format!(
                "{what}: `{path}` is not a field path like customer.email"
            )));
        }
        let number = fields::field(path).is_some_and(|f| f.kind == Kind::Number);
        let value = match text {
            // An empty metadata cell sets nothing (a null there would be sent as a value);
            // elsewhere null means absent, and still lets the shape check see the path.
            None if fields::map_key(path).is_some() => continue,
            None => Value::Null,
            Some(t) if number => serde_json::from_str::<serde_json::Number>(t)
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(t.to_string())),
            Some(t) => Value::String(t.to_string()),
        };
        draft.set(path, value);
    }
    let mut parsed = checked(draft, origin, true, unknown);
    // The nulls only showed the shape check an empty cell's path: absent is absent.
    let mut cells_given = Draft::default();
    for (path, text) in cells {
        if text.is_some()
            && let Some(value) = parsed.draft.get(path)
        {
            cells_given.set(path, value.clone());
        }
    }
    parsed.draft = cells_given;
    Ok(parsed)
}

/// The problems of an input holding what looks like a secret key, (field, why) as
/// `checks::secret_keys` finds them, all at once and alone.
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

/// Points each problem at where its value came from. `layers` run from the highest (the one
/// whose value won) down; the first that holds the field names it, or with `None` keeps the
/// flag. A field no layer holds is missing, and its flag is how to give it.
pub fn name_sources(problems: &mut [FieldError], layers: &[(&Draft, Option<&str>)]) {
    for p in problems {
        if let Some((_, Some(label))) = layers.iter().find(|(draft, _)| draft.is_set(&p.field)) {
            p.flag = (*label).to_string();
        }
    }
}

/// The required fields the draft lacks, in the order they are asked for.
pub fn missing_required(draft: &Draft) -> Vec<&'static str> {
    fields::required()
        .map(|f| f.path)
        .filter(|path| !draft.is_set(path))
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

    const STDIN: JsonSource = JsonSource::Stdin { explicit: false };

    fn parse(text: &str) -> Result<Option<Draft>> {
        parse_json(text.as_bytes(), &STDIN, true)?
            .map(Parsed::strict)
            .transpose()
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
    fn every_field_of_the_table_is_read_from_json() {
        // A body with every field set: nothing unknown, nothing of the wrong type.
        let mut body = Draft::default();
        for f in fields::FIELDS {
            let value = match f.kind {
                Kind::Text => Value::String("x".into()),
                Kind::Number => Value::Number(1.into()),
                Kind::Map => serde_json::json!({"k": "v"}),
            };
            body.set(f.path, value);
        }
        let text = serde_json::to_string(body.as_map()).unwrap();
        let read = parse(&text).unwrap().unwrap();
        for path in fields::all_paths() {
            assert!(read.is_set(&path), "{path} lost");
        }
    }

    #[test]
    fn json_keeps_number_text() {
        let r = parse(r#"{"amount": 12.50, "expires_in_minutes": 30}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::to_string(r.get("amount").unwrap()).unwrap(),
            "12.50"
        );
    }

    #[test]
    fn empty_input() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse(" \n\t").unwrap(), None);
        let explicit = JsonSource::Stdin { explicit: true };
        assert!(parse_json(b"", &explicit, false).is_err());
        assert_eq!(parse("{}").unwrap(), Some(Draft::default()));
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
                "amuont (stdin): unknown field; did you mean `amount`? (--set amuont=VALUE sends it as given)",
                "customer.emial (stdin): unknown field; did you mean `customer.email`? (--set customer.emial=VALUE sends it as given)",
                "customer.firstName (stdin): unknown field; did you mean `customer.first_name`? (--set customer.firstName=VALUE sends it as given)",
                "email (stdin): unknown field; did you mean `customer.email`? (--set email=VALUE sends it as given)",
                "restriction.phone.numbr (stdin): unknown field; did you mean `restriction.phone.number`? (--set restriction.phone.numbr=VALUE sends it as given)",
                "zzzzzz (stdin): unknown field; known fields here: amount, currency, description, customer, return_url, webhook_url, statement_descriptor, receipt_email, restriction, customization, metadata, expires_in_minutes (--set zzzzzz=VALUE sends it as given)",
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
        assert!(r.is_set("metadata.a.b/c"));
        assert!(!r.is_set("metadata.a"));
    }

    #[test]
    fn metadata_takes_any_keys() {
        let r = parse(r#"{"metadata": {"emial": "x", "n": 1}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.get("metadata").unwrap().as_object().unwrap().len(), 2);
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
        let c = |d: Option<&str>, tty| JsonSource::choose(d, tty, false).unwrap();
        assert_eq!(c(None, true), None);
        assert_eq!(c(None, false), Some(STDIN));
        // With flags, stdin only when asked for.
        assert_eq!(JsonSource::choose(None, false, true).unwrap(), None);
        assert_eq!(
            JsonSource::choose(Some("-"), false, true).unwrap(),
            Some(JsonSource::Stdin { explicit: true })
        );
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
        let m = JsonSource::choose(Some("body.json"), true, false)
            .unwrap_err()
            .to_string();
        assert!(m.contains("--data @body.json"), "{m}");
        assert!(JsonSource::choose(Some("@"), true, false).is_err());
    }

    #[test]
    fn typos_find_the_name_meant() {
        let top = fields::names_below("");
        assert_eq!(closest("currancy", top.iter().copied()), Some("currency"));
        assert_eq!(closest("emial", ["email"].into_iter()), Some("email"));
        assert_eq!(
            closest("firstName", ["first_name"].into_iter()),
            Some("first_name")
        );
        assert_eq!(closest("xyz", top.iter().copied()), None);
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
            serde_json::to_string(r.as_map()).unwrap(),
            r#"{"amount":12.50,"customer":{"email":"a@example.com","first_name":"Ama"}}"#
        );
        assert_eq!(
            missing_required(&r),
            ["currency", "description", "customer.last_name"]
        );
    }

    fn set_(s: &[&str], j: &[&str]) -> Parsed {
        set(s, j).unwrap()
    }

    fn set(set: &[&str], json: &[&str]) -> Result<Parsed> {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        from_set(&own(set), &own(json))
    }

    #[test]
    fn set_gives_listed_fields_checked_and_keeps_unlisted_ones_apart() {
        let p = set(
            &[
                "customization.lang=fr",
                "customer.email=a@example.com",
                "metadata.a.b=1",
            ],
            &[
                "amount=50",
                "customization.display_platform_badge=false",
                "extra={\"k\": [1]}",
            ],
        )
        .unwrap();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            serde_json::to_string(p.draft.as_map()).unwrap(),
            r#"{"customization":{},"customer":{"email":"a@example.com"},"metadata":{"a.b":"1"},"amount":50}"#
        );
        let unlisted: Vec<(String, Value)> = p
            .unlisted
            .iter()
            .map(|u| (u.path(), u.value.clone()))
            .collect();
        assert_eq!(
            unlisted,
            [
                ("customization.lang".to_string(), Value::from("fr")),
                (
                    "customization.display_platform_badge".to_string(),
                    Value::Bool(false)
                ),
                ("extra".to_string(), serde_json::json!({"k": [1]})),
            ]
        );
    }

    #[test]
    fn set_text_for_a_number_is_a_problem_like_json_s() {
        let p = set(&["amount=7"], &["customer.email=5"]).unwrap();
        let problems: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "amount (--set): must be a number, and --set always gives a string; give it with --set-json amount=7",
                "customer.email (--set): must be a string; got a number",
            ]
        );
        assert!(p.unlisted.is_empty());
    }

    #[test]
    fn set_mistakes_are_usage_errors() {
        let err = |s: &[&str], j: &[&str]| set(s, j).unwrap_err().to_string();
        assert_eq!(
            err(&["lang"], &[]),
            "--set `lang` is not PATH=VALUE; write it like --set customization.lang=fr"
        );
        assert_eq!(
            err(&[], &["a..b=1"]),
            "--set-json `a..b=1`: `a..b` is not a field path; write it like --set-json customization.display_platform_badge=false"
        );
        assert!(err(&[], &["lang=fr"]).starts_with(
            "--set-json lang: `fr` is not JSON (expected ident at line 1 column 2); a string needs its quotes"
        ));
        assert_eq!(
            err(&["a=1", "a=2"], &[]),
            "--set sets `a` a second time; give each field once"
        );
        assert_eq!(
            err(&["customer.email=x"], &["customer={}"]),
            "--set-json `customer` and `customer.email` overlap (one is inside the other); give each field once"
        );
        assert!(err(&["x=sk_sandbox_12345678"], &[]).contains("secret key"));
        assert_eq!(
            err(&[], &["amount=null"]),
            "--set-json amount: null sends nothing and would leave the field to another source; to leave it out, drop it, and to send a value, give one"
        );
    }

    #[test]
    fn unlisted_fields_refuse_what_a_terminal_would_act_on() {
        for (set, json) in [
            (&["customization.lang=fr\u{1b}[2J"][..], &[][..]),
            (&[][..], &["extra={\"a\": [\"x\u{202e}y\"]}"][..]),
            (&["customization.la\u{7}ng=fr"][..], &[][..]),
        ] {
            let p = set_(set, json);
            assert!(p.unlisted.is_empty(), "{set:?} {json:?}");
            assert_eq!(p.problems.len(), 1, "{set:?} {json:?}");
            assert!(p.problems[0].message.contains("control or bidi character"));
        }
    }

    fn problem(field: &str, flag: &str) -> FieldError {
        FieldError {
            field: field.into(),
            flag: flag.into(),
            message: "wrong".into(),
        }
    }

    #[test]
    fn combine_drops_what_a_higher_layer_fixes_and_what_was_already_wrong() {
        let shape = vec![
            problem("amount", "stdin"),
            problem("customer.email", "stdin"),
        ];
        let over = Draft::default().with("amount", Value::from(50));
        let validation = vec![
            problem("customer.email", "--email"),
            problem("currency", "--currency"),
        ];
        assert_eq!(
            combine(shape, &over, validation),
            [
                problem("customer.email", "stdin"),
                problem("currency", "--currency")
            ]
        );
    }

    #[test]
    fn problems_are_pointed_at_the_layer_their_value_came_from() {
        let flags = Draft::default().with("amount", Value::from("0"));
        let json = Draft::default()
            .with("amount", Value::from(5))
            .with("currency", Value::from("XO"));
        let mut problems = vec![
            problem("amount", "--amount"),
            problem("currency", "--currency"),
            problem("description", "--description"),
        ];
        name_sources(&mut problems, &[(&flags, None), (&json, Some("body.json"))]);
        let flags: Vec<&str> = problems.iter().map(|p| p.flag.as_str()).collect();
        assert_eq!(flags, ["--amount", "body.json", "--description"]);
    }

    #[test]
    fn sources_are_named_in_messages() {
        let file = JsonSource::File("body.json".into());
        let inline = JsonSource::Inline("{}".into());
        assert_eq!(STDIN.describe(), "the JSON on stdin");
        assert_eq!(file.describe(), "the JSON in body.json");
        assert_eq!(inline.describe(), "the JSON given to --data");
        assert_eq!(STDIN.origin(), "stdin");
        assert_eq!(file.origin(), "body.json");
        assert_eq!(inline.origin(), "--data");
        assert_eq!(
            JsonSource::choose(Some("@-"), true, false).unwrap(),
            Some(JsonSource::Stdin { explicit: true })
        );
        assert!(JsonSource::choose(Some(" "), false, false).is_err());
    }

    #[test]
    fn a_source_is_read_and_parsed() {
        let ui = Ui::detect();
        let read = JsonSource::Inline(r#"{"amount": 5}"#.into())
            .read(&ui)
            .unwrap()
            .unwrap();
        assert_eq!(read.draft.get("amount"), Some(&Value::from(5)));
        assert!(read.problems.is_empty());
        // Only an implicit stdin may be empty.
        let m = JsonSource::Inline(" ".into())
            .read(&ui)
            .unwrap_err()
            .to_string();
        assert!(m.starts_with("the JSON given to --data is empty"), "{m}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("body.json");
        std::fs::write(&path, r#"{"currency": "XOF"}"#).unwrap();
        let read = JsonSource::File(path.clone()).read(&ui).unwrap().unwrap();
        assert_eq!(read.draft.text("currency"), Some("XOF"));
        let missing = JsonSource::File(dir.path().join("none.json"));
        assert_eq!(
            missing.read(&ui).unwrap_err().to_string(),
            format!(
                "--data: cannot read {}: no such file",
                dir.path().join("none.json").display()
            )
        );
        // One byte over the limit is too large.
        let mut big = br#"{"description": ""#.to_vec();
        big.resize(MAX_JSON_BYTES - 1, b'x');
        big.extend_from_slice(b"\"}");
        assert_eq!(big.len(), MAX_JSON_BYTES + 1);
        std::fs::write(&path, &big).unwrap();
        let file = JsonSource::File(path.clone());
        let m = file.read(&ui).unwrap_err().to_string();
        assert!(m.contains("is larger than 1 MiB"), "{m}");
        big.pop();
        std::fs::write(&path, &big).unwrap();
        assert_eq!(file.bytes(&ui, "").unwrap().len(), MAX_JSON_BYTES);
    }

    #[test]
    fn the_size_limit_is_one_mib() {
        let mut body = br#"{"description": ""#.to_vec();
        body.resize(1_048_574, b'x');
        body.extend_from_slice(b"\"}");
        assert!(parse_json(&body, &STDIN, true).is_ok());
    }

    #[test]
    fn duplicates_are_found_at_any_depth() {
        for text in [
            r#"{"metadata": {"a": 1, "a": 2}}"#,
            r#"{"x": [{"a": 1, "a": 2}]}"#,
            r#"{"x": [1, [2, {"y": {"a": 1, "a": 2}}]]}"#,
        ] {
            let m = usage(text);
            assert!(
                m.starts_with("the JSON on stdin is not a valid request: duplicate field `a`"),
                "{m}"
            );
        }
        // Arrays and scalars of every kind pass.
        let p =
            problems(r#"{"x": [1, -1, 1.5, 123456789012345678901234567890, "s", true, null, []]}"#);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("x (stdin): unknown field"), "{p:?}");
    }

    #[test]
    fn an_object_where_text_belongs_is_the_wrong_type() {
        assert_eq!(
            problems(r#"{"currency": {"a": 1}, "amount": {}, "metadata": {"ok": true}}"#),
            [
                "currency (stdin): must be a string; got an object",
                "amount (stdin): must be a number, like 50 (not in quotes); got an object",
            ]
        );
    }

    #[test]
    fn a_key_in_json_is_refused_alone() {
        match parse(r#"{"amount": "x", "description": "sk_sandbox_test_0000"}"#) {
            Err(Error::Invalid(p)) => {
                assert_eq!(p.len(), 1);
                assert_eq!(
                    (p[0].field.as_str(), p[0].flag.as_str()),
                    ("description", "stdin")
                );
                assert!(p[0].message.contains("secret key"), "{}", p[0]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn typed_text_is_left_to_each_field_s_check() {
        let r = from_answers(&[
            ("amount", "12,5".into()),
            ("customer.first_name", "123".into()),
            ("expires_in_minutes", "30".into()),
        ])
        .unwrap();
        assert_eq!(
            serde_json::to_string(r.as_map()).unwrap(),
            r#"{"amount":"12,5","customer":{"first_name":"123"},"expires_in_minutes":30}"#
        );
        let m = from_answers(&[("amuont", "5".into())])
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("amuont (prompt): unknown field; did you mean `amount`?"),
            "{m}"
        );
        assert!(!m.contains("sends it as given"), "{m}");
    }

    #[test]
    fn empty_cells_set_nothing_but_their_path_is_still_checked() {
        let p = from_paths(
            &[("metadata.k", None), ("amuont", None), ("currency", None)],
            "line 2",
            "row 2",
            Unknown::Refuse(Sending::AllowUnknown),
        )
        .unwrap();
        assert_eq!(p.draft, Draft::default());
        let problems: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "amuont (row 2): unknown field; did you mean `amount`? (--allow-unknown sends it as given)"
            ]
        );
    }

    #[test]
    fn typos_within_the_limit_of_a_third_of_the_word() {
        let top = fields::names_below("");
        // Six letters allow two edits, not three.
        assert_eq!(closest("amxxnt", top.iter().copied()), Some("amount"));
        assert_eq!(closest("axxxnt", top.iter().copied()), None);
    }

    #[test]
    fn metadata_entries() {
        assert_eq!(metadata_entry("k=v").unwrap(), ("k".into(), "v".into()));
        assert_eq!(
            metadata_entry(" order id =a=b ").unwrap(),
            ("order id".into(), "a=b ".into())
        );
        assert_eq!(metadata_entry("k=").unwrap(), ("k".into(), String::new()));
        for bad in ["=v", " =v", "kv"] {
            assert_eq!(
                metadata_entry(bad).unwrap_err(),
                format!("`{bad}` is not KEY=VALUE; write it like --metadata order_id=1024")
            );
        }
    }
}
