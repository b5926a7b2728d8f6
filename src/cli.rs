//! The command line, as clap sees it, and nothing else.
//!
//! Values that need validation stay `String` here so that every problem can be reported at
//! once by `checkout::validate`, instead of clap stopping at the first one.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "orqex",
    version,
    about = "Create hosted payment checkouts on the Orqex API",
    long_about = "Create hosted payment checkouts on the Orqex API.\n\n\
        The secret key is read from ORQEX_SECRET_KEY or from the config file, never from the \
        command line.",
    propagate_version = true
)]
pub struct Cli {
    /// Config profile to use (default: the config file's default_profile, else "default").
    /// Also ORQEX_PROFILE.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and inspect hosted checkouts
    #[command(subcommand)]
    Checkout(CheckoutCommand),
}

#[derive(Debug, Subcommand)]
pub enum CheckoutCommand {
    /// Create a hosted checkout and print its URL
    #[command(
        after_help = "Example:\n  orqex checkout create --amount 50 --currency XOF \
        --description \"Order 1024\" \\\n      --email ama@example.com --first-name Ama --last-name Mensah"
    )]
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub input: InputArgs,

    /// Idempotency key sent as X-Idempotency-Key (8-128 characters). Without it, one is
    /// generated for this invocation; reuse the same key to retry a create safely
    #[arg(long, value_name = "KEY", help_heading = "Sending")]
    pub idempotency_key: Option<String>,

    /// Validate and print the JSON body that would be sent; send nothing, need no key
    #[arg(long, help_heading = "Sending")]
    pub dry_run: bool,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where the body comes from besides flags, and whether orqex may ask questions.
#[derive(Debug, Args, Default)]
pub struct InputArgs {
    /// Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the
    /// JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read
    #[arg(long, short = 'd', value_name = "@FILE|-|JSON", help_heading = "Input")]
    pub data: Option<String>,

    /// Never ask a question: report missing fields instead (prompts also stay off when stdin
    /// or stderr is not a terminal, or CI is set)
    #[arg(long, help_heading = "Input")]
    pub no_input: bool,

    /// Create with a live key without asking for confirmation
    #[arg(long, short = 'y', help_heading = "Input")]
    pub yes: bool,
}

/// How requests travel: retries, timeouts, TLS. Shared by every command that calls the API.
#[derive(Debug, Args, Default)]
pub struct NetArgs {}

/// How a checkout is shown. Shared by every command that prints one.
#[derive(Debug, Args, Default)]
pub struct OutputArgs {
    /// Print the API's whole response as pretty JSON instead of the URL
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

/// One flag per field of the request body.
#[derive(Debug, Args, Default)]
pub struct BodyArgs {
    /// Amount in major units, as a plain decimal (50 or 12.5); at least 1. Sent exactly as typed
    #[arg(
        long,
        value_name = "AMOUNT",
        allow_hyphen_values = true,
        help_heading = "Payment"
    )]
    pub amount: Option<String>,

    /// Three-letter ISO 4217 currency code, e.g. XOF (sent uppercase)
    #[arg(long, value_name = "CODE", help_heading = "Payment")]
    pub currency: Option<String>,

    /// Description shown to the customer on the checkout page (required, at most 500 characters)
    #[arg(long, value_name = "TEXT", help_heading = "Payment")]
    pub description: Option<String>,

    /// Text on the customer's card statement (at most 22 characters)
    #[arg(long, value_name = "TEXT", help_heading = "Payment")]
    pub statement_descriptor: Option<String>,

    /// Minutes the checkout stays open (a whole number, at least 1)
    #[arg(
        long,
        value_name = "MINUTES",
        allow_hyphen_values = true,
        help_heading = "Payment"
    )]
    pub expires_in_minutes: Option<String>,

    /// Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)
    #[arg(
        long = "metadata",
        short = 'm',
        value_name = "KEY=VALUE",
        help_heading = "Payment"
    )]
    pub metadata: Vec<String>,

    /// Customer's email address (required)
    #[arg(long, value_name = "EMAIL", help_heading = "Customer")]
    pub email: Option<String>,

    /// Customer's first name (required)
    #[arg(long, value_name = "NAME", help_heading = "Customer")]
    pub first_name: Option<String>,

    /// Customer's last name (required)
    #[arg(long, value_name = "NAME", help_heading = "Customer")]
    pub last_name: Option<String>,

    /// Customer's street address
    #[arg(long, value_name = "TEXT", help_heading = "Customer")]
    pub address: Option<String>,

    /// Customer's city
    #[arg(long, value_name = "TEXT", help_heading = "Customer")]
    pub city: Option<String>,

    /// Customer's state or region
    #[arg(long, value_name = "TEXT", help_heading = "Customer")]
    pub state: Option<String>,

    /// Customer's country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)
    #[arg(long, value_name = "CC", help_heading = "Customer")]
    pub country: Option<String>,

    /// Customer's postal code
    #[arg(long, value_name = "TEXT", help_heading = "Customer")]
    pub zip: Option<String>,

    /// URL the customer returns to after checkout (absolute http(s), at most 2048 characters)
    #[arg(long, value_name = "URL", help_heading = "After payment")]
    pub return_url: Option<String>,

    /// URL Orqex POSTs this checkout's payment events to (absolute http(s), at most 2048 characters)
    #[arg(long, value_name = "URL", help_heading = "After payment")]
    pub webhook_url: Option<String>,

    /// Email address the receipt is sent to (at most 255 characters)
    #[arg(long, value_name = "EMAIL", help_heading = "After payment")]
    pub receipt_email: Option<String>,

    /// Only allow payers from this country, ISO 3166-1 alpha-2 (e.g. CI)
    #[arg(long, value_name = "CC", help_heading = "Restriction")]
    pub restrict_country: Option<String>,

    /// Only allow this phone number (national format, e.g. 0700000000); needs --restrict-phone-country
    #[arg(long, value_name = "NUMBER", help_heading = "Restriction")]
    pub restrict_phone: Option<String>,

    /// Country of --restrict-phone, ISO 3166-1 alpha-2 (e.g. CI)
    #[arg(long, value_name = "CC", help_heading = "Restriction")]
    pub restrict_phone_country: Option<String>,

    /// Checkout's primary colour, e.g. #1a73e8
    #[arg(long, value_name = "COLOR", help_heading = "Appearance")]
    pub color: Option<String>,

    /// Label shown on the checkout (defaults to the project's name)
    #[arg(long, value_name = "TEXT", help_heading = "Appearance")]
    pub brand: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
