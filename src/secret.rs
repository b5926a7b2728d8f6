//! The secret key: a type that cannot be printed in full by accident.

use std::fmt;

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
        if [LIVE, SANDBOX, "sk_"].contains(&key) {
            return Err("the secret key is only its prefix; copy the whole key".into());
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the secret key contains spaces or non-ASCII characters; copy it again".into(),
            );
        }
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
    /// Short keys show no tail at all, since four characters would be most of the secret.
    pub fn masked(&self) -> String {
        let prefix = [LIVE, SANDBOX]
            .into_iter()
            .find(|p| self.0.starts_with(p))
            .unwrap_or("sk_");
        let rest = &self.0[prefix.len()..];
        let tail = if rest.len() >= 12 {
            &rest[rest.len() - 4..]
        } else {
            ""
        };
        format!("{prefix}***{tail}")
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
    fn rejects_non_keys_without_echoing_them() {
        let err = SecretKey::parse("pk_live_notasecret").unwrap_err();
        assert!(!err.contains("notasecret"));
        assert!(SecretKey::parse("  ").is_err());
        assert!(SecretKey::parse("sk_a b").is_err());
        assert!(SecretKey::parse("sk_").is_err());
        assert!(SecretKey::parse("sk_live_").is_err());
    }
}
