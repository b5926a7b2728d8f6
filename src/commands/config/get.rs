//! `orqex config get KEY`: one setting's value in effect for the active profile, alone on
//! stdout for a script (`cur=$(orqex config get currency)`), as `gh config get` prints it.
//! A secret is never printed: the webhook secret and the secret key only masked.

use super::KeyItem;
use crate::cli::ConfigGetArgs;
use crate::config::{self, Setting, Source};
use crate::error::{Error, Result};
use crate::secret::WebhookSecret;
use crate::ui::Ui;

pub(super) fn get(ui: &Ui, profile_flag: Option<&str>, args: &ConfigGetArgs) -> Result<()> {
    let setting = args.key;
    let path = config::config_path()?;
    let file = super::super::load_config(ui, &path)?.unwrap_or_default();
    let (profile, _) = config::resolve_profile(profile_flag, &file, &path);
    let active = file.profile(&profile).cloned().unwrap_or_default();
    let value = match setting {
        // Shown masked.
        Setting::SecretKey => match config::pick_key(&active, &path) {
            None => None,
            Some(picked) => Some(masked_key(KeyItem::picked(picked, &profile))?),
        },
        Setting::DefaultProfile => file.default_profile().map(str::to_string),
        Setting::Currency => active.currency.clone(),
        // As commands read it: ORQEX_BASE_URL, else the profile's, else the default.
        Setting::BaseUrl => {
            let (raw, _) = config::pick_base_url(&active, &path);
            Some(config::check_base_url(&raw).unwrap_or(raw))
        }
        Setting::CaBundle => {
            config::env_nonempty(config::ENV_CA_BUNDLE).or(active.ca_bundle.clone())
        }
        Setting::WebhookSecret => match config::pick_webhook_secret(&active, &path) {
            None => None,
            Some((raw, source)) => Some(masked_secret(&raw, &source)?),
        },
    };
    let name = setting.name();
    match value {
        // From the environment or the file: shown, never obeyed.
        Some(value) => ui.out(&crate::text::printable(&value)),
        None => {
            let place = match setting {
                Setting::DefaultProfile => format!("in {}", path.display()),
                _ => format!("for profile `{profile}`"),
            };
            ui.note(&format!("{name} is not set {place}"));
            Ok(())
        }
    }
}

fn masked_key(item: KeyItem) -> Result<String> {
    match (item.masked, item.unreadable, item.problem) {
        (Some(masked), _, _) => Ok(masked),
        (None, Some(why), _) => Err(Error::NoKey(format!("secret-key: {why}"))),
        (None, None, problem) => Err(Error::usage(format!(
            "secret-key: what is stored is not a usable key ({}); store it again with `orqex login`",
            problem.unwrap_or_default()
        ))),
    }
}

fn masked_secret(raw: &str, source: &Source) -> Result<String> {
    WebhookSecret::parse(raw).map(|s| s.masked()).map_err(|e| {
        Error::usage(format!(
            "webhook-secret from {source}: {e}; set it again with `orqex config set webhook-secret`"
        ))
    })
}
