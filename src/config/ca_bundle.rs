//! The CA bundle the API is reached with: which file (`--ca-bundle`, `ORQEX_CA_BUNDLE`, the
//! active profile's `ca_bundle`) and its certificates, read and checked. `commands::net` and
//! the webhook forwarder hand it to the one agent builder (`connect`).

use std::path::{Path, PathBuf};

use crate::client::CaBundle;
use crate::error::{Error, Result};

pub const ENV_CA_BUNDLE: &str = "ORQEX_CA_BUNDLE";

/// `flag` (`--ca-bundle`), else `ORQEX_CA_BUNDLE`, else what `profile` gives (the profile's
/// `ca_bundle` and where it was set), asked only when needed. A file that holds no usable
/// certificate is an error, never a silent fallback to the default roots.
pub fn pick_ca_bundle(
    flag: Option<&Path>,
    profile: impl FnOnce() -> Result<Option<(PathBuf, String)>>,
) -> Result<Option<CaBundle>> {
    let (path, from) = if let Some(p) = flag {
        (p.to_path_buf(), "--ca-bundle".to_string())
    } else if let Some(p) = std::env::var_os(ENV_CA_BUNDLE).filter(|v| !v.is_empty()) {
        (PathBuf::from(p), ENV_CA_BUNDLE.to_string())
    } else if let Some(found) = profile()? {
        found
    } else {
        return Ok(None);
    };
    load_ca_bundle(&path)
        .map(Some)
        .map_err(|e| Error::usage(format!("{from}: {e}")))
}

/// A profile's `ca_bundle` file, as a path, and where it was set.
pub fn profile_ca(config_file: &Path, profile: &str, ca_bundle: &str) -> (PathBuf, String) {
    (
        profile_ca_path(config_file, ca_bundle),
        format!(
            "ca_bundle of profile `{profile}` in {}",
            config_file.display()
        ),
    )
}

/// A profile's `ca_bundle`, which is relative to the config file's directory.
pub fn profile_ca_path(config_file: &Path, ca_bundle: &str) -> PathBuf {
    config_file
        .parent()
        .unwrap_or(Path::new(""))
        .join(ca_bundle)
}

/// Reads a PEM CA bundle; the error says which file and what is wrong with it.
pub fn load_ca_bundle(path: &Path) -> std::result::Result<CaBundle, String> {
    // Through the one bounded reader: `/dev/zero` is refused at the limit, and a FIFO with no
    // writer says what orqex waits for.
    let input = crate::read::Input {
        place: crate::read::Place::Path(path),
        flag: "",
        what: crate::text::printable(&path.display().to_string()),
        awaited: "a CA bundle",
        hint: "",
        limit: crate::limits::CA_BUNDLE_BYTES,
        too_large: "a CA bundle is a few hundred KiB; give the CA certificate in PEM form",
    };
    let pem = crate::read::all(&crate::ui::Ui::detect(), &input).map_err(|e| match e {
        Error::Usage(m) => m,
        other => other.to_string(),
    })?;
    CaBundle::from_pem(&pem).map_err(|e| format!("{} {e}", path.display()))
}
