//! `orqex completions <shell>` and `orqex man`: generated from the clap definitions, so they
//! never drift from the flags. Copies are committed under completions/ (man pages in
//! completions/man/); a test fails when they differ from what this prints.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, roman};

use crate::cli::Cli;
use crate::config;
use crate::error::{Error, Exit, Result};
use crate::ui::Ui;

/// The script that registers orqex's completions with `shell`. The shell then asks orqex
/// itself (`COMPLETE=bash orqex -- ...`) at each Tab, so values that live in the config file
/// (profile names) complete too, and the script never goes stale.
pub fn completions(ui: &Ui, shell: Shell) -> Result<()> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        _ => {
            return Err(Error::usage(
                "completions for this shell are not supported; use bash, zsh, fish, elvish or powershell",
            ));
        }
    };
    let mut buf = Vec::new();
    completer
        .write_registration("COMPLETE", "orqex", "orqex", "orqex", &mut buf)
        .map_err(|e| Error::Other(format!("cannot write the script: {e}")))?;
    write(ui, buf)
}

/// Answers a shell's request for completions (COMPLETE is set): the candidates on stdout.
pub fn answer(args: Vec<std::ffi::OsString>) -> u8 {
    let current_dir = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(Cli::command)
        .try_complete(args, current_dir.as_deref())
    {
        Ok(_) => Exit::Success.code(),
        // A completion that fails shows the shell nothing: no message to break its line.
        Err(_) => Exit::Failure.code(),
    }
}

/// The page of `orqex` or of the subcommand at `path`, named like `orqex-checkout-create(1)`,
/// on stdout; or with `dir`, every page written there.
pub fn man(ui: &Ui, path: &[String], dir: Option<&Path>) -> Result<()> {
    // The plain version: a page does not change with each commit or target.
    let mut cmd = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    cmd.build();
    if let Some(dir) = dir {
        return man_pages(ui, &cmd, dir);
    }
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
    write(ui, render(page)?)
}

/// Every page below `cmd` (itself included), written into `dir` as `NAME.1`.
fn man_pages(ui: &Ui, cmd: &clap::Command, dir: &Path) -> Result<()> {
    let cannot = |what: &Path, e: std::io::Error| {
        Error::Other(format!(
            "cannot write {}: {}",
            what.display(),
            crate::text::io_reason(&e)
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
    let mut pages = vec![cmd.clone()];
    let mut written = 0;
    while let Some(page) = pages.pop() {
        pages.extend(page.get_subcommands().cloned());
        let file = dir.join(clap_mangen::Man::new(page.clone()).get_filename());
        std::fs::write(&file, render(&page)?).map_err(|e| cannot(&file, e))?;
        written += 1;
    }
    ui.status(&format!(
        "orqex: wrote {written} man pages to {}",
        dir.display()
    ));
    Ok(())
}

/// One page: clap_mangen's sections, with the examples of `--help` under EXAMPLES (where a
/// reader of man pages looks for them; clap_mangen would call the whole text EXTRA) and its
/// other notes in the DESCRIPTION, then what orqex says of itself on every page.
fn render(page: &clap::Command) -> Result<Vec<u8>> {
    let (notes, examples) = split_after_help(page);
    let man =
        clap_mangen::Man::new(page.clone()).source(concat!("orqex ", env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    let failed = |e: std::io::Error| Error::Other(format!("cannot render the man page: {e}"));
    man.render_title(&mut buf).map_err(failed)?;
    man.render_name_section(&mut buf).map_err(failed)?;
    man.render_synopsis_section(&mut buf).map_err(failed)?;
    man.render_description_section(&mut buf).map_err(failed)?;
    let mut roff = Roff::new();
    for paragraph in &notes {
        roff.control("PP", []).text([roman(paragraph.join(" "))]);
    }
    buf.extend(roff.render().into_bytes());
    if page.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf).map_err(failed)?;
    }
    if page.has_subcommands() {
        man.render_subcommands_section(&mut buf).map_err(failed)?;
    }
    if !examples.is_empty() {
        let mut roff = Roff::new();
        roff.control("SH", ["EXAMPLES"]).control("nf", []);
        for line in &examples {
            roff.text([roman(line.as_str())]);
        }
        roff.control("fi", []);
        buf.extend(roff.render().into_bytes());
    }
    man.render_version_section(&mut buf).map_err(failed)?;
    buf.extend(extra_sections().render().into_bytes());
    Ok(buf)
}

/// A page's `after_help`, split into its paragraphs of notes (each as its lines) and the
/// lines of its examples (the paragraph that starts with `Example:` or `Examples:`).
fn split_after_help(page: &clap::Command) -> (Vec<Vec<String>>, Vec<String>) {
    let text = page
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut notes = Vec::new();
    let mut examples = Vec::new();
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let mut lines = paragraph.lines();
        let first = lines.next().unwrap_or_default();
        if matches!(first, "Example:" | "Examples:") {
            examples.extend(lines.map(|l| l.strip_prefix("  ").unwrap_or(l).to_string()));
        } else {
            notes.push(paragraph.lines().map(|l| l.trim().to_string()).collect());
        }
    }
    (notes, examples)
}

/// EXIT STATUS (from the exit codes themselves), ENVIRONMENT and FILES.
fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for exit in Exit::all() {
        roff.control("TP", [])
            .text([bold(exit.code().to_string())])
            .text([roman(exit.meaning())]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        roff.control("TP", [])
            .text([bold(*name)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["FILES"])
        .control("TP", [])
        .text([bold("$ORQEX_CONFIG_DIR/config.toml")])
        .text([roman(
            "the config file (profiles, defaults, and keys stored with --insecure-storage or \
             where no keychain answered) when ORQEX_CONFIG_DIR is set; else \
             $XDG_CONFIG_HOME/orqex/config.toml, usually ~/.config/orqex/config.toml. Mode 0600.",
        )])
        .control("TP", [])
        .text([bold("the system keychain")])
        .text([roman(
            "where orqex login keeps keys: the entry with service orqex and the profile's name \
             as user, in the macOS Keychain, Windows Credential Manager, or the Secret Service \
             (GNOME Keyring, KWallet) on Linux.",
        )]);
    roff
}

/// The variables orqex reads, as docs/reference.md's table says them.
pub(crate) const ENVIRONMENT: &[(&str, &str)] = &[
    (
        config::ENV_KEY,
        "the secret key; wins over every profile (keychain or config file)",
    ),
    (
        config::ENV_WEBHOOK_SECRET,
        "the webhook signing secret (whsec_...) for orqex webhooks; wins over the profile's",
    ),
    (
        config::ENV_PROFILE,
        "the profile to use when --profile is not given",
    ),
    (
        config::ENV_BASE_URL,
        "API base URL (default https://api.orqex.com/v1); plain http only to a loopback host",
    ),
    (
        config::ENV_CONFIG_DIR,
        "directory holding config.toml (an absolute path)",
    ),
    (
        crate::config::ENV_CA_BUNDLE,
        "PEM file of CA certificates trusted besides the built-in roots",
    ),
    (
        crate::config::ENV_RESOLVE,
        "HOST:PORT:ADDRESS entries (commas or spaces between), as --resolve",
    ),
    ("CI", "set to anything (even empty): never prompt"),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "proxy settings (http:// or https:// proxies)",
    ),
    ("BROWSER", "programs --open uses, :-separated"),
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "Linux: the session bus where the Secret Service (the keychain) is found",
    ),
    ("NO_COLOR", "set (non-empty) to turn colour off"),
    (
        "COLUMNS",
        "the width a payments or refunds table is cut to when stdout is not a terminal",
    ),
];

fn write(ui: &Ui, buf: Vec<u8>) -> Result<()> {
    let text = String::from_utf8(buf)
        .map_err(|e| Error::Other(format!("generated text is not UTF-8: {e}")))?;
    ui.out(text.trim_end_matches('\n'))
}
