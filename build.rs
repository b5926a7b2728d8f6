//! What `orqex --version` says besides the version: the target it was built for and, in a
//! git checkout, the commit. Sets ORQEX_LONG_VERSION, e.g.
//! `0.1.0 (x86_64-unknown-linux-gnu, commit 86e0445)`, or
//! `0.1.0 (x86_64-unknown-linux-gnu, built from a source package without git)`.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown target".to_string());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let origin = origin(Path::new(&dir));
    println!("cargo:rustc-env=ORQEX_LONG_VERSION={version} ({target}, {origin})");
}

fn origin(dir: &Path) -> String {
    // Only a repository rooted here counts: a source package unpacked inside another
    // checkout (cargo package's own check under target/package/, a vendored copy) has no
    // commit of its own, and the surrounding repository's would be a lie. `.git` is a
    // directory in a clone and a file in a worktree.
    if !dir.join(".git").exists() {
        return "built from a source package without git".to_string();
    }
    // Build again when HEAD moves: a commit changes the branch's ref (or packed-refs),
    // a checkout changes HEAD.
    let branch = git(dir, &["rev-parse", "--symbolic-full-name", "HEAD"]);
    let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watch.extend(branch.filter(|b| b.starts_with("refs/")));
    for name in &watch {
        if let Some(path) = git(dir, &["rev-parse", "--git-path", name]) {
            let path = dir.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    match git(dir, &["rev-parse", "--short", "HEAD"]) {
        Some(commit) => format!("commit {commit}"),
        None => "commit unknown: git was not found or failed".to_string(),
    }
}

/// The trimmed output of a git command run in `dir`, or None when it fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}
