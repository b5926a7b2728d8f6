//! `--jq EXPR`: a jq filter run on a JSON answer, in process (jaq), so a script needs no jq
//! installed. Strings come out raw, one per line, as `gh --jq` prints them; anything else as
//! compact JSON. Compiled before anything is sent, so a typo costs no request.

use jaq_core::compile::Filter;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::limits;

pub mod worker;

/// jq's `@csv` and `@tsv`, which jaq lacks: a row of values as one CSV or TSV line, as jq
/// writes them (strings quoted or escaped, null empty, the rest as JSON).
const FORMAT_DEFS: &str = r#"
def @csv: map(if . == null then "" elif type == "string" then "\"" + (split("\"") | join("\"\"")) + "\"" else tojson end) | join(",");
def @tsv: map(if . == null then "" elif type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t") | split("\n") | join("\\n") | split("\r") | join("\\r") else tojson end) | join("\t");
"#;

/// What a filter must not reach: `env` holds ORQEX_SECRET_KEY and the webhook secret, and a
/// filter can reshape them past any masking (`.[3:]`, `@base64`); `debug` and `stderr` would
/// write past orqex's one writer, `halt` would end orqex without a word, `input` would read
/// stdin. Their natives are left out (`BLOCKED`), and these stand in their place, before
/// jaq-std's, so that its definitions built on them (`halt_error`, `debug`) still compile.
const BLOCKED: [&str; 6] = [
    "env",
    "halt",
    "input",
    "inputs",
    "debug_empty",
    "stderr_empty",
];
const BLOCKED_DEFS: &str = r#"
def env: error("env is not available in orqex's --jq: the environment holds the secret key");
def halt($code): error("halt is not available in orqex's --jq");
def input: error("input is not available in orqex's --jq");
def inputs: error("inputs is not available in orqex's --jq");
def debug_empty: error("debug and stderr are not available in orqex's --jq");
def stderr_empty: error("debug and stderr are not available in orqex's --jq");
"#;

/// The first name in `expr` that calls what `BLOCKED` leaves out (`env`, `$ENV`, `debug`,
/// `halt_error`, ...): a word outside string literals, not a field (`.env`), an object key
/// (`{env: 1}`) or a format.
fn blocked_word(expr: &str) -> Option<String> {
    const WORDS: [&str; 10] = [
        "env",
        "$ENV",
        "halt",
        "halt_error",
        "input",
        "inputs",
        "debug",
        "stderr",
        "debug_empty",
        "stderr_empty",
    ];
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut in_string = false;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            match c {
                '\\' => i += 1,
                '"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == '"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let before = chars[..start].iter().rev().find(|c| !c.is_whitespace());
            // `{env: 1}` names a key, as `.env` names a field.
            let after = chars[i..].iter().find(|c| !c.is_whitespace());
            if !matches!(before, Some('.' | '@'))
                && after != Some(&':')
                && WORDS.contains(&word.as_str())
            {
                return Some(word);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// A filter checked to compile, and its text. It runs in a process of its own
/// (`worker`): whatever it does there (recurse without end, build without end, never stop),
/// orqex lives on to say what it had done, and how to get it back.
pub struct Jq {
    expr: String,
    worker: std::sync::Mutex<Option<worker::Worker>>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Jq({:?})", self.expr)
    }
}

impl Jq {
    /// The filter, or a usage error (exit 2) naming the expression. Compiled here, before
    /// anything is sent, so that a typo costs no request; the worker compiles it again.
    pub fn compile(expr: &str) -> Result<Jq> {
        Program::check(expr)?;
        Ok(Jq {
            expr: expr.to_string(),
            worker: std::sync::Mutex::new(None),
        })
    }

    /// The filter's outputs for `input`, each as one line of text: a string as it is, anything
    /// else as compact JSON. A runtime error (indexing a string, say), or a filter stopped at
    /// one of its limits, names the expression; it is exit 1, not 2: the request may have
    /// been sent, and done, by then.
    pub fn lines(&self, input: &Value) -> Result<Vec<String>> {
        // Unit tests run in the test harness, which is no orqex to start a worker from.
        if cfg!(test) {
            let (expr, input) = (self.expr.clone(), input.clone());
            return on_big_stack(move || Program::compile(&expr)?.lines(&input));
        }
        let mut slot = self
            .worker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        worker::lines(&mut slot, &self.expr, input)
    }
}

/// A compiled filter, in this process: what the worker runs.
struct Program {
    filter: Filter<Native<data::JustLut<Val>>>,
    expr: String,
}

impl Program {
    /// Whether `expr` compiles, found on a stack of `JQ_STACK_BYTES`: jaq's parser and
    /// compiler recurse once for each level of the filter's nesting, which its length bounds.
    fn check(expr: &str) -> Result<()> {
        if expr.len() > limits::JQ_FILTER_BYTES {
            return Err(Error::usage(format!(
                "--jq is {} bytes long; orqex's limit for a filter is {}; filter the answer with a shorter one, or pipe --output json to jq",
                expr.len(),
                limits::bytes(limits::JQ_FILTER_BYTES as u64)
            )));
        }
        let owned = expr.to_string();
        on_big_stack(move || Program::compile(&owned).map(|_| ()))
    }

    /// The compiled filter; run it on a stack of `JQ_STACK_BYTES` (`on_big_stack`).
    fn compile(expr: &str) -> Result<Program> {
        // Said before anything is sent; the stand-ins below stay as a second line.
        if let Some(word) = blocked_word(expr) {
            return Err(Error::usage(format!(
                "--jq `{}` uses `{word}`, which orqex's --jq does not offer (env and $ENV hold the secret key; debug, stderr, halt and input act outside the answer); filter the answer only, like .data.checkout.url",
                crate::text::printable(expr)
            )));
        }
        let own = |text| jaq_core::load::parse(text, |p| p.defs()).unwrap_or_default();
        let defs = jaq_core::defs()
            .chain(own(BLOCKED_DEFS))
            .chain(jaq_std::defs())
            .chain(jaq_json::defs())
            .chain(own(FORMAT_DEFS));
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs())
            .filter(|(name, _, _)| !BLOCKED.contains(name));
        let arena = Arena::default();
        let refused = |why: &str| {
            Error::usage(format!(
                "--jq `{expr}` {why}; write a jq filter, like .data.checkout.url"
            ))
        };
        let modules = Loader::new(defs)
            .load(
                &arena,
                File {
                    code: expr,
                    path: (),
                },
            )
            .map_err(|_| refused("is not a filter jq can read (a syntax error)"))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let names: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, undefined)| undefined.iter())
                    .map(|(name, what)| format!("{} `{name}`", what.as_str()))
                    .collect();
                if names.is_empty() {
                    refused("names a filter or variable that does not exist")
                } else {
                    refused(&format!(
                        "uses {}, which does not exist here",
                        crate::text::printable(&names.join(", "))
                    ))
                }
            })?;
        Ok(Program {
            filter,
            expr: expr.to_string(),
        })
    }

    /// Every output of the filter for `input`, as `Jq::lines` gives them.
    fn lines(&self, input: &Value) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        self.run(input, |line| {
            lines.push(line);
            true
        })?;
        Ok(lines)
    }

    /// Hands each output to `out` as it comes, until `out` says stop.
    fn run(&self, input: &Value, mut out: impl FnMut(String) -> bool) -> Result<()> {
        let text = serde_json::to_vec(input)
            .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|_| Error::Other("cannot read the answer for --jq".into()))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        for value in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let line = match value {
                Ok(Val::TStr(s)) => String::from_utf8_lossy(&s).into_owned(),
                Ok(v) => v.to_string(),
                Err(e) => {
                    return Err(Error::Other(format!(
                        "--jq `{}` failed on the answer: {}",
                        self.expr,
                        crate::text::printable(&e.to_string())
                    )));
                }
            };
            if !out(line) {
                break;
            }
        }
        Ok(())
    }
}

/// `work`'s result, computed on a thread with a stack of `JQ_STACK_BYTES`.
fn on_big_stack<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    std::thread::Builder::new()
        .name("jq".into())
        .stack_size(limits::JQ_STACK_BYTES)
        .spawn(work)
        .map_err(|e| Error::Other(format!("--jq: cannot start a thread for the filter: {e}")))?
        .join()
        .unwrap_or_else(|_| Err(Error::Other("--jq: the filter's thread failed".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_come_out_raw_and_the_rest_as_json() {
        let jq = Jq::compile(".a[], .b, (.a | length), {x: .b}").unwrap();
        let input: Value = serde_json::from_str(r#"{"a": [1, 2.50, "x"], "b": "s"}"#).unwrap();
        assert_eq!(
            jq.lines(&input).unwrap(),
            ["1", "2.50", "x", "s", "3", r#"{"x":"s"}"#]
        );
        assert!(jq.lines(&json!({"a": 1})).is_err());
    }

    #[test]
    fn a_filter_shows_as_its_text() {
        assert_eq!(format!("{:?}", Jq::compile(".a").unwrap()), "Jq(\".a\")");
    }

    #[test]
    fn a_filter_is_at_most_4_kib() {
        let nested = |n| format!("{}.{}", "(".repeat(n), ")".repeat(n));
        let longest = format!("{} ", nested(2047));
        assert_eq!(longest.len(), limits::JQ_FILTER_BYTES);
        assert_eq!(
            Jq::compile(&longest).unwrap().lines(&json!(7)).unwrap(),
            ["7"]
        );
        let over = format!("{longest} ");
        let err = Jq::compile(&over).unwrap_err();
        assert_eq!(err.exit(), crate::error::Exit::Usage);
        assert_eq!(
            err.to_string(),
            "--jq is 4097 bytes long; orqex's limit for a filter is 4 KiB; filter the answer with a shorter one, or pipe --output json to jq"
        );
    }

    #[test]
    fn bad_expressions_are_usage_errors() {
        for bad in [".a[", "nosuch(1)", "$x"] {
            let err = Jq::compile(bad).unwrap_err();
            assert_eq!(err.exit(), crate::error::Exit::Usage, "{bad}");
            assert!(err.to_string().contains(&format!("--jq `{bad}`")), "{err}");
        }
    }

    #[test]
    fn csv_and_tsv_as_jq_writes_them() {
        let row = json!(["open", "a\"b\tc\\d\ne", null, 1, 2.50, true]);
        let tsv = Jq::compile("@tsv").unwrap().lines(&row).unwrap();
        assert_eq!(tsv, ["open\ta\"b\\tc\\\\d\\ne\t\t1\t2.5\ttrue"]);
        let csv = Jq::compile("@csv").unwrap().lines(&row).unwrap();
        assert_eq!(csv, ["\"open\",\"a\"\"b\tc\\d\ne\",,1,2.5,true"]);
    }

    #[test]
    fn what_does_not_exist_is_named() {
        let err = Jq::compile(".a | nosuch | $x").unwrap_err().to_string();
        assert_eq!(
            err,
            "--jq `.a | nosuch | $x` uses filter `nosuch`, variable `$x`, which does not exist here; write a jq filter, like .data.checkout.url"
        );
        let err = Jq::compile(".[").unwrap_err().to_string();
        assert!(err.contains("is not a filter jq can read"), "{err}");
        let err = Jq::compile("tonumber")
            .unwrap()
            .lines(&json!("open"))
            .unwrap_err();
        assert_eq!(err.exit(), crate::error::Exit::Failure);
    }

    #[test]
    fn what_reaches_outside_the_answer_is_refused_before_anything_runs() {
        for expr in [
            "env.ORQEX_SECRET_KEY|.[3:]",
            "$ENV.ORQEX_SECRET_KEY",
            ". | debug",
            "debug(.)",
            "stderr",
            "\"x\" | halt_error",
            "halt",
            "[inputs]",
            "input",
            "(env)",
        ] {
            let err = Jq::compile(expr).unwrap_err();
            assert_eq!(err.exit(), crate::error::Exit::Usage, "{expr}");
            assert!(
                err.to_string()
                    .contains("which orqex's --jq does not offer"),
                "{expr}: {err}"
            );
        }
        for expr in [
            // An escaped quote does not end the string: `env` is still inside it.
            r#""\" env" | length"#,
            r#""\\" | . + "\" halt""#,
            ".env",
            ".data.env",
            "\"env\"",
            ".a | @text",
            "{env: 1} | .env",
            ".debug_mode",
            ".environment | length",
        ] {
            assert!(Jq::compile(expr).is_ok(), "{expr}");
        }
        // The stand-ins, should a call get past the word check.
        let err = Jq::compile("def f: env; f").unwrap_err().to_string();
        assert!(err.contains("`env`"), "{err}");
    }
}
