//! The secret key and the webhook signing secret: types that cannot be printed in full by
//! accident, and the masking every writer of orqex applies to its text.

use std::borrow::Cow;
use std::fmt;
use std::sync::{PoisonError, RwLock};

/// A secret API key. `Display` and `Debug` both print the masked form; the only way to the
/// real text is `expose`, which is called where the `Authorization` header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

/// Which money a key moves, decided by the key alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Live,
    Sandbox,
    Unknown,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Live => "live",
            Environment::Sandbox => "sandbox",
            Environment::Unknown => "unknown",
        }
    }
}

const LIVE: &str = "sk_live_";
const SANDBOX: &str = "sk_sandbox_";

/// The environments whose keys are recognised inside other text (`sk_live_...`,
/// `sk_sandbox_...`, and `sk_test_...` as the SDK names test keys).
const KEY_ENVIRONMENTS: [&str; 3] = ["live", "sandbox", "test"];
/// How many key characters must follow the prefix before a token counts as a key: fewer is a
/// word like `sk_live_demo`, not a secret.
const KEY_MIN_CHARS: usize = 8;

impl SecretKey {
    /// Accepts a key after trimming surrounding white space (a trailing newline from
    /// `echo` or a file is common). The error never contains the key.
    pub fn parse(raw: &str) -> Result<SecretKey, String> {
        let key = raw.trim();
        if key.is_empty() {
            return Err("the secret key is empty".into());
        }
        if !key.starts_with("sk_") {
            return Err("the secret key must start with `sk_` (sk_live_... or sk_sandbox_...); check that you copied the secret key, not another value".into());
        }
        if key.len() == prefix_len(key) {
            return Err("the secret key is only its prefix; copy the whole key".into());
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the secret key contains spaces, control characters or non-ASCII characters; copy it again".into(),
            );
        }
        // A `\` or `[` would be printed after the mask's `***`: only the key alphabet is taken.
        if !key.bytes().all(is_key_char) {
            return Err(
                "the secret key holds a character keys never have (they are letters, digits and `_`); copy it again".into(),
            );
        }
        remember(key);
        Ok(SecretKey(key.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn environment(&self) -> Environment {
        if self.0.starts_with(LIVE) {
            Environment::Live
        } else if self.0.starts_with(SANDBOX) {
            Environment::Sandbox
        } else {
            Environment::Unknown
        }
    }

    /// The official SDK's mask: prefix up to the environment, `***`, the last four characters.
    pub fn masked(&self) -> String {
        mask_one(&self.0)
    }
}

/// How every webhook signing secret starts (the endpoint's secret in the Orqex dashboard).
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// The fewest characters a signing secret has after `whsec_`. Real secrets carry 32 or more
/// random characters (at least 128 bits); one much shorter is a cut copy or a placeholder,
/// and an HMAC keyed with a few characters can be found by trying them all, so a delivery
/// "signed" with it proves nothing. 16 leaves room for any real format and refuses those.
/// (Below 8 a secret would not even be recognised, and masked, in output.)
const MIN_WEBHOOK_SECRET: usize = 16;

/// A webhook endpoint's signing secret (`whsec_...`): the HMAC-SHA256 key of the
/// `x-orqex-signature` header. Printed only masked, like `SecretKey`; `expose` is called only
/// where a signature is computed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Accepts a secret after trimming surrounding white space. The error never contains it.
    pub fn parse(raw: &str) -> Result<WebhookSecret, String> {
        let secret = raw.trim();
        if secret.is_empty() {
            return Err("the webhook signing secret is empty".into());
        }
        if secret.starts_with("sk_") {
            return Err("that is a secret API key (sk_...), not a webhook signing secret (whsec_...); copy the endpoint's signing secret from the dashboard".into());
        }
        if !secret.starts_with(WEBHOOK_SECRET_PREFIX) {
            return Err("a webhook signing secret starts with `whsec_`; check that you copied the endpoint's signing secret, not another value".into());
        }
        if secret.len() == WEBHOOK_SECRET_PREFIX.len() {
            return Err(
                "the webhook signing secret is only its prefix; copy the whole secret".into(),
            );
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the webhook signing secret contains spaces, control characters or non-ASCII characters; copy it again".into());
        }
        if secret.len() - WEBHOOK_SECRET_PREFIX.len() < MIN_WEBHOOK_SECRET {
            return Err(format!(
                "the webhook signing secret is too short to be a real one (fewer than {MIN_WEBHOOK_SECRET} characters after `whsec_`); copy the whole secret from the endpoint's settings"
            ));
        }
        remember(secret);
        Ok(WebhookSecret(secret.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `whsec_***abcd`.
    pub fn masked(&self) -> String {
        mask_one(&self.0)
    }
}

impl fmt::Display for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecret({})", self.masked())
    }
}

/// Length of a secret's prefix, the part a mask keeps: `whsec_` for a webhook secret; for a
/// key `sk_` and, when one follows, its environment word and `_` (`sk_live_`, `sk_test_`,
/// `sk_eu1_`).
fn prefix_len(key: &str) -> usize {
    if key.starts_with(WEBHOOK_SECRET_PREFIX) {
        return WEBHOOK_SECRET_PREFIX.len();
    }
    let Some(rest) = key.strip_prefix("sk_") else {
        return 0;
    };
    let env = rest
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        .count();
    if env > 0 && rest.as_bytes().get(env) == Some(&b'_') {
        3 + env + 1
    } else {
        3
    }
}

/// Any key text as the SDK shows it: `sk_live_***abcd`. Short keys show no tail at all,
/// since four characters would be most of the secret.
fn mask_one(key: &str) -> String {
    let prefix = prefix_len(key).min(key.len());
    let rest = &key[prefix..];
    let tail = if rest.len() >= 12 && rest.is_char_boundary(rest.len() - 4) {
        &rest[rest.len() - 4..]
    } else {
        ""
    };
    format!("{}***{tail}", &key[..prefix])
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the first whole secret in `text` is, by its shape: a secret key (`find_api_key`) or a
/// webhook signing secret (`whsec_` at the start of a token, then at least eight key
/// characters), whichever comes first.
pub fn find_key(text: &str) -> Option<std::ops::Range<usize>> {
    match (find_api_key(text), find_webhook_secret(text)) {
        (Some(a), Some(b)) => Some(if a.start <= b.start { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// `whsec_` at the start of a token (not inside a word like `xwhsec_`), then at least eight
/// key characters.
fn find_webhook_secret(text: &str) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(WEBHOOK_SECRET_PREFIX).map(|i| i + from) {
        from = at + WEBHOOK_SECRET_PREFIX.len();
        if at > 0 && is_key_char(bytes[at - 1]) {
            continue;
        }
        let end = from
            + bytes[from..]
                .iter()
                .take_while(|b| is_key_char(**b))
                .count();
        if end - from >= KEY_MIN_CHARS {
            return Some(at..end);
        }
    }
    None
}

/// Where the first whole secret key in `text` is: `sk_` at the start of a token (not inside a
/// word like `helpdesk_live_support`), an environment word (`live`, `sandbox`, `test`), `_`,
/// then at least eight key characters.
fn find_api_key(text: &str) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("sk_").map(|i| i + from) {
        from = at + 3;
        if at > 0 && is_key_char(bytes[at - 1]) {
            continue;
        }
        let rest = &text[at + 3..];
        let Some(env) = KEY_ENVIRONMENTS
            .iter()
            .find(|e| rest.starts_with(*e) && rest.as_bytes().get(e.len()) == Some(&b'_'))
        else {
            continue;
        };
        let start_of_chars = at + 3 + env.len() + 1;
        let end = start_of_chars
            + bytes[start_of_chars..]
                .iter()
                .take_while(|b| is_key_char(**b))
                .count();
        if end - start_of_chars >= KEY_MIN_CHARS {
            return Some(at..end);
        }
    }
    None
}

/// Where the first secret in `text` is: a secret met during this run (the key in use), in
/// any case or common encoding (`known_forms`), wherever it stands, even glued to a word; else
/// a whole key by its shape (`find_key`).
pub fn find_secret(text: &str) -> Option<std::ops::Range<usize>> {
    known_ranges(text)
        .into_iter()
        .next()
        .map(|(range, _)| range)
        .or_else(|| find_key(text))
}

/// A secret met during this run, in one of the forms it may come back in, lower-cased (matched
/// against lower-cased text), and the mask shown for it.
struct KnownForm {
    form: String,
    mask: String,
}

/// Secrets met during this run (the key in use, from wherever it was read), masked wherever
/// they show up even when they do not look like a key. Written once or twice at the start,
/// read for every string of every batch row by every worker at once: a read lock, which
/// readers share without waiting on each other.
static KNOWN: RwLock<Vec<KnownForm>> = RwLock::new(Vec::new());

/// Remembers a secret so that `mask` hides it. Short values are not remembered: replacing a
/// few common characters everywhere would mangle every message and hide nothing.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.len() < KEY_MIN_CHARS {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(PoisonError::into_inner);
    for form in known_forms(secret) {
        if !known.iter().any(|k| k.form == form) {
            known.push(KnownForm {
                form,
                mask: mask_one(secret),
            });
        }
    }
}

/// The forms a secret may be echoed back in by a sender or an app that knows it: as it is,
/// base64 (standard or URL-safe, padding aside), hex and reversed; each matched in any case,
/// since an upper-cased copy is as good as the secret to whoever reads it.
fn known_forms(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let standard = base64(bytes, b"+/");
    let url_safe = base64(bytes, b"-_");
    let reversed: String = secret.chars().rev().collect();
    [secret.to_string(), standard, url_safe, hex, reversed]
        .into_iter()
        .map(|f| f.to_ascii_lowercase())
        .collect()
}

/// Base64 without padding (a padded copy holds it), with `last_two` as its 62nd and 63rd letters.
fn base64(bytes: &[u8], last_two: &[u8; 2]) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let letter = |i: u32| {
        let i = (i & 63) as usize;
        char::from(if i < 62 { LETTERS[i] } else { last_two[i - 62] })
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(letter(n >> (18 - 6 * i)));
        }
    }
    out
}

/// Where the remembered secrets are in `text`, in any of their forms: ranges in order of
/// start, overlapping ones merged, each with the mask to show.
fn known_ranges(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let known = KNOWN.read().unwrap_or_else(PoisonError::into_inner);
    if known.is_empty() {
        return Vec::new();
    }
    // ASCII lower-casing keeps every byte offset, so a range found here is one in `text`.
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for k in known.iter() {
        let mut from = 0;
        while let Some(at) = lower[from..].find(k.form.as_str()).map(|i| i + from) {
            found.push((at..at + k.form.len(), k.mask.clone()));
            from = at + k.form.len();
        }
    }
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (range, mask) in found {
        match merged.last_mut() {
            Some((last, _)) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push((range, mask)),
        }
    }
    merged
}

/// `text` with every secret in it masked: the ones remembered (in any case or common
/// encoding), and anything shaped like a key. Every writer of orqex passes its text here,
/// whatever setting or answer the text came from.
pub fn mask(text: &str) -> Cow<'_, str> {
    let ranges = known_ranges(text);
    let mut out = Cow::Borrowed(text);
    if !ranges.is_empty() {
        let mut masked = String::with_capacity(text.len());
        let mut at = 0;
        for (range, mask) in ranges {
            masked.push_str(&text[at..range.start]);
            masked.push_str(&mask);
            at = range.end;
        }
        masked.push_str(&text[at..]);
        out = Cow::Owned(masked);
    }
    if find_key(&out).is_none() {
        return out;
    }
    let mut rest: &str = &out;
    let mut masked = String::with_capacity(rest.len());
    while let Some(range) = find_key(rest) {
        masked.push_str(&rest[..range.start]);
        masked.push_str(&mask_one(&rest[range.clone()]));
        rest = &rest[range.end..];
    }
    masked.push_str(rest);
    Cow::Owned(masked)
}

/// `value` with every secret in its strings and object keys masked: what a `--jq` filter is
/// given, so that however it reshapes a string (upper case, base64, a cut, reversed) no secret
/// the API echoed can come out whole. Masking the filter's output instead would miss them.
pub fn redact(value: &serde_json::Value) -> std::borrow::Cow<'_, serde_json::Value> {
    use serde_json::Value;
    fn holds_secret(value: &Value) -> bool {
        match value {
            Value::String(s) => matches!(mask(s), Cow::Owned(_)),
            Value::Array(items) => items.iter().any(holds_secret),
            Value::Object(map) => map
                .iter()
                .any(|(k, v)| matches!(mask(k), Cow::Owned(_)) || holds_secret(v)),
            _ => false,
        }
    }
    fn masked(value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(mask(s).into_owned()),
            Value::Array(items) => Value::Array(items.iter().map(masked).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (mask(k).into_owned(), masked(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    // Most answers hold no secret: they are given to the filter as they are, uncopied.
    if holds_secret(value) {
        Cow::Owned(masked(value))
    } else {
        Cow::Borrowed(value)
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_sdk() {
        let k = SecretKey::parse("sk_live_0000000000000abcd").unwrap();
        assert_eq!(k.to_string(), "sk_live_***abcd");
        assert_eq!(format!("{k:?}"), "SecretKey(sk_live_***abcd)");
        let k = SecretKey::parse("sk_sandbox_test_0000000cret\n").unwrap();
        assert_eq!(k.masked(), "sk_sandbox_***cret");
        assert_eq!(k.environment(), Environment::Sandbox);
    }

    #[test]
    fn short_keys_show_no_tail() {
        assert_eq!(
            SecretKey::parse("sk_sandbox_abc").unwrap().masked(),
            "sk_sandbox_***"
        );
        assert_eq!(SecretKey::parse("sk_x").unwrap().masked(), "sk_***");
    }

    #[test]
    fn any_environment_prefix_is_kept_in_the_mask() {
        let k = SecretKey::parse("sk_test_0000000000000c123").unwrap();
        assert_eq!(k.masked(), "sk_test_***c123");
        assert_eq!(
            SecretKey::parse("sk_eu1_0000000000000c123")
                .unwrap()
                .masked(),
            "sk_eu1_***c123"
        );
        assert_eq!(
            SecretKey::parse("sk_0000000000000c123").unwrap().masked(),
            "sk_***c123"
        );
    }

    #[test]
    fn whole_keys_are_found_at_token_boundaries() {
        fn found(t: &str) -> Option<&str> {
            find_key(t).map(|r| &t[r])
        }
        assert_eq!(
            found("sk_live_0000000000000abcd"),
            Some("sk_live_0000000000000abcd")
        );
        assert_eq!(
            found("--amount=sk_sandbox_12345678"),
            Some("sk_sandbox_12345678")
        );
        assert_eq!(
            found("note=sk_test_abcdefgh rest"),
            Some("sk_test_abcdefgh")
        );
        assert_eq!(found("x-sk_live_00000000."), Some("sk_live_00000000"));
        assert_eq!(found("`sk_live_00000000`"), Some("sk_live_00000000"));
        for not_a_key in [
            "helpdesk_live_support",
            "desk_live_0000000000",
            "sku=sk_blue_shirt_large_xl",
            "sk_live_short",
            "sk_live_",
            "sk_livex_00000000",
            "SK_LIVE_00000000",
            "task_sk_live_00000000",
        ] {
            assert_eq!(found(not_a_key), None, "{not_a_key}");
        }
        // A word that only looks like the start of a key does not hide a later one.
        assert_eq!(
            found("sk_live_x and sk_sandbox_000000000"),
            Some("sk_sandbox_000000000")
        );
    }

    #[test]
    fn remembered_secrets_are_masked_in_any_case_and_common_encodings() {
        remember("whsec_reshaped_0000_fake");
        // Python: base64.b64encode / urlsafe_b64encode, .hex(), [::-1].
        for form in [
            "WHSEC_RESHAPED_0000_FAKE",
            "d2hzZWNfcmVzaGFwZWRfMDAwMF9mYWtl",
            "77687365635f72657368617065645f303030305f66616b65",
            "77687365635F72657368617065645F303030305F66616B65",
            "ekaf_0000_depahser_cesHw",
        ] {
            assert_eq!(mask(&format!("a {form} b")), "a whsec_***fake b", "{form}");
            assert_eq!(find_secret(&format!("x{form}")), Some(1..1 + form.len()));
        }
        assert_eq!(base64(b"a?>", b"-_"), "YT8-");
        assert_eq!(base64(b"a?>", b"+/"), "YT8+");
        assert_eq!(base64(b"ab", b"+/"), "YWI");
    }

    #[test]
    fn masking_hides_every_key_in_a_text() {
        assert_eq!(
            mask("a sk_live_0000000000000abcd b sk_test_00000000 c"),
            "a sk_live_***abcd b sk_test_*** c"
        );
        assert_eq!(mask("nothing here"), "nothing here");
        assert!(matches!(mask("nothing here"), Cow::Borrowed(_)));
        // A remembered secret is hidden even where it does not look like a key.
        remember("sk_oddshape0000000wxyz");
        assert_eq!(
            mask("base url https://x/sk_oddshape0000000wxyz/v1"),
            "base url https://x/sk_***wxyz/v1"
        );
        remember("short");
        assert_eq!(mask("short"), "short");
        // The key in use is found even glued to a word, where a key's shape is not.
        assert_eq!(find_key("xsk_oddshape0000000wxyz"), None);
        assert_eq!(find_secret("xsk_oddshape0000000wxyz"), Some(1..23));
        assert_eq!(find_secret("a sk_test_00000000"), Some(2..18));
        assert_eq!(find_secret("nothing"), None);
    }

    #[test]
    fn webhook_secrets_are_found_and_masked_like_keys() {
        let s = WebhookSecret::parse(" whsec_test_0000_0000_fake\n").unwrap();
        assert_eq!(s.to_string(), "whsec_***fake");
        assert_eq!(format!("{s:?}"), "WebhookSecret(whsec_***fake)");
        assert_eq!(s.expose(), "whsec_test_0000_0000_fake");
        assert_eq!(
            mask("sig with whsec_abcdefgh12345678wxyz and sk_live_0000000000000abcd"),
            "sig with whsec_***wxyz and sk_live_***abcd"
        );
        assert_eq!(mask("whsec_abcdefgh"), "whsec_***");
        assert_eq!(find_key("x=whsec_12345678 sk_test_12345678"), Some(2..16));
        assert_eq!(find_key("sk_test_12345678 whsec_12345678"), Some(0..16));
        assert!(WebhookSecret::parse("whsec_0123456789abcdef").is_ok());
        for not_a_secret in ["whsec_short", "xwhsec_12345678", "whsec_", "WHSEC_12345678"] {
            assert_eq!(find_key(not_a_secret), None, "{not_a_secret}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("sk_live_0000000000000abcd", "not a webhook signing secret"),
            ("secret123456", "starts with `whsec_`"),
            ("whsec_", "only its prefix"),
            ("whsec_a b", "spaces"),
            ("whsec_x", "too short to be a real one"),
            (
                "whsec_0123456789abcde",
                "fewer than 16 characters after `whsec_`",
            ),
        ] {
            let err = WebhookSecret::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
            assert!(
                !err.contains("0000000000000abcd") && !err.contains("123456"),
                "{err}"
            );
        }
    }

    #[test]
    fn rejects_non_keys_without_echoing_them() {
        let err = SecretKey::parse("pk_live_notasecret").unwrap_err();
        assert!(!err.contains("notasecret"));
        assert!(SecretKey::parse("  ").is_err());
        assert!(SecretKey::parse("sk_a b").is_err());
        assert!(SecretKey::parse("sk_").is_err());
        assert!(SecretKey::parse("sk_live_").is_err());
    }
}
