//! PATH as `orqex api` sends it: relative to the base URL, and never a way out of it.

use crate::error::{Error, Result};

/// The characters a path may hold as they are (RFC 3986's pchar, and `/`); anything else
/// is refused rather than encoded, since a path is typed to be sent as it reads.
pub(super) fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%/".contains(c)
}

/// PATH as sent after the base URL, with the `--query` pairs appended. Refused: a URL of
/// another host, a `..` or `.` segment (written or percent-encoded), an encoded slash or
/// backslash, a fragment, and anything a terminal or a server would read otherwise. Each of
/// them could carry the key to a path the user did not mean, or out of the base path.
pub fn path(given: &str, query: &[String], base_url: &str) -> Result<String> {
    let shown = || crate::text::printable(given);
    let refused = |why: &str| {
        Error::usage(format!(
            "PATH `{}` {why}; give a path after the base URL, like /payment/intents/TRX1A2B3C4D",
            shown()
        ))
    };
    let relative = match given.strip_prefix(base_url) {
        // The base URL's own pages, pasted whole (a `next_page_url`, say).
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => rest,
        _ if given.contains("://") || given.starts_with("//") => {
            return Err(refused(&format!(
                "is a URL outside the base URL ({base_url}), where the key must not go"
            )));
        }
        _ => given,
    };
    if relative.trim().is_empty() {
        return Err(refused("is empty"));
    }
    if relative.contains('#') {
        return Err(refused("has a fragment (#), which is never sent"));
    }
    let (path, own_query) = match relative.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (relative, None),
    };
    if let Some(c) = relative.chars().find(|c| *c != '?' && !path_char(*c)) {
        let what = match c {
            ' ' => "a space".to_string(),
            c if crate::text::is_unsafe(c) => {
                format!("a control character ({})", c.escape_unicode())
            }
            c => format!("`{c}`"),
        };
        return Err(refused(&format!(
            "holds {what}, which a path cannot carry as it is; percent-encode it"
        )));
    }
    let decoded_lower = relative.to_ascii_lowercase();
    if decoded_lower.contains("%2f") || decoded_lower.contains("%5c") {
        return Err(refused(
            "holds an encoded slash (%2F or %5C), which a server may read as a path separator",
        ));
    }
    for segment in path.split('/') {
        let plain = segment.to_ascii_lowercase().replace("%2e", ".");
        if plain == "." || plain == ".." {
            return Err(refused(
                "has a `.` or `..` segment, which could lead out of the API's base path",
            ));
        }
    }
    let mut out = String::new();
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(path);
    let mut pairs: Vec<String> = own_query
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    for pair in query {
        let Some((name, value)) = pair.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(Error::usage(format!(
                "--query `{}` is not KEY=VALUE; write it like --query per_page=50",
                crate::text::printable(pair)
            )));
        };
        pairs.push(
            form_urlencoded::Serializer::new(String::new())
                .append_pair(name, value)
                .finish(),
        );
    }
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.orqex.com/v1";

    fn ok(given: &str, query: &[&str]) -> String {
        let query: Vec<String> = query.iter().map(|q| q.to_string()).collect();
        path(given, &query, BASE).unwrap()
    }

    fn refused(given: &str) -> String {
        path(given, &[], BASE).unwrap_err().to_string()
    }

    #[test]
    fn paths_are_relative_to_the_base_url() {
        assert_eq!(ok("/payment/intents/TRX1", &[]), "/payment/intents/TRX1");
        assert_eq!(ok("payment/intents", &[]), "/payment/intents");
        assert_eq!(
            ok("/payment/intents?per_page=1", &[]),
            "/payment/intents?per_page=1"
        );
        assert_eq!(
            ok("https://api.orqex.com/v1/payment/intents?page=2", &[]),
            "/payment/intents?page=2"
        );
        assert_eq!(
            ok("/payment/intents?a=1", &["per_page=5", "q=a b&c"]),
            "/payment/intents?a=1&per_page=5&q=a+b%26c"
        );
        assert_eq!(ok("/x", &["k="]), "/x?k=");
        assert_eq!(
            ok("/payment/intents/TRX%41", &[]),
            "/payment/intents/TRX%41"
        );
    }

    #[test]
    fn paths_that_could_go_elsewhere_are_refused() {
        for (given, why) in [
            ("https://evil.example/v1/x", "outside the base URL"),
            ("https://api.orqex.com/v10/x", "outside the base URL"),
            ("//evil.example/x", "outside the base URL"),
            ("/payment/../admin", "`..` segment"),
            ("/payment/%2e%2E/admin", "`..` segment"),
            ("/payment/./x", "`..` segment"),
            ("/payment%2Fx", "encoded slash"),
            ("/payment%5cx", "encoded slash"),
            ("/payment/x#frag", "fragment"),
            ("/payment/x y", "a space"),
            ("/payment/\u{1b}[31m", "a control character (\\u{1b})"),
            ("/payment\\x", "`\\`"),
            ("", "is empty"),
            ("  ", "is empty"),
        ] {
            let err = refused(given);
            assert!(err.contains(why), "{given:?}: {err}");
            assert!(err.contains("like /payment/intents/TRX1A2B3C4D"), "{err}");
            assert!(!err.contains('\u{1b}'), "{err}");
        }
        let err = path("/x", &["novalue".into()], BASE)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--query `novalue` is not KEY=VALUE; write it like --query per_page=50"
        );
        assert!(path("/x", &["=v".into()], BASE).is_err());
    }
}
