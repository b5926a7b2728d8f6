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
mod term;
mod text;
mod wait;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    interrupt::install();
    on_panic_restore_the_terminal();
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
        Err(e) => {
            let code = error::report(&e, json_errors);
            if matches!(e, error::Error::Interrupted) {
                // Ctrl-C typed as a key at a question ends the run as the signal would.
                interrupt::die_interrupted();
            }
            code
        }
    }
}

/// A bug must not leave the terminal in raw mode: the release build aborts on panic, which
/// skips every `Drop`, so the terminal is put back here, before anything else.
fn on_panic_restore_the_terminal() {
    std::panic::set_hook(Box::new(|info| {
        term::restore();
        output::to_stderr(&format!(
            "orqex: internal error (a bug, please report it): {}",
            text::printable(&info.to_string().replace('\n', " "))
        ));
    }));
}
