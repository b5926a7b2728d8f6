// orqex starts at its own `main` below, before the standard library's start-up, which would
// quietly reopen a closed stdout as /dev/null (and `orqex ... >&-` would then lose the URL of
// a checkout it created without a word).
#![cfg_attr(not(test), no_main)]
// Unit tests run the harness' `main`, which reaches none of the program's own code.
#![cfg_attr(test, allow(dead_code))]

mod address;
mod answer;
mod batch;
mod checkout;
mod cli;
mod client;
mod commands;
mod complete;
mod config;
mod connect;
#[cfg(test)]
mod docs_check;
mod duration;
mod error;
mod format;
mod interrupt;
mod jq;
mod json_text;
mod keystore;
mod limits;
mod output;
mod payments;
mod prompt;
mod random;
mod read;
mod report;
mod secret;
mod term;
mod text;
mod ui;
mod wait;
mod webhooks;

use clap::Parser;

#[cfg(not(test))]
#[unsafe(no_mangle)]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A `--jq` filter's own process (src/jq/worker.rs): nothing of orqex's start-up.
    if let Some(code) = jq::worker::serve_if_asked(&args) {
        std::process::exit(code);
    }
    standard_streams();
    // Whatever it looks like, the key in the environment is masked wherever it shows up.
    // The webhook signing secret too, whether or not it is valid.
    for name in [config::ENV_KEY, config::ENV_WEBHOOK_SECRET] {
        if let Some(value) = std::env::var_os(name) {
            secret::remember(&value.to_string_lossy());
        }
    }
    interrupt::install();
    on_panic_restore_the_terminal();
    // `exit` also flushes stdout, as returning from a Rust `main` would.
    std::process::exit(i32::from(run(args)))
}

/// The whole run, from the arguments (read once, in `main`) to the exit code.
fn run(args: Vec<std::ffi::OsString>) -> u8 {
    // A shell asking for completions (COMPLETE=bash orqex -- ...): answered, nothing else.
    if std::env::var_os("COMPLETE").is_some_and(|v| !v.is_empty()) {
        return commands::completions::answer(args);
    }
    // The one output context: the streams' facts, decided here once.
    let ui = ui::Ui::detect();
    let given = args.get(1..).unwrap_or_default();
    if let Err(e) = commands::check_args(given) {
        return report::report(&ui.with_json_errors(cli::args_ask_for_json(given)), &e);
    }
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return report::command_line(&ui, &e, given),
    };
    let ui = ui.with_json_errors(cli.json_errors());
    match commands::run(&ui, cli) {
        Ok(()) => error::Exit::Success.code(),
        Err(e) => {
            let code = report::report(&ui, &e);
            if matches!(e, error::Error::Interrupted) {
                // Ctrl-C typed as a key at a question ends the run as the signal would.
                interrupt::die_interrupted();
            }
            code
        }
    }
}

/// What the standard library's start-up would have done, but for closed streams: a closed
/// stdin, stdout or stderr gets /dev/null opened read-only in its place, so that no file or
/// socket opened later can take its number (and receive the output), while a write to it
/// still fails and the result's loss is reported. A closed pipe's reader is an error too
/// (EPIPE), not a silent death by SIGPIPE.
fn standard_streams() {
    #[cfg(unix)]
    {
        use std::os::fd::{BorrowedFd, IntoRawFd};
        for fd in 0..=2 {
            let closed = unsafe { BorrowedFd::borrow_raw(fd) }
                .try_clone_to_owned()
                .is_err();
            // The lowest free number is the one just found closed.
            if closed && let Ok(null) = std::fs::File::open("/dev/null") {
                let _ = null.into_raw_fd();
            }
            if closed && fd == 1 {
                ui::STDOUT_CLOSED_AT_START.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        unsafe {
            let _ = nix::sys::signal::signal(
                nix::sys::signal::Signal::SIGPIPE,
                nix::sys::signal::SigHandler::SigIgn,
            );
        }
    }
}

/// A bug must not leave the terminal in raw mode: the release build aborts on panic, which
/// skips every `Drop`, so the terminal is put back here, before anything else.
fn on_panic_restore_the_terminal() {
    std::panic::set_hook(Box::new(|info| {
        term::restore();
        ui::to_stderr(&format!(
            "orqex: internal error (a bug, please report it): {}",
            text::printable(&info.to_string().replace('\n', " "))
        ));
    }));
}
