//! Values completed as they are typed, by the shell asking orqex itself (clap_complete's
//! dynamic completion): the profiles the config file holds, the settings `config set` knows,
//! and files after `--data @`. Read at completion time, so a new profile completes at once.
//!
//! clap_complete writes the candidates to stdout itself, so what may be offered is decided
//! here, by `offered`: a value with a character a terminal acts on (an escape code, a line
//! break that would also split the shell's list), with a character the shell acts on (`$(`,
//! a backtick, a space, a quote, `;`...: bash inserts a candidate as it is, so Enter would run
//! a file named `$(cmd).csv`) or with a secret in it is never offered. Leaving it out beats
//! escaping it: the next Tab would send the escaped word back, naming a file that does not
//! exist, and each shell escapes differently.
//!
//! Imports nothing of `commands` (clap's definitions use these completers, and `commands`
//! uses clap's definitions).

use std::ffi::OsStr;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

/// The endpoints the API reference names, up to their ids: what `orqex api`'s PATH completes to.
pub const KNOWN_PATHS: [&str; 4] = [
    "/payment/checkouts",
    "/payment/checkouts/",
    "/payment/intents",
    "/payment/intents/",
];

/// Whether a value may be offered to the shell: nothing a terminal or the shell would act
/// on, no secret.
fn offered(value: &OsStr) -> bool {
    let Some(value) = value.to_str() else {
        // Not UTF-8: it cannot be checked, so it is not offered.
        return false;
    };
    value.chars().all(shell_plain)
        && !value.starts_with('~')
        && crate::secret::find_secret(value).is_none()
}

/// A character every shell takes as itself in an unquoted word (a letter in any script, a
/// digit, or punctuation none of them expands); `~` only at the start, checked apart.
fn shell_plain(c: char) -> bool {
    (c.is_alphanumeric() && !crate::text::is_unsafe(c)) || "-_./+,:@%=~".contains(c)
}

/// Files (for `--batch`, `webhooks verify` and the other FILE values), offered as `offered`
/// allows; clap's own file completion would offer every name raw.
pub fn files(current: &OsStr) -> Vec<CompletionCandidate> {
    PathCompleter::file()
        .complete(current)
        .into_iter()
        .filter(|c| offered(c.get_value()))
        .collect()
}

/// The profiles in the config file, those starting with what is typed.
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let Ok(path) = crate::config::config_path() else {
        return Vec::new();
    };
    let Ok(Some(file)) = crate::config::load(&path) else {
        return Vec::new();
    };
    file.profiles()
        .keys()
        .filter(|name| name.starts_with(current.as_ref()))
        // A name `orqex config` calls invalid would only be refused once used.
        .filter(|name| crate::config::check_profile_name(name).is_ok())
        .filter(|name| offered(OsStr::new(name)))
        .map(CompletionCandidate::new)
        .collect()
}

/// The webhook events, for `trigger EVENT` and `listen --events` (after the last comma).
pub fn events(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let (done, last) = typed
        .rsplit_once(',')
        .map_or(("", typed.as_ref()), |(d, l)| (d, l));
    crate::webhooks::EVENTS
        .iter()
        .filter(|e| e.starts_with(last))
        .map(|e| match done {
            "" => CompletionCandidate::new(*e),
            _ => CompletionCandidate::new(format!("{done},{e}")),
        })
        .collect()
}

/// `orqex api`'s PATH: the endpoints the API reference names, up to their ids.
pub fn api_paths(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    KNOWN_PATHS
        .into_iter()
        .filter(|p| p.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// `--data`: files after `@`, and the two other forms' starts.
pub fn data(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    match typed.strip_prefix('@') {
        Some(path) => PathCompleter::file()
            .complete(OsStr::new(path))
            .into_iter()
            .filter(|c| offered(c.get_value()))
            .map(|c| {
                let mut at = std::ffi::OsString::from("@");
                at.push(c.get_value());
                CompletionCandidate::new(at)
            })
            .collect(),
        None if typed.is_empty() => ["@", "-"]
            .into_iter()
            .map(CompletionCandidate::new)
            .collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: Vec<CompletionCandidate>) -> Vec<String> {
        c.iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn data_forms_and_events() {
        assert_eq!(values(data(OsStr::new(""))), ["@", "-"]);
        assert!(values(data(OsStr::new("{"))).is_empty());
        assert_eq!(
            values(events(OsStr::new("payment.attempt.f"))),
            ["payment.attempt.failed"]
        );
        assert_eq!(
            values(events(OsStr::new("payment.completed,payment.exp"))),
            ["payment.completed,payment.expired"]
        );
        let found = values(data(OsStr::new("@Cargo.t")));
        assert_eq!(found, ["@Cargo.toml"]);
    }
}
