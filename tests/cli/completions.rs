//! The committed completion scripts and man pages match what the binary generates.
//! After changing any flag or subcommand, regenerate them with:
//!     ORQEX_UPDATE_COMPLETIONS=1 cargo test --test cli completions::

use std::path::{Path, PathBuf};

use crate::common::*;

const SHELLS: &[(&str, &str)] = &[
    ("bash", "completions/orqex.bash"),
    ("zsh", "completions/_orqex"),
    ("fish", "completions/orqex.fish"),
    ("elvish", "completions/orqex.elv"),
    ("powershell", "completions/_orqex.ps1"),
];

fn run(sb: &Sandbox, args: &[String]) -> Vec<u8> {
    // No key, no config, no network needed.
    let assert = sb
        .cmd()
        .args(args)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty().not());
    assert.get_output().stdout.clone()
}

/// Every man page, found by following each page's SUBCOMMANDS references from orqex(1):
/// (committed file, generated text).
fn man_pages(sb: &Sandbox) -> Vec<(String, Vec<u8>)> {
    let mut pages = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args = vec!["man".to_string()];
        args.extend(path.iter().cloned());
        let text = run(sb, &args);
        let name = std::iter::once("orqex".to_string())
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("-");
        // A subcommand is listed as `orqex\-checkout\-get(1)` on a line of its own.
        let prefix = format!("{}\\-", name.replace('-', "\\-"));
        for line in String::from_utf8_lossy(&text).lines() {
            if let Some(sub) = line
                .strip_prefix(&prefix)
                .and_then(|l| l.strip_suffix("(1)"))
            {
                let mut next = path.clone();
                next.push(sub.replace("\\-", "-"));
                todo.push(next);
            }
        }
        pages.push((format!("completions/man/{name}.1"), text));
    }
    pages
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("ORQEX_UPDATE_COMPLETIONS").is_some_and(|v| v == "1");
    let sb = Sandbox::new();
    let mut generated: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|(shell, file)| {
            let args = ["completions".to_string(), shell.to_string()];
            (file.to_string(), run(&sb, &args))
        })
        .collect();
    let man = man_pages(&sb);
    assert!(
        man.iter()
            .any(|(f, _)| f == "completions/man/orqex-checkout-get.1"),
        "{man:?}"
    );
    generated.extend(man);

    if update {
        // Pages of subcommands that are gone go too.
        for old in list(&root.join("completions/man")) {
            std::fs::remove_file(old).unwrap();
        }
        for (file, text) in &generated {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        return;
    }
    let mut stale: Vec<String> = generated
        .iter()
        .filter(|(file, text)| std::fs::read(root.join(file)).ok().as_ref() != Some(text))
        .map(|(file, _)| file.clone())
        .collect();
    for committed in list(&root.join("completions/man")).into_iter().chain(
        list(&root.join("completions"))
            .into_iter()
            .filter(|p| p.is_file()),
    ) {
        let rel = committed
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !generated.iter().any(|(f, _)| *f == rel) {
            stale.push(format!("{rel} (no longer generated)"));
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from what `orqex` generates; run \
         `ORQEX_UPDATE_COMPLETIONS=1 cargo test --test cli completions::` and commit the result"
    );
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// What orqex answers a shell that asks for completions of `words` (the last one being typed).
fn complete(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    let out = sb
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .current_dir(sb.home.path())
        .arg("--")
        .arg("orqex")
        .args(words)
        .assert()
        .code(0);
    stdout(out.get_output())
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_know_the_subcommands_flags_and_values_from_the_config() {
    let sb = Sandbox::new();
    let text = String::from_utf8(run(&sb, &["completions".into(), "bash".into()])).unwrap();
    // The script asks orqex itself at each Tab.
    assert!(text.contains("COMPLETE=\"bash\""), "{text}");
    assert!(complete(&sb, &[""]).contains(&"checkout".to_string()));
    assert_eq!(
        complete(&sb, &["checkout", ""])[..3],
        ["create", "get", "help"]
    );
    assert_eq!(
        complete(&sb, &["checkout", "get", "--output", ""]),
        ["url", "id", "json", "env", "status"]
    );
    assert_eq!(
        complete(&sb, &["checkout", "get", "--wait-t"]),
        ["--wait-timeout"]
    );
    // Values that live in the config file or on disk.
    sb.write_config("[profiles.ci]\ncurrency = \"XOF\"\n\n[profiles.live]\ncurrency = \"XOF\"\n");
    assert_eq!(
        complete(&sb, &["checkout", "get", "--profile", ""]),
        ["ci", "live"]
    );
    // A profile named like a key, or with an escape code in its name, is not offered: the
    // shell would print the one in full and let the other draw on the terminal.
    sb.write_config(
        "[profiles.ci]\ncurrency = \"XOF\"\n\n[profiles.sk_live_test_0000_0000_fake]\ncurrency = \"XOF\"\n\n[profiles.\"red\\u001b[31m\"]\ncurrency = \"XOF\"\n\n[profiles.live]\ncurrency = \"XOF\"\n",
    );
    assert_eq!(
        complete(&sb, &["checkout", "get", "--profile", ""]),
        ["ci", "live"]
    );
    std::fs::write(sb.home.path().join("bo\u{1b}]0;owned\u{7}.json"), "{}").unwrap();
    assert_eq!(
        complete(&sb, &["config", "set", "c"]),
        ["currency", "ca-bundle"]
    );
    // `get` reads the key too (masked).
    assert_eq!(complete(&sb, &["config", "get", "se"]), ["secret-key"]);
    std::fs::write(sb.home.path().join("body.json"), "{}").unwrap();
    assert_eq!(
        complete(&sb, &["checkout", "create", "--data", "@bo"]),
        ["@body.json"]
    );
    sb.cmd().args(["completions", "tcsh"]).assert().code(2);
    sb.cmd()
        .args(["man", "checkout", "bogus"])
        .assert()
        .code(2)
        .stderr("orqex: `orqex checkout` has no subcommand `bogus`; see `orqex checkout --help`\n");
}

#[test]
fn completions_offer_payment_statuses_and_refund_reasons() {
    let sb = Sandbox::new();
    assert_eq!(
        complete(&sb, &["payments", "list", "--status", ""]),
        [
            "pending",
            "completed",
            "failed",
            "expired",
            "refunded",
            "partially_refunded"
        ]
    );
    assert_eq!(
        complete(&sb, &["refunds", "create", "TRX1", "--reason", ""]),
        [
            "requested_by_customer",
            "duplicate",
            "fraudulent",
            "product_not_received",
            "product_unsatisfactory",
            "order_cancelled",
            "other"
        ]
    );
    assert_eq!(
        complete(&sb, &["payments", "list", "-o", ""]),
        ["table", "jsonl", "json", "csv", "tsv"]
    );
    assert_eq!(
        complete(&sb, &["refunds", ""])[..3],
        ["create", "list", "get"]
    );
}

/// bash inserts a candidate as it is: a file named `$(touch HACKED).csv`, once completed and
/// entered, would run `touch`. Names the shell would act on are not offered, nor profile names
/// `orqex config` calls invalid.
#[test]
fn completions_never_offer_what_the_shell_would_run() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("cdir");
    std::fs::create_dir(&dir).unwrap();
    for name in [
        "$(touch HACKED).csv",
        "`id`.csv",
        "sp ace.csv",
        "a;b.csv",
        "q'uote.csv",
        "rows.csv",
    ] {
        std::fs::write(dir.join(name), "amount\n50\n").unwrap();
    }
    assert_eq!(
        complete(&sb, &["checkout", "create", "--batch", "cdir/"]),
        ["cdir/rows.csv"]
    );
    assert_eq!(
        complete(&sb, &["webhooks", "verify", "cdir/"]),
        ["cdir/rows.csv"]
    );
    assert_eq!(
        complete(&sb, &["api", "POST", "/x", "--data", "@cdir/"]),
        ["@cdir/rows.csv"]
    );
    sb.write_config(
        "[profiles.ci]\ncurrency = \"XOF\"\n\n[profiles.\"$(touch HACKED)\"]\ncurrency = \"XOF\"\n\n[profiles.\"sp ace\"]\ncurrency = \"XOF\"\n",
    );
    assert_eq!(complete(&sb, &["--profile", ""]), ["ci"]);
}
