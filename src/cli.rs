//! The command line, as clap sees it, and nothing else.
//!
//! Values that need validation stay `String` here so that every problem can be reported at
//! once by `checkout::validate`, instead of clap stopping at the first one.

use clap::{Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;

use crate::checkout::fields::{FIELDS, Field, Kind};
use crate::complete;
use crate::config::Setting;
use crate::format::Format;

pub mod payments;

use payments::{
    PaymentsCommand, PaymentsGetArgs, PaymentsListArgs, RefundsCommand, RefundsCreateArgs,
    RefundsGetArgs, RefundsListArgs,
};

#[derive(Debug, Parser)]
#[command(
    name = "orqex",
    version = env!("ORQEX_LONG_VERSION"), // build.rs: version, target, commit
    about = "Create hosted payment checkouts on the Orqex API",
    long_about = "Create hosted payment checkouts on the Orqex API.\n\n\
        The secret key is read from ORQEX_SECRET_KEY, the system keychain or the config \
        file, never from the command line.",
    propagate_version = true,
    // Our own -h and -V, so that they join --profile under "Global options" after the flags a
    // reader came for, instead of opening every help as a group of their own.
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = "Examples:\n  \
        orqex checkout create --amount 50 --currency XOF --description \"Order 1024\" \\\n      \
        --email ama@example.com --first-name Ama --last-name Mensah\n  \
        orqex checkout create < body.json                # the body as JSON on stdin\n  \
        orqex checkout create --data @body.json --idempotency-key order-1024 \\\n      \
        --output env >> \"$GITHUB_ENV\"                  # CI: ORQEX_CHECKOUT_URL and the rest\n  \
        orqex checkout get cs_abc123 --wait              # until paid: exit 0, unpaid 7, timeout 8\n  \
        orqex checkout create --batch invoices.csv --currency XOF --description Invoice"
)]
pub struct Cli {
    /// Config profile to use (default: the config file's default_profile, else "default").
    /// Also ORQEX_PROFILE.
    #[arg(long, global = true, value_name = "NAME", help_heading = GLOBAL,
          add = ArgValueCompleter::new(complete::profiles))]
    pub profile: Option<String>,

    #[arg(short, long, global = true, action = clap::ArgAction::Help, help_heading = GLOBAL,
          help = "Print help (see more with '--help')",
          long_help = "Print help (see a summary with '-h')")]
    help: Option<bool>,

    #[arg(short = 'V', long, global = true, action = clap::ArgAction::Version,
          help_heading = GLOBAL, help = "Print version")]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

/// The heading of the flags every command takes.
const GLOBAL: &str = "Global options";

impl Cli {
    /// Whether the command asked for its errors as JSON: `--json` or `--output json` where a
    /// command has them. `orqex api -o compact` or `-o jsonl` does not. `main` gives the
    /// answer to the run's `Ui`, which alone is asked afterwards.
    pub fn json_errors(&self) -> bool {
        match &self.command {
            Command::Checkout(CheckoutCommand::Create(CreateArgs { output, .. }))
            | Command::Checkout(CheckoutCommand::Get(GetArgs { output, .. })) => {
                output.json || output.output == Some(Format::Json)
            }
            Command::Api(args) => args.output == Some(Format::Json),
            Command::Payments(PaymentsCommand::List(PaymentsListArgs { output, .. }))
            | Command::Refunds(RefundsCommand::List(RefundsListArgs { output, .. })) => {
                output.json || output.output == Some(Format::Json)
            }
            Command::Payments(PaymentsCommand::Get(PaymentsGetArgs { output, .. }))
            | Command::Refunds(RefundsCommand::Create(RefundsCreateArgs { output, .. }))
            | Command::Refunds(RefundsCommand::Get(RefundsGetArgs { output, .. })) => {
                output.json || output.output == Some(Format::Json)
            }
            Command::Completions(_)
            | Command::Man(_)
            | Command::Login(_)
            | Command::Logout(_)
            | Command::Whoami(_)
            | Command::Config(_)
            | Command::Webhooks(_) => false,
        }
    }
}

/// `--json`, `--output json`, `--output=json`, `-o json`, `-o=json` or `-ojson` among
/// arguments clap could not parse, before any `--`: `Cli::json_errors` asked of the raw
/// words. A guess by necessity: a flag's value that happens to read `--json` would count too,
/// which at worst turns a usage error into JSON.
pub fn args_ask_for_json(args: &[std::ffi::OsString]) -> bool {
    let mut previous_was_output = false;
    for arg in args {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            return false;
        }
        let value = arg
            .strip_prefix("--output=")
            .or_else(|| arg.strip_prefix("-o="))
            .or_else(|| arg.strip_prefix("-o"))
            .filter(|_| !previous_was_output);
        if arg == "--json" || value == Some("json") || (previous_was_output && arg == "json") {
            return true;
        }
        previous_was_output = arg == "--output" || arg == "-o";
    }
    false
}

// Parsed once per run: the size of the biggest variant costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and inspect hosted checkouts
    #[command(subcommand)]
    Checkout(CheckoutCommand),

    /// List payments and see where one stands: what came in, and for how much
    #[command(subcommand)]
    Payments(payments::PaymentsCommand),

    /// Give money back on a payment, and follow its refunds
    #[command(subcommand)]
    Refunds(payments::RefundsCommand),

    /// Call any endpoint of the Orqex API, with the key, retries and checks of every command
    #[command(after_help = "Examples:\n  \
        orqex api GET /payment/intents/TRX1A2B3C4D\n  \
        orqex api GET /payment/intents --query per_page=50 --paginate --output jsonl\n  \
        orqex api POST /payment/intents/TRX1A2B3C4D/requery\n  \
        orqex api GET /payment/checkouts/cs_abc123 --jq .data.checkout.status")]
    Api(ApiArgs),

    /// Store a secret key for a profile in the system keychain (typed hidden, or piped with
    /// --with-key)
    #[command(
        after_help = "The key goes into the system's credential store (macOS Keychain, \
        Windows Credential Manager, the Secret Service on Linux) under service `orqex` and the \
        profile's name; the config file records only that it is there. Where no store answers \
        (no session bus: a server, a container, CI), it goes into the config file (mode 0600), \
        with a warning.\n\n\
        Examples:\n  \
        orqex login                  # asks for the key, input hidden\n  \
        orqex login --profile live\n  \
        printf '%s\\n' \"$ORQEX_KEY\" | orqex login --with-key    # scripts, secret stores\n  \
        orqex login --insecure-storage   # the config file on purpose, no keychain"
    )]
    Login(LoginArgs),

    /// Check the key in use with the API (one read-only request) and say whose it is
    Whoami(WhoamiArgs),

    /// Remove a profile's secret key, from the system keychain or the config file
    Logout(LogoutArgs),

    /// Show the settings in effect and where each comes from, or change them
    Config(ConfigArgs),

    /// Receive, send and check webhook deliveries on this machine: listen, trigger, verify
    #[command(subcommand)]
    Webhooks(WebhooksCommand),

    /// Print a shell completion script on stdout
    #[command(
        after_help = "bash: the file in bash-completion's folder is read only when the \
        bash-completion package is installed (bash-completion on Debian, Ubuntu and Fedora; \
        bash-completion@2 in Homebrew). Without it, load the script from ~/.bashrc instead, \
        with the second example.\n\n\
        Examples:\n  \
        orqex completions bash > ~/.local/share/bash-completion/completions/orqex\n  \
        echo 'source <(orqex completions bash)' >> ~/.bashrc    # without bash-completion\n  \
        orqex completions zsh > ~/.zfunc/_orqex                  # a folder in $fpath\n  \
        orqex completions fish > ~/.config/fish/completions/orqex.fish"
    )]
    Completions(CompletionsArgs),

    /// Print a man page (roff) on stdout: orqex(1), or a subcommand's
    #[command(
        after_help = "Examples:\n  orqex man --dir ~/.local/share/man/man1    # every page\n  \
        orqex man checkout create                  # one page, on stdout"
    )]
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Receive deliveries on this machine: one JSON line each on stdout, signatures checked,
    /// passed on to your app with --forward-to; runs until Ctrl-C or SIGTERM
    #[command(after_help = "Examples:\n  \
        orqex webhooks listen --forward-to http://localhost:3000/webhooks\n  \
        orqex webhooks listen --port 0 --events payment.completed,payment.failed > deliveries.jsonl\n\n\
        With a signing secret (ORQEX_WEBHOOK_SECRET, --secret-env or the profile's webhook-secret),\n\
        a delivery whose x-orqex-signature does not match, or that has none, is answered 401 and\n\
        never forwarded. A body that is not JSON is answered 400, one over 1 MiB 413; an app that\n\
        does not answer within --forward-timeout 504, one that cannot be reached 502.")]
    Listen(ListenArgs),

    /// Send a realistic event, signed when there is a signing secret, to your webhook handler
    #[command(after_help = "Examples:\n  \
        orqex webhooks trigger payment.completed --to http://localhost:3000/webhooks\n  \
        orqex webhooks trigger payment.failed --to http://localhost:3000/webhooks \\\n      \
        --payment TRX1A2B3C4D -m order_id=1024 --repeat 3\n\n\
        Events: payment.completed, payment.failed, payment.expired, payment.refunded,\n\
        payment.partially_refunded, payment.attempt.completed, payment.attempt.failed,\n\
        payment.attempt.action_required.\n\n\
        Exit 0 when every answer was 2xx, 4 when one was not, 6 when the handler could not be reached.")]
    Trigger(TriggerArgs),

    /// Check a saved delivery's x-orqex-signature against its raw bytes (exit 0 valid, 1 not)
    #[command(after_help = "Examples:\n  \
        orqex webhooks verify --signature 5f2c...e9 payload.json\n  \
        pbpaste | orqex webhooks verify --signature \"$SIG\"\n\n\
        The signature covers the exact bytes Orqex sent: a payload re-formatted, or saved with a\n\
        newline added, no longer matches.")]
    Verify(VerifyArgs),
}

/// Where the webhook signing secret comes from, besides ORQEX_WEBHOOK_SECRET and the profile.
#[derive(Debug, Args)]
pub struct WebhookSecretArgs {
    /// Read the signing secret (whsec_...) from the environment variable NAME instead of
    /// ORQEX_WEBHOOK_SECRET and the profile's webhook-secret. Never give the secret itself
    #[arg(long, value_name = "NAME", help_heading = "Signing")]
    pub secret_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on; 0 picks a free one (printed at start)
    #[arg(long, value_name = "N", default_value_t = 4242)]
    pub port: u16,

    /// Address to listen on. The default is reachable only from this machine; another (such
    /// as 0.0.0.0) is reachable from others, and orqex warns about it
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub host: String,

    /// Pass each accepted delivery on to your app at URL (raw body and headers unchanged) and
    /// answer the sender with the app's status and body
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// How long the app may take to answer a forwarded delivery before the sender gets 504:
    /// seconds (10, 0.5) or with units (500ms, 1m), at most 5m [default: 10s]
    #[arg(long, value_name = "DURATION", requires = "forward_to",
          value_parser = crate::duration::handler_timeout)]
    pub forward_timeout: Option<std::time::Duration>,

    /// PEM file of CA certificates to trust besides the built-in ones, for an https app whose
    /// certificate a private CA signs. Also ORQEX_CA_BUNDLE, then the profile's ca_bundle
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, add = ArgValueCompleter::new(complete::files), requires = "forward_to")]
    pub ca_bundle: Option<std::path::PathBuf>,

    /// Only these events are printed and forwarded: a comma-separated list of names or
    /// families (payment.attempt.*); others are answered 200 and counted as ignored
    #[arg(long, value_name = "LIST", add = ArgValueCompleter::new(complete::events))]
    pub events: Vec<String>,

    #[command(flatten)]
    pub secret: WebhookSecretArgs,
}

#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// The event to send, e.g. payment.completed (see below for all)
    #[arg(value_name = "EVENT", add = ArgValueCompleter::new(complete::events))]
    pub event: String,

    /// Your handler's URL: absolute http or https (plain http is fine for a local handler)
    #[arg(long, value_name = "URL")]
    pub to: String,

    /// The payment's id in the event (default: a fresh one, like TRX1A2B3C4D)
    #[arg(long, value_name = "TRX_ID")]
    pub payment: Option<String>,

    /// Metadata entry KEY=VALUE on the event's payment; repeat for more (at most 10 keys)
    #[arg(long, short = 'm', value_name = "KEY=VALUE")]
    pub metadata: Vec<String>,

    /// Send the same event N times (same ids, same bytes), as at-least-once delivery may (1-100)
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,

    /// How long the handler may take to answer each: seconds (10, 0.5) or with units (500ms,
    /// 1m), at most 5m [default: 10s]
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::handler_timeout)]
    pub timeout: Option<std::time::Duration>,

    /// PEM file of CA certificates to trust besides the built-in ones, for an https handler
    /// whose certificate a private CA signs. Also ORQEX_CA_BUNDLE, then the profile's ca_bundle
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, add = ArgValueCompleter::new(complete::files))]
    pub ca_bundle: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub secret: WebhookSecretArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The delivery's x-orqex-signature header: 64 hexadecimal characters
    #[arg(long, value_name = "SIG")]
    pub signature: String,

    /// The raw payload, exactly as received: a file, or - for stdin (the default)
    #[arg(value_name = "FILE|-", value_hint = clap::ValueHint::FilePath, add = ArgValueCompleter::new(complete::files))]
    pub file: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub secret: WebhookSecretArgs,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print, e.g. `checkout create` (default: orqex itself)
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Vec<String>,

    /// Write every page (orqex.1 and one per subcommand) into DIR, made if missing, instead
    /// of printing one
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Read the key from stdin (one line) instead of asking for it
    #[arg(long)]
    pub with_key: bool,

    /// Store the key in clear text in the config file (mode 0600) instead of the system
    /// keychain, without the warning given when no keychain answers
    #[arg(long)]
    pub insecure_storage: bool,

    /// Store the key without checking it with the API first (by default one read-only
    /// request, and nothing is stored if the API refuses the key or cannot be reached)
    #[arg(long)]
    pub no_verify: bool,

    #[command(flatten)]
    pub net: NetArgs,

    /// A key typed on the command line by mistake: caught here so that it is refused without
    /// clap's "unexpected argument" error repeating it.
    #[arg(hide = true, value_name = "KEY")]
    pub key_in_argv: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,

    #[command(flatten)]
    pub show: ConfigShowArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the settings in effect and where each comes from (the default)
    Show(ConfigShowArgs),

    /// Print one setting's value in effect: default-profile, or currency, base-url,
    /// ca-bundle, webhook-secret (masked), secret-key (masked) of the active profile
    #[command(after_help = "Examples:\n  orqex config get currency\n  \
        orqex config get base-url --profile live\n  \
        currency=$(orqex config get currency)")]
    Get(ConfigGetArgs),

    /// Set a setting: default-profile, or currency, base-url, ca-bundle, webhook-secret of the
    /// active profile (the webhook secret read from stdin or typed hidden, never from the
    /// command line; the secret key is stored by `orqex login`)
    #[command(
        after_help = "Examples:\n  orqex config set currency XOF --profile sandbox\n  \
        printf '%s\\n' \"$WEBHOOK_SECRET\" | orqex config set webhook-secret"
    )]
    Set(ConfigSetArgs),

    /// Remove a setting (same keys as `set`)
    Unset(ConfigUnsetArgs),

    /// Move every profile's key from the config file into the system keychain
    #[command(
        after_help = "Each key is written to the keychain and read back before it is \
        removed from the file; a key that cannot be moved stays where it was."
    )]
    MigrateKeys,
}

#[derive(Debug, Args, Default)]
pub struct ConfigShowArgs {
    /// Print the settings as JSON (keys masked)
    #[arg(long)]
    pub json: bool,

    /// Print what the jq filter EXPR makes of the settings as JSON, e.g. --jq .profile.value
    #[arg(long, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Check the key in use with the API instead, as `orqex whoami` does
    #[arg(long, conflicts_with_all = ["json", "jq"])]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ConfigSetArgs {
    /// The setting, in any case (the file's snake_case spellings too)
    #[arg(value_name = "KEY", ignore_case = true, value_parser = Setting::parser(true))]
    pub key: Setting,

    /// The new value (checked before it is stored); none for webhook-secret, which is read
    /// from stdin
    #[arg(value_name = "VALUE")]
    pub value: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigGetArgs {
    /// The setting, in any case (the file's snake_case spellings too)
    #[arg(value_name = "KEY", ignore_case = true, value_parser = Setting::parser(false))]
    pub key: Setting,
}

#[derive(Debug, Args)]
pub struct ConfigUnsetArgs {
    /// The setting, in any case (the file's snake_case spellings too)
    #[arg(value_name = "KEY", ignore_case = true, value_parser = Setting::parser(true))]
    pub key: Setting,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CheckoutCommand {
    /// Create a hosted checkout and print its URL
    #[command(
        override_usage = "orqex checkout create --amount <AMOUNT> --currency <CODE> \
            --description <TEXT> --email <EMAIL> --first-name <NAME> --last-name <NAME> [OPTIONS]\n       \
            orqex checkout create [OPTIONS] < body.json\n       \
            orqex checkout create --batch <FILE> [OPTIONS]",
        after_help = "Examples:\n  \
        orqex checkout create --amount 50 --currency XOF --description \"Order 1024\" \\\n      \
        --email ama@example.com --first-name Ama --last-name Mensah\n  \
        orqex checkout create < body.json                # the body as JSON on stdin\n  \
        orqex checkout create --data @body.json --amount 75 -m order_id=1025   # JSON, then flags\n  \
        orqex checkout create --data @body.json --idempotency-key order-1024 \\\n      \
        --output env >> \"$GITHUB_ENV\"                  # CI: ORQEX_CHECKOUT_URL and the rest\n  \
        orqex checkout create --data @body.json --qr --wait   # show a QR code, wait until paid\n  \
        orqex checkout create --batch invoices.csv --currency XOF --description Invoice"
    )]
    Create(CreateArgs),

    /// Retrieve one checkout by its id and print it
    #[command(
        after_help = "Examples:\n  orqex checkout get cs_abc123 --output json\n  \
        orqex checkout get cs_abc123 --wait --wait-timeout 30m"
    )]
    Get(GetArgs),
}

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The HTTP method, in any case
    #[arg(value_name = "METHOD", value_enum, ignore_case = true)]
    pub method: ApiMethod,

    /// The path after the base URL, like /payment/intents/TRX1A2B3C4D; a query may follow `?`
    #[arg(value_name = "PATH", add = ArgValueCompleter::new(complete::api_paths))]
    pub path: String,

    /// Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { or [
    /// is the JSON itself. Sent byte for byte as given
    #[arg(long, short = 'd', value_name = "@FILE|-|JSON", help_heading = "Input",
          add = ArgValueCompleter::new(complete::data))]
    pub data: Option<String>,

    /// A query parameter, encoded for the URL; repeat for more
    #[arg(long, short = 'q', value_name = "KEY=VALUE", help_heading = "Input")]
    pub query: Vec<String>,

    /// A request header of your own, as `gh api` and curl take it; repeat for more. Not
    /// Authorization nor X-Idempotency-Key, which orqex sends itself
    #[arg(long, short = 'H', value_name = "NAME: VALUE", help_heading = "Input")]
    pub header: Vec<String>,

    /// Never ask a question (the confirmation before a write with a live key)
    #[arg(long, help_heading = "Input")]
    pub no_input: bool,

    /// Send a write with a live key without asking for confirmation
    #[arg(long, short = 'y', help_heading = "Input")]
    pub yes: bool,

    /// Idempotency key for a write (POST, PUT, PATCH, DELETE), sent as X-Idempotency-Key
    /// (8-128 characters). Without it, one is generated and kept for every retry
    #[arg(long, value_name = "KEY", help_heading = "Sending")]
    pub idempotency_key: Option<String>,

    /// Follow a list's pages (pagination.next_page_url, on the list's own path) and print the
    /// rows of every page as they come: one JSON array, or one line per row with --output jsonl
    #[arg(long, help_heading = "Output")]
    pub paginate: bool,

    /// How stdout gets the answer [default: json at a terminal, else compact]
    #[arg(
        long,
        short = 'o',
        value_parser = Format::among(Format::API),
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub output: Option<Format>,

    /// Print what the jq filter EXPR makes of the answer (with --paginate or --output jsonl,
    /// of each row), strings as they are
    #[arg(long, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,

    #[command(flatten)]
    pub net: NetArgs,
}

/// The methods `orqex api` sends: those the API's paths answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum ApiMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The checkout's id, as `--output id` prints it (e.g. cs_abc123), or its URL as
    /// `checkout create` prints it
    #[arg(value_name = "CHECKOUT_ID|URL")]
    pub id: String,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub input: InputArgs,

    /// Set the body field at PATH to the text VALUE, for fields without a flag of their own
    /// (--set customization.lang=fr); repeatable. A path the API reference does not list is
    /// sent as given, with a warning; a listed one gets its flag's checks
    #[arg(long, value_name = "PATH=VALUE", help_heading = "Input")]
    pub set: Vec<String>,

    /// Like --set, with VALUE read as JSON: a number, true/false, an object, a "string"
    #[arg(long, value_name = "PATH=JSON", help_heading = "Input")]
    pub set_json: Vec<String>,

    /// Idempotency key sent as X-Idempotency-Key (8-128 characters; with --batch at most 115,
    /// each row sending KEY-ROW). Without it, one is generated for this invocation; reuse the
    /// same key to retry a create safely
    #[arg(long, value_name = "KEY", help_heading = "Sending")]
    pub idempotency_key: Option<String>,

    /// Validate and print the JSON body that would be sent; send nothing, need no key
    #[arg(long, help_heading = "Sending")]
    pub dry_run: bool,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Many creates from one file.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Create one checkout per row of FILE (JSON Lines, or CSV with a header of field paths
    /// such as amount,customer.email,metadata.order_id); `-` reads stdin. Flags apply to every
    /// row as defaults; one JSON line per row is printed, in input order
    #[arg(
        long,
        value_name = "FILE",
        value_hint = clap::ValueHint::FilePath, add = ArgValueCompleter::new(complete::files),
        conflicts_with_all = ["wait", "qr", "open", "output", "jq", "data"],
        help_heading = "Batch"
    )]
    pub batch: Option<String>,

    /// Input format of --batch (default: from the file name, .csv is CSV, else JSON Lines;
    /// for stdin, CSV unless the first character is `{`)
    #[arg(
        long,
        value_name = "FORMAT",
        requires = "batch",
        value_parser = Format::among(Format::BATCH),
        help_heading = "Batch"
    )]
    pub batch_format: Option<Format>,

    /// How many creates run at once (1-64)
    #[arg(long, value_name = "N", default_value_t = 4, requires = "batch",
          value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Batch")]
    pub concurrency: u16,

    /// Send a row's fields that the API reference does not list as given (each named once in
    /// a warning); without it they are refused, as a typo most likely is
    #[arg(long, requires = "batch", help_heading = "Batch")]
    pub allow_unknown: bool,
}

/// Where the body comes from besides flags, and whether orqex may ask questions.
#[derive(Debug, Args, Default)]
pub struct InputArgs {
    /// Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the
    /// JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read
    #[arg(long, short = 'd', value_name = "@FILE|-|JSON", help_heading = "Input",
          add = ArgValueCompleter::new(complete::data))]
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
/// Defaults live in `client`; `None` here means "not given".
#[derive(Debug, Args, Default)]
pub struct NetArgs {
    /// Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the
    /// same request (a create keeps its idempotency key and body); 0 disables, at most 10
    /// [default: 2]
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=10),
        allow_negative_numbers = true,
        help_heading = "Network"
    )]
    pub max_retries: Option<u32>,

    /// How long one attempt may take in all, answer included: seconds (30, 0.5) or with units
    /// (1500ms, 2m), at most 1h; connecting alone is limited to 10s [default: 30s]
    #[arg(
        long,
        value_name = "DURATION",
        value_parser = crate::duration::request_timeout,
        allow_negative_numbers = true,
        help_heading = "Network"
    )]
    pub timeout: Option<std::time::Duration>,

    /// PEM file of CA certificates to trust besides the built-in ones (private deployment,
    /// corporate proxy). Also ORQEX_CA_BUNDLE, then the profile's ca_bundle
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, add = ArgValueCompleter::new(complete::files), help_heading = "Network")]
    pub ca_bundle: Option<std::path::PathBuf>,

    /// Send requests for HOST:PORT to ADDRESS, keeping HOST for TLS and the Host header (a
    /// private deployment, DNS not there yet); repeatable. Also ORQEX_RESOLVE (a list)
    #[arg(long, value_name = "HOST:PORT:ADDRESS", help_heading = "Network")]
    pub resolve: Vec<String>,

    /// Print each request and answer on stderr (key masked), with timings and retries
    #[arg(short, long, help_heading = "Network")]
    pub verbose: bool,
}

/// What happens once a checkout exists: how it is shown, opened, and waited for. Shared by
/// every command that prints one.
#[derive(Debug, Args, Default)]
pub struct OutputArgs {
    /// What stdout gets: the checkout URL, its id, the API's whole response as JSON,
    /// ORQEX_* shell variables (env), or its status word [default: url]
    #[arg(
        long,
        short = 'o',
        value_parser = Format::among(Format::CHECKOUT),
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub output: Option<Format>,

    /// Same as --output json; errors are then printed as JSON on stderr too
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// Print what the jq filter EXPR makes of the API's whole answer (strings as they are,
    /// the rest as JSON), e.g. --jq .data.payment.id
    #[arg(long, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,

    /// Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)
    #[arg(long, help_heading = "Output")]
    pub qr: bool,

    /// Open the checkout URL in the default browser (or $BROWSER)
    #[arg(long, help_heading = "Output")]
    pub open: bool,

    #[command(flatten)]
    pub wait: WaitArgs,
}

/// Blocking until the checkout is paid.
#[derive(Debug, Args, Default)]
pub struct WaitArgs {
    /// Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid
    #[arg(long, help_heading = "Waiting")]
    pub wait: bool,

    /// Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s)
    /// [default: 3s]
    #[arg(
        long,
        value_name = "DURATION",
        requires = "wait",
        value_parser = crate::duration::wait_interval,
        help_heading = "Waiting"
    )]
    pub interval: Option<std::time::Duration>,

    /// Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m)
    /// [default: 15m]
    #[arg(
        long,
        value_name = "DURATION",
        requires = "wait",
        value_parser = crate::duration::wait_timeout,
        help_heading = "Waiting"
    )]
    pub wait_timeout: Option<std::time::Duration>,
}

/// One flag per field of the request body, made from `checkout::fields::FIELDS`: the table
/// says each flag's name, aliases, value, help and section, and clap reads them back here.
#[derive(Debug, Clone, Default)]
pub struct BodyArgs {
    /// The body flags given, in the table's order: the field and every value typed for it.
    pub given: Vec<(&'static Field, Vec<String>)>,
}

impl clap::FromArgMatches for BodyArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<BodyArgs, clap::Error> {
        let given = FIELDS
            .iter()
            .filter_map(|f| {
                let values = matches.get_many::<String>(f.path)?;
                Some((f, values.cloned().collect()))
            })
            .collect();
        Ok(BodyArgs { given })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = BodyArgs::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for BodyArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        FIELDS.iter().fold(cmd, |cmd, f| cmd.arg(field_arg(f)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        BodyArgs::augment_args(cmd)
    }
}

/// The flag of one field. Values stay text: `validate` checks them all at once, with the
/// field's own words, instead of clap stopping at the first.
fn field_arg(f: &'static Field) -> clap::Arg {
    let mut arg = clap::Arg::new(f.path)
        .long(f.flag)
        .visible_aliases(f.aliases)
        .value_name(f.value_name)
        .help(f.help)
        .help_heading(f.heading);
    if let Some(short) = f.short {
        arg = arg.short(short);
    }
    match f.kind {
        Kind::Map => arg.action(clap::ArgAction::Append),
        // `-5` is an amount to refuse with its own message, not an unknown flag.
        Kind::Number => arg.allow_hyphen_values(true),
        Kind::Text => arg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks(args: &[&str]) -> bool {
        args_ask_for_json(
            &args
                .iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn every_spelling_of_json_output_asks_for_json_errors() {
        for args in [
            &["--json"][..],
            &["-o", "json"],
            &["--output", "json"],
            &["--output=json"],
            &["-o=json"],
            &["-ojson"],
            &["checkout", "create", "--bogus", "-o=json"],
            &["checkout", "get", "--output", "json", "x", "y"],
        ] {
            assert!(asks(args), "{args:?}");
        }
        for args in [
            &["-o", "compact"][..],
            &["--output=jsonl"],
            &["-ojsonl"],
            &["--", "--json"],
            &["--description", "json"],
            &["-o", "-ojson"],
            &["checkout", "get", "--output", "url", "json"],
        ] {
            assert!(!asks(args), "{args:?}");
        }
    }

    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
