//! `orqex api METHOD PATH`: any endpoint of the API, with what every command does well (the
//! key and profiles, TLS, retries with one idempotency key, the body cap, masking, exit
//! codes), and the checks that keep a path on the API's own base URL.

use std::collections::HashSet;

use serde_json::Value;
use ureq::http::Method;

mod headers;

use super::net;
use crate::checkout::checks;
use crate::checkout::input::{JsonSource, MAX_JSON_BYTES, strip_bom};
use crate::cli::{ApiArgs, ApiFormat};
use crate::client::{self, ApiResponse, Call, Client};
use crate::error::{self, Error, Result};
use crate::interrupt;
use crate::jq::Jq;
use crate::prompt;
use crate::secret::{self, Environment};
use crate::ui::Ui;

/// The endpoints the API reference names, up to their ids: what PATH completes to.
pub const KNOWN_PATHS: [&str; 4] = [
    "/payment/checkouts",
    "/payment/checkouts/",
    "/payment/intents",
    "/payment/intents/",
];

/// How many pages `--paginate` follows at most: a list that never ends is a server's loop.
const MAX_PAGES: usize = 10_000;

pub fn run(ui: &Ui, profile: Option<&str>, args: ApiArgs) -> Result<()> {
    let method = method(&args.method)?;
    let write = method != Method::GET;
    let format = match args.output {
        Some(f) => f,
        None if ui.stdout_is_terminal() => ApiFormat::Json,
        None => ApiFormat::Compact,
    };
    if args.paginate && write {
        return Err(Error::usage(format!(
            "--paginate follows the pages of a list, which only GET reads; drop --paginate, or use GET instead of {method}"
        )));
    }
    if args.idempotency_key.is_some() && !write {
        return Err(Error::usage(
            "--idempotency-key is for writes (POST, PUT, PATCH, DELETE); a GET is safe to repeat as it is, so drop it",
        ));
    }
    let idempotency_key = args
        .idempotency_key
        .as_deref()
        .map(|k| {
            checks::idempotency_key(k)
                .map_err(|why| Error::usage(format!("--idempotency-key {why}")))
        })
        .transpose()?;
    let headers = headers::parse(&args.header)?;
    let jq = args.jq.as_deref().map(Jq::compile).transpose()?;
    let settings = super::settings(ui, profile)?;
    let path = path(&args.path, &args.query, &settings.base_url)?;
    let body = match &args.data {
        Some(_) if method == Method::GET => {
            return Err(Error::usage(
                "--data gives a body, which a GET does not carry; give the values with --query KEY=VALUE, or use POST",
            ));
        }
        Some(data) => Some(body(data)?),
        // As the official SDK: a write without a body still sends JSON, `{}`, so an API that
        // requires a JSON content type does not answer 415. A DELETE carries nothing.
        None if matches!(method, Method::POST | Method::PUT | Method::PATCH) => {
            Some(b"{}".to_vec())
        }
        None => None,
    };

    let key = settings.require_key()?;
    ui.refuse_closed_stdout()?;
    let client = net::client(&args.net, &settings, key.clone())?;
    let printer = Printer { ui, format, jq };
    if !write {
        return if args.paginate {
            paginate(&client, &path, &headers, &printer)
        } else {
            let resp = client.send(&Call {
                headers: &headers,
                ..Call::get(&path)
            })?;
            printer.answer(&resp.body)
        };
    }

    confirm_live(
        ui,
        &key,
        &method,
        &path,
        ui.may_prompt(args.no_input) && !args.yes,
    )?;
    let idempotency_key = match idempotency_key {
        Some(k) => k,
        None => client::new_idempotency_key()?,
    };
    let retry = retry_hint(&idempotency_key);
    let _signals = interrupt::sending(ui, retry.clone(), Some(&idempotency_key));
    let call = Call {
        method: method.clone(),
        path: &path,
        body: body.as_deref(),
        idempotency_key: Some(&idempotency_key),
        deadline: None,
        headers: &headers,
    };
    let resp = client.send(&call).map_err(|e| {
        // The client's own hint speaks of a checkout; this request may be anything.
        if e.outcome_unknown() {
            Error::Noted {
                source: Box::new(e),
                note: retry.clone(),
                idempotency_key: Some(idempotency_key.clone()),
            }
        } else {
            e
        }
    })?;
    if resp.replayed {
        ui.note(&format!(
            "the API replayed its earlier answer for idempotency key {idempotency_key}; nothing was done again"
        ));
    }
    printer.answer(&resp.body).map_err(|e| Error::Noted {
        source: Box::new(e),
        note: format!(
            "the {method} was done; to see its answer again without doing it twice, run the same command with {}",
            error::key_flag(&idempotency_key)
        ),
        idempotency_key: Some(idempotency_key.clone()),
    })
}

/// What a write that may or may not have happened leaves the user: the same command, with
/// the key that makes running it again safe.
fn retry_hint(idempotency_key: &str) -> String {
    format!(
        "the request may or may not have been done; retry safely with the same command and {}",
        error::key_flag(idempotency_key)
    )
}

fn method(given: &str) -> Result<Method> {
    match given.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        "PUT" => Ok(Method::PUT),
        "PATCH" => Ok(Method::PATCH),
        "DELETE" => Ok(Method::DELETE),
        // clap lets only these through; said anyway rather than assumed.
        _ => Err(Error::usage(format!(
            "METHOD `{}` is not one orqex sends; use GET, POST, PUT, PATCH or DELETE",
            given.escape_debug()
        ))),
    }
}

/// The characters a path may hold as they are (RFC 3986's pchar, and `/`); anything else
/// is refused rather than encoded, since a path is typed to be sent as it reads.
fn path_char(c: char) -> bool {
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

/// `--data`'s bytes, checked to be JSON without a key in it, and sent exactly as given (so
/// an amount typed `50` travels as `50`).
fn body(data: &str) -> Result<Vec<u8>> {
    // Stdin is read only when asked for (`--data -`): a script's loop keeps its input.
    let source = JsonSource::choose(Some(data), true, true)?
        .ok_or_else(|| Error::usage("--data needs a value"))?;
    let what = source.describe();
    let bytes = {
        let _signals = interrupt::nothing_sent();
        source.bytes()?
    };
    if bytes.len() > MAX_JSON_BYTES {
        return Err(Error::usage(format!(
            "{what} is larger than 1 MiB; an API request is a few kilobytes, check the input"
        )));
    }
    if let Some(why) = crate::limits::too_deep(&bytes) {
        return Err(Error::usage(format!("{what} {why}")));
    }
    let bytes = strip_bom(&bytes).to_vec();
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::usage(format!("{what} is not valid UTF-8; save it as UTF-8")))?;
    if text.trim().is_empty() {
        return Err(Error::usage(format!("{what} is empty; give a JSON value")));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::usage(format!(
            "{what} is not valid JSON: {e}; check the quoting, or give the body with --data @FILE"
        ))
    })?;
    // Looked for in the decoded names and strings, as for a checkout's body: a key written
    // with escapes (`sk_live_\u0061...`) is sent as the key itself.
    let mut found = Vec::new();
    crate::checkout::checks::secret_keys(&value, "", &mut found);
    if let Some((field, why)) = found.into_iter().next() {
        let at = if field.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", crate::text::printable(&field))
        };
        return Err(Error::usage(format!("{what}{at} {why}")));
    }
    Ok(text.trim().as_bytes().to_vec())
}

/// Before a write with a key that is not a sandbox key: asked at a terminal, said otherwise.
fn confirm_live(
    ui: &Ui,
    key: &secret::SecretKey,
    method: &Method,
    path: &str,
    ask: bool,
) -> Result<()> {
    let kind = match key.environment() {
        Environment::Sandbox => return Ok(()),
        Environment::Live => "a live key",
        Environment::Unknown => "a key that is not a sandbox key",
    };
    if !ask {
        ui.status(&format!(
            "orqex: using {kind} ({key}): this {method} acts on real payments"
        ));
        return Ok(());
    }
    prompt::confirm_live(
        "This sends a write with a LIVE key: real payments.",
        &[
            ("request", format!("{method} {path}")),
            ("environment", format!("live (key {key})")),
        ],
        "Send it?",
    )
}

/// How the answer reaches stdout.
struct Printer<'a> {
    ui: &'a Ui,
    format: ApiFormat,
    jq: Option<Jq>,
}

impl Printer<'_> {
    /// One answer (or, paginated, the array of every row).
    fn answer(&self, body: &Value) -> Result<()> {
        if body.is_null() {
            // 204 No Content: nothing to print, as `gh api` prints nothing.
            return Ok(());
        }
        if self.format == ApiFormat::Jsonl {
            return match body.get("data").and_then(Value::as_array) {
                Some(rows) => rows.iter().try_for_each(|row| self.line(row)),
                None => self.line(body),
            };
        }
        match (&self.jq, self.format) {
            (Some(jq), _) => self.ui.out_jq(jq, body),
            (None, ApiFormat::Json) => self.ui.out_json(body),
            (None, _) => self.ui.out_json_line(body),
        }
    }

    /// One row of `--output jsonl`.
    fn line(&self, row: &Value) -> Result<()> {
        match &self.jq {
            Some(jq) => self.ui.out_jq(jq, row),
            None => self.ui.out_json_line(row),
        }
    }
}

/// Every page of a list, rows printed as they come with `--output jsonl` (a long list shows
/// progress, and a failure on page 40 keeps the 39 before it), else gathered into one array.
fn paginate(
    client: &Client,
    first: &str,
    headers: &[(String, String)],
    printer: &Printer,
) -> Result<()> {
    let base = first.split('?').next().unwrap_or(first);
    let mut path = first.to_string();
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for page in 1.. {
        let resp: ApiResponse = client.send(&Call {
            headers,
            ..Call::get(&path)
        })?;
        let Some(rows) = resp.body.get("data").and_then(Value::as_array) else {
            return Err(Error::Other(format!(
                "--paginate: the answer to GET {path} has no `data` list, so it is not a list's page; drop --paginate"
            )));
        };
        if printer.format == ApiFormat::Jsonl {
            rows.iter().try_for_each(|row| printer.line(row))?;
        } else {
            all.extend(rows.iter().cloned());
        }
        let query = match next_page(&resp.body) {
            Next::Done => break,
            Next::Page(query) => query,
            // Stopping quietly would hand a script part of the list as if it were all of it.
            Next::Unusable(why) => {
                return Err(Error::Other(format!(
                    "--paginate: page {page} of GET {base} says more pages follow, but {why}; the list is incomplete ({})",
                    if printer.format == ApiFormat::Jsonl {
                        "the rows above are those of the pages read"
                    } else {
                        "nothing was printed"
                    }
                )));
            }
        };
        let next = format!("{base}?{query}");
        if !seen.insert(next.clone()) || page >= MAX_PAGES {
            return Err(Error::Other(format!(
                "--paginate: the API's next page ({next}) was already read, or there are more than {MAX_PAGES} pages; stopped so as not to loop"
            )));
        }
        path = next;
    }
    if printer.format == ApiFormat::Jsonl {
        return Ok(());
    }
    printer.answer(&Value::Array(all))
}

/// Where a list goes on, as its `pagination` says.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// No more pages (`has_more_pages` is not true).
    Done,
    /// The query of the next page: the API's own `next_page_url` lends only its query, so a
    /// page can never send the key elsewhere.
    Page(String),
    /// More pages follow, but the answer gives no usable way to them.
    Unusable(&'static str),
}

fn next_page(body: &Value) -> Next {
    let Some(pagination) = body.get("pagination") else {
        return Next::Done;
    };
    if pagination.get("has_more_pages") != Some(&Value::Bool(true)) {
        return Next::Done;
    }
    let Some(url) = pagination.get("next_page_url").and_then(Value::as_str) else {
        return Next::Unusable("it gives no next_page_url");
    };
    let Some((_, query)) = url.split_once('?') else {
        return Next::Unusable("its next_page_url has no query");
    };
    let query = query.split('#').next().unwrap_or(query);
    if query.is_empty() || !query.chars().all(|c| c == '?' || path_char(c)) {
        return Next::Unusable("its next_page_url has no usable query");
    }
    Next::Page(query.to_string())
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

    #[test]
    fn the_next_page_is_only_a_query() {
        let page = |more: Value, url: Value| {
            next_page(
                &serde_json::json!({"data": [], "pagination": {"has_more_pages": more, "next_page_url": url}}),
            )
        };
        assert_eq!(
            page(
                true.into(),
                "https://api.orqex.com/v1/payment/intents?page=2&per_page=5".into()
            ),
            Next::Page("page=2&per_page=5".into())
        );
        assert_eq!(
            page(true.into(), "https://evil.example/?cursor=abc#x".into()),
            Next::Page("cursor=abc".into())
        );
        assert_eq!(
            page(false.into(), "https://api.orqex.com/v1/x?page=2".into()),
            Next::Done
        );
        assert_eq!(
            page("true".into(), "https://api.orqex.com/v1/x?page=2".into()),
            Next::Done
        );
        assert_eq!(
            page(true.into(), Value::Null),
            Next::Unusable("it gives no next_page_url")
        );
        assert_eq!(
            page(true.into(), "https://api.orqex.com/v1/x".into()),
            Next::Unusable("its next_page_url has no query")
        );
        for bad in [
            "https://api.orqex.com/v1/x?",
            "https://a/x?c=a b",
            "\u{1b}[31m?x=1\u{1b}",
        ] {
            assert_eq!(
                page(true.into(), bad.into()),
                Next::Unusable("its next_page_url has no usable query"),
                "{bad}"
            );
        }
        assert_eq!(next_page(&serde_json::json!({"data": []})), Next::Done);
    }

    #[test]
    fn methods_in_any_case() {
        assert_eq!(method("get").unwrap(), Method::GET);
        assert_eq!(method("Post").unwrap(), Method::POST);
        assert_eq!(method("PUT").unwrap(), Method::PUT);
        assert_eq!(method("patch").unwrap(), Method::PATCH);
        assert_eq!(method("delete").unwrap(), Method::DELETE);
        assert!(method("HEAD").is_err());
    }
}
