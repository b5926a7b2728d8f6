//! The checks of single values: each a small function from the raw text to the normalised
//! value sent (or what is wrong with it), so that a flag, a JSON field, a CSV cell and an
//! answer at a prompt are all held to the same rules, in the same words.

use serde_json::Value;

use crate::error::FieldError;
use crate::secret::{find_secret, mask};

pub const DESCRIPTION_MAX: usize = 500;
pub const URL_MAX: usize = 2048;
pub const STATEMENT_DESCRIPTOR_MAX: usize = 22;
pub const RECEIPT_EMAIL_MAX: usize = 255;
pub const METADATA_MAX_KEYS: usize = 10;
pub const IDEMPOTENCY_KEY_MIN: usize = 8;
pub const IDEMPOTENCY_KEY_MAX: usize = 128;

/// Amount in major units: a plain decimal of at least 1, kept as typed.
pub fn amount(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(format!(
            "`{raw}` is not an amount; write a plain decimal in major units, like 50 or 12.5"
        ));
    }
    if int.len() > 1 && int.starts_with('0') {
        return Err(format!(
            "`{raw}` has a leading zero; write it without, like 50"
        ));
    }
    if int == "0" {
        return Err(format!("`{raw}` is below the minimum amount of 1"));
    }
    Ok(s.to_string())
}

/// ISO 4217 code: three letters, sent uppercase.
pub fn currency(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err(format!(
            "`{raw}` is not a three-letter ISO 4217 currency code, like XOF"
        ))
    }
}

/// ISO 3166-1 alpha-2 code: two letters, sent uppercase.
pub fn country(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err(format!(
            "`{raw}` is not a two-letter ISO 3166-1 country code, like CI, SN or GH"
        ))
    }
}

/// Non-empty text of at most `max` characters (characters, not bytes: names are often not ASCII).
pub fn text(raw: &str, max: Option<usize>) -> Result<String, String> {
    if raw.is_empty() {
        return Err("must not be empty".into());
    }
    if raw.trim().is_empty() {
        return Err("is only spaces; give some text".into());
    }
    // What is sent is shown again: on the checkout page, in the live confirmation, in answers.
    if let Some(why) = crate::text::unsafe_text(raw) {
        return Err(why);
    }
    let n = raw.chars().count();
    match max {
        Some(max) if n > max => Err(format!("is {n} characters long; the limit is {max}")),
        _ => Ok(raw.to_string()),
    }
}

/// An email address: one `@`, something before it, a dotted domain after it, no spaces.
pub fn email(raw: &str, max: Option<usize>) -> Result<String, String> {
    let s = raw.trim();
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            // Every label of the domain non-empty and not starting or ending with `-`.
            let labels_ok = domain.split('.').count() >= 2
                && domain
                    .split('.')
                    .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
            !local.is_empty()
                && !domain.contains('@')
                && labels_ok
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !ok {
        return Err(format!(
            "`{raw}` is not a valid email address, like ama@example.com"
        ));
    }
    text(s, max)
}

/// An absolute http(s) URL of at most 2048 characters, whose host and port can be reached.
pub fn url(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let parsed = s.parse::<ureq::http::Uri>().ok();
    let authority = parsed.as_ref().and_then(|u| {
        let web = matches!(u.scheme_str(), Some("http") | Some("https"));
        u.authority().filter(|a| web && !a.host().is_empty())
    });
    let Some(authority) = authority else {
        // A host name is ASCII: a browser's address bar converts a Unicode one, a request
        // body does not.
        let hint = if s.is_ascii() {
            ""
        } else {
            "; write a non-ASCII host name in its xn-- form"
        };
        return Err(format!(
            "`{raw}` is not an absolute http(s) URL, like https://shop.example.com/thanks{hint}"
        ));
    };
    crate::address::host_and_port(authority.as_str()).map_err(|why| format!("`{raw}` {why}"))?;
    text(s, Some(URL_MAX))
}

/// A national phone number: digits, with the spaces, dashes and brackets people type.
pub fn phone_number(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+'));
    if s.is_empty() || !allowed || !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{raw}` is not a phone number; give the national number, like 0700000000"
        ));
    }
    Ok(s.to_string())
}

/// A whole number of minutes, at least 1, kept as typed.
pub fn minutes(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{raw}` is not a whole number of minutes, like 30"));
    }
    if s.bytes().all(|b| b == b'0') {
        return Err("must be at least 1 minute".into());
    }
    if s.starts_with('0') {
        return Err(format!(
            "`{raw}` has a leading zero; write it without, like 30"
        ));
    }
    Ok(s.to_string())
}

/// `X-Idempotency-Key`: 8 to 128 visible ASCII characters (it travels in a header).
pub fn idempotency_key(raw: &str) -> Result<String, String> {
    let n = raw.chars().count();
    if !(IDEMPOTENCY_KEY_MIN..=IDEMPOTENCY_KEY_MAX).contains(&n) {
        return Err(format!(
            "is {n} characters long; it must be {IDEMPOTENCY_KEY_MIN} to {IDEMPOTENCY_KEY_MAX}"
        ));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must be visible ASCII characters without spaces".into());
    }
    Ok(raw.to_string())
}

/// A bad `--idempotency-key`, reported among the body's problems.
pub fn idempotency_key_problem(message: String) -> FieldError {
    FieldError {
        field: "X-Idempotency-Key".into(),
        flag: "--idempotency-key".into(),
        message,
    }
}

/// Why a value cannot be sent, if it holds what looks like a secret key (named only masked).
pub fn secret_in_value(raw: &str) -> Option<String> {
    let at = find_secret(raw)?;
    let found = &raw[at];
    let (what, never) = if found.starts_with(crate::secret::WEBHOOK_SECRET_PREFIX) {
        ("a webhook signing secret", "a signing secret")
    } else {
        ("a secret key", "a key")
    };
    Some(format!(
        "holds what looks like {what} ({}); {never} never goes in a request body",
        mask(found)
    ))
}

/// Why a field's name cannot be sent, if it holds what looks like a secret key. The field
/// must then be named through `mask` too.
pub fn secret_in_name(name: &str) -> Option<String> {
    secret_in_value(name).map(|why| format!("the name {why}"))
}

/// Every name and string below `value` (at `path`) that holds what looks like a secret key,
/// as (field, why), the field masked. A body is searched for keys before anything else is
/// said about it, since the other messages quote names and values.
pub fn secret_keys(value: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => {
            if let Some(why) = secret_in_value(s) {
                found.push((path.to_string(), why));
            }
        }
        Value::Object(map) => {
            for (name, inner) in map {
                let at = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match secret_in_name(name) {
                    Some(why) => found.push((mask(&at).into_owned(), why)),
                    None => secret_keys(inner, &at, found),
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                secret_keys(inner, &format!("{path}[{i}]"), found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

pub fn description(s: &str) -> Result<String, String> {
    text(s, Some(DESCRIPTION_MAX))
}

pub fn plain_text(s: &str) -> Result<String, String> {
    text(s, None)
}

pub fn customer_email(s: &str) -> Result<String, String> {
    email(s, None)
}

pub fn receipt_email(s: &str) -> Result<String, String> {
    email(s, Some(RECEIPT_EMAIL_MAX))
}

pub fn statement_descriptor(s: &str) -> Result<String, String> {
    text(s, Some(STATEMENT_DESCRIPTOR_MAX))
}

/// A metadata value: any text that can be shown (numbers and booleans pass as they are).
pub fn metadata_value(s: &str) -> Result<String, String> {
    match crate::text::unsafe_text(s) {
        Some(why) => Err(why),
        None => Ok(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount("50").unwrap(), "50");
        assert_eq!(amount("12.5").unwrap(), "12.5");
        assert_eq!(amount("1").unwrap(), "1");
        assert_eq!(amount("1.00").unwrap(), "1.00");
        for bad in [
            "abc",
            "NaN",
            "inf",
            "-infinity",
            "",
            "0",
            "0.99",
            "-5",
            "1e3",
            "050",
            "5.",
            ".5",
            "1,5",
            "+5",
        ] {
            assert!(amount(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn codes_are_uppercased() {
        assert_eq!(currency("xof").unwrap(), "XOF");
        assert!(currency("XO").is_err());
        assert!(currency("X0F").is_err());
        assert_eq!(country("ci").unwrap(), "CI");
        assert!(country("CIV").is_err());
    }

    #[test]
    fn urls_and_emails() {
        assert!(url("https://shop.example.com/thanks?o=1").is_ok());
        assert!(url("http://localhost:8080/x").is_ok());
        for bad in [
            "shop.example.com",
            "ftp://x.example",
            "/relative",
            "https://",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
        for reachable in [
            "https://xn--bcher-kva.example/",
            "https://a-b.c0.example./",
            "http://10.0.0.1:1/",
            "http://[2001:db8::1]:65535/x",
            "https://user:pw@shop.example.com/",
        ] {
            assert!(url(reachable).is_ok(), "{reachable}");
        }
        for unreachable in [
            "http://[::1]:99999/",
            "https://x.example:0/",
            "https://x.example:/",
            "https://x.example:+80/",
            "http://-/",
            "https://a..b/",
            "https://-x.example/",
            "https://x.example-/",
            "https://x_y.example/",
            "http://1.2.3/",
            "http://1.2.3.256/",
            "http://[::1/",
            "http://[::1]x/",
            "http://[fe80::1%25eth0]/",
            "https://./",
        ] {
            assert!(url(unreachable).is_err(), "{unreachable}");
        }
        let label = "a".repeat(64);
        assert!(url(&format!("https://{label}.example/")).is_err());
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert!(url(&long).is_err());
        assert!(email("ama@example.com", None).is_ok());
        for bad in [
            "ama",
            "ama@",
            "@example.com",
            "ama@example",
            "a b@example.com",
        ] {
            assert!(email(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_refuse_control_characters() {
        assert_eq!(
            phone_number(" 07 00-00 (00) 00 ").unwrap(),
            "07 00-00 (00) 00"
        );
        for bad in [
            "07\u{1b}[2K00",
            "07\u{7f}00",
            "07\u{85}00",
            "07\n00",
            "07\u{202e}00",
        ] {
            assert!(phone_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_webhook_secret_in_a_body_is_named_as_such() {
        assert_eq!(
            secret_in_value("x whsec_test_0000_0000_fake").unwrap(),
            "holds what looks like a webhook signing secret (whsec_***fake); a signing secret never goes in a request body"
        );
    }

    #[test]
    fn secret_keys_are_found_in_every_name_and_string_and_shown_masked() {
        let body: Value = serde_json::from_str(
            r#"{"a": "sk_live_0000000000000abcd", "b": {"sk_test_00000000abcd": {"c": "sk_live_0000000000000zzzz"}},
                "d": ["x", {"e": "see sk_sandbox_000000000000wxyz"}], "f": 5, "desk_live_0000000000": "sk_live_x"}"#,
        )
        .unwrap();
        let mut found = Vec::new();
        secret_keys(&body, "", &mut found);
        let never = "a key never goes in a request body";
        assert_eq!(
            found,
            [
                (
                    "a".into(),
                    format!("holds what looks like a secret key (sk_live_***abcd); {never}")
                ),
                (
                    "b.sk_test_***abcd".into(),
                    format!(
                        "the name holds what looks like a secret key (sk_test_***abcd); {never}"
                    )
                ),
                (
                    "d[1].e".into(),
                    format!("holds what looks like a secret key (sk_sandbox_***wxyz); {never}")
                ),
            ]
        );
    }

    #[test]
    fn idempotency_keys() {
        assert!(idempotency_key("12345678").is_ok());
        assert!(idempotency_key("1234567").is_err());
        assert!(idempotency_key(&"k".repeat(128)).is_ok());
        assert!(idempotency_key(&"k".repeat(129)).is_err());
        assert!(idempotency_key("has space").is_err());
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(amount(" 50 ").unwrap(), "50");
        assert_eq!(amount("10").unwrap(), "10");
        assert_eq!(
            amount("0").unwrap_err(),
            "`0` is below the minimum amount of 1"
        );
        assert_eq!(
            amount("0.5").unwrap_err(),
            "`0.5` is below the minimum amount of 1"
        );
        for zero in ["05", "00", "007.5"] {
            assert_eq!(
                amount(zero).unwrap_err(),
                format!("`{zero}` has a leading zero; write it without, like 50")
            );
        }
        assert_eq!(
            amount("1.x").unwrap_err(),
            "`1.x` is not an amount; write a plain decimal in major units, like 50 or 12.5"
        );
    }

    #[test]
    fn text_limits_count_characters() {
        assert_eq!(text("abc", Some(3)).unwrap(), "abc");
        assert_eq!(text("ééé", Some(3)).unwrap(), "ééé");
        assert_eq!(
            text("abcd", Some(3)).unwrap_err(),
            "is 4 characters long; the limit is 3"
        );
        assert_eq!(text(" a ", None).unwrap(), " a ");
        assert_eq!(text("", None).unwrap_err(), "must not be empty");
        assert_eq!(
            text("  ", None).unwrap_err(),
            "is only spaces; give some text"
        );
        assert!(text("a\u{7}", None).is_err());
    }

    #[test]
    fn email_rules() {
        assert_eq!(email(" ama@example.com ", None).unwrap(), "ama@example.com");
        assert_eq!(
            email("a.b+c@mail.example-1.com", None).unwrap(),
            "a.b+c@mail.example-1.com"
        );
        for bad in [
            "a@x..com",
            "a@.x.com",
            "a@x.com.",
            "a@-x.com",
            "a@x-.com",
            "a@x.-com",
            "a@x.com-",
            "a@b@x.com",
            "a\tb@x.com",
            "a\u{7}@x.com",
            "a@x.\u{85}com",
        ] {
            assert_eq!(
                email(bad, None).unwrap_err(),
                format!("`{bad}` is not a valid email address, like ama@example.com"),
                "{bad:?}"
            );
        }
        assert_eq!(
            email("ama@example.com", Some(10)).unwrap_err(),
            "is 15 characters long; the limit is 10"
        );
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(phone_number("+225 0700000000").unwrap(), "+225 0700000000");
        for bad in ["", "  ", "--", "()", "07a0", "07.00"] {
            assert_eq!(
                phone_number(bad).unwrap_err(),
                format!("`{bad}` is not a phone number; give the national number, like 0700000000"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn minutes_are_whole_and_at_least_one() {
        assert_eq!(minutes(" 30 ").unwrap(), "30");
        assert_eq!(minutes("10").unwrap(), "10");
        assert_eq!(minutes("1").unwrap(), "1");
        for zero in ["0", "000"] {
            assert_eq!(minutes(zero).unwrap_err(), "must be at least 1 minute");
        }
        assert_eq!(
            minutes("030").unwrap_err(),
            "`030` has a leading zero; write it without, like 30"
        );
        for bad in ["", " ", "3a", "1.5", "-1", "+1"] {
            assert_eq!(
                minutes(bad).unwrap_err(),
                format!("`{bad}` is not a whole number of minutes, like 30"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn idempotency_key_problems_name_the_header_and_flag() {
        assert_eq!(
            idempotency_key("short").unwrap_err(),
            "is 5 characters long; it must be 8 to 128"
        );
        assert_eq!(
            idempotency_key("has a space").unwrap_err(),
            "must be visible ASCII characters without spaces"
        );
        assert_eq!(idempotency_key("orq_0123").unwrap(), "orq_0123");
        let p = idempotency_key_problem("is wrong".into());
        assert_eq!(
            (p.field.as_str(), p.flag.as_str(), p.message.as_str()),
            ("X-Idempotency-Key", "--idempotency-key", "is wrong")
        );
    }

    #[test]
    fn secrets_in_a_value_or_a_name() {
        assert_eq!(secret_in_value("order 1024"), None);
        assert_eq!(secret_in_name("order_id"), None);
        assert_eq!(
            secret_in_value("key sk_sandbox_test_0000").as_deref(),
            Some(
                "holds what looks like a secret key (sk_sandbox_***); a key never goes in a request body"
            )
        );
        assert_eq!(
            secret_in_name("sk_sandbox_test_0000").as_deref(),
            Some(
                "the name holds what looks like a secret key (sk_sandbox_***); a key never goes in a request body"
            )
        );
    }

    #[test]
    fn each_field_check_keeps_its_value_and_its_limit() {
        assert_eq!(description("Order 1024").unwrap(), "Order 1024");
        assert!(description(&"x".repeat(DESCRIPTION_MAX + 1)).is_err());
        assert_eq!(plain_text("Ama").unwrap(), "Ama");
        assert!(plain_text(&"x".repeat(5000)).is_ok());
        assert_eq!(customer_email("a@x.com").unwrap(), "a@x.com");
        assert!(customer_email(&format!("{}@x.com", "a".repeat(300))).is_ok());
        assert_eq!(receipt_email("a@x.com").unwrap(), "a@x.com");
        assert!(receipt_email(&format!("{}@x.com", "a".repeat(250))).is_err());
        assert_eq!(statement_descriptor("SHOP").unwrap(), "SHOP");
        assert!(statement_descriptor(&"x".repeat(STATEMENT_DESCRIPTOR_MAX + 1)).is_err());
        assert_eq!(metadata_value("v").unwrap(), "v");
        assert_eq!(metadata_value("").unwrap(), "");
        assert!(metadata_value("a\u{7}").is_err());
        assert_eq!(url(" https://x.example/a ").unwrap(), "https://x.example/a");
    }
}
