//! The operating system's credential store, where `orqex login` keeps secret keys: the
//! Keychain on macOS, Credential Manager on Windows, the Secret Service (GNOME Keyring,
//! KWallet) on Linux. One entry per profile: service `orqex`, user the profile's name.
//!
//! The only room that knows the backend (the `keyring` crate). Its answers come back in our
//! own words (`Failure`), never as the backend's errors: those can carry an entry's
//! attributes, or the secret's bytes (`BadEncoding`), and are never shown.
//!
//! Every call runs on a thread of its own and is given up after `TIMEOUT`: a locked keyring
//! that waits for a password dialog, or a bus that accepts and never answers, must not hang a
//! script. The thread is then abandoned (it ends with the process), and later calls in the
//! same run fail at once rather than wait again.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::Duration;

/// The service name of every entry; the profile is the user name.
pub const SERVICE: &str = "orqex";

/// How long one call may take. A store that answers at all answers in well under a second;
/// one that does not would otherwise hang the command for good.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The store's name as a person knows it, for messages.
pub const NAME: &str = if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else if cfg!(windows) {
    "Windows Credential Manager"
} else {
    "the system keyring"
};

/// Why the store could not do what was asked, in words fit to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// There is no store to talk to here (no session bus, no Secret Service provider): a
    /// server, a container, CI. The words say which.
    Missing(String),
    /// The store did not answer within `TIMEOUT`.
    NoAnswer,
    /// The store is locked, or access was refused (an unlock dialog dismissed, or no way to
    /// show one).
    Locked,
    /// Anything else the store answered; the words are ours.
    Failed(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Missing(why) => f.write_str(why),
            Failure::NoAnswer => write!(
                f,
                "{NAME} did not answer within {} s (it may be locked and waiting for a password)",
                TIMEOUT.as_secs()
            ),
            Failure::Locked => write!(f, "{NAME} is locked or refused access"),
            Failure::Failed(why) => f.write_str(why),
        }
    }
}

/// Set once a call has timed out: the store is stuck for this run, and the abandoned thread
/// may still hold it.
static STALLED: AtomicBool = AtomicBool::new(false);

/// What was read during this run, by profile, so that showing every profile and then the
/// active one asks the store once each.
static READ: Mutex<Option<HashMap<String, Answer>>> = Mutex::new(None);

/// What a read found: the secret, no entry, or why the store could not say.
type Answer = Result<Option<String>, Failure>;

fn forget(account: &str) {
    let mut read = READ.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(map) = read.as_mut() {
        map.remove(account);
    }
}

/// The key stored for `account` (a profile), `None` when the store has no entry for it.
pub fn read(account: &str) -> Result<Option<String>, Failure> {
    if let Some(known) = READ
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(account))
    {
        return known.clone();
    }
    let owned = account.to_string();
    let result = within(move || {
        let entry = keyring::Entry::new(SERVICE, &owned).map_err(|e| failure(&e))?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(&e)),
        }
    })
    .and_then(|r| r);
    if let Ok(Some(secret)) = &result {
        // Masked wherever it shows up later, whatever shape it has.
        crate::secret::remember(secret);
    }
    READ.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashMap::new)
        .insert(account.to_string(), result.clone());
    result
}

/// Stores `secret` for `account`, replacing what was there.
pub fn write(account: &str, secret: &str) -> Result<(), Failure> {
    forget(account);
    let (owned, secret) = (account.to_string(), secret.to_string());
    within(move || {
        let entry = keyring::Entry::new(SERVICE, &owned).map_err(|e| failure(&e))?;
        entry.set_password(&secret).map_err(|e| failure(&e))
    })
    .and_then(|r| r)
}

/// Stores `secret` for `account` and reads it back: `Ok` only once the store has been seen
/// to hold it, so that a copy elsewhere may be removed.
pub fn write_confirmed(account: &str, secret: &str) -> Result<(), Failure> {
    write(account, secret)?;
    match read(account)? {
        Some(back) if back == secret => Ok(()),
        _ => Err(Failure::Failed(format!(
            "{NAME} did not give the key back as it was stored"
        ))),
    }
}

/// Removes the entry for `account`; `false` when there was none.
pub fn delete(account: &str) -> Result<bool, Failure> {
    forget(account);
    let owned = account.to_string();
    within(move || {
        let entry = keyring::Entry::new(SERVICE, &owned).map_err(|e| failure(&e))?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(failure(&e)),
        }
    })
    .and_then(|r| r)
}

/// Runs `call` on a thread of its own and waits at most `TIMEOUT` for it.
fn within<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Result<T, Failure> {
    within_for(TIMEOUT, call)
}

fn within_for<T: Send + 'static>(
    limit: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    if STALLED.load(Ordering::SeqCst) {
        return Err(Failure::NoAnswer);
    }
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keystore".into())
        .spawn(move || {
            // The receiver is gone only when the wait was given up: nothing to tell.
            let _ = tx.send(call());
        })
        .map_err(|_| Failure::Failed(format!("cannot start a thread to ask {NAME}")))?;
    rx.recv_timeout(limit).map_err(|_| {
        STALLED.store(true, Ordering::SeqCst);
        Failure::NoAnswer
    })
}

/// The backend's error in our words. Never formats the error itself.
fn failure(e: &keyring::Error) -> Failure {
    match e {
        keyring::Error::NoStorageAccess(inner) => {
            platform(inner.as_ref()).unwrap_or(Failure::Locked)
        }
        keyring::Error::PlatformFailure(inner) => platform(inner.as_ref())
            .unwrap_or_else(|| Failure::Failed(format!("{NAME} answered with an error"))),
        keyring::Error::NoEntry => Failure::Failed(format!("{NAME} has no such entry")),
        // The bytes it carries are the secret's: never looked at.
        keyring::Error::BadEncoding(_) => Failure::Failed(format!(
            "the entry in {NAME} is not text; store the key again with orqex login"
        )),
        keyring::Error::TooLong(what, _) | keyring::Error::Invalid(what, _) => {
            Failure::Failed(format!(
                "{NAME} refused the entry's {}",
                crate::text::printable(what)
            ))
        }
        keyring::Error::Ambiguous(_) => Failure::Failed(format!(
            "{NAME} holds more than one entry for service {SERVICE} and this profile; remove the extra ones"
        )),
        _ => Failure::Failed(format!("{NAME} answered with an error")),
    }
}

/// What the Secret Service's own error means, where it tells more than keyring's kind.
#[cfg(target_os = "linux")]
fn platform(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Failure> {
    use secret_service::Error as Ss;
    let no_bus = || {
        let why = match std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
            Some(v) if !v.is_empty() => "no D-Bus session bus answers at DBUS_SESSION_BUS_ADDRESS",
            _ => "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)",
        };
        Failure::Missing(format!("no system keyring here: {why}"))
    };
    let no_service = || {
        Failure::Missing(
            "no system keyring here: nothing provides the Secret Service on the session bus (GNOME Keyring or KWallet)".into(),
        )
    };
    let named = |name: &str| name.ends_with(".ServiceUnknown") || name.ends_with(".NameHasNoOwner");
    match inner.downcast_ref::<Ss>()? {
        Ss::Unavailable => Some(no_bus()),
        Ss::Locked | Ss::NoResult | Ss::Prompt => Some(Failure::Locked),
        Ss::Zbus(zbus::Error::InputOutput(io)) => Some(match io.kind() {
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::NotFound
            | std::io::ErrorKind::PermissionDenied => no_bus(),
            _ => Failure::Failed(format!(
                "cannot talk to the D-Bus session bus: {}",
                crate::text::io_reason(io)
            )),
        }),
        Ss::Zbus(zbus::Error::MethodError(name, _, _)) if named(name.as_str()) => {
            Some(no_service())
        }
        Ss::ZbusFdo(zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)) => {
            Some(no_service())
        }
        Ss::Zbus(zbus::Error::FDO(fdo))
            if matches!(
                **fdo,
                zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)
            ) =>
        {
            Some(no_service())
        }
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn platform(_inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Failure> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_read_as_one_line_without_the_backends_words() {
        let bytes = keyring::Error::BadEncoding(b"sk_live_0000000000000abcd".to_vec());
        let text = failure(&bytes).to_string();
        assert!(!text.contains("abcd"), "{text}");
        for f in [
            Failure::NoAnswer,
            Failure::Locked,
            failure(&keyring::Error::PlatformFailure("x".into())),
        ] {
            let text = f.to_string();
            assert_eq!(text.lines().count(), 1, "{text}");
            assert!(text.contains(NAME), "{text}");
        }
    }

    #[test]
    fn a_call_that_never_returns_is_given_up() {
        let start = std::time::Instant::now();
        let r = within_for(Duration::from_millis(200), || {
            std::thread::sleep(Duration::from_secs(3600))
        });
        assert_eq!(r, Err(Failure::NoAnswer));
        assert!(start.elapsed() < Duration::from_secs(2));
        // And the next call does not wait again.
        let start = std::time::Instant::now();
        assert_eq!(within(|| 1), Err(Failure::NoAnswer));
        assert!(start.elapsed() < Duration::from_secs(1));
        STALLED.store(false, Ordering::SeqCst);
    }
}
