//! `install.sh` refusing what it must not install: links in the archive, a binary that does
//! not run here, a checksum line for another file; and finding this machine's other archive
//! when the default one is not in the folder.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::install::unix::{Machine, Release, marker};

/// The SHA-256 of `file`, lowercase hex, by the system's tool.
fn sha256_of(file: &Path) -> String {
    let out = Command::new("sha256sum").arg(file).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Writes `release`'s archive by hand from `stage` (one orqex-0.0.0-<target> folder inside),
/// with a checksum line as package.sh writes it.
fn pack_by_hand(release: &Release, stage: &Path) {
    let archive = release.archive();
    Command::new("tar")
        .arg("-C")
        .arg(stage)
        .args(["-czf"])
        .arg(&archive)
        .arg(format!("orqex-0.0.0-{}", release.target))
        .assert()
        .success();
    let name = archive.file_name().unwrap().to_str().unwrap().to_string();
    std::fs::write(
        archive.with_extension("gz.sha256"),
        format!("{}  {name}\n", sha256_of(&archive)),
    )
    .unwrap();
}

#[test]
fn a_link_in_the_archive_is_refused_and_nothing_is_installed() {
    let release = Release::new();
    let work = TempDir::new().unwrap();
    // What the link points to runs fine: only its being a link is wrong.
    let elsewhere = marker(work.path(), "orqex from elsewhere");
    for linked in ["orqex", "completions/orqex.bash"] {
        let stage = TempDir::new().unwrap();
        let top = stage.path().join(format!("orqex-0.0.0-{}", release.target));
        std::fs::create_dir_all(top.join("completions")).unwrap();
        std::fs::copy(marker(work.path(), "orqex marker 1"), top.join("orqex")).unwrap();
        std::fs::write(
            top.join("completions/orqex.bash"),
            "complete -F _orqex orqex\n",
        )
        .unwrap();
        std::fs::remove_file(top.join(linked)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, top.join(linked)).unwrap();
        pack_by_hand(&release, stage.path());

        let machine = Machine::new();
        machine
            .install(&release)
            .assert()
            .code(1)
            .stderr(predicate::str::ends_with(format!(
                "orqex-install: orqex-{t}.tar.gz holds a link, orqex-0.0.0-{t}/{linked}, where a file should be; nothing was installed\n",
                t = release.target
            )));
        assert_eq!(machine.files(), Vec::<String>::new(), "{linked}");
        machine.assert_no_leftovers();
    }
}

#[test]
fn a_binary_that_does_not_run_here_is_not_installed_and_the_old_one_stays() {
    let release = Release::new();
    let work = TempDir::new().unwrap();
    let machine = Machine::new();
    release.pack(&marker(work.path(), "orqex marker 1"));
    machine.install(&release).assert().success();

    let broken = work.path().join("broken");
    std::fs::write(
        &broken,
        "#!/bin/sh\necho 'cannot execute: Exec format error' >&2\nexit 126\n",
    )
    .unwrap();
    std::fs::set_permissions(&broken, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    release.pack(&broken);
    let files = machine.files();
    machine
        .install(&release)
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(format!(
            "orqex-install: the orqex in orqex-{}.tar.gz does not run here (`orqex --version` failed: cannot execute: Exec format error); nothing was installed; pick the archive for this machine with --target TRIPLE\n",
            release.target
        )));
    assert_eq!(machine.files(), files);
    Command::new(machine.path(".local/bin/orqex"))
        .assert()
        .success()
        .stdout("orqex marker 1\n");
    machine.assert_no_leftovers();
}

#[test]
fn the_checksum_line_is_read_in_every_sha256sum_format_and_must_name_the_archive() {
    let release = Release::new();
    let work = TempDir::new().unwrap();
    release.pack(&marker(work.path(), "orqex marker 1"));
    let archive = release.archive();
    let name = archive.file_name().unwrap().to_str().unwrap().to_string();
    let sum = sha256_of(&archive);
    let line_file = archive.with_extension("gz.sha256");
    for good in [
        format!("{sum}  {name}\n"),
        format!("{sum} *{name}\n"),
        format!("{sum}\t{name}\n"),
        format!("{}  {name}\r\n", sum.to_ascii_uppercase()),
        format!("{sum}  dist/{name}\n"),
    ] {
        std::fs::write(&line_file, &good).unwrap();
        let machine = Machine::new();
        machine.install(&release).assert().success();
        assert!(machine.path(".local/bin/orqex").exists(), "{good:?}");
    }
    for (bad, says) in [
        (
            format!("{sum}  orqex-other.tar.gz\n"),
            format!("names `orqex-other.tar.gz`, not {name}; nothing was installed\n"),
        ),
        (
            format!("{sum}\n"),
            format!("names ``, not {name}; nothing was installed\n"),
        ),
    ] {
        std::fs::write(&line_file, &bad).unwrap();
        let machine = Machine::new();
        machine
            .install(&release)
            .assert()
            .code(1)
            .stderr(predicate::str::ends_with(format!(
                "orqex-install: {name}.sha256 {says}"
            )));
        assert_eq!(machine.files(), Vec::<String>::new(), "{bad:?}");
    }
}

#[test]
fn without_the_default_archive_this_machines_other_one_is_used_or_the_ones_there_named() {
    let arch = std::env::consts::ARCH;
    if std::env::consts::OS != "linux" || !matches!(arch, "x86_64" | "aarch64") {
        return; // The musl default and its gnu fallback are Linux's.
    }
    let work = TempDir::new().unwrap();
    let mut release = Release::new();
    release.target = format!("{arch}-unknown-linux-gnu");
    release.pack(&marker(work.path(), "orqex marker gnu"));
    let machine = Machine::new();
    machine
        .install(&release)
        .env_remove("ORQEX_INSTALL_TARGET")
        .assert()
        .success()
        .stderr(predicate::str::starts_with(format!(
            "orqex-install: no orqex-{arch}-unknown-linux-musl.tar.gz at {base}; installing orqex-{arch}-unknown-linux-gnu.tar.gz, this machine's other build\n",
            base = release.base()
        )));
    Command::new(machine.path(".local/bin/orqex"))
        .assert()
        .success()
        .stdout("orqex marker gnu\n");

    // Neither: the archives there are named, with the flag that picks one.
    let mut other = Release::new();
    other.target = "riscv64gc-unknown-linux-gnu".into();
    other.pack(&marker(work.path(), "orqex marker riscv"));
    let machine = Machine::new();
    machine
        .install(&other)
        .env_remove("ORQEX_INSTALL_TARGET")
        .assert()
        .code(1)
        .stderr(format!(
            "orqex-install: no orqex-{arch}-unknown-linux-musl.tar.gz nor orqex-{arch}-unknown-linux-gnu.tar.gz at {}; it holds archives for: riscv64gc-unknown-linux-gnu; pick one with --target TRIPLE\n",
            other.base()
        ));
    assert_eq!(machine.files(), Vec::<String>::new());
}
