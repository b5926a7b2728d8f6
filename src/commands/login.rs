//! `orqex login` and `orqex logout`: put a secret key into a profile, take it out.
//!
//! The key is typed hidden at a terminal or piped on stdin, never taken from argv, and only
//! ever shown masked.

use super::{net, whoami};
use crate::cli::{LoginArgs, LogoutArgs};
use crate::config::{self, ConfigFile, ENV_KEY, KeyAt};
use crate::error::{Error, Result};
use crate::keystore;
use crate::prompt;
use crate::secret::SecretKey;
use crate::ui::Ui;

/// More than any key; stops `yes | orqex login --with-key` from filling memory.
const STDIN_MAX: u64 = crate::limits::SECRET_BYTES;

const PIPE_START: &str = "printf '%s\\n' \"$ORQEX_KEY\"";
const PIPE_EXAMPLE: &str = "printf '%s\\n' \"$ORQEX_KEY\" | orqex login --with-key";

pub fn login(ui: &Ui, profile_flag: Option<&str>, args: LoginArgs) -> Result<()> {
    if args.key_in_argv.is_some() {
        return Err(Error::usage(format!(
            "`login` takes no key on the command line, where shell history and `ps` keep it; run `orqex login` to type it hidden, or pipe it: {PIPE_EXAMPLE}"
        )));
    }
    let path = config::config_path()?;
    // Loaded before asking, so a malformed file stops us before the key is typed, and is
    // never overwritten.
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();
    let profile = config::usable_profile(profile_flag, &file, &path)?;
    let before = Before::of(&file, &profile);

    let key = if args.with_key {
        key_from_stdin(ui)?
    } else {
        // At a terminal a stored key is replaced only when the person says so.
        if before != Before::Nothing && ui.may_prompt(false) {
            let shown = match &before {
                Before::File(old) => SecretKey::parse(old)
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default(),
                _ => format!(" (in {})", keystore::NAME),
            };
            if !prompt::yes_no(&format!(
                "Profile `{profile}` has a key already{shown}. Replace it?"
            ))? {
                return Err(Error::usage("not replaced; nothing was saved"));
            }
        }
        key_from_terminal(ui, &profile)?
    };

    let checked = if args.no_verify {
        None
    } else {
        Some(verify(ui, &path, &profile, &args, &key)?)
    };

    let replaced = if before == Before::Nothing {
        ""
    } else {
        " (replacing the key stored before)"
    };
    // The keychain first, and the file changed only once the keychain was seen to hold the
    // key: a key in the file moves out of it here.
    let kept = if args.insecure_storage {
        Err(None)
    } else {
        keystore::write_confirmed(&profile, key.expose()).map_err(Some)
    };
    match kept {
        Ok(()) => {
            file.set_key(&profile, Some(KeyAt::Keyring));
            config::save(&path, &file)?;
            ui.status(&format!(
                "saved {} key {key} to profile `{profile}` in {} (service {}, user {profile}){replaced}{}",
                key.environment().as_str(),
                keystore::NAME,
                keystore::SERVICE,
                said(checked.as_ref()),
            ));
            if let Before::File(_) = before {
                ui.status(&format!(
                    "the key is no longer in the config file {}",
                    path.display()
                ));
            }
        }
        Err(failure) => {
            if let Some(failure) = &failure {
                ui.warning(&format!(
                    "{failure}; storing the key in the config file instead (mode 0600); to choose the file on purpose, without this warning: orqex login --insecure-storage"
                ));
            }
            file.set_key(&profile, Some(KeyAt::File(key.expose())));
            config::save(&path, &file)?;
            ui.status(&format!(
                "saved {} key {key} to profile `{profile}` in {}{replaced}{}",
                key.environment().as_str(),
                path.display(),
                said(checked.as_ref()),
            ));
            // Chosen on purpose: the old copy in the keychain goes, so that only one is left.
            if failure.is_none()
                && before == Before::Keyring
                && let Err(f) = keystore::delete(&profile)
            {
                ui.warning(&format!(
                    "the key stored before is still in {}: {f}",
                    keystore::NAME
                ));
            }
        }
    }
    if profile != default_profile(&file) {
        ui.note(&format!(
            "`{profile}` is not the default profile; use --profile {profile}, or make it the default with: orqex config set default-profile {profile}"
        ));
    }
    if config::env_nonempty(ENV_KEY).is_some() {
        ui.note(&format!(
            "{ENV_KEY} is set in this environment and wins over the stored key while it is set"
        ));
    }
    Ok(())
}

/// The key checked with the API of the profile it is stored for, before anything is stored:
/// a refusal is exit 3 and a failure to ask its own exit code, with nothing stored.
fn verify(
    ui: &Ui,
    path: &std::path::Path,
    profile: &str,
    args: &LoginArgs,
    key: &SecretKey,
) -> Result<whoami::Accepted> {
    // Resolved for the profile being logged into, which may not exist yet: no warning.
    let again = super::load_config(ui, path)?.unwrap_or_default();
    let settings = config::Settings::resolve(Some(profile), path.to_path_buf(), again)?;
    let client = net::client(&args.net, &settings, key.clone())?;
    let accepted = whoami::check(
        &client,
        &format!(
            "nothing was stored: check that the whole key was copied, and that it is the key of this project ({} key for {})",
            key.environment().as_str(),
            settings.base_url
        ),
        &format!(
            "the key could not be checked, so nothing was stored; to store it without checking: {}orqex login --no-verify{}{}{}",
            if args.with_key {
                format!("{PIPE_START} | ")
            } else {
                String::new()
            },
            if args.with_key { " --with-key" } else { "" },
            if args.insecure_storage {
                " --insecure-storage"
            } else {
                ""
            },
            if profile == default_profile(&settings.file) {
                String::new()
            } else {
                format!(" --profile {}", crate::text::shell_quote(profile))
            }
        ),
    )?;
    if let Some(warning) = whoami::disagreement(key, &accepted) {
        ui.warning(&warning);
    }
    Ok(accepted)
}

/// What the saved line says of the check: nothing when there was none.
fn said(checked: Option<&whoami::Accepted>) -> String {
    match checked {
        None => String::new(),
        Some(whoami::Accepted {
            environment: Some(e),
        }) => format!("; the API accepted it, for the {e} environment"),
        Some(_) => "; the API accepted it".to_string(),
    }
}

/// Where a profile's key was before a change.
#[derive(PartialEq, Eq)]
enum Before {
    Nothing,
    File(String),
    Keyring,
}

impl Before {
    fn of(file: &ConfigFile, profile: &str) -> Before {
        match file.profile(profile).and_then(|p| p.key_at()) {
            None => Before::Nothing,
            Some(KeyAt::File(raw)) => Before::File(raw.to_string()),
            Some(KeyAt::Keyring) => Before::Keyring,
        }
    }
}

pub fn logout(ui: &Ui, profile_flag: Option<&str>, _args: LogoutArgs) -> Result<()> {
    let path = config::config_path()?;
    let mut file = super::load_config(ui, &path)?.unwrap_or_default();
    let profile = config::usable_profile(profile_flag, &file, &path)?;

    match Before::of(&file, &profile) {
        Before::File(raw) => {
            file.set_key(&profile, None);
            config::save(&path, &file)?;
            let shown = SecretKey::parse(&raw)
                .map(|k| format!(" {k}"))
                .unwrap_or_default();
            ui.status(&format!(
                "removed the key{shown} from profile `{profile}` in {}",
                path.display()
            ));
        }
        Before::Keyring => {
            // The file forgets the key only once the keychain has let it go: otherwise the key
            // would stay there with nothing left that points to it.
            let removed = keystore::delete(&profile).map_err(|f| {
                Error::Other(format!(
                    "cannot remove the key of profile `{profile}` from {}: {f}; nothing changed: run `orqex logout --profile {profile}` where {} answers, or, to only forget it here, delete the secret_key_store line of profile `{profile}` in {}",
                    keystore::NAME,
                    keystore::NAME,
                    path.display()
                ))
            })?;
            file.set_key(&profile, None);
            config::save(&path, &file)?;
            ui.status(&if removed {
                format!(
                    "removed the key of profile `{profile}` from {} (service {}, user {profile})",
                    keystore::NAME,
                    keystore::SERVICE
                )
            } else {
                format!(
                    "profile `{profile}` had no entry left in {}; it no longer points there ({})",
                    keystore::NAME,
                    path.display()
                )
            });
        }
        Before::Nothing => ui.status(&format!(
            "profile `{profile}` has no stored key in {}; nothing changed",
            path.display()
        )),
    }
    if config::env_nonempty(ENV_KEY).is_some() {
        ui.note(&format!(
            "{ENV_KEY} is still set in this environment and is used instead; unset it too"
        ));
    }
    Ok(())
}

/// The profile used when neither `--profile` nor `ORQEX_PROFILE` is given.
fn default_profile(file: &ConfigFile) -> &str {
    file.default_profile().unwrap_or(config::DEFAULT_PROFILE)
}

/// One line from a pipe: one trailing newline is dropped (`echo` adds it); nothing else
/// may follow, so a whole `.env` file piped by mistake is refused rather than stored.
fn key_from_stdin(ui: &Ui) -> Result<SecretKey> {
    if ui.stdin_is_terminal() {
        return Err(Error::usage(
            "--with-key reads the key from a pipe, but stdin is a terminal, where the key would show as you type it; run `orqex login` without --with-key to type it hidden",
        ));
    }
    let line = secret_line_from_stdin(ui, "the key").map_err(|problem| {
        Error::usage(match problem {
            Piped::TooLong => {
                format!("stdin holds more than {STDIN_MAX} bytes; pipe only the key, like: {PIPE_EXAMPLE}")
            }
            Piped::NotUtf8 => {
                "the key on stdin is not UTF-8 text; pipe only the key, which starts with sk_".into()
            }
            Piped::Empty => {
                format!("--with-key got nothing on stdin; pipe the key in, like: {PIPE_EXAMPLE}")
            }
            Piped::ManyLines => "stdin holds more than one line; pipe only the key, on one line".into(),
            Piped::Unreadable(e) => format!("cannot read the key from stdin: {e}"),
        })
    })?;
    SecretKey::parse(&line).map_err(|e| Error::usage(format!("stdin: {e}")))
}

/// What can be wrong with a secret piped on stdin, for each command to say in its own words.
pub(super) enum Piped {
    TooLong,
    NotUtf8,
    Empty,
    ManyLines,
    Unreadable(String),
}

/// The one line a pipe holds (a key, a webhook secret): one trailing newline (and `\r`) is
/// dropped, as `echo` adds it; an empty input, a second line or more than 4 KiB is refused.
pub(super) fn secret_line_from_stdin(ui: &Ui, awaited: &str) -> std::result::Result<String, Piped> {
    let mut buf = Vec::new();
    let input = crate::read::Input {
        place: crate::read::Place::Stdin,
        flag: "stdin",
        what: "stdin".into(),
        awaited,
        hint: "pipe it in, and end the input",
        limit: STDIN_MAX,
        too_large: "",
    };
    let _signals = crate::interrupt::nothing_sent();
    let reader = crate::read::open(ui, &input).map_err(|e| Piped::Unreadable(e.to_string()))?;
    crate::read::capped(reader, STDIN_MAX, &mut buf)
        .map_err(|e| Piped::Unreadable(crate::text::io_reason(&e)))?;
    if buf.len() as u64 > STDIN_MAX {
        return Err(Piped::TooLong);
    }
    let text = String::from_utf8(buf).map_err(|_| Piped::NotUtf8)?;
    let line = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if line.trim().is_empty() {
        return Err(Piped::Empty);
    }
    if line.contains(['\n', '\r']) {
        return Err(Piped::ManyLines);
    }
    Ok(line.to_string())
}

/// Hidden input, asked only where questions may be asked at all (`prompt::allowed`).
fn key_from_terminal(ui: &Ui, profile: &str) -> Result<SecretKey> {
    if !ui.may_prompt(false) {
        let why = if ui.in_ci() {
            "CI is set, so orqex asks nothing"
        } else {
            "there is no terminal to type the key in"
        };
        return Err(Error::usage(format!(
            "{why}; pipe the key in with --with-key, like: {PIPE_EXAMPLE}"
        )));
    }
    prompt::secret_key(&format!(
        "Secret key for profile `{profile}` (input hidden)"
    ))
}
