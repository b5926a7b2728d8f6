//! One function per subcommand: each turns clap's arguments into domain values once, then
//! runs the flow config → checkout → client → output.

pub mod batch;
pub mod create;
pub mod login;
pub mod net;
pub mod settings;

use crate::cli::{CheckoutCommand, Cli, Command};
use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Checkout(CheckoutCommand::Create(args)) => {
            create::run(cli.profile.as_deref(), args)
        }
        Command::Login(args) => login::login(cli.profile.as_deref(), args),
        Command::Logout(args) => login::logout(cli.profile.as_deref(), args),
        Command::Config(args) => settings::run(cli.profile.as_deref(), args),
    }
}
