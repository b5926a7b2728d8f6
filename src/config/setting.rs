//! The settings `orqex config get`, `set` and `unset` name, declared once. Names are
//! kebab-case like the flags, typed in any case; the file's snake_case spellings are taken too.

use clap::ValueEnum;
use clap::builder::{PossibleValuesParser, TypedValueParser};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Setting {
    /// The profile used when neither --profile nor ORQEX_PROFILE is given
    #[value(alias = "default_profile")]
    DefaultProfile,
    /// The active profile's default --currency (ISO 4217, e.g. XOF)
    Currency,
    /// The active profile's API base URL (https)
    #[value(alias = "base_url")]
    BaseUrl,
    /// The PEM file of CA certificates the active profile trusts
    #[value(alias = "ca_bundle")]
    CaBundle,
    /// The active profile's webhook signing secret (whsec_...), shown masked
    #[value(alias = "webhook_secret")]
    WebhookSecret,
    /// The active profile's secret key, shown masked; stored by `orqex login` alone
    #[value(
        alias = "secret_key",
        alias = "key",
        alias = "api-key",
        alias = "api_key"
    )]
    SecretKey,
}

impl Setting {
    /// The name as typed, kebab-case.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// The value parser of `config get` (every setting), or of `set` and `unset`
    /// (`key_hidden`: the secret key is taken but left out of help and completions, so
    /// that naming it gets the way to `orqex login` rather than a list without it).
    pub fn parser(key_hidden: bool) -> impl TypedValueParser<Value = Setting> {
        PossibleValuesParser::new(Setting::value_variants().iter().filter_map(|s| {
            let value = s.to_possible_value()?;
            Some(match s {
                Setting::SecretKey => value.hide(key_hidden),
                _ => value,
            })
        }))
        .try_map(|word: String| Setting::from_str(&word, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_spellings_and_any_case_name_the_same_setting() {
        for (typed, setting) in [
            ("default_profile", Setting::DefaultProfile),
            ("BASE-URL", Setting::BaseUrl),
            ("api_key", Setting::SecretKey),
        ] {
            assert_eq!(Setting::from_str(typed, true), Ok(setting));
        }
    }
}
