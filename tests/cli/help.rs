//! Help that teaches: `--help` ends with examples a reader can run, the usage line shows what
//! a create needs, the first group of flags is the one a reader came for, and the man pages
//! carry the examples under EXAMPLES.

use crate::common::*;

fn help(args: &[&str]) -> String {
    let sb = Sandbox::new();
    let out = sb.cmd().args(args).assert().code(0);
    stdout(out.get_output())
}

/// The headings of a help text (`Payment:`, `Global options:`), in order.
fn headings(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .collect()
}

#[test]
fn orqex_help_ends_with_examples_of_the_common_jobs() {
    let text = help(&["--help"]);
    let examples = text
        .split("\nExamples:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no examples:\n{text}"));
    for job in [
        "orqex checkout create --amount 50 --currency XOF",
        "orqex checkout create < body.json",
        "--output env >> \"$GITHUB_ENV\"",
        "orqex checkout get cs_abc123 --wait",
        "orqex checkout create --batch invoices.csv",
    ] {
        assert!(examples.contains(job), "{job} missing from:\n{examples}");
    }
    // The global flags come after the commands, under their own heading, not as "Options"
    // holding only --profile, -h and -V.
    assert_eq!(
        headings(&text),
        ["Commands:", "Global options:", "Examples:"],
        "{text}"
    );
}

#[test]
fn checkout_create_help_shows_the_required_flags_first_and_ends_with_examples() {
    for flag in ["--help", "-h"] {
        let text = help(&["checkout", "create", flag]);
        let usage = text.split("Usage: ").nth(1).unwrap_or_default();
        assert!(
            usage.starts_with(
                "orqex checkout create --amount <AMOUNT> --currency <CODE> --description <TEXT> \
                 --email <EMAIL> --first-name <NAME> --last-name <NAME> [OPTIONS]\n"
            ),
            "{text}"
        );
        assert!(
            usage.contains("orqex checkout create [OPTIONS] < body.json\n"),
            "{text}"
        );
        assert!(
            usage.contains("orqex checkout create --batch <FILE> [OPTIONS]\n"),
            "{text}"
        );
        let groups = headings(&text);
        assert_eq!(groups.first(), Some(&"Payment:"), "{text}");
        assert_eq!(
            groups[groups.len() - 2..],
            ["Global options:", "Examples:"],
            "{text}"
        );
        let examples = text.split("\nExamples:\n").nth(1).unwrap_or_default();
        for job in [
            "< body.json",
            "--output env",
            "--wait",
            "--batch invoices.csv",
        ] {
            assert!(examples.contains(job), "{job} missing from:\n{examples}");
        }
    }
}

#[test]
fn completions_help_says_bash_needs_bash_completion_and_how_to_do_without() {
    let text = help(&["completions", "--help"]);
    assert!(text.contains("bash-completion package"), "{text}");
    assert!(text.contains("source <(orqex completions bash)"), "{text}");
}

#[test]
fn man_pages_call_the_examples_examples() {
    let sb = Sandbox::new();
    for page in [
        &["man"][..],
        &["man", "checkout", "create"],
        &["man", "completions"],
    ] {
        let out = sb.cmd().args(page).assert().code(0);
        let text = stdout(out.get_output());
        assert!(text.contains("\n.SH EXAMPLES\n"), "{page:?}:\n{text}");
        assert!(!text.contains(".SH EXTRA"), "{page:?}:\n{text}");
    }
}
