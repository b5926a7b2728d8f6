mod checkout;
mod cli;
mod client;
mod commands;
mod config;
mod error;
mod output;
mod prompt;
mod secret;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => error::Exit::Success.into(),
        Err(e) => error::report(&e),
    }
}
