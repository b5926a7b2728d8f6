//! `--jq EXPR`: a jq filter run on a JSON answer, in process (jaq), so a script needs no jq
//! installed. Strings come out raw, one per line, as `gh --jq` prints them; anything else as
//! compact JSON. Compiled before anything is sent, so a typo costs no request.

use jaq_core::compile::Filter;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

use crate::error::{Error, Result};

/// jq's `@csv` and `@tsv`, which jaq lacks: a row of values as one CSV or TSV line, as jq
/// writes them (strings quoted or escaped, null empty, the rest as JSON).
const OWN_DEFS: &str = r#"
def @csv: map(if . == null then "" elif type == "string" then "\"" + (split("\"") | join("\"\"")) + "\"" else tojson end) | join(",");
def @tsv: map(if . == null then "" elif type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t") | split("\n") | join("\\n") | split("\r") | join("\\r") else tojson end) | join("\t");
"#;

/// A compiled filter, and its text for messages.
pub struct Jq {
    filter: Filter<Native<data::JustLut<Val>>>,
    expr: String,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Jq({:?})", self.expr)
    }
}

impl Jq {
    /// The filter, or a usage error (exit 2) naming the expression.
    pub fn compile(expr: &str) -> Result<Jq> {
        let own = jaq_core::load::parse(OWN_DEFS, |p| p.defs()).unwrap_or_default();
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs())
            .chain(own);
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
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
        Ok(Jq {
            filter,
            expr: expr.to_string(),
        })
    }

    /// The filter's outputs for `input`, each as one line of text: a string as it is, anything
    /// else as compact JSON. A runtime error (indexing a string, say) names the expression;
    /// it is exit 1, not 2: the request may have been sent, and done, by then.
    pub fn lines(&self, input: &Value) -> Result<Vec<String>> {
        let text = serde_json::to_vec(input)
            .map_err(|e| Error::Other(format!("cannot format JSON: {e}")))?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|_| Error::Other("cannot read the answer for --jq".into()))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut lines = Vec::new();
        for out in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            match out {
                Ok(Val::TStr(s)) => lines.push(String::from_utf8_lossy(&s).into_owned()),
                Ok(v) => lines.push(v.to_string()),
                Err(e) => {
                    return Err(Error::Other(format!(
                        "--jq `{}` failed on the answer: {}",
                        self.expr,
                        crate::text::printable(&e.to_string())
                    )));
                }
            }
        }
        Ok(lines)
    }
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
}
