//! `orqex api METHOD PATH`: any endpoint of the API, with what every command does well (the
//! key and profiles, TLS, retries with one idempotency key, the body cap, masking, exit
//! codes), and the checks that keep a path on the API's own base URL.

use ureq::http::Method;

mod headers;
mod pages;
mod path;
mod print;

pub use path::path;

use super::net;
use crate::checkout::checks;
use crate::checkout::source::{JsonSource, MAX_JSON_BYTES, strip_bom};
use crate::cli::{ApiArgs, ApiMethod};
use crate::client::{self, Call};
use crate::error::{self, Error, Result};
use crate::format::Format;
use crate::interrupt;
use crate::jq::Jq;
use crate::prompt;
use crate::secret::{self, Environment};
use crate::ui::Ui;

pub fn run(ui: &Ui, profile: Option<&str>, args: ApiArgs) -> Result<()> {
    let method = method(args.method);
    let write = method != Method::GET;
    let format = match args.output {
        Some(f) => f,
        None if ui.stdout_is_terminal() => Format::Json,
        None => Format::Compact,
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
        Some(data) => Some(body(ui, data)?),
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
    let printer = print::Printer { ui, format, jq };
    if !write {
        if args.paginate {
            let list = pages::List {
                base_url: &settings.base_url,
                path: path.split('?').next().unwrap_or(&path),
            };
            return pages::paginate(&client, &list, &path, &headers, &printer);
        }
        let resp = client.send_raw(&Call {
            headers: &headers,
            ..Call::get(&path)
        })?;
        return printer.answer(&resp.body.0);
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
    let resp = client.send_raw(&call).map_err(|e| {
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
    printer.answer(&resp.body.0).map_err(|e| Error::Noted {
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

/// The method as ureq sends it.
fn method(given: ApiMethod) -> Method {
    match given {
        ApiMethod::Get => Method::GET,
        ApiMethod::Post => Method::POST,
        ApiMethod::Put => Method::PUT,
        ApiMethod::Patch => Method::PATCH,
        ApiMethod::Delete => Method::DELETE,
    }
}

/// `--data`'s bytes, checked to be JSON without a key in it, and sent exactly as given (so
/// an amount typed `50` travels as `50`).
fn body(ui: &Ui, data: &str) -> Result<Vec<u8>> {
    // Stdin is read only when asked for (`--data -`): a script's loop keeps its input.
    let source = JsonSource::choose(Some(data), true, true)?
        .ok_or_else(|| Error::usage("--data needs a value"))?;
    let what = source.describe();
    const API_IS_SMALL: &str = "an API request is a few kilobytes, check the input";
    let bytes = source.bytes(ui, API_IS_SMALL)?;
    if bytes.len() > MAX_JSON_BYTES {
        return Err(Error::usage(format!(
            "{what} is larger than {}; {API_IS_SMALL}",
            crate::limits::bytes(MAX_JSON_BYTES as u64)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_in_any_case() {
        use clap::ValueEnum;
        for (typed, sent) in [
            ("get", Method::GET),
            ("Post", Method::POST),
            ("PUT", Method::PUT),
            ("patch", Method::PATCH),
            ("delete", Method::DELETE),
        ] {
            assert_eq!(ApiMethod::from_str(typed, true).map(method), Ok(sent));
        }
        assert!(ApiMethod::from_str("HEAD", true).is_err());
    }
}
