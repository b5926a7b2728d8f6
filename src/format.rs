//! The formats a flag can name (`--output`, `--batch-format`), declared once: one word, one
//! meaning, whatever the command. Each command takes the subset it can print and lists it in
//! its help; clap refuses the others (exit 2) in one line naming the ones it takes.

use clap::ValueEnum;
use clap::builder::{PossibleValuesParser, TypedValueParser};

/// Every format, each word's help its doc comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The checkout URL, one line
    Url,
    /// The checkout id, one line
    Id,
    /// The API's whole answer as JSON, pretty-printed (a list's rows in one array)
    Json,
    /// ORQEX_CHECKOUT_ID=..., ORQEX_CHECKOUT_URL=..., ORQEX_PAYMENT_ID=...,
    /// ORQEX_CHECKOUT_EXPIRES_AT=..., shell-quoted
    Env,
    /// The checkout's status word (open, completed, expired, cancelled), one line
    Status,
    /// The API's whole answer as JSON, on one line
    Compact,
    /// JSON Lines: one JSON object per line, a row each
    Jsonl,
    /// Columns cut to the terminal's width, and totals per currency and status
    Table,
    /// Comma-separated columns with a header line
    Csv,
    /// Tab-separated columns with a header line
    Tsv,
    /// Lines for a person
    Text,
}

impl Format {
    /// What a checkout can be printed as (`checkout create`, `checkout get`).
    pub const CHECKOUT: &[Format] = &[
        Format::Url,
        Format::Id,
        Format::Json,
        Format::Env,
        Format::Status,
    ];
    /// What `orqex api` prints an answer as.
    pub const API: &[Format] = &[Format::Json, Format::Compact, Format::Jsonl];
    /// What a `--batch` file can be written in.
    pub const BATCH: &[Format] = &[Format::Jsonl, Format::Csv];
    /// What a list of payments or refunds can be printed as.
    pub const LIST: &[Format] = &[
        Format::Table,
        Format::Jsonl,
        Format::Json,
        Format::Csv,
        Format::Tsv,
    ];
    /// What one payment or refund can be printed as.
    pub const ONE: &[Format] = &[Format::Text, Format::Json];

    /// The word typed for this format.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// A value parser taking only `formats`: help, completions and the refusal of any other
    /// word name these alone.
    pub fn among(formats: &'static [Format]) -> impl TypedValueParser<Value = Format> {
        PossibleValuesParser::new(formats.iter().filter_map(ValueEnum::to_possible_value))
            .try_map(|word: String| Format::from_str(&word, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subset_names_formats_by_their_word() {
        for set in [
            Format::CHECKOUT,
            Format::API,
            Format::BATCH,
            Format::LIST,
            Format::ONE,
        ] {
            for f in set {
                assert_eq!(Format::from_str(&f.name(), false), Ok(*f));
            }
        }
    }
}
