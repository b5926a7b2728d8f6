//! `orqex completions <shell>` and `orqex man`: generated from the clap definitions, so they
//! never drift from the flags. Copies are committed under completions/ (man pages in
//! completions/man/); a test fails when they differ from what this prints.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::output;

pub fn completions(shell: Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "orqex", &mut buf);
    write(buf)
}

/// The page of `orqex` or of the subcommand at `path`, named like `orqex-checkout-create(1)`.
pub fn man(path: &[String]) -> Result<()> {
    // The plain version: a page does not change with each commit or target.
    let mut cmd = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    cmd.build();
    let mut page = &cmd;
    let mut seen = String::from("orqex");
    for name in path {
        page = page.find_subcommand(name).ok_or_else(|| {
            Error::usage(format!(
                "`{seen}` has no subcommand `{name}`; see `{seen} --help`"
            ))
        })?;
        seen = format!("{seen} {name}");
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(page.clone())
        .source(concat!("orqex ", env!("CARGO_PKG_VERSION")))
        .render(&mut buf)
        .map_err(|e| Error::Other(format!("cannot render the man page: {e}")))?;
    write(buf)
}

fn write(buf: Vec<u8>) -> Result<()> {
    let text = String::from_utf8(buf)
        .map_err(|e| Error::Other(format!("generated text is not UTF-8: {e}")))?;
    output::stdout_line(text.trim_end_matches('\n'))
}
