//! What a checkout looks like to the user: its formats (`--output`), the summary line, the QR
//! code, opening it in a browser. The text is made here; `ui::Ui` writes it.

use serde_json::Value;

use crate::client::ApiResponse;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::secret::Environment;
use crate::ui::Ui;

/// The variables `--output env` prints, in order, with where each comes from. The first two
/// are required (a checkout without them is a broken answer); the others print empty when the
/// API leaves them out, so an `eval` never keeps a stale value from an earlier run.
pub const ENV_FIELDS: [(&str, &str, bool); 4] = [
    ("ORQEX_CHECKOUT_ID", "checkout.id", true),
    ("ORQEX_CHECKOUT_URL", "checkout.url", true),
    ("ORQEX_PAYMENT_ID", "payment.id", false),
    ("ORQEX_CHECKOUT_EXPIRES_AT", "checkout.expires_at", false),
];

/// How to see an answer orqex could not use. After a create, only with the same key: the
/// API replays the answer, where a plain run again would create a second checkout.
pub fn see_the_answer(idempotency_key: Option<&str>) -> &'static str {
    match idempotency_key {
        Some(_) => {
            "to see the answer, run the same command again with --output json and the --idempotency-key below (the API replays it; nothing is created twice)"
        }
        None => "run again with --output json to see the answer",
    }
}

/// Prints the result of a create or retrieve in the chosen format.
pub fn print_checkout(
    ui: &Ui,
    resp: &ApiResponse,
    format: Format,
    jq: Option<&crate::jq::Jq>,
    idempotency_key: Option<&str>,
) -> Result<()> {
    if let Some(jq) = jq {
        return ui.out_jq(jq, &resp.body);
    }
    let broken = |what: String| Error::Network {
        message: format!(
            "the API answered {} but {what}; {}",
            resp.status,
            see_the_answer(idempotency_key)
        ),
        idempotency_key: idempotency_key.map(str::to_string),
    };
    // One line each: a control character (a line break above all) would let the answer
    // add lines a script reads as something else.
    let required = |pointer: &str| {
        let value = crate::answer::text(&resp.body, pointer)
            .ok_or_else(|| broken(format!("the response has no {}", dotted(pointer))))?;
        if value.chars().any(crate::text::is_unsafe) {
            return Err(broken(format!(
                "{} contains a control character, which cannot be printed as one line",
                dotted(pointer)
            )));
        }
        Ok(value)
    };
    let web_url = || {
        let url = required("checkout.url")?;
        if is_web_url(url) {
            Ok(url)
        } else {
            Err(broken(format!(
                "data.checkout.url `{}` is not an http(s) URL",
                printable(url)
            )))
        }
    };
    match format {
        Format::Url => ui.out(web_url()?),
        Format::Id => ui.out(required("checkout.id")?),
        Format::Status => ui.out(required("checkout.status")?),
        Format::Env => {
            web_url()?;
            let text = env_lines(&resp.body).map_err(broken)?;
            ui.out(text.trim_end_matches('\n'))
        }
        // json, and any word clap lets no checkout command take (Format::CHECKOUT).
        _ => ui.out_json(&resp.body),
    }
}

/// `checkout.url` → `data.checkout.url`, the way the API names fields in errors.
fn dotted(path: &str) -> String {
    format!("data.{path}")
}

pub fn checkout_url(body: &Value) -> Option<&str> {
    crate::answer::text(body, "checkout.url")
}

pub fn checkout_id(body: &Value) -> Option<&str> {
    crate::answer::text(body, "checkout.id")
}

/// The `--output env` text, one `NAME=value` line per variable, or what is wrong.
pub fn env_lines(body: &Value) -> std::result::Result<String, String> {
    let mut out = String::new();
    for (name, pointer, required) in ENV_FIELDS {
        let value = match crate::answer::get(body, pointer) {
            Some(Value::String(s)) => s.clone(),
            // A number or boolean id is still printable as its JSON text.
            Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
            _ if required => return Err(format!("the response has no {}", dotted(pointer))),
            _ => String::new(),
        };
        // A line break would end the line early: in $GITHUB_ENV that is another variable.
        if value.chars().any(crate::text::is_unsafe) {
            return Err(format!(
                "{} contains a control character, which --output env cannot print safely",
                dotted(pointer)
            ));
        }
        out.push_str(&format!("{name}={}\n", shell_quote(&value)));
    }
    Ok(out)
}

use crate::text::{printable, shell_quote};

/// The short line shown under the URL at a terminal: amount as the API formats it,
/// environment, expiry. `None` when the answer has none of them.
pub fn summary(body: &Value, key_env: Environment, colour: bool) -> Option<String> {
    let text = |p: &str| crate::answer::text(body, p).map(printable);
    let mut parts = Vec::new();
    if let Some(amount) = text("payment.amount.formatted") {
        parts.push(
            console::style(amount)
                .bold()
                .force_styling(colour)
                .to_string(),
        );
    }
    // The key decides the environment (the API reference says so); the answer's word is
    // shown only when the key does not say, so an answer cannot dress live money as sandbox.
    let env = match key_env {
        Environment::Unknown => text("checkout.environment"),
        known => Some(known.as_str().to_string()),
    };
    if let Some(env) = env {
        let styled = console::style(env.clone()).force_styling(colour);
        let styled = match env.as_str() {
            // Real money: hard to miss.
            "live" => styled.red().bold(),
            "sandbox" => styled.yellow(),
            _ => styled,
        };
        parts.push(styled.to_string());
    }
    // Whether it was paid is what a person looking at a checkout wants to know first.
    if text("checkout.status").is_some() || text("payment.status").is_some() {
        parts.push(crate::wait::describe(body));
    }
    if let Some(expires) = text("checkout.expires_at") {
        parts.push(format!("expires {expires}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The URL as a QR code of Unicode half blocks (two modules per character cell). Drawn light
/// on dark, as terminals usually are; phone cameras read either way.
pub fn qr(url: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| Error::Other(format!("cannot draw a QR code for {url}: {e}")))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build())
}

/// Whether `url` is an absolute http(s) URL with a host: the only kind a checkout URL may be,
/// printed or opened. Anything else (`file:`, `javascript:`, a relative path, text starting
/// with `-` that a launcher would read as an option) is a broken answer.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map(|scheme| &url[scheme.len()..])
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    !host.is_empty()
        && !host.starts_with(':')
        && !url
            .chars()
            .any(|c| c.is_whitespace() || crate::text::is_unsafe(c))
}

/// Opens the URL in `$BROWSER` (a `:`-separated list of programs, each run as `PROGRAM URL`)
/// or else the desktop's default handler, trying each until one succeeds. Returns why none
/// could, in words. The browser inherits none of the `secrets` variables.
pub fn open_url(url: &str, secrets: &[&str]) -> std::result::Result<(), String> {
    if !is_web_url(url) {
        return Err(format!("`{}` is not an http(s) URL", printable(url)));
    }
    let commands: Vec<std::process::Command> = match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        // Each entry a program and its arguments (`firefox --new-window`); a `%s` among them
        // stands for the URL, which otherwise comes last.
        Some(list) => list
            .split(':')
            .filter_map(|entry| {
                let mut words = entry.split_whitespace();
                let mut cmd = std::process::Command::new(words.next()?);
                let mut placed = false;
                for word in words {
                    placed |= word.contains("%s");
                    cmd.arg(word.replace("%s", url));
                }
                if !placed {
                    cmd.arg(url);
                }
                Some(cmd)
            })
            .collect(),
        None => open::commands(url),
    };
    let mut failures = Vec::new();
    for mut cmd in commands {
        let name = cmd.get_program().to_string_lossy().into_owned();
        for name in secrets {
            cmd.env_remove(name);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        match cmd.status() {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => failures.push(match status.code() {
                Some(code) => format!("`{name}` exited with status {code}"),
                None => format!("`{name}` was killed"),
            }),
            Err(e) => failures.push(format!("`{name}`: {}", crate::text::io_reason(&e))),
        }
    }
    if failures.is_empty() {
        return Err("no program to open it with on this system; set BROWSER".into());
    }
    Err(failures.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn env_output_fills_missing_optional_fields_empty() {
        let body = json!({"data": {"checkout": {"id": "cs_1", "url": "https://p/c/cs_1"}}});
        assert_eq!(
            env_lines(&body).unwrap(),
            "ORQEX_CHECKOUT_ID=cs_1\nORQEX_CHECKOUT_URL=https://p/c/cs_1\nORQEX_PAYMENT_ID=\nORQEX_CHECKOUT_EXPIRES_AT=\n"
        );
        let body = json!({"data": {"checkout": {"id": "cs_1"}}});
        assert!(env_lines(&body).unwrap_err().contains("data.checkout.url"));
        let body = json!({"data": {"checkout": {"id": "cs_1", "url": "https://p/\nEVIL=1"}}});
        assert!(env_lines(&body).unwrap_err().contains("control character"));
    }

    #[test]
    fn summary_parts() {
        let body = json!({"data": {
            "checkout": {"environment": "live", "expires_at": "2026-11-24T12:00:00Z"},
            "payment": {"amount": {"formatted": "50.00 XOF"}}}});
        // The key says which money moves, whatever the answer claims.
        assert_eq!(
            summary(&body, Environment::Sandbox, false).unwrap(),
            "50.00 XOF · sandbox · expires 2026-11-24T12:00:00Z"
        );
        assert_eq!(
            summary(&body, Environment::Unknown, false).unwrap(),
            "50.00 XOF · live · expires 2026-11-24T12:00:00Z"
        );
        let coloured = summary(&body, Environment::Sandbox, true).unwrap();
        assert!(coloured.contains("\x1b["), "{coloured:?}");
        // Without the API's environment, the key's.
        assert_eq!(
            summary(&json!({}), Environment::Sandbox, false).unwrap(),
            "sandbox"
        );
        assert_eq!(summary(&json!({}), Environment::Unknown, false), None);
    }

    #[test]
    fn qr_is_drawn_in_half_blocks() {
        let code = qr("https://pay.orqex.com/c/cs_1").unwrap();
        assert!(code.lines().count() > 10);
        assert!(code.chars().all(|c| " ▀▄█\n".contains(c)));
    }
}
