mod batch;
mod checkout;
mod cli;
mod client;
mod commands;
mod config;
mod error;
mod interrupt;
mod output;
mod prompt;
mod secret;
mod text;
mod wait;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(code) = commands::check_args() {
        return code;
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return commands::usage_error(e),
    };
    let json_errors = commands::json_errors(&cli);
    match commands::run(cli) {
        Ok(()) => error::Exit::Success.into(),
        Err(e) => error::report(&e, json_errors),
    }
}
