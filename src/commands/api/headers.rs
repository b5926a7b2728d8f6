//! `orqex api -H 'Name: value'`: request headers of the user's own, as `gh api` and curl take
//! them, minus those orqex owns (the key, the idempotency key, the message's framing).

use crate::error::{Error, Result};
use crate::secret;
use crate::text::printable;

/// Headers orqex sets itself, with what to do instead. A second `Authorization` could send
/// another credential under this profile's name; a second idempotency key would split one
/// logical request in two; the framing ones are the HTTP library's to write.
const OWNED: [(&str, &str); 6] = [
    (
        "authorization",
        "orqex sends the key of the profile or ORQEX_SECRET_KEY itself",
    ),
    (
        "x-idempotency-key",
        "orqex sends one itself; give yours with --idempotency-key KEY",
    ),
    ("host", "it comes from the base URL"),
    ("content-length", "it is counted from the body"),
    ("transfer-encoding", "it is decided from the body"),
    ("connection", "the connection is orqex's to manage"),
];

/// Each `-H` as a name and a value (surrounding whitespace trimmed), checked before anything
/// is sent; an error is a usage error naming the header. (A key among the arguments was
/// refused already, with every other argument, in `main`.)
pub fn parse(given: &[String]) -> Result<Vec<(String, String)>> {
    given.iter().map(|h| one(h)).collect()
}

fn one(given: &str) -> Result<(String, String)> {
    let Some((name, value)) = given.split_once(':') else {
        return Err(Error::usage(format!(
            "-H `{}` is not NAME: VALUE; write it like -H 'X-Request-Source: ci'",
            shown(given)
        )));
    };
    let name = name.trim_matches([' ', '\t']);
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(Error::usage(format!(
            "-H `{}`: `{}` is not a header name (letters, digits and !#$%&'*+-.^_`|~ only); write it like -H 'X-Request-Source: ci'",
            shown(given),
            shown(name)
        )));
    }
    if let Some((_, why)) = OWNED.iter().find(|(n, _)| name.eq_ignore_ascii_case(n)) {
        return Err(Error::usage(format!(
            "-H {name}: orqex does not take this header from the command line ({why}); drop -H {name}"
        )));
    }
    // HTTP's optional whitespace around a value is not part of it.
    let value = value.trim_matches([' ', '\t']);
    if let Some(c) = value.chars().find(|c| *c != '\t' && c.is_control()) {
        return Err(Error::usage(format!(
            "-H {name}: the value holds a control character ({}), which could end the header and start another; remove it",
            c.escape_unicode()
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

/// RFC 9110's `tchar`: what a header name is made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The header as typed, safe for one line of stderr, any key in it masked.
fn shown(text: &str) -> String {
    secret::mask(&printable(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(given: &str) -> (String, String) {
        one(given).unwrap()
    }

    fn refused(given: &str) -> String {
        one(given).unwrap_err().to_string()
    }

    #[test]
    fn name_and_trimmed_value() {
        assert_eq!(ok("X-Trace: abc"), ("X-Trace".into(), "abc".into()));
        assert_eq!(ok("x-a:b"), ("x-a".into(), "b".into()));
        assert_eq!(ok(" X-A :\t b c \t"), ("X-A".into(), "b c".into()));
        assert_eq!(ok("X-Empty:"), ("X-Empty".into(), String::new()));
        assert_eq!(
            ok("X-Url: http://a:1/x"),
            ("X-Url".into(), "http://a:1/x".into())
        );
        assert_eq!(ok("X-Tab: a\tb"), ("X-Tab".into(), "a\tb".into()));
        assert_eq!(ok("Accept: text/csv"), ("Accept".into(), "text/csv".into()));
        assert_eq!(
            ok("!#$%&'*+-.^_`|~09az: v"),
            ("!#$%&'*+-.^_`|~09az".into(), "v".into())
        );
    }

    #[test]
    fn what_is_not_a_header() {
        assert_eq!(
            refused("X-A"),
            "-H `X-A` is not NAME: VALUE; write it like -H 'X-Request-Source: ci'"
        );
        for bad in [": v", "X A: v", "X\u{e9}: v", "X(a): v", "X\n: v"] {
            assert!(
                refused(bad).contains("is not a header name"),
                "{bad:?}: {}",
                refused(bad)
            );
        }
        assert!(!refused("X\u{1b}[31m: v").contains('\u{1b}'));
        for bad in [
            "X-A: a\r\nHost: evil",
            "X-A: a\nb",
            "X-A: \u{0}",
            "X-A: a\u{7f}",
        ] {
            assert!(
                refused(bad).starts_with("-H X-A: the value holds a control character ("),
                "{bad:?}: {}",
                refused(bad)
            );
        }
    }

    #[test]
    fn orqex_s_own_headers_are_refused() {
        assert_eq!(
            refused("authorization: Bearer x"),
            "-H authorization: orqex does not take this header from the command line (orqex sends the key of the profile or ORQEX_SECRET_KEY itself); drop -H authorization"
        );
        assert_eq!(
            refused("X-Idempotency-Key: abcdefgh"),
            "-H X-Idempotency-Key: orqex does not take this header from the command line (orqex sends one itself; give yours with --idempotency-key KEY); drop -H X-Idempotency-Key"
        );
        for name in ["HOST", "Content-Length", "transfer-encoding", "Connection"] {
            assert!(
                refused(&format!("{name}: x")).contains("does not take this header"),
                "{name}"
            );
        }
    }

    #[test]
    fn parse_keeps_order_and_repeats() {
        let given = vec!["X-A: 1".to_string(), "X-A: 2".to_string()];
        assert_eq!(
            parse(&given).unwrap(),
            [
                ("X-A".to_string(), "1".to_string()),
                ("X-A".into(), "2".into())
            ]
        );
        assert!(parse(&["X-A: 1".into(), "bad".into()]).is_err());
    }
}
