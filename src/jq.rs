//! `--jq EXPR`: a jq filter run on a JSON answer, in process (jaq), so a script needs no jq
//! installed. Strings come out raw, one per line, as `gh --jq` prints them; anything else as
//! compact JSON. Compiled before anything is sent, so a typo costs no request.

use jaq_core::compile::Filter;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

use crate::error::{Error, Result};

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
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
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
            .map_err(|_| refused("names a filter or variable that does not exist"))?;
        Ok(Jq {
            filter,
            expr: expr.to_string(),
        })
    }

    /// The filter's outputs for `input`, each as one line of text: a string as it is, anything
    /// else as compact JSON. A runtime error (indexing a string, say) is a usage error naming
    /// the expression: the answer is what it is, the filter did not fit it.
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
                    return Err(Error::usage(format!(
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
}
