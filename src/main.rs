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
mod wait;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(e) = commands::refuse_keys_in_args(std::env::args_os().skip(1)) {
        let json = commands::asks_for_json(
            std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        );
        return error::report(&e, json);
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
