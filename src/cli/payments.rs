//! `orqex payments ...` and `orqex refunds ...` as clap sees them, and nothing else.

use clap::{Args, Subcommand, ValueEnum};

use super::{NetArgs, WaitArgs};
use crate::format::Format;

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// List payments, newest first: a table with totals at a terminal, rows in a pipe
    #[command(after_help = "Examples:\n  \
        orqex payments list --since 24h\n  \
        orqex payments list --status completed --status partially_refunded --since 2026-12-01\n  \
        orqex payments list --all --since 7d -o csv > week.csv\n  \
        orqex payments list --customer cus_8f2k --jq .id")]
    List(PaymentsListArgs),

    /// Show one payment: its attempt, why it failed, what can still be refunded
    #[command(after_help = "Examples:\n  \
        orqex payments get TRX1A2B3C4D\n  \
        orqex payments get cs_abc123 --wait\n  \
        orqex payments get https://pay.orqex.com/c/cs_abc123 --json",
        mut_arg("wait", |a| a.help("Wait until the payment is final; exit 0 only when completed (7 failed, expired or refunded)")))]
    Get(PaymentsGetArgs),
}

#[derive(Debug, Subcommand)]
pub enum RefundsCommand {
    /// Give money back to a customer: all or part of a completed payment
    #[command(after_help = "Examples:\n  \
        orqex refunds create TRX1A2B3C4D --amount 10 --reason requested_by_customer\n  \
        orqex refunds create TRX1A2B3C4D --full --reason duplicate --note \"charged twice\" --wait\n  \
        orqex refunds create cs_abc123 --amount 5 --reason other -m ticket=4411",
        mut_arg("wait", |a| a.help("Wait until the refund is final; exit 0 when completed, 7 when it failed")))]
    Create(RefundsCreateArgs),

    /// List a payment's refunds, newest first
    #[command(after_help = "Examples:\n  \
        orqex refunds list TRX1A2B3C4D\n  \
        orqex refunds list TRX1A2B3C4D -o jsonl")]
    List(RefundsListArgs),

    /// Show one refund of a payment
    #[command(after_help = "Examples:\n  \
        orqex refunds get TRX1A2B3C4D rf_0001\n  \
        orqex refunds get TRX1A2B3C4D rf_0001 --wait",
        mut_arg("wait", |a| a.help("Wait until the refund is final; exit 0 when completed, 7 when it failed")))]
    Get(RefundsGetArgs),
}

/// A payment's status, as the API lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Completed,
    Failed,
    Expired,
    Refunded,
    PartiallyRefunded,
}

/// Why a refund is made, as the API lists the reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RefundReason {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
    ProductNotReceived,
    ProductUnsatisfactory,
    OrderCancelled,
    Other,
}

#[derive(Debug, Args)]
pub struct ListOutputArgs {
    /// How stdout gets the rows [default: table at a terminal, else jsonl]
    #[arg(
        long,
        short = 'o',
        value_parser = Format::among(Format::LIST),
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub output: Option<Format>,

    /// Same as --output json (errors come as JSON too)
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// Print what the jq filter EXPR makes of each row, strings as they are
    #[arg(long, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,

    /// Rows to print at most (one page of 20 by default; up to 100 per request)
    #[arg(long, value_name = "N", conflicts_with = "all",
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Output")]
    pub limit: Option<u64>,

    /// Every row of every page, printed as they come (memory stays flat however many)
    #[arg(long, help_heading = "Output")]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct PaymentsListArgs {
    /// Only payments with this status; repeat for several
    #[arg(long, value_enum, value_name = "STATUS", help_heading = "Filters")]
    pub status: Vec<PaymentStatus>,

    /// Only payments created at or after this: a date (2026-12-01, from its start), a UTC
    /// date-time (2026-12-01T09:30:00Z), or a duration back from now (24h, 7d, 90m)
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub since: Option<String>,

    /// Only payments created at or before this: a date (to its end), a UTC date-time, or a
    /// duration back from now
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub until: Option<String>,

    /// Only this customer's payments (cus_...)
    #[arg(long, value_name = "CUSTOMER_ID", help_heading = "Filters")]
    pub customer: Option<String>,

    #[command(flatten)]
    pub output: ListOutputArgs,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct OneOutputArgs {
    /// How stdout gets it [default: text at a terminal, else json]
    #[arg(
        long,
        short = 'o',
        value_parser = Format::among(Format::ONE),
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub output: Option<Format>,

    /// Same as --output json (errors come as JSON too)
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// Print what the jq filter EXPR makes of the API's answer, strings as they are
    #[arg(long, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,

    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct PaymentsGetArgs {
    /// The payment (TRX...), or a checkout id (cs_...) or checkout URL, whose payment is shown
    #[arg(value_name = "PAYMENT|CHECKOUT")]
    pub id: String,

    #[command(flatten)]
    pub output: OneOutputArgs,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct RefundsCreateArgs {
    /// The payment to refund (TRX...), or a checkout id or URL naming it
    #[arg(value_name = "PAYMENT|CHECKOUT")]
    pub id: String,

    /// How much to give back, in major units as typed (10 is 10.00); at most what is refundable
    #[arg(
        long,
        value_name = "AMOUNT",
        required_unless_present = "full",
        conflicts_with = "full",
        help_heading = "Refund"
    )]
    pub amount: Option<String>,

    /// Give back all that is still refundable
    #[arg(long, help_heading = "Refund")]
    pub full: bool,

    /// Why the money goes back
    #[arg(long, value_enum, value_name = "REASON", help_heading = "Refund")]
    pub reason: RefundReason,

    /// Free text kept with the refund
    #[arg(long, value_name = "TEXT", help_heading = "Refund")]
    pub note: Option<String>,

    /// Metadata kept with the refund; repeat for more
    #[arg(long, short = 'm', value_name = "KEY=VALUE", help_heading = "Refund")]
    pub metadata: Vec<String>,

    /// Let the API send the money as a payout when the gateway cannot reverse the payment
    #[arg(long, help_heading = "Refund")]
    pub allow_payout: bool,

    /// Never ask a question (with a live key, --yes is then needed)
    #[arg(long, help_heading = "Input")]
    pub no_input: bool,

    /// Send a refund with a live key without asking for confirmation
    #[arg(long, short = 'y', help_heading = "Input")]
    pub yes: bool,

    /// Idempotency key (8-128 characters), sent as X-Idempotency-Key. Without it, one is
    /// generated and kept for every retry; give it back to run the same refund again safely
    #[arg(long, value_name = "KEY", help_heading = "Sending")]
    pub idempotency_key: Option<String>,

    #[command(flatten)]
    pub output: OneOutputArgs,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct RefundsListArgs {
    /// The payment (TRX...), or a checkout id or URL naming it
    #[arg(value_name = "PAYMENT|CHECKOUT")]
    pub id: String,

    #[command(flatten)]
    pub output: ListOutputArgs,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct RefundsGetArgs {
    /// The payment (TRX...), or a checkout id or URL naming it
    #[arg(value_name = "PAYMENT|CHECKOUT")]
    pub id: String,

    /// The refund's id, as `refunds create` or `refunds list` print it
    #[arg(value_name = "REFUND_ID")]
    pub refund: String,

    #[command(flatten)]
    pub output: OneOutputArgs,

    #[command(flatten)]
    pub net: NetArgs,
}
