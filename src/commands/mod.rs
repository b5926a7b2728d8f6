//! One function per subcommand: each turns clap's arguments into domain values once, then
//! runs the flow config → checkout → client → output.

pub mod batch;
pub mod create;

use crate::cli::{CheckoutCommand, Cli, Command};
use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Checkout(CheckoutCommand::Create(args)) => {
            create::run(cli.profile.as_deref(), args)
        }
    }
}
