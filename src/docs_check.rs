//! The documentation checked against the code, so that a page never sends a reader to a file,
//! a section, a command or a flag that does not exist:
//!
//! - every relative link in the Markdown files (README.md, docs/, CONTRIBUTING.md, ...)
//!   resolves, anchors included, and so does every path of the repository they name in
//!   inline code (`src/checkout/fields.rs`, `tests/keyring/run.sh`);
//! - every `orqex ...` command line they show (in code blocks and inline code), and every
//!   example in `--help`, names subcommands and flags the clap tree has, and a value a flag
//!   only accepts from a list is one of that list;
//! - the environment table of docs/reference.md lists what the man pages' ENVIRONMENT does,
//!   and every variable the code reads;
//! - every TOML example is a config file orqex accepts;
//! - the README stays a short start (at most 300 lines): the rest goes in docs/.
//!
//! The field table and the exit codes are checked beside their code (`checkout::fields`,
//! `error`).

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::Cli;

/// The Markdown files a reader is sent to: the top level, docs/, and the benchmark's page.
fn markdown_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = [
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
        "CHANGELOG.md",
        "tests/bench/README.md",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ is there")
        .map(|e| e.expect("docs/ is readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    guides.sort();
    files.extend(guides);
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A line of a Markdown file, and whether it sits inside a fenced code block.
fn lines_with_fences(text: &str) -> Vec<(&str, bool)> {
    let mut in_code = false;
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                (line, true)
            } else {
                (line, in_code)
            }
        })
        .collect()
}

/// The line with its inline code spans blanked out, and the spans themselves.
fn split_code_spans(line: &str) -> (String, Vec<&str>) {
    let mut prose = String::new();
    let mut spans = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = &rest[start..start + ticks];
        let after = &rest[start + ticks..];
        let Some(end) = after.find(fence) else { break };
        prose.push_str(&rest[..start]);
        spans.push(after[..end].trim());
        rest = &after[end + ticks..];
    }
    prose.push_str(rest);
    (prose, spans)
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor a file has, as GitHub makes them (a repeated heading gets `-1`, `-2`, ...).
fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (line, code) in lines_with_fences(text) {
        let Some(heading) = line.strip_prefix('#').filter(|_| !code) else {
            continue;
        };
        let base = slug(heading.trim_start_matches('#'));
        let mut anchor = base.clone();
        let mut n = 0;
        while out.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        out.push(anchor);
    }
    out
}

/// The targets of the inline links `[text](target)` outside code.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (line, code) in lines_with_fences(text) {
        if code {
            continue;
        }
        let (prose, _) = split_code_spans(line);
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            out.push(
                after[..end]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
            rest = &after[end..];
        }
    }
    out
}

/// What is wrong with each relative link of `file`, if anything.
fn broken_links(file: &Path) -> Vec<String> {
    let text = read(file);
    let dir = file.parent().expect("a file has a folder");
    let mut problems = Vec::new();
    for target in link_targets(&text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target.as_str(), None),
        };
        let resolved = if path.is_empty() {
            file.to_path_buf()
        } else {
            dir.join(path)
        };
        if !resolved.exists() {
            problems.push(format!("{}: `{target}`: no such file", file.display()));
            continue;
        }
        if let Some(anchor) = anchor
            && resolved.extension().is_some_and(|x| x == "md")
            && !anchors(&read(&resolved)).iter().any(|a| a == anchor)
        {
            problems.push(format!("{}: `{target}`: no such heading", file.display()));
        }
    }
    problems
}

/// Where the repository's own files live: a word in inline code that starts with one of these
/// names a file or folder of the repository.
const REPOSITORY_PATHS: &[&str] = &[
    "src/",
    "tests/",
    "docs/",
    "completions/",
    ".github/",
    ".ci/",
];

/// The repository paths a file names in inline code that do not exist.
fn missing_paths(file: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for (line, code) in lines_with_fences(&read(file)) {
        if code {
            continue;
        }
        for span in split_code_spans(line).1 {
            for word in span.split_whitespace() {
                let path = word.trim_end_matches([',', ';', ':', ')']);
                let named = REPOSITORY_PATHS.iter().any(|p| path.starts_with(p));
                // A pattern (`completions/man/orqex*.1`, `docs/<page>`) names no one file.
                let pattern = path.contains(['*', '<', '{', '$']);
                if named && !pattern && !root.join(path).exists() {
                    missing.push(format!("{}: `{path}`: no such file", file.display()));
                }
            }
        }
    }
    missing
}

/// A command line split as a shell would, roughly: each word, and whether any of it was
/// quoted (a quoted word is a value, never a flag). Stops at what ends a command.
fn words(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                started = true;
                quoted = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            c if c.is_whitespace() => {
                if started {
                    out.push((std::mem::take(&mut word), quoted));
                }
                started = false;
                quoted = false;
            }
            '|' | ';' | '&' | '>' | '<' | ')' | '`' | '#' if !started || c != '#' => {
                if started {
                    out.push((std::mem::take(&mut word), quoted));
                }
                return out;
            }
            c => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        out.push((word, quoted));
    }
    out
}

/// The `orqex ...` command lines in a text, with `\` continuations joined: what follows the
/// word `orqex` where a command starts (a line's start, `$ `, `$(`, a pipe, `if`, a variable
/// set for the command), not where it is an argument (`secret-tool ... service orqex`,
/// `cargo test --bin orqex`) or the start of `--version`'s line.
fn command_lines(text: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let mut at = 0;
        while let Some(found) = line[at..].find("orqex ") {
            let start = at + found;
            at = start + "orqex ".len();
            let glued_to = line[..start].chars().last();
            if glued_to.is_some_and(|c| !c.is_whitespace() && !matches!(c, '(' | '"' | '|')) {
                continue; // part of a longer word: target/release/orqex
            }
            let before = line[..start].trim_end();
            let last_word = before.rsplit(char::is_whitespace).next().unwrap_or("");
            let starts_command = before.is_empty()
                || ["$", "|", "||", "&&", ";", "!", "if", "then", "do", "time"]
                    .contains(&last_word)
                || before.ends_with(['(', '"', '|'])
                || (last_word.contains('=') && !last_word.starts_with('-'));
            let rest = &line[at..];
            if starts_command && !rest.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(rest.to_string());
            }
        }
    }
    out
}

/// What is wrong with one command line (the words after `orqex`), if anything.
fn check_command(root: &clap::Command, line: &str) -> Option<String> {
    let mut cmd = root;
    let mut path = String::from("orqex");
    let mut descending = true;
    let mut words = words(line).into_iter().peekable();
    while let Some((word, quoted)) = words.next() {
        let flag = !quoted && word.starts_with('-') && word.len() > 1;
        if word == "--" {
            return None;
        }
        if !flag {
            if descending && cmd.has_subcommands() && !quoted {
                if word.contains("...") || word.contains('<') {
                    return None; // a placeholder: `orqex ... --output env`
                }
                match cmd.find_subcommand(&word) {
                    Some(sub) => {
                        path = format!("{path} {word}");
                        cmd = sub;
                        continue;
                    }
                    None => return Some(format!("`{path}` has no subcommand `{word}`")),
                }
            }
            descending = false;
            continue;
        }
        let (name, inline_value) = match word.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (word.as_str(), None),
        };
        let arg = if let Some(long) = name.strip_prefix("--") {
            cmd.get_arguments().find(|a| {
                a.get_long_and_visible_aliases()
                    .is_some_and(|names| names.contains(&long))
            })
        } else {
            let short = name.chars().nth(1)?;
            if short.is_ascii_digit() {
                continue; // a negative number
            }
            cmd.get_arguments().find(|a| {
                a.get_short_and_visible_aliases()
                    .is_some_and(|names| names.contains(&short))
            })
        };
        let Some(arg) = arg else {
            return Some(format!("`{path}` has no flag `{name}`"));
        };
        if !arg.get_action().takes_values() {
            continue;
        }
        // A value glued to a short flag (`-ojson`) or after `=`, else the next word.
        let value = inline_value
            .or_else(|| (!name.starts_with("--") && name.len() > 2).then(|| name[2..].to_string()))
            .or_else(|| words.next().map(|(w, _)| w));
        let possible = arg.get_possible_values();
        if let Some(value) = value
            && !possible.is_empty()
            && !value.contains("...")
            && value.chars().any(|c| c.is_ascii_lowercase())
        {
            for one in value.split('|') {
                if !possible
                    .iter()
                    .any(|p| p.matches(one, arg.is_ignore_case_set()))
                {
                    return Some(format!("`{path} {name}` takes no value `{one}`"));
                }
            }
        }
    }
    None
}

/// Every command line in a Markdown text: in code blocks, and in inline code elsewhere.
fn markdown_commands(text: &str) -> Vec<String> {
    let mut code = String::new();
    for (line, in_code) in lines_with_fences(text) {
        if in_code {
            code.push_str(line);
            code.push('\n');
        } else {
            for span in split_code_spans(line).1 {
                code.push_str(span);
                code.push('\n');
            }
        }
    }
    command_lines(&code)
}

fn tree() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relative_link_resolves() {
        let problems: Vec<String> = markdown_files()
            .iter()
            .flat_map(|f| broken_links(f))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_readme_stays_short() {
        let lines = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .lines()
            .count();
        assert!(
            lines <= 300,
            "README.md has {lines} lines; keep it under 300 and move the detail to a guide in docs/"
        );
    }

    #[test]
    fn every_repository_path_the_docs_name_exists() {
        let missing: Vec<String> = markdown_files()
            .iter()
            .flat_map(|f| missing_paths(f))
            .collect();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_command_the_docs_show_exists() {
        let root = tree();
        let mut problems = Vec::new();
        let mut checked = 0;
        for file in markdown_files() {
            for line in markdown_commands(&read(&file)) {
                checked += 1;
                if let Some(problem) = check_command(&root, &line) {
                    problems.push(format!("{}: orqex {line}\n    {problem}", file.display()));
                }
            }
        }
        // A reader of the Markdown that found nothing would pass every page.
        assert!(checked > 100, "only {checked} command lines found");
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn every_example_in_help_exists() {
        let root = tree();
        let mut problems = Vec::new();
        let mut todo = vec![root.clone()];
        while let Some(cmd) = todo.pop() {
            todo.extend(cmd.get_subcommands().cloned());
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            for line in command_lines(&help) {
                if let Some(problem) = check_command(&root, &line) {
                    problems.push(format!("{}: orqex {line}\n    {problem}", cmd.get_name()));
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_reference_lists_every_output_format() {
        use clap::ValueEnum;
        let reference = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md"));
        let table = reference
            .split("## Output formats")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/reference.md has an output formats table");
        let documented: Vec<String> = table
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .map(str::to_string)
            .collect();
        let formats: Vec<String> = crate::format::Format::value_variants()
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(documented, formats);
    }

    #[test]
    fn the_reference_lists_the_environment_the_man_pages_do() {
        let reference = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md"));
        let table = reference
            .split("## Environment variables")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/reference.md has an environment table");
        let documented: Vec<String> = table
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split(" |").next())
            .flat_map(|names| names.split(", ").map(|n| n.trim_matches('`').to_string()))
            .collect();
        let read_by_orqex: Vec<String> = crate::commands::completions::ENVIRONMENT
            .iter()
            .flat_map(|(names, _)| names.split(", ").map(str::to_string))
            .collect();
        assert_eq!(documented, read_by_orqex);
    }

    /// The variables named in the source: every `"ORQEX_..."` literal, and the literal name
    /// given to `env::var(...)` or `env::var_os(...)`.
    fn variables_in_source() -> Vec<String> {
        let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut names = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") || path.ends_with("docs_check.rs") {
                continue;
            }
            let text = read(&path);
            for (i, _) in text.match_indices('"') {
                let rest = &text[i + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                let literal = !name.is_empty() && rest[name.len()..].starts_with('"');
                let read_here = text[..i].ends_with("var(") || text[..i].ends_with("var_os(");
                if literal && (name.starts_with("ORQEX_") || read_here) && !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names.sort();
        names
    }

    #[test]
    fn every_variable_the_code_reads_is_in_the_reference() {
        let reference = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md"));
        // Not settings: what --output env prints, what build.rs sets, the shell's side of
        // completion, and a test hook.
        let not_settings = [
            "ORQEX_CHECKOUT_ID",
            "ORQEX_CHECKOUT_URL",
            "ORQEX_PAYMENT_ID",
            "ORQEX_CHECKOUT_EXPIRES_AT",
            "ORQEX_LONG_VERSION",
            "COMPLETE",
            "ORQEX_TEST_PANIC_AT_PROMPT",
        ];
        let found = variables_in_source();
        assert!(found.contains(&"ORQEX_SECRET_KEY".to_string()), "{found:?}");
        let missing: Vec<&String> = found
            .iter()
            .filter(|name| !not_settings.contains(&name.as_str()))
            .filter(|name| {
                !reference.contains(&format!("| `{name}`"))
                    && !reference.contains(&format!("`{name}`, "))
                    && !reference.contains(&format!(", `{name}`"))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "read by orqex but not in docs/reference.md's environment table: {missing:?}"
        );
    }

    #[test]
    fn every_config_file_example_is_one_orqex_accepts() {
        let mut examples = 0;
        for file in markdown_files() {
            let text = read(&file);
            let mut toml: Option<String> = None;
            for line in text.lines() {
                match (&mut toml, line.trim_start()) {
                    (None, "```toml") => toml = Some(String::new()),
                    (Some(block), "```") => {
                        let parsed = crate::config::parse(block);
                        assert!(
                            parsed.is_ok(),
                            "{}: {:?}\n{block}",
                            file.display(),
                            parsed.err()
                        );
                        examples += 1;
                        toml = None;
                    }
                    (Some(block), _) => {
                        block.push_str(line);
                        block.push('\n');
                    }
                    (None, _) => {}
                }
            }
        }
        assert!(examples > 0, "no config file example found");
        // And the check can fail: a key the file does not know.
        assert!(crate::config::parse("[profiles.a]\ncolour = \"XOF\"\n").is_err());
    }

    #[test]
    fn the_checks_catch_what_they_are_for() {
        // Links: a missing file, a missing heading, and what resolves.
        assert_eq!(slug(" Any endpoint: `orqex api`"), "any-endpoint-orqex-api");
        assert_eq!(anchors("# A\n## A\n```\n# not\n```"), ["a", "a-1"]);
        assert_eq!(
            link_targets("[a](b.md#c) `[x](y)` [d](https://e) ![i](j.png)"),
            ["b.md#c", "https://e", "j.png"]
        );
        // Commands: subcommands, long and short flags, aliases, globals, values from a list.
        let root = tree();
        let ok = |line: &str| assert_eq!(check_command(&root, line), None, "{line}");
        let bad = |line: &str, why: &str| {
            assert_eq!(check_command(&root, line).as_deref(), Some(why), "{line}")
        };
        ok("checkout create --amount 50 --customer-email a@b.c -m k=v --dry-run");
        ok("checkout get cs_1 -ojson --wait | tee x --nonsense");
        ok("--profile live checkout get cs_1 --output=status");
        ok("... --output env");
        ok("checkout create --description \"--not-a-flag\" --json");
        bad(
            "checkout create --amout 50",
            "`orqex checkout create` has no flag `--amout`",
        );
        bad("checkout list", "`orqex checkout` has no subcommand `list`");
        bad(
            "checkout create -Z",
            "`orqex checkout create` has no flag `-Z`",
        );
        bad(
            "checkout get cs_1 -o jsonl",
            "`orqex checkout get -o` takes no value `jsonl`",
        );
        assert_eq!(
            command_lines("x=$(orqex checkout get \\\n  cs_1 --json)\norqex: an error\n"),
            ["checkout get    cs_1 --json)"]
        );
    }
}
