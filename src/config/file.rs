//! The config file itself: read (a regular file of at most 1 MiB), parsed with every mistake
//! named by its line, changed value by value with its comments and order kept, and written
//! atomically with mode 0600.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml_edit::{DocumentMut, Item, Table};

use super::{ENV_CONFIG_DIR, FILE_NAME};
use crate::error::{Error, Result};

/// More than any config file; a bigger one is not read whole.
const MAX_CONFIG_BYTES: u64 = crate::limits::CONFIG_BYTES;

/// The config file: its values, read, and its text, kept as written (comments and order) so
/// that a change rewrites only the value changed. Unknown keys are refused so a typo is
/// noticed, not ignored.
pub struct ConfigFile {
    default_profile: Option<String>,
    profiles: BTreeMap<String, Profile>,
    /// Why the file is unsafe as it is (open to group or others), for the caller to say.
    pub warning: Option<String>,
    /// The comments and blank lines the file starts with, kept above whatever is added.
    preamble: String,
    doc: DocumentMut,
}

impl Default for ConfigFile {
    fn default() -> ConfigFile {
        ConfigFile {
            default_profile: None,
            profiles: BTreeMap::new(),
            warning: None,
            preamble: HEADER.to_string(),
            doc: DocumentMut::new(),
        }
    }
}

/// The table written first in the file (`[profiles.live]`), if there is one.
fn first_table(table: &mut Table) -> Option<&mut Table> {
    let mut best: Option<&mut Table> = None;
    for (_, item) in table.iter_mut() {
        let Some(inner) = item.as_table_mut() else {
            continue;
        };
        let candidate = if inner.is_implicit() {
            first_table(inner)
        } else {
            Some(inner)
        };
        if let Some(c) = candidate
            && best.as_ref().is_none_or(|b| {
                c.position().unwrap_or(isize::MAX) < b.position().unwrap_or(isize::MAX)
            })
        {
            best = Some(c);
        }
    }
    best
}

/// The values as the file holds them.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    #[serde(default)]
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One profile. No `Debug`: it holds a key in clear text.
#[derive(Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The key itself, when the file is where it is kept.
    #[serde(default)]
    pub secret_key: Option<String>,
    /// Where the key is kept when not here: `keyring` (the system's credential store).
    #[serde(default)]
    pub secret_key_store: Option<KeyStore>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub ca_bundle: Option<String>,
    /// The webhook signing secret (`whsec_...`), in clear text like the key.
    #[serde(default)]
    pub webhook_secret: Option<String>,
}

/// Where a profile says its key is kept (`secret_key_store`; the file when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStore {
    /// The system's credential store (`keystore`), under the profile's name.
    Keyring,
    /// The config file's `secret_key`.
    File,
}

impl KeyStore {
    pub fn name(self) -> &'static str {
        match self {
            KeyStore::Keyring => "keyring",
            KeyStore::File => "file",
        }
    }
}

/// Where a profile's key is, as the file says: the key itself, or where to ask for it. No
/// `Debug`: it may hold a key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum KeyAt<'a> {
    /// In the file, as `secret_key`.
    File(&'a str),
    /// In the system's credential store.
    Keyring,
}

/// A value stored in a profile, by its name in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKey {
    SecretKey,
    Currency,
    BaseUrl,
    CaBundle,
    WebhookSecret,
}

impl ProfileKey {
    pub fn name(self) -> &'static str {
        match self {
            ProfileKey::SecretKey => "secret_key",
            ProfileKey::Currency => "currency",
            ProfileKey::BaseUrl => "base_url",
            ProfileKey::CaBundle => "ca_bundle",
            ProfileKey::WebhookSecret => "webhook_secret",
        }
    }
}

impl Profile {
    /// Where the key is, or `None` when the profile has none.
    pub fn key_at(&self) -> Option<KeyAt<'_>> {
        match (self.secret_key_store, self.secret_key.as_deref()) {
            (Some(KeyStore::Keyring), _) => Some(KeyAt::Keyring),
            (_, Some(raw)) => Some(KeyAt::File(raw)),
            (_, None) => None,
        }
    }

    /// True when the profile sets nothing, so it can be dropped from the file.
    pub fn is_empty(&self) -> bool {
        self.secret_key.is_none()
            && self.secret_key_store.is_none()
            && self.currency.is_none()
            && self.base_url.is_none()
            && self.ca_bundle.is_none()
            && self.webhook_secret.is_none()
    }

    fn slot(&mut self, key: ProfileKey) -> &mut Option<String> {
        match key {
            ProfileKey::SecretKey => &mut self.secret_key,
            ProfileKey::Currency => &mut self.currency,
            ProfileKey::BaseUrl => &mut self.base_url,
            ProfileKey::CaBundle => &mut self.ca_bundle,
            ProfileKey::WebhookSecret => &mut self.webhook_secret,
        }
    }
}

impl ConfigFile {
    pub fn default_profile(&self) -> Option<&str> {
        self.default_profile.as_deref()
    }

    pub fn profiles(&self) -> &BTreeMap<String, Profile> {
        &self.profiles
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// Sets (or with `None` removes) `default_profile`; returns what was there.
    pub fn set_default_profile(&mut self, value: Option<String>) -> Option<String> {
        match &value {
            Some(v) => {
                let added = !self.doc.contains_key("default_profile");
                self.doc["default_profile"] = toml_edit::value(v.as_str());
                if added {
                    // A blank line between the new key and the first table, as orqex writes it.
                    if let Some(first) = first_table(self.doc.as_table_mut())
                        && first
                            .decor()
                            .prefix()
                            .is_none_or(|p| p.as_str() == Some(""))
                    {
                        first.decor_mut().set_prefix("\n");
                    }
                }
            }
            None => {
                self.doc.remove("default_profile");
            }
        }
        std::mem::replace(&mut self.default_profile, value)
    }

    /// Records where `profile`'s key is: the key itself in the file (`Some(KeyAt::File)`),
    /// only the word `keyring` (`Some(KeyAt::Keyring)`), or nothing (`None`). Both values
    /// change together, so the file never holds a key and says it is elsewhere.
    pub fn set_key(&mut self, profile: &str, at: Option<KeyAt<'_>>) {
        let (key, store) = match at {
            Some(KeyAt::File(raw)) => (Some(raw.to_string()), None),
            Some(KeyAt::Keyring) => (None, Some(KeyStore::Keyring)),
            None => (None, None),
        };
        let entry = self.profiles.entry(profile.to_string()).or_default();
        entry.secret_key = key.clone();
        entry.secret_key_store = store;
        let store = store.map(|s| s.name().to_string());
        // The value added first, then the one removed, so that the profile's table (and the
        // comments in it) is not dropped in between.
        let mut changes = [
            (ProfileKey::SecretKey.name(), key),
            ("secret_key_store", store),
        ];
        changes.sort_by_key(|(_, v)| v.is_none());
        for (name, value) in changes {
            self.write(profile, name, value);
        }
    }

    /// Sets (or with `None` removes) `key` of `profile`, creating the profile when needed and
    /// dropping it once it holds nothing; returns what was there.
    pub fn set(&mut self, profile: &str, key: ProfileKey, value: Option<String>) -> Option<String> {
        let entry = self.profiles.entry(profile.to_string()).or_default();
        let before = std::mem::replace(entry.slot(key), value.clone());
        self.write(profile, key.name(), value);
        before
    }

    /// The document's side of a change to `profile` already made in `profiles`: `name` set
    /// to `value` or removed, the profile's table dropped once the profile holds nothing.
    fn write(&mut self, profile: &str, name: &str, value: Option<String>) {
        let now_empty = self.profiles.get(profile).is_none_or(Profile::is_empty);
        if now_empty {
            self.profiles.remove(profile);
        }
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            // `[profiles.NAME]` headers, not an empty `[profiles]` above them.
            t.set_implicit(true);
            Item::Table(t)
        });
        if let Some(profiles) = profiles.as_table_like_mut() {
            match value {
                Some(v) => {
                    let table = profiles
                        .entry(profile)
                        .or_insert_with(|| Item::Table(Table::new()));
                    if let Some(table) = table.as_table_like_mut() {
                        table.insert(name, toml_edit::value(v));
                    }
                }
                None if now_empty => {
                    profiles.remove(profile);
                }
                None => {
                    if let Some(table) = profiles.get_mut(profile).and_then(Item::as_table_like_mut)
                    {
                        table.remove(name);
                    }
                }
            }
        }
    }

    /// The text to write: the file as it was read, with the changes made since.
    fn text(&self) -> String {
        format!("{}{}", self.preamble, self.doc)
    }
}

/// Reads and parses the file; `Ok(None)` when it does not exist. Notes in `warning` when the
/// file is open to group or others, since it holds keys.
pub fn load(path: &Path) -> Result<Option<ConfigFile>> {
    let cannot_read = |e: std::io::Error| {
        Error::usage(format!(
            "cannot read config file {}: {}",
            path.display(),
            crate::text::io_reason(&e)
        ))
    };
    // Looked at before opening: opening a FIFO would wait for a writer, and a device such as
    // /dev/zero would never end.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot_read(e)),
    };
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "config file {} is not a regular file; remove it, or point {ENV_CONFIG_DIR} elsewhere",
            path.display()
        )));
    }
    let warning = exposure(path, &meta);
    let f = std::fs::File::open(path).map_err(cannot_read)?;
    let mut bytes = Vec::new();
    crate::read::capped(f, MAX_CONFIG_BYTES, &mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Error::usage(format!(
            "config file {} is larger than 1 MiB; a config file is a few hundred bytes, check it",
            path.display()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        cannot_read(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })?;
    let mut file =
        parse(&text).map_err(|e| Error::usage(format!("config file {}: {e}", path.display())))?;
    file.warning = warning;
    // Any of them may show up in a message later (a profile name, a path), key-shaped or not.
    for key in file
        .profiles
        .values()
        .flat_map(|p| [p.secret_key.as_deref(), p.webhook_secret.as_deref()])
        .flatten()
    {
        crate::secret::remember(key);
    }
    Ok(Some(file))
}

/// What is wrong with the file's permissions, if anything: it may hold secret keys.
#[cfg(unix)]
fn exposure(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "config file {} is open to group or others (mode {mode:04o}) and may hold secret keys; fix it with: chmod 600 {}",
            path.display(),
            crate::text::shell_quote(&path.to_string_lossy())
        )
    })
}

#[cfg(not(unix))]
fn exposure(_path: &Path, _meta: &std::fs::Metadata) -> Option<String> {
    None
}

/// The first lines of a file orqex creates.
const HEADER: &str = "# orqex configuration: it holds secret keys, keep it private (mode 0600).\n\
    # orqex changes only the values it sets (`login`, `logout`, `config set`/`unset`); comments stay.\n\n";

/// Writes the file atomically, so that a reader or a crash sees the old file or the new one,
/// never a mix: a fresh temp file beside it (mode 0600), fsync, rename over the old one, then
/// fsync the directory. Creates the directory with mode 0700 when missing. On any failure the
/// old file is untouched and the temp file is removed.
pub fn save(path: &Path, file: &ConfigFile) -> Result<()> {
    // A config file kept elsewhere behind a symlink (dotfile managers do this) is written
    // where it lives, so the link survives the rename.
    let resolved = std::fs::canonicalize(path).ok();
    let path = resolved.as_deref().unwrap_or(path);
    let text = file.text();
    let failed = |what: &str, e: std::io::Error| {
        Error::Other(format!(
            "cannot write config file {}: {what}: {}; the file was not changed",
            path.display(),
            crate::text::io_reason(&e)
        ))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    create_private_dir(dir).map_err(|e| failed("creating its directory", e))?;

    // tempfile picks a fresh name with O_EXCL (never writing through a file or link someone
    // else put there), mode 0600 from the start, and removes the file on every failure path.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{FILE_NAME}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed("creating a temp file", e))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| failed("writing the temp file", e))?;
    tmp.persist(path)
        .map_err(|e| failed("replacing the file", e.error))?;
    // Makes the rename itself durable; the new file is in place either way.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if dir.is_dir() {
        // An existing directory is the user's (maybe $ORQEX_CONFIG_DIR): leave its mode alone.
        return Ok(());
    }
    if std::fs::symlink_metadata(dir).is_ok() {
        return Err(std::io::Error::other(
            "it exists but is not a directory (a file, or a link to nowhere)",
        ));
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // The umask may have taken bits away; set exactly 0700.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Parses config text into one line of error: TOML's own message, where it points, folded.
pub fn parse(text: &str) -> std::result::Result<ConfigFile, String> {
    let fold = |message: &str, span: Option<std::ops::Range<usize>>| {
        let what = message.trim().replace('\n', " ");
        match span {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {what}; fix or remove the file")
            }
            None => format!("{what}; fix or remove the file"),
        }
    };
    let parse_doc = |text: &str| {
        text.parse::<DocumentMut>()
            .map_err(|e| fold(e.message(), e.span()))
    };
    // Syntax errors first, from the whole text, so that their line numbers are right.
    parse_doc(text)?;
    // From the text rather than the document, so that an error still knows its line.
    let stored: Stored = toml_edit::de::from_str(text).map_err(|e| fold(e.message(), e.span()))?;
    // Comments at the top stay at the top: a value added later goes below them.
    let body_at = text
        .split_inclusive('\n')
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .map(str::len)
        .sum::<usize>();
    // Written by hand at most (orqex changes both at once): which of the two is meant cannot
    // be guessed, and a key left in clear text must not be missed.
    if let Some((name, _)) = stored
        .profiles
        .iter()
        .find(|(_, p)| p.secret_key.is_some() && p.secret_key_store == Some(KeyStore::Keyring))
    {
        return Err(format!(
            "profile `{}` has both secret_key and secret_key_store = \"keyring\"; remove the secret_key line if the keychain holds the key, else the secret_key_store line; fix or remove the file",
            crate::text::printable(name)
        ));
    }
    let (preamble, body) = text.split_at(body_at);
    Ok(ConfigFile {
        default_profile: stored.default_profile,
        profiles: stored.profiles,
        warning: None,
        preamble: preamble.to_string(),
        doc: parse_doc(body)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_files_read_back_the_same() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("new").join(FILE_NAME);
        let mut file = ConfigFile::default();
        file.set_default_profile(Some("live".into()));
        file.set("live", ProfileKey::SecretKey, Some("sk_live_x".into()));
        file.set("live", ProfileKey::Currency, Some("XOF".into()));
        save(&path, &file).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!(
                "{HEADER}default_profile = \"live\"\n\n[profiles.live]\nsecret_key = \"sk_live_x\"\ncurrency = \"XOF\"\n"
            )
        );
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.default_profile(), Some("live"));
        let live = &back.profiles()["live"];
        assert_eq!(live.secret_key.as_deref(), Some("sk_live_x"));
        assert_eq!(live.currency.as_deref(), Some("XOF"));
        assert!(live.base_url.is_none() && live.ca_bundle.is_none());

        // An empty file is still valid TOML that loads as empty.
        save(&path, &ConfigFile::default()).unwrap();
        let back = load(&path).unwrap().unwrap();
        assert!(back.default_profile().is_none() && back.profiles().is_empty());
    }

    #[test]
    fn changes_keep_the_rest_of_the_file_as_written() {
        let text = "# my orqex settings\n\n[profiles.live] # real money\ncurrency = \"XOF\" # West Africa\nsecret_key = \"sk_live_x\"\n\n# sandbox below\n[profiles.sandbox]\ncurrency = \"GHS\"\n";
        let mut file = parse(text).unwrap();
        assert_eq!(
            file.set("live", ProfileKey::SecretKey, Some("sk_live_y".into()))
                .as_deref(),
            Some("sk_live_x")
        );
        file.set("sandbox", ProfileKey::Currency, None);
        file.set("new", ProfileKey::BaseUrl, Some("https://x.example".into()));
        assert_eq!(
            file.text(),
            format!(
                "# my orqex settings\n\n[profiles.live] # real money\ncurrency = \"XOF\" # West Africa\nsecret_key = \"sk_live_y\"\n\n[profiles.new]\nbase_url = \"https://x.example\"\n"
            )
        );
        assert!(file.profile("sandbox").is_none());
    }

    #[test]
    fn a_key_moves_between_file_and_keyring_in_place() {
        let text = "[profiles.live] # real money\nsecret_key = \"sk_live_x\" # old\ncurrency = \"XOF\"\n\n[profiles.ci]\nsecret_key = \"sk_sandbox_y\"\n";
        let mut file = parse(text).unwrap();
        file.set_key("live", Some(KeyAt::Keyring));
        file.set_key("ci", Some(KeyAt::Keyring));
        assert_eq!(
            file.text(),
            "[profiles.live] # real money\ncurrency = \"XOF\"\nsecret_key_store = \"keyring\"\n\n[profiles.ci]\nsecret_key_store = \"keyring\"\n"
        );
        assert!(
            file.profile("ci")
                .is_some_and(|p| p.key_at() == Some(KeyAt::Keyring))
        );
        // Back to the file, then nothing: an emptied profile goes, a profile with more stays.
        file.set_key("ci", Some(KeyAt::File("sk_sandbox_z")));
        assert!(
            file.profile("ci")
                .is_some_and(|p| p.key_at() == Some(KeyAt::File("sk_sandbox_z")))
        );
        file.set_key("ci", None);
        file.set_key("live", None);
        assert_eq!(
            file.text(),
            "[profiles.live] # real money\ncurrency = \"XOF\"\n"
        );
        assert!(file.profile("ci").is_none());
        // What orqex writes reads back; what it never writes (both) is refused.
        assert!(parse("[profiles.a]\nsecret_key_store = \"keyring\"\n").is_ok());
        assert!(
            parse("[profiles.a]\nsecret_key_store = \"file\"\nsecret_key = \"sk_x\"\n").is_ok()
        );
        let err = parse("[profiles.a]\nsecret_key_store = \"keyring\"\nsecret_key = \"sk_x\"\n")
            .err()
            .unwrap();
        assert!(err.contains("profile `a` has both"), "{err}");
        assert!(!err.contains("sk_x"), "{err}");
    }

    #[test]
    fn parse_errors_name_the_line() {
        let err = parse("default_profile = \"x\"\n[profiles.x]\nsecret_key = \n")
            .err()
            .unwrap();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = parse("[profiles.x]\nsecret_kye = \"sk_x\"\n")
            .err()
            .unwrap();
        assert!(err.contains("line 2"), "{err}");
        assert!(!err.contains("sk_x"), "{err}");
    }
}
